"""The e-mail task every app's mail goes through.

A mail is rendered by the process that queues it (the moment's data, in the web request's
transaction-committed state) and only sent by the task: the worker needs no templates' context,
and the message carries only JSON-safe text.
"""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from kombu.exceptions import OperationalError

logger = logging.getLogger("northstar.tasks")

# A process configured to discard its mail (seed_demo without --send-mail) must not hand it to
# a worker, whose own backend would deliver it.
DISCARDING_BACKEND = "django.core.mail.backends.dummy.EmailBackend"


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=6,
)
def send_email(subject: str, body: str, from_email: str, recipients: list[str]) -> int:
    """Send one plain-text mail; a relay that refuses or does not answer is retried up to six
    times with growing delays (about 25 minutes at most). Delivery is at least once: a worker
    lost after sending but before acknowledging sends it again."""
    return send_mail(subject, body, from_email, recipients)


def queue_email(*, subject: str, body: str, from_email: str, recipients: list[str]) -> None:
    """Queue ``send_email`` (eagerly: send now). If the broker cannot take it, the mail is sent
    from this process instead, as before there was a queue: it is never silently dropped."""
    if settings.EMAIL_BACKEND == DISCARDING_BACKEND:
        return
    try:
        send_email.delay(subject, body, from_email, recipients)
    except OperationalError:
        logger.exception("The task broker refused a mail; sending it from this process.")
        send_mail(subject, body, from_email, recipients)
