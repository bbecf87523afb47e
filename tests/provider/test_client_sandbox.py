"""ProviderClient against the sandbox upstream over real HTTP, in both dialects.

Every action the client has, once for each dialect that offers it, then every failure class
produced by the sandbox's fault knobs and a closed port. The sandbox's own ledger (its orders,
numbers and call counts) shows what actually reached the upstream, so the tests can tell "the
request took effect" from "nothing was sent". Faults that stall wait DELAY seconds against a
client timeout of FAST, so the whole file runs in seconds.
"""

import socket
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial

import pytest

from provider.client import (
    OutcomeUnknown,
    ProviderClient,
    ProviderError,
    ProviderRejected,
    ProviderUnavailable,
    SmsCountry,
    SmsNumber,
    is_insufficient_balance,
)
from provider.sandbox.catalog import (
    GMAIL_USA,
    INSTAGRAM_COMMENTS,
    INSTAGRAM_FOLLOWERS,
    INSTAGRAM_LIKES,
    NETFLIX_PREMIUM,
    PROJECT_DISCORD,
    PROJECT_OPENAI,
    TELEGRAM_MEMBERS,
)
from provider.sandbox.lifecycle import sms_code

# The sandbox listens on 127.0.0.1, a private address the client refuses unless told.
LocalClient = partial(ProviderClient, allow_private=True)

FAST = 1.0  # the client's timeout in the tests that make the upstream stall
DELAY = 2.0  # how long a stalling fault holds the answer back
POST = "https://instagram.com/p/sandbox"


@pytest.fixture
def hstock(sandbox):
    with LocalClient(sandbox.url, sandbox.key, timeout=10, retries=2, backoff=0) as client:
        yield client


@pytest.fixture
def standard(sandbox):
    with LocalClient(sandbox.standard_url, sandbox.key, timeout=10, retries=2,
                        backoff=0) as client:
        yield client


@pytest.fixture
def impatient(sandbox):
    """An HstockPlus client that gives up after FAST seconds, retrying reads once."""
    with LocalClient(sandbox.url, sandbox.key, timeout=FAST, retries=1, backoff=0) as client:
        yield client


def calls(sandbox, action, dialect="hstockplus"):
    """How many `action` calls reached the sandbox."""
    return sandbox.state.calls().get(dialect, {}).get(action, 0)


def wait_for_orders(sandbox, count):
    """The sandbox's orders once there are `count`: a stalled call is processed late."""
    deadline = time.monotonic() + DELAY + 3
    while len(sandbox.orders()) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return sandbox.orders()


def follow(client, quantity=1000):
    return client.add(service_id=INSTAGRAM_FOLLOWERS, quantity=quantity, link=POST)


# --- the HstockPlus dialect -------------------------------------------------------------------


def test_categories(hstock):
    categories = {category.name: category.subcategories for category in hstock.categories()}

    assert set(categories["Instagram"]) >= {"Followers", "Likes", "Comments"}
    assert "Gmail" in categories["Accounts-Email"]


def test_all_services_in_one_call(sandbox, hstock):
    page = hstock.services()
    services = {service.service_id: service for service in page.services}

    assert page.total == len(page.services) == 40
    assert page.total_pages == 1
    followers, gmail, netflix = (services[i] for i in (INSTAGRAM_FOLLOWERS, GMAIL_USA,
                                                       NETFLIX_PREMIUM))
    assert (followers.name, followers.rate, followers.entity_type) == (
        "Instagram Followers", Decimal("0.50"), "smm")
    assert (followers.min, followers.max, followers.refill) == (100, 10_000, True)
    assert (gmail.entity_type, gmail.rate, gmail.stock) == ("product", Decimal("25.00"), 50)
    assert netflix.auto_delivery is False
    assert all(isinstance(service.rate, Decimal) for service in page.services)
    assert [s.service_id for s in hstock.all_services()] == list(services)
    assert calls(sandbox, "services") == 2


def test_services_by_page_and_by_subcategory(hstock):
    page = hstock.services(page=2, limit=10)
    followers = hstock.services(category="Instagram", subcategory="Followers")

    assert (page.page, page.limit, page.total, page.total_pages) == (2, 10, 40, 4)
    assert [s.service_id for s in page.services] == list(range(11, 21))
    assert INSTAGRAM_FOLLOWERS in {s.service_id for s in followers.services}
    assert INSTAGRAM_LIKES not in {s.service_id for s in followers.services}


def test_inventory_follows_the_stock(hstock):
    before = hstock.inventory(GMAIL_USA)
    hstock.add(service_id=GMAIL_USA, quantity=2)
    after = hstock.inventory(GMAIL_USA)

    assert (before.service_id, before.stock, before.available) == (GMAIL_USA, 50, True)
    assert (before.entity_type, before.auto_delivery) == ("product", True)
    assert after.stock == 48


def test_inventory_of_an_unknown_service_is_rejected(hstock):
    with pytest.raises(ProviderRejected) as caught:
        hstock.inventory(999_999)
    assert caught.value.message == "Service not found"


def test_an_smm_order_from_pending_to_completed(sandbox, hstock):
    order_id = follow(hstock)

    pending = hstock.status(order_id)
    sandbox.advance(10)
    working = hstock.status(order_id)
    sandbox.advance(25)
    done = hstock.status(order_id)

    assert pending.status == "Pending" and pending.charge == Decimal("0.50")
    assert working.status == "In progress" and 0 < working.remains < 1000
    assert working.start_count == 1000 and working.currency == "USD"
    assert (done.status, done.remains, done.charge) == ("Completed", 0, Decimal("0.50"))
    assert done.accounts == () and done.auto_delivery is True


def test_a_product_order_delivers_accounts(sandbox, hstock):
    order_id = hstock.add(service_id=GMAIL_USA, quantity=2)
    sandbox.advance(5)

    status = hstock.status(order_id)

    assert (status.status, status.entity_type, status.remains) == ("Completed", "product", 0)
    assert len(status.accounts) == 2
    assert all(":" in account and "@gmail.com" in account for account in status.accounts)
    assert status.charge == Decimal("50.00")


def test_a_partial_order_reports_what_remains(sandbox, hstock):
    order_id = hstock.add(service_id=INSTAGRAM_LIKES, quantity=100, link=POST)
    sandbox.advance(31)

    status = hstock.status(order_id)

    assert (status.status, status.remains) == ("Partial", 50)
    assert status.charge == Decimal("0.01")


def test_the_status_of_an_unknown_order_is_rejected(hstock):
    with pytest.raises(ProviderRejected) as caught:
        hstock.status(1)
    assert caught.value.message == "Order not found"


def test_hstockplus_has_no_multi_status_unless_configured(sandbox, hstock):
    assert hstock.supports_multi_status() is False

    sandbox.configure(multi_status=True)
    first, second = follow(hstock), follow(hstock)

    assert hstock.supports_multi_status() is True
    result = hstock.statuses([first, second, 999_999])
    assert result[first].status == result[second].status == "Pending"
    assert isinstance(result[999_999], ProviderRejected)
    assert result[999_999].message == "Order not found"


def test_balance_goes_down_with_orders(hstock):
    assert hstock.balance().amount == Decimal("1000.00")
    follow(hstock)

    balance = hstock.balance()

    assert (balance.amount, balance.currency) == (Decimal("999.50"), "USD")


def test_insufficient_balance_is_recognised(sandbox, hstock):
    sandbox.configure(balance="0.10")

    with pytest.raises(ProviderRejected) as caught:
        follow(hstock)
    assert caught.value.message == "Insufficient balance"
    assert is_insufficient_balance(caught.value)
    assert sandbox.orders() == []


def test_a_wrong_key_is_rejected_without_showing_it(sandbox):
    with (
        LocalClient(sandbox.url, "not-the-key-0451", retries=0) as client,
        pytest.raises(ProviderRejected) as caught,
    ):
        client.balance()
    assert caught.value.message == "Invalid API key"
    assert "not-the-key-0451" not in str(caught.value)


# --- SMS numbers (HstockPlus only) ------------------------------------------------------------


def test_sms_catalog(hstock):
    countries = hstock.sms_countries()
    us_projects = hstock.sms_projects("us")
    every_project = hstock.sms_projects()

    assert SmsCountry("us", "United States") in countries
    openai = next(p for p in us_projects if p.project_id == PROJECT_OPENAI)
    assert (openai.name, openai.price, openai.country_title) == (
        "OpenAI / ChatGPT", Decimal("0.5000"), "United States")
    assert {p.country_id for p in us_projects} == {"us"}
    assert len(every_project) > len(us_projects)


def test_a_number_from_rent_to_code(sandbox, hstock):
    [number] = hstock.add_sms(project_id=PROJECT_OPENAI, country="us")

    waiting = hstock.sms_code(number.order_id)
    sandbox.advance(10)
    received = hstock.sms_code(number.order_id)
    status = hstock.sms_status(number.order_id)

    assert number == SmsNumber(number.order_id, number.phone, "us", "active")
    assert number.phone.startswith("+1")
    assert (waiting.status, waiting.code, waiting.message) == ("waiting", None, "Waiting for code")
    assert (received.status, received.code) == ("completed", sms_code(number.order_id))
    assert received.code in received.text
    assert (status.status, status.phone, status.code) == (
        "code_received", number.phone, received.code)
    assert (status.charge, status.currency) == (Decimal("0.5000"), "USD")
    assert status.expires_at.tzinfo is UTC
    assert status.expires_at > datetime.now(UTC) + timedelta(seconds=30)


def test_several_numbers_at_once_and_an_unknown_sms_status(sandbox, hstock):
    numbers = hstock.add_sms(project_id=PROJECT_DISCORD, quantity=2, country="de")
    sandbox.advance(16)

    status = hstock.sms_status(numbers[0].order_id)

    assert [n.country for n in numbers] == ["de", "de"]
    assert len({n.order_id for n in numbers}) == 2
    assert status.status == "canceled"  # not on the page: kept raw for a person to look at
    assert status.code is None


# --- the standard dialect ---------------------------------------------------------------------


def test_standard_services_are_a_bare_list(sandbox, standard):
    page = standard.services()
    services = {service.service_id: service for service in page.services}

    assert (page.page, page.total_pages, page.total) == (1, 1, len(page.services))
    assert GMAIL_USA not in services  # no products here
    comments = services[INSTAGRAM_COMMENTS]
    assert comments.rate == Decimal("4.00000") and str(comments.rate) == "4.00000"
    assert (comments.min, comments.max) == (10, 1000)
    assert comments.description and comments.stock is None
    assert all(s.entity_type == "smm" and s.auto_delivery for s in page.services)
    assert {s.dripfeed for s in page.services} == {True, False}


def test_standard_order_statuses_keep_their_words(sandbox, standard):
    followers = follow(standard)
    comments = standard.add(service_id=INSTAGRAM_COMMENTS, quantity=10, link=POST)
    sandbox.advance(11)

    working, refused = standard.status(followers), standard.status(comments)

    assert working.status == "Processing"
    assert isinstance(working.remains, int) and isinstance(working.start_count, int)
    assert working.charge == Decimal("0.50") and str(working.charge) == "0.50000"
    assert working.auto_delivery is None and working.entity_type is None
    assert (refused.status, refused.remains, refused.charge) == ("Cancelled", 10, Decimal(0))


def test_standard_multi_status_in_chunks(sandbox, standard):
    placed = [follow(standard) for _ in range(3)]
    unknown = list(range(1, 148))

    assert standard.supports_multi_status() is True
    result = standard.statuses(placed + unknown)

    assert calls(sandbox, "status", "standard") == 1 + 2  # the probe, then 150 ids in two
    assert all(result[order_id].status == "Pending" for order_id in placed)
    assert all(isinstance(result[i], ProviderRejected) for i in unknown)
    assert result[1].message == "Incorrect order ID"


def test_standard_refill(sandbox, standard):
    order_id = follow(standard)
    sandbox.advance(31)

    refill_id = standard.refill(order_id)
    pending = standard.refill_status(refill_id)
    sandbox.advance(11)

    assert (pending, standard.refill_status(refill_id)) == ("Pending", "Completed")


def test_standard_refill_refused(standard):
    order_id = standard.add(service_id=TELEGRAM_MEMBERS, quantity=100, link=POST)

    with pytest.raises(ProviderRejected, match="Refill is disabled"):
        standard.refill(order_id)


def test_standard_cancel(sandbox, standard):
    order_id = standard.add(service_id=TELEGRAM_MEMBERS, quantity=100, link=POST)

    result = standard.cancel([order_id, 1])

    assert result[order_id] is None
    assert isinstance(result[1], ProviderRejected)
    assert result[1].message == "Incorrect order ID"
    sandbox.advance(1)
    assert standard.status(order_id).status == "Cancelled"


def test_standard_balance_and_its_wording_for_no_funds(sandbox, standard):
    assert standard.balance().amount == Decimal("1000.00")
    sandbox.configure(balance="0")

    with pytest.raises(ProviderRejected) as caught:
        follow(standard)
    assert caught.value.message == "Not enough funds on balance"
    assert is_insufficient_balance(caught.value)


def test_standard_providers_lack_the_hstockplus_extensions(standard):
    for extension in (standard.categories, standard.sms_countries, lambda: standard.inventory(1)):
        with pytest.raises(ProviderRejected) as caught:
            extension()
        assert caught.value.message == "Invalid action"


# --- failures ---------------------------------------------------------------------------------


def test_a_closed_port_is_unavailable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens there now: the connection is refused before a byte is sent.
    url = f"http://127.0.0.1:{port}/api/v2"
    with (
        LocalClient(url, "k3y", timeout=FAST, retries=0) as client,
        pytest.raises(ProviderUnavailable, match=r"^add: could not connect"),
    ):
        follow(client)


def test_a_stalled_add_is_outcome_unknown_and_took_effect(sandbox, impatient):
    sandbox.fault("add", "timeout", delay=DELAY)

    with pytest.raises(OutcomeUnknown, match=f"^add: no answer within {FAST:g} s$"):
        follow(impatient)
    # The upstream placed the order after we stopped listening: exactly why it is "unknown".
    assert len(wait_for_orders(sandbox, 1)) == 1
    assert calls(sandbox, "add") == 1


@pytest.mark.parametrize(("kind", "delay", "message"), [
    ("lost", 0, "^add: connection failed after sending"),
    ("lost", DELAY, "^add: no answer within"),
    ("reset", None, "^add: connection failed after sending"),
    ("malformed", None, "^add: HTTP 200 with malformed JSON$"),
])
def test_an_add_processed_without_a_usable_answer_is_outcome_unknown(
        sandbox, impatient, kind, delay, message):
    sandbox.fault("add", kind, delay=delay)

    with pytest.raises(OutcomeUnknown, match=message):
        follow(impatient)
    assert len(sandbox.orders()) == 1
    assert calls(sandbox, "add") == 1


@pytest.mark.parametrize(("kind", "message"), [
    ("http500", "add: HTTP 500 with a non-JSON body"),
    ("html", "add: HTTP 502 with a non-JSON body"),
])
def test_an_add_answered_by_an_error_page_is_outcome_unknown(sandbox, hstock, kind, message):
    sandbox.fault("add", kind)

    with pytest.raises(OutcomeUnknown) as caught:
        follow(hstock)
    assert str(caught.value) == message
    assert calls(sandbox, "add") == 1


@pytest.mark.parametrize("dialect", ["url", "standard_url"])
def test_an_error_fault_is_rejected_with_its_message(sandbox, dialect):
    message = "You have active order with this link. Please wait until order being completed."
    sandbox.fault("add", "error", message=message)

    with (
        LocalClient(getattr(sandbox, dialect), sandbox.key) as client,
        pytest.raises(ProviderRejected) as caught,
    ):
        follow(client)
    assert caught.value.message == message
    assert sandbox.orders() == []


def test_a_fault_for_one_service_leaves_the_others_alone(sandbox, hstock):
    sandbox.fault("add", "error", service=GMAIL_USA, message="Not enough stock")

    follow(hstock)
    with pytest.raises(ProviderRejected, match="Not enough stock"):
        hstock.add(service_id=GMAIL_USA, quantity=1)


def test_latency_beyond_the_timeout_is_outcome_unknown(sandbox):
    sandbox.configure(latency_ms=int(DELAY * 1000))

    with (
        LocalClient(sandbox.url, sandbox.key, timeout=FAST, retries=0) as client,
        pytest.raises(OutcomeUnknown, match=r"^balance: no answer within"),
    ):
        client.balance()


# --- retries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["http500", "html", "malformed", "reset", "lost"])
def test_a_read_is_retried_past_a_passing_fault(sandbox, hstock, kind):
    sandbox.fault("balance", kind, times=2, delay=0)

    assert hstock.balance().amount == Decimal("1000.00")
    assert calls(sandbox, "balance") == 3


def test_a_read_is_retried_past_a_stall(sandbox, impatient):
    order_id = follow(impatient)
    sandbox.fault("status", "timeout", times=1, delay=DELAY)

    assert impatient.status(order_id).status == "Pending"
    assert calls(sandbox, "status") == 2


def test_a_read_gives_up_after_its_retries(sandbox, hstock):
    sandbox.fault("services", "html")

    with pytest.raises(OutcomeUnknown, match=r"^services: HTTP 502 with a non-JSON body$"):
        hstock.services()
    assert calls(sandbox, "services") == 3


def test_a_rejected_read_is_not_retried(sandbox, hstock):
    sandbox.fault("balance", "error", message="Invalid API key")

    with pytest.raises(ProviderRejected):
        hstock.balance()
    assert calls(sandbox, "balance") == 1


WRITES = [
    ("url", "hstockplus", "add", lambda c: follow(c)),
    ("url", "hstockplus", "add_sms", lambda c: c.add_sms(project_id=PROJECT_OPENAI)),
    ("standard_url", "standard", "add", lambda c: follow(c)),
    ("standard_url", "standard", "cancel", lambda c: c.cancel([23501])),
    ("standard_url", "standard", "refill", lambda c: c.refill(23501)),
]


@pytest.mark.parametrize(("endpoint", "dialect", "action", "write"), WRITES)
@pytest.mark.parametrize("kind", ["http500", "html", "malformed", "reset", "lost"])
def test_a_write_is_sent_once_whatever_happens(sandbox, endpoint, dialect, action, write, kind):
    sandbox.fault(action, kind, delay=0)

    with (
        LocalClient(getattr(sandbox, endpoint), sandbox.key, retries=5, backoff=0) as client,
        pytest.raises(OutcomeUnknown, match=f"^{action}: "),
    ):
        write(client)
    assert calls(sandbox, action, dialect) == 1


def test_the_key_never_shows_in_a_failure(sandbox):
    with LocalClient(sandbox.url, sandbox.key, timeout=FAST, retries=0) as client:
        for kind in ("timeout", "lost", "reset", "http500", "html", "malformed", "error"):
            sandbox.fault("balance", kind, times=1, delay=DELAY,
                          message=f"bad key {sandbox.key}")
            with pytest.raises(ProviderError) as caught:
                client.balance()
            assert sandbox.key not in str(caught.value)
            assert sandbox.key not in caught.value.message
