"""The audit log: every action a person takes on the shop, with before and after.

Domain code and views call `record` inside the transaction of the change they describe, so an
entry exists exactly when the change does. Values are made JSON-safe here (Decimal and dates
as strings); secrets must never be passed in (a provider's key is recorded as "changed").
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from panel.models import AuditEntry

__all__ = ["record", "snapshot"]


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal | datetime | date):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of `obj` as JSON-safe values, for `before`/`after`."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def record(*, actor: Any, action: str, target: models.Model | None = None,
           before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None,
           note: str = "") -> AuditEntry:
    """Append one entry. `actor` is the user who acted (None for the system)."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_email=getattr(actor, "email", "") or "",
        action=action[:80],
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        before=_jsonable(dict(before)) if before is not None else None,
        after=_jsonable(dict(after)) if after is not None else None,
        note=note,
    )
