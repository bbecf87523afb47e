"""`manage.py create_customer EMAIL [--password P] [--balance AMOUNT]`

The customer's new API key is the last line printed, so scripts can take it with `tail -1`.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from panel.accounts import create_customer


def _amount(value: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation as exc:
        raise CommandError(f"not an amount: {value!r}") from exc
    if not amount.is_finite() or amount < 0:
        raise CommandError(f"not an amount: {value!r}")
    return amount


class Command(BaseCommand):
    help = "Create an active, verified customer and print their API key (last line)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--password")
        parser.add_argument("--balance", type=_amount, default=Decimal(0))

    def handle(self, *args: object, **options: object) -> None:
        try:
            validate_email(options["email"])
        except ValidationError as exc:
            raise CommandError(f"not an e-mail address: {options['email']!r}") from exc
        user, key = create_customer(email=options["email"], password=options["password"],
                                    balance=options["balance"])
        self.stdout.write(f"Customer {user.email}, balance {user.wallet.balance}")
        self.stdout.write(key)
