"""`manage.py poll_orders`: refresh every active order and SMS number now."""

from django.core.management.base import BaseCommand

from orders.tracking import poll


class Command(BaseCommand):
    help = "Check every active order upstream now, whatever its schedule."

    def handle(self, *args: object, **options: object) -> None:
        summary = poll(everything=True, progress=self.stdout.write)
        self.stdout.write(f"Polling pass done: {summary}")
