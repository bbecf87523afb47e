"""The admin's side of the audit log: a ModelAdmin mixin that records who added or changed
what, with the changed fields before and after, inline rows included. Secrets (a provider's
API key) are never recorded: only that they changed."""

from typing import Any

from django import forms
from django.db import models
from django.http import HttpRequest
from django.utils import translation

from panel import audit

SECRET = "(changed)"
# Fields whose values never go into the log, whatever the admin (passwords, API keys).
SECRET_WORDS = ("password", "key", "secret", "token")


def _value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, models.QuerySet | list | tuple):
        return [str(v) for v in value]
    return value


def changes(
    form: forms.BaseForm, secret: frozenset[str] = frozenset()
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields `form` changed: their values before and after (secrets masked; files and
    fields without a value as text are recorded as changed)."""
    before, after = {}, {}
    for name in form.changed_data:
        if (
            name in secret
            or any(word in name for word in SECRET_WORDS)
            or isinstance(form.cleaned_data.get(name), bytes | tuple)
        ):
            before[name], after[name] = "", SECRET
            continue
        before[name] = _value(form.initial.get(name))
        after[name] = _value(form.cleaned_data.get(name))
    return before, after


def _name(obj: models.Model) -> str:
    """The model's name as written in the code: the log is stored text, read later in any
    language, so an admin used in Arabic still records "provider changed"."""
    with translation.override(None):
        return str(obj._meta.verbose_name)


class AuditedAdmin:
    """Mixin for a ModelAdmin: each save and each changed inline row is an audit entry."""

    audit_secret_fields: frozenset[str] = frozenset()

    def save_model(
        self, request: HttpRequest, obj: Any, form: forms.BaseForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        if form is None:  # saved by code, not through the change form: no field detail
            before, after = {}, {}
        elif change and not form.changed_data:
            return
        else:
            before, after = changes(form, self.audit_secret_fields)
        audit.record(
            actor=request.user,
            action=f"{_name(obj)} {'changed' if change else 'added'}",
            target=obj,
            before=before if change else None,
            after=after,
        )

    def save_formset(
        self, request: HttpRequest, form: forms.BaseForm, formset: Any, change: bool
    ) -> None:
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        for row in formset.forms:
            if row in getattr(formset, "deleted_forms", []) or not row.has_changed():
                continue
            before, after = changes(row)
            audit.record(
                actor=request.user,
                action=f"{_name(row.instance)} changed",
                target=row.instance,
                before=before,
                after=after,
                note=f"on {form.instance}",
            )
        for obj in getattr(formset, "deleted_objects", []):
            audit.record(
                actor=request.user,
                action=f"{_name(obj)} deleted",
                before={"was": str(obj)},
                note=f"on {form.instance}",
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit.record(
            actor=request.user, action=f"{_name(obj)} deleted", target=obj, before={"was": str(obj)}
        )
        super().delete_model(request, obj)  # type: ignore[misc]
