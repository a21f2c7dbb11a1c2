"""Who the report counts: the participants of the awards active in a period.

HRSA.md's rules: an award is active in a period when it starts on or before the period's last
day and its effective end is on or after the first day; only awards whose funding decision has
been released count. Participants are the PI and every team member with an account on those
awards, each person once. A participant is a *completer* when every award of theirs active in
the period has its effective end inside the period, otherwise *current*.

Read as plain values (no model instances, no proposal text) and joined in SQL, so that a year
of a national program — thousands of awards, tens of thousands of people — is a few queries
whose rows are as narrow as the counts need.
"""

from collections import namedtuple
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Demographics, User
from grants.choices import AwardStatus
from grants.models import Award, Decision, Proposal, TeamMember

from .periods import Period

# What the counts read of a demographics record (mapping.py's functions take any object with
# these attributes): a tuple, not a model instance, to keep a year's worth small.
DEMOGRAPHICS_FIELDS = (
    "race_ethnicity",
    "sex",
    "birth_year",
    "birth_year_prefer_not",
    "disadvantaged",
    "rural_background",
    "first_generation",
)
DemographicsRow = namedtuple("DemographicsRow", DEMOGRAPHICS_FIELDS)


def released_awards() -> QuerySet[Award]:
    """Awards whose funding decision the applicant has been told (unreleased ones may vanish).

    EXISTS on the decision by its proposal, rather than a join through the proposal: the report
    filters every outcome by this, and the join costs a proposal lookup per award."""
    return Award.objects.filter(
        Exists(
            Decision.objects.filter(proposal_id=OuterRef("proposal_id"), released_at__isnull=False)
        )
    )


def awards_active_in(period: Period) -> QuerySet[Award]:
    """Start <= period end and effective end >= period start (effective end = end date, or the
    close/termination date when earlier), in start order."""
    return (
        released_awards()
        .filter(start_date__lte=period.end, end_date__gte=period.start)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=period.start))
        .order_by("start_date", "pk")
    )


def linked_to(model, awards: QuerySet) -> Exists:
    """A filter on an outcome model with ``awards`` (publications, presentations, follow-on
    funding): linked to one of ``awards`` (a queryset of pks). EXISTS rather than a join and
    DISTINCT: an outcome on two awards is one outcome, and no row is read twice."""
    through = model.awards.through
    return Exists(
        through.objects.filter(**{model._meta.model_name: OuterRef("pk")}, award__in=awards)
    )


@dataclass(slots=True)
class ActiveAward:
    """One row of the Projects table and what the Checks read of its award."""

    pk: int
    label: str
    call_id: int
    amount: Decimal
    start_date: date
    effective_end: date
    status: str
    max_award: Decimal
    title: str
    populations: list[str]
    domains: list[str]
    pi_name: str
    pi_type: str
    pi_department: str

    def ended_not_closed(self, today: date) -> bool:
        """Past its (effective) end date but still active or extended: the program office
        has a close-out to do."""
        open_states = (AwardStatus.ACTIVE, AwardStatus.NO_COST_EXTENSION)
        return self.status in open_states and self.effective_end < today

    def status_on(self, today: date) -> str:
        """The status the Projects sheet shows: "Ended — close-out pending" for an award
        ``ended_not_closed``, never "Active" for one whose dates are over."""
        if self.ended_not_closed(today):
            return ENDED_PENDING_CLOSE_OUT
        return AwardStatus(self.status).label


ENDED_PENDING_CLOSE_OUT = "Ended — close-out pending"


def active_awards(period: Period) -> list[ActiveAward]:
    """The awards active in ``period`` with their PI and call, in one query."""
    labels: dict[tuple, tuple[list[str], list[str]]] = {}
    awards = []
    for row in awards_active_in(period).values(
        "pk",
        "proposal_id",
        "call_id",
        "amount",
        "start_date",
        "end_date",
        "ended_on",
        "status",
        "call__max_award",
        "proposal__title",
        "proposal__disparity_populations",
        "proposal__nimhd_domains",
        "proposal__pi__username",
        "proposal__pi__first_name",
        "proposal__pi__last_name",
        "proposal__pi__profile__applicant_type",
        "proposal__pi__profile__department",
    ):
        # The models' own rules (labels, effective end, names) on unsaved instances; the
        # labels of a combination once, as few combinations repeat across thousands of awards.
        key = (
            tuple(row["proposal__disparity_populations"] or ()),
            tuple(row["proposal__nimhd_domains"] or ()),
        )
        if key not in labels:
            proposal = Proposal(disparity_populations=list(key[0]), nimhd_domains=list(key[1]))
            labels[key] = (proposal.disparity_population_labels, proposal.nimhd_domain_labels)
        award = Award(
            proposal_id=row["proposal_id"], end_date=row["end_date"], ended_on=row["ended_on"]
        )
        pi = User(
            username=row["proposal__pi__username"],
            first_name=row["proposal__pi__first_name"],
            last_name=row["proposal__pi__last_name"],
        )
        awards.append(
            ActiveAward(
                pk=row["pk"],
                label=str(award),
                call_id=row["call_id"],
                amount=row["amount"],
                start_date=row["start_date"],
                effective_end=award.effective_end,
                status=row["status"],
                max_award=row["call__max_award"],
                title=row["proposal__title"],
                populations=labels[key][0],
                domains=labels[key][1],
                pi_name=pi.display_name,
                pi_type=row["proposal__pi__profile__applicant_type"] or "",
                pi_department=row["proposal__pi__profile__department"] or "",
            )
        )
    return awards


@dataclass(slots=True)
class Participant:
    user_id: int
    applicant_type: str
    demographics: DemographicsRow | None = None
    effective_ends: list[date] = field(default_factory=list)
    award_ids: list[int] = field(default_factory=list)
    completer: bool = False


def participants_of(
    awards: QuerySet[Award] | list[Award], period: Period, *, demographics: bool = True
) -> dict[int, Participant]:
    """Everyone on the given awards (active in ``period``), once, with their position and
    (unless ``demographics`` is false) their demographics: three queries, whatever the size.

    ``awards`` is best a queryset (awards_active_in), read in SQL as a subquery; a list of
    awards is read by primary key."""
    if not isinstance(awards, QuerySet):
        awards = Award.objects.filter(pk__in=[a.pk for a in awards])
    awards = awards.order_by()
    found: dict[int, Participant] = {}

    def add(user_id: int, applicant_type: str | None, award_id: int, end: date) -> None:
        person = found.get(user_id)
        if person is None:
            person = found[user_id] = Participant(user_id, applicant_type or "")
        person.effective_ends.append(end)
        person.award_ids.append(award_id)

    ends: dict[int, tuple[int, date]] = {}  # proposal -> (award, effective end)
    for award_id, proposal_id, end_date, ended_on, pi_id, pi_type in awards.values_list(
        "pk",
        "proposal_id",
        "end_date",
        "ended_on",
        "proposal__pi_id",
        "proposal__pi__profile__applicant_type",
    ):
        end = Award(end_date=end_date, ended_on=ended_on).effective_end
        ends[proposal_id] = (award_id, end)
        add(pi_id, pi_type, award_id, end)
    team = TeamMember.objects.filter(
        user__isnull=False, proposal__award__in=awards.values("pk")
    ).values_list("proposal_id", "user_id", "user__profile__applicant_type")
    # Each query reads the database afresh: a row about an award released in between (not
    # among the awards above) is skipped rather than counted half.
    for proposal_id, user_id, applicant_type in team:
        if proposal_id not in ends:
            continue
        award_id, end = ends[proposal_id]
        person = found.get(user_id)
        if person is None or award_id not in person.award_ids:  # the PI on their own team
            add(user_id, applicant_type, award_id, end)
    if demographics and found:
        people = Q(user__in=awards.values("proposal__pi_id")) | Q(user__in=team.values("user_id"))
        for user_id, *answers in Demographics.objects.filter(people).values_list(
            "user_id", *DEMOGRAPHICS_FIELDS
        ):
            if user_id in found:
                found[user_id].demographics = DemographicsRow(*answers)
    for person in found.values():
        person.completer = all(period.contains(end) for end in person.effective_ends)
    return found
