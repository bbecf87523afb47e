"""The admin site: people (with their money), branding, the audit log and incidents.
Titled with the shop's name; who may change what is decided in `panel.roles`."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from orders import ledger
from orders.models import Wallet
from orders.money import plain
from orders.numbers import LocalizedDecimalField
from panel import branding, roles
from panel.admin_audit import AuditedAdmin
from panel.models import AuditEntry, Incident, ShopSettings, User
from panel.storefront.forms import ThrottledSignIn


class AdminSignInForm(ThrottledSignIn, AdminAuthenticationForm):
    """The admin's sign-in, under the storefront's limits on failed attempts (the same
    counters: guessing cannot move from one door to the other)."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "throttled": _("Too many failed sign-ins. Try again in %(wait)s."),
    }


admin.site.login_form = AdminSignInForm
# The shop's name, read at each page (branding is cached): a rename shows at once.
_shop_name = lazy(lambda: branding.current().name, str)
admin.site.site_header = _shop_name()
admin.site.site_title = lazy(
    lambda: gettext("%(shop)s admin") % {"shop": branding.current().name}, str)()
admin.site.index_title = _("Staff workspace")


class AdjustBalanceForm(forms.Form):
    direction = forms.ChoiceField(label=_("Direction"),
                                  choices=[("credit", _("Credit (add to the balance)")),
                                           ("debit", _("Debit (take from the balance)"))],
                                  widget=forms.RadioSelect)
    amount = LocalizedDecimalField(label=_("Amount"), max_digits=18, decimal_places=4,
                                   min_value=Decimal("0.0001"))
    reason = forms.CharField(label=_("Reason"), max_length=300,
                             help_text=_("Kept in the ledger and the audit log; the customer "
                                         "sees it in their wallet."))

    def signed_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        return amount if self.cleaned_data["direction"] == "credit" else -amount


@admin.register(User)
class PanelUserAdmin(roles.AdminOnlyChanges, AuditedAdmin, UserAdmin):
    list_display = ["email", "is_active", "email_verified", "is_staff", "date_joined"]
    search_fields = ["email"]
    ordering = ["email"]
    readonly_fields = ["money"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Money"), {"fields": ["money"]}),
        (_("Status"), {"fields": ["is_active", "email_verified", "is_staff", "is_superuser",
                               "groups", "user_permissions"]}),
        (_("E-mails the customer gets"), {"fields": ["email_orders", "email_deposits",
                                                   "email_tickets"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # their orders and ledger keep pointing at them

    @admin.display(description=_("balance"))
    def money(self, user: User) -> str:
        if not user.pk:
            return "-"
        wallet = Wallet.objects.filter(user=user).first()  # looking creates nothing
        adjust = reverse("admin:panel_user_adjust_balance", args=[user.pk])
        orders = reverse("admin:orders_order_changelist") + f"?user__id__exact={user.pk}"
        if wallet is None:
            return format_html('no wallet yet · <a href="{}">orders</a> · '
                               '<a class="button" href="{}">Adjust balance</a>', orders, adjust)
        return format_html(
            '{} · <a href="{}">wallet</a> · <a href="{}">ledger</a> · <a href="{}">orders</a>'
            ' · <a class="button" href="{}">Adjust balance</a>', wallet.balance,
            reverse("admin:orders_wallet_change", args=[wallet.pk]),
            reverse("admin:orders_ledgerentry_changelist") + f"?wallet__id__exact={wallet.pk}",
            orders, adjust)

    def get_urls(self) -> list:
        return [path("<int:user_id>/adjust-balance/",
                     self.admin_site.admin_view(self.adjust_balance),
                     name="panel_user_adjust_balance"), *super().get_urls()]

    def adjust_balance(self, request: HttpRequest, user_id: int) -> HttpResponse:
        """Credit or debit the customer's wallet: one adjustment entry by the acting staff
        member, never below zero, above the staff limit only for admins."""
        customer = get_object_or_404(User, pk=user_id)
        if not roles.is_staff_member(request.user) or not self.has_view_permission(request):
            raise PermissionDenied
        form = AdjustBalanceForm(request.POST or None)
        if form.is_valid():
            amount = form.signed_amount()
            if not roles.can_adjust_balance(request.user, amount):
                form.add_error("amount", gettext("Staff may adjust at most %(limit)s at once; "
                                                 "ask an admin.")
                               % {"limit": roles.balance_adjust_limit()})
            else:
                try:
                    with transaction.atomic():
                        entry = ledger.adjust_balance(customer, amount, actor=request.user,
                                                      reason=form.cleaned_data["reason"])
                except (ledger.InsufficientFunds, ledger.AdjustmentRefused) as exc:
                    form.add_error(None, str(exc) if isinstance(exc, ledger.AdjustmentRefused)
                                   else gettext("The balance does not cover this debit; "
                                                "nothing changed."))
                else:
                    self.message_user(request, gettext("Balance of %(email)s is now %(amount)s.")
                                      % {"email": customer.email,
                                         "amount": plain(entry.balance_after)},
                                      messages.SUCCESS)
                    return redirect("admin:panel_user_change", customer.pk)
        return render(request, "admin/panel/user/adjust_balance.html", {
            **self.admin_site.each_context(request), "form": form, "customer": customer,
            "balance": Wallet.objects.filter(user=customer).values_list(
                "balance", flat=True).first() or Decimal(0), "opts": self.model._meta,
            "title": gettext("Adjust the balance of %(email)s") % {"email": customer.email},
            "limit": None if roles.is_admin(request.user) else roles.balance_adjust_limit()})


class ShopSettingsForm(forms.ModelForm):
    logo_file = forms.FileField(
        label=_("Logo"), required=False,
        help_text=_("PNG, JPEG, GIF or WebP, up to 512 KB; shown about 32 px high in the "
                    "header."))
    remove_logo = forms.BooleanField(label=_("Remove logo"), required=False,
                                     help_text=_("Show the shop name only."))

    class Meta:
        model = ShopSettings
        fields = ["name", "primary_color", "support_email", "footer_text", "currency_symbol",
                  "commission_percent"]
        widgets = {"primary_color": forms.TextInput(attrs={"type": "color"})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        code = settings.PANEL_CURRENCY
        self.fields["currency_symbol"].help_text = _(
            "Only the sign shown with every price and balance in the shop. The amounts are "
            "in %(code)s (the PANEL_CURRENCY setting, which the API reports); changing the sign "
            "converts nothing, so it must stand for %(code)s.") % {"code": code}
        # Empty reads as 0 (no affiliate program); a form that does not send the field at
        # all (an older page, a script) leaves the rate as it is.
        self.fields["commission_percent"].required = False
        if self.is_bound and "commission_percent" not in self.data:
            self.data = self.data.copy()
            self.data["commission_percent"] = str(self.instance.commission_percent)

    def clean_currency_symbol(self) -> str:
        symbol = self.cleaned_data["currency_symbol"].strip()
        if problem := branding.symbol_mismatch(symbol, settings.PANEL_CURRENCY):
            raise forms.ValidationError(problem)
        return symbol

    def clean_commission_percent(self) -> Decimal:
        return self.cleaned_data.get("commission_percent") or Decimal(0)

    def clean_logo_file(self) -> tuple[bytes, str] | None:
        upload = self.cleaned_data.get("logo_file")
        if not upload:
            return None
        if upload.size > branding.MAX_LOGO_BYTES:
            raise forms.ValidationError(_("The logo must be 512 KB or smaller."))
        data = upload.read()
        kind = branding.sniff_image(data)
        if kind is None:
            raise forms.ValidationError(_("The logo must be a PNG, JPEG, GIF or WebP image."))
        return data, kind

    def save(self, commit: bool = True) -> ShopSettings:
        row = super().save(commit=False)
        if self.cleaned_data.get("remove_logo"):
            row.logo, row.logo_type = b"", ""
        if upload := self.cleaned_data.get("logo_file"):
            row.logo, row.logo_type = upload
        if commit:
            row.save()
        return row


@admin.register(ShopSettings)
class ShopSettingsAdmin(roles.AdminOnlyChanges, AuditedAdmin, admin.ModelAdmin):
    """One row: the list opens it; it can be changed, never added twice or deleted."""

    form = ShopSettingsForm
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not ShopSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None
                        ) -> HttpResponse:
        row, _ = ShopSettings.objects.get_or_create(pk=1)
        return redirect("admin:panel_shopsettings_change", row.pk)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the panel itself: looked at, searched, never added, changed or
    deleted by anyone."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_email", "action", "target_repr", "note"]
    list_filter = ["action", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["actor_email", "action", "target_repr", "target_id", "note"]
    date_hierarchy = "created_at"
    fields = ["created_at", "actor", "actor_email", "action", "target_type", "target_id",
              "target_repr", "before", "after", "note"]
    readonly_fields = fields


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ["opened_at", "title", "closed_at"]
    list_filter = [("closed_at", admin.EmptyFieldListFilter)]
    search_fields = ["key", "title"]
    fields = ["key", "title", "detail", "opened_at", "closed_at"]
    readonly_fields = fields
