"""Text from a hostile upstream is shown safely: hidden characters were removed at the edge,
and the storefront isolates each upstream name (`<bdi>`) so it cannot turn the text around it."""

import pytest

from orders.models import Order
from tests.fixtures.hostile import good_service, synced
from tests.hostile.helpers import forwarded

pytestmark = pytest.mark.django_db

REVERSED = "\u202egnp.exe\u202c Followers\x00"


def test_a_reversing_name_is_cleaned_and_isolated_in_the_catalog_and_orders(
        client, alice, hostile, hostile_provider):
    hostile.answer("services", {"services": [good_service(1, name=REVERSED)]})
    synced(hostile_provider)
    client.force_login(alice)
    order = forwarded(alice, hostile_provider)

    pages = [client.get(url).content.decode() for url in
             ("/catalog/", "/orders/", f"/orders/{order.pk}/")]

    for html in pages:
        assert "<bdi>gnp.exe Followers</bdi>" in html
        assert not any(mark in html for mark in "\u202e\u202c\x00")
    assert Order.objects.get(pk=order.pk).service.name == "gnp.exe Followers"
