"""Deployment checks of the panel's own (`manage.py check --deploy`), beside Django's."""

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

DERIVED_KEY = ("FIELD_ENCRYPTION_KEY is not set: provider keys and delivered credentials are "
               "encrypted with a key derived from SECRET_KEY, so changing SECRET_KEY makes "
               "them unreadable.")


def derives_encryption_key() -> bool:
    return not settings.DEBUG and not settings.FIELD_ENCRYPTION_KEY


@register(Tags.security, deploy=True)
def check_encryption_key(**kwargs: object) -> list[CheckMessage]:
    if not derives_encryption_key():
        return []
    return [Warning(DERIVED_KEY, id="panel.W001",
                    hint="Set FIELD_ENCRYPTION_KEY to a Fernet key (see .env.example).")]


@register(Tags.security, deploy=True)
def check_sender(**kwargs: object) -> list[CheckMessage]:
    if settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].rstrip(">") not in ("localhost", ""):
        return []
    return [Warning(f"DEFAULT_FROM_EMAIL is {settings.DEFAULT_FROM_EMAIL!r}: mail servers refuse "
                    "or bin mail from a local address.", id="panel.W002",
                    hint="Set DEFAULT_FROM_EMAIL to an address of the shop's domain.")]


@register(Tags.security, deploy=True)
def check_hosts(**kwargs: object) -> list[CheckMessage]:
    if set(settings.ALLOWED_HOSTS) - {"127.0.0.1", "localhost", "::1"}:
        return []
    return [Warning("ALLOWED_HOSTS names only this machine: requests for the shop's domain are "
                    "refused (400).", id="panel.W003",
                    hint="Set ALLOWED_HOSTS to the host names the panel answers for.")]
