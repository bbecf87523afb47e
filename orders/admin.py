"""Admin for orders, wallets and the ledger. The ledger is append-only; nothing here can be
deleted by anyone. Each staff action on an order is an audit entry."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from orders import staff
from orders.models import LedgerEntry, Order, OrderEvent, Wallet
from orders.numbers import LocalizedIntegerField
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
        label=_("I understand the upstream may already have this order and resending can "
                "place it twice."), required=True)


class UpstreamIdForm(forms.Form):
    upstream_id = LocalizedIntegerField(min_value=1, label=_("Upstream order id"))


class FailForm(forms.Form):
    reason = forms.CharField(max_length=300, label=_("Reason (the customer sees it)"))


class DeliverForm(forms.Form):
    accounts = forms.CharField(widget=forms.Textarea, label=_("Accounts, one per line"))


def _one_by_one(queryset: QuerySet[Order], action: object) -> tuple[int, list[str]]:
    """Run a staff action on each order. The actions in `orders.staff` write their own audit
    entries, in the transaction of the change, so nothing is recorded here."""
    done, errors = 0, []
    for order in queryset:
        try:
            took = bool(action(order))
        except staff.StaffActionError as exc:
            errors.append(f"#{order.pk}: {exc}")
            continue
        done += took
    return done, errors


class NearExpiryFilter(admin.SimpleListFilter):
    """SMS numbers still waiting for a code whose rental is about to end."""

    title = _("SMS expiry")
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
    # Seven columns fit a 1280 px screen with the state in view; the rest is on the page.
    list_display = ["number", "state", "user", "item", "charge", "upstream_id", "created_at"]
    list_display_links = ["number"]
    list_filter = ["state", "kind", NearExpiryFilter, "needs_staff", "status_unknown",
                   "auto_delivery", "provider"]
    search_fields = ["=id", "=upstream_id", "user__email", "link", "phone"]
    list_select_related = ["user", "service", "sms_project"]
    readonly_fields = [f.name for f in Order._meta.fields if f.name != "accounts"] + ["margin"]
    exclude = ["accounts"]
    # What a person needs first: where the order is, whose, what, upstream, money.
    fieldsets = [
        (None, {"fields": ["state", "user", "service", "upstream_id", "upstream_status",
                           "error", "needs_staff", "status_unknown"]}),
        (_("Money"), {"fields": ["charge", "refunded", "upstream_charge", "upstream_currency",
                              "margin"]}),
        (_("What was ordered"), {"fields": ["kind", "link", "quantity", "unit_price",
                                         "price_unit", "start_count", "remains",
                                         "auto_delivery", "provider"]}),
        (_("SMS number"), {"classes": ["collapse"], "fields": [
            "sms_project", "sms_country", "phone", "sms_code", "sms_text", "expires_at",
            "batch"]}),
        (_("Timing and machinery"), {"classes": ["collapse"], "fields": [
            "created_at", "placed_at", "finished_at", "attempts", "next_attempt_at",
            "claimed_at", "last_checked_at", "next_check_at", "updated_at", "late_answer"]}),
    ]
    inlines = [OrderEventInline]
    actions = ["resend", "mark_placed", "fail_and_refund", "deliver", "mark_seen"]

    @admin.display(description=_("order"), ordering="id")
    def number(self, order: Order) -> str:
        return f"#{order.pk}"

    @admin.display(description=_("service or number"))
    def item(self, order: Order) -> str:
        if order.service_id:
            return str(order.service)[:60]
        return " ".join(filter(None, [str(order.sms_project or ""), order.phone]))[:60] or "-"

    @admin.display(description=_("margin"))
    def margin(self, order: Order) -> object:
        return order.margin if order.margin is not None else "-"

    def object_actions(self, order: Order) -> list[tuple[str, str]]:
        """The actions that fit this order, as buttons on its page."""
        found = []
        if order.state == State.REVIEW:
            found += [("mark_placed", "Mark placed (upstream id)"),
                      ("resend", "Resend (may duplicate)")]
        if order.state in (State.REVIEW, State.PROVIDER_FUNDS):
            found.append(("fail_and_refund", "Fail and refund"))
        if staff.can_deliver_manually(order):
            found.append(("deliver", "Deliver by hand"))
        if order.needs_staff:
            found.append(("mark_seen", "Mark seen"))
        return found

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict | None = None) -> HttpResponse:
        order = self.get_object(request, object_id)
        buttons = self.object_actions(order) if order is not None else []
        return super().change_view(request, object_id, form_url,
                                   {**(extra_context or {}), "object_actions": buttons})

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def _form_action(self, request: HttpRequest, queryset: QuerySet[Order], form_class: type,
                     title: str | Promise, run: object) -> HttpResponse | None:
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done, errors = _one_by_one(queryset, lambda order: run(order, form.cleaned_data))
            self.message_user(request, ngettext("%(title)s: %(count)d order.",
                                                "%(title)s: %(count)d orders.", done)
                              % {"title": title, "count": done}, messages.SUCCESS)
            for error in errors:
                self.message_user(request, error, messages.ERROR)
            return None
        return render(request, "admin/orders/order_action.html", {
            "title": title, "form": form, "orders": queryset, "opts": self.model._meta,
            "action": request.POST.get("action")})

    @admin.action(description=_("Resend orders in review (may duplicate)"), permissions=["change"])
    def resend(self, request: HttpRequest, queryset: QuerySet[Order]) -> HttpResponse | None:
        return self._form_action(
            request, queryset.filter(state=State.REVIEW), ConfirmResendForm, _("Resend"),
            lambda order, data: staff.resend(order.pk, actor=request.user,
                                             confirmed=data["confirm"]))

    @admin.action(description=_("Mark placed with an upstream order id"), permissions=["change"])
    def mark_placed(self, request: HttpRequest, queryset: QuerySet[Order]) -> HttpResponse | None:
        return self._form_action(
            request, queryset.filter(state=State.REVIEW)[:1], UpstreamIdForm, _("Mark placed"),
            lambda order, data: staff.attach_upstream_id(order.pk, data["upstream_id"],
                                                         actor=request.user))

    @admin.action(description=_("Mark failed and refund"), permissions=["change"])
    def fail_and_refund(self, request: HttpRequest,
                        queryset: QuerySet[Order]) -> HttpResponse | None:
        return self._form_action(
            request, queryset, FailForm, _("Failed and refunded"),
            lambda order, data: staff.fail_and_refund(order.pk, reason=data["reason"],
                                                      actor=request.user))

    @admin.action(description=_("Complete a manual delivery (paste accounts): in review or "
                  "delivered short only"), permissions=["change"])
    def deliver(self, request: HttpRequest, queryset: QuerySet[Order]) -> HttpResponse | None:
        # Offered only where the upstream will no longer settle the order (never racing it).
        chosen = [order.pk for order in queryset[:1] if staff.can_deliver_manually(order)]
        if not chosen:
            self.message_user(request, gettext(staff.NOT_DELIVERABLE), messages.ERROR)
            return None
        return self._form_action(
            request, queryset.filter(pk__in=chosen), DeliverForm, _("Delivered"),
            lambda order, data: staff.deliver_manually(
                order.pk, data["accounts"].splitlines(), actor=request.user))

    @admin.action(description=_("Mark seen: clear the staff flag of settled orders"),
                  permissions=["change"])
    def mark_seen(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        done, _ = _one_by_one(queryset,
                              lambda order: staff.mark_seen(order.pk, actor=request.user))
        self.message_user(request, ngettext("Marked seen: %(count)d order.",
                                           "Marked seen: %(count)d orders.", done)
                          % {"count": done},
                          messages.SUCCESS)


@admin.register(Wallet)
class WalletAdmin(admin.ModelAdmin):
    list_display = ["user", "balance", "updated_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    fields = ["user", "balance", "links"]
    readonly_fields = fields
    inlines = [LedgerEntryInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # a balance moves only through the ledger ("Adjust balance")

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("see also"))
    def links(self, wallet: Wallet) -> str:
        return format_html(
            '<a href="{}">customer</a> · <a href="{}">ledger</a> · <a href="{}">orders</a> · '
            '<a class="button" href="{}">Adjust balance</a>',
            reverse("admin:panel_user_change", args=[wallet.user_id]),
            reverse("admin:orders_ledgerentry_changelist") + f"?wallet__id__exact={wallet.pk}",
            reverse("admin:orders_order_changelist") + f"?user__id__exact={wallet.user_id}",
            reverse("admin:panel_user_adjust_balance", args=[wallet.user_id]))


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
