"""Pages that show credentials, SMS codes or an API key are stored by no cache
(`Cache-Control: no-store`), and the CSRF token never travels in a URL."""

from html.parser import HTMLParser

import pytest
from django.test import Client

pytestmark = pytest.mark.usefixtures("quick_passwords")


@pytest.fixture
def as_alice(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.mark.parametrize(("method", "path", "htmx"), [
    ("get", "/orders/{product}/", False),
    ("get", "/orders/{sms}/", False),
    ("get", "/orders/{sms}/", True),
    ("get", "/orders/{product}/accounts.txt", False),
    ("get", "/orders/", False),
    ("get", "/orders/", True),
    ("get", "/sms/", False),
    ("get", "/sms/", True),
    ("post", "/sms/rent/", True),
    ("get", "/account/api-key/", False),
    ("post", "/account/api-key/", True),
    ("post", "/api/key", False),
])
def test_no_store(as_alice, owned, method, path, htmx):
    url = path.format(**{name: row.pk for name, row in owned.items()})
    headers = {"HX-Request": "true"} if htmx else {}
    response = getattr(as_alice, method)(url, headers=headers)
    assert response.status_code == 200, url
    assert "no-store" in response["Cache-Control"], url


class _Elements(HTMLParser):
    """Every element's attributes, by id, and the name of each form field."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, dict[str, str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if "id" in found:
            self.by_id[found["id"]] = found


def test_the_live_price_request_never_carries_the_csrf_token(as_alice, owned):
    """The quote is a GET, whose fields go into the URL (and so into access logs): it sends
    only the service, quantity and link, never the form's csrfmiddlewaretoken."""
    service = owned["smm"].service_id
    html = as_alice.get(f"/order/new/?service={service}").content.decode()
    assert 'name="csrfmiddlewaretoken"' in html, "the form itself still has its token"
    page = _Elements()
    page.feed(html)
    quote = page.by_id["quote"]
    assert quote["hx-get"] == "/order/quote/"
    included = [page.by_id[ref.strip().removeprefix("#")]
                for ref in quote["hx-include"].split(",")]
    assert sorted(field["name"] for field in included) == ["link", "quantity", "service"]
    params = quote["hx-params"].split(",")
    assert "csrfmiddlewaretoken" not in params
    # the service's own fields (drip-feed's runs and interval here), nothing else
    assert set(params) == {"service", "quantity", "link", "runs", "interval"}
