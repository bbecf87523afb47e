"""The ways to run the sandbox: `manage.py run_sandbox`, gunicorn on `provider.sandbox.wsgi`."""

import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from provider.sandbox import SandboxApp
from provider.sandbox.app import ConnectionDropped

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, key: str) -> requests.Response:
    deadline = time.monotonic() + 20
    while True:
        try:
            return requests.post(url, data={"key": key, "action": "balance"}, timeout=2)
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGINT)
    try:
        return process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


def test_run_sandbox_prints_its_url_and_key_and_stops_on_ctrl_c():
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_sandbox", "--port", str(port), "--services", "60",
         "--key", "cmd-key", "--latency", "1", "--speed", "2", "--quiet"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        lines = [process.stdout.readline() for _ in range(5)]
        url = f"http://127.0.0.1:{port}/api/v2"
        assert url in lines[0]
        assert f"http://127.0.0.1:{port}/standard/api/v2" in lines[1]
        assert "API key: cmd-key" in "".join(lines)
        assert _wait_until_up(url, "cmd-key").json()["balance"] == "1000.00"
        services = requests.post(url, data={"key": "cmd-key", "action": "services"}, timeout=5)
        assert services.json()["total"] == 60
        config = requests.get(f"http://127.0.0.1:{port}/_sandbox/config", timeout=5).json()
        assert (config["knobs"]["latency_ms"], config["knobs"]["speed"]) == (1, 2.0)
    finally:
        code = _stop(process)
    assert code == 0
    assert "Sandbox stopped." in process.stdout.read()


def test_run_sandbox_refuses_bad_knobs():
    result = subprocess.run(
        [sys.executable, "manage.py", "run_sandbox", "--port", "0", "--services", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "services" in result.stderr


def test_gunicorn_serves_the_wsgi_module_configured_from_the_environment():
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        pytest.skip("gunicorn is not installed")
    port = _free_port()
    env = {**os.environ, "SANDBOX_KEY": "g-key", "SANDBOX_SERVICES": "75"}
    process = subprocess.Popen(
        [str(gunicorn), "provider.sandbox.wsgi:application", "-b", f"127.0.0.1:{port}",
         "-w", "1", "--threads", "4", "--log-level", "critical"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        assert _wait_until_up(f"{base}/api/v2", "g-key").json()["balance"] == "1000.00"
        data = {"key": "g-key", "action": "services", "limit": "1"}
        assert requests.post(f"{base}/api/v2", data=data, timeout=5).json()["total"] == 75
        requests.post(f"{base}/_sandbox/faults", timeout=5,
                      json={"action": "balance", "kind": "lost", "delay": 0, "times": 1})
        with pytest.raises(requests.ConnectionError):
            requests.post(f"{base}/api/v2", data={"key": "g-key", "action": "balance"},
                          timeout=5)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _environ(body: bytes, extra: dict) -> dict:
    return {"REQUEST_METHOD": "POST", "PATH_INFO": "/api/v2", "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body), **extra}


def test_the_app_closes_a_foreign_servers_socket_on_a_dropped_connection(sandbox):
    app = SandboxApp(sandbox.state)
    sandbox.fault("balance", "reset", times=1)
    ours, theirs = socket.socketpair()
    body = f"key={sandbox.key}&action=balance".encode()
    with ours, theirs:
        with pytest.raises(ConnectionDropped):
            app(_environ(body, {"gunicorn.socket": ours}), lambda *args: None)
        theirs.settimeout(2)
        assert theirs.recv(100) == b""  # shut down, and not a byte was sent
        with pytest.raises(OSError):
            ours.sendall(b"HTTP/1.1 500 Internal Server Error\r\n")


def test_the_app_answers_plain_wsgi_calls(sandbox):
    started = []
    body = f"key={sandbox.key}&action=balance".encode()
    chunks = SandboxApp(sandbox.state)(_environ(body, {}), lambda *args: started.append(args))
    assert b"".join(chunks) == b'{"balance": "1000.00", "currency": "USD"}'
    assert started[0][0] == "200 OK"
    assert ("Content-Length", str(len(b"".join(chunks)))) in started[0][1]
