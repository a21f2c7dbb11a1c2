"""Who may apply to a call: its eligibility rules in words, and what stops one person.

Rules on the person (position, department, first-time applicants only, not a current awardee)
are checked when a proposal is started (``services.proposal_create``) and again at submission;
rules on the team (a faculty mentor, a community partner) at submission only, since the team
is built after starting (``selectors.proposal_blockers``, the one checklist). An
administrator's exception (``models.EligibilityException``) waives every rule of the call for
one person; it never waives the position in their profile, which the trainee rules follow.
docs/invariants.md, "Eligibility is checked at start and at submission". Reads only: the
selectors re-export these names.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from accounts.choices import ApplicantType

from . import lifecycle
from .choices import AwardStatus, TeamRole
from .models import Award, EligibilityException, FundingCall, Proposal
from .validators import department_key

# What a problem is about (EligibilityProblem.rule).
PROFILE = "profile"  # the profile lacks what the rules need: asked for, never refuses a start
POSITION = "position"
DEPARTMENT = "department"
FIRST_TIME = "first_time"
CURRENT_AWARDEE = "current_awardee"
FACULTY_MENTOR = "faculty_mentor"
COMMUNITY_PARTNER = "community_partner"

# An award in one of these is still running: its PI is a current awardee.
RUNNING_AWARD_STATES = (AwardStatus.ACTIVE, AwardStatus.NO_COST_EXTENSION)


@dataclass(frozen=True)
class EligibilityProblem:
    """One rule the person (or their team) does not meet, in a sentence they understand, and
    where they fix it: ``profile`` or ``team``. Filed under ``eligibility`` on the checklist."""

    rule: str
    message: str
    fix: str

    @property
    def field(self) -> str:
        return "eligibility"

    @property
    def refuses_start(self) -> bool:
        """An incomplete profile is asked for, not refused: the draft may still be started."""
        return self.rule != PROFILE


@dataclass(frozen=True)
class Eligibility:
    """A person's standing on a call: what stands in their way (empty when nothing does) and
    the exception that waives the call's rules for them, if one was granted."""

    problems: list[EligibilityProblem]
    exception: EligibilityException | None

    @property
    def eligible(self) -> bool:
        return not self.problems

    @property
    def refusals(self) -> list[EligibilityProblem]:
        """The problems that refuse a start (all but an incomplete profile)."""
        return [p for p in self.problems if p.refuses_start]


def _either(names: list[str]) -> str:
    """["A"] -> "A"; ["A", "B", "C"] -> "A, B or C"."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} or {names[-1]}"


def _position_label(position: str) -> str:
    return str(dict(ApplicantType.choices).get(position, position))


def _departments_phrase(departments: list[str]) -> str:
    noun = "department" if len(departments) == 1 else "departments"
    return f"the {noun} of {_either(list(departments))}"


def call_rules(call: FundingCall) -> list[str]:
    """The call's rules as the call page and the API list them, in words; empty when anyone in
    the program may apply."""
    rules = []
    if call.eligible_applicant_types:
        positions = [_position_label(p) for p in call.eligible_applicant_types]
        rules.append(f"Applicants whose position is {_either(positions)}.")
    if call.eligible_departments:
        rules.append(f"Applicants in {_departments_phrase(call.eligible_departments)}.")
    if call.first_time_applicants_only:
        rules.append(f"First-time applicants only: nobody funded by {call.program.name} before.")
    if call.excludes_current_awardees:
        rules.append(f"Not open to anyone whose award from {call.program.name} is still running.")
    if call.requires_faculty_mentor:
        rules.append(
            "The team must include a faculty mentor (instructor to professor), checked when "
            "you submit."
        )
    if call.requires_community_partner:
        rules.append("The team must include a community partner, checked when you submit.")
    return rules


def eligibility_exception_for(*, call: FundingCall, user) -> EligibilityException | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        EligibilityException.objects.filter(call=call, person=user)
        .select_related("granted_by")
        .first()
    )


def eligibility_exceptions_of(call: FundingCall) -> QuerySet[EligibilityException]:
    """The call's exceptions, newest first, with the people they name."""
    return EligibilityException.objects.filter(call=call).select_related(
        "call", "person", "person__profile", "granted_by"
    )


def eligibility_of(*, call: FundingCall, user, proposal: Proposal | None = None) -> Eligibility:
    """``user``'s standing on ``call``. Without ``proposal`` (before starting) the rules on the
    person; with it (the submission checklist) the rules on its team as well, and a position
    changed since the proposal was started is named as such."""
    exception = eligibility_exception_for(call=call, user=user)
    waived = exception is not None
    problems = _person_problems(call, user, proposal, waived=waived)
    if proposal is not None and not waived:
        problems += _team_problems(call, proposal)
    return Eligibility(problems=problems, exception=exception)


def eligibility_problems(
    *, call: FundingCall, user, proposal: Proposal | None = None
) -> list[EligibilityProblem]:
    """Every eligibility rule ``user`` (and, given ``proposal``, its team) does not meet."""
    return eligibility_of(call=call, user=user, proposal=proposal).problems


def _person_problems(call, user, proposal, *, waived: bool) -> list[EligibilityProblem]:
    profile = getattr(user, "profile", None)
    position = getattr(profile, "applicant_type", "") or ""
    department = " ".join((getattr(profile, "department", "") or "").split())
    problems = []
    missing = [] if position else ["your position"]
    if call.eligible_departments and not department and not waived:
        missing.append("your department")
    if missing:
        problems.append(
            EligibilityProblem(
                PROFILE,
                f"Complete your profile ({' and '.join(missing)}) so we can check your "
                "eligibility.",
                "profile",
            )
        )
    if waived:
        return problems
    allowed = call.eligible_applicant_types or []
    if position and allowed and position not in allowed:
        label = _position_label(position)
        refusal = f"this call is not open to applicants whose position is “{label}”."
        started = proposal.pi_career_stage if proposal is not None else ""
        if started and started != position:
            message = (
                f"Your position changed since you started this proposal, from "
                f"“{_position_label(started)}” to “{label}”, and {refusal}"
            )
        else:
            message = refusal[0].upper() + refusal[1:]
        problems.append(EligibilityProblem(POSITION, message, "profile"))
    departments = call.eligible_departments or []
    if department and departments:
        if department_key(department) not in {department_key(d) for d in departments}:
            problems.append(
                EligibilityProblem(
                    DEPARTMENT,
                    f"This call is for {_departments_phrase(departments)}; your profile "
                    f"says {department}.",
                    "profile",
                )
            )
    if call.first_time_applicants_only or call.excludes_current_awardees:
        problems += _award_problems(call, user)
    return problems


def _award_problems(call, user) -> list[EligibilityProblem]:
    """First-time applicants and current awardees, by the person's awards from the call's
    program. Only released decisions count: an award nobody has been told of yet must not be
    given away by a refusal."""
    awards = list(
        Award.objects.filter(
            call__program_id=call.program_id,
            proposal__pi=user,
            proposal__decision__released_at__isnull=False,
        )
        .select_related("call")
        .order_by("-start_date", "-pk")
    )
    problems = []
    if call.first_time_applicants_only and awards:
        problems.append(
            EligibilityProblem(
                FIRST_TIME,
                f"This call is for first-time applicants; {call.program.name} funded you "
                f"before (“{awards[0].call.title}”).",
                "profile",
            )
        )
    running = [a for a in awards if a.status in RUNNING_AWARD_STATES]
    if call.excludes_current_awardees and running:
        problems.append(
            EligibilityProblem(
                CURRENT_AWARDEE,
                f"This call is not open to current awardees; your award from "
                f"“{running[0].call.title}” is still running.",
                "profile",
            )
        )
    return problems


def _team_problems(call, proposal) -> list[EligibilityProblem]:
    team = list(proposal.team.all())
    problems = []
    if call.requires_faculty_mentor and not any(
        m.role == TeamRole.MENTOR and m.user_id and lifecycle.may_mentor(m.user) for m in team
    ):
        problems.append(
            EligibilityProblem(
                FACULTY_MENTOR,
                "This call requires a faculty mentor on the team: add a colleague who holds a "
                "faculty position (instructor to professor) with the role “Mentor”.",
                "team",
            )
        )
    if call.requires_community_partner and not any(
        m.role == TeamRole.COMMUNITY_PARTNER for m in team
    ):
        problems.append(
            EligibilityProblem(
                COMMUNITY_PARTNER,
                "This call requires a community partner on the team: add them with the role "
                "“Community partner” (someone without an account is added by name).",
                "team",
            )
        )
    return problems
