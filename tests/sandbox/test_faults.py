"""Every fault kind, seen from a real HTTP client, and the rules that choose them."""

import json
import socket
import time

import pytest
import requests

from provider.sandbox import FaultKind, make_rule
from provider.sandbox.catalog import GMAIL_USA, INSTAGRAM_FOLLOWERS, PROJECT_OPENAI

ORDER = {"service": INSTAGRAM_FOLLOWERS, "quantity": 100, "link": "https://x.test/p"}


def test_timeout_sleeps_first_then_processes_and_answers(sandbox):
    sandbox.fault("add", "timeout", delay=0.5)
    with pytest.raises(requests.ReadTimeout):
        sandbox.call("add", timeout=0.2, **ORDER)
    time.sleep(0.5)  # the server finishes the call after the client gave up
    assert len(sandbox.orders()) == 1
    started = time.perf_counter()
    assert "order" in sandbox.call("add", **ORDER).json()
    assert time.perf_counter() - started >= 0.5


def test_a_call_sleeping_through_a_reset_is_not_processed(sandbox):
    sandbox.fault("add", "timeout", delay=0.4)
    with pytest.raises(requests.ReadTimeout):
        sandbox.call("add", timeout=0.1, **ORDER)
    sandbox.reset()
    time.sleep(0.5)
    assert sandbox.orders() == []


def test_a_call_sleeping_through_a_reset_leaves_the_next_tests_faults_alone(sandbox):
    """A call still in its latency when its test ends (and the sandbox is reset) must not
    take a fault the next test arms: that test would see one fault fewer than it asked for."""
    sandbox.configure(latency_ms=400)
    with pytest.raises(requests.ReadTimeout):
        sandbox.call("balance", timeout=0.1)
    sandbox.reset()
    sandbox.fault("balance", "http500", times=1)
    time.sleep(0.5)  # the old call wakes up, after the reset
    assert sandbox.call("balance").status_code == 500
    assert sandbox.call("balance").status_code == 200


def test_lost_creates_the_order_then_closes_without_an_answer(sandbox):
    sandbox.fault("add", "lost", delay=0.2, times=1)
    started = time.perf_counter()
    with pytest.raises(requests.ConnectionError):
        sandbox.call("add", **ORDER)
    assert time.perf_counter() - started >= 0.2
    assert len(sandbox.orders()) == 1


def test_reset_creates_the_order_then_resets_the_connection(sandbox):
    sandbox.fault("add", "reset")
    with pytest.raises(requests.ConnectionError):
        sandbox.call("add", **ORDER)
    assert len(sandbox.orders()) == 1


def _raw_post(sandbox, body: bytes) -> bytes:
    with socket.create_connection((sandbox.server.host, sandbox.server.port), timeout=5) as sock:
        sock.sendall(b"POST /api/v2 HTTP/1.1\r\nHost: sandbox\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        return sock.recv(65536)


def test_reset_is_a_tcp_reset_and_lost_is_a_clean_close(sandbox):
    body = f"key={sandbox.key}&action=balance".encode()
    sandbox.fault("balance", "reset", times=1)
    with pytest.raises(ConnectionResetError):
        _raw_post(sandbox, body)
    sandbox.fault("balance", "lost", times=1, delay=0)
    assert _raw_post(sandbox, body) == b""  # EOF, no response bytes
    assert _raw_post(sandbox, body).startswith(b"HTTP/1.1 200")


@pytest.mark.parametrize("kind", ["lost", "reset"])
def test_a_pooled_session_recovers_on_a_new_connection(sandbox, kind):
    with requests.Session() as session:
        data = {"key": sandbox.key, "action": "balance"}
        assert session.post(sandbox.url, data=data, timeout=5).status_code == 200
        sandbox.fault("balance", kind, times=1, delay=0)
        with pytest.raises(requests.ConnectionError):
            session.post(sandbox.url, data=data, timeout=5)
        assert session.post(sandbox.url, data=data, timeout=5).json()["balance"] == "1000.00"


def test_http500_is_plain_text_and_not_processed(sandbox):
    sandbox.fault("add", "http500")
    response = sandbox.call("add", **ORDER)
    assert response.status_code == 500
    assert response.text == "Internal Server Error"
    assert response.headers["Content-Type"].startswith("text/plain")
    assert sandbox.orders() == []


def test_html_is_a_bad_gateway_page_and_not_processed(sandbox):
    sandbox.fault("add", "html")
    response = sandbox.call("add", **ORDER)
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.text.startswith("<html>")
    assert "Bad Gateway" in response.text
    assert sandbox.orders() == []


def test_malformed_is_processed_and_answers_truncated_json(sandbox):
    sandbox.fault("add", "malformed")
    response = sandbox.call("add", **ORDER)
    assert response.status_code == 200
    assert response.text.startswith("{")
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)
    assert len(sandbox.orders()) == 1


def test_error_answers_an_error_body_without_processing(sandbox):
    sandbox.fault("add", "error", times=1)
    sandbox.fault("add", "error", message="Service is under maintenance", times=1)
    first = sandbox.call("add", **ORDER)
    assert (first.status_code, first.json()) == (200, {"error": "Insufficient balance"})
    assert sandbox.call("add", **ORDER).json() == {"error": "Service is under maintenance"}
    assert sandbox.orders() == []
    assert "order" in sandbox.call("add", **ORDER).json()


def test_times_limits_a_rule_to_the_next_calls(sandbox):
    sandbox.fault("balance", "http500", times=2)
    codes = [sandbox.call("balance").status_code for _ in range(3)]
    assert codes == [500, 500, 200]
    assert sandbox.state.faults() == []


def test_a_rule_for_one_service_leaves_the_others_alone(sandbox):
    sandbox.fault("add", "error", service=GMAIL_USA, message="Out of Gmail")
    assert sandbox.call("add", service=GMAIL_USA, quantity=1).json() == {"error": "Out of Gmail"}
    assert "order" in sandbox.call("add", **ORDER).json()


def test_a_rule_for_one_action_leaves_the_others_alone(sandbox):
    sandbox.fault("status", "http500")
    order_id = sandbox.call("add", **ORDER).json()["order"]
    assert sandbox.call("status", order=order_id).status_code == 500
    assert sandbox.call("balance").status_code == 200


@pytest.mark.parametrize("action", ["services", "status", "balance", "sms_code", "add_sms"])
def test_faults_apply_to_any_action(sandbox, action):
    sandbox.fault(action, "html")
    assert sandbox.call(action).status_code == 502


def test_sms_faults_can_target_a_project(sandbox):
    sandbox.fault("add_sms", "error", service=PROJECT_OPENAI, message="No numbers")
    assert sandbox.call("add_sms", project_id=PROJECT_OPENAI).json() == {"error": "No numbers"}


def test_faults_apply_to_the_standard_dialect_too(sandbox):
    sandbox.fault("status", "malformed")
    order_id = sandbox.call("add", dialect="standard", **ORDER).json()["order"]
    response = sandbox.call("status", dialect="standard", order=order_id)
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)


def test_the_first_matching_rule_wins_and_clear_removes_all(sandbox):
    sandbox.fault("balance", "http500", times=1)
    sandbox.fault("balance", "html")
    assert sandbox.call("balance").status_code == 500
    assert sandbox.call("balance").status_code == 502
    sandbox.state.clear_faults()
    assert sandbox.call("balance").status_code == 200


def test_reset_clears_faults(sandbox):
    sandbox.fault("balance", "http500")
    sandbox.reset()
    assert sandbox.call("balance").status_code == 200


def test_rule_defaults_and_validation():
    rule = make_rule("add", "timeout")
    assert (rule.kind, rule.delay, rule.times, rule.service, rule.message) == (
        FaultKind.TIMEOUT, 3.0, None, None, "Insufficient balance")
    assert make_rule("add", "error", service=4).service == "4"
    for bad in [
        {"action": "", "kind": "lost"},
        {"action": "add", "kind": "explode"},
        {"action": "add", "kind": "lost", "times": 0},
        {"action": "add", "kind": "lost", "delay": -1},
    ]:
        with pytest.raises(ValueError):
            make_rule(**bad)
