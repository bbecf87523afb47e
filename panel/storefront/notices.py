"""The customer's notices (`panel.notifications`): the list, newest first, which marks what
it shows as read; one notice opened (from the list or its e-mail), which marks it read and
goes to its page; the bell's count, which htmx asks for every 30 s; and the e-mail switches
of the account page. A customer only ever reaches their own notices: anyone else's is a 404.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling

from panel import notifications
from panel.models import Notice
from panel.storefront.rendering import customer_required, page


@never_cache
@customer_required
def notice_list(request: HttpRequest) -> HttpResponse:
    shown = notifications.newest(request.user)
    fresh = {notice.pk for notice in shown if notice.read_at is None}
    if fresh:  # seen now; still marked "new" on this one page
        notifications.mark_read(request.user, list(fresh))
    return page(request, "notices/list.html", {"notices": shown, "fresh": fresh})


@never_cache
@customer_required
def notice_open(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = get_object_or_404(Notice.objects.only("id", "link"), pk=notice_id, user=request.user)
    notifications.mark_read(request.user, [notice.pk])
    # The link is the panel's own path; checked anyway, so a notice can never send anyone
    # to another site.
    safe = notice.link.startswith("/") and url_has_allowed_host_and_scheme(
        notice.link, allowed_hosts={request.get_host()}
    )
    return redirect(notice.link if safe else "notices")


@never_cache
@require_GET
def notice_count(request: HttpRequest) -> HttpResponse:
    """The bell, for htmx. Signed out (the session ended in another tab), polling stops
    instead of sending the page to sign in."""
    if not request.user.is_authenticated:
        return HttpResponseStopPolling()
    return render(
        request, "notices/_bell.html", {"unread_notices": notifications.unread_count(request.user)}
    )


@require_POST
@customer_required
def email_switches(request: HttpRequest) -> HttpResponse:
    notifications.set_email_switches(
        request.user,
        {name for name in notifications.EMAIL_SWITCH.values() if request.POST.get(name) == "on"},
    )
    messages.success(request, _("Your e-mail choices are saved."))
    return redirect("account")
