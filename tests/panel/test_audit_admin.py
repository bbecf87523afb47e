"""The audit log from the admin: price, provider and branding changes and the order actions
are recorded with who and the values before and after (never a key); the log itself is
read-only and searchable."""

import json
from decimal import Decimal as D

import pytest
from django.urls import reverse

from orders.models import Order
from orders.states import State
from panel.models import AuditEntry, ShopSettings
from provider.models import Provider

pytestmark = pytest.mark.usefixtures("quick_passwords")
KEY, NEW_KEY = "k3y-old-secret-1111", "k3y-new-secret-2222"


def provider_form(provider: Provider, **fields: str) -> dict[str, str]:
    return {"name": provider.name, "api_url": provider.api_url, "api_key": "",
            "timeout": "2", "enabled": "on", "currency": "USD",
            "new_services_on_sale": "on", "multi_status": "unknown", "balance_alert_below": "",
            "pricing_rules-TOTAL_FORMS": "0", "pricing_rules-INITIAL_FORMS": "0",
            "pricing_rules-MIN_NUM_FORMS": "0", "pricing_rules-MAX_NUM_FORMS": "1", **fields}


def test_a_provider_change_records_the_fields_and_never_the_key(client, owner, db):
    provider = Provider.objects.create(name="main", api_url="http://127.0.0.1:9/api",
                                       api_key=KEY, timeout=2)
    client.force_login(owner)
    url = reverse("admin:provider_provider_change", args=[provider.pk])
    response = client.post(url, provider_form(provider, api_key=NEW_KEY,
                                              balance_alert_below="25"))
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="provider changed")
    assert entry.actor == owner and entry.target_id == str(provider.pk)
    assert entry.after["api_key"] == "(changed)" and entry.before["api_key"] == ""
    assert entry.before["balance_alert_below"] is None
    assert entry.after["balance_alert_below"] == "25"
    everything = json.dumps(list(AuditEntry.objects.values("before", "after", "note")))
    assert KEY not in everything and NEW_KEY not in everything


def test_a_price_override_records_before_and_after(client, owner, upstream):
    _, services, _, _ = upstream
    service = services["smm"]
    client.force_login(owner)
    form = {"custom_name": "", "description": "", "category": service.category_id,
            "subcategory": "", "type": service.type, "entity_type": service.entity_type,
            "price_unit": service.price_unit, "price_override": "3.5",
            "min_quantity": 1, "max_quantity": 1, "auto_delivery": "on", "enabled": "on",
            "price_changes-TOTAL_FORMS": "0", "price_changes-INITIAL_FORMS": "0",
            "price_changes-MIN_NUM_FORMS": "0", "price_changes-MAX_NUM_FORMS": "1000"}
    response = client.post(reverse("admin:provider_service_change", args=[service.pk]), form)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="service changed")
    assert entry.before == {"price_override": None}
    assert entry.after == {"price_override": "3.5"}


def test_a_bulk_markup_is_recorded(client, owner, upstream):
    _, services, _, _ = upstream
    client.force_login(owner)
    client.post(reverse("admin:provider_service_changelist"), {
        "action": "set_markup", "_selected_action": [services["smm"].pk], "apply": "1",
        "percent": "40"})
    entry = AuditEntry.objects.get(action="services markup set")
    assert entry.after["percent"] == "40" and entry.after["services"] == [services["smm"].pk]


def test_a_branding_change_is_recorded(client, owner, db):
    ShopSettings.objects.create(name="Old name")
    client.force_login(owner)
    response = client.post(reverse("admin:panel_shopsettings_change", args=[1]), {
        "name": "Nova Boost", "primary_color": "#4f46e5", "support_email": "",
        "footer_text": "", "currency_symbol": "$"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="shop settings changed")
    assert (entry.before, entry.after) == ({"name": "Old name"}, {"name": "Nova Boost"})


def test_an_order_action_is_recorded_with_the_state_before_and_after(client, clerk, alice,
                                                                     upstream):
    provider, services, _, _ = upstream
    order = Order.objects.create(user=alice, provider=provider, service=services["smm"],
                                 quantity=100, unit_price=D("1"), charge=D("0.1"),
                                 state=State.REVIEW)
    client.force_login(clerk)
    client.post(reverse("admin:orders_order_changelist"), {
        "action": "mark_placed", "_selected_action": [order.pk], "apply": "1",
        "upstream_id": "4242"})
    # One entry, written by the staff action itself (never a second one by the admin).
    entry = AuditEntry.objects.get()
    assert entry.action == "order: attach upstream id"
    assert entry.actor == clerk and entry.target_id == str(order.pk)
    assert (entry.before["state"], entry.after["state"]) == ("review", "placed")
    assert entry.after["upstream_id"] == 4242 and "4242" in entry.note


def test_the_log_is_read_only_and_searchable(admin_client, owner, clerk):
    from panel import audit

    audit.record(actor=owner, action="balance adjusted", note="goodwill")
    audit.record(actor=clerk, action="order resend", note="customer asked")
    listing = reverse("admin:panel_auditentry_changelist")

    def shown(**query: str) -> list[str]:
        return [e.action for e in admin_client.get(listing, query).context["cl"].result_list]

    assert shown(q="clerk@example.com") == ["order resend"]
    assert shown(q="resend") == ["order resend"]
    assert shown(action="balance adjusted") == ["balance adjusted"]
    entry = AuditEntry.objects.first()
    assert admin_client.get(reverse("admin:panel_auditentry_add")).status_code == 403
    change = reverse("admin:panel_auditentry_change", args=[entry.pk])
    assert admin_client.get(change).status_code == 200, "readable"
    assert admin_client.post(change, {"note": "rewritten"}).status_code == 403
    assert admin_client.post(reverse("admin:panel_auditentry_delete", args=[entry.pk]),
                             {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.note != "rewritten"


def test_a_new_account_is_recorded_without_its_password(admin_client, db):
    response = admin_client.post(reverse("admin:panel_user_add"), {
        "email": "new.staff@example.com", "password1": "Sup3r-secret-pass!",
        "password2": "Sup3r-secret-pass!", "usable_password": "true"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="user added")
    assert entry.after["email"] == "new.staff@example.com"
    assert "Sup3r-secret-pass!" not in json.dumps([entry.before, entry.after, entry.note])
