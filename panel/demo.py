"""Demo data for `make run`: the sandbox as the default provider, its catalog, an admin
and a customer with a balance. Running it again reuses what is there."""

import time
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings

from panel.accounts import create_customer
from panel.models import User
from provider.client import ProviderClient, ProviderError
from provider.providers import save_provider
from provider.sync import sync_provider

SANDBOX_KEY = "sandbox-key"
ADMIN_EMAIL, ADMIN_PASSWORD = "admin@example.com", "admin"
CUSTOMER_EMAIL, CUSTOMER_PASSWORD = "demo@example.com", "demo-pass-1234"
CUSTOMER_BALANCE = Decimal("100.00")


def wait_for_upstream(url: str, key: str, *, seconds: float = 30) -> None:
    client = ProviderClient(url, key, timeout=2, retries=0,
                            allow_private=settings.PROVIDER_ALLOW_PRIVATE_URLS)
    deadline = time.monotonic() + seconds
    try:
        while True:
            try:
                client.balance()
                return
            except ProviderError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
    finally:
        client.close()


def set_up_demo(*, sandbox_url: str, out: Callable[[str], None]) -> None:
    out(f"Waiting for the sandbox at {sandbox_url} ...")
    wait_for_upstream(sandbox_url, SANDBOX_KEY)
    provider, _ = save_provider(name="HstockPlus sandbox", url=sandbox_url, key=SANDBOX_KEY,
                                markup=Decimal(30))
    sync_provider(provider, progress=out)
    if not User.objects.filter(email=ADMIN_EMAIL).exists():
        User.objects.create_superuser(email=ADMIN_EMAIL, password=ADMIN_PASSWORD,
                                      email_verified=True)
    is_new = not User.objects.filter(email=CUSTOMER_EMAIL).exists()
    _, api_key = create_customer(email=CUSTOMER_EMAIL, password=CUSTOMER_PASSWORD,
                                 balance=CUSTOMER_BALANCE if is_new else Decimal(0))
    out("")
    out("=" * 64)
    out(f"  Admin:    {ADMIN_EMAIL} / {ADMIN_PASSWORD}   (/admin/)")
    out(f"  Customer: {CUSTOMER_EMAIL} / {CUSTOMER_PASSWORD}")
    out(f"  Customer API key (new each run): {api_key}")
    out("=" * 64)
