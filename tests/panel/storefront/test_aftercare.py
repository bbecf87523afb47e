"""The Refill and Cancel buttons of an order's page: shown only when the panel can carry
them out, each done once, for the order's owner alone, and never a 500."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from orders import aftercare
from orders.models import EntryKind, LedgerEntry, Order, Refill, RefillState
from orders.states import State
from provider.models import Service
from tests.orders.test_aftercare import completed, placed
from tests.panel.api.helpers import FOLLOWERS, LIKES, TELEGRAM, synced
from tests.panel.storefront.conftest import htmx
from tests.panel.storefront.helpers import assert_csp_clean, without_bell

pytestmark = pytest.mark.django_db


@pytest.fixture
def standard(sandbox):
    provider = synced(sandbox, name="standard", standard=True)
    provider.refill_days = 30
    provider.save()
    return provider


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_completed_refillable_order_offers_a_refill_until_its_window_ends(
    as_alice, alice, standard, sandbox, django_assert_max_num_queries
):
    order = completed(alice, standard, sandbox)
    # session, user, the order, its refills, the shop's settings (cached after), the balance
    with django_assert_max_num_queries(6) as few:
        response = as_alice.get(f"/orders/{order.pk}/")
    page = text(response)
    assert 'data-testid="refill"' in page and 'data-testid="cancel"' not in page
    until = timezone.localtime(order.finished_at + timedelta(days=30))
    assert f"Refill available until {until:%b} {until.day}, {until.year}." in page
    assert_csp_clean(response)
    # Refills listed do not add queries per refill.
    for _ in range(4):
        Refill.objects.create(
            order=order, upstream_id=1, status="Completed", state=RefillState.COMPLETED
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        as_alice.get(f"/orders/{order.pk}/")


def test_refill_from_the_page(as_alice, alice, standard, sandbox):
    order = completed(alice, standard, sandbox)
    response = as_alice.post(f"/orders/{order.pk}/refill/", headers=htmx("order-live"))
    assert response.status_code == 200
    page = text(response)
    assert "Refill requested: the provider tops the order up again" in page
    refill = Refill.objects.get()
    assert f"Refill #{refill.pk}" in page and ">Refill requested<" in page
    assert 'data-testid="refill"' not in page  # once a day
    assert "the next one is possible after" in page
    assert 'hx-trigger="every 30s"' in without_bell(page)  # the page follows the open refill
    sandbox.advance(11)
    aftercare.poll_refills()
    page = text(as_alice.get(f"/orders/{order.pk}/"))
    assert ">Completed</span></li>" in page.replace("</span> </li>", "</span></li>")
    assert 'hx-trigger="every 30s"' not in without_bell(page)
    # Twice anyway (a stale tab): refused with the reason, nothing sent.
    again = text(as_alice.post(f"/orders/{order.pk}/refill/", headers=htmx("order-live")))
    assert "less than 24 hours ago" in again and Refill.objects.count() == 1


def test_a_plain_form_post_comes_back_to_the_page(as_alice, alice, standard, sandbox):
    order = completed(alice, standard, sandbox)
    response = as_alice.post(f"/orders/{order.pk}/refill/")
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.pk}/"
    assert "Refill requested" in text(as_alice.get(response["Location"]))


def test_no_button_where_the_panel_cannot(as_alice, alice, standard, provider, sandbox):
    no_refill = completed(alice, standard, sandbox, LIKES)
    hstock = completed(alice, provider, sandbox)
    running = placed(alice, standard, FOLLOWERS)
    for order in (no_refill, hstock, running):
        page = text(as_alice.get(f"/orders/{order.pk}/"))
        assert 'data-testid="refill"' not in page and 'data-testid="cancel"' not in page
    response = as_alice.post(f"/orders/{hstock.pk}/refill/", headers=htmx())
    assert response.status_code == 200 and not Refill.objects.exists()
    assert "A refill is not possible for this order." in text(response)


def test_the_window_ended(as_alice, alice, standard, sandbox):
    order = completed(alice, standard, sandbox)
    Service.objects.filter(pk=order.service_id).update(refill_days=3)
    ended = timezone.now() - timedelta(days=5)
    Order.objects.filter(pk=order.pk).update(finished_at=ended)
    page = text(as_alice.get(f"/orders/{order.pk}/"))
    end = timezone.localtime(ended + timedelta(days=3))
    assert 'data-testid="refill"' not in page
    assert f"Refill window ended on {date_format(end, 'M j, Y')}." in page


def test_cancel_an_order_still_waiting_here(as_alice, alice, standard):
    order = placed(alice, standard, TELEGRAM, send=False)
    page = text(as_alice.get(f"/orders/{order.pk}/"))
    assert 'data-testid="cancel"' in page and "refunded in full to your balance" in page
    assert "canceling refunds it in full at once" in page
    response = as_alice.post(f"/orders/{order.pk}/cancel/", headers=htmx("order-live"))
    page = text(response)
    assert "Order canceled: it was refunded in full to your balance." in page
    assert 'id="header-balance" hx-swap-oob="true">$100.00<' in page
    order.refresh_from_db()
    assert order.state == State.CANCELED and order.refunded == order.charge
    again = as_alice.post(f"/orders/{order.pk}/cancel/", headers=htmx("order-live"))
    assert "This order can no longer be canceled." in text(again)
    assert LedgerEntry.objects.filter(order=order, kind=EntryKind.REFUND).count() == 1


def test_cancel_a_placed_order_is_passed_on_once(as_alice, alice, standard):
    order = placed(alice, standard, TELEGRAM)
    response = as_alice.post(f"/orders/{order.pk}/cancel/", headers=htmx("order-live"))
    page = text(response)
    assert "Cancel requested: once the provider confirms" in page
    assert 'data-testid="cancel"' not in page
    assert page.count("Cancel requested: once the provider confirms") == 1
    assert Order.objects.get(pk=order.pk).cancel_requested_at is not None
    assert 'data-testid="row-cancel-requested"' in text(as_alice.get("/orders/"))
    later = text(as_alice.get(f"/orders/{order.pk}/", headers=htmx("order-live")))
    assert 'data-testid="cancel-note"' in later and 'data-testid="cancel"' not in later


def test_someone_elses_order_is_a_404(as_bob, alice, standard, sandbox):
    done = completed(alice, standard, sandbox)
    waiting = placed(alice, standard, TELEGRAM, send=False)
    assert as_bob.post(f"/orders/{done.pk}/refill/").status_code == 404
    assert as_bob.post(f"/orders/{waiting.pk}/cancel/", headers=htmx()).status_code == 404
    assert not Refill.objects.exists()
    assert Order.objects.get(pk=waiting.pk).state == State.QUEUED


@pytest.mark.parametrize("path", ["/orders/{}/refill/", "/orders/{}/cancel/"])
def test_no_500_from_any_input(as_alice, alice, client, standard, path):
    order = placed(alice, standard, TELEGRAM, send=False)
    assert as_alice.get(path.format(order.pk)).status_code == 405
    assert as_alice.post(path.format(99999999999999999999)).status_code == 404
    assert as_alice.post(path.format(0), {"x": "\x00"}).status_code in (400, 404)
    signed_out = client.post(path.format(order.pk))
    assert signed_out.status_code == 302 and "/login/" in signed_out["Location"]
    assert Order.objects.get(pk=order.pk).state == State.QUEUED


def test_a_provider_the_client_will_not_call_is_no_500(
    as_alice, alice, standard, sandbox, settings
):
    done = completed(alice, standard, sandbox)
    running = placed(alice, standard, TELEGRAM)
    settings.PROVIDER_ALLOW_PRIVATE_URLS = False  # the sandbox's loopback URL is refused
    page = text(as_alice.post(f"/orders/{done.pk}/refill/", headers=htmx()))
    assert "The provider did not answer; try again in a few minutes." in page
    page = text(as_alice.post(f"/orders/{running.pk}/cancel/", headers=htmx()))
    assert "The provider did not answer; try again in a few minutes." in page
    assert not Refill.objects.exists()
    assert Order.objects.get(pk=running.pk).cancel_requested_at is None
