"""Admin for providers, the catalog and the pricing rules."""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from orders.numbers import LocalizedDecimalField
from panel import audit
from panel.admin_audit import AuditedAdmin
from panel.roles import AdminOnlyChanges
from provider.catalog_version import catalog_changed
from provider.client import ProviderError
from provider.models import (
    Category,
    PriceChange,
    PricingRule,
    Provider,
    Service,
    SmsCountry,
    SmsPrice,
    SmsProject,
)
from provider.pricing import override_refusal, plain
from provider.providers import read_balance, validate_key_for_url, validate_provider_url
from provider.repricing import reprice, set_services_markup


class ProviderForm(forms.ModelForm):
    api_key = forms.CharField(label=_("API key"),
                              widget=forms.PasswordInput(render_value=False), required=False,
                              help_text=_("Leave empty to keep the current key (only while the "
                                          "URL stays the same)."))

    class Meta:
        model = Provider
        fields = ["name", "api_url", "api_key", "timeout", "enabled", "currency",
                  "new_services_on_sale", "multi_status", "has_refill", "has_cancel",
                  "refill_days", "balance_alert_below"]

    def clean_api_url(self) -> str:
        url = self.cleaned_data["api_url"]
        validate_provider_url(url)
        return url

    def clean_api_key(self) -> str:
        key = self.cleaned_data["api_key"]
        if not key and not self.instance.pk:
            raise forms.ValidationError(_("An API key is required."))
        return key

    def clean(self) -> dict:
        cleaned = super().clean()
        url, key = cleaned.get("api_url"), cleaned.get("api_key")
        if url is not None and key is not None:
            try:
                validate_key_for_url(self.instance, url=url, key=key)
            except forms.ValidationError as exc:
                self.add_error("api_key", exc)
            else:
                cleaned["api_key"] = key or self.instance.api_key
        return cleaned


class RuleInline(admin.StackedInline):
    """The one pricing rule of a provider or a category, edited in place."""

    model = PricingRule
    fields = ["percent", "fixed", "min_price", "rounding", "step", "ending", "allow_below_cost"]
    extra = 0
    max_num = 1


class ProviderRuleInline(RuleInline):
    fk_name = "provider"
    verbose_name = _("provider markup")
    verbose_name_plural = _("provider markups")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(category=None, service=None)


@admin.register(Provider)
class ProviderAdmin(AdminOnlyChanges, AuditedAdmin, admin.ModelAdmin):
    form = ProviderForm
    audit_secret_fields = frozenset({"api_key"})
    list_display = ["name", "api_url", "enabled", "balance", "balance_checked_at",
                    "last_synced_at", "sync_problem", "balance_problem", "multi_status"]
    readonly_fields = ["balance", "balance_checked_at", "last_balance_error", "last_synced_at",
                       "last_sync_error"]
    inlines = [ProviderRuleInline]
    actions = ["test_connection"]

    @admin.display(description=_("last sync problem"))
    def sync_problem(self, provider: Provider) -> str:
        # The first line says what happened (failed, or how many rows were skipped); the
        # detail page lists the rows.
        return provider.last_sync_error.partition("\n")[0][:120] or "-"

    @admin.display(description=_("last balance problem"))
    def balance_problem(self, provider: Provider) -> str:
        return provider.last_balance_error[:120] or "-"

    @admin.action(description=_("Test connection (read the upstream balance)"))
    def test_connection(self, request: HttpRequest, queryset: QuerySet[Provider]) -> None:
        for provider in queryset:
            try:
                balance = read_balance(provider)
            except ProviderError as exc:
                self.message_user(request, f"{provider.name}: {exc}", messages.ERROR)
            else:
                self.message_user(
                    request, gettext("%(provider)s: connected, balance %(amount)s %(currency)s")
                    % {"provider": provider.name, "amount": balance.amount,
                       "currency": balance.currency}, messages.SUCCESS)

    def save_formset(self, request: HttpRequest, form: forms.Form, formset: object,
                     change: bool) -> None:
        super().save_formset(request, form, formset, change)
        reprice(form.instance.id)


class CategoryRuleInline(RuleInline):
    fk_name = "category"
    verbose_name = _("category markup")
    verbose_name_plural = _("category markups")


@admin.register(Category)
class CategoryAdmin(AdminOnlyChanges, AuditedAdmin, admin.ModelAdmin):
    list_display = ["__str__", "provider", "position"]
    list_filter = ["provider"]
    search_fields = ["name"]
    inlines = [CategoryRuleInline]

    def save_related(self, request: HttpRequest, form: forms.Form, formsets: list,
                     change: bool) -> None:
        super().save_related(request, form, formsets, change)
        reprice(form.instance.provider_id)
        catalog_changed()


class SetMarkupForm(forms.Form):
    percent = LocalizedDecimalField(label=_("Markup percent"), max_digits=9, decimal_places=3)
    allow_below_cost = forms.BooleanField(
        required=False, label=_("Allow below cost"),
        help_text=_("Needed for a negative markup: the services then sell at a loss."))


class ServiceForm(forms.ModelForm):
    def clean(self) -> dict:
        """A new override, or a withdrawn allowance, must not sell below cost. Checked only
        when one of them changes, so a service already under cost can still be switched off."""
        cleaned = super().clean()
        if {"price_override", "override_below_cost"} & set(self.changed_data):
            reason = override_refusal(cost=self.instance.rate,
                                      override=cleaned.get("price_override"),
                                      allowed=cleaned.get("override_below_cost", False))
            if reason:
                self.add_error("price_override", reason)
        return cleaned


class PriceChangeInline(admin.TabularInline):
    model = PriceChange
    fields = ["old_rate", "new_rate", "changed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Service)
class ServiceAdmin(AdminOnlyChanges, AuditedAdmin, admin.ModelAdmin):
    form = ServiceForm
    # These fit a 1280 px screen (long names cut); upstream id, type, override and stock are
    # on the service's page.
    list_display = ["id", "short_name", "provider", "rate", "sell_price", "margin", "enabled",
                    "available"]
    list_display_links = ["id", "short_name"]
    list_filter = ["provider", "entity_type", "enabled", "available", "auto_delivery"]
    list_editable = ["enabled"]
    search_fields = ["name", "custom_name", "upstream_id"]
    list_select_related = ["provider"]
    readonly_fields = ["provider", "upstream_id", "name", "upstream_description", "rate",
                       "sell_price", "available", "synced_at", "stock"]
    inlines = [PriceChangeInline]
    actions = ["set_markup"]

    readonly_fields = [*readonly_fields, "margin", "arabic_name"]

    @admin.display(description=_("upstream's Arabic name"))
    def arabic_name(self, service: Service) -> str:
        return service.name_ar

    @admin.display(description=_("name"), ordering="name")
    def short_name(self, service: Service) -> str:
        name = service.display_name
        return name if len(name) <= 60 else name[:59] + "…"

    @admin.display(description=_("margin"))
    def margin(self, service: Service) -> Decimal:
        return service.margin

    @admin.action(description=_("Set markup (a rule on each selected service)"))
    def set_markup(self, request: HttpRequest, queryset: QuerySet[Service]) -> HttpResponse | None:
        form = SetMarkupForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            percent = form.cleaned_data["percent"]
            try:
                moved = set_services_markup(
                    queryset.values_list("id", flat=True), percent=percent,
                    allow_below_cost=form.cleaned_data["allow_below_cost"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                audit.record(actor=request.user, action="services markup set",
                             after={"percent": percent, "services": list(
                                 queryset.values_list("id", flat=True)),
                                    "allow_below_cost": form.cleaned_data["allow_below_cost"]},
                             note=f"{moved} prices changed")
                self.message_user(request, _markup_report(queryset, percent, moved),
                                  messages.SUCCESS)
                return None
        return render(request, "admin/provider/set_markup.html",
                      {"form": form, "services": queryset, "opts": self.model._meta,
                       "action": "set_markup"})

    def save_model(self, request: HttpRequest, obj: Service, form: forms.Form,
                   change: bool) -> None:
        super().save_model(request, obj, form, change)
        reprice(obj.provider_id)
        catalog_changed()  # a name or the enabled switch changes the API's list too


def _markup_report(services: QuerySet[Service], percent: Decimal, moved: int) -> str:
    """What the action did, prices that did not move included (an override keeps its own)."""
    kept = services.exclude(price_override=None).count()
    report = gettext("Markup %(percent)s%% set on %(services)d services; %(moved)d prices "
                     "changed") % {"percent": plain(percent), "services": services.count(),
                                   "moved": moved}
    if kept:
        return report + " " + gettext("(%(kept)d keep their price override).") % {"kept": kept}
    return report + "."


@admin.register(PricingRule)
class PricingRuleAdmin(AdminOnlyChanges, AuditedAdmin, admin.ModelAdmin):
    list_display = ["scope", "percent", "fixed", "min_price", "rounding", "step", "ending",
                    "allow_below_cost"]
    raw_id_fields = ["service", "category"]

    def save_model(self, request: HttpRequest, obj: PricingRule, form: forms.Form,
                   change: bool) -> None:
        super().save_model(request, obj, form, change)
        reprice()

    def delete_model(self, request: HttpRequest, obj: PricingRule) -> None:
        super().delete_model(request, obj)
        reprice()


@admin.register(PriceChange)
class PriceChangeAdmin(admin.ModelAdmin):
    list_display = ["service", "old_rate", "new_rate", "changed_at"]
    list_select_related = ["service"]
    date_hierarchy = "changed_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SmsCountry)
class SmsCountryAdmin(AdminOnlyChanges, AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "code", "provider", "enabled"]
    list_editable = ["enabled"]
    list_filter = ["provider"]


@admin.register(SmsProject)
class SmsProjectAdmin(AdminOnlyChanges, AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "project_id", "provider", "enabled"]
    list_editable = ["enabled"]
    list_filter = ["provider"]
    search_fields = ["name"]


@admin.register(SmsPrice)
class SmsPriceAdmin(AdminOnlyChanges, AuditedAdmin, admin.ModelAdmin):
    list_display = ["project", "country", "cost", "sell_price", "available"]
    list_filter = ["country", "available"]
    list_select_related = ["project", "country"]
