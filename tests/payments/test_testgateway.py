"""The whole flow through the built-in test gateway, with the Django test client: add funds,
the processor's page, its signed callback, the wallet credited once."""

import json
from decimal import Decimal as D

import pytest

from payments.deposits import CallbackOutcome, handle_callback
from payments.models import Deposit
from payments.testgateway.gateway import SIGNATURE_HEADER, sign
from tests.panel.storefront.helpers import without_bell
from tests.payments.helpers import balance, ledger_sum, top_ups


def start(client, method, amount="10.00"):
    response = client.post("/wallet/add-funds/", {"method": method.pk, "amount": amount})
    assert response.status_code == 302, response.content
    deposit = Deposit.objects.latest("id")
    assert response["Location"] == deposit.checkout_url
    return deposit


def gateway_page(deposit) -> str:
    return deposit.checkout_url.split("testserver", 1)[-1]


def test_add_funds_lists_the_test_gateway_with_its_limits(alice_client, testpay):
    page = alice_client.get("/wallet/add-funds/").content.decode()
    assert "Test gateway" in page and "Min $1.00" in page


def test_paying_credits_the_wallet_once(alice, alice_client, testpay):
    deposit = start(alice_client, testpay, "12.50")
    assert deposit.state == "waiting" and balance(alice) == D("100.00")
    response = alice_client.post(gateway_page(deposit), {"action": "pay"})
    assert response.status_code == 302 and response["Location"].endswith(
        f"/wallet/deposits/{deposit.pk}/")
    deposit.refresh_from_db()
    assert deposit.state == "paid" and deposit.credited == D("12.50")
    assert balance(alice) == D("112.50") == ledger_sum(alice)
    # The processor sends the same callback again, twice: nothing more.
    body = json.dumps({"payment_id": deposit.payment_id, "reference": deposit.reference}).encode()
    for _ in range(2):
        response = alice_client.post("/payments/callback/testpay/", body,
                                     content_type="application/json",
                                     headers={SIGNATURE_HEADER: sign(body)})
        assert response.status_code == 200
    assert len(top_ups(deposit)) == 1 and balance(alice) == D("112.50")
    page = alice_client.get(f"/wallet/deposits/{deposit.pk}/").content.decode()
    assert "Paid" in page and "hx-trigger" not in without_bell(page)  # final: polling stops
    assert "Paid" in alice_client.get("/wallet/").content.decode()


def test_paying_less_credits_what_arrived_and_says_so(alice, alice_client, testpay):
    deposit = start(alice_client, testpay, "10.00")
    alice_client.post(gateway_page(deposit), {"action": "pay_less"})
    deposit.refresh_from_db()
    assert deposit.state == "partially_paid" and deposit.credited == D("5.00")
    assert balance(alice) == D("105.00")
    assert "Only part of the amount arrived" in alice_client.get(
        f"/wallet/deposits/{deposit.pk}/").content.decode()


@pytest.mark.parametrize("action,state", [("fail", "failed"), ("expire", "expired")])
def test_failed_and_expired_credit_nothing(alice, alice_client, testpay, action, state):
    deposit = start(alice_client, testpay)
    alice_client.post(gateway_page(deposit), {"action": action})
    deposit.refresh_from_db()
    assert deposit.state == state and not top_ups(deposit) and balance(alice) == D("100.00")


def test_an_open_deposit_page_polls_itself(alice_client, testpay):
    deposit = start(alice_client, testpay)
    page = alice_client.get(f"/wallet/deposits/{deposit.pk}/").content.decode()
    assert 'hx-trigger="every 3s"' in page and "Waiting for payment" in page
    partial = alice_client.get(f"/wallet/deposits/{deposit.pk}/", headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b"deposit-live" in partial.content
    assert "no-store" in partial["Cache-Control"]  # a poll never answered from a cache


def test_someone_elses_deposit_is_a_404(bob, alice_client, testpay, client):
    client.force_login(bob)
    deposit = start(client, testpay)
    assert alice_client.get(f"/wallet/deposits/{deposit.pk}/").status_code == 404


@pytest.mark.parametrize("amount,error", [
    ("0", "positive"), ("-5", "positive"), ("abc", "Enter an amount"), ("1.005", "two decimals"),
    ("0.50", "minimum"), ("NaN", "positive"), ("1e3", ""), ("", "Enter an amount")])
def test_the_amount_is_checked_on_the_server(alice_client, testpay, amount, error):
    response = alice_client.post("/wallet/add-funds/", {"method": testpay.pk, "amount": amount})
    if not error:  # 1e3 is a thousand: a fine amount
        assert response.status_code == 302
        return
    assert response.status_code == 400 and error in response.content.decode()
    assert not Deposit.objects.exists()


def test_the_methods_limits_are_kept(alice_client, testpay):
    testpay.min_amount, testpay.max_amount = D(5), D(50)
    testpay.save()
    assert alice_client.post("/wallet/add-funds/", {"method": testpay.pk, "amount": "4.99"}
                             ).status_code == 400
    assert b"maximum" in alice_client.post("/wallet/add-funds/",
                                           {"method": testpay.pk, "amount": "50.01"}).content
    assert alice_client.post("/wallet/add-funds/", {"method": testpay.pk, "amount": "50"}
                             ).status_code == 302


def test_a_disabled_method_is_not_offered_nor_accepted(alice_client, testpay):
    testpay.enabled = False
    testpay.save()
    assert b"Test gateway" not in alice_client.get("/wallet/add-funds/").content
    assert alice_client.post("/wallet/add-funds/", {"method": testpay.pk, "amount": "5"}
                             ).status_code == 400


def test_a_forged_callback_credits_nothing(alice, alice_client, testpay):
    deposit = start(alice_client, testpay)
    body = json.dumps({"payment_id": deposit.payment_id, "reference": deposit.reference}).encode()
    response = alice_client.post("/payments/callback/testpay/", body,
                                 content_type="application/json",
                                 headers={SIGNATURE_HEADER: "0" * 64})
    assert response.status_code == 400
    deposit.refresh_from_db()
    assert deposit.state == "waiting" and balance(alice) == D("100.00")


def test_a_signed_callback_moves_no_money_the_processor_did_not_report(alice, alice_client,
                                                                      testpay):
    """The callback only names the payment; its status comes from the processor's API."""
    deposit = start(alice_client, testpay)
    body = json.dumps({"payment_id": deposit.payment_id, "reference": deposit.reference,
                       "status": "finished", "paid": "10.00"}).encode()
    assert handle_callback("testpay", body, {SIGNATURE_HEADER: sign(body)}) == \
        CallbackOutcome.APPLIED
    deposit.refresh_from_db()
    assert deposit.state == "waiting" and balance(alice) == D("100.00")


@pytest.mark.parametrize("body", [b"", b"not json", b"[]", b'{"a": 1}', b"\xff\xfe",
                                  json.dumps({"payment_id": "x", "reference": "nope"}).encode()])
def test_any_callback_body_gets_an_answer_never_a_500(client, db, body):
    response = client.post("/payments/callback/testpay/", body,
                           content_type="application/json",
                           headers={SIGNATURE_HEADER: sign(body)})
    assert response.status_code in (200, 400)
    assert client.post("/payments/callback/nosuch/", body,
                       content_type="application/json").status_code == 404


def test_an_unknown_deposit_is_acknowledged_and_logged(client, db, caplog):
    body = json.dumps({"payment_id": "T1", "reference": "DUNKNOWN"}).encode()
    response = client.post("/payments/callback/testpay/", body, content_type="application/json",
                           headers={SIGNATURE_HEADER: sign(body)})
    assert response.status_code == 200
    assert "unknown deposit" in caplog.text


def test_the_test_gateway_is_off_unless_enabled(settings, alice_client, testpay):
    deposit = start(alice_client, testpay)
    settings.TEST_GATEWAY_ENABLED = False
    assert alice_client.get(gateway_page(deposit)).status_code == 404
    assert b"Test gateway" not in alice_client.get("/wallet/add-funds/").content


def test_the_add_funds_form_may_go_on_to_a_processors_https_page(alice_client, testpay):
    """Browsers apply form-action to the redirect after the form; elsewhere it stays 'self'."""
    policy = alice_client.get("/wallet/add-funds/")["Content-Security-Policy"]
    assert "form-action 'self' https:" in policy and "script-src 'self'" in policy
    assert "form-action 'self';" in alice_client.get("/wallet/")["Content-Security-Policy"] + ";"


def test_a_customer_cannot_open_endless_invoices(alice_client, testpay):
    from payments.deposits import DEPOSITS_PER_HOUR

    for _ in range(DEPOSITS_PER_HOUR):
        start(alice_client, testpay)
    response = alice_client.post("/wallet/add-funds/", {"method": testpay.pk, "amount": "5"})
    assert response.status_code == 429 and b"many payments" in response.content
    assert Deposit.objects.count() == DEPOSITS_PER_HOUR
