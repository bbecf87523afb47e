"""Referrals in the admin: looked at, never edited (a link is made once, at sign-up)."""

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from affiliates.models import Referral, ReferralCode
from panel.admin import ReadOnlyAdmin


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ["referred", "referrer", "created_at"]
    search_fields = ["referred__email", "referrer__email"]
    list_select_related = ["referred", "referrer"]
    date_hierarchy = "created_at"
    fields = readonly_fields = ["referred", "referrer", "created_at"]


@admin.register(ReferralCode)
class ReferralCodeAdmin(ReadOnlyAdmin):
    list_display = ["user", "code", "visits", "signups", "created_at"]
    search_fields = ["user__email", "code"]
    list_select_related = ["user"]
    fields = readonly_fields = ["user", "code", "visits", "created_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(signup_count=Count("user__referrals"))

    @admin.display(description=_("sign-ups"), ordering="signup_count")
    def signups(self, row: ReferralCode) -> int:
        return row.signup_count  # type: ignore[attr-defined]
