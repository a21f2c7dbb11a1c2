"""E-mails the reporting app sends. Called from services inside transaction.on_commit; each is
rendered here and sent by a task (accounts.tasks.send_email), eagerly unless a broker is set."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from accounts.tasks import queue_email
from grants.emails import render_plain, subject_line


def award_url(award) -> str:
    """The awardee's page for the award (the site's home until the web pages exist)."""
    try:
        return settings.SITE_URL + reverse("reporting:award_detail", args=[award.pk])
    except NoReverseMatch:
        return settings.SITE_URL + "/"


def send_progress_report_reminder(report, kind: str) -> None:
    """``kind`` is a ReminderKind: due_soon or overdue. Mails the award's PI."""
    award = report.award
    recipient = award.proposal.pi.email
    if not recipient:
        return
    context = {
        "report": report,
        "award": award,
        "proposal": award.proposal,
        "url": award_url(award),
        "site_url": settings.SITE_URL,
        "program_name": settings.NORTHSTAR_PROGRAM_NAME,
    }
    subject = render_plain(f"reporting/email/progress_report_{kind}_subject.txt", context)
    body = render_plain(f"reporting/email/progress_report_{kind}.txt", context)
    queue_email(
        subject=subject_line(subject),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipients=[recipient],
    )
