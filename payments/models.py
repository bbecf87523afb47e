"""Payment methods (as an admin sets them up), bonus tiers, and deposits with their states."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 18, "decimal_places": 4}


class MethodKind(models.TextChoices):
    TESTPAY = "testpay", _("Test gateway")
    NOWPAYMENTS = "nowpayments", "NOWPayments"
    CRYPTOMUS = "cryptomus", "Cryptomus"
    HELEKET = "heleket", "Heleket"
    MANUAL = "manual", _("Manual (staff confirm)")


class PaymentMethod(models.Model):
    """One way to pay. A processor's row appears by itself once the processor is configured
    in the environment; manual methods are added here by an admin."""

    kind = models.CharField(_("kind"), max_length=20, choices=MethodKind)
    name = models.CharField(_("name"), max_length=80)
    enabled = models.BooleanField(_("enabled"), default=True)
    min_amount = models.DecimalField(_("minimum amount"), **MONEY, default=Decimal(1))
    max_amount = models.DecimalField(
        _("maximum amount"), **MONEY, null=True, blank=True, help_text=_("Empty: no maximum.")
    )
    bonus_percent = models.DecimalField(
        _("bonus percent"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(0),
        help_text=_(
            "Added as a bonus entry on every paid deposit by this method (on top of bonus tiers)."
        ),
    )
    display_order = models.PositiveIntegerField(_("display order"), default=100)
    instructions = models.TextField(
        _("instructions"),
        blank=True,
        help_text=_(
            "Manual methods: how to pay (bank "
            "details, a wallet address). The deposit's reference is "
            "shown beside it."
        ),
    )

    class Meta:
        verbose_name = _("payment method")
        verbose_name_plural = _("payment methods")
        ordering = ["display_order", "name", "id"]
        constraints = [
            # One row per processor; any number of manual methods.
            models.UniqueConstraint(fields=["kind"], condition=~Q(kind="manual"),
                                    name="payments_one_row_per_processor"),
            models.CheckConstraint(condition=Q(min_amount__gt=0), name="payments_min_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the reader's language: a processor's row still named as it was made
        (its kind's English label) reads in the active language; a name an admin wrote is
        shown as written."""
        label = MethodKind(self.kind).label if self.kind in MethodKind.values else None
        if label is not None and not self.is_manual:
            with translation.override(settings.LANGUAGE_CODE):
                english = str(label)
            if self.name == english:
                return str(label)
        return self.name

    @property
    def is_manual(self) -> bool:
        return self.kind == MethodKind.MANUAL


class BonusTier(models.Model):
    """From `threshold` up, a paid deposit earns `percent` more as a separate bonus entry."""

    threshold = models.DecimalField(_("threshold"), **MONEY, unique=True)
    percent = models.DecimalField(_("percent"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("bonus tier")
        verbose_name_plural = _("bonus tiers")
        ordering = ["threshold"]
        constraints = [models.CheckConstraint(condition=Q(percent__gt=0, threshold__gt=0),
                                              name="payments_bonus_positive")]

    def __str__(self) -> str:
        return f"+{self.percent}% from {self.threshold}"


class DepositState(models.TextChoices):
    CREATED = "created", _("Created")
    WAITING = "waiting", _("Waiting for payment")
    CONFIRMING = "confirming", _("Confirming")
    PAID = "paid", _("Paid")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")
    SUBMITTED = "submitted", _("Submitted, awaiting staff")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


FINAL_STATES = frozenset({DepositState.PAID, DepositState.PARTIALLY_PAID, DepositState.FAILED,
                          DepositState.EXPIRED, DepositState.APPROVED, DepositState.REJECTED})
# How far along a deposit is: a callback may only move it forward (reordered ones are stale).
PROGRESS = {DepositState.CREATED: 0, DepositState.WAITING: 1, DepositState.CONFIRMING: 2,
            DepositState.SUBMITTED: 2}


class Deposit(models.Model):
    """One attempt to add funds. Only a verified, final payment credits the wallet, through
    exactly one top-up ledger entry linked here (a unique constraint on the ledger)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="deposits",
    )
    method = models.ForeignKey(
        PaymentMethod, verbose_name=_("method"), on_delete=models.PROTECT, related_name="deposits"
    )
    amount = models.DecimalField(
        _("amount"), **MONEY, help_text=_("Asked for, in the panel's currency.")
    )
    currency = models.CharField(_("currency"), max_length=10)
    reference = models.CharField(
        _("reference"),
        max_length=40,
        unique=True,
        help_text=_(
            "Ours: the processor's order id, or the reference a "
            "customer writes on a manual transfer."
        ),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=DepositState, default=DepositState.CREATED, db_index=True
    )
    payment_id = models.CharField(
        _("payment ID"),
        max_length=100,
        blank=True,
        help_text=_("The processor's id of the invoice it made."),
    )
    processor_payment_id = models.CharField(
        _("processor payment ID"),
        max_length=100,
        blank=True,
        help_text=_(
            "The processor's id of the payment, when it has "
            "one apart from the invoice (NOWPayments), learned from its first verified status."
        ),
    )
    checkout_url = models.URLField(_("checkout URL"), max_length=2000, blank=True)
    processor_status = models.CharField(
        _("processor status"),
        max_length=40,
        blank=True,
        help_text=_("The processor's last word, as sent."),
    )
    received = models.DecimalField(
        _("received"),
        **MONEY,
        null=True,
        blank=True,
        help_text=_("What the processor says arrived, in the panel's currency."),
    )
    credited = models.DecimalField(_("credited"), **MONEY, default=Decimal(0))
    bonus = models.DecimalField(_("bonus"), **MONEY, default=Decimal(0))
    needs_staff = models.BooleanField(
        _("needs staff"),
        default=False,
        db_index=True,
        help_text=_("A person should look: more was paid than asked, or a late status."),
    )
    staff_note = models.TextField(_("staff note"), blank=True)
    customer_note = models.CharField(_("customer note"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("deposit")
        verbose_name_plural = _("deposits")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0),
                                              name="deposit_amount_positive")]

    def __str__(self) -> str:
        return f"Deposit {self.reference} ({self.get_state_display()})"

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def is_live(self) -> bool:
        """Its page should ask again for its state: it is open and something other than the
        customer may change it (never a manual deposit waiting for the customer's own form)."""
        return not self.is_final and self.state != DepositState.CREATED

    @property
    def tone(self) -> str:
        """The badge colour pages show the state in."""
        return TONES.get(self.state, "wait")


TONES = {DepositState.PAID: "ok", DepositState.APPROVED: "ok", DepositState.PARTIALLY_PAID: "warn",
         DepositState.FAILED: "bad", DepositState.EXPIRED: "bad", DepositState.REJECTED: "bad",
         DepositState.CONFIRMING: "live", DepositState.SUBMITTED: "live"}
