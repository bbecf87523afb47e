"""Cryptomus, and Heleket (the same protocol at another address): `POST /payment` creates an
invoice the customer pays on the processor's page; requests carry the headers `merchant` and
`sign` = md5(base64(body) + key). A webhook carries `sign` in its JSON body, computed the
same way over the rest of the body as PHP's json_encode writes it (slashes escaped as `\\/`,
non-ASCII as is). The payment is then read back with `POST /payment/info`."""

from __future__ import annotations

import base64
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

STATES = {"check": DepositState.WAITING, "process": DepositState.CONFIRMING,
          "confirm_check": DepositState.CONFIRMING, "locked": DepositState.CONFIRMING,
          "wrong_amount_waiting": DepositState.WAITING,
          "paid": DepositState.PAID, "paid_over": DepositState.PAID,
          "wrong_amount": DepositState.PARTIALLY_PAID, "fail": DepositState.FAILED,
          "system_fail": DepositState.FAILED, "cancel": DepositState.EXPIRED,
          "refund_process": DepositState.FAILED, "refund_fail": DepositState.FAILED,
          "refund_paid": DepositState.FAILED}


def sign(body: bytes, key: str) -> str:
    # MD5 is the processor's choice of scheme, not ours; usedforsecurity=False says so.
    return hashlib.md5(base64.b64encode(body) + key.encode(), usedforsecurity=False).hexdigest()


def php_json(data: Any) -> bytes:
    """`json_encode($data, JSON_UNESCAPED_UNICODE)` as PHP writes it: no spaces, `/` as `\\/`."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return text.replace("/", "\\/").encode()


class Cryptomus:
    status_by_invoice = True  # /payment/info takes the invoice's uuid
    def __init__(self, *, code: str, api_url: str, merchant: str, key: str,
                 timeout: float) -> None:
        self.code, self.api_url, self.timeout = code, api_url.rstrip("/"), timeout
        self._merchant, self._key = merchant, key

    def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        # Written as their PHP examples write it, so the signature holds whether the processor
        # checks the bytes received or its own json_encode of them.
        body = php_json(payload)
        data = call("POST", f"{self.api_url}{path}", body=body, timeout=self.timeout,
                    headers={"merchant": self._merchant, "sign": sign(body, self._key)})
        result = data.get("result")
        if data.get("state") != 0 or not isinstance(result, dict):
            raise GatewayError(f"{path}: state {str(data.get('state'))[:10]} "
                               f"{str(data.get('message', ''))[:100]}")
        return result

    def create_payment(self, *, reference: str, amount: Decimal, currency: str,
                       callback_url: str, return_url: str) -> Checkout:
        result = self._post("/payment", {
            "amount": f"{amount:.2f}", "currency": currency, "order_id": reference,
            "url_callback": callback_url, "url_return": return_url,
            "url_success": return_url})
        if not result.get("uuid") or not str(result.get("url", "")).startswith("https://"):
            raise GatewayError("the payment answer has no uuid or url")
        return Checkout(payment_id=str(result["uuid"]), url=str(result["url"]))

    def verify_callback(self, body: bytes, headers: Mapping[str, str]) -> Notice:
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise InvalidCallback("not JSON") from exc
        if not isinstance(data, dict) or not isinstance(data.get("sign"), str):
            raise InvalidCallback("no sign")
        given = data.pop("sign")
        if not hmac.compare_digest(given.encode(), sign(php_json(data), self._key).encode()):
            raise InvalidCallback("bad signature")
        if not data.get("uuid") or not data.get("order_id"):
            raise InvalidCallback("no uuid or order_id")
        return Notice(payment_id=str(data["uuid"]), reference=str(data["order_id"]))

    def fetch_status(self, notice: Notice) -> PaymentStatus:
        result = self._post("/payment/info", {"uuid": notice.payment_id})
        raw = str(result.get("payment_status") or result.get("status") or "")
        if raw not in STATES:
            raise GatewayError(f"unknown status {raw[:40]!r}")
        amount = money(result.get("amount"))
        paid = money(result.get("payment_amount") or 0)
        due = money(result.get("payer_amount") or 0)
        # Both in the payer's currency: what arrived, as a share of the invoice's amount.
        received = amount * paid / due if due > 0 else (amount if raw == "paid" else None)
        return PaymentStatus(
            payment_id=str(result.get("uuid", notice.payment_id)),
            reference=str(result.get("order_id", "")), state=STATES[raw], raw_status=raw,
            invoice_amount=amount, currency=str(result.get("currency", "")),
            received=received, overpaid=raw == "paid_over")
