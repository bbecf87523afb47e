"""The stack as docker compose runs it, on this machine, driven from outside.

gunicorn with production settings (DEBUG off, a secret key, an encryption key, TLS ended at
a proxy that the test plays), PostgreSQL, Redis, a Celery worker, beat, an SMTP sink and the
sandbox upstream, each its own process. The test speaks HTTP to the panel and to the
sandbox's control endpoints; the only other door it uses is `manage.py`, as staff would
(crediting a wallet: the panel has no staff page for it yet). Nothing runs in this process
but the SMTP sink.
"""

import re
from decimal import Decimal as D
from urllib.parse import urlsplit

import requests

from tests.fixtures.stack import Api, Stack, browser, plain_text

EMAIL = "new.customer@example.com"
PASSWORD = "a-long-Secret-9"
CREDIT = D("10.00")
FOLLOWERS = "Instagram Followers"  # Completed at 30 s (sandbox clock)
LIKES = "Instagram Likes"  # Partial at 30 s, half undelivered and credited back
WITHIN = 60.0  # seconds: a bound on the whole pipeline, never a measure of it


def form_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_up(customer: requests.Session, base: str) -> None:
    page = customer.get(f"{base}/signup/", timeout=10)
    answer = customer.post(f"{base}/signup/", timeout=30, data={
        "csrfmiddlewaretoken": form_token(page.text), "email": EMAIL,
        "password1": PASSWORD, "password2": PASSWORD})
    assert answer.status_code == 200, answer.text[:2000]
    assert urlsplit(answer.url).path == "/catalog/", "signed up and sent to the catalog"


def follow_verification_mail(stack: Stack, customer: requests.Session) -> None:
    [mail] = stack.wait(lambda: stack.mail.to(EMAIL), within=WITHIN,
                        what="the verification mail at the SMTP sink")
    links = re.findall(r"https?://\S+/account/verify/\S+", plain_text(mail))
    assert links, plain_text(mail)
    path = urlsplit(links[0]).path  # the link names the shop's https address: the proxy's
    answer = customer.get(f"{stack.base}{path}", timeout=10)
    assert answer.status_code == 200
    assert urlsplit(answer.url).path == "/catalog/", "the link was accepted"


def new_api_key(customer: requests.Session, base: str) -> str:
    page = customer.get(f"{base}/account/api-key/", timeout=10)
    answer = customer.post(f"{base}/account/api-key/", timeout=10,
                           data={"csrfmiddlewaretoken": form_token(page.text)})
    match = re.search(r'data-testid="api-key"[^>]*>([^<]+)<', answer.text)
    assert match, answer.text[:2000]
    return match.group(1)


def order_and_wait(stack: Stack, api: Api, service: str, link: str, final: str) -> tuple[
        dict, dict]:
    """Place an order through the API; once the worker has sent it upstream, move the
    sandbox's clock past the order's life, and wait for beat and the worker to poll it to
    `final`. Returns the order's status before and after."""
    placed = api("add", service=api.service_id(service), link=link, quantity=100)
    assert "order" in placed, placed
    before = api.status(placed["order"])
    stack.wait(lambda: any(o["link"] == link for o in stack.upstream_orders()),
               within=WITHIN, what=f"the worker sending {service} upstream")
    stack.control("advance", {"seconds": 60})
    after = stack.wait(lambda: (s := api.status(placed["order"]))["status"] == final and s,
                       within=WITHIN, what=f"the {service} order becoming {final}")
    return before, after


def test_a_new_customer_signs_up_is_credited_and_orders_through_the_running_stack(make_stack):
    stack = make_stack(mail=True, tag="production")
    stack.start_web()
    stack.start_worker()
    stack.start_beat()
    ready = requests.get(f"{stack.base}/readyz", timeout=10)
    assert ready.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}

    customer = browser(stack.base)
    sign_up(customer, stack.base)
    follow_verification_mail(stack, customer)
    out = stack.manage("create_customer", EMAIL, "--balance", str(CREDIT))  # staff
    assert EMAIL in out
    api = Api(stack.base, new_api_key(customer, stack.base))
    assert D(api("balance")["balance"]) == CREDIT

    _, completed = order_and_wait(stack, api, FOLLOWERS, "https://instagram.com/p/one",
                                  "Completed")
    assert completed["remains"] in (0, "0")
    before, partial = order_and_wait(stack, api, LIKES, "https://instagram.com/p/two",
                                     "Partial")
    assert D(partial["charge"]) < D(before["charge"]), "the undelivered half was refunded"

    upstream = stack.upstream_orders()
    assert len(upstream) == 2, "each order sent upstream once"
    balance = D(api("balance")["balance"])
    assert balance == CREDIT - D(completed["charge"]) - D(partial["charge"]), \
        "charged once per order, refunded once"
    assert "Traceback" not in stack.logs(tail=10_000)
