"""The panel's user (customers, staff and admins alike sign in with their e-mail), the
database locks, and the shop's branding."""

from decimal import Decimal

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.cache import cache
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class EmailUserManager(UserManager):
    def _create_user(self, username, email, password, **extra_fields):  # type: ignore[no-untyped-def]
        email = self.normalize_email(email or username)
        return super()._create_user(email, email, password, **extra_fields)

    def create_user(self, email=None, password=None, **extra_fields):  # type: ignore[no-untyped-def]
        extra_fields.setdefault("username", email)
        return super().create_user(extra_fields.pop("username"), email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):  # type: ignore[no-untyped-def]
        extra_fields.setdefault("username", email)
        return super().create_superuser(extra_fields.pop("username"), email, password,
                                        **extra_fields)


class User(AbstractUser):
    email = models.EmailField(_("e-mail address"), unique=True)
    email_verified = models.BooleanField(_("e-mail verified"), default=False)
    api_key_hash = models.CharField(
        _("API key hash"), max_length=64, blank=True, db_index=True, editable=False
    )
    api_key_prefix = models.CharField(
        _("API key prefix"), max_length=12, blank=True, editable=False
    )
    # What the customer is e-mailed about (`panel.notifications`); the shop's notice list
    # records every event whatever these say.
    email_orders = models.BooleanField(_("e-mail when an order ends"), default=True)
    email_deposits = models.BooleanField(_("e-mail when a deposit is credited"), default=True)
    email_tickets = models.BooleanField(_("e-mail when staff answer a ticket"), default=True)
    language = models.CharField(
        _("language"), max_length=10, blank=True,
        help_text=_("The language the person last chose; their e-mails are written in it."))

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = EmailUserManager()

    class Meta(AbstractUser.Meta):
        # One account per address whatever its case: sign-in matches it case-insensitively,
        # so Alice@x and alice@x must never be two accounts. The database holds the rule,
        # so two sign-ups racing each other cannot both win.
        constraints = [
            models.UniqueConstraint(
                Lower("email"), name="panel_user_email_ci_unique",
                violation_error_message=_("An account with this e-mail already exists.")),
        ]

    def save(self, *args: object, **kwargs: object) -> None:
        # The e-mail is the login; `username` mirrors it for Django's admin and forms.
        self.username = self.email
        super().save(*args, **kwargs)


class Lock(models.Model):
    """A named lock shared by every process (web, workers, beat) through the database."""

    name = models.CharField(_("name"), max_length=100, primary_key=True)
    holder = models.CharField(_("holder"), max_length=64)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("lock")
        verbose_name_plural = _("locks")

    def __str__(self) -> str:
        return self.name


HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$",
                            _("A colour like #4f46e5 (# and six hex digits)."))


class ShopSettings(models.Model):
    """The shop's branding, one row, edited in the admin; read through `panel.branding`,
    which caches it. Saving drops the cached copy so every page shows the change at once."""

    CACHE_KEY = "panel:branding:v1"

    name = models.CharField(_("shop name"), max_length=80, default="Reseller Panel")
    logo = models.BinaryField(_("logo"), blank=True, default=b"", editable=False)
    logo_type = models.CharField(_("logo type"), max_length=20, blank=True, editable=False)
    primary_color = models.CharField(_("primary colour"), max_length=7, default="#4f46e5",
                                     validators=[HEX_COLOUR])
    support_email = models.EmailField(_("support e-mail"), blank=True)
    footer_text = models.CharField(_("footer text"), max_length=300, blank=True)
    currency_symbol = models.CharField(
        _("currency symbol"),
        max_length=8,
        default="$",
        help_text=_("Shown before every price and balance."),
    )
    commission_percent = models.DecimalField(
        _("affiliate commission (%)"), max_digits=4, decimal_places=2, default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(50))],
        help_text=_("Credited to a referrer's balance on what each customer they referred "
                    "paid for a finished order, net of refunds. 0 turns the affiliate program "
                    "off."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = _("shop settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commission_percent__gte=0, commission_percent__lte=50),
                name="shop_commission_percent_0_to_50"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.pk = 1  # a singleton
        super().save(*args, **kwargs)
        # Now for this process, and again after commit so a reader racing the transaction
        # cannot keep the old copy cached.
        cache.delete(self.CACHE_KEY)
        transaction.on_commit(lambda: cache.delete(self.CACHE_KEY))


class SubmittedForm(models.Model):
    """A storefront order form already submitted, by its one-time token: the same form sent
    again (a second tab, a double click, a resubmit) finds its order here instead of placing
    another. The token is the primary key, so two concurrent submissions cannot both insert
    it (`panel.storefront.once`)."""

    token = models.CharField(_("token"), max_length=64, primary_key=True)
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("submitted form")
        verbose_name_plural = _("submitted forms")

    def __str__(self) -> str:
        return self.token


class AuditEntry(models.Model):
    """One action by a person (staff or admin): who, when, what, and the values before and
    after. The ledger is the record of money; this is the record of people. Append-only."""

    actor = models.ForeignKey(
        "panel.User",
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_email = models.CharField(
        _("actor e-mail"),
        max_length=254,
        blank=True,
        help_text=_("Kept if the account is ever removed."),
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(_("target type"), max_length=80, blank=True)
    target_id = models.CharField(_("target ID"), max_length=64, blank=True, db_index=True)
    target_repr = models.CharField(_("target as shown"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        ordering = ["-created_at", "-id"]
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.actor_email or 'system'}: {self.action} {self.target_repr}"


class Incident(models.Model):
    """Something staff must hear about (a provider low on funds, orders stuck in review),
    alerted once when it opens and closed when the condition clears: the next time it
    happens is a new incident with a new alert. At most one open incident per key."""

    key = models.CharField(
        _("key"),
        max_length=120,
        help_text=_("What the incident is about, e.g. 'provider:3:low-balance'."),
    )
    title = models.CharField(_("title"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-opened_at", "-id"]
        constraints = [
            # Two workers seeing the same condition at once cannot both open (and alert) it.
            models.UniqueConstraint(fields=["key"], condition=models.Q(closed_at=None),
                                    name="incident_one_open_per_key"),
        ]

    def __str__(self) -> str:
        return self.title


class NoticeKind(models.TextChoices):
    ORDER = "order", _("Order finished")
    DEPOSIT = "deposit", _("Deposit credited")
    TICKET = "ticket", _("Ticket answered")


class Notice(models.Model):
    """Something a customer is told about (`panel.notifications`): an order ended, a deposit
    was credited, staff answered a ticket. Listed in the shop and, unless the customer
    switched it off, e-mailed. `params` holds what the sentence needs (amounts as strings),
    so the list renders in the reader's language without reading the order again."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=NoticeKind)
    object_id = models.PositiveBigIntegerField(
        _("object ID"), help_text=_("The order, the deposit, or the staff message of the ticket.")
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=200, help_text=_("The page it is about, a path."))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notice_user_newest"),
            models.Index(fields=["user"], condition=models.Q(read_at=None),
                         name="notice_user_unread"),
        ]
        constraints = [
            # A polling pass run twice, or a payment callback replayed, tells the customer
            # once: the database refuses the second notice, and so the second e-mail.
            models.UniqueConstraint(fields=["user", "kind", "object_id"],
                                    name="notice_once_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.object_id} for {self.user_id}"
