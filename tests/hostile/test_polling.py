"""Polling a hostile upstream: an answer the panel cannot read or store for one order flags
that order for staff, raw answer kept, and every other order and provider goes on."""


from decimal import Decimal

import pytest

from orders.forwarding import forward_one
from orders.models import LedgerEntry, Order
from orders.sms_tracking import poll_numbers
from orders.states import State
from orders.tracking import poll
from provider.models import Provider
from provider.sandbox.knobs import DEFAULT_BALANCE
from provider.tasks import check_provider_balances
from tests.fixtures.hostile import Raw, synced
from tests.hostile.helpers import forwarded, rent_hostile, with_sms_catalog
from tests.orders.helpers import COMMENTS, order_for

pytestmark = pytest.mark.django_db

CANCELED = {"status": "Canceled", "charge": "0", "remains": 100, "currency": "USD"}


def refreshed(order: Order) -> Order:
    return Order.objects.get(pk=order.pk)


@pytest.mark.parametrize("multi_status", [True, False])
def test_one_bad_order_costs_one_order(alice, hostile, hostile_provider, multi_status):
    Provider.objects.filter(pk=hostile_provider.pk).update(multi_status=multi_status)
    synced(hostile_provider)
    huge, nul, canceled, fine = (forwarded(alice, hostile_provider) for _ in range(4))
    hostile.statuses |= {
        huge.upstream_id: {"status": "In progress", "remains": 1e20, "start_count": 5},
        nul.upstream_id: {"status": "Completed", "charge": "1\x00"},
        canceled.upstream_id: CANCELED,
        fine.upstream_id: {"status": "Completed", "charge": "0.05", "remains": 0},
    }

    summary = poll(everything=True)

    assert summary.flagged == 2
    huge, nul = refreshed(huge), refreshed(nul)
    for order in (huge, nul):
        assert order.state == State.PLACED and order.status_unknown
        assert order.next_check_at is not None  # asked again later: the upstream may mend it
    assert "`remains` is out of range" in huge.error and '"remains": "1E+20"' in huge.error
    assert "`charge` is not an amount" in nul.error and "\\u0000" in nul.error
    assert huge.remains is None
    canceled = refreshed(canceled)
    assert canceled.state == State.CANCELED and canceled.refunded == canceled.charge
    assert refreshed(fine).state == State.COMPLETED


def test_a_broken_multi_status_entry_spoils_only_its_order(alice, hostile, hostile_provider):
    synced(hostile_provider)
    broken, canceled = forwarded(alice, hostile_provider), forwarded(alice, hostile_provider)
    hostile.statuses |= {broken.upstream_id: ["not", "an", "object"],
                         canceled.upstream_id: CANCELED}

    poll(everything=True)

    assert refreshed(broken).status_unknown
    assert "not a JSON object" in refreshed(broken).error
    assert refreshed(canceled).state == State.CANCELED


def test_a_hostile_provider_never_stops_the_pass_for_another(alice, hostile, hostile_provider,
                                                             service, sandbox):
    synced(hostile_provider)
    bad = forwarded(alice, hostile_provider)
    hostile.statuses[bad.upstream_id] = {"status": "Partial", "remains": "9" * 30}
    sandbox_order = order_for(alice, service, COMMENTS, 10)
    forward_one(sandbox_order.pk)
    sandbox.advance(11)  # the sandbox cancels comments with a link it cannot use

    poll(everything=True)

    assert refreshed(bad).status_unknown and refreshed(bad).state == State.PLACED
    sandbox_order = refreshed(sandbox_order)
    assert sandbox_order.state == State.CANCELED
    assert LedgerEntry.objects.filter(order=sandbox_order, kind="refund").count() == 1


def test_a_database_error_for_one_order_is_undone_and_the_pass_goes_on(
        alice, hostile, hostile_provider, monkeypatch):
    from orders import tracking

    synced(hostile_provider)
    first, second = forwarded(alice, hostile_provider), forwarded(alice, hostile_provider)
    hostile.statuses |= {first.upstream_id: CANCELED, second.upstream_id: CANCELED}
    real = tracking.refund_order

    def refund_fails_for_first(order_id, *args, **kwargs):
        if order_id == first.pk:
            from django.db import IntegrityError

            raise IntegrityError("refused by the database")
        return real(order_id, *args, **kwargs)

    monkeypatch.setattr(tracking, "refund_order", refund_fails_for_first)

    poll(everything=True)

    first = refreshed(first)
    assert first.state == State.PLACED, "never canceled without its refund"
    assert first.status_unknown and "refused by the database" in first.error
    assert refreshed(second).state == State.CANCELED and refreshed(second).refunded > 0


def test_one_bad_number_costs_one_number(alice, hostile, hostile_provider):
    with_sms_catalog(hostile, hostile_provider)
    hostile.answer("add_sms", lambda form: {"orders": [
        {"order": 1, "phone": "+15550001", "country": "us", "status": "active"},
        {"order": 2, "phone": "+15550002", "country": "us", "status": "active"},
        {"order": 3, "phone": "+15550003", "country": "us", "status": "active"}]})
    bad, texted, expired = rent_hostile(alice, quantity=3)
    hostile.answer("sms_status", lambda form: {
        "1": {"status": "code_received", "code": "12\x0034"},
        "2": {"status": "code_received", "code": "555111"},
        "3": {"status": "expired"},
    }[form["order"]])
    hostile.answer("sms_code", {"status": "completed", "code": "555111",
                                "sms_content": "Your code\x00 is \u202e555111"})

    summary = poll_numbers(everything=True)

    assert summary.flagged == 1
    bad = refreshed(bad)
    assert bad.state == State.PLACED and bad.status_unknown and bad.sms_code == ""
    assert "`code` holds control characters" in bad.error
    texted = refreshed(texted)
    assert texted.state == State.COMPLETED and texted.sms_text == "Your code is 555111"
    expired = refreshed(expired)
    assert expired.state == State.CANCELED and expired.refunded == expired.charge


def test_a_hostile_balance_never_stops_the_check_of_the_others(hostile, hostile_provider,
                                                               provider):
    hostile.answer("balance", {"balance": 1e20, "currency": "USD"})
    Provider.objects.filter(pk=provider.pk).update(balance=None)

    check_provider_balances()

    assert Provider.objects.get(pk=hostile_provider.pk).balance is None
    assert Provider.objects.get(pk=provider.pk).balance is not None


@pytest.mark.parametrize("answer", [
    Raw(b'{"balance": NaN}'),
    {"balance": {"amount": 5}},
    {"balance": "-1e13"},
])
def test_an_unreadable_balance_is_an_error_not_a_stop(hostile, hostile_provider, provider,
                                                      answer):
    hostile.answer("balance", answer)
    Provider.objects.filter(pk=provider.pk).update(balance=None)

    check_provider_balances()

    assert Provider.objects.get(pk=hostile_provider.pk).balance is None
    assert Provider.objects.get(pk=provider.pk).balance == DEFAULT_BALANCE
    # The failure stays on the provider, for admin and the staff queue, until a check passes.
    assert "balance" in Provider.objects.get(pk=hostile_provider.pk).last_balance_error
    assert Provider.objects.get(pk=provider.pk).last_balance_error == ""


def test_a_balance_failure_is_cleared_by_the_next_good_check(hostile, hostile_provider):
    hostile.answer("balance", {"balance": "-1e13"})
    check_provider_balances()
    assert Provider.objects.get(pk=hostile_provider.pk).last_balance_error != ""

    hostile.answer("balance", {"balance": "12.50", "currency": "USD"})
    check_provider_balances()

    hostile_row = Provider.objects.get(pk=hostile_provider.pk)
    assert (hostile_row.balance, hostile_row.last_balance_error) == (Decimal("12.50"), "")


def test_whatever_a_balance_check_raises_the_others_are_checked(hostile_provider, provider,
                                                                monkeypatch):
    from provider import providers

    real = providers.check_balance

    def explode_first(provider_row):
        if provider_row.pk == hostile_provider.pk:
            raise ConnectionResetError("the mail server went away")
        return real(provider_row)

    monkeypatch.setattr(providers, "check_balance", explode_first)
    Provider.objects.filter(pk=provider.pk).update(balance=None)

    check_provider_balances()

    assert Provider.objects.get(pk=provider.pk).balance is not None
    assert "ConnectionResetError" in Provider.objects.get(pk=hostile_provider.pk).last_balance_error
