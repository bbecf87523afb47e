"""Customers are isolated: every path that shows or acts on an order, an SMS number, its code
or delivered credentials, tried by a visitor, by the owner and by another customer.

The visitor is sent to sign in (the API: "Invalid API key"), the other customer gets a 404
or the API's not-found answer, and neither ever sees a byte of the owner's data: the link,
the accounts, the phone number, the code or the SMS text.
"""

from dataclasses import dataclass

import pytest
from django.test import Client

from panel.apikeys import regenerate_api_key
from tests.panel.conftest import ACCOUNT, CODE, SECRETS

pytestmark = pytest.mark.usefixtures("quick_passwords")


@dataclass(frozen=True)
class Page:
    """A storefront path: `private` ones send a visitor to sign in and another customer to
    a 404; the others are open to all and must simply show nobody else's data."""

    name: str
    path: str  # formatted with the owner's ids
    private: bool
    htmx: bool = False

    def url(self, ids: dict[str, int]) -> str:
        return self.path.format(**ids)


PAGES = [
    Page("order smm", "/orders/{smm}/", private=True),
    Page("order product", "/orders/{product}/", private=True),
    Page("order sms", "/orders/{sms}/", private=True),
    Page("order live fragment", "/orders/{sms}/", private=True, htmx=True),
    Page("accounts download", "/orders/{product}/accounts.txt", private=True),
    Page("orders list", "/orders/", private=False),
    Page("orders list fragment", "/orders/?q=5550107788", private=False, htmx=True),
    Page("orders search by number", "/orders/?q=%23{sms}", private=False),
    Page("sms page", "/sms/", private=False),
    Page("home", "/", private=False),
    Page("wallet", "/wallet/", private=False),
]


def _ids(owned) -> dict[str, int]:
    return {name: row.pk for name, row in owned.items()}


def _client(who: str, alice, bob) -> Client:
    client = Client()
    if who != "visitor":
        client.force_login(alice if who == "owner" else bob)
    return client


def _assert_nothing_of_alice(body: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in body, f"{secret!r} leaked by {where}"


@pytest.mark.parametrize("who", ["visitor", "owner", "other"])
@pytest.mark.parametrize("target", PAGES, ids=lambda p: p.name)
def test_storefront(target, who, alice, bob, owned):
    headers = {"HX-Request": "true", "HX-Target": "order-live"} if target.htmx else {}
    url = target.url(_ids(owned))
    response = _client(who, alice, bob).get(url, headers=headers)
    body = response.content.decode()
    if who == "owner":
        assert response.status_code == 200, url
        if target.private or "q=" in url:
            assert any(secret in body for secret in SECRETS), f"owner sees their data: {url}"
        return
    _assert_nothing_of_alice(body, f"{url} as {who}")
    if who == "visitor" and (target.private or target.path.startswith(("/orders", "/wallet"))):
        if target.htmx:
            assert response.status_code == 200 and response["HX-Redirect"].startswith("/login/")
        else:
            assert response.status_code == 302 and response["Location"].startswith("/login/")
    elif target.private:
        assert response.status_code == 404, url
    else:
        assert response.status_code == 200, url


# --- the API -----------------------------------------------------------------------------

NOT_FOUND = {"error": "Order not found"}


def _call(ids: dict[str, int]) -> dict[str, tuple[dict[str, str], object]]:
    """Each action on the owner's data: its parameters, and what another customer hears."""
    smm, running, sms, refill = ids["smm"], ids["running"], ids["sms"], ids["refill"]
    product = ids["product"]
    incorrect = {"error": "Incorrect order ID"}
    return {
        "status": ({"action": "status", "order": str(product)}, incorrect),
        "multi-status": ({"action": "status", "orders": f"{smm},{product}"},
                         {str(smm): incorrect, str(product): incorrect}),
        "refill": ({"action": "refill", "order": str(smm)}, incorrect),
        "multi-refill": ({"action": "refill", "orders": f"{smm},{product}"},
                         [{"order": smm, "refill": incorrect},
                          {"order": product, "refill": incorrect}]),
        "multi-refill_status": ({"action": "refill_status", "refills": str(refill)},
                                [{"refill": refill, "status": {"error": "Refill not found"}}]),
        "refill_status": ({"action": "refill_status", "refill": str(refill)},
                          {"error": "Refill not found"}),
        "cancel": ({"action": "cancel", "order": str(running)},
                   [{"order": running, "cancel": incorrect}]),
        "multi-cancel": ({"action": "cancel", "orders": f"{running},{smm}"},
                         [{"order": running, "cancel": incorrect},
                          {"order": smm, "cancel": incorrect}]),
        "sms_status": ({"action": "sms_status", "order": str(sms)}, NOT_FOUND),
        "sms_code": ({"action": "sms_code", "order": str(sms)}, NOT_FOUND),
    }


CALLS = list(_call({name: 1 for name in ("smm", "running", "sms", "refill", "product")}))


@pytest.mark.parametrize("who", ["visitor", "owner", "other"])
@pytest.mark.parametrize("call", CALLS)
def test_api(call, who, alice, bob, owned, client):
    params, refusal = _call(_ids(owned))[call]
    if who != "visitor":
        params = {**params, "key": regenerate_api_key(alice if who == "owner" else bob)}
    response = client.post("/api/v2", params)
    assert response.status_code == 200
    body = response.content.decode()
    if who == "visitor":
        assert response.json() == {"error": "Invalid API key"}
    elif who == "other":
        assert response.json() == refusal
    else:
        assert response.json() != refusal, "the owner reaches their order"
        return
    _assert_nothing_of_alice(body, f"{call} as {who}")


def test_the_owner_reads_their_secrets_through_the_api(alice, owned, client):
    """The counterpart of the refusals above: the same calls do reach the owner's data."""
    key = regenerate_api_key(alice)
    product = client.post("/api/v2", {"key": key, "action": "status",
                                      "order": owned["product"].pk}).json()
    code = client.post("/api/v2", {"key": key, "action": "sms_code",
                                   "order": owned["sms"].pk}).json()
    assert product["accounts"] == [ACCOUNT]
    assert code["code"] == CODE
