"""Admin for orders, wallets and the ledger. The ledger is append-only."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from orders import staff
from orders.models import LedgerEntry, Order, OrderEvent, Wallet
from orders.states import State


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class LedgerEntryInline(ReadOnlyInline):
    model = LedgerEntry
    fk_name = "wallet"
    fields = ["created_at", "kind", "amount", "balance_after", "order", "reason", "created_by"]
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ["created_at", "action", "from_state", "to_state", "note", "actor"]
    readonly_fields = fields


class ConfirmResendForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand the upstream may already have this order and resending can "
        "place it twice.", required=True)


class UpstreamIdForm(forms.Form):
    upstream_id = forms.IntegerField(min_value=1, label="Upstream order id")


class FailForm(forms.Form):
    reason = forms.CharField(max_length=300, label="Reason (the customer sees it)")


class DeliverForm(forms.Form):
    accounts = forms.CharField(widget=forms.Textarea, label="Accounts, one per line")


def _one_by_one(queryset: QuerySet[Order], action: object) -> tuple[int, list[str]]:
    done, errors = 0, []
    for order in queryset:
        try:
            done += bool(action(order))
        except staff.StaffActionError as exc:
            errors.append(f"#{order.pk}: {exc}")
    return done, errors


class NearExpiryFilter(admin.SimpleListFilter):
    """SMS numbers still waiting for a code whose rental is about to end."""

    title = "SMS expiry"
    parameter_name = "expiry"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("soon", "active, expiring within 5 minutes"), ("past", "active, past expiry")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Order]) -> QuerySet[Order]:
        now = timezone.now()
        active = queryset.filter(kind="sms", state=State.PLACED)
        if self.value() == "soon":
            return active.filter(expires_at__gte=now, expires_at__lte=now + timedelta(minutes=5))
        if self.value() == "past":
            return active.filter(expires_at__lt=now)
        return queryset


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "kind", "service", "sms_project", "phone", "quantity",
                    "charge", "refunded", "state", "upstream_id", "upstream_status",
                    "status_unknown", "needs_staff", "auto_delivery", "expires_at", "created_at"]
    list_filter = ["state", "kind", NearExpiryFilter, "needs_staff", "status_unknown",
                   "auto_delivery", "provider"]
    search_fields = ["=id", "=upstream_id", "user__email", "link", "phone"]
    list_select_related = ["user", "service", "sms_project"]
    readonly_fields = [f.name for f in Order._meta.fields if f.name != "accounts"]
    exclude = ["accounts"]
    inlines = [OrderEventInline]
    actions = ["resend", "mark_placed", "fail_and_refund", "deliver", "mark_seen"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def _form_action(self, request: HttpRequest, queryset: QuerySet[Order], form_class: type,
                     title: str, run: object) -> HttpResponse | None:
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done, errors = _one_by_one(queryset, lambda order: run(order, form.cleaned_data))
            self.message_user(request, f"{title}: {done} order(s).", messages.SUCCESS)
            for error in errors:
                self.message_user(request, error, messages.ERROR)
            return None
        return render(request, "admin/orders/order_action.html", {
            "title": title, "form": form, "orders": queryset, "opts": self.model._meta,
            "action": request.POST.get("action")})

    @admin.action(description="Resend orders in review (may duplicate)")
    def resend(self, request: HttpRequest, queryset: QuerySet[Order]) -> HttpResponse | None:
        return self._form_action(
            request, queryset.filter(state=State.REVIEW), ConfirmResendForm, "Resend",
            lambda order, data: staff.resend(order.pk, actor=request.user,
                                             confirmed=data["confirm"]))

    @admin.action(description="Mark placed with an upstream order id")
    def mark_placed(self, request: HttpRequest, queryset: QuerySet[Order]) -> HttpResponse | None:
        return self._form_action(
            request, queryset.filter(state=State.REVIEW)[:1], UpstreamIdForm, "Mark placed",
            lambda order, data: staff.attach_upstream_id(order.pk, data["upstream_id"],
                                                         actor=request.user))

    @admin.action(description="Mark failed and refund")
    def fail_and_refund(self, request: HttpRequest,
                        queryset: QuerySet[Order]) -> HttpResponse | None:
        return self._form_action(
            request, queryset, FailForm, "Failed and refunded",
            lambda order, data: staff.fail_and_refund(order.pk, reason=data["reason"],
                                                      actor=request.user))

    @admin.action(description="Complete a manual delivery (paste accounts): in review or "
                  "delivered short only")
    def deliver(self, request: HttpRequest, queryset: QuerySet[Order]) -> HttpResponse | None:
        # Offered only where the upstream will no longer settle the order (never racing it).
        chosen = [order.pk for order in queryset[:1] if staff.can_deliver_manually(order)]
        if not chosen:
            self.message_user(request, staff.NOT_DELIVERABLE, messages.ERROR)
            return None
        return self._form_action(
            request, queryset.filter(pk__in=chosen), DeliverForm, "Delivered",
            lambda order, data: staff.deliver_manually(
                order.pk, data["accounts"].splitlines(), actor=request.user))

    @admin.action(description="Mark seen: clear the staff flag of settled orders")
    def mark_seen(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        done = sum(staff.mark_seen(order.pk, actor=request.user) for order in queryset)
        self.message_user(request, f"Marked seen: {done} order(s).", messages.SUCCESS)


@admin.register(Wallet)
class WalletAdmin(admin.ModelAdmin):
    list_display = ["user", "balance", "updated_at"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "balance"]
    inlines = [LedgerEntryInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "wallet", "kind", "amount", "balance_after", "order",
                    "reason", "created_by"]
    list_filter = ["kind"]
    search_fields = ["wallet__user__email", "reason"]
    list_select_related = ["wallet__user", "created_by", "order"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
