"""Customer wallets and the append-only ledger behind them."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

MONEY = {"max_digits": 18, "decimal_places": 4}


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


class EntryKind(models.TextChoices):
    TOP_UP = "top_up", "Top-up"
    CHARGE = "charge", "Charge"
    REFUND = "refund", "Refund"
    ADJUSTMENT = "adjustment", "Adjustment"


class LedgerEntry(models.Model):
    wallet = models.ForeignKey(Wallet, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=12, choices=EntryKind)
    amount = models.DecimalField(**MONEY, help_text="Positive adds to the balance.")
    balance_after = models.DecimalField(**MONEY)
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_amount_not_zero"),
            models.CheckConstraint(
                condition=Q(kind__in=["charge"], amount__lt=0)
                | Q(kind__in=["top_up", "refund"], amount__gt=0)
                | Q(kind="adjustment"),
                name="ledger_sign_matches_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"
