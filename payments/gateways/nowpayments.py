"""NOWPayments: an invoice (`POST /invoice`) the customer pays on NOWPayments' page, and IPN
callbacks signed in `x-nowpayments-sig`: HMAC-SHA512 with the IPN secret over the body's
JSON with its keys sorted. The payment is then read back with `GET /payment/{id}`."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from payments.gateways.base import (
    Checkout,
    GatewayError,
    InvalidCallback,
    Notice,
    PaymentStatus,
    money,
)
from payments.gateways.http import call
from payments.models import DepositState

SIGNATURE_HEADER = "x-nowpayments-sig"
STATES = {"waiting": DepositState.WAITING, "confirming": DepositState.CONFIRMING,
          "confirmed": DepositState.CONFIRMING, "sending": DepositState.CONFIRMING,
          "partially_paid": DepositState.PARTIALLY_PAID, "finished": DepositState.PAID,
          "failed": DepositState.FAILED, "refunded": DepositState.FAILED,
          "expired": DepositState.EXPIRED}


def sorted_json(data: Any, *, ascii_only: bool = False) -> str:
    """The body as NOWPayments signs it: keys sorted at every level, no spaces, like
    JavaScript's JSON.stringify (non-ASCII characters as they are); `ascii_only` writes them
    as \\u escapes, as their Python example does."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=ascii_only)


def signature(data: Any, secret: str, *, ascii_only: bool = False) -> str:
    text = sorted_json(data, ascii_only=ascii_only)
    return hmac.new(secret.encode(), text.encode(), hashlib.sha512).hexdigest()


def signed_by(data: Any, given: str, secret: str) -> bool:
    """Either spelling of non-ASCII text verifies (both are keyed with the secret; for ASCII
    bodies they are the same)."""
    return any(hmac.compare_digest(given.encode(), signature(data, secret, ascii_only=a).encode())
               for a in (False, True))


class NowPayments:
    code = "nowpayments"
    status_by_invoice = False  # GET /payment/{id} takes the payment's id, not the invoice's

    def __init__(self, *, api_url: str, api_key: str, ipn_secret: str, timeout: float) -> None:
        self.api_url, self.timeout = api_url.rstrip("/"), timeout
        self._key, self._secret = api_key, ipn_secret

    def create_payment(self, *, reference: str, amount: Decimal, currency: str,
                       callback_url: str, return_url: str) -> Checkout:
        body = json.dumps({
            "price_amount": float(amount), "price_currency": currency.lower(),
            "order_id": reference, "order_description": f"Top-up {reference}",
            "ipn_callback_url": callback_url, "success_url": return_url,
            "cancel_url": return_url}).encode()
        data = call("POST", f"{self.api_url}/invoice", body=body, timeout=self.timeout,
                    headers={"x-api-key": self._key})
        if not data.get("id") or not str(data.get("invoice_url", "")).startswith("https://"):
            raise GatewayError("the invoice answer has no id or invoice_url")
        return Checkout(payment_id=str(data["id"]), url=str(data["invoice_url"]))

    def verify_callback(self, body: bytes, headers: Mapping[str, str]) -> Notice:
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise InvalidCallback("not JSON") from exc
        given = headers.get(SIGNATURE_HEADER, "")
        if not isinstance(data, dict) or not signed_by(data, given, self._secret):
            raise InvalidCallback("bad signature")
        if not data.get("payment_id") or not data.get("order_id"):
            raise InvalidCallback("no payment_id or order_id")
        return Notice(payment_id=str(data["payment_id"]), reference=str(data["order_id"]))

    def fetch_status(self, notice: Notice) -> PaymentStatus:
        payment_id = notice.payment_id
        if not payment_id.isdigit():
            raise GatewayError("a NOWPayments payment id is a number")
        data = call("GET", f"{self.api_url}/payment/{payment_id}", timeout=self.timeout,
                    headers={"x-api-key": self._key})
        raw = str(data.get("payment_status", ""))
        if raw not in STATES:
            raise GatewayError(f"unknown payment_status {raw[:40]!r}")
        price = money(data.get("price_amount"))
        paid, due = (money(data.get("actually_paid") or 0), money(data.get("pay_amount") or 0))
        return PaymentStatus(
            payment_id=str(data.get("payment_id", payment_id)),
            reference=str(data.get("order_id", "")), state=STATES[raw], raw_status=raw,
            invoice_amount=price, currency=str(data.get("price_currency", "")),
            received=_received(data, price, paid, due), overpaid=due > 0 and paid > due)


def _received(data: dict[str, Any], price: Decimal, paid: Decimal, due: Decimal) -> Decimal:
    """What arrived, in the invoice's currency: NOWPayments' own fiat figure when it gives
    one, else the invoice's amount in proportion to the crypto paid."""
    if data.get("actually_paid_at_fiat"):
        return money(data["actually_paid_at_fiat"])
    if due > 0:
        return price * paid / due
    return Decimal(0)
