"""E-mails the grants app sends. Called from services inside transaction.on_commit; each is
rendered here and sent by a task (accounts.tasks.send_email), eagerly unless a broker is set."""

from django.conf import settings
from django.template import Context
from django.template.loader import get_template
from django.urls import reverse

from accounts.tasks import queue_email


def render_plain(template_name: str, context: dict) -> str:
    """A plain-text template rendered without HTML escaping: a text/plain e-mail shows what
    people typed as typed ("O'Brien & Sons", and "<script>" is inert text there), never as
    "O&#x27;Brien &amp; Sons". Northstar sends no HTML e-mail; one would be rendered with
    escaping on."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def subject_line(text: str) -> str:
    """One line: a title holding a new line must not break (or inject) e-mail headers."""
    return " ".join(text.split())


def send_templated(*, template: str, to: list[str], context: dict) -> None:
    """Render ``email/<template>.txt`` and its ``_subject.txt`` with ``context`` (plus the site
    URL and programme name) and queue it to ``to`` (blank addresses dropped). The one sender
    for grants' and reviews' mail."""
    recipients = [address for address in to if address]
    if not recipients:
        return
    context = {
        **context,
        "site_url": settings.SITE_URL,
        "program_name": settings.NORTHSTAR_PROGRAM_NAME,
    }
    subject = subject_line(render_plain(f"email/{template}_subject.txt", context))
    body = render_plain(f"email/{template}.txt", context)
    queue_email(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, recipients=recipients
    )


def send_submission_receipt(proposal) -> None:
    send_templated(
        template="submission_receipt",
        to=[proposal.pi.email],
        context={
            "proposal": proposal,
            "url": settings.SITE_URL + reverse("grants:proposal_detail", args=[proposal.pk]),
        },
    )


def send_return_notice(proposal, reason: str) -> None:
    send_templated(
        template="proposal_returned",
        to=[proposal.pi.email],
        context={
            "proposal": proposal,
            "reason": reason,
            "url": settings.SITE_URL + reverse("grants:proposal_detail", args=[proposal.pk]),
        },
    )


def send_endorsement_request(endorsement) -> None:
    send_templated(
        template="endorsement_request",
        to=[endorsement.mentor.email],
        context={
            "endorsement": endorsement,
            "proposal": endorsement.proposal,
            "url": settings.SITE_URL
            + reverse("grants:endorsement_respond", args=[endorsement.token]),
        },
    )


def send_endorsement_result(endorsement) -> None:
    send_templated(
        template="endorsement_result",
        to=[endorsement.proposal.pi.email],
        context={
            "endorsement": endorsement,
            "proposal": endorsement.proposal,
            "url": settings.SITE_URL
            + reverse("grants:proposal_detail", args=[endorsement.proposal.pk]),
        },
    )


def send_team_invitation(member, token: str = "") -> None:
    """Tell a new team member. Someone invited without an account (``token``) gets the link
    to join (accounts:invitation_accept), which works once and expires; anyone else the
    proposal's page."""
    from accounts.services import INVITATION_LIFETIME

    send_templated(
        template="team_invitation",
        to=[member.user.email if member.user_id else member.email],
        context={
            "member": member,
            "proposal": member.proposal,
            "url": settings.SITE_URL + reverse("grants:proposal_detail", args=[member.proposal.pk]),
            "accept_url": settings.SITE_URL + reverse("accounts:invitation_accept", args=[token])
            if token
            else "",
            "lifetime_days": INVITATION_LIFETIME.days,
        },
    )


def send_decision(proposal, decision) -> None:
    send_templated(
        template="decision_released",
        to=[proposal.pi.email],
        context={
            "proposal": proposal,
            "decision": decision,
            "url": settings.SITE_URL + reverse("grants:proposal_detail", args=[proposal.pk]),
        },
    )


def send_letter_decision(letter) -> None:
    """The program office's decision on a letter of intent, with its message; an invitation
    says where the full proposal is started. Never who rated the letter, nor how."""
    send_templated(
        template="letter_decision",
        to=[letter.applicant.email],
        context={
            "letter": letter,
            "call": letter.call,
            "url": settings.SITE_URL + reverse("grants:letter_detail", args=[letter.pk]),
        },
    )
