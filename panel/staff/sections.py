"""The queue's sections, in the order staff see them. Each is a title, a selector and a
count from a domain module, and a partial that shows its rows: another reason to call a
person (manual deposits, say) is one more `Section` and one template."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from orders import queue
from payments.manual import pending_manual_deposits
from support import tickets


@dataclass(frozen=True)
class Section:
    key: str  # the anchor and the element id
    title: str
    hint: str  # one line under the title: what the rows have in common
    rows: Callable[[], list]
    count: Callable[[], int]
    template: str
    # How many items the rows hold (the lists of groups hold several each).
    size: Callable[[list], int] = len


SECTIONS: list[Section] = [
    Section("review", _("In review"),
            _("Sending had an unknown outcome: the provider may have the order. Search its site "
            "for the link and quantity, then attach its id, resend, or fail and refund."),
            queue.in_review, queue.count_in_review, "staff/_review.html"),
    Section("funds", _("Waiting for provider funds"),
            _("Our account at the provider is short. Top it up there, then retry."),
            queue.waiting_for_funds, queue.count_waiting_for_funds, "staff/_funds.html",
            size=lambda groups: sum(len(group.orders) for group in groups)),
    Section("manual", _("Manual deliveries"),
            _("Products the provider delivers by hand, and orders delivered short."),
            queue.manual_deliveries, queue.count_manual, "staff/_manual.html"),
    Section("deposits", _("Manual deposits to confirm"),
            _("Customers say they paid by a manual method: find the payment by its reference, "
            "then approve (the wallet is credited once) or reject."),
            lambda: list(pending_manual_deposits()),
            lambda: pending_manual_deposits().count(), "staff/_deposits.html"),
    Section("stuck", _("Stuck"),
            _("No progress for longer than usual, statuses the panel does not know, SMS numbers "
            "to watch, and providers whose checks fail."),
            queue.stuck, queue.count_stuck, "staff/_stuck.html"),
    Section("tickets", _("Unanswered tickets"),
            _("Customers' questions waiting for an answer, the longest waiting first."),
            tickets.unanswered, tickets.count_unanswered, "staff/_tickets.html"),
]


@dataclass(frozen=True)
class Filled:
    section: Section
    rows: list

    @property
    def count(self) -> int:
        return self.section.size(self.rows)


def filled() -> list[Filled]:
    return [Filled(section, section.rows()) for section in SECTIONS]


def counts() -> dict[str, int]:
    """Each section's count, and `total`: for the navigation and the admin home."""
    numbers = {section.key: section.count() for section in SECTIONS}
    return numbers | {"total": sum(numbers.values())}
