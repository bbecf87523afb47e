"""`manage.py add_provider NAME --url URL --key KEY [--markup PERCENT [--allow-below-cost]]
[--timeout SECONDS]`"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from provider.providers import save_provider


def _decimal(value: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation as exc:
        raise CommandError(f"not a number: {value!r}") from exc


class Command(BaseCommand):
    help = "Create or update a provider (an upstream panel)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--url", required=True, help="The provider's API URL (http/https).")
        parser.add_argument("--key", required=True, help="The provider's API key.")
        parser.add_argument("--markup", type=_decimal, help="Markup in percent.")
        parser.add_argument("--allow-below-cost", action="store_true",
                            help="Allow a negative markup (selling at a loss).")
        parser.add_argument("--timeout", type=float, help="Seconds per upstream call.")

    def handle(self, *args: object, **options: object) -> None:
        try:
            provider, created = save_provider(
                name=options["name"], url=options["url"], key=options["key"],
                markup=options["markup"], timeout=options["timeout"],
                allow_below_cost=options["allow_below_cost"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} provider {provider.name} ({provider.api_url})")
