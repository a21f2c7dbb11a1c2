"""E-mails the reviews app sends (called from services inside transaction.on_commit)."""

from django.conf import settings
from django.urls import reverse

from accounts.choices import Role
from accounts.models import User
from grants.emails import send_templated


def send_late_conflict_notice(conflict) -> None:
    """Tell the program's administrators that a conflict was declared after the call's review
    closed: the results stand, and they decide what, if anything, to do about it."""
    administrators = User.objects.filter(
        groups__name=Role.ADMINISTRATOR, is_active=True
    ).values_list("email", flat=True)
    send_templated(
        template="late_conflict",
        to=sorted(set(administrators)),
        context={
            "conflict": conflict,
            "proposal": conflict.proposal,
            "url": settings.SITE_URL
            + reverse("reviews:call_manage", args=[conflict.proposal.call_id]),
        },
    )
