"""What every part of the generator shares: sizes, counted models, kinds of call, plans."""

from dataclasses import dataclass
from datetime import date, timedelta

from accounts.choices import FACULTY_TYPES, TRAINEE_TYPES
from accounts.models import Demographics, Profile, User
from grants.models import (
    Award,
    BudgetLine,
    Decision,
    Endorsement,
    FundingCall,
    Program,
    Proposal,
    StateChange,
    TeamMember,
)
from reporting.models import (
    EnrollmentReport,
    FollowOnFunding,
    Partnership,
    Presentation,
    ProgressReport,
    Publication,
    ReportingPeriodNarrative,
    TraineeOutcome,
)
from reviews.models import (
    Assignment,
    CallReview,
    Committee,
    CommitteeMembership,
    ConflictOfInterest,
    Criterion,
    CriterionScore,
    FinalScore,
    PanelEntry,
    Review,
)

PER_CALL = 2000  # proposals per call on average
OUTCOMES_PER_PROPOSAL = 10
REVIEWER_QUEUE = 15
OUTCOME_WINDOW = timedelta(days=365)  # reporting.validators' default reporting window
FINAL_REPORT_AFTER = timedelta(days=60)  # reporting.services.progress
PROGRAM = ("Center of Excellence in Health Equity", "CEHE", "Western Valley University")

OUTCOME_MODELS = (Publication, Presentation, FollowOnFunding, TraineeOutcome, Partnership)
COUNTED_MODELS = (
    User,
    User.groups.through,
    Profile,
    Demographics,
    Program,
    FundingCall,
    Proposal,
    TeamMember,
    BudgetLine,
    Endorsement,
    StateChange,
    Committee,
    CommitteeMembership,
    CallReview,
    Criterion,
    ConflictOfInterest,
    Assignment,
    Review,
    CriterionScore,
    PanelEntry,
    FinalScore,
    Decision,
    Award,
    ProgressReport,
    EnrollmentReport,
    *OUTCOME_MODELS,
    Publication.awards.through,
    Presentation.awards.through,
    FollowOnFunding.awards.through,
    ReportingPeriodNarrative,
)

# Kinds of call: (title, eligible types, maximum award, months).
TRAINEES = sorted(str(t) for t in TRAINEE_TYPES)
FACULTY = sorted(str(t) for t in FACULTY_TYPES)
KINDS = {
    "pilot": ("Health Equity Pilot Awards", FACULTY, 50_000, 12),
    "trainee": ("Trainee Health Disparities Research Awards", TRAINEES, 15_000, 12),
    "community": ("Community-Engaged Research Awards", FACULTY + TRAINEES, 40_000, 18),
}

# How a proposal's life runs, by the status of its call: (path, weight).
PATHS = {
    "open": (("draft", 54), ("submitted", 30), ("returned", 4), ("resubmitted", 4),
             ("withdrawn_draft", 5), ("withdrawn_submitted", 3)),
    "review": (("reviewed", 88), ("resubmitted_reviewed", 2), ("abandoned", 4),
               ("returned", 2), ("withdrawn_draft", 2), ("withdrawn_submitted", 2)),
    "ranking": (("reviewed", 97), ("resubmitted_reviewed", 3)),
}  # fmt: skip
PATHS["decided"] = PATHS["review"]
REVIEWED = frozenset({"reviewed", "resubmitted_reviewed"})


def _weighted(pairs) -> tuple[list, list]:
    return [value for value, _ in pairs], [weight for _, weight in pairs]


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


@dataclass
class CallPlan:
    role: str  # open | review | ranking | decided
    kind: str
    size: int
    closes_on: date
    rpp: int
    number: int = 0  # 1 for the oldest call
    intensity: float = 0.0  # how much of its awards' outcome window has passed, 0.1 to 1


class _Prop:
    """One proposal while it is being invented (plain attributes: tens of thousands per call)."""

    __slots__ = (
        "pi", "path", "quality", "star", "members", "obj", "history", "lines",
        "endorsement", "reviewers", "impacts", "discussed", "votes", "result", "decision",
        "waitlist", "sort_key", "submitted", "award", "original_end", "award_changes", "told",
    )  # fmt: skip

    def __init__(self, pi: int, path: str):
        self.pi, self.path = pi, path
        self.star = None  # "funded" / "not_funded" for scale-applicant's own proposals
        self.members: list[tuple[int | None, str, str, str]] = []
        self.history: list[tuple] = []
        self.reviewers: list[int] = []
        self.impacts: list[tuple[int, list]] = []
        self.discussed = False
        self.votes = self.result = self.decision = self.waitlist = self.award = None
        self.endorsement = None
