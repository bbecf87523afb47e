"""What the API page (`/api`) says about each action: parameters, an example request and
an example answer. Kept beside the actions so the page and the code change together."""

import json
import shlex
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Param:
    name: str
    about: str
    required: bool = False


@dataclass(frozen=True)
class ActionDoc:
    name: str
    about: str
    params: tuple[Param, ...] = ()
    example: dict[str, str] = field(default_factory=dict)
    answer: object = None

    def curl(self, endpoint: str) -> str:
        fields = {"key": "YOUR_API_KEY", "action": self.name, **self.example}
        lines = [f"curl -X POST {shlex.quote(endpoint)}"]
        lines += [f"  -d {shlex.quote(f'{name}={value}')}" for name, value in fields.items()]
        return " \\\n".join(lines)

    def answer_json(self, currency: str) -> str:
        text = json.dumps(self.answer, indent=2, ensure_ascii=False)
        return text.replace('"USD"', json.dumps(currency))


SERVICE_ROW = {"service": 1, "name": "Instagram Followers", "type": "Default",
               "category": "Instagram", "rate": "0.55", "min": "100", "max": "10000",
               "refill": True, "cancel": False, "dripfeed": True, "stock": 10000,
               "entityType": "smm",
               "autoDelivery": True}

ACTIONS = (
    ActionDoc(
        "services", _("Every service on sale. Without limit, the standard bare list (min and "
        "max as strings); with limit > 0, one page in an object with total, page, limit (at "
        "most 1000) and total_pages. rate is the price per 1,000 for smm services and per "
        "item for products (entityType product). Products are left out of the plain bare "
        "list, where a standard client would price them per 1,000: ask with products=1, a "
        "category filter or limit. refill and cancel are true only when the panel can carry "
        "them out for that service."),
        (Param("category", _("only this category (a name from categories)")),
         Param("subcategory", _("only this subcategory")),
         Param("limit", _("services per page; 0 or absent: all, as a bare list")),
         Param("page", _("the page, from 1 (with limit)")),
         Param("products", _("1: the bare list includes products (priced per item)"))),
        {}, [SERVICE_ROW]),
    ActionDoc(
        "categories", _("The categories with services on sale, each with its subcategories."),
        (), {}, {"categories": [{"category": "Instagram",
                                  "subcategories": ["Followers", "Likes"]}]}),
    ActionDoc(
        "inventory", _("Stock of one service."),
        (Param("service", _("the service id"), required=True),),
        {"service": "4"}, {"service": 4, "stock": 42, "available": True,
                           "entityType": "product", "autoDelivery": True}),
    ActionDoc(
        "add", _("Place an order; it is charged to your balance at once. The service's type "
        "says which fields it takes: Default (link, quantity; runs and interval for a "
        "drip-feed where dripfeed is true, charged runs x quantity), Package (link only, the "
        "rate is the price of one order), Custom Comments (link, comments one per line: the "
        "quantity is the number of lines), Custom Comments Package (link, comments), "
        "Mentions Custom List (link, usernames one per line, counted likewise), Mentions "
        "(usernames, hashtags), Mentions Hashtag (hashtag), Mentions User Followers and "
        "Comment Likes (username), Mentions Media Likers (media), Poll (answer_number), "
        "Invites from Groups (groups). Subscriptions are not sold through the API yet."),
        (Param("service", _("the service id"), required=True),
         Param("quantity", _("between the service's min and max (not for packages and "
               "types that count lines)")),
         Param("link", _("the URL to deliver to (smm services); for products an optional "
               "delivery e-mail or reference")),
         Param("runs", _("drip-feed: how many deliveries of quantity")),
         Param("interval", _("drip-feed: minutes between runs")),
         Param("comments", _("Custom Comments: one per line")),
         Param("usernames", _("Mentions: one per line")),
         Param("hashtags", _("Mentions: one per line")),
         Param("hashtag", _("Mentions Hashtag")),
         Param("username", _("Mentions User Followers, Comment Likes")),
         Param("media", _("Mentions Media Likers")),
         Param("answer_number", _("Poll: the answer to vote for")),
         Param("groups", _("Invites from Groups: one per line"))),
        {"service": "1", "quantity": "1000", "link": "https://instagram.com/p/abc"},
        {"order": 23501}),
    ActionDoc(
        "status", _("An order's status: Pending, In progress, Completed, Partial or Canceled. "
        "charge is what you paid, less refunds. Products list the delivered accounts. "
        "charge, start_count and remains are strings. With orders (up to 100 ids, or "
        "order=1,2), an object keyed by id; an unknown id answers Incorrect order ID."),
        (Param("order", _("an order id")), Param("orders", _("comma-separated order ids"))),
        {"order": "23501"},
        {"status": "In progress", "charge": "0.5500", "start_count": "1000", "remains": "500",
         "currency": "USD", "autoDelivery": True}),
    ActionDoc(
        "balance", _("Your balance."), (), {}, {"balance": "12.3400", "currency": "USD"}),
    ActionDoc(
        "refill", _("Ask for a refill of a completed order, for services with refill, within "
        "the service's refill window and once per 24 hours per order. With orders (up to 100 "
        "ids), a list with one item per order: the refill id or an error."),
        (Param("order", _("the order id")), Param("orders", _("comma-separated order ids"))),
        {"order": "23501"}, {"refill": 12}),
    ActionDoc(
        "refill_status", _("Where a refill stands. With refills (up to 100 ids), a list with "
        "one item per refill."),
        (Param("refill", _("the refill id")), Param("refills", _("comma-separated refill ids"))),
        {"refill": "12"}, {"status": "Completed"}),
    ActionDoc(
        "cancel", _("Ask to cancel orders in progress, for services with cancel; an order "
        "canceled is refunded for what was not delivered once it ends."),
        (Param("orders", _("comma-separated order ids (up to 100)"), required=True),),
        {"orders": "23501,23502"},
        [{"order": 23501, "cancel": 1},
         {"order": 23502, "cancel": {"error": "Incorrect order ID"}}]),
    ActionDoc(
        "sms_countries", _("Countries with verification numbers on sale."), (), {},
        [{"country_code": "us", "country_name": "United States"}]),
    ActionDoc(
        "sms_projects", _("What numbers can verify, with the price of one number."),
        (Param("country", _("a country code, e.g. us")),), {"country": "us"},
        [{"project_id": "3", "name": "OpenAI / ChatGPT", "price": "0.5500",
          "country_id": "us", "country_title": "United States"}]),
    ActionDoc(
        "add_sms", _("Rent numbers, charged at once. Numbers the provider could not supply are "
        "not listed and not charged."),
        (Param("project_id", _("from sms_projects"), required=True),
         Param("country", _("a country code (default us)")),
         Param("quantity", _("1 to 10 (default 1)")),
         Param("phone", _("a number you rented before for this project and country, to use "
               "again"))),
        {"project_id": "3", "country": "us"},
        {"orders": [{"order": 23510, "phone": "+15550001234", "country": "us",
                     "status": "active"}]}),
    ActionDoc(
        "sms_code", _("The code, once the SMS has arrived (waiting until then; expired or "
        "canceled numbers are refunded)."),
        (Param("order", _("the number's order id"), required=True),), {"order": "23510"},
        {"status": "completed", "code": "123456",
         "sms_content": "Your verification code is 123456"}),
    ActionDoc(
        "sms_status", _("A number's status: active, code_received, expired or canceled."),
        (Param("order", _("the number's order id"), required=True),), {"order": "23510"},
        {"status": "code_received", "phone": "+15550001234", "code": "123456",
         "charge": "0.5500", "currency": "USD", "expires_at": "2026-01-01T12:00:00.000Z"}),
)


def try_fields() -> list[tuple[str, str]]:
    """Each parameter name once, with the actions that take it (for the try-it form)."""
    takers: dict[str, list[str]] = {}
    for doc in ACTIONS:
        for param in doc.params:
            takers.setdefault(param.name, []).append(doc.name)
    return [(name, " ".join(actions)) for name, actions in takers.items()]
