"""The Program set-up sheet and INDGEN (individual records of people paid from an award), and
the training statuses INDGEN-PY reads (HRSA.md, section 8).

A mixin of the report builder: it reads ``self.period``, ``self.active`` (the period's awards
as a subquery) and ``self.awards`` (their rows). Each person paid is one INDGEN row, named, so
the table is for the funder only: it is never suppressed cell by cell, and a report made for
sharing beyond the funder (``withheld``) lists no one.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from accounts.models import User

from ..choices import ParticipantLevel, SupportKind, TrainingStatusValue
from ..models import ParticipantSupport, ReportingProfile, TrainingStatus
from . import mapping as m
from .periods import Period
from .tables import DATE, MONEY, Column, Row, Table

CENT = Decimal("0.01")
NOT_RECORDED = "Not recorded"


def reporting_profile(period: Period) -> ReportingProfile | None:
    """The profile the period's report uses (the rule of builder.profile_for_period)."""
    return (
        ReportingProfile.objects.filter(period__lte=period.label).order_by("-period").first()
        or ReportingProfile.objects.order_by("period").first()
    )


def amount_in(period: Period, amount: Decimal, first: date, last: date) -> Decimal:
    """The share of a payment for ``first``..``last`` (inclusive) that falls in the period:
    the whole amount when the dates are inside it, otherwise pro rata by day, to the cent."""
    start, end = max(first, period.start), min(last, period.end)
    if end < start:
        return Decimal("0.00")
    if first >= period.start and last <= period.end:
        return amount.quantize(CENT)
    days = (end - start).days + 1
    return (amount * days / ((last - first).days + 1)).quantize(CENT, ROUND_HALF_UP)


@dataclass
class SupportedPerson:
    """One INDGEN row before it is written out."""

    user_id: int
    name: str
    applicant_type: str
    programs: set = field(default_factory=set)  # TrainingProgram pks (None: none named)
    program_names: set = field(default_factory=set)
    kinds: set = field(default_factory=set)
    awards: set = field(default_factory=set)
    amount: Decimal = Decimal("0.00")
    status: TrainingStatus | None = None


def current_status(statuses: list[TrainingStatus], programs: set) -> TrainingStatus | None:
    """The status that describes the person's supported training: one recorded for a program
    they were paid under (or with no program), else any of theirs; the latest-dated first."""
    matching = [s for s in statuses if s.training_program_id in programs] or statuses
    if not matching:
        return None
    return max(matching, key=lambda s: (s.status_date or date.min, s.updated_at, s.pk))


def statuses_by_person(user_ids) -> dict[int, list[TrainingStatus]]:
    found: dict[int, list[TrainingStatus]] = {}
    for status in TrainingStatus.objects.filter(person_id__in=user_ids).order_by("pk"):
        found.setdefault(status.person_id, []).append(status)
    return found


class SupportTables:
    """Program set-up and INDGEN, for the report builder."""

    # ---- Program set-up ------------------------------------------------------------------------

    def program_setup(self) -> Table:
        profile = reporting_profile(self.period)
        programs = list(profile.training_programs.all()) if profile else []
        self.training_programs_set_up = len(programs)
        rows = [
            Row([p.name, p.get_program_type_display(), p.get_state_display()]) for p in programs
        ]
        notes = [
            "The program's training programs as the reporting profile lists them "
            f"({profile or 'no profile'}; edited in the Django admin, Reporting profiles)."
        ]
        if not programs:
            notes.append("No training program is set up on the profile yet.")
        return Table(
            key="program_setup",
            code="Program set-up",
            title="Program set-up",
            columns=[
                Column("program", "Training program", width=48),
                Column("type", "Type", width=20),
                Column("state", "Ongoing / completed", width=20),
            ],
            rows=rows,
            notes=notes,
        )

    # ---- INDGEN --------------------------------------------------------------------------------

    def supported_people(self) -> list[SupportedPerson]:
        """Everyone paid from an award active in the period for days inside it, once, with
        the kinds, programs and awards of those payments and the amount falling in the period
        (three queries)."""
        period = self.period
        people: dict[int, SupportedPerson] = {}
        for row in (
            ParticipantSupport.objects.filter(
                award__in=self.active, paid_from__lte=period.end, paid_to__gte=period.start
            )
            .order_by("pk")
            .values(
                "person_id",
                "person__username",
                "person__first_name",
                "person__last_name",
                "person__profile__applicant_type",
                "award_id",
                "kind",
                "amount",
                "paid_from",
                "paid_to",
                "training_program_id",
                "training_program__name",
            )
        ):
            person = people.get(row["person_id"])
            if person is None:
                name = User(
                    username=row["person__username"],
                    first_name=row["person__first_name"],
                    last_name=row["person__last_name"],
                ).display_name
                person = people[row["person_id"]] = SupportedPerson(
                    row["person_id"], name, row["person__profile__applicant_type"] or ""
                )
            person.programs.add(row["training_program_id"])
            if row["training_program_id"] is not None:
                person.program_names.add(row["training_program__name"])
            person.kinds.add(row["kind"])
            person.awards.add(row["award_id"])
            person.amount += amount_in(period, row["amount"], row["paid_from"], row["paid_to"])
        statuses = statuses_by_person(list(people))
        for person in people.values():
            person.status = current_status(statuses.get(person.user_id, []), person.programs)
        return sorted(people.values(), key=lambda p: (p.name.casefold(), p.user_id))

    def indgen(self, *, withheld: bool = False) -> Table:
        people = self.supported_people()
        self.indgen_people = people
        labels = {a.pk: a.label for a in self.awards}
        kind_order = list(SupportKind)
        rows = []
        for person in people:
            status = person.status
            rows.append(
                Row(
                    [
                        person.name,
                        str(person.user_id),
                        "; ".join(sorted(person.program_names)),
                        ParticipantLevel(m.participant_level(person.applicant_type)).label,
                        ", ".join(sorted(labels.get(pk, f"#{pk}") for pk in person.awards)),
                        "; ".join(k.label for k in kind_order if k.value in person.kinds),
                        person.amount,
                        TrainingStatusValue(status.status).label if status else NOT_RECORDED,
                        status.status_date if status else None,
                    ]
                )
            )
        total = sum((p.amount for p in people), Decimal("0.00"))
        if rows:
            rows.append(
                Row(
                    ["Total", f"{len(people)} people", "", "", "", "", total, "", None],
                    total=True,
                )
            )
        notes = [
            "One row per person paid directly (stipend, tuition, travel, other) from an award "
            "active in the period, for days inside it. Amount: what falls in the period — a "
            "payment for dates reaching outside it counts pro rata by day. Status: the training "
            "status recorded for the program they were paid under (Not recorded: none yet; "
            "see Checks).",
            "Individual records, for the funder only: they are never suppressed, and a report "
            "made for sharing beyond the funder lists no one here.",
        ]
        if withheld:
            rows = []
            notes.insert(0, "Withheld from this report, which is made for sharing.")
        return Table(
            key="indgen",
            code="INDGEN",
            title="INDGEN Individual records",
            columns=[
                Column("person", "Person", width=26),
                Column("person_id", "Person ID", width=10),
                Column("program", "Training program", width=30),
                Column("level", "Level", width=26),
                Column("awards", "Award(s)", width=14),
                Column("kinds", "Support", width=24),
                Column("amount", "Amount in period", MONEY, width=16),
                Column("status", "Training status", width=20),
                Column("status_date", "Status date", DATE, width=12),
            ],
            rows=rows,
            notes=notes,
            wide=True,
        )
