"""A second panel, with its own database, resells this one through the API: it adds this
panel as a provider, syncs its catalog and runs an order through both to Completed."""

import os
import subprocess
import sys
from pathlib import Path

from orders.forwarding import forward_waiting
from orders.models import Order
from orders.states import State
from orders.tracking import poll
from panel.apikeys import regenerate_api_key
from provider.models import Service
from tests.panel.api.helpers import FOLLOWERS, LINK

ROOT = Path(__file__).resolve().parents[3]


class Panel:
    """Another instance of the panel: `manage.py` in a subprocess, its own SQLite file."""

    def __init__(self, home: Path) -> None:
        self.env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": f"sqlite:///{home / 'panel.sqlite3'}",
            "PANEL_VAR_DIR": str(home),
            "STATIC_ROOT": str(home / "static"),
            # Nothing shared with this instance: its own cache and broker.
            "CACHE_URL": "locmemcache://second",
            "CELERY_BROKER_URL": "filesystem://",
        }

    def manage(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, f"manage.py {args[0]}:\n{done.stdout}\n{done.stderr}"
        return done.stdout.strip()

    def shell(self, code: str) -> str:
        return self.manage("shell", "-c", code).splitlines()[-1]


def test_a_second_panel_resells_this_one(live_server, transactional_db, provider, alice,
                                         sandbox, tmp_path):
    key = regenerate_api_key(alice)
    second = Panel(tmp_path)
    second.manage("migrate", "--noinput")
    second.manage("create_customer", "carol@example.com", "--balance", "50")
    second.manage("add_provider", "first-panel", "--url", f"{live_server.url}/api/v2",
                  "--key", key)
    second.manage("sync_catalog")

    # It sees this panel's catalog, with this panel's ids, names and prices.
    followers = Service.objects.get(provider=provider, upstream_id=FOLLOWERS)
    listed = second.shell(
        "from provider.models import Service, Provider; "
        f"s = Service.objects.get(upstream_id={followers.pk}); "
        "p = Provider.objects.get(); "
        "print(Service.objects.count(), s.name, s.rate, s.entity_type, s.price_unit, "
        "s.category.name, s.subcategory.name, p.multi_status)")
    on_sale = Service.objects.filter(enabled=True, available=True).count()
    assert listed.split() == [str(on_sale), "Instagram", "Followers",
                              f"{followers.sell_price:.6f}", "smm", "1000", "Instagram",
                              "Followers", "True"]

    # An order there goes through this panel to the sandbox and back.
    theirs = second.shell(
        "from orders.placing import place_order; from panel.models import User; "
        "from provider.models import Service; "
        f"s = Service.objects.get(upstream_id={followers.pk}); "
        "o = place_order(user=User.objects.get(email='carol@example.com'), service_id=s.pk, "
        f"quantity=1000, link='{LINK}'); print(o.pk)")
    assert "1 placed" in second.manage("forward_orders")
    ours = Order.objects.get(user=alice)
    assert (ours.service, ours.quantity, ours.link, ours.state) == (
        followers, 1000, LINK, State.QUEUED)
    forward_waiting(ignore_backoff=True)
    assert Order.objects.get(pk=ours.pk).state == State.PLACED
    sandbox.advance(40)
    poll(everything=True)
    assert Order.objects.get(pk=ours.pk).state == State.COMPLETED
    second.manage("poll_orders")
    state = second.shell(
        "from orders.models import Order; "
        f"o = Order.objects.get(pk={theirs}); print(o.state, o.upstream_id, o.remains, "
        "o.upstream_charge)")
    assert state.split() == [State.COMPLETED, str(ours.pk), "0", f"{ours.charge:.6f}"]
