"""`manage.py forward_orders`: send every order waiting to go, now; never one in review."""

from django.core.management.base import BaseCommand

from orders.forwarding import forward_waiting


class Command(BaseCommand):
    help = "Send every queued order upstream now, whatever its backoff."

    def handle(self, *args: object, **options: object) -> None:
        counts = forward_waiting(ignore_backoff=True)
        summary = ", ".join(f"{n} {what}" for what, n in counts.items())
        self.stdout.write(f"Forwarding pass done: {summary}")
