"""Who may do what in the staff workspace: the one place the roles are decided.

Two roles, each a Django group created by a migration (`panel/migrations/0006_roles_and_incidents`):
staff act on orders and the delivery queue; admins also change prices, providers, branding
and balances above `STAFF_BALANCE_ADJUST_LIMIT`, and see the owner's dashboard. A superuser
is an admin. Both need `is_staff` (the admin site's door) and an active account.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings

ADMIN_GROUP = "Admin"
STAFF_GROUP = "Staff"


def _in_group(user: Any, name: str) -> bool:
    return user.groups.filter(name=name).exists()


def is_admin(user: Any) -> bool:
    """An active staff account that is a superuser or in the Admin group."""
    if not (getattr(user, "is_active", False) and getattr(user, "is_staff", False)):
        return False
    return bool(user.is_superuser) or _in_group(user, ADMIN_GROUP)


def is_staff_member(user: Any) -> bool:
    """Staff or admin: an active account allowed into the admin site."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_staff", False))


def balance_adjust_limit() -> Decimal:
    return Decimal(str(settings.STAFF_BALANCE_ADJUST_LIMIT))


def can_adjust_balance(user: Any, amount: Decimal) -> bool:
    """Admins adjust any amount; staff up to the limit either way (a credit or a debit)."""
    if is_admin(user):
        return True
    return is_staff_member(user) and abs(amount) <= balance_adjust_limit()


class AdminOnlyChanges:
    """A ModelAdmin mixin: staff may look, only admins add, change or delete (prices,
    providers, branding). Whatever permissions an account was given by hand."""

    def has_add_permission(self, request: Any, *args: Any) -> bool:
        return is_admin(request.user) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return is_admin(request.user) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return is_admin(request.user) and super().has_delete_permission(request, obj)  # type: ignore[misc]
