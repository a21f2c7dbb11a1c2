"""Who the report counts: the participants of the awards active in a period.

HRSA.md's rules: an award is active in a period when it starts on or before the period's last
day and its effective end is on or after the first day; only awards whose funding decision has
been released count. Participants are the PI and every team member with an account on those
awards, each person once. A participant is a *completer* when every award of theirs active in
the period has its effective end inside the period, otherwise *current*.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, Q, QuerySet

from accounts.models import Demographics
from grants.models import Award, TeamMember

from .periods import Period


def released_awards() -> QuerySet[Award]:
    """Awards whose funding decision the applicant has been told (unreleased ones may vanish)."""
    return Award.objects.filter(proposal__decision__released_at__isnull=False)


def awards_active_in(period: Period) -> QuerySet[Award]:
    """Start <= period end and effective end >= period start (effective end = end date, or the
    close/termination date when earlier)."""
    return (
        released_awards()
        .filter(start_date__lte=period.end, end_date__gte=period.start)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period.start))
        .select_related(
            "call", "proposal", "proposal__pi", "proposal__pi__profile", "proposal__decision"
        )
        .prefetch_related(
            Prefetch(
                "proposal__team",
                queryset=TeamMember.objects.filter(user__isnull=False).select_related(
                    "user", "user__profile"
                ),
                to_attr="team_with_accounts",
            )
        )
        .order_by("start_date", "pk")
    )


@dataclass
class Participant:
    user: object
    applicant_type: str
    demographics: Demographics | None = None
    effective_ends: list[date] = field(default_factory=list)
    award_ids: list[int] = field(default_factory=list)
    completer: bool = False

    @property
    def user_id(self) -> int:
        return self.user.pk


def applicant_type_of(user) -> str:
    try:
        return user.profile.applicant_type or ""
    except ObjectDoesNotExist:  # users made in the admin may have no profile yet
        return ""


def people_of(award: Award) -> list:
    """The PI and the team members with accounts, without repeats."""
    people = [award.proposal.pi]
    team = getattr(award.proposal, "team_with_accounts", None)
    if team is None:
        team = award.proposal.team.filter(user__isnull=False).select_related("user")
    for member in team:
        if member.user_id and all(p.pk != member.user_id for p in people):
            people.append(member.user)
    return people


def participants_of(awards: list[Award], period: Period) -> dict[int, Participant]:
    """Everyone on the given awards (active in ``period``), once, with their demographics."""
    found: dict[int, Participant] = {}
    for award in awards:
        end = award.effective_end
        for user in people_of(award):
            person = found.get(user.pk)
            if person is None:
                person = found[user.pk] = Participant(
                    user=user, applicant_type=applicant_type_of(user)
                )
            person.effective_ends.append(end)
            person.award_ids.append(award.pk)
    for demographics in Demographics.objects.filter(user_id__in=list(found)):
        found[demographics.user_id].demographics = demographics
    for person in found.values():
        person.completer = all(period.contains(end) for end in person.effective_ends)
    return found
