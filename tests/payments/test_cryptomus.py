"""Cryptomus and Heleket: payments created with `merchant` and `sign` headers, webhooks signed
in their body as the processor signs them (md5 of base64 of PHP's json_encode plus the key),
the payment read back from `/payment/info` (answered here by `responses`)."""

import base64
import hashlib
import json
from decimal import Decimal as D

import pytest
import responses

from payments.gateways.cryptomus import php_json
from payments.models import Deposit
from tests.payments.helpers import balance, top_ups

MERCHANT, KEY = "8b03432e-385b-4670-8d06-064591096795", "cryptomus-payment-key"
PROCESSORS = {"cryptomus": "https://cm.example/v1", "heleket": "https://hk.example/v1"}


@pytest.fixture(params=sorted(PROCESSORS))
def processor(request, settings, db):
    kind = request.param
    prefix = kind.upper()
    setattr(settings, f"{prefix}_MERCHANT_ID", MERCHANT)
    setattr(settings, f"{prefix}_PAYMENT_KEY", KEY)
    setattr(settings, f"{prefix}_API_URL", PROCESSORS[kind])
    from payments.deposits import offered_methods

    return next(m for m in offered_methods() if m.kind == kind)


def md5_sign(raw: bytes) -> str:
    return hashlib.md5(base64.b64encode(raw) + KEY.encode()).hexdigest()


def webhook(deposit, status="paid", **extra):
    """A webhook body as the documentation shows one, signed as its PHP example signs it."""
    data = {"type": "payment", "uuid": "62f88b36-a9d5-4fa6-aa26-e040c3dbf26d",
            "order_id": deposit.reference, "amount": f"{deposit.amount:.8f}",
            "payment_amount": "0.00420000", "payment_amount_usd": "10.00",
            "merchant_amount": "0.00410000", "commission": "0.00010000", "is_final": True,
            "status": status, "from": "THgEWubVc8tPKXLJ4VZ5zbiiAK7AgqSeGH",
            "wallet_address_uuid": None, "network": "tron", "currency": "USD",
            "payer_currency": "TRX", "additional_data": "https://shop.example/ü", **extra}
    # PHP's json_encode(..., JSON_UNESCAPED_UNICODE), written out by hand: no spaces, "/" as "\/".
    php = json.dumps(data, separators=(",", ":"), ensure_ascii=False).replace("/", "\\/")
    return {**data, "sign": md5_sign(php.encode())}


def info(deposit, status="paid", paid="0.00420000", due="0.00420000", amount=None):
    return {"state": 0, "result": {
        "uuid": "62f88b36-a9d5-4fa6-aa26-e040c3dbf26d", "order_id": deposit.reference,
        "amount": amount or f"{deposit.amount:.2f}", "payment_amount": paid,
        "payer_amount": due, "payer_currency": "TRX", "currency": "USD",
        "payment_status": status, "is_final": True, "url": "https://pay.example/x"}}


def send(client, kind, payload):
    return client.post(f"/payments/callback/{kind}/", json.dumps(payload),
                       content_type="application/json")


@pytest.fixture
def deposit(alice_client, processor):
    api = PROCESSORS[processor.kind]
    with responses.RequestsMock() as mock:
        mock.post(f"{api}/payment", json={"state": 0, "result": {
            "uuid": "62f88b36-a9d5-4fa6-aa26-e040c3dbf26d", "order_id": "x", "amount": "10.00",
            "url": "https://pay.example/pay/62f88b36", "payment_status": "check"}})
        response = alice_client.post("/wallet/add-funds/",
                                     {"method": processor.pk, "amount": "10.00"})
        sent = mock.calls[0].request
    row = Deposit.objects.get()
    assert response["Location"] == "https://pay.example/pay/62f88b36"
    assert sent.headers["merchant"] == MERCHANT and sent.headers["sign"] == md5_sign(sent.body)
    assert b'"url_callback":"http:\\/\\/testserver' in sent.body  # as PHP's json_encode
    body = json.loads(sent.body)
    assert body["amount"] == "10.00" and body["currency"] == "USD"
    assert body["order_id"] == row.reference
    assert body["url_callback"] == f"http://testserver/payments/callback/{processor.kind}/"
    return row


def test_php_json_escapes_slashes_and_keeps_unicode():
    assert php_json({"a": "x/y", "b": "ü", "c": None, "d": True}) == \
        '{"a":"x\\/y","b":"ü","c":null,"d":true}'.encode()


def test_a_paid_webhook_credits_once(alice, client, deposit):
    kind, api = deposit.method.kind, PROCESSORS[deposit.method.kind]
    with responses.RequestsMock() as mock:
        mock.post(f"{api}/payment/info", json=info(deposit, "paid"))
        for _ in range(3):
            assert send(client, kind, webhook(deposit)).status_code == 200
        asked = mock.calls[0].request
        assert json.loads(asked.body) == {"uuid": "62f88b36-a9d5-4fa6-aa26-e040c3dbf26d"}
        assert asked.headers["sign"] == md5_sign(asked.body)
    deposit.refresh_from_db()
    assert deposit.state == "paid" and len(top_ups(deposit)) == 1
    assert balance(alice) == D("110.00")


def test_a_forged_or_tampered_webhook_credits_nothing(alice, client, deposit):
    kind = deposit.method.kind
    forged = {**webhook(deposit), "sign": "0" * 32}
    tampered = {**webhook(deposit), "amount": "1000.00000000"}
    with responses.RequestsMock() as mock:  # the API is never asked
        assert send(client, kind, forged).status_code == 400
        assert send(client, kind, tampered).status_code == 400
        assert send(client, kind, {k: v for k, v in webhook(deposit).items()
                                   if k != "sign"}).status_code == 400
        assert not mock.calls
    assert balance(alice) == D("100.00")


def test_a_wrong_amount_credits_the_share_that_arrived(alice, client, deposit):
    kind, api = deposit.method.kind, PROCESSORS[deposit.method.kind]
    with responses.RequestsMock() as mock:
        mock.post(f"{api}/payment/info", json=info(deposit, "wrong_amount", paid="0.00105",
                                                   due="0.00420000"))
        send(client, kind, webhook(deposit, "wrong_amount"))
    deposit.refresh_from_db()
    assert deposit.state == "partially_paid" and deposit.credited == D("2.50")
    assert balance(alice) == D("102.50")


def test_paid_over_credits_the_invoice_and_flags_it(alice, client, deposit):
    kind, api = deposit.method.kind, PROCESSORS[deposit.method.kind]
    with responses.RequestsMock() as mock:
        mock.post(f"{api}/payment/info", json=info(deposit, "paid_over", paid="0.005"))
        send(client, kind, webhook(deposit, "paid_over"))
    deposit.refresh_from_db()
    assert balance(alice) == D("110.00") and deposit.needs_staff


def test_a_late_refund_after_paid_is_flagged_not_credited(alice, client, deposit):
    kind, api = deposit.method.kind, PROCESSORS[deposit.method.kind]
    with responses.RequestsMock() as mock:
        mock.post(f"{api}/payment/info", json=info(deposit, "paid"))
        mock.post(f"{api}/payment/info", json=info(deposit, "refund_paid"))
        send(client, kind, webhook(deposit))
        send(client, kind, webhook(deposit, "refund_paid"))
    deposit.refresh_from_db()
    assert deposit.state == "paid" and deposit.needs_staff and balance(alice) == D("110.00")


def test_an_error_state_from_the_api_moves_nothing(alice, client, deposit):
    kind, api = deposit.method.kind, PROCESSORS[deposit.method.kind]
    with responses.RequestsMock() as mock:
        mock.post(f"{api}/payment/info", json={"state": 1, "message": "Payment not found"})
        assert send(client, kind, webhook(deposit)).status_code == 503
    assert balance(alice) == D("100.00")


def test_a_lost_webhook_is_made_up_by_the_sweep(alice, deposit):
    from payments.deposits import refresh_open_deposits

    api = PROCESSORS[deposit.method.kind]
    with responses.RequestsMock() as mock:
        mock.post(f"{api}/payment/info", json=info(deposit, "check"))
        mock.post(f"{api}/payment/info", json=info(deposit, "paid"))
        assert refresh_open_deposits()["credited"] == 0
        assert refresh_open_deposits() == {"asked": 1, "credited": 1, "unavailable": 0}
        assert json.loads(mock.calls[0].request.body) == {"uuid": deposit.payment_id}
    assert balance(alice) == D("110.00")
    with responses.RequestsMock():  # paid: never asked again
        assert refresh_open_deposits()["asked"] == 0
