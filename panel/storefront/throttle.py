"""Limits on sign-in attempts and on the e-mails an address can make the shop send.

Failed sign-ins are counted per client address and per account (the e-mail typed), in the
cache, in fixed windows (`LOGIN_FAILED_LIMIT_ADDRESS`, `LOGIN_FAILED_LIMIT_ACCOUNT`, e.g.
`10/15m`). Once either is used up, sign-in is refused before the password is even checked,
so guessing cannot go on from one address or against one account.
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import ngettext

from panel.ratelimit import Rate, client_address, exhausted, hit, parse_rate


def _address_rate() -> Rate:
    return parse_rate(settings.LOGIN_FAILED_LIMIT_ADDRESS)


def _account_rate() -> Rate:
    return parse_rate(settings.LOGIN_FAILED_LIMIT_ACCOUNT)


def _account(email: str) -> str:
    return email.strip().lower()


def sign_in_blocked(request: HttpRequest, email: str) -> int | None:
    """Seconds to wait when the address or the account has no failed sign-ins left."""
    waits = [exhausted("login-address", client_address(request), _address_rate()),
             exhausted("login-account", _account(email), _account_rate())]
    return max((w for w in waits if w), default=None)


def sign_in_failed(request: HttpRequest, email: str) -> None:
    hit("login-address", client_address(request), _address_rate())
    hit("login-account", _account(email), _account_rate())


def may_send_email(request: HttpRequest) -> bool:
    """Count one e-mail (sign-up, verification, password reset) for the client address;
    False once the address has had `ACCOUNT_EMAIL_LIMIT`."""
    rate = parse_rate(settings.ACCOUNT_EMAIL_LIMIT)
    return hit("account-email", client_address(request), rate) is None


def minutes(seconds: int) -> str:
    whole = max(1, round(seconds / 60))
    return ngettext("%(count)d minute", "%(count)d minutes", whole) % {"count": whole}
