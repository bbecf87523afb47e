"""Customer wallets, the append-only ledger, and orders."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orders.states import State
from panel.crypto import EncryptedTextField

MONEY = {"max_digits": 18, "decimal_places": 4}
RATE = {"max_digits": 18, "decimal_places": 6}


class Wallet(models.Model):
    """A customer's balance: a cached sum of the ledger, updated in the same transaction
    as each entry, and never negative (the database refuses it)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="wallet",
    )
    balance = models.DecimalField(_("balance"), **MONEY, default=Decimal(0))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("wallet")
        verbose_name_plural = _("wallets")
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0),
                                              name="wallet_balance_not_negative")]

    def __str__(self) -> str:
        return f"{self.user}: {self.balance}"


class Kind(models.TextChoices):
    SMM = "smm", _("SMM service")
    PRODUCT = "product", _("Product")
    SMS = "sms", _("SMS number")


class Order(models.Model):
    """One order (or one rented SMS number), its money and its upstream mirror."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    provider = models.ForeignKey(
        "provider.Provider",
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.SMM)
    service = models.ForeignKey(
        "provider.Service",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    link = models.CharField(_("link"), max_length=2000, blank=True)
    quantity = models.PositiveIntegerField(
        _("quantity"), help_text=_("In all: per run times runs for a drip-feed.")
    )
    runs = models.PositiveIntegerField(
        _("runs"),
        null=True,
        blank=True,
        help_text=_("Drip-feed: deliveries of quantity / runs each."),
    )
    interval = models.PositiveIntegerField(
        _("interval"), null=True, blank=True, help_text=_("Drip-feed: minutes between runs.")
    )
    fields = models.JSONField(
        _("fields"),
        default=dict,
        blank=True,
        help_text=_(
            "The fields of the service's type (comments, "
            "usernames, answer_number...), sent as they are."
        ),
    )
    unit_price = models.DecimalField(
        _("unit price"), **RATE, help_text=_("Sell price per price unit, at order time.")
    )
    price_unit = models.PositiveIntegerField(_("price unit"), default=1000)
    charge = models.DecimalField(_("charge"), **MONEY, help_text=_("What the customer paid."))
    refunded = models.DecimalField(_("refunded"), **MONEY, default=Decimal(0))
    state = models.CharField(
        _("state"), max_length=20, choices=State, default=State.QUEUED, db_index=True
    )
    auto_delivery = models.BooleanField(_("auto delivery"), default=True)

    upstream_id = models.BigIntegerField(_("upstream ID"), null=True, blank=True)
    cancel_requested_at = models.DateTimeField(
        _("cancel requested at"),
        null=True,
        blank=True,
        help_text=_(
            "When the customer's cancel was passed on upstream: "
            "asked once; the polling settles the order."
        ),
    )
    upstream_status = models.CharField(_("upstream status"), max_length=50, blank=True)
    status_unknown = models.BooleanField(
        _("status unknown"),
        default=False,
        help_text=_("The upstream sent a status this panel does not know: a person should look."),
    )
    start_count = models.BigIntegerField(_("start count"), null=True, blank=True)
    remains = models.BigIntegerField(_("remains"), null=True, blank=True)
    upstream_charge = models.DecimalField(_("upstream charge"), **RATE, null=True, blank=True)
    upstream_currency = models.CharField(_("upstream currency"), max_length=3, blank=True)
    accounts = EncryptedTextField(
        verbose_name=_("accounts"),
        blank=True,
        default="",
        help_text=_("Delivered credentials, one per line."),
    )
    error = models.TextField(_("error"), blank=True, help_text=_("What went wrong, for staff."))
    needs_staff = models.BooleanField(
        _("needs staff"),
        default=False,
        db_index=True,
        help_text=_(
            "A person should look: the upstream delivered "
            "fewer accounts than paid for, or answered after the order was settled. The events "
            "say what happened."
        ),
    )
    # Encrypted: it may list credentials.
    late_answer = EncryptedTextField(
        verbose_name=_("late answer"),
        blank=True,
        default="",
        help_text=_(
            "The upstream's last answer that came after the "
            "order was settled, as received: accounts in it were not given to the customer."
        ),
    )

    # SMS numbers
    sms_project = models.ForeignKey(
        "provider.SmsProject",
        verbose_name=_("SMS project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    sms_country = models.ForeignKey(
        "provider.SmsCountry",
        verbose_name=_("SMS country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    batch = models.UUIDField(
        _("batch"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Numbers rented in one upstream call."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # The code opens someone's new account: kept encrypted like delivered credentials.
    sms_code = EncryptedTextField(verbose_name=_("SMS code"), blank=True, default="")
    sms_text = EncryptedTextField(verbose_name=_("SMS text"), blank=True, default="")
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    placed_at = models.DateTimeField(_("placed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    last_checked_at = models.DateTimeField(_("last checked at"), null=True, blank=True)
    next_check_at = models.DateTimeField(_("next check at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_check_at"]),
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["user", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(charge__gte=0), name="order_charge_not_negative"),
            models.CheckConstraint(condition=Q(refunded__lte=models.F("charge")),
                                   name="order_refund_within_charge"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} ({self.get_state_display()})"

    @property
    def account_list(self) -> list[str]:
        return [line for line in self.accounts.splitlines() if line]

    @property
    def margin(self) -> Decimal | None:
        if self.upstream_charge is None:
            return None
        return self.charge - self.refunded - self.upstream_charge


class OrderEvent(models.Model):
    """The order's history: every state change and staff action, with who and when."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=50)
    from_state = models.CharField(_("from state"), max_length=20, blank=True)
    to_state = models.CharField(_("to state"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_state} -> {self.to_state}"


class EntryKind(models.TextChoices):
    TOP_UP = "top_up", _("Top-up")
    CHARGE = "charge", _("Charge")
    REFUND = "refund", _("Refund")
    ADJUSTMENT = "adjustment", _("Adjustment")
    BONUS = "bonus", _("Bonus")
    # Earned by a referrer on a referred customer's final order (`affiliates.commission`).
    COMMISSION = "commission", _("Commission")


class LedgerEntry(models.Model):
    wallet = models.ForeignKey(
        Wallet, verbose_name=_("wallet"), on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind)
    amount = models.DecimalField(_("amount"), **MONEY, help_text=_("Positive adds to the balance."))
    balance_after = models.DecimalField(_("balance after"), **MONEY)
    order = models.ForeignKey(
        Order,
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    deposit = models.ForeignKey(
        "payments.Deposit",
        verbose_name=_("deposit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger entry")
        ordering = ["-created_at", "-id"]
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_amount_not_zero"),
            models.CheckConstraint(
                condition=Q(kind__in=["charge"], amount__lt=0)
                | Q(kind__in=["top_up", "refund", "bonus", "commission"], amount__gt=0)
                | Q(kind="adjustment"),
                name="ledger_sign_matches_kind"),
            # One refund per order, whatever races: the database has the last word.
            models.UniqueConstraint(fields=["order"], condition=Q(kind="refund"),
                                    name="ledger_one_refund_per_order"),
            # One commission per referred order (the entry is in the referrer's wallet).
            models.UniqueConstraint(fields=["order"], condition=Q(kind="commission"),
                                    name="ledger_one_commission_per_order"),
            # One top-up and at most one bonus per deposit, whatever the callbacks do.
            models.UniqueConstraint(fields=["deposit"], condition=Q(kind="top_up"),
                                    name="ledger_one_top_up_per_deposit"),
            models.UniqueConstraint(fields=["deposit"], condition=Q(kind="bonus"),
                                    name="ledger_one_bonus_per_deposit"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class RefillState(models.TextChoices):
    """The refill as the customer reads it; the provider's own word stays in `status`."""

    REQUESTED = "requested", _("Refill requested")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")


class Refill(models.Model):
    """A refill a customer asked for (API or shop), passed on to the order's provider.
    Customers see only this row's id; the upstream's refill id stays here. A row without
    `upstream_id` is a request being sent: it holds the order's one refill per day."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="refills"
    )
    upstream_id = models.BigIntegerField(_("upstream ID"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=50, blank=True, help_text=_("The provider's last word.")
    )
    state = models.CharField(
        _("state"), max_length=20, choices=RefillState, default=RefillState.REQUESTED
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refill")
        verbose_name_plural = _("refills")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "checked_at"])]

    def __str__(self) -> str:
        return f"Refill #{self.pk} of order #{self.order_id}"
