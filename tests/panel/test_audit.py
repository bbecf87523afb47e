from decimal import Decimal

import pytest

from panel import audit
from panel.models import AuditEntry, ShopSettings

pytestmark = pytest.mark.django_db


def test_an_entry_keeps_who_what_and_the_values_before_and_after(django_user_model):
    staff = django_user_model.objects.create_user(email="staff@example.com", password="x" * 12,
                                                  is_staff=True)
    shop = ShopSettings.objects.create(name="Old name")
    entry = audit.record(actor=staff, action="branding changed", target=shop,
                         before={"shop_name": "Old name", "limit": Decimal("1.50")},
                         after={"shop_name": "New name", "limit": Decimal("2.00")},
                         note="rebrand")
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_email, entry.action) == (staff, "staff@example.com",
                                                              "branding changed")
    assert entry.target_type == "panel.ShopSettings" and entry.target_id == str(shop.pk)
    assert entry.before == {"shop_name": "Old name", "limit": "1.50"}
    assert entry.after == {"shop_name": "New name", "limit": "2.00"}


def test_the_system_may_act_without_a_person():
    entry = audit.record(actor=None, action="alert sent")
    assert entry.actor is None and entry.actor_email == ""
    assert AuditEntry.objects.count() == 1
