"""`manage.py create_customer EMAIL [--password P] [--balance AMOUNT] [--new-key]`

A new customer's API key is the last line printed, so scripts can take it with `tail -1`.
For an existing e-mail the balance is added and the customer keeps the key their scripts
use; `--new-key` replaces it (the old one stops working) and prints the new one last.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from orders.ledger import wallet_for
from panel.accounts import create_customer
from panel.models import User


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
        parser.add_argument("--balance", type=_amount, default=Decimal(0),
                            help="added to the wallet (an existing customer's too)")
        parser.add_argument("--new-key", action="store_true",
                            help="replace an existing customer's API key")

    def handle(self, *args: object, **options: object) -> None:
        try:
            validate_email(options["email"])
        except ValidationError as exc:
            raise CommandError(f"not an e-mail address: {options['email']!r}") from exc
        existed = User.objects.filter(email__iexact=options["email"]).exists()
        user, key = create_customer(email=options["email"], password=options["password"],
                                    balance=options["balance"], new_key=options["new_key"])
        balance = wallet_for(user).balance  # read again: the top-up updated it in SQL
        if not existed:
            self.stdout.write(f"Customer {user.email}, balance {balance}")
        else:
            self.stdout.write(f"Customer {user.email} exists: added {options['balance']}, "
                              f"balance now {balance}")
            if key is None:
                self.stdout.write("API key unchanged (--new-key replaces it)")
            else:
                self.stdout.write("New API key (the old one no longer works):")
        if key is not None:
            self.stdout.write(key)
