"""Who referred whom: each customer's referral code with its visit count, and the link
between a referred customer and their referrer, made once at sign-up and never changed."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ReferralCode(models.Model):
    """A customer's code in `/?ref=<code>`, made the first time they need it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="referral_code",
    )
    code = models.CharField(_("code"), max_length=16, unique=True)
    visits = models.PositiveIntegerField(
        _("visits"),
        default=0,
        help_text=_(
            "Browser sessions that opened the link (a reload in the same session counts once)."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("referral code")
        verbose_name_plural = _("referral codes")

    def __str__(self) -> str:
        return self.code


class Referral(models.Model):
    """`referred` signed up through `referrer`'s link. One per referred customer (the
    primary key's uniqueness decides between two racing sign-ups), never edited."""

    referred = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referred user"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="referral",
    )
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referrer"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(referrer=F("referred")), name="referral_not_self"),
        ]
        indexes = [models.Index(fields=["referrer", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.referred_id} by {self.referrer_id}"
