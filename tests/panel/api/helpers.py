"""Shared helpers for the API tests."""

from provider.models import Provider
from provider.sync import sync_provider

FOLLOWERS, LIKES, COMMENTS, GMAIL, OUTLOOK, NETFLIX, TELEGRAM, TIKTOK, TWITTER = range(1, 10)
LINK = "https://instagram.com/p/abc"


def synced(sandbox, *, services: int | None = None, name: str = "sandbox",
           standard: bool = False) -> Provider:
    """The sandbox as a provider (reset to `services` if given), synced."""
    if services is not None:
        sandbox.reset(services=services)
    row = Provider.objects.create(name=name, api_url=sandbox.standard_url if standard
                                  else sandbox.url, api_key=sandbox.key, timeout=2.0)
    sync_provider(row)
    row.refresh_from_db()
    return row
