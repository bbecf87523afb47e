"""Django-side helpers of the polling benchmark (imported after django.setup())."""

import os
import time
from decimal import Decimal

from django.utils import timezone

from orders.models import Order
from orders.states import State
from orders.tracking import POLL_CONCURRENCY, PollSummary, poll
from panel.models import User
from provider.models import Provider, Service


def make_placed_orders(upstream_ids: list[int]) -> None:
    user = User.objects.create_user(email="bench@example.com")
    provider = Provider.objects.get()
    service = Service.objects.get(provider=provider, upstream_id=1)
    now = timezone.now()
    Order.objects.bulk_create([
        Order(user=user, provider=provider, service=service, link="https://x.example/p",
              quantity=100, unit_price=service.sell_price, price_unit=1000,
              charge=Decimal("0.05"), state=State.PLACED, upstream_id=upstream_id,
              placed_at=now, next_check_at=now)
        for upstream_id in upstream_ids], batch_size=1000)


def run_pass(*, multi: bool) -> tuple[float, PollSummary]:
    Provider.objects.update(multi_status=multi)
    start = time.perf_counter()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        with cProfile.Profile() as profile:
            summary = poll(everything=True)
        profile.dump_stats(f"/tmp/poll-{'multi' if multi else 'single'}.prof")
    else:
        summary = poll(everything=True)
    summary.concurrency = POLL_CONCURRENCY
    return time.perf_counter() - start, summary
