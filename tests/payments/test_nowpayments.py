"""NOWPayments: the invoice, IPNs signed as NOWPayments signs them (HMAC-SHA512 over the
sorted-keys JSON), and the payment read back from its API (answered here by `responses`)."""

import hashlib
import hmac
import json
from decimal import Decimal as D

import pytest
import responses

from payments.models import Deposit
from tests.payments.helpers import balance, ledger_sum, top_ups

API = "https://np.example/v1"
KEY, SECRET = "np-api-key", "np-ipn-secret"


@pytest.fixture
def nowpayments(settings, db):
    settings.NOWPAYMENTS_API_KEY, settings.NOWPAYMENTS_IPN_SECRET = KEY, SECRET
    settings.NOWPAYMENTS_API_URL = API
    from payments.deposits import offered_methods

    return next(m for m in offered_methods() if m.kind == "nowpayments")


def ipn_signature(payload: dict) -> str:
    """Written here from NOWPayments' documentation, not with the panel's code: the body's
    keys sorted, no spaces, HMAC-SHA512 with the IPN secret, hex."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hmac.new(SECRET.encode(), text.encode(), hashlib.sha512).hexdigest()


def status(deposit, payment_status="finished", *, paid=None, fiat=None, amount=None):
    price = amount or str(deposit.amount)
    return {"payment_id": 5077125051, "invoice_id": 4522625843, "payment_status": payment_status,
            "pay_address": "0xabc", "price_amount": float(price), "price_currency": "usd",
            "pay_amount": 0.0042, "actually_paid": paid if paid is not None else 0.0042,
            "pay_currency": "eth", "order_id": deposit.reference,
            "order_description": "Top-up", "outcome_amount": 0.0041, "outcome_currency": "eth",
            **({"actually_paid_at_fiat": fiat} if fiat is not None else {})}


def send_ipn(client, payload, signature=None):
    body = json.dumps(payload, indent=2)  # the signature does not depend on the layout
    return client.post("/payments/callback/nowpayments/", body, content_type="application/json",
                       headers={"x-nowpayments-sig": signature or ipn_signature(payload)})


@pytest.fixture
def deposit(alice_client, nowpayments):
    with responses.RequestsMock() as api:
        api.post(f"{API}/invoice", json={
            "id": "4522625843", "order_id": "x", "price_amount": "10",
            "invoice_url": "https://nowpayments.io/payment/?iid=4522625843"})
        response = alice_client.post("/wallet/add-funds/",
                                     {"method": nowpayments.pk, "amount": "10.00"})
        sent = json.loads(api.calls[0].request.body)
        assert api.calls[0].request.headers["x-api-key"] == KEY
    row = Deposit.objects.get()
    assert response["Location"] == "https://nowpayments.io/payment/?iid=4522625843"
    assert sent["price_amount"] == 10.0 and sent["price_currency"] == "usd"
    assert sent["order_id"] == row.reference
    assert sent["ipn_callback_url"] == "http://testserver/payments/callback/nowpayments/"
    assert sent["success_url"] == sent["cancel_url"] == f"http://testserver/wallet/deposits/{row.pk}/"
    assert row.state == "waiting" and row.payment_id == "4522625843"
    return row


@responses.activate
def test_a_finished_payment_is_credited_once_across_duplicates_and_reorders(alice, client,
                                                                           deposit):
    responses.get(f"{API}/payment/5077125051", json=status(deposit, "confirming"))
    responses.get(f"{API}/payment/5077125051", json=status(deposit, "finished"))
    assert send_ipn(client, status(deposit, "confirming")).status_code == 200
    deposit.refresh_from_db()
    assert deposit.state == "confirming" and balance(alice) == D("100.00")
    for ipn in ("finished", "finished", "confirming", "waiting", "finished"):
        assert send_ipn(client, status(deposit, ipn)).status_code == 200
    deposit.refresh_from_db()
    assert deposit.state == "paid" and len(top_ups(deposit)) == 1
    assert balance(alice) == D("110.00") == ledger_sum(alice)
    assert responses.calls[-1].request.headers["x-api-key"] == KEY


@responses.activate
def test_a_stale_status_from_the_api_does_not_move_a_deposit_back(alice, client, deposit):
    responses.get(f"{API}/payment/5077125051", json=status(deposit, "confirming"))
    send_ipn(client, status(deposit, "confirming"))
    responses.replace(responses.GET, f"{API}/payment/5077125051", json=status(deposit, "waiting"))
    send_ipn(client, status(deposit, "waiting"))
    deposit.refresh_from_db()
    assert deposit.state == "confirming"


@responses.activate
def test_a_forged_ipn_credits_nothing_and_asks_nothing(alice, client, deposit):
    payload = status(deposit, "finished")
    assert send_ipn(client, payload, signature="f" * 128).status_code == 400
    tampered = {**payload, "price_amount": 1000.0}
    assert send_ipn(client, tampered, signature=ipn_signature(payload)).status_code == 400
    assert not responses.calls and balance(alice) == D("100.00")


@responses.activate
def test_the_api_is_believed_not_the_ipn(alice, client, deposit):
    """A correctly signed IPN saying `finished` while the API says `waiting` moves nothing."""
    responses.get(f"{API}/payment/5077125051", json=status(deposit, "waiting"))
    assert send_ipn(client, status(deposit, "finished")).status_code == 200
    deposit.refresh_from_db()
    assert deposit.state == "waiting" and balance(alice) == D("100.00")


@responses.activate
def test_a_payment_for_another_amount_or_order_credits_nothing(alice, client, deposit):
    responses.get(f"{API}/payment/5077125051", json=status(deposit, "finished", amount="1000"))
    send_ipn(client, status(deposit, "finished"))
    deposit.refresh_from_db()
    assert deposit.state == "waiting" and deposit.needs_staff and balance(alice) == D("100.00")


@responses.activate
def test_a_partial_payment_credits_what_arrived_in_the_panels_currency(alice, client, deposit):
    responses.get(f"{API}/payment/5077125051",
                  json=status(deposit, "partially_paid", paid=0.0021, fiat=4.996))
    send_ipn(client, status(deposit, "partially_paid"))
    deposit.refresh_from_db()
    assert deposit.state == "partially_paid" and deposit.credited == D("4.99")
    assert balance(alice) == D("104.99")
    assert top_ups(deposit)[0].reason.startswith("Top-up (partial: 4.99 of 10.00)")


@responses.activate
def test_a_partial_payment_without_a_fiat_figure_is_prorated(alice, client, deposit):
    responses.get(f"{API}/payment/5077125051", json=status(deposit, "partially_paid",
                                                           paid=0.00105))
    send_ipn(client, status(deposit, "partially_paid"))
    assert balance(alice) == D("102.50")


@responses.activate
def test_more_than_asked_credits_the_invoice_and_flags_the_rest(alice, client, deposit):
    responses.get(f"{API}/payment/5077125051", json=status(deposit, "finished", paid=0.005))
    send_ipn(client, status(deposit, "finished"))
    deposit.refresh_from_db()
    assert balance(alice) == D("110.00") and deposit.needs_staff
    assert "more than" in deposit.staff_note


@responses.activate
def test_an_api_that_cannot_be_reached_gets_a_retry(alice, client, deposit):
    responses.get(f"{API}/payment/5077125051", status=502, body="<html>bad gateway</html>")
    assert send_ipn(client, status(deposit, "finished")).status_code == 503
    responses.replace(responses.GET, f"{API}/payment/5077125051", json=status(deposit))
    assert send_ipn(client, status(deposit, "finished")).status_code == 200
    assert balance(alice) == D("110.00")


def test_an_invoice_that_fails_leaves_a_failed_deposit_and_says_so(alice_client, nowpayments):
    with responses.RequestsMock() as api:
        api.post(f"{API}/invoice", status=500, body="oops")
        response = alice_client.post("/wallet/add-funds/",
                                     {"method": nowpayments.pk, "amount": "10.00"})
    assert response.status_code == 502 and b"could not be reached" in response.content
    assert Deposit.objects.get().state == "failed"


def test_the_signature_is_over_sorted_keys_at_every_level():
    from payments.gateways.nowpayments import sorted_json

    assert sorted_json({"b": 1, "a": {"d": "x/y", "c": 2.5}}) == '{"a":{"c":2.5,"d":"x/y"},"b":1}'


def test_non_ascii_text_verifies_in_either_spelling(client, deposit):
    """NOWPayments' JavaScript example writes "ü" as is, its Python example as \\u00fc."""
    from payments.gateways.nowpayments import NowPayments

    gateway = NowPayments(api_url=API, api_key=KEY, ipn_secret=SECRET, timeout=1)
    payload = {**status(deposit), "order_description": "Top-up für Jürgen"}
    for ascii_only in (False, True):
        text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=ascii_only)
        sig = hmac.new(SECRET.encode(), text.encode(), hashlib.sha512).hexdigest()
        notice = gateway.verify_callback(json.dumps(payload).encode(), {"x-nowpayments-sig": sig})
        assert notice.reference == deposit.reference


@responses.activate
def test_the_sweep_asks_nowpayments_once_it_knows_the_payment(alice, client, deposit):
    """NOWPayments' status takes the payment's id, which only a callback tells: before one, the
    sweep asks nothing; after the first (a `waiting` IPN), a lost `finished` IPN is made up."""
    from payments.deposits import refresh_open_deposits

    assert refresh_open_deposits()["asked"] == 0 and not responses.calls
    responses.get(f"{API}/payment/5077125051", json=status(deposit, "waiting"))
    send_ipn(client, status(deposit, "waiting"))
    responses.replace(responses.GET, f"{API}/payment/5077125051", json=status(deposit))
    assert refresh_open_deposits() == {"asked": 1, "credited": 1, "unavailable": 0}
    assert balance(alice) == D("110.00")
