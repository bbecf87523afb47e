"""Sending e-mail: plain text that a console shows whole, handed to a Celery worker so that a
slow or unreachable SMTP server never holds a web request.

`send` queues the message's fields (subject, body, sender, recipients): the task needs nothing
from the database, so it is queued at once rather than on commit. If the broker cannot take
it, the message is sent in the caller's process instead of being lost.
"""

import email.policy
import logging
from email.message import EmailMessage as MIMEMessage

from django.conf import settings
from django.core.mail import EmailMessage

log = logging.getLogger(__name__)


class PlainTextEmail(EmailMessage):
    """A text/plain message in 7bit (ASCII) or 8bit (UTF-8) transfer encoding, never
    quoted-printable or base64: Python picks quoted-printable for any line over 78
    characters (a verification link is one), and its soft line breaks cut the link in two
    on a console. 8bit is what every SMTP server of the last decades takes; lines stay far
    under SMTP's 998-character limit."""

    def message(self, *, policy: email.policy.Policy = email.policy.default) -> MIMEMessage:
        msg = super().message(policy=policy)
        body = self.body if self.body.endswith("\n") else self.body + "\n"
        msg.set_content(body, charset="utf-8", cte="7bit" if body.isascii() else "8bit")
        return msg


def deliver(*, subject: str, body: str, from_email: str, to: list[str]) -> int:
    """Send now, through the configured mailer (EMAIL_URL). Returns the number sent."""
    return PlainTextEmail(subject=subject, body=body, from_email=from_email, to=to).send()


def send(subject: str, body: str, to: list[str], *, from_email: str | None = None) -> None:
    """Queue a plain-text e-mail for a worker to send."""
    from panel.tasks import send_email

    fields = {"subject": subject, "body": body,
              "from_email": from_email or settings.DEFAULT_FROM_EMAIL, "to": list(to)}
    try:
        send_email.delay(**fields)
    except Exception:
        log.warning("could not queue the e-mail %r to %s; sending it now", subject,
                    ", ".join(to), exc_info=True)
        deliver(**fields)
