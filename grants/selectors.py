"""Reads for calls and proposals, shaped for the pages that show them."""

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Count,
    DecimalField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.choices import Role

from . import eligibility, lifecycle
from .choices import (
    ACTIVE_STATES,
    LETTER_AIMS_WORD_LIMIT,
    SECTION_LABELS,
    SUBMITTED_STATES,
    AttachmentKind,
    CallStatus,
    DecisionOutcome,
    EndorsementStatus,
    LetterStatus,
    ProposalStatus,
    TeamRole,
    nimhd_cells_clean,
)

# The eligibility rules are read in eligibility.py; the pages, the API and the services ask
# for them here, by these names.
from .eligibility import call_rules as call_rules
from .eligibility import eligibility_exception_for as eligibility_exception_for
from .eligibility import eligibility_exceptions_of as eligibility_exceptions_of
from .eligibility import eligibility_of as eligibility_of
from .eligibility import eligibility_problems as eligibility_problems
from .models import (
    Attachment,
    Award,
    BudgetLine,
    Decision,
    Endorsement,
    FundingCall,
    LetterOfIntent,
    Proposal,
    StateChange,
    TeamMember,
)
from .validators import word_count

# The sections' text: lists never show it, and at scale it is most of each row's bytes.
LONG_TEXT_FIELDS = (
    "abstract",
    "specific_aims",
    "research_strategy",
    "community_engagement_plan",
    "timeline",
    "budget_justification",
)
ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=12, decimal_places=2))
CENTS = Decimal("0.01")


def calls_open(*, now=None) -> QuerySet[FundingCall]:
    now = now or timezone.now()
    return (
        FundingCall.objects.filter(status=CallStatus.OPEN, opens_at__lte=now, closes_at__gt=now)
        .select_related("program")
        .order_by("closes_at")
    )


def calls_visible_to(user) -> QuerySet[FundingCall]:
    """Administrators see drafts too; everyone else sees calls once they have opened."""
    qs = FundingCall.objects.select_related("program")
    if user.has_role(Role.ADMINISTRATOR):
        return qs
    return qs.exclude(status=CallStatus.DRAFT)


def with_budget_total(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Each proposal's budget total, as a correlated subquery rather than a join and GROUP BY,
    so that counting a paginated list stays a plain COUNT over proposals at any size."""
    lines = (
        BudgetLine.objects.filter(proposal=OuterRef("pk"))
        .order_by()
        .values("proposal")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return qs.annotate(budget_total=Coalesce(Subquery(lines), ZERO))


def proposals_visible_to(user) -> QuerySet[Proposal]:
    """Every proposal the user may know exists (the web and API 404 on the rest).

    Reviewers' access to assigned proposals lives in the reviews app.
    """
    qs = Proposal.objects.select_related("call", "call__program", "pi", "pi__profile")
    if not user.is_authenticated:
        return qs.none()
    if user.has_role(Role.ADMINISTRATOR):
        return qs
    member_of = TeamMember.objects.filter(user=user).values("proposal_id")
    return qs.filter(Q(pi=user) | Q(pk__in=member_of))


def proposal_for_page(*, user, pk: int) -> Proposal:
    """One visible proposal with everything its pages show, in a fixed number of queries."""
    return proposal_with_parts(queryset=proposals_visible_to(user), pk=pk)


def proposal_with_parts(*, queryset: QuerySet[Proposal], pk: int) -> Proposal:
    """The proposal ``pk`` from an already-scoped queryset (404 outside it), with its team,
    budget, attachments and endorsement loaded."""
    from django.shortcuts import get_object_or_404

    qs = queryset.select_related("call", "call__program", "pi", "pi__profile").prefetch_related(
        Prefetch("team", queryset=TeamMember.objects.select_related("user", "user__profile")),
        "budget_lines",
        "attachments",
    )
    proposal = get_object_or_404(qs, pk=pk)
    proposal.endorsement_or_none = (
        Endorsement.objects.filter(proposal=proposal).select_related("mentor").first()
    )
    return proposal


def proposals_of_applicant(user) -> QuerySet[Proposal]:
    """The proposals the user leads or is on, newest first, with budget totals.

    The ids come first from two index lookups: ``pi = me OR id IN (team)`` in one WHERE makes
    PostgreSQL scan every proposal, which at 100,000 proposals is most of the dashboard's time.
    """
    ids = set(Proposal.objects.filter(pi=user).values_list("pk", flat=True))
    ids.update(TeamMember.objects.filter(user=user).values_list("proposal_id", flat=True))
    return with_budget_total(
        Proposal.objects.filter(pk__in=ids)
        .select_related("call", "pi")
        .defer(*LONG_TEXT_FIELDS)
        .order_by("-updated_at", "-pk")
    )


ADMIN_LIST_STATES = SUBMITTED_STATES | {ProposalStatus.RETURNED}


def proposals_of_call_for_admin(
    call: FundingCall,
    *,
    status: str = "",
    applicant_type: str = "",
    disparity_population: str = "",
    search: str = "",
    awaiting_check: bool = False,
) -> QuerySet[Proposal]:
    """The call's submitted (and returned) proposals in submission order, narrowed by the
    administrator's filters; blank filters are ignored."""
    qs = Proposal.objects.filter(call=call, status__in=ADMIN_LIST_STATES)
    if awaiting_check:
        qs = qs.filter(status=ProposalStatus.SUBMITTED, checked_at__isnull=True)
    if status:
        qs = qs.filter(status=status)
    if applicant_type:
        qs = qs.filter(pi__profile__applicant_type=applicant_type)
    if disparity_population:
        qs = proposals_naming_population(qs, disparity_population)
    if search:
        qs = proposals_matching(qs, search)
    return with_budget_total(
        qs.select_related("pi", "pi__profile")
        .defer(*LONG_TEXT_FIELDS)
        .order_by("submitted_at", "pk")
    )


def proposals_naming_population(qs: QuerySet[Proposal], population: str) -> QuerySet[Proposal]:
    """Proposals whose disparity populations include ``population``.

    JSONField __contains is not supported on SQLite; the list is stored as JSON text on both
    databases, and a quoted choice value cannot match part of another value.
    """
    return qs.filter(disparity_populations__icontains=f'"{population}"')


def proposals_matching(qs: QuerySet[Proposal], text: str) -> QuerySet[Proposal]:
    """Words in the title or abstract, or the PI's name, any case; "NS-123" finds that number."""
    text = text.strip()
    if not text:
        return qs
    number = text.upper().removeprefix("NS-").removeprefix("NS")
    if number.isdigit() and len(number) <= 18:
        return qs.filter(pk=int(number))
    return qs.filter(
        Q(title__icontains=text)
        | Q(abstract__icontains=text)
        | Q(pi__last_name__icontains=text)
        | Q(pi__first_name__icontains=text)
    )


def proposals_awaiting_check() -> QuerySet[Proposal]:
    """Submitted proposals the program office has not yet checked, returned or moved to
    review."""
    return Proposal.objects.filter(status=ProposalStatus.SUBMITTED, checked_at__isnull=True)


def calls_awaiting_check() -> list[tuple[FundingCall, int]]:
    """(call, how many of its proposals await the program office's check), calls with any,
    by deadline: the administrator's dashboard links each to its filtered proposal list."""
    counts = dict(
        proposals_awaiting_check()
        .values("call_id")
        .annotate(n=Count("pk"))
        .values_list("call_id", "n")
    )
    calls = FundingCall.objects.filter(pk__in=counts).order_by("closes_at", "pk")
    return [(call, counts[call.pk]) for call in calls]


def call_proposal_counts(call: FundingCall) -> dict[str, int]:
    rows = call.proposals.values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def endorsements_pending_for(user) -> QuerySet[Endorsement]:
    return Endorsement.objects.filter(
        mentor=user, status=EndorsementStatus.REQUESTED
    ).select_related("proposal", "proposal__pi", "proposal__call")


def endorsements_asked_of(user) -> QuerySet[Endorsement]:
    """Every endorsement request addressed to ``user`` as a mentor, answered or not."""
    return Endorsement.objects.filter(mentor=user).select_related(
        "mentor", "proposal", "proposal__pi", "proposal__call"
    )


def team_of(proposal: Proposal) -> QuerySet[TeamMember]:
    return TeamMember.objects.filter(proposal=proposal).select_related("user")


def letter_team_lines(proposal: Proposal) -> list[str]:
    """The team the applicant named in the letter of intent this proposal was started from,
    one person a line: a letter names people as free text, so they are shown to the PI to add
    (found by name or invited), never made team members by guesswork. [] without a letter."""
    team = (
        LetterOfIntent.objects.filter(proposal_id=proposal.pk)
        .values_list("team", flat=True)
        .first()
    )
    return [line.strip() for line in (team or "").splitlines() if line.strip()]


def budget_lines_of(proposal: Proposal) -> QuerySet[BudgetLine]:
    return BudgetLine.objects.filter(proposal=proposal)


def attachments_of(proposal: Proposal) -> QuerySet[Attachment]:
    return Attachment.objects.filter(proposal=proposal)


def state_history(obj, *, include_internal: bool = False) -> QuerySet[StateChange]:
    """The object's history; internal entries (who scored, unreleased decisions) only on
    request, for administrators."""
    qs = StateChange.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).select_related("actor")
    if not include_internal:
        qs = qs.filter(internal=False)
    return qs


def latest_return_reason(proposal: Proposal) -> str:
    change = (
        state_history(proposal)
        .filter(to_state=ProposalStatus.RETURNED)
        .order_by("-at", "-pk")
        .first()
    )
    return change.reason if change else ""


def awards_visible_to(user) -> QuerySet[Award]:
    """Administrators see every award; PIs and team members see theirs once the decision is
    released (an unreleased award is not news they may have yet)."""
    qs = Award.objects.select_related("call", "proposal", "proposal__pi", "proposal__call")
    if user.has_role(Role.ADMINISTRATOR):
        return qs
    visible = proposals_visible_to(user).values("pk")
    return qs.filter(proposal__in=visible, proposal__decision__released_at__isnull=False)


def released_decision(proposal: Proposal) -> Decision | None:
    """The decision the applicant may see (released), or None."""
    return Decision.objects.filter(proposal=proposal, released_at__isnull=False).first()


def call_committed_amount(call: FundingCall, *, exclude_proposal_pk: int | None = None) -> Decimal:
    """Dollars committed by funded decisions (released or not) in the call."""
    qs = Decision.objects.filter(call=call, outcome=DecisionOutcome.FUNDED)
    if exclude_proposal_pk:
        qs = qs.exclude(proposal_id=exclude_proposal_pk)
    return _cents(qs.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"])


def call_nominees(call: FundingCall) -> list[Proposal]:
    """The proposals a limited-submission call nominates (decided, released or not), in the
    order they were decided."""
    return list(
        Proposal.objects.filter(call=call, decision__outcome=DecisionOutcome.NOMINATED).order_by(
            "decision__decided_at", "pk"
        )
    )


def proposal_requested_total(proposal: Proposal) -> Decimal:
    return _cents(proposal.budget_lines.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"])


def _cents(total: Decimal) -> Decimal:
    """A sum of money to the cent. SQLite sums decimals as floats and Django hands the result
    back with fifteen digits (0.0100000000000000): the same number, but it prints as such."""
    return total.quantize(CENTS)


def applicant_has_other_proposal(*, call: FundingCall, pi, exclude_pk: int | None = None) -> bool:
    qs = Proposal.objects.filter(call=call, pi=pi, status__in=ACTIVE_STATES)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


# ---- The submission checklist ---------------------------------------------------------------


@dataclass(frozen=True)
class Blocker:
    """One reason a proposal cannot be submitted, tied to the field the applicant must fix;
    ``fix`` says where, when the field alone does not (an eligibility rule: profile or team)."""

    field: str
    message: str
    fix: str = dataclasses.field(default="", compare=False)


def eligibility_problem(*, call: FundingCall, user) -> str:
    """Why this user may not start a proposal in this call, in one text, or '' when nothing
    stands in the way (``eligibility_problems`` lists the reasons one by one)."""
    return " ".join(p.message for p in eligibility_problems(call=call, user=user))


def proposal_blockers(proposal: Proposal, *, now=None) -> list[Blocker]:
    """Every rule of DESIGN.md that stops this proposal being submitted now, all at once.

    The one place these rules live: the web checklist, the submit service and the API use it.
    """
    now = now or timezone.now()
    call = proposal.call
    blockers: list[Blocker] = []

    if not call.is_accepting(now):
        if now >= call.closes_at:
            closed = call.local_closes_at()
            blockers.append(
                Blocker(
                    "call",
                    f"The deadline passed on {closed:%B %-d, %Y at %-I:%M %p} {closed.tzname()}; "
                    "submissions are closed.",
                )
            )
        else:
            blockers.append(Blocker("call", "This call is not open for submissions."))

    for section in call.required_sections or []:
        if section == "nimhd_domains":
            # Cells of the grid; domains alone (a draft from before the grid, an older API
            # client) still satisfy it, and the office places such a proposal in the grid.
            if not nimhd_cells_clean(proposal.nimhd_cells) and not proposal.nimhd_domains:
                blockers.append(
                    Blocker(
                        section,
                        "NIMHD framework classification is required: tick at least one "
                        "domain × level cell.",
                    )
                )
            continue
        value = getattr(proposal, section, None)
        if not value or (isinstance(value, str) and not value.strip()):
            blockers.append(
                Blocker(section, f"{SECTION_LABELS.get(section, section)} is required.")
            )

    limits = [
        ("abstract", "Abstract", call.abstract_word_limit),
        ("specific_aims", "Specific aims", call.aims_word_limit),
        ("research_strategy", "Research strategy", call.strategy_word_limit),
    ]
    for field, label, limit in limits:
        words = word_count(getattr(proposal, field))
        if limit and words > limit:
            blockers.append(Blocker(field, f"{label} has {words} words; the limit is {limit}."))

    attachments = list(proposal.attachments.all())
    kinds = {a.kind for a in attachments}
    for kind in call.required_attachments or []:
        if kind not in kinds:
            blockers.append(
                Blocker("attachments", f"Upload the required {AttachmentKind(kind).label}.")
            )

    lines = list(proposal.budget_lines.all())
    total = sum((line.amount for line in lines), Decimal("0"))
    if not lines:
        blockers.append(Blocker("budget", "Add at least one budget line."))
    if total > call.max_award:
        blockers.append(
            Blocker(
                "budget",
                f"The budget totals ${total:,.2f}, over this call's maximum award "
                f"of ${call.max_award:,.2f}.",
            )
        )
    if proposal.requested_amount is None:
        blockers.append(Blocker("requested_amount", "Enter the total amount requested."))
    elif lines and proposal.requested_amount != total:
        blockers.append(
            Blocker(
                "requested_amount",
                f"The amount requested (${proposal.requested_amount:,.2f}) does not equal the "
                f"sum of the budget lines (${total:,.2f}).",
            )
        )

    trainee_rules = lifecycle.trainee_rules_apply(proposal)
    for problem in eligibility_problems(call=call, user=proposal.pi, proposal=proposal):
        if trainee_rules and problem.rule == eligibility.FACULTY_MENTOR:
            continue  # the trainee rules below ask for the faculty mentor (and more)
        blockers.append(Blocker("eligibility", problem.message, fix=problem.fix))

    if call.one_per_applicant and applicant_has_other_proposal(
        call=call, pi=proposal.pi, exclude_pk=proposal.pk
    ):
        blockers.append(
            Blocker(
                "call",
                "You already have a proposal in this call, which allows one per applicant.",
            )
        )

    if trainee_rules:
        mentors = [
            m
            for m in proposal.team.all()
            if m.role == TeamRole.MENTOR and m.user_id and lifecycle.may_mentor(m.user)
        ]
        endorsement = Endorsement.objects.filter(proposal=proposal).first()
        invited = [
            m
            for m in proposal.team.all()
            if m.role == TeamRole.MENTOR and not m.user_id and m.email
        ]
        if not mentors and invited:
            blockers.append(
                Blocker(
                    "endorsement",
                    f"Your mentor, {invited[0].name}, has not yet joined Northstar: they can "
                    "endorse once they accept the e-mailed invitation.",
                )
            )
        elif not mentors:
            blockers.append(
                Blocker("endorsement", "Trainee proposals need a faculty mentor on the team.")
            )
        elif (
            endorsement is None
            or endorsement.status != EndorsementStatus.ENDORSED
            or endorsement.mentor_id not in {m.user_id for m in mentors}
        ):
            blockers.append(
                Blocker("endorsement", "Your mentor has not endorsed this proposal yet.")
            )
    return blockers


# ---- Letters of intent (two-stage calls) -----------------------------------------------------


def letters_visible_to(user) -> QuerySet[LetterOfIntent]:
    """The letters ``user`` may know exist here: their own; administrators see every one.
    Committee members read the letters of their calls through the reviews app."""
    qs = LetterOfIntent.objects.select_related("call", "call__program", "applicant", "proposal")
    if not user.is_authenticated:
        return qs.none()
    if user.has_role(Role.ADMINISTRATOR):
        return qs
    return qs.filter(applicant=user)


def letters_of_call(*, call: FundingCall, user) -> QuerySet[LetterOfIntent]:
    """The call's letters ``user`` may see, oldest sent first: administrators every letter
    sent (others' drafts are their own business) and their own, anyone else their own."""
    qs = letters_visible_to(user).filter(call=call)
    if user.has_role(Role.ADMINISTRATOR):
        qs = qs.exclude(Q(status=LetterStatus.DRAFT) & ~Q(applicant=user))
    return qs.order_by("submitted_at", "pk")


def letters_of_applicant(user) -> QuerySet[LetterOfIntent]:
    """The user's own letters, newest first (their dashboard)."""
    return (
        LetterOfIntent.objects.filter(applicant=user)
        .select_related("call", "proposal")
        .order_by("-updated_at", "-pk")
    )


def letter_of(*, call: FundingCall, user) -> LetterOfIntent | None:
    """The user's letter to ``call``, if they sent or started one."""
    if not user.is_authenticated:
        return None
    return LetterOfIntent.objects.filter(call=call, applicant=user).first()


def letter_blockers(letter: LetterOfIntent, *, now=None) -> list[Blocker]:
    """Everything that stops this letter being sent now, each under the field to fix: the
    letters' deadline (server clock), the required parts, the aims summary's word limit, the
    estimated budget against the call's maximum award, and the applicant's eligibility."""
    call = letter.call
    blockers: list[Blocker] = []
    problem = lifecycle.letters_problem(call, now)
    if problem:
        blockers.append(Blocker("call", problem))
    if not letter.title.strip():
        blockers.append(Blocker("title", "Title is required."))
    if not letter.aims_summary.strip():
        blockers.append(Blocker("aims_summary", "Summary of the aims is required."))
    words = word_count(letter.aims_summary)
    if words > LETTER_AIMS_WORD_LIMIT:
        blockers.append(
            Blocker(
                "aims_summary",
                f"Summary of the aims has {words} words; the limit is {LETTER_AIMS_WORD_LIMIT}.",
            )
        )
    if not letter.disparity_populations:
        blockers.append(
            Blocker(
                "disparity_populations", "Name at least one population with health disparities."
            )
        )
    if letter.estimated_budget is None:
        blockers.append(Blocker("estimated_budget", "Enter the estimated budget."))
    elif letter.estimated_budget > call.max_award:
        blockers.append(
            Blocker(
                "estimated_budget",
                f"The estimated budget (${letter.estimated_budget:,.2f}) is over this call's "
                f"maximum award of ${call.max_award:,.2f}.",
            )
        )
    blockers += [
        Blocker("eligibility", p.message)
        for p in eligibility_problems(call=call, user=letter.applicant)
    ]
    return blockers


def invitation_for(*, call: FundingCall, user) -> LetterOfIntent | None:
    """The invitation ``user`` holds to write a full proposal to ``call``: their invited
    letter, or None. ``services.proposal_create`` asks it on every two-stage call."""
    return LetterOfIntent.objects.filter(
        call=call, applicant=user, status=LetterStatus.INVITED
    ).first()
