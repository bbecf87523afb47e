"""Celery tasks of the panel itself: sending e-mail, forgetting old form tokens."""

from celery import shared_task

from panel import mail
from panel.storefront import once


# An SMTP server that is down or slow (OSError covers smtplib's errors and timeouts) is tried
# again with growing pauses, for about a day. Not acks_late: a message sent twice is worse
# than a retry that waits.
@shared_task(autoretry_for=(OSError,), retry_backoff=60, retry_backoff_max=3600,
             retry_jitter=True, max_retries=30)
def send_email(*, subject: str, body: str, from_email: str, to: list[str]) -> None:
    mail.deliver(subject=subject, body=body, from_email=from_email, to=to)


@shared_task
def purge_form_tokens() -> int:
    return once.purge()
