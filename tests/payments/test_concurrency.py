"""Callbacks and staff decisions racing each other, each on its own database connection:
the wallet is credited once."""

import json
import threading
from decimal import Decimal as D

import pytest
from django.db import connection

from orders.ledger import wallet_for
from payments.deposits import handle_callback, parse_amount, start_deposit
from payments.manual import DepositDecided, approve_deposit, reject_deposit, submit_deposit
from payments.models import Deposit, PaymentMethod
from payments.testgateway.gateway import SIGNATURE_HEADER, load, sign, store
from tests.payments.helpers import balance, ledger_sum, top_ups

pytestmark = pytest.mark.django_db(transaction=True)
RACERS = 4


def race(work) -> list:
    """Run `work(i)` in RACERS threads released together; what each returned or raised."""
    gate, results = threading.Barrier(RACERS), [None] * RACERS

    def run(i: int) -> None:
        try:
            gate.wait()
            results[i] = work(i)
        except Exception as exc:  # reported to the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def url(path: str) -> str:
    return "http://testserver" + path


def test_concurrent_callbacks_credit_once(alice):
    from payments.deposits import offered_methods

    method = next(m for m in offered_methods() if m.kind == "testpay")
    deposit = start_deposit(user=alice, method=method, amount=parse_amount(method, "20"),
                            absolute=url)
    store(deposit.payment_id, load(deposit.payment_id) | {"status": "finished", "paid": "20.00"})
    body = json.dumps({"payment_id": deposit.payment_id, "reference": deposit.reference}).encode()
    results = race(lambda i: handle_callback("testpay", body, {SIGNATURE_HEADER: sign(body)}))
    assert not [r for r in results if isinstance(r, Exception)], results
    deposit.refresh_from_db()
    assert deposit.state == "paid" and len(top_ups(deposit)) == 1
    assert balance(alice) == D("120.00") == ledger_sum(alice)


def test_two_staff_approving_at_once_credit_once(alice, admin_user):
    method = PaymentMethod.objects.create(kind="manual", name="Bank transfer",
                                          instructions="IBAN XX00")
    deposit = start_deposit(user=alice, method=method, amount=D("30.00"), absolute=url)
    assert submit_deposit(deposit.pk, user=alice, note="sent from ACME Ltd")
    wallet_for(alice)
    results = race(lambda i: (approve_deposit if i % 2 == 0 else reject_deposit)(
        deposit.pk, actor=admin_user))
    decided = [r for r in results if isinstance(r, Deposit)]
    assert len(decided) == 1, results
    assert all(isinstance(r, DepositDecided) for r in results if r not in decided)
    deposit.refresh_from_db()
    credited = D("30.00") if deposit.state == "approved" else D(0)
    assert len(top_ups(deposit)) == (1 if credited else 0)
    assert balance(alice) == D("100.00") + credited == ledger_sum(alice)


def test_approvals_racing_each_other_credit_once(alice, admin_user):
    method = PaymentMethod.objects.create(kind="manual", name="USDT wallet")
    deposit = start_deposit(user=alice, method=method, amount=D("15.00"), absolute=url)
    submit_deposit(deposit.pk, user=alice)
    results = race(lambda i: approve_deposit(deposit.pk, actor=admin_user))
    assert sum(isinstance(r, Deposit) for r in results) == 1, results
    assert balance(alice) == D("115.00") and len(top_ups(deposit)) == 1
