"""Manual methods: instructions and a reference, the customer's "I have paid", staff approve or
reject on /staff/deposits/ with the audit log; bonus tiers as a separate entry."""

from decimal import Decimal as D

import pytest

from orders.models import LedgerEntry
from panel.models import AuditEntry
from payments.manual import DepositDecided, approve_deposit
from payments.models import BonusTier, Deposit, PaymentMethod
from tests.panel.storefront.helpers import without_bell
from tests.payments.helpers import balance, ledger_sum


@pytest.fixture
def bank(db):
    return PaymentMethod.objects.create(kind="manual", name="Bank transfer", min_amount=D(10),
                                        instructions="IBAN DE00 1234 5678 9000\nBank: Example")


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(email="sam@example.com", password="pw-x-123456",
                                                 is_staff=True)


def request_deposit(client, bank, amount="50.00") -> Deposit:
    response = client.post("/wallet/add-funds/", {"method": bank.pk, "amount": amount})
    deposit = Deposit.objects.latest("id")
    assert response.status_code == 302 and response["Location"] == f"/wallet/deposits/{deposit.pk}/"
    return deposit


def test_the_customer_sees_instructions_and_a_reference_then_submits(alice_client, bank):
    deposit = request_deposit(alice_client, bank)
    page = alice_client.get(f"/wallet/deposits/{deposit.pk}/").content.decode()
    assert "IBAN DE00 1234 5678 9000" in page and deposit.reference in page
    assert "hx-trigger" not in without_bell(page)  # polling would wipe the note being typed
    alice_client.post(f"/wallet/deposits/{deposit.pk}/paid/", {"note": "from A. Smith"})
    deposit.refresh_from_db()
    assert deposit.state == "submitted" and deposit.customer_note == "from A. Smith"
    page = alice_client.get(f"/wallet/deposits/{deposit.pk}/").content.decode()
    assert "Our team checks the payment" in page and 'hx-trigger="every 3s"' in page


def test_each_request_has_its_own_reference(alice_client, bank):
    first, second = request_deposit(alice_client, bank), request_deposit(alice_client, bank)
    assert first.reference != second.reference


def test_staff_approve_on_their_page_with_the_audit_log(alice, alice_client, bank, staff,
                                                        client):
    deposit = request_deposit(alice_client, bank)
    alice_client.post(f"/wallet/deposits/{deposit.pk}/paid/")
    client.force_login(staff)
    page = client.get("/staff/deposits/").content.decode()
    assert deposit.reference in page and alice.email in page
    client.post("/staff/deposits/", {"deposit": deposit.pk, "action": "approve",
                                     "note": "seen on the statement"})
    deposit.refresh_from_db()
    assert deposit.state == "approved" and deposit.decided_by == staff
    assert balance(alice) == D("150.00") == ledger_sum(alice)
    entry = AuditEntry.objects.get(action="deposit.approve")
    assert entry.actor == staff and entry.after["credited"] == "50.0000"
    assert entry.note == "seen on the statement"
    # Approving again (a second tab) changes nothing.
    client.post("/staff/deposits/", {"deposit": deposit.pk, "action": "approve"})
    assert balance(alice) == D("150.00")
    with pytest.raises(DepositDecided):
        approve_deposit(deposit.pk, actor=staff)


def test_a_rejection_credits_nothing_and_is_audited(alice, alice_client, bank, staff, client):
    deposit = request_deposit(alice_client, bank)
    alice_client.post(f"/wallet/deposits/{deposit.pk}/paid/")
    client.force_login(staff)
    client.post("/staff/deposits/", {"deposit": deposit.pk, "action": "reject",
                                     "note": "no such transfer"})
    deposit.refresh_from_db()
    assert deposit.state == "rejected" and balance(alice) == D("100.00")
    assert AuditEntry.objects.filter(action="deposit.reject", note="no such transfer").exists()


def test_a_deposit_not_yet_submitted_cannot_be_approved(alice_client, bank, staff):
    deposit = request_deposit(alice_client, bank)
    with pytest.raises(DepositDecided):
        approve_deposit(deposit.pk, actor=staff)


def test_the_staff_page_is_for_staff_only(alice_client, client, db):
    assert alice_client.get("/staff/deposits/").status_code == 302
    assert client.get("/staff/deposits/").status_code == 302


def test_a_bonus_tier_is_a_separate_entry(alice, alice_client, bank, staff):
    BonusTier.objects.create(threshold=D(100), percent=D(5))
    BonusTier.objects.create(threshold=D(500), percent=D(10))
    small, big = request_deposit(alice_client, bank, "99.99"), request_deposit(alice_client,
                                                                               bank, "200")
    for deposit in (small, big):
        alice_client.post(f"/wallet/deposits/{deposit.pk}/paid/")
        approve_deposit(deposit.pk, actor=staff)
    bonuses = LedgerEntry.objects.filter(kind="bonus")
    assert [(b.deposit_id, b.amount) for b in bonuses] == [(big.pk, D("10.0000"))]
    assert balance(alice) == D("100") + D("99.99") + D("200") + D("10") == ledger_sum(alice)
    big.refresh_from_db()
    assert big.bonus == D("10.00")
    assert "plus a bonus of $10.00" in alice_client.get(
        f"/wallet/deposits/{big.pk}/").content.decode()


def test_the_delivery_queue_lists_submitted_deposits_and_approves_them_in_place(
        alice, alice_client, bank, staff, client):
    deposit = request_deposit(alice_client, bank, "25.00")
    before = balance(alice)
    client.force_login(staff)
    assert f'id="deposit-{deposit.pk}"' not in client.get("/staff/").content.decode()

    alice_client.post(f"/wallet/deposits/{deposit.pk}/paid/", {"note": "ref in the memo"})
    page = client.get("/staff/").content.decode()
    assert f'id="deposit-{deposit.pk}"' in page and deposit.reference in page
    assert "ref in the memo" in page

    answer = client.post("/staff/deposits/", {"deposit": deposit.pk, "action": "approve",
                                              "found": "yes", "next": "/staff/#deposits"})
    assert answer.status_code == 302 and answer["Location"] == "/staff/#deposits"
    assert balance(alice) == before + D("25.00") == ledger_sum(alice)
    assert f'id="deposit-{deposit.pk}"' not in client.get("/staff/").content.decode()


def test_the_queue_form_never_sends_staff_to_another_site(alice_client, bank, staff, client):
    deposit = request_deposit(alice_client, bank)
    alice_client.post(f"/wallet/deposits/{deposit.pk}/paid/")
    client.force_login(staff)
    answer = client.post("/staff/deposits/", {"deposit": deposit.pk, "action": "reject",
                                              "next": "https://evil.example/"})
    assert answer["Location"] == "/staff/deposits/"
