"""The processors the panel can take money through, each configured from the environment.

A gateway is listed here once its settings are set; the test gateway (its own module, fake
money) is loaded by its dotted path only when TEST_GATEWAY_ENABLED, so no panel code imports it.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from payments.gateways.base import (
    Checkout,
    Gateway,
    GatewayError,
    InvalidCallback,
    Notice,
    PaymentStatus,
)

__all__ = ["Checkout", "Gateway", "GatewayError", "InvalidCallback", "Notice", "PaymentStatus",
           "configured_gateways", "gateway_for"]

TEST_GATEWAY = "payments.testgateway.gateway.TestGateway"


def configured_gateways() -> dict[str, Gateway]:
    """Every processor whose settings are complete, by its kind."""
    from payments.gateways import cryptomus, nowpayments

    found: dict[str, Gateway] = {}
    if settings.TEST_GATEWAY_ENABLED:
        found["testpay"] = import_string(TEST_GATEWAY)()
    if settings.NOWPAYMENTS_API_KEY and settings.NOWPAYMENTS_IPN_SECRET:
        found["nowpayments"] = nowpayments.NowPayments(
            api_url=settings.NOWPAYMENTS_API_URL, api_key=settings.NOWPAYMENTS_API_KEY,
            ipn_secret=settings.NOWPAYMENTS_IPN_SECRET, timeout=settings.PAYMENT_GATEWAY_TIMEOUT)
    for code, prefix in (("cryptomus", "CRYPTOMUS"), ("heleket", "HELEKET")):
        merchant = getattr(settings, f"{prefix}_MERCHANT_ID")
        key = getattr(settings, f"{prefix}_PAYMENT_KEY")
        if merchant and key:
            found[code] = cryptomus.Cryptomus(
                code=code, api_url=getattr(settings, f"{prefix}_API_URL"), merchant=merchant,
                key=key, timeout=settings.PAYMENT_GATEWAY_TIMEOUT)
    return found


def gateway_for(kind: str) -> Gateway | None:
    return configured_gateways().get(kind)
