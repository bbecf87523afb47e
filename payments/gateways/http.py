"""Outgoing calls to payment processors: JSON over HTTPS, always with a timeout, and every
failure (connection, HTTP status, unreadable JSON) as one GatewayError whose message never
holds a key. Creating a payment is sent once; a lost answer leaves a failed deposit, never a
second invoice."""

from __future__ import annotations

import json
from typing import Any

import requests

from payments.gateways.base import GatewayError

USER_AGENT = "reseller-panel/0.1 (+payments)"


def call(method: str, url: str, *, timeout: float, headers: dict[str, str] | None = None,
         body: bytes | None = None) -> dict[str, Any]:
    """The processor's JSON object answer, or GatewayError."""
    try:
        response = requests.request(
            method, url, data=body, timeout=timeout,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json",
                     **({"Content-Type": "application/json"} if body is not None else {}),
                     **(headers or {})})
    except requests.RequestException as exc:
        raise GatewayError(f"{method} {url.split('?')[0]}: {type(exc).__name__}") from None
    if response.status_code >= 400:
        raise GatewayError(f"{method} {url.split('?')[0]}: HTTP {response.status_code} "
                           f"{response.text[:200]!r}")
    try:
        data = response.json()
    except (ValueError, json.JSONDecodeError):
        raise GatewayError(f"{method} {url.split('?')[0]}: not JSON") from None
    if not isinstance(data, dict):
        raise GatewayError(f"{method} {url.split('?')[0]}: not a JSON object")
    return data
