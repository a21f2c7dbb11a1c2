"""The entry point and the run: refusals, the plan of calls, each call in turn, the summary."""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from accounts.choices import Role
from accounts.models import User
from accounts.services import ensure_role_groups
from grants.choices import CallStatus
from grants.models import Award, FundingCall, Program, Proposal, StateChange
from reporting.hrsa.periods import current_period
from reporting.models import ProgressReport
from reviews.models import CallReview

from .awards import AwardsMixin
from .enrollment import EnrollmentMixin
from .outcomes import OutcomesMixin
from .people import PeopleMixin
from .proposals import ProposalsMixin
from .review import ReviewMixin
from .shape import (
    COUNTED_MODELS,
    KINDS,
    OUTCOME_MODELS,
    OUTCOME_WINDOW,
    OUTCOMES_PER_PROPOSAL,
    PER_CALL,
    PROGRAM,
    REVIEWED,
    CallPlan,
    _add_months,
)
from .writer import _explicit_timestamps, _insert, _Row

DEFAULT_PASSWORD = "northstar-bench"  # noqa: S105 (a published benchmark password)
ACCOUNTS = {
    "admin": "scale-admin",
    "chair": "scale-chair",
    "reviewer": "scale-reviewer",
    "applicant": "scale-applicant",
}
MIN_PROPOSALS = 100


class SeedRefused(Exception):
    """The database already holds data this generator would collide with."""


@dataclass(frozen=True)
class ScaleSummary:
    proposals: int
    reviews: int
    outcomes: int
    users: int
    seconds: float
    ranking_call_id: int
    review_call_id: int
    open_call_id: int
    report_period: str
    password: str
    counts: dict[str, int]

    def as_json(self) -> dict:
        return {
            "proposals": self.proposals,
            "reviews": self.reviews,
            "outcomes": self.outcomes,
            "users": self.users,
            "seconds": self.seconds,
            "ranking_call_id": self.ranking_call_id,
            "review_call_id": self.review_call_id,
            "open_call_id": self.open_call_id,
            "report_period": self.report_period,
            "password": self.password,
            "accounts": dict(ACCOUNTS),
            "counts": self.counts,
        }


def seed_scale(
    *,
    proposals: int,
    seed: int = 1,
    password: str = DEFAULT_PASSWORD,
    today: date,
    progress: Callable[[str], None] | None = None,
) -> ScaleSummary:
    """Fill an empty database with ``proposals`` proposals and everything around them, in one
    transaction. Raises ``SeedRefused`` when proposals or the fixed accounts already exist."""
    from django.contrib.auth.hashers import make_password

    if proposals < MIN_PROPOSALS:
        raise SeedRefused(f"Ask for at least {MIN_PROPOSALS} proposals.")
    if Proposal.objects.exists():
        raise SeedRefused(
            "The database already holds proposals; seed_scale fills an empty database only "
            "(create a fresh one and migrate it)."
        )
    taken = sorted(
        User.objects.filter(username__in=ACCOUNTS.values()).values_list("username", flat=True)
    )
    if taken:
        raise SeedRefused(f"These accounts already exist: {', '.join(taken)}.")
    started = time.monotonic()
    seeder = _Seeder(
        n=proposals,
        rng=random.Random(seed),  # noqa: S311 (invented data, reproducible by design)
        # Classifications and enrollment draw from their own source: adding them left every
        # other row of a seed as it was (earlier benchmark runs stay comparable).
        rng_extra=random.Random(f"extra-{seed}"),  # noqa: S311
        password_hash=make_password(password),  # hashed once: PBKDF2 is slow on purpose
        today=today,
        progress=progress or (lambda message: None),
    )
    with _explicit_timestamps(), transaction.atomic():
        seeder.run()
    counts = {model._meta.label: model.objects.count() for model in COUNTED_MODELS}
    return ScaleSummary(
        proposals=counts["grants.Proposal"],
        reviews=counts["reviews.Review"],
        outcomes=sum(counts[model._meta.label] for model in OUTCOME_MODELS),
        users=counts["accounts.User"],
        seconds=round(time.monotonic() - started, 1),
        ranking_call_id=seeder.call_ids["ranking"],
        review_call_id=seeder.call_ids["review"],
        open_call_id=seeder.call_ids["open"],
        report_period=seeder.report.label,
        password=password,
        counts=counts,
    )


class _Seeder(
    PeopleMixin, ProposalsMixin, ReviewMixin, AwardsMixin, EnrollmentMixin, OutcomesMixin
):
    """One seeding run: its random source, clock and plan of calls, and each call in turn
    (the parts are in the mixins, one module each)."""

    def __init__(
        self,
        *,
        n: int,
        rng: random.Random,
        rng_extra: random.Random,
        password_hash: str,
        today: date,
        progress,
    ):
        self.n = n
        self.rng = rng
        self.rng_extra = rng_extra
        self.hash = password_hash
        self.today = today
        self.progress = progress
        self.started = time.monotonic()
        self.zone = ZoneInfo(settings.TIME_ZONE)
        # Everything seeded happened before midnight starting ``today`` (local time).
        self.now = self.at(today, 0)
        self.yesterday = today - timedelta(days=1)
        self.current = current_period(today)
        self.report = self.current.previous
        self.offset = int(self.now.astimezone(self.zone).utcoffset().total_seconds() // 3600)
        self.ct = {
            m: ContentType.objects.get_for_model(m)
            for m in (FundingCall, Proposal, Award, ProgressReport, CallReview)
        }
        self.call_ids: dict[str, int] = {}
        self.group_rows: set[tuple[int, int]] = set()
        self.mentor_of: dict[int, int] = {}
        self.awards_of_pi: dict[int, list[tuple[int, date, date]]] = {}
        self.pub_number = 0
        self.outcomes_left = OUTCOMES_PER_PROPOSAL * n
        self.outcome_weight_left = 0.0
        self.bias: dict[int, float] = {}

    # -- time --

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """That wall-clock time in the program's zone, as UTC (arithmetic stays exact)."""
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone).astimezone(
            UTC
        )

    def between(self, start: datetime, end: datetime) -> datetime:
        """A moment in [start, end), moved into waking hours in the program's zone if it fits."""
        if end <= start:
            return start
        moment = start + timedelta(seconds=int(self.rng.random() * (end - start).total_seconds()))
        if (moment.hour + self.offset) % 24 < 8:
            later = moment + timedelta(hours=10)
            if later < end:
                return later
        return moment

    def day_between(self, first: date, last: date) -> date:
        if last <= first:
            return first
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))

    # -- entry point --

    def run(self) -> None:
        ensure_role_groups()
        self.groups = {g.name: g.pk for g in Group.objects.filter(name__in=[str(r) for r in Role])}
        self.program = _insert(
            Program, [_Row(name=PROGRAM[0], short_name=PROGRAM[1], institution=PROGRAM[2])]
        )[0]
        plans = self.plan()
        self.people(max(p.size for p in plans), joined=plans[0].closes_on - timedelta(days=150))
        self.place_applicant(plans)
        for plan in plans:
            self.call(plan)
            self.progress(
                f"{time.monotonic() - self.started:6.1f}s  call {plan.number} of {len(plans)} "
                f"({plan.role}): {plan.size} proposals"
            )
        self.narratives(plans[0].closes_on)
        _insert(
            User.groups.through,
            [_Row(user_id=u, group_id=g) for u, g in sorted(self.group_rows)],
            ids=False,
        )
        self.progress(f"{time.monotonic() - self.started:6.1f}s  committing")

    def plan(self) -> list[CallPlan]:
        """About 2,000 proposals a call over ten years; the ranking call holds min(N/2, 2000)."""
        rng, n = self.rng, self.n
        calls = max(5, round(n / PER_CALL))
        ranking = min(PER_CALL, n // 2)
        weights = [rng.uniform(0.8, 1.2) for _ in range(calls - 1)]
        rest = n - ranking
        sizes = [int(rest * w / sum(weights)) for w in weights]
        for i in range(rest - sum(sizes)):
            sizes[i % len(sizes)] += 1
        decided = calls - 2
        step = min(365, (3650 - 120) // max(1, decided - 1))
        plans = []
        for k in range(decided - 1, -1, -1):  # oldest first
            role = "ranking" if k == 0 else "decided"
            kind = "community" if k == 0 else ("trainee", "pilot", "community")[k % 3]
            size = ranking if k == 0 else sizes[k + 1]
            closes = self.today - timedelta(days=120 + k * step)
            plans.append(CallPlan(role, kind, size, closes, 4 if k % 3 == 1 else 3, 0))
        plans.append(
            CallPlan("review", "community", sizes[1], self.today - timedelta(days=30), 3, 0)
        )
        plans.append(CallPlan("open", "pilot", sizes[0], self.today + timedelta(days=21), 3, 0))
        for number, plan in enumerate(plans, 1):
            plan.number = number
        # Outcomes: ten per proposal in all, shared by the awards in proportion to how much of
        # their life and reporting window has passed (this year's awards have had little time).
        for plan in plans:
            if plan.role in ("decided", "ranking"):
                start = _add_months((plan.closes_on + timedelta(days=57)).replace(day=1), 1)
                window = KINDS[plan.kind][3] * 30.4 + OUTCOME_WINDOW.days
                elapsed = min(1.0, max(0.0, (self.today - start).days / window))
                plan.intensity = 0.1 + 0.9 * elapsed
                reviewed = plan.size * (1.0 if plan.role == "ranking" else 0.9)
                self.outcome_weight_left += 0.2 * reviewed * plan.intensity
        return plans

    def call(self, plan: CallPlan) -> None:
        title, eligible, max_award, months = KINDS[plan.kind]
        closes_at = self.at(plan.closes_on, 17)
        opens_at = self.at(plan.closes_on - timedelta(days=60), 9)
        begins = self.at(plan.closes_on + timedelta(days=2), 10)
        call = _Row(
            program_id=self.program.pk,
            title=f"{title}, {plan.closes_on:%B %Y} round (#{plan.number})",
            description=(
                f"Awards of up to ${max_award:,} for {months} months for research that reduces "
                "health disparities, built with a community partner."
            ),
            eligible_applicant_types=list(eligible),
            eligibility_notes="One proposal per applicant; trainees need a faculty mentor's endorsement.",
            opens_at=opens_at,
            closes_at=closes_at,
            time_zone=settings.TIME_ZONE,
            max_award=Decimal(max_award),
            duration_months=months,
            one_per_applicant=True,
            required_attachments=[],
            reviewers_per_proposal=plan.rpp,
            status={"open": CallStatus.OPEN, "review": CallStatus.IN_REVIEW}.get(
                plan.role, CallStatus.DECIDED
            ),
            created_at=opens_at - timedelta(days=14),
        )
        props = self.proposals(plan, call, opens_at, closes_at, begins)
        reviewed = [p for p in props if p.path in REVIEWED]
        panel = None
        if plan.role != "open":
            panel = self.review_plan(plan, reviewed)
        if plan.role in ("decided", "ranking"):
            self.panel(plan, reviewed, panel)
            release = self.decide(plan, call, reviewed)
        else:
            call.total_budget = Decimal(max_award) * max(1, round(plan.size * 0.2))
        _insert(FundingCall, [call])
        self.call_ids[plan.role] = call.pk
        changes = self.call_history(plan, call, opens_at, closes_at, begins)
        for p in props:
            p.obj.call_id = call.pk
        _insert(Proposal, [p.obj for p in props])
        self.proposal_parts(props, call, max_award)
        if panel is not None:
            changes += self.review_rows(plan, call, reviewed, panel)
        if plan.role in ("decided", "ranking"):
            changes += self.award_rows(plan, call, reviewed, release)
        for p in props:
            for from_state, to_state, at, actor, reason, internal in p.history:
                changes.append(
                    _Row(
                        content_type_id=self.ct[Proposal].pk,
                        object_id=p.obj.pk,
                        from_state=from_state,
                        to_state=to_state,
                        actor_id=actor,
                        reason=reason,
                        internal=internal,
                        at=at,
                    )
                )
        _insert(StateChange, changes, ids=False)

    def call_history(self, plan, call, opens_at, closes_at, begins) -> list[StateChange]:
        steps = [("draft", "open", opens_at, "")]
        if plan.role != "open":
            steps += [
                ("open", "closed", begins, "Review begins."),
                ("closed", "in_review", begins + timedelta(minutes=1), ""),
            ]
        if plan.role in ("decided", "ranking"):
            # After the last proposal's release (a second apart, in ranking order).
            released = self.release_at(plan) + timedelta(seconds=plan.size)
            steps.append(("in_review", "decided", released, "Decisions released."))
        return [
            _Row(
                content_type_id=self.ct[FundingCall].pk,
                object_id=call.pk,
                from_state=a,
                to_state=b,
                actor_id=self.admin,
                reason=reason,
                at=at,
            )
            for a, b, at, reason in steps
        ]

    def release_at(self, plan: CallPlan) -> datetime:
        return self.at(plan.closes_on + timedelta(days=57), 10)
