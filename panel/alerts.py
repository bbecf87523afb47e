"""Alerts to staff, once per incident: e-mail (queued through `panel.mail`) and, when
`STAFF_ALERT_WEBHOOK_URL` is set, a JSON POST `{"text": ...}` that chat tools accept.

Callers say what is true now: `open_incident(key, ...)` alerts only when no incident with that
key is open (a condition seen at every poll alerts once), `close_incident(key)` ends it, and
`reconcile(current, ...)` does both for a family of keys from one look at the data. The
unique constraint on open keys settles two workers racing to open the same incident.
No web imports: the domain (providers, orders) calls this.
"""

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Mapping

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from panel import branding, mail
from panel.models import Incident, User
from provider.addresses import UnsafeUrl, check_provider_url

log = logging.getLogger(__name__)


def staff_emails() -> list[str]:
    """STAFF_ALERT_EMAILS, or every active staff account's address."""
    configured = list(settings.STAFF_ALERT_EMAILS)
    return configured or list(User.objects.filter(is_staff=True, is_active=True)
                              .exclude(email="").values_list("email", flat=True))


def open_incident(key: str, title: str, detail: str = "") -> Incident | None:
    """Open the incident `key` and alert staff, unless it is open already. Returns the new
    incident, or None when there was one (nothing sent)."""
    if Incident.objects.filter(key=key, closed_at=None).exists():
        return None
    try:
        with transaction.atomic():
            incident = Incident.objects.create(key=key, title=title[:200], detail=detail)
    except IntegrityError:
        return None  # another process opened it a moment ago, and alerts
    notify(incident)
    return incident


def close_incident(key: str) -> bool:
    """Close the open incident `key` (the condition cleared). Whether one was open."""
    return bool(Incident.objects.filter(key=key, closed_at=None).update(closed_at=timezone.now()))


def reconcile(current: Mapping[str, tuple[str, str]], *, startswith: str = "",
              endswith: str = "") -> None:
    """`current` maps each key of one family (keys that start and end as given) whose
    condition holds now to its (title, detail): those open, alerting once; every other open
    incident of the family closes."""
    for key, (title, detail) in current.items():
        open_incident(key, title, detail)
    Incident.objects.filter(key__startswith=startswith, key__endswith=endswith,
                            closed_at=None).exclude(key__in=list(current)).update(
        closed_at=timezone.now())


def notify(incident: Incident) -> None:
    """E-mail and webhook; a failure of either is logged, never raised (the incident stays
    open and recorded: the admin lists it)."""
    subject = f"[{branding.current().name}] {incident.title}"
    try:
        mail.send(subject, incident.detail or incident.title, staff_emails() or ["root@localhost"])
    except OSError:
        log.exception("could not e-mail staff about %s", incident.key)
    if settings.STAFF_ALERT_WEBHOOK_URL:
        post_webhook(settings.STAFF_ALERT_WEBHOOK_URL,
                     {"text": f"{subject}\n{incident.detail}".strip(), "key": incident.key})


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect could lead to an address the check below never saw: refuse them all.
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def post_webhook(url: str, payload: Mapping[str, object]) -> bool:
    """POST `payload` as JSON to `url`, within STAFF_ALERT_WEBHOOK_TIMEOUT; a private or
    loopback address only with PROVIDER_ALLOW_PRIVATE_URLS (as for providers). Whether the
    hook answered 2xx."""
    try:
        check_provider_url(url, allow_private=settings.PROVIDER_ALLOW_PRIVATE_URLS)
    except UnsafeUrl as exc:
        log.error("alert webhook refused: %s", exc)
        return False
    # http(s) only: check_provider_url refused every other scheme above.
    request = urllib.request.Request(url, data=json.dumps(payload).encode(),  # noqa: S310
                                     method="POST", headers={"Content-Type": "application/json"})
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=settings.STAFF_ALERT_WEBHOOK_TIMEOUT) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError) as exc:
        log.warning("alert webhook %s failed: %s", url, exc)
        return False
