"""Template helpers for the staff workspace: `{% queue_counts as counts %}` (the queue's
counts, for the navigation and the admin home; read only for staff, and only when a template
asks), `|sees_dashboard` (whether a user may open the owner's dashboard) and `|age` (how long
ago, in one short unit)."""

from datetime import datetime

from django import template
from django.utils import timezone

from panel import roles
from panel.staff.access import can_work_queue
from panel.staff.sections import SECTIONS, counts

register = template.Library()


@register.simple_tag(takes_context=True)
def queue_counts(context: template.Context) -> dict[str, object] | None:
    """`total` and `sections` (key, title, count); None for anyone who cannot work the
    queue. The queue page hands in the counts it already has."""
    request = context.get("request")
    if request is None or not can_work_queue(request.user):
        return None
    if context.get("queue_counts"):
        return context["queue_counts"]
    numbers = counts()
    return {"total": numbers["total"],
            "sections": [(s.key, s.title, numbers[s.key]) for s in SECTIONS]}


@register.filter
def sees_dashboard(user: object) -> bool:
    return roles.is_admin(user)


@register.filter
def age(moment: datetime | None) -> str:
    """"45 s", "12 min", "5 h", "3 d"; in the future: "in 2 min"."""
    if moment is None:
        return "—"
    seconds = int((timezone.now() - moment).total_seconds())
    prefix, seconds = ("in ", -seconds) if seconds < 0 else ("", seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{prefix}{seconds // size} {unit}"
    return f"{prefix}{seconds} s"
