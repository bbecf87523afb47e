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

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="wallet")
    balance = models.DecimalField(**MONEY, default=Decimal(0))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
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

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="orders")
    provider = models.ForeignKey("provider.Provider", on_delete=models.PROTECT,
                                 related_name="orders")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.SMM)
    service = models.ForeignKey("provider.Service", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="orders")
    link = models.CharField(max_length=2000, blank=True)
    quantity = models.PositiveIntegerField(
        help_text=_("In all: per run times runs for a drip-feed."))
    runs = models.PositiveIntegerField(null=True, blank=True,
                                       help_text=_("Drip-feed: deliveries of quantity / "
                                                   "runs each."))
    interval = models.PositiveIntegerField(null=True, blank=True,
                                           help_text=_("Drip-feed: minutes between runs."))
    fields = models.JSONField(default=dict, blank=True,
                              help_text=_("The fields of the service's type (comments, "
                              "usernames, answer_number...), sent as they are."))
    unit_price = models.DecimalField(**RATE,
                                     help_text=_("Sell price per price unit, at order time."))
    price_unit = models.PositiveIntegerField(default=1000)
    charge = models.DecimalField(**MONEY, help_text=_("What the customer paid."))
    refunded = models.DecimalField(**MONEY, default=Decimal(0))
    state = models.CharField(max_length=20, choices=State, default=State.QUEUED, db_index=True)
    auto_delivery = models.BooleanField(default=True)

    upstream_id = models.BigIntegerField(null=True, blank=True)
    cancel_requested_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the customer's cancel was passed on upstream: "
        "asked once; the polling settles the order."))
    upstream_status = models.CharField(max_length=50, blank=True)
    status_unknown = models.BooleanField(default=False, help_text=_("The upstream sent a status "
                                         "this panel does not know: a person should look."))
    start_count = models.BigIntegerField(null=True, blank=True)
    remains = models.BigIntegerField(null=True, blank=True)
    upstream_charge = models.DecimalField(**RATE, null=True, blank=True)
    upstream_currency = models.CharField(max_length=3, blank=True)
    accounts = EncryptedTextField(blank=True, default="", help_text=_("Delivered credentials, "
                                  "one per line."))
    error = models.TextField(blank=True, help_text=_("What went wrong, for staff."))
    needs_staff = models.BooleanField(
        default=False, db_index=True, help_text=_("A person should look: the upstream delivered "
        "fewer accounts than paid for, or answered after the order was settled. The events "
        "say what happened."))
    # Encrypted: it may list credentials.
    late_answer = EncryptedTextField(
        blank=True, default="", help_text=_("The upstream's last answer that came after the "
        "order was settled, as received: accounts in it were not given to the customer."))

    # SMS numbers
    sms_project = models.ForeignKey("provider.SmsProject", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="orders")
    sms_country = models.ForeignKey("provider.SmsCountry", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="orders")
    batch = models.UUIDField(null=True, blank=True, db_index=True,
                             help_text=_("Numbers rented in one upstream call."))
    phone = models.CharField(max_length=40, blank=True)
    # The code opens someone's new account: kept encrypted like delivered credentials.
    sms_code = EncryptedTextField(blank=True, default="")
    sms_text = EncryptedTextField(blank=True, default="")
    expires_at = models.DateTimeField(null=True, blank=True)

    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    placed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
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

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=50)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
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
    wallet = models.ForeignKey(Wallet, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=12, choices=EntryKind)
    amount = models.DecimalField(**MONEY, help_text=_("Positive adds to the balance."))
    balance_after = models.DecimalField(**MONEY)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="ledger_entries")
    deposit = models.ForeignKey("payments.Deposit", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="ledger_entries")
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
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

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refills")
    upstream_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=50, blank=True, help_text=_("The provider's last word."))
    state = models.CharField(max_length=20, choices=RefillState,
                             default=RefillState.REQUESTED)
    created_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "checked_at"])]

    def __str__(self) -> str:
        return f"Refill #{self.pk} of order #{self.order_id}"
