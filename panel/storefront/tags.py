"""Template tags and filters of the storefront (`{% load shop %}`)."""

import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django import template
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from orders import money as formatter
from orders.models import Order
from panel.staff.dashboard import took as spoken_duration
from panel.storefront import once, status

register = template.Library()
http_url = URLValidator(schemes=["http", "https"])
URL_IN_TEXT = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


@register.simple_tag(takes_context=True)
def money(context: template.Context, value: object, signed: bool = False) -> str:
    """`{% money amount %}`: the amount with the shop's currency symbol; `signed=True`
    shows + or a minus sign (ledger entries)."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return "—"
    symbol = context["shop"].currency_symbol if "shop" in context else "$"
    return formatter.shown(amount, symbol, signed=signed)


@register.filter
def display_name(item: object) -> str:
    """`{{ service|display_name }}`: a service's or category's name in the active language
    (the admin's own name first, then the upstream's translation, then its English name)."""
    name_in = getattr(item, "name_in", None)
    if name_in is None:
        return str(item or "")
    return name_in(get_language() or "")


@register.filter
def description(service: object) -> str:
    """`{{ service|description }}`: the admin's description in the active language (Arabic
    has its own field), falling back to the English one, then the upstream's."""
    description_in = getattr(service, "description_in", None)
    return description_in(get_language() or "") if description_in is not None else ""


@register.simple_tag
def form_token() -> SafeString:
    """`{% form_token %}`: the hidden one-time token that makes an order form place once
    (`panel.storefront.once`); a new one each time a form renders."""
    return format_html('<input type="hidden" name="{}" value="{}">', once.FIELD,
                       once.new_token())


@register.filter
def thousands(value: object) -> str:
    """A whole number with the active language's thousands separator."""
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return ""
    return ("-" if number < 0 else "") + formatter.group(str(abs(number)))


@register.filter
def http_link(value: object) -> str:
    """A link the customer typed: clickable only when it is an http(s) URL, always escaped."""
    text = str(value or "")
    try:
        http_url(text)
    except ValidationError:
        return text  # rendered escaped, never as a link
    return _anchor(text)


def _anchor(url: str) -> SafeString:
    return format_html('<a href="{}" rel="nofollow noopener noreferrer" target="_blank">{}</a>',
                       url, url)


@register.filter
def linkify(value: object) -> SafeString:
    """Text with its http(s) URLs made links (nothing else: no mailto, no javascript) and its
    line breaks kept; everything else escaped."""
    text, out, last = str(value or ""), [], 0
    for match in URL_IN_TEXT.finditer(text):
        url = match.group(0).rstrip(".,;:!?)")
        out += [escape(text[last:match.start()]), _anchor(url)]
        last = match.start() + len(url)
    out.append(escape(text[last:]))
    return mark_safe("".join(out).replace("\n", "<br>"))  # noqa: S308 - every part escaped


@register.filter
def badge(order: Order) -> status.Badge:
    return status.badge(order)


@register.filter
def explanation(order: Order) -> str:
    return status.explanation(order)


@register.filter
def is_final(order: Order) -> bool:
    return status.is_final(order)


@register.filter
def delivered(order: Order) -> int | None:
    return status.delivered(order)


@register.filter
def paid(order: Order) -> Decimal:
    return status.paid(order)


@register.filter
def seconds_left(moment: object) -> int:
    return status.seconds_left(moment)  # type: ignore[arg-type]


@register.filter
def took(duration: timedelta | None) -> str:
    """A duration as the dashboard says it ("2 h 5 min"): one wording for staff and shop."""
    return spoken_duration(duration)
