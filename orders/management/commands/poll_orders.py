"""`manage.py poll_orders`: refresh every active order and SMS number now."""

from django.core.management.base import BaseCommand

from orders.sms_tracking import poll_numbers
from orders.tracking import poll


class Command(BaseCommand):
    help = "Check every active order upstream now, whatever its schedule."

    def handle(self, *args: object, **options: object) -> None:
        summary = poll(everything=True, progress=self.stdout.write)
        self.stdout.write(f"Orders: {summary}")
        self.stdout.write(f"SMS: {poll_numbers(everything=True, progress=self.stdout.write)}")
