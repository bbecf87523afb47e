"""`manage.py sync_catalog [--provider NAME]`"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from provider.models import Provider
from provider.sync import SyncFailed, record_sync_error, sync_provider


class Command(BaseCommand):
    help = "Sync services, categories and the SMS catalog from the providers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--provider", help="Only this provider (by name).")

    def handle(self, *args: object, **options: object) -> None:
        providers = Provider.objects.filter(enabled=True)
        if options["provider"]:
            providers = Provider.objects.filter(name=options["provider"])
            if not providers.exists():
                raise CommandError(f"no provider named {options['provider']!r}")
        failures = []
        for provider in providers:
            try:
                # A full sync also keeps the names in other languages; a short-circuited one
                # leaves them, like the subcategory listings, to the next full sync
                # (`provider.catalog_digest`).
                sync_provider(provider, progress=self.stdout.write)
            except SyncFailed as exc:
                self.stderr.write(str(exc))
                failures.append(provider.name)
            except Exception as exc:
                # Recorded, and the other providers still synced, as by the periodic task.
                record_sync_error(provider, f"sync failed: {type(exc).__name__}: {exc}")
                self.stderr.write(f"{provider.name}: sync failed: {type(exc).__name__}: {exc}")
                failures.append(provider.name)
        if failures:
            raise CommandError(f"sync failed for: {', '.join(failures)}")
