"""The test gateway as the panel sees it: the same three calls as any processor.

Its "API" is the shared cache (the processor's own state, written by its payment page);
callbacks are signed with HMAC-SHA256 under a key derived from SECRET_KEY.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.core.cache import cache
from django.urls import reverse
from django.utils.crypto import salted_hmac

from payments.gateways.base import (
    Checkout,
    GatewayError,
    InvalidCallback,
    Notice,
    PaymentStatus,
    money,
)
from payments.models import DepositState

SIGNATURE_HEADER = "X-Testpay-Signature"
STATES = {"waiting": DepositState.WAITING, "finished": DepositState.PAID,
          "partially_paid": DepositState.PARTIALLY_PAID, "failed": DepositState.FAILED,
          "expired": DepositState.EXPIRED}
KEEP_SECONDS = 7 * 24 * 3600


def secret() -> bytes:
    return salted_hmac("payments.testgateway", "callback-key", algorithm="sha256").digest()


def sign(body: bytes) -> str:
    return hmac.new(secret(), body, hashlib.sha256).hexdigest()


def _key(payment_id: str) -> str:
    return f"testgateway:payment:{payment_id}"


def load(payment_id: str) -> dict[str, Any] | None:
    return cache.get(_key(payment_id))


def store(payment_id: str, state: dict[str, Any]) -> None:
    cache.set(_key(payment_id), state, KEEP_SECONDS)


class TestGateway:
    code = "testpay"
    status_by_invoice = True

    def create_payment(self, *, reference: str, amount: Decimal, currency: str,
                       callback_url: str, return_url: str) -> Checkout:
        payment_id = "T" + secrets.token_hex(8)
        store(payment_id, {"reference": reference, "amount": str(amount), "currency": currency,
                           "status": "waiting", "paid": "0", "return_url": return_url})
        origin = urlsplit(callback_url)
        page = f"{origin.scheme}://{origin.netloc}" + reverse("testgateway:invoice",
                                                              args=[payment_id])
        return Checkout(payment_id=payment_id, url=page)

    def verify_callback(self, body: bytes, headers: Mapping[str, str]) -> Notice:
        given = headers.get(SIGNATURE_HEADER, "")
        if not hmac.compare_digest(given.encode(), sign(body).encode()):
            raise InvalidCallback("bad signature")
        try:
            data = json.loads(body)
            return Notice(payment_id=str(data["payment_id"]), reference=str(data["reference"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidCallback("unreadable body") from exc

    def fetch_status(self, notice: Notice) -> PaymentStatus:
        state = load(notice.payment_id)
        if state is None:
            raise GatewayError(f"no payment {notice.payment_id}")
        amount, paid = money(state["amount"]), money(state["paid"])
        return PaymentStatus(
            payment_id=notice.payment_id, reference=state["reference"],
            state=STATES[state["status"]], raw_status=state["status"], invoice_amount=amount,
            currency=state["currency"], received=paid, overpaid=paid > amount)
