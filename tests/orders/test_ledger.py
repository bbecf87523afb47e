"""The wallet and its ledger: every change is an entry, the balance is their sum and is
never negative."""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction

from orders.ledger import InsufficientFunds, credit, debit, top_up, wallet_for
from orders.models import EntryKind, LedgerEntry, Wallet
from panel.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice() -> User:
    return User.objects.create_user(email="alice@example.com", password="x")


def assert_balance_is_sum_of_entries(user: User) -> None:
    wallet = Wallet.objects.get(user=user)
    # Summed in Python: SQLite's SUM() adds decimals as floats.
    total = sum(wallet.entries.values_list("amount", flat=True), D(0))
    assert wallet.balance == total


def test_top_up_and_debit_write_entries(alice):
    top_up(alice, D("10.00"), reason="manual")
    entry = debit(alice, D("2.5"), reason="order 1")
    assert entry.kind == EntryKind.CHARGE
    assert entry.amount == D("-2.5")
    assert entry.balance_after == D("7.5")
    assert wallet_for(alice).balance == D("7.5")
    assert_balance_is_sum_of_entries(alice)


def test_debit_beyond_balance_changes_nothing(alice):
    top_up(alice, D("1.00"))
    with pytest.raises(InsufficientFunds):
        debit(alice, D("1.0001"), reason="too much")
    assert wallet_for(alice).balance == D("1.00")
    assert LedgerEntry.objects.count() == 1


def test_amounts_must_be_positive(alice):
    with pytest.raises(ValueError):
        credit(alice, D(0), reason="nothing")
    with pytest.raises(ValueError):
        debit(alice, D("-1"), reason="negative")


def test_database_refuses_a_negative_balance(alice):
    wallet = wallet_for(alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Wallet.objects.filter(pk=wallet.pk).update(balance=D("-0.01"))


def test_adjustment_records_who_and_why(alice):
    admin = User.objects.create_superuser(email="root@example.com", password="x")
    top_up(alice, D(5))
    entry = debit(alice, D(1), kind=EntryKind.ADJUSTMENT, reason="goodwill reversal",
                  actor=admin)
    assert (entry.created_by, entry.reason, entry.amount) == (admin, "goodwill reversal", D(-1))
    assert_balance_is_sum_of_entries(alice)


@pytest.mark.django_db(transaction=True)
def test_two_staff_debiting_at_once_never_take_a_balance_below_zero(make_customer):
    """Two staff members debit 60 from a balance of 100 at the same moment: one adjustment
    is written, the other is refused, the balance is 40 (a conditional update, not a read
    then a write)."""
    from orders.ledger import adjust_balance
    from tests.orders.test_concurrency import run_together

    customer = make_customer("carol@example.com", balance="100")
    staff = [make_customer(f"staff{n}@example.com", balance="0") for n in (1, 2)]
    outcomes = run_together(*(
        lambda actor=actor: adjust_balance(customer, D("-60"), reason="chargeback",
                                           actor=actor) for actor in staff))
    assert sorted(type(o.error).__name__ for o in outcomes) == ["InsufficientFunds", "NoneType"]
    assert Wallet.objects.get(user=customer).balance == D("40")
    assert LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT).count() == 1
