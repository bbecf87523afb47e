"""The `/_sandbox/` control endpoints, driven over HTTP as another process would."""

import pytest
import requests

from provider.sandbox.catalog import GMAIL_USA, INSTAGRAM_FOLLOWERS, PROJECT_OPENAI

ORDER = {"service": INSTAGRAM_FOLLOWERS, "quantity": 100, "link": "https://x.test/p"}


def control(sandbox, method, name, body=None):
    response = requests.request(method, f"{sandbox.control_url}/{name}", json=body, timeout=5)
    return response.status_code, response.json()


def test_reset_with_knobs(sandbox):
    sandbox.call("add", **ORDER)
    code, reply = control(sandbox, "POST", "reset", {"services": 60, "balance": "12.50"})
    assert code == 200
    assert reply["knobs"]["services"] == 60
    assert reply["balance"] == "12.50"
    assert sandbox.orders() == []
    assert sandbox.call("services").json()["total"] == 60


def test_reset_without_a_body(sandbox):
    sandbox.configure(balance=1)
    response = requests.post(f"{sandbox.control_url}/reset", timeout=5)
    assert response.json()["balance"] == "1000.00"


def test_config_reads_and_changes_knobs(sandbox):
    code, reply = control(sandbox, "GET", "config")
    assert code == 200
    assert reply["knobs"] == {
        "services": 40, "latency_ms": 0, "speed": 1.0, "balance": "1000.00",
        "key": "sandbox-key", "multi_status": False, "standard_multi_status": True,
        "currency": "USD"}
    assert reply["now"].endswith("Z")
    code, reply = control(sandbox, "POST", "config", {"multi_status": True, "currency": "EUR"})
    assert code == 200
    assert (reply["knobs"]["multi_status"], reply["knobs"]["currency"]) == (True, "EUR")
    assert sandbox.state.knobs.multi_status is True


def test_faults_are_added_listed_and_cleared(sandbox):
    code, reply = control(sandbox, "POST", "faults",
                          {"action": "add", "kind": "error", "service": 4, "times": 2,
                           "message": "Nope"})
    assert code == 200
    assert reply["faults"] == [{"action": "add", "kind": "error", "service": "4", "times": 2,
                                "message": "Nope", "delay": 3.0}]
    assert sandbox.call("add", service=GMAIL_USA, quantity=1).json() == {"error": "Nope"}
    assert control(sandbox, "GET", "faults")[1]["faults"][0]["times"] == 1
    assert control(sandbox, "DELETE", "faults") == (200, {"faults": []})
    assert "order" in sandbox.call("add", service=GMAIL_USA, quantity=1).json()


def test_advance_moves_the_clock(sandbox):
    sandbox.reset(speed=0)
    order_id = sandbox.call("add", **ORDER).json()["order"]
    code, reply = control(sandbox, "POST", "advance", {"seconds": 30})
    assert code == 200
    assert reply["now"].endswith("Z")
    assert sandbox.call("status", order=order_id).json()["status"] == "Completed"


def test_orders_lists_every_order_and_number(sandbox):
    order_id = sandbox.call("add", **ORDER).json()["order"]
    sandbox.call("add", dialect="standard", **ORDER)
    number = sandbox.call("add_sms", project_id=PROJECT_OPENAI).json()["orders"][0]
    code, reply = control(sandbox, "GET", "orders")
    assert code == 200
    first, second = reply["orders"]
    assert {key: first[key] for key in ("order", "service", "quantity", "link", "dialect")} == {
        "order": order_id, "service": 1, "quantity": 100, "link": "https://x.test/p",
        "dialect": "hstockplus"}
    assert first["created_at"].endswith("Z")
    assert (first["status"], first["charge"]) == ("Pending", "0.05")
    assert second["dialect"] == "standard"
    [rented] = reply["numbers"]
    assert {key: rented[key] for key in ("order", "project_id", "country", "phone")} == {
        "order": number["order"], "project_id": PROJECT_OPENAI, "country": "us",
        "phone": number["phone"]}


def test_calls_are_counted_per_dialect_and_action_and_can_be_reset(sandbox):
    sandbox.call("balance")
    sandbox.call("balance")
    sandbox.call("services", dialect="standard")
    sandbox.call("nonsense")
    sandbox.fault("balance", "http500", times=1)
    sandbox.call("balance")  # a faulted call still reached the upstream
    code, reply = control(sandbox, "GET", "calls")
    assert code == 200
    assert reply == {"calls": {"hstockplus": {"balance": 3, "nonsense": 1},
                               "standard": {"services": 1}}, "total": 5}
    assert control(sandbox, "DELETE", "calls") == (200, {"calls": {}, "total": 0})


@pytest.mark.parametrize(("method", "name", "body", "code"), [
    ("POST", "reset", {"colour": "blue"}, 400),
    ("POST", "config", {"speed": "fast"}, 400),
    ("POST", "faults", {"action": "add", "kind": "explode"}, 400),
    ("POST", "faults", {"action": "add", "kind": "lost", "when": "now"}, 400),
    ("POST", "advance", {"seconds": -5}, 400),
    ("POST", "advance", {"seconds": "soon"}, 400),
    ("GET", "nowhere", None, 404),
    ("DELETE", "orders", None, 405),
    ("GET", "reset", None, 405),
])
def test_control_errors(sandbox, method, name, body, code):
    status, reply = control(sandbox, method, name, body)
    assert status == code
    assert "error" in reply


def test_control_refuses_a_body_that_is_not_a_json_object(sandbox):
    for raw in (b"{not json", b"[1, 2]"):
        response = requests.post(f"{sandbox.control_url}/config", data=raw, timeout=5)
        assert response.status_code == 400
        assert "error" in response.json()


def test_services_endpoint_changes_rate_and_stock(sandbox):
    code, reply = control(sandbox, "POST", "services", {"service": 4, "rate": "30", "stock": 2})
    assert code == 200
    assert (reply["service"], reply["rate"], reply["stock"]) == (4, "30.00", 2)
    assert sandbox.call("add", service=GMAIL_USA, quantity=3).json() == {
        "error": "Not enough stock"}
    for bad in ({"rate": "1"}, {"service": 999, "rate": "1"}, {"service": 1, "rate": "x"},
                {"service": 1, "stock": 3}, {"service": 1, "colour": "red"}):
        assert control(sandbox, "POST", "services", bad)[0] == 400
