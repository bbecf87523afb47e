"""The HTTP surface: methods, paths, the key and action checks, keep-alive, content types."""

import http.client

import pytest
import requests


@pytest.mark.parametrize("path", ["/api/v2", "/api/v2/", "/standard/api/v2",
                                  "/standard/api/v2/"])
def test_both_endpoints_answer_with_and_without_a_trailing_slash(sandbox, path):
    response = requests.post(sandbox.server.base_url + path,
                             data={"key": sandbox.key, "action": "balance"}, timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"balance": "1000.00", "currency": "USD"}


@pytest.mark.parametrize("path", ["/api/v2", "/standard/api/v2"])
def test_get_is_refused(sandbox, path):
    response = requests.get(sandbox.server.base_url + path,
                            params={"key": sandbox.key, "action": "balance"}, timeout=5)
    assert response.status_code == 405
    assert response.json() == {"error": "Invalid request method"}


def test_unknown_paths_are_not_found(sandbox):
    response = requests.post(sandbox.server.base_url + "/api/v1", timeout=5)
    assert (response.status_code, response.json()) == (404, {"error": "Not found"})


@pytest.mark.parametrize("dialect", ["hstockplus", "standard"])
@pytest.mark.parametrize(("params", "message"), [
    ({"key": "wrong"}, "Invalid API key"),
    ({"key": ""}, "Invalid API key"),
    ({"action": ""}, "Invalid action"),
    ({"action": "buy_everything"}, "Invalid action"),
])
def test_key_and_action_are_checked_with_http_200(sandbox, dialect, params, message):
    params = {"action": "balance", **params}
    response = sandbox.call(dialect=dialect, **params)
    assert (response.status_code, response.json()) == (200, {"error": message})


def test_a_missing_key_is_invalid(sandbox):
    response = requests.post(sandbox.url, data={"action": "balance"}, timeout=5)
    assert response.json() == {"error": "Invalid API key"}


def test_wrong_key_is_checked_before_the_action(sandbox):
    assert sandbox.call("nonsense", key="wrong").json() == {"error": "Invalid API key"}


def test_answers_are_http_1_1_and_connections_are_kept_alive(sandbox):
    connection = http.client.HTTPConnection(sandbox.server.host, sandbox.server.port, timeout=5)
    body = f"key={sandbox.key}&action=balance"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    try:
        for _ in range(3):
            connection.request("POST", "/api/v2", body=body, headers=headers)
            response = connection.getresponse()
            assert response.version == 11
            assert response.getheader("Connection") != "close"
            assert response.read() == b'{"balance": "1000.00", "currency": "USD"}'
        first_socket = connection.sock
        connection.request("POST", "/api/v2", body=body, headers=headers)
        connection.getresponse().read()
        assert connection.sock is first_socket  # still the same connection
    finally:
        connection.close()


def test_a_client_asking_to_close_gets_the_connection_closed(sandbox):
    connection = http.client.HTTPConnection(sandbox.server.host, sandbox.server.port, timeout=5)
    try:
        connection.request("POST", "/api/v2", body=f"key={sandbox.key}&action=balance",
                           headers={"Content-Type": "application/x-www-form-urlencoded",
                                    "Connection": "close"})
        response = connection.getresponse()
        assert response.getheader("Connection") == "close"
        assert response.read()
    finally:
        connection.close()


def test_url_encoded_values_are_decoded(sandbox):
    link = "https://instagram.com/p/a b?x=1&y=2"
    order_id = sandbox.call("add", service=1, quantity=100, link=link).json()["order"]
    assert sandbox.state.order_view(order_id).order.link == link


def test_the_handle_exposes_the_endpoints(sandbox):
    assert sandbox.url == f"http://127.0.0.1:{sandbox.server.port}/api/v2"
    assert sandbox.standard_url == f"http://127.0.0.1:{sandbox.server.port}/standard/api/v2"
    assert sandbox.key == "sandbox-key"
    assert sandbox.state is sandbox.server.state
