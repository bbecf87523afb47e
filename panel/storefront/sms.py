"""Verification numbers: choose a country, then a project at its price, and rent one
(`orders.sms.rent_numbers`, synchronous: the customer waits for the number). The number's
own page then waits for the code, reading only the database; polling the upstream is the
beat's job (`orders.sms_tracking`)."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from orders.models import Kind, Order
from orders.placing import NotEnoughFunds, PlacementError
from orders.sms import rent_numbers
from panel.storefront import once
from panel.storefront.rendering import customer_required, go_to_order, page
from panel.storefront.verification import require_verified
from provider.models import SmsCountry, SmsPrice

HISTORY = 20


def countries() -> list[dict[str, str]]:
    """Countries with at least one number on sale, by name, one row per code."""
    rows = (SmsCountry.objects.filter(pk__in=SmsPrice.objects.on_sale().values("country_id"))
            .values("code", "name").order_by("name", "code"))
    seen: dict[str, dict[str, str]] = {}
    for row in rows:
        seen.setdefault(row["code"], row)
    return list(seen.values())


def offers(code: str) -> list[SmsPrice]:
    """The projects on sale in the country `code`, with their prices."""
    return list(SmsPrice.objects.on_sale().filter(country__code=code)
                .select_related("project", "country").order_by("project__name", "sell_price"))


def with_own_numbers(history: list[Order], rows: list[SmsPrice]) -> list[SmsPrice]:
    """Each offer with `own_numbers`: the numbers among the customer's recent ones (the
    history already shown, so no query) rented for it, which the form offers to reuse.
    `orders.sms.reusable_phone` has the last word, for older numbers too."""
    phones: dict[tuple[int, int], list[str]] = {}
    for order in history:
        numbers = phones.setdefault((order.sms_project_id, order.sms_country_id), [])
        if order.phone and order.phone not in numbers:
            numbers.append(order.phone)
    for row in rows:
        row.own_numbers = phones.get((row.project_id, row.country_id), [])
    return rows


def _context(request: HttpRequest, code: str, error: PlacementError | None = None) -> dict:
    places = countries()
    codes = [c["code"] for c in places]
    if code not in codes:
        code = "us" if "us" in codes else (codes[0] if codes else "")
    history = []
    if request.user.is_authenticated:
        history = list(Order.objects.filter(user=request.user, kind=Kind.SMS).defer("accounts")
                       .select_related("sms_project", "sms_country")[:HISTORY])
    rows = with_own_numbers(history, offers(code) if code else [])
    return {"countries": places, "country": code, "offers": rows,
            "project": request.GET.get("project", ""), "history": history,
            "error": error.message if error else "",
            "short_of": error.amount if isinstance(error, NotEnoughFunds) else None}


def country_of(project: str) -> str:
    """A country where the project (from the catalog's "Rent a number") is on sale."""
    if not (project.isascii() and project.isdigit()):
        return ""
    return (SmsPrice.objects.on_sale().filter(project_id=int(project))
            .order_by("country__name").values_list("country__code", flat=True).first() or "")


@never_cache  # the customer's numbers: stored by no cache
def sms_page(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("country", "").strip().lower()[:10]
    if not code and (project := request.GET.get("project", "")):
        code = country_of(project[:18])
    return page(request, "storefront/sms.html", _context(request, code), partial="projects")


@never_cache
@require_POST
@customer_required
def rent(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("country", "").strip().lower()[:10]
    token = once.token_of(request.POST)
    try:
        # Consumed and committed before renting: renting commits the charge and then asks
        # the upstream, so it cannot share one transaction with the token.
        if token:
            once.consume(request.user, token)
        require_verified(request.user)
        numbers = rent_numbers(user=request.user, project_id=request.POST.get("project"),
                               country=code, quantity=1,
                               phone=request.POST.get("phone", "")[:40])
    except once.AlreadySubmitted as exc:
        return once.already_placed(request, exc.order_id)
    except PlacementError as exc:  # refused before any charge: the form may be sent again
        if token:
            once.release(token)
        return page(request, "storefront/sms.html", _context(request, code, exc),
                    partial="projects")
    if token:
        once.record(token, numbers[0].pk)
    return go_to_order(request, numbers[0].pk)
