"""Reusing a number (`phone` on `add_sms`): only a number the customer rented before for
the same project and country. Anyone else's number, or a number that does not exist, is
refused in the same words before anything is charged or sent, so numbers cannot be probed."""

from decimal import Decimal as D

import pytest

from orders.models import Order
from orders.sms import NOT_YOURS
from provider.models import SmsProject

pytestmark = pytest.mark.django_db


def openai() -> SmsProject:
    return SmsProject.objects.get(name="OpenAI / ChatGPT")


def test_a_customer_reuses_only_their_own_number(api, alice, alice_key, bob, bob_key,
                                                 provider, sandbox):
    first = api(alice_key, "add_sms", project_id=openai().pk, country="us")[1]["orders"][0]
    phone = first["phone"]
    rented = len(sandbox.numbers())

    for probe in (phone, phone.lstrip("+"), "+15550009999"):  # alice's, and one nobody has
        assert api(bob_key, "add_sms", project_id=openai().pk, country="us", phone=probe) == (
            200, {"error": NOT_YOURS})
    bob.wallet.refresh_from_db()
    assert bob.wallet.balance == D("100.00") and not Order.objects.filter(user=bob).exists()
    assert len(sandbox.numbers()) == rented, "nothing sent upstream"

    telegram = SmsProject.objects.get(name="Telegram")
    assert api(alice_key, "add_sms", project_id=telegram.pk, country="us", phone=phone)[1] == {
        "error": NOT_YOURS}, "her number, but for another project"
    again = api(alice_key, "add_sms", project_id=openai().pk, country="us",
                phone=phone.lstrip("+"))[1]
    assert again["orders"][0]["phone"] == phone
    assert [n.number.phone for n in sandbox.numbers()] == [phone, phone]
    assert Order.objects.filter(user=alice, phone=phone).count() == 2
