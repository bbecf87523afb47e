"""The shop's branding: name, logo, primary colour, support e-mail, footer text and currency
symbol, set by an admin (`ShopSettings`, one row) and used on every page and in e-mails.

Pages read it through `current()`: a frozen copy kept in the Django cache. Saving the row
drops the copy, so the shared cache (the default file cache, or Redis) shows a change everywhere
at once; `BRANDING_CACHE_SECONDS` bounds what a process-local cache could miss.
The primary colour reaches pages through `/brand.css`, a stylesheet rendered from a
validated hex colour, so the Content-Security-Policy needs no inline style.
"""

import logging
import re
from dataclasses import dataclass
from decimal import Decimal
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from panel.models import ShopSettings

log = logging.getLogger(__name__)

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_LOGO_BYTES = 512 * 1024
YEAR = 365 * 24 * 3600


@dataclass(frozen=True)
class Branding:
    name: str = "Reseller Panel"
    primary: str = "#4f46e5"  # always "#rrggbb"
    support_email: str = ""
    footer_text: str = ""
    currency_symbol: str = "$"
    has_logo: bool = False
    commission_percent: Decimal = Decimal(0)  # 0: no affiliate program, its page hidden
    version: str = "0"  # changes with every save: cache-busts brand.css and the logo


DEFAULT = Branding()

# Signs that name one currency (or a few): a symbol from this table must name the panel's
# currency, or the shop would show € on amounts the API calls USD, converting nothing.
SIGNS = {"$": {"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN"}, "US$": {"USD"},
         "€": {"EUR"}, "£": {"GBP"}, "¥": {"JPY", "CNY"}, "₽": {"RUB"}, "₹": {"INR"},
         "₺": {"TRY"}, "₴": {"UAH"}, "₩": {"KRW"}, "₦": {"NGN"}, "R$": {"BRL"},
         "zł": {"PLN"}, "₫": {"VND"}, "₱": {"PHP"}, "₸": {"KZT"}}
CODE = re.compile(r"^[A-Z]{3}$")


def symbol_mismatch(symbol: str, currency: str) -> str:
    """Why `symbol` cannot stand for `currency` (the panel's one currency), or ""."""
    sign = symbol.strip()
    named = SIGNS.get(sign) or ({sign} if CODE.match(sign) else None)
    if named is None or currency in named:
        return ""
    return (f"The panel's currency is {currency} (the PANEL_CURRENCY setting): every price, "
            f"balance and the API are in {currency} and nothing is converted. A symbol for "
            f"{currency} only, please, or change PANEL_CURRENCY.")


def safe_colour(value: str) -> str:
    """`value` if it is a `#rrggbb` colour, else the default: nothing else reaches CSS."""
    return value.lower() if HEX.match(value or "") else DEFAULT.primary


def ink_on(colour: str) -> str:
    """White or near-black, whichever reads better on `colour` (WCAG contrast)."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#ffffff" if (1.05 / (luminance + 0.05)) >= 4.5 else "#111827"


def _load() -> Branding:
    row = ShopSettings.objects.defer("logo").filter(pk=1).first()
    if row is None:
        return DEFAULT
    return Branding(
        name=row.name.strip() or DEFAULT.name, primary=safe_colour(row.primary_color),
        support_email=row.support_email, footer_text=row.footer_text,
        currency_symbol=row.currency_symbol or DEFAULT.currency_symbol,
        has_logo=bool(row.logo_type), commission_percent=row.commission_percent,
        version=f"{row.updated_at.timestamp():.0f}")


def current() -> Branding:
    """The branding now; the database only when the cached copy is missing."""
    try:
        brand = cache.get(ShopSettings.CACHE_KEY)
    except Exception:
        log.warning("branding cache unavailable", exc_info=True)
        return _load()
    if brand is None:
        brand = _load()
        try:
            cache.set(ShopSettings.CACHE_KEY, brand, settings.BRANDING_CACHE_SECONDS)
        except Exception:
            log.warning("branding not cached", exc_info=True)
    return brand


def sender() -> str:
    """The From address of the shop's e-mails: DEFAULT_FROM_EMAIL under the shop's name."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((current().name, address or settings.DEFAULT_FROM_EMAIL))


def sniff_image(data: bytes) -> str | None:
    """The content type of a PNG, JPEG, GIF or WebP image, from its first bytes; None for
    anything else (SVG included: it can carry scripts)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def context(request: HttpRequest) -> dict[str, Branding]:
    """Template context processor: `shop` on every page."""
    return {"shop": current()}


def _cache_for(response: HttpResponse, request: HttpRequest, version: str) -> HttpResponse:
    # Versioned URLs never change; an unversioned or stale one is revalidated.
    if request.GET.get("v") == version:
        patch_cache_control(response, public=True, max_age=YEAR, immutable=True)
    else:
        patch_cache_control(response, public=True, max_age=60)
    return response


def css(request: HttpRequest) -> HttpResponse:
    """`/brand.css`: the primary colour and the ink that reads on it, as CSS variables."""
    brand = current()
    colour = safe_colour(brand.primary)
    body = f":root{{--primary:{colour};--on-primary:{ink_on(colour)}}}\n"
    return _cache_for(HttpResponse(body, content_type="text/css; charset=utf-8"), request,
                      brand.version)


def logo(request: HttpRequest) -> HttpResponse:
    """`/brand/logo`: the uploaded logo, or 404."""
    row = ShopSettings.objects.filter(pk=1).only("logo", "logo_type", "updated_at").first()
    if row is None or not row.logo_type or not row.logo:
        raise Http404("no logo")
    response = HttpResponse(bytes(row.logo), content_type=row.logo_type)
    return _cache_for(response, request, f"{row.updated_at.timestamp():.0f}")
