"""Notifications (`panel.notifications`): each event a customer hears about makes one notice
and one e-mail, after the transaction commits; a replay makes neither again; a switch off
keeps the notice and drops the e-mail."""

import re
from decimal import Decimal as D

import pytest
from django.db import transaction

from orders.forwarding import reject
from orders.models import Kind, Order
from orders.states import State
from orders.tracking import settle
from panel import notifications
from panel.models import Notice, NoticeKind
from payments.deposits import credit_deposit
from payments.models import Deposit, PaymentMethod
from support import tickets

pytestmark = pytest.mark.usefixtures("quick_passwords")


@pytest.fixture
def placed(alice, upstream):
    """One of alice's orders, placed upstream: 1,000 for $2.00 (a price unit of 1,000)."""
    provider, services, *_ = upstream

    def make(**fields) -> Order:
        values = {
            "user": alice,
            "provider": provider,
            "service": services["smm"],
            "link": "https://instagram.com/p/x",
            "quantity": 1000,
            "unit_price": D("2"),
            "charge": D("2"),
            "state": State.PLACED,
            "upstream_id": 555,
            **fields,
        }
        return Order.objects.create(**values)

    return make


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        email="desk@example.com", password="pw-x-1234", is_staff=True, email_verified=True
    )


def end(order: Order, state: str, captured) -> None:
    with captured(execute=True):
        assert settle(order, state, note="upstream")


def link_in(body: str) -> str:
    return re.search(r"^(https?://\S+/notices/\d+/)$", body, re.M).group(1)


def test_a_completed_order_makes_one_notice_and_one_email(
    alice, placed, mailoutbox, django_capture_on_commit_callbacks
):
    order = placed()
    end(order, State.COMPLETED, django_capture_on_commit_callbacks)
    notice = Notice.objects.get()
    assert (notice.user, notice.kind, notice.object_id) == (alice, NoticeKind.ORDER, order.pk)
    assert notice.link == f"/orders/{order.pk}/" and notice.read_at is None
    [sent] = mailoutbox
    assert sent.to == [alice.email]
    assert sent.subject == f"[Reseller Panel] Order #{order.pk} completed"
    assert "All 1,000 of smm service delivered." in sent.body
    # the link is whole, on its own line, to the shop's address (SHOP_URL, or the first of
    # ALLOWED_HOSTS, over HTTPS when HTTPS_ONLY as in tests)
    assert link_in(sent.body) == f"https://127.0.0.1/notices/{notice.pk}/"
    assert "https://127.0.0.1/account/" in sent.body


def test_a_partial_order_says_what_was_not_delivered_and_refunded(
    placed, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SHOP_URL = "https://shop.example.com/"
    order = placed(remains=300)
    end(order, State.PARTIAL, django_capture_on_commit_callbacks)
    notice = Notice.objects.get()
    assert notice.params["refunded"] == "0.6000" and notice.params["not_delivered"] == 300
    [sent] = mailoutbox
    assert sent.subject.endswith(f"Order #{order.pk} ended partial")
    assert (
        "300 of 1,000 of smm service could not be delivered. $0.60 for what was not "
        "delivered went back to your balance."
    ) in sent.body
    assert link_in(sent.body) == f"https://shop.example.com/notices/{notice.pk}/"


def test_a_canceled_order_says_its_refund(placed, mailoutbox, django_capture_on_commit_callbacks):
    order = placed()
    end(order, State.CANCELED, django_capture_on_commit_callbacks)
    assert Notice.objects.get().params["refunded"] == "2.0000"
    [sent] = mailoutbox
    assert sent.subject.endswith(f"Order #{order.pk} canceled")
    assert "$2.00 went back to your balance." in sent.body


def test_a_refused_order_says_its_refund(placed, mailoutbox, django_capture_on_commit_callbacks):
    order = placed(state=State.SENDING, upstream_id=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert reject(order.pk, reason="Invalid link", expected=[State.SENDING])
    [sent] = mailoutbox
    assert sent.subject.endswith(f"Order #{order.pk} refused")
    assert "could not be placed. $2.00 went back to your balance." in sent.body
    assert "Invalid link" not in sent.body  # the upstream's words are for staff


def test_telling_twice_tells_once(placed, mailoutbox, django_capture_on_commit_callbacks):
    """A second settle (a polling pass run again) moves nothing and tells nothing; the same
    event told twice (a hook called twice) is refused by the database."""
    from orders.notices import event_for, order_ended

    order = placed()
    end(order, State.COMPLETED, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert not settle(order, State.COMPLETED)
        order_ended(order.pk)
        order_ended(order.pk)
    assert notifications.tell(event_for(order.pk)) is None
    assert Notice.objects.count() == 1 and len(mailoutbox) == 1


def test_nothing_is_told_when_the_transaction_rolls_back(
    placed, mailoutbox, django_capture_on_commit_callbacks
):
    order = placed()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        settle(order, State.COMPLETED)
        raise RuntimeError("the pass failed after settling")
    assert not Notice.objects.exists() and mailoutbox == []
    order.refresh_from_db()
    assert order.state == State.PLACED


def test_a_switch_off_keeps_the_notice_and_sends_no_email(
    alice, placed, mailoutbox, django_capture_on_commit_callbacks
):
    notifications.set_email_switches(alice, {"email_deposits", "email_tickets"})
    end(placed(), State.COMPLETED, django_capture_on_commit_callbacks)
    assert Notice.objects.count() == 1 and mailoutbox == []


def test_an_unconfirmed_address_gets_no_email(
    alice, placed, mailoutbox, django_capture_on_commit_callbacks
):
    type(alice).objects.filter(pk=alice.pk).update(email_verified=False)
    end(placed(), State.COMPLETED, django_capture_on_commit_callbacks)
    assert Notice.objects.count() == 1 and mailoutbox == []


def test_an_sms_number_is_not_told(placed, mailoutbox, django_capture_on_commit_callbacks):
    end(
        placed(kind=Kind.SMS, price_unit=1, quantity=1),
        State.COMPLETED,
        django_capture_on_commit_callbacks,
    )
    assert not Notice.objects.exists() and mailoutbox == []


def test_a_failing_notice_never_breaks_the_settle(
    placed, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(event):
        raise RuntimeError("mail server on fire")

    monkeypatch.setattr(notifications, "tell", broken)
    order = placed()
    end(order, State.COMPLETED, django_capture_on_commit_callbacks)
    order.refresh_from_db()
    assert order.state == State.COMPLETED


@pytest.fixture
def deposit(alice):
    method = PaymentMethod.objects.create(
        kind="manual", name="Bank transfer", bonus_percent=D("10")
    )
    return Deposit.objects.create(
        user=alice, method=method, amount=D("50"), currency="USD", reference="DTEST1"
    )


def test_a_credited_deposit_makes_one_notice_and_one_email(
    alice, deposit, mailoutbox, django_capture_on_commit_callbacks
):
    for _ in range(2):  # a replayed callback credits nothing and tells nothing
        with django_capture_on_commit_callbacks(execute=True):
            credit_deposit(deposit, D("50"), "Top-up")
    notice = Notice.objects.get()
    assert (notice.kind, notice.object_id, notice.link) == (
        NoticeKind.DEPOSIT,
        deposit.pk,
        f"/wallet/deposits/{deposit.pk}/",
    )
    [sent] = mailoutbox
    assert sent.subject.endswith("Deposit credited: $50.00")
    assert (
        "$50.00 from deposit DTEST1 (Bank transfer) is on your balance. Bonus: $5.00." in sent.body
    )


def test_a_deposit_through_the_test_gateway_tells_once(alice, mailoutbox, testpay_paid):
    assert Notice.objects.filter(kind=NoticeKind.DEPOSIT).count() == 1
    assert [m.subject for m in mailoutbox].count("[Reseller Panel] Deposit credited: $12.50") == 1


@pytest.fixture
def testpay_paid(alice, transactional_db):
    """A deposit paid at the test gateway, its callback sent twice more (real commits, so
    on_commit runs as in production)."""
    import json

    from django.test import Client

    from payments.deposits import offered_methods
    from payments.testgateway.gateway import SIGNATURE_HEADER, sign

    method = next(m for m in offered_methods() if m.kind == "testpay")
    client = Client()
    client.force_login(alice)
    client.post("/wallet/add-funds/", {"method": method.pk, "amount": "12.50"})
    deposit = Deposit.objects.latest("id")
    client.post(deposit.checkout_url.split("testserver", 1)[-1], {"action": "pay"})
    body = json.dumps({"payment_id": deposit.payment_id, "reference": deposit.reference}).encode()
    for _ in range(2):
        client.post(
            "/payments/callback/testpay/",
            body,
            content_type="application/json",
            headers={SIGNATURE_HEADER: sign(body)},
        )
    return deposit


def test_each_staff_answer_is_told_once_and_the_customers_own_messages_never(
    alice, staff, mailoutbox, django_capture_on_commit_callbacks
):
    ticket = tickets.open_ticket(alice, subject="Where is <my> order?", body="hi")
    with django_capture_on_commit_callbacks(execute=True):
        answer = tickets.reply(ticket.pk, author=staff, body="On its way", from_staff=True)
        tickets.reply(ticket.pk, author=alice, body="thanks", from_staff=False)
    notice = Notice.objects.get()
    assert (notice.kind, notice.object_id, notice.link) == (
        NoticeKind.TICKET,
        answer.pk,
        f"/support/{ticket.pk}/",
    )
    [sent] = mailoutbox
    assert sent.subject.endswith(f"Support answered ticket #{ticket.pk}")
    assert "Support answered your ticket “Where is <my> order?”." in sent.body  # plain text
    with django_capture_on_commit_callbacks(execute=True):
        tickets.reply(ticket.pk, author=staff, body="Delivered now", from_staff=True)
    assert Notice.objects.count() == 2 and len(mailoutbox) == 2
