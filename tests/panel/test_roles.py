"""Staff and admin roles: groups made by a migration, one module deciding (panel.roles),
balance adjustments in the admin within the role's limit, nothing deletable."""

from decimal import Decimal as D

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from orders.models import EntryKind, LedgerEntry, Order, Wallet
from panel import roles
from panel.models import AuditEntry

pytestmark = pytest.mark.usefixtures("quick_passwords")


def test_the_migration_made_both_groups_with_their_permissions(db):
    staff = set(Group.objects.get(name="Staff").permissions.values_list("codename", flat=True))
    admin = set(Group.objects.get(name="Admin").permissions.values_list("codename", flat=True))
    assert {"view_order", "change_order", "view_wallet", "view_ledgerentry"} <= staff
    assert not {"change_provider", "change_service", "change_shopsettings", "change_user"} & staff
    assert {"change_provider", "change_service", "change_shopsettings", "change_smsprice"} <= admin
    assert not any(code.startswith("delete_") and code != "delete_pricingrule"
                   for code in staff | admin)


def test_who_is_what(alice, clerk, owner, admin_user, settings):
    settings.STAFF_BALANCE_ADJUST_LIMIT = D("50")
    assert [roles.is_staff_member(u) for u in (alice, clerk, owner, admin_user)] == [
        False, True, True, True]
    assert [roles.is_admin(u) for u in (alice, clerk, owner, admin_user)] == [
        False, False, True, True]
    assert roles.can_adjust_balance(clerk, D("50")) and roles.can_adjust_balance(clerk, D("-50"))
    assert not roles.can_adjust_balance(clerk, D("50.01"))
    assert not roles.can_adjust_balance(clerk, D("-51"))
    assert roles.can_adjust_balance(owner, D("5000"))
    assert not roles.can_adjust_balance(alice, D("1"))
    owner.is_active = False
    assert not roles.is_admin(owner) and not roles.can_adjust_balance(owner, D("1"))


def adjust(client, customer, **fields):
    return client.post(reverse("admin:panel_user_adjust_balance", args=[customer.pk]),
                       {"direction": "credit", "amount": "10", "reason": "goodwill", **fields})


def test_staff_credit_a_customer_within_the_limit_one_entry_in_their_name(client, clerk, alice):
    client.force_login(clerk)
    page = client.get(reverse("admin:panel_user_change", args=[alice.pk])).content.decode()
    assert "Adjust balance" in page and "ledger" in page and "orders" in page
    response = adjust(client, alice, amount="25.50", reason="Late delivery, sorry")
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(kind=EntryKind.ADJUSTMENT)
    assert (entry.amount, entry.created_by, entry.reason) == (D("25.50"), clerk,
                                                              "Late delivery, sorry")
    assert Wallet.objects.get(user=alice).balance == D("125.50")
    audit = AuditEntry.objects.get(action="balance adjusted")
    assert audit.actor == clerk and audit.before == {"balance": "100.0000"}
    assert audit.after["balance"] == "125.5000" and audit.note == "Late delivery, sorry"


def test_staff_are_refused_above_the_limit_and_admins_are_not(client, clerk, owner, alice,
                                                              settings):
    settings.STAFF_BALANCE_ADJUST_LIMIT = D("50")
    client.force_login(clerk)
    refused = adjust(client, alice, amount="50.01")
    assert "at most 50" in refused.content.decode()
    assert not LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT).exists()
    client.force_login(owner)
    assert adjust(client, alice, amount="500").status_code == 302
    assert Wallet.objects.get(user=alice).balance == D("600")


def test_a_debit_never_takes_the_balance_below_zero_and_a_reason_is_required(client, owner,
                                                                           alice):
    client.force_login(owner)
    refused = adjust(client, alice, direction="debit", amount="100.01")
    assert "does not cover" in refused.content.decode()
    missing = adjust(client, alice, direction="debit", amount="1", reason="  ")
    assert missing.status_code == 200
    assert not LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT).exists()
    assert adjust(client, alice, direction="debit", amount="100").status_code == 302
    entry = LedgerEntry.objects.get(kind=EntryKind.ADJUSTMENT)
    assert entry.amount == D("-100") and entry.balance_after == 0


def test_customers_cannot_reach_the_adjustment(client, alice, bob):
    client.force_login(alice)
    response = adjust(client, bob, amount="1000")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Wallet.objects.get(user=bob).balance == D("100")


def test_staff_may_look_at_providers_and_prices_but_only_admins_change_them(client, clerk,
                                                                           owner, upstream):
    provider, services, _, _ = upstream
    service = services["smm"]
    change = reverse("admin:provider_service_change", args=[service.pk])
    client.force_login(clerk)
    assert client.get(change).status_code == 200, "staff may look"
    assert client.post(change, {"price_override": "9"}).status_code == 403
    listing = client.get(reverse("admin:provider_service_changelist")).content.decode()
    assert 'name="form-0-enabled"' not in listing, "no switch to flip"
    provider_page = reverse("admin:provider_provider_change", args=[provider.pk])
    assert client.post(provider_page, {"name": "x"}).status_code == 403
    assert client.post(reverse("admin:panel_shopsettings_add"), {"name": "x"}).status_code == 403
    client.force_login(owner)
    listing = client.get(reverse("admin:provider_service_changelist")).content.decode()
    assert 'name="form-0-enabled"' in listing


@pytest.mark.parametrize("model", ["orders_wallet", "orders_ledgerentry", "orders_order"])
def test_nobody_deletes_wallets_ledger_entries_or_orders(admin_client, model, alice, upstream):
    provider, services, _, _ = upstream
    order = Order.objects.create(user=alice, provider=provider, service=services["smm"],
                                 quantity=1, unit_price=D("1"), charge=D("1"))
    row = {"orders_wallet": Wallet.objects.get(user=alice),
           "orders_ledgerentry": LedgerEntry.objects.filter(wallet__user=alice).first(),
           "orders_order": order}[model]
    listing = admin_client.get(reverse(f"admin:{model}_changelist")).content.decode()
    assert "delete_selected" not in listing
    delete = admin_client.post(reverse(f"admin:{model}_delete", args=[row.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert type(row).objects.filter(pk=row.pk).exists()
