"""What the sandbox sells: the well-known services and SMS projects, and generated filler.

Tests and demos name the well-known entries by the constants below; their ids and behaviours
never change. Filler services (ids from 10 up to the catalog size) are generated from the id
alone, so a catalog of a given size is the same in every run and on every machine.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Entity(StrEnum):
    """The upstream's `entityType`."""

    SMM = "smm"
    PRODUCT = "product"


class Status(StrEnum):
    """Order statuses, spelled as the HstockPlus dialect spells them."""

    PENDING = "Pending"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"
    PARTIAL = "Partial"
    CANCELED = "Canceled"


class Delivery(StrEnum):
    """How the delivered amount grows while an order is In progress."""

    LINEAR = "linear"  # smm: remains falls steadily from start to finish
    AT_START = "at_start"  # products: everything that will arrive arrives when work starts
    AT_FINISH = "at_finish"  # manual products: nothing arrives until the order is done


@dataclass(frozen=True, slots=True)
class Behaviour:
    """An order's life, in sandbox seconds from the moment it was placed.

    Pending until `start`, In progress until `finish`, then `outcome` for good.
    """

    start: float
    finish: float
    outcome: Status = Status.COMPLETED
    delivery: Delivery = Delivery.LINEAR


@dataclass(frozen=True, slots=True)
class Service:
    """One service of the catalog; `stock` is the initial stock (constant for smm)."""

    id: int
    name: str
    category: str
    subcategory: str
    entity: Entity
    rate: Decimal  # per 1,000 for smm, per item for products; keeps its printed places
    min_quantity: int
    max_quantity: int
    stock: int
    behaviour: Behaviour
    refill: bool = False
    cancel: bool = False
    auto_delivery: bool = True
    account_domain: str = "mail.sandbox"

    @property
    def is_product(self) -> bool:
        return self.entity is Entity.PRODUCT


# --- The well-known services --------------------------------------------------------------

INSTAGRAM_FOLLOWERS = 1
INSTAGRAM_LIKES = 2
INSTAGRAM_COMMENTS = 3
GMAIL_USA = 4
OUTLOOK = 5
NETFLIX_PREMIUM = 6
TELEGRAM_MEMBERS = 7
TIKTOK_VIEWS = 8
TWITTER_AGED = 9

SMM_STEADY = Behaviour(start=5, finish=30)
SMM_HALF = Behaviour(start=5, finish=30, outcome=Status.PARTIAL)
SMM_REFUSED = Behaviour(start=10, finish=10, outcome=Status.CANCELED)
SMM_QUICK = Behaviour(start=2, finish=15)
PRODUCT_INSTANT = Behaviour(start=3, finish=3, delivery=Delivery.AT_START)
PRODUCT_HALF = Behaviour(start=3, finish=10, outcome=Status.PARTIAL, delivery=Delivery.AT_START)
PRODUCT_MANUAL = Behaviour(start=20, finish=50, delivery=Delivery.AT_FINISH)


def _smm(
    service_id: int, name: str, where: tuple[str, str], rate: str, limits: tuple[int, int],
    behaviour: Behaviour, *, refill: bool = False, cancel: bool = False,
) -> Service:
    category, subcategory = where
    low, high = limits
    return Service(
        id=service_id, name=name, category=category, subcategory=subcategory,
        entity=Entity.SMM, rate=Decimal(rate), min_quantity=low, max_quantity=high,
        stock=high, behaviour=behaviour, refill=refill, cancel=cancel)


def _product(
    service_id: int, name: str, where: tuple[str, str], rate: str, limits: tuple[int, int],
    behaviour: Behaviour, *, stock: int, domain: str, auto: bool = True,
) -> Service:
    category, subcategory = where
    low, high = limits
    return Service(
        id=service_id, name=name, category=category, subcategory=subcategory,
        entity=Entity.PRODUCT, rate=Decimal(rate), min_quantity=low, max_quantity=high,
        stock=stock, behaviour=behaviour, auto_delivery=auto, account_domain=domain)


WELL_KNOWN_SERVICES: tuple[Service, ...] = (
    _smm(INSTAGRAM_FOLLOWERS, "Instagram Followers", ("Instagram", "Followers"), "0.50",
         (100, 10_000), SMM_STEADY, refill=True),
    _smm(INSTAGRAM_LIKES, "Instagram Likes", ("Instagram", "Likes"), "0.20",
         (50, 50_000), SMM_HALF),
    _smm(INSTAGRAM_COMMENTS, "Instagram Comments", ("Instagram", "Comments"), "4.00",
         (10, 1_000), SMM_REFUSED),
    _product(GMAIL_USA, "Gmail Account - USA", ("Accounts-Email", "Gmail"), "25.00",
             (1, 50), PRODUCT_INSTANT, stock=50, domain="gmail.com"),
    _product(OUTLOOK, "Outlook Account", ("Accounts-Email", "Outlook"), "2.00",
             (1, 100), PRODUCT_HALF, stock=100, domain="outlook.com"),
    _product(NETFLIX_PREMIUM, "Netflix Premium 1 Month", ("Accounts-Streaming", "Netflix"),
             "5.50", (1, 10), PRODUCT_MANUAL, stock=20, domain="stream.sandbox", auto=False),
    _smm(TELEGRAM_MEMBERS, "Telegram Channel Members", ("Telegram", "Members"), "1.25",
         (100, 100_000), SMM_STEADY, cancel=True),
    _smm(TIKTOK_VIEWS, "TikTok Views", ("TikTok", "Views"), "0.0150",
         (100, 1_000_000), SMM_QUICK),
    _product(TWITTER_AGED, "Twitter Account (aged)", ("Accounts-Social", "Twitter"), "3.00",
             (1, 5), PRODUCT_INSTANT, stock=3, domain="twitter.sandbox"),
)
WELL_KNOWN_IDS: tuple[int, ...] = tuple(service.id for service in WELL_KNOWN_SERVICES)

DEFAULT_SERVICES = 40
MAX_SERVICES = 200_000

# --- Filler -------------------------------------------------------------------------------

_SMM_PLATFORMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Instagram", ("Followers", "Likes", "Comments", "Views", "Story Views")),
    ("TikTok", ("Views", "Likes", "Followers", "Shares")),
    ("YouTube", ("Views", "Subscribers", "Likes", "Watch Hours")),
    ("Telegram", ("Members", "Post Views", "Reactions")),
    ("Twitter", ("Followers", "Likes", "Retweets")),
    ("Facebook", ("Page Likes", "Followers", "Post Likes")),
    ("Spotify", ("Plays", "Followers")),
)
_PRODUCT_KINDS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Accounts-Email", (("Gmail", "gmail.com"), ("Outlook", "outlook.com"),
                        ("Yahoo", "yahoo.com"), ("ProtonMail", "proton.me"))),
    ("Accounts-Streaming", (("Netflix", "stream.sandbox"), ("Spotify Premium", "stream.sandbox"),
                            ("Disney+", "stream.sandbox"))),
    ("Accounts-Social", (("Twitter", "twitter.sandbox"), ("Instagram", "insta.sandbox"),
                         ("Facebook", "fb.sandbox"), ("Reddit", "reddit.sandbox"))),
)
_VARIANTS = ("HQ", "Real", "Fast", "Premium", "Non-drop", "Cheap")


@dataclass(frozen=True, slots=True)
class _Slot:
    entity: Entity
    category: str
    subcategory: str
    domain: str = ""


def _slots() -> tuple[_Slot, ...]:
    """Every (platform, subcategory) pair, two smm slots for each product slot."""
    smm = [_Slot(Entity.SMM, platform, sub) for platform, subs in _SMM_PLATFORMS for sub in subs]
    products = [_Slot(Entity.PRODUCT, kind, sub, domain)
                for kind, subs in _PRODUCT_KINDS for sub, domain in subs]
    mixed: list[_Slot] = []
    for index, slot in enumerate(smm):
        mixed.append(slot)
        if index % 2 == 1:
            mixed.append(products[(index // 2) % len(products)])
    return tuple(mixed)


_SLOTS = _slots()


def _filler_smm(service_id: int, slot: _Slot, variant: str) -> Service:
    places = 4 if service_id % 4 == 0 else 2  # the doc shows rates with 2 and 4 decimals
    rate = Decimal((service_id * 37) % 900 + 10).scaleb(-places)
    return Service(
        id=service_id, name=f"{slot.category} {slot.subcategory} - {variant} #{service_id}",
        category=slot.category, subcategory=slot.subcategory, entity=Entity.SMM, rate=rate,
        min_quantity=(10, 50, 100, 500)[service_id % 4],
        max_quantity=(5_000, 10_000, 50_000, 100_000)[service_id % 4],
        stock=(5_000, 10_000, 50_000, 100_000)[service_id % 4], behaviour=SMM_STEADY,
        refill=service_id % 3 == 0, cancel=service_id % 4 == 1)


def _filler_product(service_id: int, slot: _Slot, variant: str) -> Service:
    auto = service_id % 5 != 0
    high = (5, 10, 20, 50, 100)[service_id % 5]
    # Every seventeenth product is sold out, so "Not enough stock" has a natural home.
    stock = 0 if service_id % 17 == 0 else high + (service_id * 29) % 200
    return Service(
        id=service_id, name=f"{slot.subcategory} Account - {variant} #{service_id}",
        category=slot.category, subcategory=slot.subcategory, entity=Entity.PRODUCT,
        rate=Decimal((service_id * 53) % 4_000 + 50).scaleb(-2), min_quantity=1,
        max_quantity=high, stock=stock,
        behaviour=PRODUCT_INSTANT if auto else PRODUCT_MANUAL,
        auto_delivery=auto, account_domain=slot.domain)


def filler_service(service_id: int) -> Service:
    """The generated service with this id (ids above the well-known ones)."""
    slot = _SLOTS[service_id % len(_SLOTS)]
    variant = _VARIANTS[(service_id // len(_SLOTS)) % len(_VARIANTS)]
    if slot.entity is Entity.PRODUCT:
        return _filler_product(service_id, slot, variant)
    return _filler_smm(service_id, slot, variant)


def build_services(size: int = DEFAULT_SERVICES) -> tuple[Service, ...]:
    """The catalog of `size` services: the well-known ones first, then filler up to `size`."""
    first_filler = len(WELL_KNOWN_SERVICES) + 1
    filler = (filler_service(service_id) for service_id in range(first_filler, size + 1))
    return (*WELL_KNOWN_SERVICES, *filler)


# --- SMS ----------------------------------------------------------------------------------

NUMBER_TTL = 60.0  # sandbox seconds a rented number lives


@dataclass(frozen=True, slots=True)
class SmsCountry:
    code: str
    name: str
    dial_code: str
    mobile_prefix: str  # the first national digits of the numbers the sandbox hands out


SMS_COUNTRIES: tuple[SmsCountry, ...] = (
    SmsCountry("us", "United States", "+1", "555"),
    SmsCountry("gb", "United Kingdom", "+44", "7700"),
    SmsCountry("de", "Germany", "+49", "1520"),
    SmsCountry("in", "India", "+91", "98"),
    SmsCountry("br", "Brazil", "+55", "1199"),
)
COUNTRIES_BY_CODE: dict[str, SmsCountry] = {country.code: country for country in SMS_COUNTRIES}


@dataclass(frozen=True, slots=True)
class SmsProject:
    """A service numbers are rented for; `code_at`/`cancel_at` are seconds after renting."""

    id: str
    name: str
    prices: dict[str, Decimal]  # country code -> price per number, in catalog order
    code_at: float | None = None
    cancel_at: float | None = None
    numbers_available: dict[str, int] = field(default_factory=dict)  # absent: unlimited


PROJECT_OPENAI = "65f1a2b3c4d5e6f708192a01"
PROJECT_TELEGRAM = "65f1a2b3c4d5e6f708192a02"
PROJECT_WHATSAPP = "65f1a2b3c4d5e6f708192a03"
PROJECT_DISCORD = "65f1a2b3c4d5e6f708192a04"


def _prices(**by_country: str) -> dict[str, Decimal]:
    # Two significant decimals, printed with four: balances stay exact in cents.
    return {code: Decimal(price) for code, price in by_country.items()}


SMS_PROJECTS: tuple[SmsProject, ...] = (
    SmsProject(PROJECT_OPENAI, "OpenAI / ChatGPT",
               _prices(us="0.5000", gb="0.4500", de="0.4000", **{"in": "0.1500"}), code_at=8),
    SmsProject(PROJECT_TELEGRAM, "Telegram",
               _prices(us="0.3000", gb="0.2500", de="0.2800", br="0.1000", **{"in": "0.0800"}),
               code_at=5, numbers_available={"gb": 2}),
    SmsProject(PROJECT_WHATSAPP, "WhatsApp",
               _prices(us="0.4000", gb="0.3500", br="0.1500", **{"in": "0.1200"})),
    SmsProject(PROJECT_DISCORD, "Discord",
               _prices(us="0.2000", de="0.1800", br="0.0900"), cancel_at=15),
)
PROJECTS_BY_ID: dict[str, SmsProject] = {project.id: project for project in SMS_PROJECTS}
