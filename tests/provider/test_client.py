"""ProviderClient against recorded upstream answers, patched at the HTTP boundary.

The payloads are the protocol page's own examples (`hstockplus-api.md`) and the standard
dialect's usual quirks. Each failure class is produced the way requests and urllib3 really
raise it, so the mapping to ProviderUnavailable / OutcomeUnknown / ProviderRejected is the one
production sees.
"""

import copy
import json
import pickle
import socket
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
import requests
import responses
from hypothesis import given
from hypothesis import strategies as st
from urllib3.exceptions import (
    MaxRetryError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)

from provider.client import (
    USER_AGENT,
    Balance,
    Inventory,
    OrderStatus,
    OutcomeUnknown,
    ProviderClient,
    ProviderError,
    ProviderRejected,
    ProviderUnavailable,
    SmsCode,
    SmsCountry,
    SmsNumber,
    SmsProject,
    SmsStatus,
    UpstreamCategory,
    UpstreamService,
    is_insufficient_balance,
)

URL = "https://upstream.test/api/v2"
KEY = "k3y-9f8e7d6c5b4a39281706"


@pytest.fixture
def upstream():
    with responses.RequestsMock() as mock:
        yield mock


@pytest.fixture
def client():
    client = ProviderClient(URL, KEY, timeout=8, retries=2, backoff=0)
    yield client
    client.close()


def answer(upstream, payload, *, status=200):
    upstream.add(responses.POST, URL, body=json.dumps(payload), status=status,
                 content_type="application/json")


def fail(upstream, body, *, status=200, times=1):
    for _ in range(times):
        upstream.add(responses.POST, URL, body=body, status=status)


def sent(upstream, index=-1):
    """The form the client posted in call `index`, one value per field."""
    body = upstream.calls[index].request.body
    return {name: values[0] for name, values in parse_qs(body, keep_blank_values=True).items()}


# The ways a connection really fails, as requests raises them (see HTTPAdapter.send).
def refused():
    reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111]")
    reason.__cause__ = ConnectionRefusedError(111, "Connection refused")
    return requests.ConnectionError(MaxRetryError(None, "/api/v2", reason))


def dns_failure():
    gaierror = socket.gaierror(-2, "Name or service not known")
    return requests.ConnectionError(
        MaxRetryError(None, "/api/v2", NameResolutionError("upstream.test", None, gaierror)))


def connect_timeout():
    return requests.ConnectTimeout("connect timed out")


def read_timeout():
    return requests.ReadTimeout(ReadTimeoutError(None, "/api/v2", "Read timed out."))


def reset():
    return requests.ConnectionError(
        ProtocolError("Connection aborted.", ConnectionResetError(104, "Connection reset by peer")))


def remote_closed():
    return requests.ConnectionError(ProtocolError(
        "Connection aborted.", ConnectionResetError("Remote end closed connection")))


def truncated_body():
    return requests.exceptions.ChunkedEncodingError(ProtocolError("Connection broken"))


BAD_PAGE = "<html><body><h1>502 Bad Gateway</h1></body></html>"

NOTHING_SENT = [refused, dns_failure, connect_timeout]
MAYBE_SENT = [read_timeout, reset, remote_closed, truncated_body]


# --- catalog ----------------------------------------------------------------------------------


def test_categories_from_the_page_example(upstream, client):
    answer(upstream, {"categories": [
        {"category": "Instagram", "subcategories": ["Followers", "Comments", "Likes"]},
        {"category": "Email Accounts", "subcategories": ["Gmail", "Outlook"]},
    ]})

    assert client.categories() == [
        UpstreamCategory("Instagram", ("Followers", "Comments", "Likes")),
        UpstreamCategory("Email Accounts", ("Gmail", "Outlook")),
    ]
    assert sent(upstream) == {"key": KEY, "action": "categories"}


def test_a_category_without_subcategories(upstream, client):
    answer(upstream, {"categories": [{"category": "Telegram"}]})

    assert client.categories() == [UpstreamCategory("Telegram", ())]


HSTOCK_SERVICES = {
    "services": [
        {"service": 1, "name": "Instagram Followers", "type": "Default",
         "category": "Instagram", "rate": "0.50", "min": 100, "max": 10000, "refill": True,
         "cancel": False, "stock": 10000, "entityType": "smm", "autoDelivery": True},
        {"service": 2, "name": "Gmail Account - USA", "type": "Default",
         "category": "Accounts-Email", "rate": "25.00", "min": 1, "max": 50, "refill": False,
         "cancel": False, "stock": 50, "entityType": "product", "autoDelivery": True},
    ],
    "total": 150, "page": 1, "limit": 50, "total_pages": 3,
}


def test_services_page_from_the_page_example(upstream, client):
    answer(upstream, HSTOCK_SERVICES)

    page = client.services(page=1, limit=50)

    assert (page.total, page.page, page.limit, page.total_pages) == (150, 1, 50, 3)
    assert page.services == (
        UpstreamService(
            service_id=1, name="Instagram Followers", type="Default", category="Instagram",
            rate=Decimal("0.50"), min=100, max=10000, refill=True, cancel=False, stock=10000,
            entity_type="smm", auto_delivery=True, description="", dripfeed=False),
        UpstreamService(
            service_id=2, name="Gmail Account - USA", type="Default",
            category="Accounts-Email", rate=Decimal("25.00"), min=1, max=50, refill=False,
            cancel=False, stock=50, entity_type="product", auto_delivery=True, description="",
            dripfeed=False),
    )
    assert sent(upstream) == {"key": KEY, "action": "services", "page": "1", "limit": "50"}


def test_services_standard_bare_list_with_its_quirks(upstream, client):
    answer(upstream, [
        {"service": "1", "name": "Followers", "type": "Default", "category": "Instagram",
         "rate": "0.90123", "min": "50", "max": "10000", "refill": "1", "cancel": 0,
         "dripfeed": True, "desc": "Real accounts, 30 days refill", "average_time": "3 hours"},
        {"service": 2, "name": "Views", "type": "Package", "category": "YouTube",
         "rate": 1.5, "min": 1000, "max": 100000, "refill": False, "cancel": "true"},
    ])

    page = client.services()

    first, second = page.services
    assert first == UpstreamService(
        service_id=1, name="Followers", type="Default", category="Instagram",
        rate=Decimal("0.90123"), min=50, max=10000, refill=True, cancel=False, stock=None,
        entity_type="smm", auto_delivery=True, description="Real accounts, 30 days refill",
        dripfeed=True)
    assert second.rate == Decimal("1.5") and isinstance(second.rate, Decimal)
    assert (second.cancel, second.dripfeed, second.description) == (True, False, "")
    assert (page.total, page.page, page.limit, page.total_pages) == (2, 1, 2, 1)


def test_services_filters_are_sent_and_all_services_sends_no_limit(upstream, client):
    answer(upstream, HSTOCK_SERVICES)
    answer(upstream, HSTOCK_SERVICES)

    client.services(category="Instagram", subcategory="Followers")
    services = client.all_services()

    assert sent(upstream, 0) == {"key": KEY, "action": "services", "category": "Instagram",
                                 "subcategory": "Followers"}
    # `products=1`: a reseller panel like ours leaves products out of its plain bare list.
    assert sent(upstream, 1) == {"key": KEY, "action": "services", "products": "1"}
    assert [s.service_id for s in services] == [1, 2]


def test_a_service_without_a_rate_is_skipped_and_named(upstream, client):
    answer(upstream, [{"service": 7, "name": "Likes", "min": 1, "max": 5},
                      {"service": 8, "name": "Views", "rate": "1", "min": 1, "max": 5}])

    page = client.services()

    assert [s.service_id for s in page.services] == [8]
    assert [str(skip) for skip in page.skipped] == ["service 7: `rate` is missing"]


def test_inventory_from_the_page_example(upstream, client):
    answer(upstream, {"service": 23501, "stock": 42, "available": True,
                      "entityType": "product", "autoDelivery": True})

    assert client.inventory(23501) == Inventory(
        service_id=23501, stock=42, available=True, entity_type="product", auto_delivery=True)
    assert sent(upstream) == {"key": KEY, "action": "inventory", "service": "23501"}


# --- orders -----------------------------------------------------------------------------------


def test_add_returns_the_upstream_order_id(upstream, client):
    answer(upstream, {"order": 23501})

    order_id = client.add(service_id=1, quantity=1000, link="https://instagram.com/username")

    assert order_id == 23501
    assert sent(upstream) == {"key": KEY, "action": "add", "service": "1", "quantity": "1000",
                              "link": "https://instagram.com/username"}


def test_add_without_a_link_leaves_it_to_the_upstream(upstream, client):
    answer(upstream, {"order": "777"})

    assert client.add(service_id=2, quantity=1) == 777
    assert "link" not in sent(upstream)


@pytest.mark.parametrize("payload", [{}, {"status": "ok"}, {"order": None}, {"order": "soon"},
                                     {"order": 1.5}, [23501], "23501"])
def test_add_without_an_integer_order_is_outcome_unknown(upstream, client, payload):
    answer(upstream, payload)

    with pytest.raises(OutcomeUnknown, match=r"^add: unexpected answer"):
        client.add(service_id=1, quantity=100, link="https://x.test/p")
    assert len(upstream.calls) == 1


def test_status_from_the_page_example(upstream, client):
    answer(upstream, {"status": "In progress", "charge": "5.00", "start_count": 1000,
                      "remains": 500, "currency": "USD", "autoDelivery": True})

    assert client.status(23501) == OrderStatus(
        status="In progress", charge=Decimal("5.00"), start_count=1000, remains=500,
        currency="USD", entity_type=None, auto_delivery=True, accounts=())
    assert sent(upstream) == {"key": KEY, "action": "status", "order": "23501"}


def test_status_of_a_delivered_product_carries_the_accounts(upstream, client):
    answer(upstream, {"status": "Completed", "charge": "10.00", "start_count": 5, "remains": 0,
                      "currency": "USD", "entityType": "product", "autoDelivery": True,
                      "accounts": ["user1:pass1", "user2:pass2"]})

    status = client.status(9)

    assert status.accounts == ("user1:pass1", "user2:pass2")
    assert (status.entity_type, status.remains, status.charge) == ("product", 0, Decimal("10.00"))


@pytest.mark.parametrize(("payload", "expected"), [
    ({"status": "Processing", "charge": "0.27819", "start_count": "3572", "remains": "157",
      "currency": "USD"},
     ("Processing", Decimal("0.27819"), 3572, 157)),
    ({"status": "Cancelled", "charge": "0", "start_count": "0", "currency": "USD"},
     ("Cancelled", Decimal("0"), 0, None)),
    ({"status": "Partial", "charge": "100.84292", "start_count": "", "remains": "n/a",
      "currency": "USD", "refill_available": True},
     ("Partial", Decimal("100.84292"), None, None)),
    ({"status": "Pending", "currency": "USD"}, ("Pending", None, None, None)),
])
def test_status_in_the_standard_dialect(upstream, client, payload, expected):
    answer(upstream, payload)

    status = client.status(1)

    assert (status.status, status.charge, status.start_count, status.remains) == expected
    assert status.currency == "USD"
    assert status.auto_delivery is None and status.entity_type is None


def test_an_unknown_status_is_kept_raw(upstream, client):
    answer(upstream, {"status": "On hold by supplier", "charge": "1.00", "currency": "USD"})

    assert client.status(1).status == "On hold by supplier"


def test_a_status_without_status_is_outcome_unknown(upstream, client):
    for _ in range(3):
        answer(upstream, {"charge": "1.00", "currency": "USD"})

    with pytest.raises(OutcomeUnknown, match=r"status: unexpected answer: `status` is missing"):
        client.status(1)


def test_statuses_keyed_by_order_id_with_errors_per_id(upstream, client):
    answer(upstream, {
        "1": {"charge": "0.27819", "start_count": "3572", "status": "Partial", "remains": "157",
              "currency": "USD"},
        "10": {"error": "Incorrect order ID"},
        "100": {"charge": "1.44219", "start_count": "234", "status": "In progress",
                "remains": "10", "currency": "USD"},
    })

    result = client.statuses([1, 10, 100])

    assert sent(upstream) == {"key": KEY, "action": "status", "orders": "1,10,100"}
    assert result[1].status == "Partial" and result[1].remains == 157
    assert result[100].charge == Decimal("1.44219")
    assert isinstance(result[10], ProviderRejected)
    assert result[10].message == "Incorrect order ID"


def test_statuses_go_in_chunks_of_100(upstream, client):
    ids = list(range(1, 251))
    for chunk in (ids[:100], ids[100:200], ids[200:]):
        answer(upstream, {str(i): {"status": "Completed", "currency": "USD"} for i in chunk})

    result = client.statuses([*ids, 5, 5])

    assert [len(sent(upstream, i)["orders"].split(",")) for i in range(3)] == [100, 100, 50]
    assert sorted(result) == ids


def test_statuses_leave_out_an_id_the_upstream_did_not_mention(upstream, client):
    answer(upstream, {"1": {"status": "Completed", "currency": "USD"}})

    assert list(client.statuses([1, 2])) == [1]


def test_statuses_from_an_upstream_that_ignores_orders_is_outcome_unknown(upstream, client):
    for _ in range(3):
        answer(upstream, {"status": "Completed", "charge": "1.00", "currency": "USD"})

    with pytest.raises(OutcomeUnknown, match="not an object keyed by order id"):
        client.statuses([1, 2])


def test_statuses_of_nothing_asks_nothing(upstream, client):
    assert client.statuses([]) == {}
    assert len(upstream.calls) == 0


@pytest.mark.parametrize(("payload", "expected"), [
    ({"1": {"status": "Completed", "currency": "USD"}}, True),
    ({"1": {"error": "Incorrect order ID"}}, True),
    ({"error": "Order not found"}, False),
    ({"error": "Order ID is required"}, False),
    ({"status": "Completed", "currency": "USD"}, False),
])
def test_supports_multi_status(upstream, client, payload, expected):
    answer(upstream, payload)

    assert client.supports_multi_status() is expected
    assert sent(upstream) == {"key": KEY, "action": "status", "orders": "1"}


def test_refill_and_refill_status(upstream, client):
    answer(upstream, {"refill": "1"})
    answer(upstream, {"status": "Completed"})

    assert client.refill(23501) == 1
    assert client.refill_status(1) == "Completed"
    assert sent(upstream, 0) == {"key": KEY, "action": "refill", "order": "23501"}
    assert sent(upstream, 1) == {"key": KEY, "action": "refill_status", "refill": "1"}


def test_cancel_reports_each_order(upstream, client):
    answer(upstream, [
        {"order": 9, "cancel": {"error": "Incorrect order ID"}},
        {"order": "2", "cancel": 1},
        {"order": 3, "cancel": 0},
    ])

    result = client.cancel([9, 2, 3, 4])

    assert sent(upstream) == {"key": KEY, "action": "cancel", "orders": "9,2,3,4"}
    assert result[2] is None
    assert isinstance(result[9], ProviderRejected) and result[9].message == "Incorrect order ID"
    assert isinstance(result[3], ProviderRejected)
    assert 4 not in result


def test_cancel_refuses_more_than_one_call_can_carry(upstream, client):
    with pytest.raises(ValueError, match="at most 100"):
        client.cancel(range(101))
    assert client.cancel([]) == {}
    assert len(upstream.calls) == 0


def test_balance_from_the_page_example(upstream, client):
    answer(upstream, {"balance": "100.00", "currency": "USD"})

    assert client.balance() == Balance(Decimal("100.00"), "USD")
    assert sent(upstream) == {"key": KEY, "action": "balance"}


def test_balance_with_five_decimals_or_as_a_json_number_stays_exact(upstream, client):
    answer(upstream, {"balance": "100.84292", "currency": "USD"})
    upstream.add(responses.POST, URL, body='{"balance": 0.1, "currency": "EUR"}')

    assert client.balance().amount == Decimal("100.84292")
    amount = client.balance().amount
    assert isinstance(amount, Decimal) and amount == Decimal("0.1")


@given(st.decimals(min_value=0, max_value=10**9, places=5, allow_nan=False,
                   allow_infinity=False))
def test_money_is_never_a_float(amount):
    with responses.RequestsMock() as upstream:
        upstream.add(responses.POST, URL, body=f'{{"balance": {amount}, "currency": "USD"}}')
        upstream.add(responses.POST, URL, json={"balance": str(amount), "currency": "USD"})
        client = ProviderClient(URL, KEY)
        from_number, from_string = client.balance().amount, client.balance().amount

    assert type(from_number) is Decimal and from_number == amount
    assert type(from_string) is Decimal and str(from_string) == str(amount)


def test_nan_is_not_money(upstream, client):
    fail(upstream, '{"balance": NaN, "currency": "USD"}', times=3)

    with pytest.raises(OutcomeUnknown, match="balance: HTTP 200 with malformed JSON"):
        client.balance()


# --- SMS numbers ------------------------------------------------------------------------------


def test_sms_projects_from_the_page_example(upstream, client):
    answer(upstream, [{"project_id": "65f...", "name": "OpenAI / ChatGPT", "price": "0.5000",
                       "country_id": "us", "country_title": "United States"}])

    assert client.sms_projects("us") == [
        SmsProject("65f...", "OpenAI / ChatGPT", Decimal("0.5000"), "us", "United States")]
    assert sent(upstream) == {"key": KEY, "action": "sms_projects", "country": "us"}


def test_sms_countries_from_the_page_example(upstream, client):
    answer(upstream, [{"country_code": "us", "country_name": "United States"},
                      {"country_code": "gb", "country_name": "United Kingdom"}])

    assert client.sms_countries() == [SmsCountry("us", "United States"),
                                      SmsCountry("gb", "United Kingdom")]
    assert sent(upstream) == {"key": KEY, "action": "sms_countries"}


def test_add_sms_from_the_page_example(upstream, client):
    answer(upstream, {"orders": [{"order": 12345, "phone": "+1234567890", "country": "us",
                                  "status": "active"}]})

    numbers = client.add_sms(project_id="65f...", quantity=1, country="us")

    assert numbers == [SmsNumber(12345, "+1234567890", "us", "active")]
    assert sent(upstream) == {"key": KEY, "action": "add_sms", "project_id": "65f...",
                              "quantity": "1", "country": "us"}


@pytest.mark.parametrize("payload", [{"orders": []}, {}, {"orders": [{"phone": "+1"}]}])
def test_add_sms_without_numbers_is_outcome_unknown(upstream, client, payload):
    answer(upstream, payload)

    with pytest.raises(OutcomeUnknown, match=r"^add_sms: unexpected answer"):
        client.add_sms(project_id="p1")
    assert len(upstream.calls) == 1


def test_sms_code_received_and_waiting(upstream, client):
    answer(upstream, {"status": "completed", "code": "123456",
                      "sms_content": "Your verification code is 123456"})
    answer(upstream, {"status": "waiting", "message": "Waiting for code"})

    assert client.sms_code(12345) == SmsCode(
        "completed", "123456", "Your verification code is 123456", None)
    assert client.sms_code(12345) == SmsCode("waiting", None, None, "Waiting for code")
    assert sent(upstream) == {"key": KEY, "action": "sms_code", "order": "12345"}


def test_sms_status_from_the_page_example(upstream, client):
    answer(upstream, {"status": "code_received", "phone": "+1234567890", "code": "123456",
                      "charge": "0.5000", "currency": "USD",
                      "expires_at": "2023-01-01T12:00:00.000Z"})

    status = client.sms_status(12345)

    assert status == SmsStatus("code_received", "+1234567890", "123456", Decimal("0.5000"),
                               "USD", datetime(2023, 1, 1, 12, tzinfo=UTC))
    assert status.expires_at.utcoffset().total_seconds() == 0
    assert sent(upstream) == {"key": KEY, "action": "sms_status", "order": "12345"}


def test_sms_status_of_an_unknown_state_with_a_zoned_expiry(upstream, client):
    answer(upstream, {"status": "refunded_by_supplier", "expires_at": "2023-01-01T14:00:00+02:00"})

    status = client.sms_status(1)

    assert status.status == "refunded_by_supplier"
    assert status.expires_at == datetime(2023, 1, 1, 12, tzinfo=UTC)
    assert status.expires_at.tzinfo is UTC
    assert (status.phone, status.code, status.charge, status.currency) == (None,) * 4


# --- failures ---------------------------------------------------------------------------------


@pytest.mark.parametrize("error", NOTHING_SENT)
def test_nothing_sent_is_provider_unavailable(upstream, client, error):
    fail(upstream, error(), times=3)

    with pytest.raises(ProviderUnavailable, match=r"^balance: could not connect") as caught:
        client.balance()
    assert caught.value.permanent is False


def test_unavailable_names_the_cause(upstream, client):
    upstream.add(responses.POST, URL, body=refused())

    with pytest.raises(ProviderUnavailable, match=r"Connection refused"):
        client.add(service_id=1, quantity=1)


@pytest.mark.parametrize("error", MAYBE_SENT)
def test_lost_after_sending_is_outcome_unknown(upstream, client, error):
    fail(upstream, error())

    with pytest.raises(OutcomeUnknown, match=r"^add: ") as caught:
        client.add(service_id=1, quantity=1)
    assert caught.value.permanent is False


def test_read_timeout_says_how_long_it_waited(upstream, client):
    fail(upstream, read_timeout())

    with pytest.raises(OutcomeUnknown, match=r"^add: no answer within 8 s$"):
        client.add(service_id=1, quantity=1)


@pytest.mark.parametrize(("status", "body", "message"), [
    (502, BAD_PAGE, "services: HTTP 502 with a non-JSON body"),
    (500, "<h1>Internal Server Error</h1>", "services: HTTP 500 with a non-JSON body"),
    (200, BAD_PAGE, "services: HTTP 200 with a non-JSON body"),
    (200, '{"services": [{"service": 1, "na', "services: HTTP 200 with malformed JSON"),
    (200, "", "services: HTTP 200 with an empty body"),
    (503, '{"message": "maintenance"}', "services: HTTP 503 without an error message"),
    (302, "", "services: HTTP 302 redirect, not followed: check the URL"),
])
def test_useless_answers_are_outcome_unknown(upstream, client, status, body, message):
    fail(upstream, body, status=status, times=3)

    with pytest.raises(OutcomeUnknown) as caught:
        client.services()
    assert str(caught.value) == message


@pytest.mark.parametrize("status", [200, 400, 401, 403, 404, 422, 500])
def test_an_error_body_is_rejected_whatever_the_status(upstream, client, status):
    answer(upstream, {"error": "Invalid API key"}, status=status)

    with pytest.raises(ProviderRejected) as caught:
        client.balance()
    assert caught.value.message == "Invalid API key"
    assert caught.value.permanent is True
    assert str(caught.value) == "balance: Invalid API key"
    assert len(upstream.calls) == 1


def test_a_rejected_add_keeps_the_message_verbatim(upstream, client):
    message = "You have active order with this link. Please wait until order being completed."
    answer(upstream, {"error": message})

    with pytest.raises(ProviderRejected) as caught:
        client.add(service_id=1, quantity=100, link="https://x.test/p")
    assert caught.value.message == message
    assert caught.value.action == "add"


@pytest.mark.parametrize(("message", "expected"), [
    ("Insufficient balance", True),
    ("Not enough funds on balance", True),
    ("NOT ENOUGH FUNDS ON BALANCE.", True),
    ("Error: insufficient balance for this order", True),
    ("Incorrect order ID", False),
])
def test_is_insufficient_balance(message, expected):
    assert is_insufficient_balance(ProviderRejected(message, "add")) is expected


def test_only_a_rejection_is_insufficient_balance():
    assert not is_insufficient_balance(OutcomeUnknown("Insufficient balance", "add"))
    assert not is_insufficient_balance(ValueError("Insufficient balance"))


def test_errors_survive_pickling_and_copying():
    for error in (ProviderRejected("Insufficient balance", "add"),
                  OutcomeUnknown("no answer within 20 s", "add"),
                  ProviderUnavailable("could not connect")):
        for clone in (pickle.loads(pickle.dumps(error)), copy.copy(error)):
            assert type(clone) is type(error)
            assert (clone.message, clone.action, str(clone)) == (
                error.message, error.action, str(error))


# --- retries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("error", [refused, read_timeout, reset])
def test_reads_are_retried_until_they_succeed(upstream, client, error):
    fail(upstream, error())
    fail(upstream, BAD_PAGE, status=502)
    answer(upstream, {"balance": "5.00", "currency": "USD"})

    assert client.balance().amount == Decimal("5.00")
    assert len(upstream.calls) == 3


READS = [
    ("categories", lambda c: c.categories()),
    ("services", lambda c: c.services()),
    ("inventory", lambda c: c.inventory(1)),
    ("status", lambda c: c.status(1)),
    ("status", lambda c: c.statuses([1, 2])),
    ("balance", lambda c: c.balance()),
    ("sms_countries", lambda c: c.sms_countries()),
    ("sms_projects", lambda c: c.sms_projects()),
    ("sms_code", lambda c: c.sms_code(1)),
    ("sms_status", lambda c: c.sms_status(1)),
    ("refill_status", lambda c: c.refill_status(1)),
]
WRITES = [
    ("add", lambda c: c.add(service_id=1, quantity=100, link="https://x.test/p")),
    ("add_sms", lambda c: c.add_sms(project_id="p1")),
    ("refill", lambda c: c.refill(1)),
    ("cancel", lambda c: c.cancel([1, 2])),
]


@pytest.mark.parametrize(("action", "call"), READS)
def test_every_read_gives_up_after_its_retries(upstream, client, action, call):
    fail(upstream, BAD_PAGE, status=502, times=3)

    with pytest.raises(OutcomeUnknown, match=f"^{action}: HTTP 502"):
        call(client)
    assert len(upstream.calls) == 3
    assert {sent(upstream, i)["action"] for i in range(3)} == {action}


@pytest.mark.parametrize(("action", "call"), WRITES)
@pytest.mark.parametrize("error", [refused, read_timeout, reset])
def test_writes_are_never_retried(upstream, client, action, call, error):
    fail(upstream, error())

    with pytest.raises(ProviderError, match=f"^{action}: "):
        call(client)
    assert len(upstream.calls) == 1


@pytest.mark.parametrize(("action", "call"), WRITES)
def test_writes_are_never_retried_after_a_bad_gateway(upstream, client, action, call):
    fail(upstream, BAD_PAGE, status=502)

    with pytest.raises(OutcomeUnknown, match=f"^{action}: HTTP 502 with a non-JSON body$"):
        call(client)
    assert len(upstream.calls) == 1


def test_a_rejection_is_never_retried(upstream, client):
    answer(upstream, {"error": "Order not found"})

    with pytest.raises(ProviderRejected):
        client.status(1)
    assert len(upstream.calls) == 1


def test_retries_back_off_exponentially(upstream, monkeypatch):
    pauses = []
    monkeypatch.setattr("provider.client.time.sleep", pauses.append)
    fail(upstream, BAD_PAGE, status=502, times=4)
    client = ProviderClient(URL, KEY, retries=3, backoff=0.5)

    with pytest.raises(OutcomeUnknown):
        client.categories()
    assert pauses == [0.5, 1.0, 2.0]


def test_no_retries_means_one_call(upstream):
    fail(upstream, BAD_PAGE, status=502)

    with pytest.raises(OutcomeUnknown):
        ProviderClient(URL, KEY, retries=0).balance()
    assert len(upstream.calls) == 1


# --- the key, the URL, the transport ----------------------------------------------------------


@pytest.mark.parametrize("make", [
    lambda up: fail(up, refused(), times=3),
    lambda up: fail(up, read_timeout(), times=3),
    lambda up: fail(up, reset(), times=3),
    lambda up: fail(up, BAD_PAGE, status=502, times=3),
    lambda up: fail(up, "{broken", times=3),
    lambda up: answer(up, {"error": f"Invalid API key {KEY}"}),
    lambda up: [answer(up, {"balance": KEY}) for _ in range(3)],
])
def test_the_key_never_appears_in_an_error(upstream, client, make):
    make(upstream)

    with pytest.raises(ProviderError) as caught:
        client.balance()
    error = caught.value
    assert KEY not in str(error) and KEY not in repr(error) and KEY not in error.message
    # A chained requests error would carry the prepared request, and with it the key.
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__


def test_the_key_is_not_in_the_clients_repr(client):
    assert KEY not in repr(client) and "upstream.test" in repr(client)


@pytest.mark.parametrize("url", ["ftp://upstream.test/api/v2", "upstream.test/api/v2",
                                 "file:///etc/passwd", "javascript:alert(1)", "https://", ""])
def test_only_http_urls_are_accepted(url):
    with pytest.raises(ValueError, match="http"):
        ProviderClient(url, KEY)


def test_http_is_accepted_too():
    ProviderClient("http://127.0.0.1:8001/api/v2", KEY).close()


@pytest.mark.parametrize("kwargs", [{"timeout": 0}, {"retries": -1}, {"backoff": -1}])
def test_nonsense_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        ProviderClient(URL, KEY, **kwargs)


def test_every_call_is_a_form_post_with_a_timeout_and_our_user_agent(upstream):
    answer(upstream, {"balance": "1.00", "currency": "USD"})
    client = ProviderClient(URL, KEY, timeout=20)

    client.balance()

    request = upstream.calls[0].request
    assert request.method == "POST"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.headers["User-Agent"] == USER_AGENT
    assert request.req_kwargs["timeout"] == (5.0, 20)


def test_a_redirect_is_not_followed():
    # requests would follow a 302 with a GET, losing the order's parameters on the way.
    with responses.RequestsMock(assert_all_requests_are_fired=False) as upstream:
        upstream.add(responses.POST, URL, status=302,
                     headers={"Location": "https://upstream.test/login"})
        upstream.add(responses.GET, "https://upstream.test/login", body="<html>log in</html>")

        with pytest.raises(OutcomeUnknown, match=r"^add: HTTP 302 redirect"):
            ProviderClient(URL, KEY).add(service_id=1, quantity=1)
        assert len(upstream.calls) == 1


def test_a_short_timeout_shortens_the_connect_timeout_too(upstream):
    answer(upstream, {"balance": "1.00", "currency": "USD"})

    ProviderClient(URL, KEY, timeout=1.5).balance()

    assert upstream.calls[0].request.req_kwargs["timeout"] == (1.5, 1.5)


def test_the_session_pools_connections():
    client = ProviderClient(URL, KEY)
    adapter = client._session.get_adapter(URL)
    assert adapter._pool_maxsize >= 10
    assert adapter.max_retries.total == 0


def test_close_closes_only_a_session_the_client_made():
    given_session = requests.Session()
    closed = []
    given_session.close = lambda: closed.append(True)
    with ProviderClient(URL, KEY, session=given_session):
        pass
    assert closed == []

    own = ProviderClient(URL, KEY)
    own._session.close = lambda: closed.append(True)
    own.close()
    assert closed == [True]
