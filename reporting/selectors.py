"""Reads for the awardee's and the administrator's pages, each in a fixed number of queries."""

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from accounts.choices import ApplicantType, Role
from accounts.models import User
from accounts.permissions import can
from grants.choices import DecisionOutcome, DisparityPopulation
from grants.models import Award, Decision, FundingCall, Proposal, TeamMember
from grants.selectors import proposals_naming_population

from .choices import ENROLLMENT_CELLS, EnrollmentKind, FundingStatus, ProgressReportStatus
from .hrsa.mapping import demographics_answered
from .hrsa.people import awards_active_in, participants_of, released_awards
from .hrsa.periods import Period
from .models import (
    EnrollmentReport,
    ExternalSubmission,
    FollowOnFunding,
    ParticipantSupport,
    Partnership,
    Presentation,
    ProgressReport,
    Publication,
    TraineeOutcome,
    TrainingProgram,
    TrainingStatus,
)
from .portfolio import portfolio_grid  # noqa: F401 (the NIMHD portfolio's read, re-exported)

ZERO = Decimal("0.00")


def awards_of_user(user) -> QuerySet[Award]:
    """Awards the user leads or is on the team of (decisions released), newest first, with
    their call and progress reports (in due-date order) loaded: two queries."""
    if not user.is_authenticated:
        return Award.objects.none()
    member_of = TeamMember.objects.filter(user=user).values("proposal_id")
    return (
        released_awards()
        .filter(Q(proposal__pi=user) | Q(proposal_id__in=member_of))
        .select_related("call", "proposal", "proposal__pi")
        .prefetch_related(
            Prefetch("progress_reports", queryset=ProgressReport.objects.order_by("due_date", "pk"))
        )
        .order_by("-start_date", "-pk")
    )


def awards_visible_to(user) -> QuerySet[Award]:
    """Every award the user may know exists: administrators see all released awards."""
    if user.is_authenticated and user.has_role(Role.ADMINISTRATOR):
        return (
            released_awards()
            .select_related("call", "proposal", "proposal__pi")
            .prefetch_related(
                Prefetch(
                    "progress_reports", queryset=ProgressReport.objects.order_by("due_date", "pk")
                )
            )
            .order_by("-start_date", "-pk")
        )
    return awards_of_user(user)


def progress_reports_due_for(user) -> QuerySet[ProgressReport]:
    """The user's unsubmitted progress reports (as PI), soonest first."""
    return (
        ProgressReport.objects.filter(
            status=ProgressReportStatus.DUE,
            award__proposal__pi=user,
            award__proposal__decision__released_at__isnull=False,
        )
        .select_related("award", "award__proposal")
        .order_by("due_date", "pk")
    )


@dataclass
class AwardOutcomes:
    publications: list[Publication]
    presentations: list[Presentation]
    follow_on_funding: list[FollowOnFunding]
    trainee_outcomes: list[TraineeOutcome]
    partnerships: list[Partnership]

    @property
    def total(self) -> int:
        return sum(
            len(items)
            for items in (
                self.publications,
                self.presentations,
                self.follow_on_funding,
                self.trainee_outcomes,
                self.partnerships,
            )
        )


def outcomes_for_award(award: Award) -> AwardOutcomes:
    """Everything recorded against one award, each kind in its display order (five queries)."""
    return AwardOutcomes(
        publications=list(Publication.objects.filter(awards=award)),
        presentations=list(Presentation.objects.filter(awards=award)),
        follow_on_funding=list(FollowOnFunding.objects.filter(awards=award)),
        trainee_outcomes=list(TraineeOutcome.objects.filter(award=award).select_related("trainee")),
        partnerships=list(Partnership.objects.filter(award=award)),
    )


# ---- Trainee support (INDGEN) ----------------------------------------------------------------


def support_for_award(award: Award) -> QuerySet[ParticipantSupport]:
    """The award's support records with their person and program (one query)."""
    return (
        ParticipantSupport.objects.filter(award=award)
        .select_related("person", "training_program")
        .order_by("person__last_name", "person__first_name", "person_id", "paid_from", "pk")
    )


def support_people(award: Award) -> QuerySet:
    """Who may be paid from the award: its PI and the team members with an account."""
    team = TeamMember.objects.filter(proposal_id=award.proposal_id, user__isnull=False)
    return User.objects.filter(
        Q(pk=award.proposal.pi_id) | Q(pk__in=team.values("user_id"))
    ).order_by("last_name", "first_name", "pk")


def training_programs() -> QuerySet[TrainingProgram]:
    """Every profile's training programs, in the sheet's order (newest profile first)."""
    return TrainingProgram.objects.select_related("profile").order_by(
        "-profile__period", "position", "name", "pk"
    )


@dataclass
class SupportedPerson:
    """One person paid from an award, with their statuses (none recorded: an empty list)."""

    person: object
    total: Decimal
    statuses: list[TrainingStatus]


def supported_people(award: Award, support: list[ParticipantSupport]) -> list[SupportedPerson]:
    """Each person of ``support`` once (in its order), with the total paid to them from the
    award and their recorded training statuses (one query)."""
    people: dict[int, SupportedPerson] = {}
    for item in support:
        entry = people.setdefault(item.person_id, SupportedPerson(item.person, ZERO, []))
        entry.total += item.amount
    for status in TrainingStatus.objects.filter(person_id__in=list(people)).select_related(
        "training_program"
    ):
        people[status.person_id].statuses.append(status)
    return list(people.values())


def overdue_progress_reports(today: date | None = None) -> QuerySet[ProgressReport]:
    """Unsubmitted reports past their due date, oldest first, with the award and PI loaded and
    whether an overdue reminder went out (``overdue_reminders``)."""
    today = today or timezone.localdate()
    return (
        ProgressReport.objects.filter(status=ProgressReportStatus.DUE, due_date__lt=today)
        .select_related("award", "award__call", "award__proposal", "award__proposal__pi")
        .annotate(overdue_reminders=Count("reminders", filter=Q(reminders__kind="overdue")))
        .order_by("due_date", "pk")
    )


def participants_missing_demographics(period: Period) -> int:
    """How many people on awards active in the period have not answered the demographics
    questions at all (no record, or an empty one): they count as not reported."""
    people = participants_of(list(awards_active_in(period)), period)
    return sum(1 for p in people.values() if not demographics_answered(p.demographics))


# ---- The administrators' dashboard -----------------------------------------------------------


@dataclass
class Dashboard:
    # (label, awards, dollars); an award with two populations counts under both.
    funding_by_population: list[tuple[str, int, Decimal]] = field(default_factory=list)
    # (label, awards, dollars), by the PI's position.
    funding_by_applicant_type: list[tuple[str, int, Decimal]] = field(default_factory=list)
    # (call, submitted, decided, funded, rate % or None, awarded $)
    funding_rate_per_call: list[tuple[FundingCall, int, int, int, Decimal | None, Decimal]] = field(
        default_factory=list
    )
    # (year, publications, follow-on $ awarded)
    outcomes_per_year: list[tuple[int, int, Decimal]] = field(default_factory=list)


def dashboard_aggregates(*, call_id: int | None = None, period=None) -> Dashboard:
    """The dashboard's four charts as data tables in four queries: program to date, or for one
    call (``call_id``), or for the calls whose deadline fell in one academic year (``period``,
    a reporting.hrsa.periods.Period) — their awards, their funding rates, and what those awards
    led to."""
    board = Dashboard()
    calls_shown = FundingCall.objects.all()
    if call_id is not None:
        calls_shown = calls_shown.filter(pk=call_id)
    if period is not None:
        calls_shown = calls_shown.filter(
            closes_at__gte=period.start_at, closes_at__lt=period.end_at
        )
    narrowed = call_id is not None or period is not None
    awards = released_awards()
    if narrowed:
        awards = awards.filter(call__in=calls_shown.values("pk"))

    by_population: dict[str, list] = defaultdict(lambda: [0, ZERO])
    by_type: dict[str, list] = defaultdict(lambda: [0, ZERO])
    # Added up by the database per combination of populations and position (a few hundred
    # rows rather than one per award), then spread over each population here.
    rows = (
        awards.order_by()
        .values("proposal__disparity_populations", "proposal__pi__profile__applicant_type")
        .annotate(n=Count("pk"), total=Sum("amount"))
        .values_list(
            "proposal__disparity_populations", "proposal__pi__profile__applicant_type", "n", "total"
        )
    )
    for populations, applicant_type, n, total in rows:
        for population in populations or ["__none__"]:
            by_population[population][0] += n
            by_population[population][1] += total
        by_type[applicant_type or ""][0] += n
        by_type[applicant_type or ""][1] += total
    for value, label in [*DisparityPopulation.choices, ("__none__", "None given")]:
        if value in by_population:
            board.funding_by_population.append((label, *by_population[value]))
    for value, label in [*ApplicantType.choices, ("", "Not given")]:
        if value in by_type:
            board.funding_by_applicant_type.append((label, *by_type[value]))

    awarded = (
        Award.objects.filter(call=OuterRef("pk"), proposal__decision__released_at__isnull=False)
        .values("call")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=14, decimal_places=2)

    def counted(rows) -> Coalesce:
        """How many of ``rows`` (filtered to the call by OuterRef), as a subquery per call:
        counting proposals and decisions in one joined query multiplied the rows (a call's
        proposals times its decisions) before DISTINCT."""
        return Coalesce(
            Subquery(
                rows.order_by().values("call").annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
            0,
        )

    released = Decision.objects.filter(call=OuterRef("pk"), released_at__isnull=False)
    calls = calls_shown.annotate(
        submitted=counted(Proposal.objects.filter(call=OuterRef("pk"), submitted_at__isnull=False)),
        decided=counted(
            released.filter(outcome__in=[DecisionOutcome.FUNDED, DecisionOutcome.NOT_FUNDED])
        ),
        funded=counted(released.filter(outcome=DecisionOutcome.FUNDED)),
        awarded=Coalesce(Subquery(awarded, output_field=money), Value(ZERO, output_field=money)),
    ).order_by("closes_at", "pk")
    for call in calls:
        rate = None
        if call.decided:
            rate = (Decimal(100) * call.funded / call.decided).quantize(Decimal("0.1"))
        board.funding_rate_per_call.append(
            (call, call.submitted, call.decided, call.funded, rate, call.awarded)
        )

    released = awards.values("pk")
    year = Coalesce(ExtractYear("published_on"), "year", output_field=IntegerField())
    # A semi-join (each paper once, however many awards it names) rather than a join
    # counted DISTINCT, which sorted every paper-award link.
    linked = Publication.awards.through.objects.filter(
        publication_id=OuterRef("pk"), award__in=released
    )
    publications = dict(
        Publication.objects.filter(Exists(linked))
        .annotate(at=year)
        .filter(at__isnull=False)
        .order_by()
        .values("at")
        .annotate(n=Count("pk"))
        .values_list("at", "n")
    )
    dollars = dict(
        FollowOnFunding.objects.filter(
            pk__in=FollowOnFunding.objects.filter(awards__in=released).values("pk"),
            status=FundingStatus.AWARDED,
            decided_on__isnull=False,
        )
        .annotate(at=ExtractYear("decided_on"))
        .values("at")
        .annotate(total=Sum("amount"))
        .values_list("at", "total")
    )
    for at in sorted(set(publications) | set(dollars)):
        board.outcomes_per_year.append((at, publications.get(at, 0), dollars.get(at) or ZERO))
    return board


def enrollment_for_award(award: Award) -> tuple:
    """The award's planned enrollment table (or None) and its cumulative tables, newest first."""
    reports = list(award.enrollment_reports.order_by("-as_of", "-pk"))
    planned = next((r for r in reports if r.kind == EnrollmentKind.PLANNED), None)
    return planned, [r for r in reports if r.kind == EnrollmentKind.CUMULATIVE]


def enrollment_program(*, population: str | None = None) -> dict:
    """Inclusion enrollment added up over the funded (released) awards, optionally those whose
    proposal names ``population``: the planned tables, and each award's latest cumulative
    table. Two queries, whatever the number of awards; the cells are added up by the database
    on PostgreSQL, which first reads the awards' count and the version of what is added up:
    when this process has added up that very version before, that one query is all
    (``_EnrollmentMemo``; the version is read first, so a sum is never kept under a newer
    version than the one it added up)."""
    awards = released_awards()
    if population:
        awards = awards.filter(
            proposal__in=proposals_naming_population(Proposal.objects.all(), population).values(
                "pk"
            )
        )
    if connection.vendor == "postgresql":
        award_count, version = _enrollment_version(awards)
        sums = _enrollment_memo.get((population, version))
        if sums is None:
            sums = _enrollment_sums(*_enrollment_tables(awards.values("pk")))
            _enrollment_memo.put((population, version), sums)
    else:
        award_count = awards.count()
        sums = _enrollment_sums(*_enrollment_tables(awards.values("pk")))
    with_plan, planned = sums.get(EnrollmentKind.PLANNED, (0, dict.fromkeys(ENROLLMENT_CELLS, 0)))
    reporting, actual = sums.get(EnrollmentKind.CUMULATIVE, (0, dict.fromkeys(ENROLLMENT_CELLS, 0)))
    planned, actual = dict(planned), dict(actual)  # the caller's copies, never the memo's
    return {
        "awards": award_count,
        "with_plan": with_plan,
        "reporting": reporting,
        "planned": planned,
        "actual": actual,
    }


class _EnrollmentMemo:
    """The program's sums by the exact version of the tables they add up (PostgreSQL only):
    adding up 26,000 tables of 63 cells stored as JSON costs PostgreSQL about 20 µs a table,
    reading which awards and which versions of the tables there are costs a fraction of that.
    Nothing to invalidate: a version is the awards' ids and every table's row version
    (``xmin``, the writing transaction, and ``ctid``, where the row version lives; together
    they change with every INSERT, UPDATE or DELETE, by any writer, even twice in one
    transaction), so a write is a new key and the old entry is never read again. Per process,
    the last few keys."""

    size = 16

    def __init__(self):
        self._entries: OrderedDict[tuple, dict] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> dict | None:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
            return self._entries.get(key)

    def put(self, key: tuple, sums: dict) -> dict:
        with self._lock:
            self._entries[key] = sums
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return sums


_enrollment_memo = _EnrollmentMemo()


def _enrollment_tables(award_ids) -> tuple[QuerySet[EnrollmentReport], ...]:
    """The tables the program adds up for the awards of ``award_ids`` (a subquery): their
    planned tables, and each one's latest cumulative table. Two parts rather than one OR: the
    newest-table test becomes an anti-join."""
    newer = EnrollmentReport.objects.filter(
        award_id=OuterRef("award_id"), kind=EnrollmentKind.CUMULATIVE
    ).filter(Q(as_of__gt=OuterRef("as_of")) | Q(as_of=OuterRef("as_of"), pk__gt=OuterRef("pk")))
    tables = EnrollmentReport.objects.filter(award_id__in=award_ids).order_by()
    return (
        tables.filter(kind=EnrollmentKind.PLANNED),
        tables.filter(kind=EnrollmentKind.CUMULATIVE).exclude(Exists(newer)),
    )


def _enrollment_version(awards: QuerySet[Award]) -> tuple[int, str]:
    """How many ``awards``, and a version of everything the program's sums are made of: which
    awards (their ids), and every enrollment table in its row version, whatever its award
    (the latest cumulative table of an award depends only on its tables). PostgreSQL; one
    query that never reads the tables' JSON (one plain pass over the table)."""
    found, params = awards.order_by().values("pk").query.sql_with_params()
    # Order-free digests (64-bit hashes added up, and how many): a change goes unseen only
    # if its hashes add up to the same sum, a chance of 1 in 2^64.
    query = (
        "SELECT a.n, a.h, t.n, t.h FROM "  # noqa: S608 (Django's own SQL)
        "(SELECT COUNT(*) AS n, COALESCE(SUM(hashint8extended(x.pk, 0)), 0) AS h "
        f"FROM ({found}) AS x) AS a, "
        "(SELECT COUNT(*) AS n, COALESCE(SUM(hashtextextended("
        "r.xmin::text || '/' || r.ctid::text, r.id)), 0) AS h "
        '  FROM "reporting_enrollmentreport" AS r) AS t'
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        count, awards_digest, tables, tables_digest = cursor.fetchone()
    return count, f"{count}:{awards_digest}:{tables}:{tables_digest}"


def _enrollment_sums(*parts: QuerySet[EnrollmentReport]) -> dict[str, tuple[int, dict]]:
    """Per kind: how many tables of ``parts`` (together), and each cell added up over them.
    One query. On PostgreSQL the database adds them up (each table's JSON read once, by
    ``jsonb_to_record``); elsewhere (SQLite, the tests' small data) they are added up here."""
    first, *rest = [part.values("kind", "counts") for part in parts]
    rows = first.union(*rest, all=True)
    if connection.vendor == "postgresql":
        inner, params = rows.query.sql_with_params()
        columns = ", ".join(f'"{key}" bigint' for key in ENROLLMENT_CELLS)
        totals = ", ".join(f'COALESCE(SUM(x."{key}"), 0)' for key in ENROLLMENT_CELLS)
        query = (
            f"SELECT t.kind, COUNT(*), {totals} FROM ({inner}) AS t, "  # noqa: S608 (fixed cell names)
            f"jsonb_to_record(t.counts) AS x({columns}) GROUP BY t.kind"
        )
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return {
                kind: (count, dict(zip(ENROLLMENT_CELLS, map(int, cells), strict=True)))
                for kind, count, *cells in cursor.fetchall()
            }
    sums: dict[str, tuple[int, dict]] = {}
    for kind, counts in rows.values_list("kind", "counts"):
        count, target = sums.setdefault(kind, (0, dict.fromkeys(ENROLLMENT_CELLS, 0)))
        for key in ENROLLMENT_CELLS:
            target[key] += int(counts.get(key, 0) or 0)
        sums[kind] = (count + 1, target)
    return sums


@dataclass(frozen=True)
class NominationRow:
    """A limited submission's nominee: its decision (released or not) and, once released,
    its application to the sponsor (or None before it is recorded)."""

    decision: Decision
    external: ExternalSubmission | None

    @property
    def proposal(self):
        return self.decision.proposal

    @property
    def released(self) -> bool:
        return self.decision.released_at is not None


def limited_calls_managed_by(user) -> QuerySet[FundingCall]:
    """The limited-submission calls whose nominees ``user`` manages: every one for the program
    office, none for anyone else (the nominees pages and API answer 404 outside it)."""
    if not can(user, "reporting.manage_reporting"):
        return FundingCall.objects.none()
    return FundingCall.objects.filter(nominations_allowed__isnull=False)


def call_nominations(call: FundingCall) -> list[NominationRow]:
    """The call's nominees and alternates in the order decided, each with its external
    submission, in three queries."""
    decisions = list(
        Decision.objects.filter(
            call=call, outcome__in=[DecisionOutcome.NOMINATED, DecisionOutcome.WAITLISTED]
        )
        .select_related("proposal", "proposal__pi")
        .order_by("decided_at", "pk")
    )
    external = {
        record.proposal_id: record
        for record in ExternalSubmission.objects.filter(
            proposal_id__in=[d.proposal_id for d in decisions]
        ).select_related("follow_on")
    }
    return [NominationRow(decision=d, external=external.get(d.proposal_id)) for d in decisions]
