"""Every knob: catalog size, latency, speed, balance, key, currency, multi-status, and the clock."""

import threading
import time
from decimal import Decimal

import pytest
import requests

from provider.sandbox import KnobError, Knobs, SandboxState
from provider.sandbox.catalog import INSTAGRAM_FOLLOWERS
from provider.sandbox.clock import Clock
from provider.sandbox.wsgi import knobs_from_env

ORDER = {"service": INSTAGRAM_FOLLOWERS, "quantity": 100, "link": "https://x.test/p"}


def test_defaults():
    assert Knobs() == Knobs(services=40, latency_ms=0, speed=1.0, balance=Decimal("1000.00"),
                            key="sandbox-key", multi_status=False, standard_multi_status=True,
                            currency="USD")


def test_services_knob_sizes_the_catalog(sandbox):
    sandbox.reset(services=120)
    assert sandbox.call("services").json()["total"] == 120
    sandbox.reset()
    assert sandbox.call("services").json()["total"] == 40


def test_configure_resizes_the_catalog_and_keeps_orders(sandbox):
    order_id = sandbox.call("add", **ORDER).json()["order"]
    sandbox.configure(services=1000)
    assert sandbox.call("services", limit=1).json()["total"] == 1000
    assert sandbox.call("status", order=order_id).json()["charge"] == "0.05"


def test_latency_is_added_to_every_api_call(sandbox):
    sandbox.configure(latency_ms=200)
    started = time.perf_counter()
    sandbox.call("balance")
    assert time.perf_counter() - started >= 0.2
    started = time.perf_counter()
    requests.get(f"{sandbox.control_url}/config", timeout=5)
    assert time.perf_counter() - started < 0.2  # control endpoints are not delayed


def test_calls_run_concurrently(sandbox):
    sandbox.configure(latency_ms=300)
    replies: list[int] = []

    def one_call() -> None:
        replies.append(sandbox.call("balance").status_code)

    threads = [threading.Thread(target=one_call) for _ in range(6)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert replies == [200] * 6
    assert time.perf_counter() - started < 1.2


def test_speed_zero_stops_the_clock_and_advance_moves_it(sandbox):
    sandbox.reset(speed=0)
    before = sandbox.state.now()
    time.sleep(0.01)
    assert sandbox.state.now() == before
    sandbox.advance(12.5)
    assert sandbox.state.now() == before + 12.5


def test_a_fast_clock_finishes_orders_in_real_time(sandbox):
    sandbox.reset(speed=1000)
    order_id = sandbox.call("add", **ORDER).json()["order"]
    time.sleep(0.05)  # 50 sandbox seconds
    assert sandbox.call("status", order=order_id).json()["status"] == "Completed"


def test_at_normal_speed_an_order_finishes_within_a_minute(sandbox):
    order_id = sandbox.call("add", **ORDER).json()["order"]
    assert sandbox.call("status", order=order_id).json()["status"] == "Pending"
    sandbox.advance(60)
    assert sandbox.call("status", order=order_id).json()["status"] == "Completed"


def test_clock_speed_changes_without_a_jump():
    real = [0.0]
    clock = Clock(2.0, start=1000.0, monotonic=lambda: real[0])
    real[0] = 10.0
    assert clock.now() == 1020.0  # 10 real seconds at 2x
    clock.set_speed(0.5)
    assert clock.now() == 1020.0
    real[0] = 20.0
    assert clock.now() == 1025.0  # 10 more real seconds at 0.5x
    clock.advance(5)
    assert clock.now() == 1030.0
    with pytest.raises(ValueError):
        clock.advance(-1)
    with pytest.raises(ValueError):
        clock.set_speed(-1)


def test_configure_speed_keeps_orders_where_they_are(sandbox):
    sandbox.reset(speed=0)
    order_id = sandbox.call("add", **ORDER).json()["order"]
    sandbox.advance(17.5)
    sandbox.configure(speed=0)
    assert sandbox.call("status", order=order_id).json()["remains"] == 50


def test_balance_knob(sandbox):
    sandbox.reset(balance="0.04")
    assert sandbox.call("balance").json()["balance"] == "0.04"
    assert sandbox.call("add", **ORDER).json() == {"error": "Insufficient balance"}
    sandbox.configure(balance=250)
    assert sandbox.call("balance").json()["balance"] == "250.00"
    assert "order" in sandbox.call("add", **ORDER).json()


def test_key_knob(sandbox):
    sandbox.reset(key="other-key")
    assert sandbox.key == "other-key"
    assert sandbox.call("balance").json()["balance"] == "1000.00"
    assert sandbox.call("balance", key="sandbox-key").json() == {"error": "Invalid API key"}


def test_currency_knob(sandbox):
    sandbox.reset(currency="EUR")
    order_id = sandbox.call("add", **ORDER).json()["order"]
    assert sandbox.call("balance").json()["currency"] == "EUR"
    assert sandbox.call("status", order=order_id).json()["currency"] == "EUR"
    assert sandbox.call("status", dialect="standard", order=order_id).json()["currency"] == "EUR"
    number = sandbox.call("add_sms", project_id="65f1a2b3c4d5e6f708192a01").json()
    sms = sandbox.call("sms_status", order=number["orders"][0]["order"]).json()
    assert sms["currency"] == "EUR"


def test_reset_puts_everything_back(sandbox):
    sandbox.configure(multi_status=True, latency_ms=5)
    sandbox.call("add", **ORDER)
    sandbox.call("add_sms", project_id="65f1a2b3c4d5e6f708192a02", country="gb", quantity=2)
    sandbox.reset()
    assert sandbox.state.knobs == Knobs()
    assert sandbox.orders() == []
    assert sandbox.numbers() == []
    assert sandbox.state.calls() == {}
    again = sandbox.call("add_sms", project_id="65f1a2b3c4d5e6f708192a02", country="gb")
    assert again.json()["orders"][0]["order"] == 23501


@pytest.mark.parametrize("changes", [
    {"colour": "blue"},
    {"services": 3},
    {"services": "many"},
    {"latency_ms": -1},
    {"speed": -2},
    {"speed": "nan"},
    {"balance": "-1"},
    {"balance": "lots"},
    {"key": ""},
    {"multi_status": "maybe"},
])
def test_bad_knobs_are_refused_and_change_nothing(changes):
    state = SandboxState()
    with pytest.raises(KnobError):
        state.configure(**changes)
    with pytest.raises(KnobError):
        state.reset(**changes)
    assert state.knobs == Knobs()


def test_flags_accept_strings():
    assert Knobs().with_changes(multi_status="true", standard_multi_status="0") == Knobs(
        multi_status=True, standard_multi_status=False)


def test_knobs_from_the_environment():
    env = {"SANDBOX_SERVICES": "500", "SANDBOX_LATENCY_MS": "20", "SANDBOX_SPEED": "10",
           "SANDBOX_KEY": "k", "UNRELATED": "x"}
    assert knobs_from_env(env) == Knobs(services=500, latency_ms=20, speed=10.0, key="k")
    assert knobs_from_env({"SANDBOX_SERVICES": ""}) == Knobs()
