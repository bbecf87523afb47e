"""Providers (upstream panels) and the catalog synced from them."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from panel.crypto import EncryptedTextField
from provider.client import ProviderClient
from provider.pricing import Rule, markup_refusal

MONEY = {"max_digits": 18, "decimal_places": 6}
http_url = URLValidator(schemes=["http", "https"])


class Provider(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    api_url = models.CharField(_("API URL"), max_length=500, validators=[http_url])
    api_key = EncryptedTextField(_("API key"))
    timeout = models.FloatField(
        _("timeout"),
        default=20.0,
        validators=[MinValueValidator(0.1)],
        help_text=_("Seconds to wait for each upstream call."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    new_services_on_sale = models.BooleanField(
        _("new services on sale"),
        default=True,
        help_text=_(
            "Put newly synced services on sale at once; off: they wait, disabled, for an admin."
        ),
    )
    multi_status = models.BooleanField(
        _("multi status"),
        null=True,
        blank=True,
        help_text=_("Whether `status` takes `orders=1,2,...`; empty: detect at the next sync."),
    )
    has_refill = models.BooleanField(
        _("has refill"),
        null=True,
        blank=True,
        help_text=_(
            "Whether the provider has the `refill` action; empty: detect at the next sync."
        ),
    )
    has_cancel = models.BooleanField(
        _("has cancel"),
        null=True,
        blank=True,
        help_text=_(
            "Whether the provider has the `cancel` action; empty: detect at the next sync."
        ),
    )
    refill_days = models.PositiveSmallIntegerField(
        _("refill window (days)"), null=True, blank=True,
        help_text=_("Customers may ask for a refill this many days after an order completes "
        "(a service may set its own); empty: no limit from the panel, the provider's own "
        "rules still apply."))
    balance = models.DecimalField(_("balance"), **MONEY, null=True, blank=True, editable=False)
    balance_checked_at = models.DateTimeField(
        _("balance checked at"), null=True, blank=True, editable=False
    )
    balance_alert_below = models.DecimalField(
        _("balance alert below"),
        **MONEY,
        null=True,
        blank=True,
        help_text=_("Alert staff when the balance drops below this."),
    )
    last_balance_error = models.TextField(
        _("last balance error"),
        blank=True,
        editable=False,
        help_text=_("Why the last balance check failed; empty once a check succeeds."),
    )
    last_synced_at = models.DateTimeField(
        _("last synced at"), null=True, blank=True, editable=False
    )
    last_sync_error = models.TextField(_("last sync error"), blank=True, editable=False)
    # The last full sync's `services` answer, as a digest (provider.catalog_digest), and when
    # that sync ran; empty: the next sync runs in full.
    catalog_digest = models.CharField(
        _("catalog digest"), max_length=64, blank=True, default="", db_default="",
        editable=False)
    catalog_refreshed_at = models.DateTimeField(
        _("catalog refreshed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def client(self) -> ProviderClient:
        """A client for this provider's API; the caller closes it."""
        return ProviderClient(self.api_url, self.api_key, timeout=self.timeout,
                              allow_private=settings.PROVIDER_ALLOW_PRIVATE_URLS)


class Category(models.Model):
    """A category, or a subcategory when `parent` is set. `name` is the upstream's canonical
    (English) name, used as the key for filters."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.CASCADE, related_name="categories"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subcategories",
    )
    name = models.CharField(_("name"), max_length=200)
    # The upstream's Arabic name, for display only: filters and sync match on `name`
    # (provider.translated_names).
    # db_default: raw inserts (provider.bulk) that leave the column out still get "".
    name_ar = models.CharField(
        _("Arabic name"), max_length=200, blank=True, default="", db_default="", editable=False
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        ordering = ["position", "name"]
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["provider", "name"], condition=Q(parent=None),
                                    name="category_unique_top"),
            models.UniqueConstraint(fields=["provider", "parent", "name"],
                                    name="category_unique_sub"),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name

    def name_in(self, language: str) -> str:
        """The name to show a reader of `language`: the upstream's translation, or `name`."""
        return translated(self, language) or self.name


# The languages the upstream's names are kept in, and their columns (Category, Service).
NAME_COLUMNS = {"ar": "name_ar"}


def translated(row: object, language: str) -> str:
    """The upstream's name of `row` (an object or a `values()` dict) in `language`, or ""."""
    column = NAME_COLUMNS.get((language or "").split("-")[0])
    if column is None:
        return ""
    value = row.get(column) if isinstance(row, dict) else getattr(row, column, "")
    return value if isinstance(value, str) and value.strip() else ""


class EntityType(models.TextChoices):
    SMM = "smm", _("SMM service")
    PRODUCT = "product", _("Product")


class PriceUnit(models.IntegerChoices):
    PER_THOUSAND = 1000, _("per 1,000")
    PER_ITEM = 1, _("per item")


def service_on_sale(prefix: str = "") -> Q:
    """What "on sale" means for a service, the one definition every list and every order
    uses: switched on by the admin, still listed by the upstream, from an enabled provider,
    and priced. A cost or sell price of zero or less is an upstream's mistake (or a hostile
    answer), never a free offer: selling it would give the service away or charge nothing.
    `prefix` reaches the service through a relation (`"services__"`)."""
    return Q(**{f"{prefix}{name}": value for name, value in {
        "enabled": True, "available": True, "provider__enabled": True,
        "rate__gt": 0, "sell_price__gt": 0}.items()})


def sms_price_on_sale(prefix: str = "") -> Q:
    """What "on sale" means for an SMS number's price row (see `service_on_sale`)."""
    return Q(**{f"{prefix}{name}": value for name, value in {
        "available": True, "cost__gt": 0, "sell_price__gt": 0, "project__enabled": True,
        "country__enabled": True, "project__provider__enabled": True}.items()})


class ServiceQuerySet(models.QuerySet):
    def on_sale(self) -> "ServiceQuerySet":
        return self.filter(service_on_sale())


class SmsPriceQuerySet(models.QuerySet):
    def on_sale(self) -> "SmsPriceQuerySet":
        return self.filter(sms_price_on_sale())


class Service(models.Model):
    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="services"
    )
    upstream_id = models.BigIntegerField(_("upstream ID"))
    name = models.CharField(
        _("name"), max_length=300, help_text=_("The upstream's name, refreshed by sync.")
    )
    custom_name = models.CharField(
        _("custom name"),
        max_length=300,
        blank=True,
        help_text=_("Shown instead of the upstream's name; kept by sync."),
    )
    description = models.TextField(_("description"), blank=True, help_text=_("Kept by sync."))
    description_ar = models.TextField(
        _("description (Arabic)"), blank=True, default="", db_default="",
        help_text=_("Shown to readers of Arabic instead of the description; empty: the "
        "description. Kept by sync."))
    # The upstream's Arabic name, for display only (a plain column: sync inserts raw rows).
    name_ar = models.CharField(
        _("Arabic name"), max_length=300, blank=True, default="", db_default="", editable=False
    )
    upstream_description = models.TextField(_("upstream description"), blank=True, editable=False)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="services"
    )
    subcategory = models.ForeignKey(
        Category,
        verbose_name=_("subcategory"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sub_services",
    )
    type = models.CharField(_("type"), max_length=50, default="Default")
    entity_type = models.CharField(
        _("entity type"), max_length=10, choices=EntityType, default=EntityType.SMM
    )
    price_unit = models.PositiveIntegerField(
        _("price unit"), choices=PriceUnit, default=PriceUnit.PER_THOUSAND
    )
    rate = models.DecimalField(_("cost"), **MONEY,
                               help_text=_("The upstream's rate per price unit."))
    sell_price = models.DecimalField(
        _("sell price"),
        **MONEY,
        default=Decimal(0),
        help_text=_("Per price unit; follows the pricing rules."),
    )
    price_override = models.DecimalField(
        _("price override"),
        **MONEY,
        null=True,
        blank=True,
        help_text=_("A fixed sell price per unit; kept by sync."),
    )
    override_below_cost = models.BooleanField(
        _("allow override below cost"), default=False,
        help_text=_("Allow the price override under cost (a loss on each sale)."))
    min_quantity = models.PositiveIntegerField(_("minimum quantity"), default=1)
    max_quantity = models.PositiveIntegerField(_("maximum quantity"), default=1)
    refill = models.BooleanField(_("refill"), default=False)
    refill_days = models.PositiveSmallIntegerField(
        _("refill window (days)"), null=True, blank=True,
        help_text=_("Days after completion a customer may ask for a refill; empty: the "
        "provider's window."))
    cancel = models.BooleanField(_("cancel"), default=False)
    dripfeed = models.BooleanField(_("drip-feed"), default=False)
    stock = models.PositiveIntegerField(_("stock"), null=True, blank=True)
    auto_delivery = models.BooleanField(_("auto delivery"), default=True)
    enabled = models.BooleanField(
        _("enabled"), default=True, help_text=_("The admin's switch; kept by sync.")
    )
    available = models.BooleanField(
        _("available"),
        default=True,
        editable=False,
        help_text=_("Still listed by the upstream at the last sync."),
    )
    synced_at = models.DateTimeField(_("synced at"), null=True, blank=True, editable=False)
    # `provider.row_digest` of the upstream row last written here: a sync skips a row whose
    # digest it finds, unread (None: not written by a sync that kept one).
    sync_digest = models.BigIntegerField(_("sync digest"), null=True, blank=True, editable=False)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["category__position", "category__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "upstream_id"],
                                    name="service_unique_upstream"),
        ]
        indexes = [models.Index(fields=["enabled", "available"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.custom_name or self.name

    def name_in(self, language: str) -> str:
        """The name for a reader of `language`: the admin's own name first (written for the
        shop), then the upstream's translation, then its canonical name."""
        return self.custom_name or translated(self, language) or self.name

    def description_in(self, language: str) -> str:
        """The admin's description in `language` (Arabic has its own), falling back to the
        English one, then to the upstream's."""
        if language.split("-")[0] == "ar" and self.description_ar.strip():
            return self.description_ar
        return self.description or self.upstream_description

    @property
    def on_sale(self) -> bool:
        """`service_on_sale` for a row already loaded (its provider is read)."""
        return (self.enabled and self.available and self.provider.enabled
                and self.rate > 0 and self.sell_price > 0)

    @property
    def offers_refill(self) -> bool:
        """Refill as the panel can carry it out: the service has it and its provider has the
        `refill` action (HstockPlus has not). Reads the provider."""
        return self.refill and self.provider.has_refill is True

    @property
    def margin(self) -> Decimal:
        return self.sell_price - self.rate


class PriceChange(models.Model):
    """An upstream rate change seen by sync."""

    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="price_changes"
    )
    old_rate = models.DecimalField(_("old rate"), **MONEY)
    new_rate = models.DecimalField(_("new rate"), **MONEY)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("price change")
        verbose_name_plural = _("price changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.old_rate} -> {self.new_rate}"


class Rounding(models.TextChoices):
    UP_TO_STEP = "step", _("up to a multiple of the step")
    ENDING = "ending", _("up to the ending (e.g. .99)")


class PricingRule(models.Model):
    """A markup rule. Its scope is the most specific target set: a service, a category,
    a provider, or none of them (the global default). The most specific rule wins."""

    provider = models.ForeignKey(
        Provider,
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pricing_rules",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pricing_rules",
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pricing_rules",
    )
    percent = models.DecimalField(
        _("percent"),
        max_digits=9,
        decimal_places=3,
        default=Decimal(0),
        help_text=_("Markup on cost, in percent."),
    )
    fixed = models.DecimalField(
        _("fixed"),
        **MONEY,
        default=Decimal(0),
        help_text=_("Added after the percentage, per price unit."),
    )
    min_price = models.DecimalField(
        _("minimum price"),
        **MONEY,
        null=True,
        blank=True,
        help_text=_("Never sell below this per price unit."),
    )
    rounding = models.CharField(
        _("rounding"), max_length=10, choices=Rounding, default=Rounding.UP_TO_STEP
    )
    step = models.DecimalField(
        _("step"),
        **MONEY,
        default=Decimal("0.0001"),
        help_text=_("Rounding step (with 'step'), e.g. 0.01."),
    )
    ending = models.DecimalField(
        _("ending"),
        **MONEY,
        default=Decimal("0.99"),
        help_text=_("Fractional ending (with 'ending'), e.g. 0.99."),
    )
    allow_below_cost = models.BooleanField(
        _("allow below cost"),
        default=False,
        help_text=_("Allow a sell price under cost (a negative markup)."),
    )

    class Meta:
        verbose_name = _("pricing rule")
        verbose_name_plural = _("pricing rules")
        constraints = [
            # One rule per scope; NULLs are coalesced so the global default is unique too.
            models.UniqueConstraint(Coalesce("provider", Value(0)), Coalesce("category", Value(0)),
                                    Coalesce("service", Value(0)), name="rule_unique_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.scope}: {self.percent}% + {self.fixed}"

    def as_rule(self) -> Rule:
        return Rule(percent=self.percent, fixed=self.fixed, min_price=self.min_price,
                    rounding=self.rounding, step=self.step, ending=self.ending,
                    allow_below_cost=self.allow_below_cost)

    def clean(self) -> None:
        if reason := markup_refusal(self.as_rule()):
            raise ValidationError(reason, code="below_cost")

    @property
    def scope(self) -> str:
        if self.service_id:
            return f"service {self.service}"
        if self.category_id:
            return f"category {self.category}"
        if self.provider_id:
            return f"provider {self.provider}"
        return "global default"


class SmsCountry(models.Model):
    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.CASCADE, related_name="sms_countries"
    )
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=100)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("SMS country")
        verbose_name_plural = _("SMS countries")
        constraints = [models.UniqueConstraint(fields=["provider", "code"],
                                               name="smscountry_unique")]

    def __str__(self) -> str:
        return self.name


class SmsProject(models.Model):
    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.CASCADE, related_name="sms_projects"
    )
    project_id = models.CharField(_("project ID"), max_length=100)
    name = models.CharField(_("name"), max_length=200)
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name_plural = _("SMS projects")
        ordering = ["name"]
        verbose_name = _("SMS project")
        constraints = [models.UniqueConstraint(fields=["provider", "project_id"],
                                               name="smsproject_unique")]

    def __str__(self) -> str:
        return self.name


class SmsPrice(models.Model):
    """A project's price for one number in one country."""

    project = models.ForeignKey(
        SmsProject, verbose_name=_("project"), on_delete=models.CASCADE, related_name="prices"
    )
    country = models.ForeignKey(
        SmsCountry, verbose_name=_("country"), on_delete=models.CASCADE, related_name="prices"
    )
    cost = models.DecimalField(_("cost"), **MONEY)
    sell_price = models.DecimalField(_("sell price"), **MONEY, default=Decimal(0))
    available = models.BooleanField(_("available"), default=True)

    objects = SmsPriceQuerySet.as_manager()

    class Meta:
        verbose_name_plural = _("SMS prices")
        verbose_name = _("SMS price")
        constraints = [models.UniqueConstraint(fields=["project", "country"],
                                               name="smsprice_unique")]

    def __str__(self) -> str:
        return f"{self.project} in {self.country}: {self.sell_price}"
