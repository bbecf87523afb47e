"""A visit through a referral link (`/?ref=<code>`, on any storefront page): counted once per
browser session, and remembered in a cookie for 30 days so that a sign-up in that time is
linked to the referrer (`panel.storefront.accounts.sign_up`)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from affiliates.referrals import clean_code, record_visit

COOKIE = "ref"
COOKIE_AGE = 30 * 24 * 3600
SESSION_KEY = "referral_codes_seen"
SEEN_LIMIT = 20  # codes remembered per session; more is someone playing


class ReferralVisits:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        code = clean_code(request.GET.get("ref")) if request.method == "GET" else ""
        known = bool(code) and _count_once(request, code)
        response = self.get_response(request)
        if known and not request.user.is_authenticated:
            response.set_cookie(
                COOKIE,
                code,
                max_age=COOKIE_AGE,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response


def _count_once(request: HttpRequest, code: str) -> bool:
    """Whether `code` is a live code of someone else; counted on its first visit in this
    browser session only, so reloads and back-and-forth do not inflate the figure."""
    seen = request.session.get(SESSION_KEY, [])
    if code in seen:
        return True
    visitor = request.user if request.user.is_authenticated else None
    if not record_visit(code, visitor=visitor):
        return False
    if len(seen) < SEEN_LIMIT:
        request.session[SESSION_KEY] = [*seen, code]
    return True
