"""The queue's page and actions over HTTP: staff only, each action in place with its audit
entry and order event, and two staff on one row: one wins, the other is told who did."""

from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from orders.models import EntryKind, Kind, LedgerEntry, Order, OrderEvent
from orders.states import State
from panel.models import AuditEntry

QUEUE = "/staff/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def act(client: Client, order: Order, action: str, **data):
    return client.post(reverse("staff_order_action", args=[order.pk, action]), data, **HTMX)


def state_of(order: Order) -> str:
    return Order.objects.values_list("state", flat=True).get(pk=order.pk)


def audit_of(order: Order) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(target_type="orders.Order", target_id=str(order.pk)))


# --- Who may see it ---------------------------------------------------------------------

def test_a_visitor_is_sent_to_sign_in(db):
    response = Client().get(QUEUE)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_visitors_refresh_sends_the_whole_page_to_sign_in(db):
    response = Client().get(QUEUE, **HTMX)
    assert response["HX-Redirect"].startswith("/login/")


def test_a_customer_is_refused(alice, make_order):
    order = make_order(State.REVIEW)
    customer = client_of(alice)
    assert customer.get(QUEUE).status_code == 403
    assert act(customer, order, "fail", note="mine").status_code == 403
    assert customer.post(reverse("staff_retry_funds", args=[order.provider_id])).status_code \
        == 403
    assert state_of(order) == State.REVIEW and not AuditEntry.objects.exists()


def test_staff_see_every_section_with_the_rows_facts(staff, make_order):
    order = make_order(State.REVIEW, error="outcome unknown: read timeout")
    page = client_of(staff).get(QUEUE).content.decode()
    for title in ("In review", "Waiting for provider funds", "Manual deliveries", "Stuck"):
        assert title in page
    assert f"#{order.pk}" in page and "alice@example.com" in page
    assert "outcome unknown: read timeout" in page
    assert "https://instagram.com/p/abc" in page and "smm service" in page
    assert 'hx-trigger="every 10s"' in page


def test_the_refresh_is_the_queue_alone_with_the_navigation_count(staff, make_order):
    make_order(State.REVIEW)
    body = client_of(staff).get(QUEUE, **HTMX).content.decode()
    assert body.lstrip().startswith("<span id=\"nav-queue-count\"")
    assert "<html" not in body and 'id="queue"' in body


@pytest.mark.parametrize("rows", [1, 10])
def test_the_page_costs_the_same_queries_for_any_number_of_rows(
        staff, make_order, django_assert_max_num_queries, rows):
    for n in range(rows):
        make_order(State.REVIEW)
        make_order(State.PROVIDER_FUNDS)
        make_order(State.PARTIAL, kind=Kind.PRODUCT, needs_staff=True, upstream_id=n + 1)
    client = client_of(staff)
    with django_assert_max_num_queries(12):
        assert client.get(QUEUE).status_code == 200


# --- Actions ----------------------------------------------------------------------------

def test_attach_upstream_id_places_the_order(staff, make_order):
    order = make_order(State.REVIEW)
    response = act(client_of(staff), order, "attach", upstream_id="5551")
    assert f"Order #{order.pk} placed" in response.content.decode()
    assert f'id="review-{order.pk}"' not in response.content.decode(), "the row left"
    order.refresh_from_db()
    assert (order.state, order.upstream_id) == (State.PLACED, 5551)
    [entry] = audit_of(order)
    assert (entry.actor, entry.action) == (staff, "order: attach upstream id")
    assert entry.before["state"] == State.REVIEW and entry.after["state"] == State.PLACED
    assert entry.after["upstream_id"] == 5551
    assert OrderEvent.objects.filter(order=order, actor=staff, to_state=State.PLACED).exists()


def test_attach_refuses_what_is_not_an_id(staff, make_order):
    order = make_order(State.REVIEW)
    response = act(client_of(staff), order, "attach", upstream_id="abc")
    assert "is a number" in response.content.decode()
    assert state_of(order) == State.REVIEW and not audit_of(order)


def test_resend_needs_the_explicit_confirmation(staff, make_order, monkeypatch):
    order = make_order(State.REVIEW)
    client = client_of(staff)
    refused = act(client, order, "resend")
    assert "confirm first" in refused.content.decode()
    assert state_of(order) == State.REVIEW and not audit_of(order)
    act(client, order, "resend", confirmed="yes")
    assert state_of(order) == State.QUEUED
    assert [e.action for e in audit_of(order)] == ["order: resend"]


def test_fail_and_refund_needs_a_note_and_refunds_once(staff, alice, make_order):
    order = make_order(State.REVIEW, charge=D("2.00"))
    client = client_of(staff)
    assert "Say why" in act(client, order, "fail", note="  ").content.decode()
    assert state_of(order) == State.REVIEW
    act(client, order, "fail", note="the provider has no such order")
    order.refresh_from_db()
    assert (order.state, order.refunded) == (State.REJECTED, D("2.00"))
    refund = LedgerEntry.objects.get(order=order, kind=EntryKind.REFUND)
    assert refund.created_by == staff and refund.amount == D("2.00")
    [entry] = audit_of(order)
    assert entry.note == "the provider has no such order"
    assert entry.after["refunded"] == "2.0000"


def test_deliver_by_hand_completes_a_product_in_review(staff, make_order):
    order = make_order(State.REVIEW, kind=Kind.PRODUCT, quantity=2)
    act(client_of(staff), order, "deliver", accounts="a@mail.com:pw1\nb@mail.com:pw2\n")
    order.refresh_from_db()
    assert order.state == State.COMPLETED and order.account_list == [
        "a@mail.com:pw1", "b@mail.com:pw2"]
    [entry] = audit_of(order)
    assert entry.note == "2 accounts pasted"
    assert "pw1" not in str(entry.before) + str(entry.after) + entry.note, "no secrets"


def test_deliver_by_hand_is_refused_while_the_provider_works_on_it(staff, make_order):
    order = make_order(State.PLACED, kind=Kind.PRODUCT, auto_delivery=False, upstream_id=7,
                       upstream_status="In progress")
    page = client_of(staff).get(QUEUE).content.decode()
    assert f'id="act-manual-deliver-{order.pk}"' not in page, "no form offered"
    response = act(client_of(staff), order, "deliver", accounts="a@mail.com:pw",
                   shown_state=State.PLACED)
    assert "the upstream is still working on this one" in response.content.decode()
    assert state_of(order) == State.PLACED and not audit_of(order)


def test_deliver_by_hand_after_someone_else_did_says_who(staff, carol, make_order):
    order = make_order(State.REVIEW, kind=Kind.PRODUCT, quantity=1)
    act(client_of(carol), order, "deliver", accounts="a@mail.com:pw", shown_state="review")
    late = act(client_of(staff), order, "deliver", accounts="b@mail.com:pw",
               shown_state="review").content.decode()
    assert "already resolved by carol@example.com (now Completed)" in late
    order.refresh_from_db()
    assert order.account_list == ["a@mail.com:pw"]


def test_mark_seen_clears_a_settled_orders_flag(staff, make_order):
    order = make_order(State.PARTIAL, kind=Kind.PRODUCT, needs_staff=True, upstream_id=9)
    act(client_of(staff), order, "seen")
    order.refresh_from_db()
    assert not order.needs_staff
    assert [e.action for e in audit_of(order)] == ["order: mark seen"]


def test_retry_now_queues_the_providers_held_orders(staff, make_order, monkeypatch,
                                                    django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr("orders.staff.enqueue_forwarding", sent.append)
    held = [make_order(State.PROVIDER_FUNDS), make_order(State.PROVIDER_FUNDS)]
    client = client_of(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("staff_retry_funds", args=[held[0].provider_id]),
                               **HTMX)
    assert sent == [o.pk for o in held], "sent at once, not at the next sweep"
    assert "2 orders for quiet queued" in response.content.decode()
    assert [state_of(o) for o in held] == [State.QUEUED, State.QUEUED]
    entry = AuditEntry.objects.get(action="provider: retry orders held for funds")
    assert entry.actor == staff and entry.after["orders"] == [o.pk for o in held]
    second = client.post(reverse("staff_retry_funds", args=[held[0].provider_id]), **HTMX)
    assert "someone retried them already" in second.content.decode()
    assert AuditEntry.objects.count() == 1


def test_without_htmx_an_action_redirects_back_with_a_message(staff, make_order):
    order = make_order(State.REVIEW)
    client = client_of(staff)
    response = client.post(reverse("staff_order_action", args=[order.pk, "attach"]),
                           {"upstream_id": "42"}, follow=True)
    assert response.redirect_chain == [(QUEUE, 302)]
    assert f"Order #{order.pk} placed" in response.content.decode()


# --- Two staff, one row -------------------------------------------------------------------

def test_two_staff_on_one_row_one_wins_and_the_other_is_told(staff, carol, make_order):
    order = make_order(State.REVIEW)
    mine, hers = client_of(staff), client_of(carol)
    assert f'id="review-{order.pk}"' in hers.get(QUEUE).content.decode()  # both see the row
    act(mine, order, "attach", upstream_id="5551")
    late = act(hers, order, "fail", note="no such order").content.decode()
    assert f"Order #{order.pk} was already resolved by staff@example.com (now Placed)" in late
    order.refresh_from_db()
    assert (order.state, order.refunded) == (State.PLACED, D(0)), "no refund for the loser"
    assert [e.actor for e in audit_of(order)] == [staff]
    # And the row is gone for both, at their next refresh.
    for client in (mine, hers):
        assert f'id="review-{order.pk}"' not in client.get(QUEUE, **HTMX).content.decode()


def test_a_row_the_panel_settled_first_says_so(staff, make_order):
    order = make_order(State.PARTIAL, kind=Kind.PRODUCT, needs_staff=False, upstream_id=3)
    late = act(client_of(staff), order, "seen").content.decode()
    assert "already resolved by the panel (now Partial)" in late


# --- Counts elsewhere ----------------------------------------------------------------------

def test_staff_see_the_count_in_the_navigation_customers_do_not(staff, alice, make_order):
    make_order(State.REVIEW)
    make_order(State.PROVIDER_FUNDS)
    staff_page = client_of(staff).get("/catalog/").content.decode()
    assert 'id="nav-queue-count" class="nav-count busy">3<' in staff_page  # + the provider
    assert "nav-queue-count" not in client_of(alice).get("/catalog/").content.decode()


def test_the_admin_home_shows_the_counts_with_links(staff, make_order):
    staff.is_superuser = True
    staff.save()
    make_order(State.REVIEW)
    page = client_of(staff).get("/admin/").content.decode()
    assert "Delivery queue: 2 waiting for a person" in page
    assert 'href="/staff/#review">In review</a>' in page
    assert 'href="/staff/#stuck">Stuck</a>' in page
