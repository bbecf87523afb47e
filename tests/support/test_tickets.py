"""Support tickets: the rules of opening, answering and closing, and what each does to the
ticket's state; the customer's pages and staff's, with query bounds."""

import re

import pytest
from django.test import Client

from orders.placing import place_order
from panel.models import User
from support import tickets
from support.models import Ticket, TicketState
from tests.panel.storefront.helpers import without_bell

GMAIL = 4


@pytest.fixture
def staff(db):
    return User.objects.create_user(email="staff@example.com", password="pw-staff-123",
                                    is_staff=True, email_verified=True)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_ticket_goes_open_answered_open_closed(alice, staff):
    ticket = tickets.open_ticket(alice, subject=" Where is my order? ", body="Hello")
    assert (ticket.subject, ticket.state) == ("Where is my order?", TicketState.OPEN)
    first_wait = ticket.waiting_since
    assert first_wait is not None and tickets.unanswered() == [ticket]

    tickets.reply(ticket.pk, author=alice, body="Any news?", from_staff=False)
    ticket.refresh_from_db()
    assert ticket.waiting_since == first_wait, "waits since the first unanswered message"

    tickets.reply(ticket.pk, author=staff, body="It is on its way.", from_staff=True)
    ticket.refresh_from_db()
    assert (ticket.state, ticket.waiting_since) == (TicketState.ANSWERED, None)
    assert tickets.unanswered() == [] and tickets.count_unanswered() == 0

    tickets.reply(ticket.pk, author=alice, body="Thanks, one more thing", from_staff=False)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN and ticket.waiting_since > first_wait

    assert tickets.close(ticket.pk) and not tickets.close(ticket.pk)
    with pytest.raises(tickets.TicketError, match="closed"):
        tickets.reply(ticket.pk, author=alice, body="again", from_staff=False)
    assert ticket.messages.count() == 4


@pytest.mark.parametrize(("subject", "body", "field"), [
    ("", "hi", "subject"), ("x" * 201, "hi", "subject"), ("Hi", "  ", "body"),
    ("Hi", "x" * 5001, "body"),
])
def test_a_ticket_needs_a_subject_and_a_message(alice, subject, body, field):
    with pytest.raises(tickets.TicketError) as refused:
        tickets.open_ticket(alice, subject=subject, body=body)
    assert refused.value.field == field and not Ticket.objects.exists()


def test_a_ticket_may_be_about_the_customers_own_order_only(alice, bob, service):
    theirs = place_order(user=bob, service_id=service(GMAIL).pk, quantity=1)
    with pytest.raises(tickets.TicketError, match="not one of yours"):
        tickets.open_ticket(alice, subject="Hi", body="hi", order_id=theirs.pk)
    mine = place_order(user=alice, service_id=service(GMAIL).pk, quantity=1)
    assert tickets.open_ticket(alice, subject="Hi", body="hi", order_id=f"#{mine.pk}").order == mine


def test_the_customer_opens_a_ticket_and_reads_the_answer(alice, staff):
    customer = _client(alice)
    response = customer.post("/support/", {"subject": "Refill?", "body": "Can you refill?"})
    ticket = Ticket.objects.get()
    assert response["Location"] == f"/support/{ticket.pk}/"
    tickets.reply(ticket.pk, author=staff, body="Yes, see https://example.com/refill",
                  from_staff=True)
    html = customer.get(f"/support/{ticket.pk}/").content.decode()
    assert 'data-testid="ticket-state">Answered<' in html
    assert "Can you refill?" in html and 'href="https://example.com/refill"' in html
    assert f'hx-get="/support/{ticket.pk}/" hx-trigger="every 5s"' in html
    listing = customer.get("/support/").content.decode()
    assert "Refill?" in listing and ">Answered<" in listing


def test_a_reply_from_htmx_comes_back_as_the_thread(alice):
    ticket = tickets.open_ticket(alice, subject="Hi", body="first")
    response = _client(alice).post(f"/support/{ticket.pk}/", {"body": "second"},
                                   headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="ticket-thread"')
    assert "first" in html and "second" in html and "<html" not in html


def test_a_closed_ticket_stops_polling_and_takes_no_reply(alice):
    ticket = tickets.open_ticket(alice, subject="Hi", body="first")
    customer = _client(alice)
    customer.post(f"/support/{ticket.pk}/", {"action": "close"})
    html = customer.get(f"/support/{ticket.pk}/").content.decode()
    assert "hx-trigger" not in without_bell(html) and "This ticket is closed." in html
    assert 'name="body"' not in html


def test_nobody_else_sees_a_customers_ticket(alice, bob):
    ticket = tickets.open_ticket(alice, subject="Private", body="mine")
    assert _client(bob).get(f"/support/{ticket.pk}/").status_code == 404
    assert _client(bob).post(f"/support/{ticket.pk}/", {"body": "x"}).status_code == 404
    assert _client(alice).get(f"/staff/tickets/{ticket.pk}/").status_code == 403
    assert Client().get(f"/support/{ticket.pk}/").status_code == 302


def test_staff_see_unanswered_tickets_with_their_age_and_answer(alice, staff):
    ticket = tickets.open_ticket(alice, subject="Where is it?", body="order 12")
    desk = _client(staff)
    queue = desk.get("/staff/").content.decode()
    assert 'data-testid="count-tickets">1<' in queue
    assert f'href="/staff/tickets/{ticket.pk}/">Ticket #{ticket.pk}</a>' in queue
    assert "Where is it?" in queue
    assert re.search(r'class="q-age" title="Waiting since [^"]+">\d+ s<', queue), "its age"
    response = desk.post(f"/staff/tickets/{ticket.pk}/", {"body": "Found it."},
                         headers={"HX-Request": "true"})
    assert "Found it." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.state == TicketState.ANSWERED
    assert ticket.messages.last().from_staff
    assert 'data-testid="count-tickets">0<' in desk.get("/staff/").content.decode()


def test_pages_cost_the_same_queries_for_more_messages(alice, staff,
                                                       django_assert_max_num_queries):
    ticket = tickets.open_ticket(alice, subject="Hi", body="first")
    customer, desk = _client(alice), _client(staff)
    pages = [(customer, f"/support/{ticket.pk}/"), (customer, "/support/"), (desk, "/staff/"),
             (desk, f"/staff/tickets/{ticket.pk}/")]
    counts = []
    for client, url in pages:
        client.get(url)  # sessions warmed
        with django_assert_max_num_queries(40) as counted:
            client.get(url)
        counts.append(len(counted.captured_queries))
    for n in range(15):
        tickets.reply(ticket.pk, author=staff if n % 2 else alice, body=f"m{n}",
                      from_staff=bool(n % 2))
        tickets.open_ticket(alice, subject=f"t{n}", body="x")
    for (client, url), most in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(most):
            client.get(url)


def test_an_order_page_asks_about_the_order_and_the_form_preselects_it(alice, service):
    mine = place_order(user=alice, service_id=service(GMAIL).pk, quantity=1)
    customer = _client(alice)
    page = customer.get(f"/orders/{mine.pk}/").content.decode()
    assert f'href="/support/?order={mine.pk}">Ask about this order</a>' in page
    form = customer.get(f"/support/?order={mine.pk}").content.decode()
    assert f'<option value="{mine.pk}" selected>Order #{mine.pk}</option>' in form
    customer.post("/support/", {"subject": "Hi", "body": "about it", "order": str(mine.pk)})
    assert Ticket.objects.get().order == mine
