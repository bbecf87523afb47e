"""E-mail verification: a signed link (django.core.signing) proves the customer reads the
address they signed up with. Unverified customers can browse, but not order.

The token carries the user's id and e-mail, so a link stops working if the address changes;
it expires after `EMAIL_VERIFY_MAX_AGE` seconds.
"""

from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from orders.placing import PlacementError
from panel import branding, language, mail
from panel.models import User

SALT = "panel.storefront.verify-email"
NOT_VERIFIED = gettext_lazy(
    "Confirm your e-mail address before your first order: use the link we sent you.")


def make_token(user: User) -> str:
    return signing.dumps({"id": user.pk, "email": user.email.lower()}, salt=SALT)


def user_for_token(token: str) -> User | None:
    """The user a valid, unexpired token was made for, or None."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.EMAIL_VERIFY_MAX_AGE)
    except signing.BadSignature:  # tampered or expired (SignatureExpired is a subclass)
        return None
    user = User.objects.filter(pk=data.get("id"), is_active=True).first()
    if user is None or user.email.lower() != data.get("email"):
        return None
    return user


def verify(token: str) -> User | None:
    """Mark the token's user verified; returns them, or None for a bad link."""
    user = user_for_token(token)
    if user is not None and not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
    return user


def send_link(request: HttpRequest, user: User) -> None:
    """E-mail `user` their verification link, in the shop's name."""
    shop = branding.current()
    url = request.build_absolute_uri(reverse("verify_email", args=[make_token(user)]))
    context = {"shop": shop, "user": user, "url": url,
               "days": settings.EMAIL_VERIFY_MAX_AGE // 86400}
    with language.for_user(user):
        subject = gettext("Confirm your e-mail for %(shop)s") % {"shop": shop.name}
        body = render_to_string("accounts/email/verify.txt", context)
    mail.send(subject, body, [user.email], from_email=branding.sender())


def require_verified(user: User) -> None:
    """Refuse an order from a customer who has not confirmed their e-mail."""
    if not user.email_verified:
        raise PlacementError(str(NOT_VERIFIED), field="email")
