"""Payment methods, bonus tiers and deposits in the admin. Deposits are read-only here:
money moves only through the processors' verified statuses and the staff decisions
(/staff/deposits/), each of which writes its ledger entry."""

from django.contrib import admin

from payments.models import BonusTier, Deposit, PaymentMethod


@admin.register(PaymentMethod)
class PaymentMethodAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "enabled", "min_amount", "max_amount", "bonus_percent",
                    "display_order"]
    list_editable = ["enabled", "display_order"]


@admin.register(BonusTier)
class BonusTierAdmin(admin.ModelAdmin):
    list_display = ["threshold", "percent"]


@admin.register(Deposit)
class DepositAdmin(admin.ModelAdmin):
    list_display = ["reference", "user", "method", "amount", "state", "credited", "bonus",
                    "needs_staff", "created_at"]
    list_filter = ["state", "needs_staff", "method"]
    search_fields = ["reference", "payment_id", "user__email"]
    list_select_related = ["user", "method"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        editable = {"needs_staff", "staff_note"}
        return [f.name for f in self.model._meta.fields if f.name not in editable]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
