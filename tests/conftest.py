import os

import pytest
from django.core.cache import cache
from django.core.management import call_command

pytest_plugins = ["tests.fixtures.sandbox", "tests.fixtures.smtp"]

# In CI (.ci/run) a test that needs PostgreSQL, Redis or Chromium fails instead of skipping.
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


@pytest.fixture(scope="session", autouse=True)
def _collected_static(django_db_blocker) -> None:
    """Pages render through the same manifest storage as production."""
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits (their counter), sign-in limits, branding and the API's ready services
    list live in the cache: nothing leaks from one test into the next."""
    from panel.ratecount import counter

    cache.clear()
    counter().clear()
    yield
    cache.clear()
    counter().clear()


@pytest.fixture(autouse=True)
def _mail_sent_in_process(request, monkeypatch):
    """E-mails are queued for a worker (panel.mail.send); here the task runs at once, in this
    process, so that tests read `mail.outbox`. Tests marked `queued_mail` keep the queue."""
    if request.node.get_closest_marker("queued_mail"):
        return
    from panel.tasks import send_email

    monkeypatch.setattr(send_email, "delay", lambda **fields: send_email.apply(kwargs=fields).get())


@pytest.fixture
def make_customer(db):
    from decimal import Decimal

    from panel.accounts import create_customer

    def make(email: str, balance: str = "100.00"):
        user, _ = create_customer(email=email, password="pw-secret-123", balance=Decimal(balance))
        return user

    return make


@pytest.fixture
def alice(make_customer):
    return make_customer("alice@example.com")


@pytest.fixture
def bob(make_customer):
    return make_customer("bob@example.com")


@pytest.fixture
def provider(db, sandbox):
    """The sandbox registered as a provider (HstockPlus dialect) and synced."""
    from provider.models import Provider
    from provider.sync import sync_provider

    row = Provider.objects.create(
        name="sandbox", api_url=sandbox.url, api_key=sandbox.key, timeout=1.0
    )
    sync_provider(row)
    row.refresh_from_db()
    return row


@pytest.fixture
def service(provider):
    """Look up a synced service by its sandbox (upstream) id."""
    from provider.models import Service

    return lambda upstream_id: Service.objects.get(provider=provider, upstream_id=upstream_id)
