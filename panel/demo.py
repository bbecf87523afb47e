"""Demo data for `make run`: the sandbox as the default provider, its catalog, an admin
and a customer with a balance. Running it again reuses what is there: the customer keeps
their password (so a browser stays signed in across restarts) and their API key (kept in
`var/demo-api-key`, since only its digest is in the database) unless a new one is asked for."""

import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from panel.accounts import create_customer
from panel.apikeys import regenerate_api_key, user_for_key
from panel.models import User
from payments.models import MethodKind, PaymentMethod
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


def key_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-api-key"


def demo_customer_key(customer: User, *, made: str | None, new_key: bool) -> str:
    """The demo customer's API key: the one saved by an earlier run while it still works,
    else a new one (saved for the next run)."""
    path = key_file()
    saved = path.read_text().strip() if path.exists() else ""
    if made is None and not new_key and saved and user_for_key(saved) == customer:
        return saved
    key = made if made is not None and not new_key else regenerate_api_key(customer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(key + "\n")
    path.chmod(0o600)
    return key


def set_up_demo(*, sandbox_url: str, panel_url: str, out: Callable[[str], None],
                new_key: bool = False) -> None:
    out(f"Waiting for the sandbox at {sandbox_url} ...")
    wait_for_upstream(sandbox_url, SANDBOX_KEY)
    provider, _ = save_provider(name="HstockPlus sandbox", url=sandbox_url, key=SANDBOX_KEY,
                                markup=Decimal(30))
    sync_provider(provider, progress=out)
    if not User.objects.filter(email=ADMIN_EMAIL).exists():
        User.objects.create_superuser(email=ADMIN_EMAIL, password=ADMIN_PASSWORD,
                                      email_verified=True)
    customer, made = User.objects.filter(email=CUSTOMER_EMAIL).first(), None
    if customer is None:
        customer, made = create_customer(email=CUSTOMER_EMAIL, password=CUSTOMER_PASSWORD,
                                         balance=CUSTOMER_BALANCE)
    api_key = demo_customer_key(customer, made=made, new_key=new_key)
    if not PaymentMethod.objects.filter(kind=MethodKind.MANUAL).exists():
        PaymentMethod.objects.create(
            kind=MethodKind.MANUAL, name="Bank transfer (demo)", display_order=200,
            instructions="A demo manual method: nothing to pay. Press \"I have paid\", then "
                         f"approve it as {ADMIN_EMAIL} at /staff/deposits/.")
    panel_url = panel_url.rstrip("/")
    out("")
    out("=" * 72)
    out(f"  The panel:   {panel_url}/")
    out(f"  Admin:       {panel_url}/admin/   {ADMIN_EMAIL} / {ADMIN_PASSWORD}")
    out(f"  Customer:    {CUSTOMER_EMAIL} / {CUSTOMER_PASSWORD}")
    out(f"  Customer API key: {api_key}")
    if settings.TEST_GATEWAY_ENABLED:
        out(f"  Add funds:   {panel_url}/wallet/add-funds/   (the test gateway: fake money)")
    out("               (kept across runs; `make run DEMO_NEW_KEY=1` makes a new one)")
    out("=" * 72)
