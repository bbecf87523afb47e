"""E-mail as customers and developers get it: through a real SMTP server, on the console in
development (whole lines, links intact), and queued for a Celery worker so that no web
request waits for the SMTP server."""

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail as outbox

from panel import mail
from panel.celery import app
from panel.models import ShopSettings, User
from tests.fixtures.processes import subprocess_env

PASSWORD = "pw-secret-123"
# The link alone on its line (lines end in CRLF over SMTP).
LINK = re.compile(r"^http://testserver(/account/verify/[^/\s]+/)\r?$", re.M)


def _sign_up(client, email="dana@example.com"):
    response = client.post("/signup/", {"email": email, "password1": PASSWORD,
                                        "password2": PASSWORD})
    assert response.status_code == 302
    return response


def _follow(client, path: str) -> User:
    response = client.get(path)
    assert response.status_code == 302, "a valid link"
    return User.objects.get(email="dana@example.com")


def test_the_verification_mail_goes_through_a_real_smtp_server(client, db, smtp_mailer):
    ShopSettings.objects.create(name="Café Boost")  # not ASCII: the body is 8bit
    _sign_up(client)

    (message,) = smtp_mailer.wait(1)
    assert message["To"] == "dana@example.com"
    assert message["Subject"] == "Confirm your e-mail for Café Boost"
    assert message["Content-Transfer-Encoding"] == "8bit"
    body = message.get_content()
    (path,) = LINK.findall(body)
    assert _follow(client, path).email_verified


def test_the_console_shows_the_link_whole_on_its_own_line(client, db, settings, capsys):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    _sign_up(client)
    printed = capsys.readouterr().out
    assert "quoted-printable" not in printed and "=\n" not in printed
    (path,) = LINK.findall(printed)
    assert len(path) > 78, "long enough that quoted-printable would have broken it"
    assert _follow(client, path).email_verified


def test_the_password_reset_link_is_whole_on_the_console_too(client, alice, settings, capsys):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    client.post("/password-reset/", {"email": alice.email})
    printed = capsys.readouterr().out
    assert "quoted-printable" not in printed and "=\n" not in printed
    (path,) = re.findall(r"^http://testserver(/password-reset/\S+/\S+/)$", printed, re.M)
    assert client.get(path, follow=True).status_code == 200
    assert "new password" in client.get(path, follow=True).content.decode().lower()


def test_messages_are_seven_bit_when_they_can_be():
    message = mail.PlainTextEmail(subject="s", body="x" * 200, to=["a@example.com"]).message()
    assert message["Content-Transfer-Encoding"] == "7bit"
    assert "x" * 200 in message.as_string()


# --- Through the broker, as in production ------------------------------------------------

@pytest.fixture
def worker(smtp_sink, tmp_path) -> Iterator[Path]:
    """A real Celery worker whose EMAIL_URL is the SMTP sink; yields its log."""
    app.control.purge()
    log = tmp_path / "worker.log"
    command = [sys.executable, "-m", "celery", "-A", "panel", "worker", "--pool", "solo",
               "--concurrency", "1", "-Q", "celery", "--without-heartbeat",
               "--without-mingle", "--without-gossip", "--loglevel", "INFO"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, stdout=out,
                                   stderr=subprocess.STDOUT,
                                   env=subprocess_env() | {"EMAIL_URL": smtp_sink.url})
    try:
        yield log
    finally:
        process.kill()
        process.wait(timeout=10)


@pytest.mark.queued_mail
def test_the_request_only_queues_the_mail_and_a_worker_sends_it(client, db, smtp_mailer):
    app.control.purge()
    _sign_up(client)
    assert smtp_mailer.raw == [] and outbox.outbox == [], "nothing sent in the request"
    assert app.control.purge() == 1, "the message waits in the broker"


@pytest.mark.queued_mail
def test_a_worker_sends_the_queued_verification_mail(client, db, smtp_sink, worker):
    _sign_up(client)
    (message,) = smtp_sink.wait(1, seconds=60)
    (path,) = LINK.findall(message.get_content())
    assert _follow(client, path).email_verified


@pytest.mark.queued_mail
def test_a_broker_that_cannot_take_the_mail_does_not_lose_it(client, db, smtp_mailer,
                                                             monkeypatch):
    from panel.tasks import send_email

    def broker_down(**fields):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(send_email, "delay", broker_down)
    _sign_up(client)
    (message,) = smtp_mailer.wait(1)
    assert message["To"] == "dana@example.com"
