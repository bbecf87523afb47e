"""Who may work the queue, in one place."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from panel.storefront.rendering import customer_required


def can_work_queue(user: object) -> bool:
    """Staff act on orders and the queue (admins are staff too)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A visitor is sent to sign in (the whole page, even from htmx); a signed-in customer
    gets 403."""

    @customer_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not can_work_queue(request.user):
            raise PermissionDenied(_("Staff only."))
        return view(request, *args, **kwargs)

    return wrapper
