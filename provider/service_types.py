"""The standard's service types: which fields an order of each type takes, and how many units
it is. `Service.type` is kept from the provider's listing by sync; placing validates an order's
fields by it, and forwarding sends exactly those fields.

`Subscriptions` (username, min, max, posts, delay, expiry; its own status shape) is not
supported yet: its services are refused at placing rather than sent as something else.
"""

from dataclasses import dataclass

MAX_FIELD = 10_000  # characters of one field (a list of comments or usernames)
MAX_SHORT = 200


@dataclass(frozen=True)
class ServiceType:
    fields: tuple[str, ...] = ()  # sent besides `link`, each required
    quantity: bool = True  # the customer gives `quantity` (and it is sent)
    counted: str = ""  # the quantity is the number of non-empty lines of this field
    per_order: bool = False  # one package: a fixed price per order

    @property
    def lists(self) -> frozenset[str]:
        return frozenset(name for name in self.fields if name in LIST_FIELDS)


LIST_FIELDS = frozenset({"comments", "usernames", "hashtags", "groups"})

TYPES: dict[str, ServiceType] = {
    "Default": ServiceType(),
    "Package": ServiceType(quantity=False, per_order=True),
    "Custom Comments": ServiceType(("comments",), quantity=False, counted="comments"),
    "Custom Comments Package": ServiceType(("comments",), quantity=False, per_order=True),
    "Mentions Custom List": ServiceType(("usernames",), quantity=False, counted="usernames"),
    "Mentions": ServiceType(("usernames", "hashtags")),
    "Mentions with Hashtags": ServiceType(("usernames", "hashtags")),
    "Mentions Hashtag": ServiceType(("hashtag",)),
    "Mentions User Followers": ServiceType(("username",)),
    "Mentions Media Likers": ServiceType(("media",)),
    "Comment Likes": ServiceType(("username",)),
    "Poll": ServiceType(("answer_number",)),
    "Invites from Groups": ServiceType(("groups",)),
}
EXTRA_FIELDS = tuple(sorted({name for kind in TYPES.values() for name in kind.fields}))


def service_type(name: str) -> ServiceType | None:
    """The type's rules; None for a type the panel cannot place (e.g. `Subscriptions`)."""
    return TYPES.get(name.strip() or "Default")


def lines(text: str) -> list[str]:
    """One entry per non-empty line (`\\n` or `\\r\\n`), trimmed."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def is_per_order(type_name: str) -> bool:
    kind = service_type(type_name)
    return bool(kind and kind.per_order)
