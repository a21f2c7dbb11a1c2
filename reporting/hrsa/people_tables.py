"""The tables that count people: LR-1, LR-2, DV-1, DV-2 and INDGEN-PY (HRSA.md's rules).

A mixin of the report builder: it reads ``self.people`` (participants_of), ``self.mapping``
(the reporting profile) and ``self.period``.
"""

from collections import Counter

from django.utils.text import slugify

from ..choices import (
    NOT_REPORTED,
    NOT_REPORTED_LABEL,
    AgeGroup,
    AprEthnicity,
    AprRace,
    ParticipantLevel,
    TrainingStatusValue,
    YesNoUnknown,
)
from ..models import TraineeOutcome, TrainingStatus
from . import mapping as m
from .people import Participant, awards_active_in, participants_of, released_awards
from .tables import COUNT, Column, Row, Table, Total

CURRENT, COMPLETERS = "current", "completers"
STATUS_GROUPS = [(CURRENT, "Current participants"), (COMPLETERS, "Completers")]
# The count columns of the tables with one row per group (LR-1, DV-2).
STATUS_COLUMNS = (
    Column(CURRENT, "Current participants", COUNT, width=20),
    Column(COMPLETERS, "Completers", COUNT, width=14),
    Column("total", "Total", COUNT, width=10),
)


def _slug(label: str) -> str:
    return slugify(label).replace("-", "_")


def _crosstab_sums(rows: list[int], total_row: int, groups: list[tuple[int, list[int]]], columns):
    """Sums of a cross-tab: in every row each group's total = its parts; every column's total
    row = the sum of the data rows."""
    sums = [
        Total((r, target), [(r, c) for c in parts])
        for r in [*rows, total_row]
        for target, parts in groups
    ]
    sums += [Total((total_row, c), [(r, c) for r in rows]) for c in columns]
    return sums


class PeopleTables:
    """LR-1, LR-2, DV-1, DV-2 and INDGEN-PY, for the report builder."""

    # ---- helpers -----------------------------------------------------------------------------

    def _status(self, person: Participant) -> str:
        return COMPLETERS if person.completer else CURRENT

    def _counts(self, classify) -> Counter:
        """Counter of (classification, current|completers) over the participants."""
        return Counter((classify(p), self._status(p)) for p in self.people.values())

    def _status_total(self) -> dict[str, int]:
        counts = Counter(self._status(p) for p in self.people.values())
        return {CURRENT: counts[CURRENT], COMPLETERS: counts[COMPLETERS]}

    # ---- 3. LR-1 -------------------------------------------------------------------------------

    def lr1(self) -> Table:
        counts = self._counts(lambda p: m.participant_level(p.applicant_type))
        rows = []
        for level in ParticipantLevel:
            current, completers = counts[(level.value, CURRENT)], counts[(level.value, COMPLETERS)]
            rows.append(Row([level.label, current, completers, current + completers]))
        totals = self._status_total()
        rows.append(
            Row(
                [
                    "Total",
                    totals[CURRENT],
                    totals[COMPLETERS],
                    totals[CURRENT] + totals[COMPLETERS],
                ],
                total=True,
            )
        )
        data, total_row = list(range(len(ParticipantLevel))), len(ParticipantLevel)
        return Table(
            key="lr1",
            code="LR-1",
            title="LR-1 Participants",
            columns=[Column("level", "Role / level", width=34), *STATUS_COLUMNS],
            rows=rows,
            notes=[
                "People on awards active in the period (PI and team members with an account), "
                "each counted once. Completers: every award of theirs active in the period ended "
                "in it; everyone else is a current participant."
            ],
            people=True,
            sums=_crosstab_sums(data, total_row, [(3, [1, 2])], [1, 2, 3]),
            shared={CURRENT: (total_row, 1), COMPLETERS: (total_row, 2), "all": (total_row, 3)},
        )

    # ---- 4. LR-2 -------------------------------------------------------------------------------

    def _status_crosstab(
        self, *, key, code, title, row_label, row_values, column_values, classify, notes
    ) -> Table:
        """Rows x (columns for current | current total | columns for completers | completers
        total | total), with a total row — the shape of LR-2 and DV-1."""
        counts = self._counts(classify)
        width = len(column_values)
        columns = [Column("row", row_label, width=34)]
        for status, group in STATUS_GROUPS:
            for value, label in column_values:
                columns.append(Column(f"{status}:{value}", label, COUNT, width=12, group=group))
            columns.append(Column(f"{status}_total", "Total", COUNT, width=10, group=group))
        columns.append(Column("total", "All participants", COUNT, width=14))
        rows = []
        for value, label in [*row_values, ("__total__", "Total")]:
            cells: list = [label]
            for status, _ in STATUS_GROUPS:
                if value == "__total__":
                    parts = [
                        sum(counts[((r, c), status)] for r, _ in row_values)
                        for c, _ in column_values
                    ]
                else:
                    parts = [counts[((value, c), status)] for c, _ in column_values]
                cells += [*parts, sum(parts)]
            cells.append(cells[width + 1] + cells[2 * width + 2])
            rows.append(Row(cells, total=value == "__total__"))
        current_total, completers_total, total = width + 1, 2 * width + 2, 2 * width + 3
        groups = [
            (current_total, list(range(1, width + 1))),
            (completers_total, list(range(width + 2, 2 * width + 2))),
            (total, [current_total, completers_total]),
        ]
        total_row = len(row_values)
        return Table(
            key=key,
            code=code,
            title=title,
            columns=columns,
            rows=rows,
            notes=notes,
            wide=True,
            people=True,
            sums=_crosstab_sums(list(range(total_row)), total_row, groups, range(1, len(columns))),
            shared={
                CURRENT: (total_row, current_total),
                COMPLETERS: (total_row, completers_total),
                "all": (total_row, total),
            },
        )

    def lr2(self) -> Table:
        end_year = self.period.end_year
        labels = self.mapping.sex_labels
        return self._status_crosstab(
            key="lr2",
            code="LR-2",
            title="LR-2 Sex and age",
            row_label="Age group",
            row_values=[(g.value, g.label) for g in AgeGroup],
            column_values=[(_slug(label), label) for label in labels],
            classify=lambda p: (
                m.age_group(p.demographics, end_year),
                _slug(m.sex_label(self.mapping, p.demographics)),
            ),
            notes=[
                f"Age on June 30, {end_year} from the birth year alone ({end_year} - birth year). "
                "Sex as the person reported it, mapped by the reporting profile "
                f"({self.mapping.label}); no answer or prefer not to answer -> Not reported."
            ],
        )

    # ---- 5. DV-1 -------------------------------------------------------------------------------

    def dv1(self) -> Table:
        return self._status_crosstab(
            key="dv1",
            code="DV-1",
            title="DV-1 Race and ethnicity",
            row_label="Race",
            row_values=[(r.value, r.label) for r in AprRace],
            column_values=[(e.value, e.label) for e in AprEthnicity],
            classify=lambda p: tuple(reversed(m.ethnicity_and_race(self.mapping, p.demographics))),
            notes=[
                "Collected in the 2024 OMB standard (one multi-select question) and mapped to the "
                f"two-question format by the reporting profile ({self.mapping.label}): Hispanic or "
                "Latino selected -> Hispanic or Latino; otherwise Not Hispanic or Latino when a "
                "race was selected. Middle Eastern or North African counts as White. Two or more "
                "distinct races -> More than one race. No answer or prefer not to answer -> Not "
                "reported on both."
            ],
        )

    # ---- 6. DV-2 -------------------------------------------------------------------------------

    def dv2(self) -> Table:
        mapping = self.mapping
        blocks = [
            ("Disadvantaged background", lambda p: m.answer(p.demographics, "disadvantaged")),
            ("Rural background", lambda p: m.answer(p.demographics, "rural_background")),
            (
                "First generation to attend college",
                lambda p: m.answer(p.demographics, "first_generation"),
            ),
            ("Underrepresented minority (URM)", lambda p: m.urm_status(mapping, p.demographics)),
        ]
        totals = self._status_total()
        rows = [
            Row(
                [
                    "Participants",
                    totals[CURRENT],
                    totals[COMPLETERS],
                    totals[CURRENT] + totals[COMPLETERS],
                ],
                total=True,
            )
        ]
        sums = []
        answers = [(m.YES, "yes"), (m.NO, "no"), (NOT_REPORTED, NOT_REPORTED_LABEL.lower())]
        for heading, classify in blocks:
            counts = self._counts(classify)
            first = len(rows)
            for value, word in answers:
                current, completers = counts[(value, CURRENT)], counts[(value, COMPLETERS)]
                rows.append(Row([f"{heading} — {word}", current, completers, current + completers]))
            sums += [Total((0, c), [(r, c) for r in range(first, first + 3)]) for c in (1, 2, 3)]
            if heading == "Disadvantaged background":
                counts = self._counts(
                    lambda p: (
                        m.answer(p.demographics, "disadvantaged") == m.YES
                        and m.urm_status(mapping, p.demographics) == m.NO
                    )
                )
                current, completers = counts[(True, CURRENT)], counts[(True, COMPLETERS)]
                rows.append(
                    Row(
                        [
                            "Disadvantaged — yes, of which not URM",
                            current,
                            completers,
                            current + completers,
                        ],
                        subset=True,
                    )
                )
        sums += [Total((r, 3), [(r, 1), (r, 2)]) for r in range(len(rows))]
        return Table(
            key="dv2",
            code="DV-2",
            title="DV-2 Background",
            columns=[Column("measure", "Background", width=44), *STATUS_COLUMNS],
            rows=rows,
            notes=[
                "Self-reported. Unknown answers (none given, or prefer not to answer) count as "
                "not reported, never as no. URM: any selected category in the profile's URM set "
                f"({', '.join(sorted(mapping.urm_codes))}). Disadvantaged — yes, of which not URM: "
                "disadvantaged = yes and URM = no."
            ],
            people=True,
            sums=sums,
            shared={CURRENT: (0, 1), COMPLETERS: (0, 2), "all": (0, 3)},
        )

    # ---- 8. INDGEN-PY --------------------------------------------------------------------------

    def _completed_in(self, previous) -> tuple[set[int], set[int]]:
        """(everyone who completed their training in ``previous``, those of them inferred
        rather than recorded).

        A recorded training status decides for its person: completed with a date in
        ``previous`` counts; any other status (enrolled, left, completed another year) does
        not. Without one, completion is inferred as before: a trainee (by position) whose
        awards active in ``previous`` all ended in it, or a trainee outcome whose completion
        date falls in it."""
        recorded: dict[int, bool] = {}
        for person_id, status, on in TrainingStatus.objects.values_list(
            "person_id", "status", "status_date"
        ):
            done = status == TrainingStatusValue.COMPLETED and previous.contains(on)
            recorded[person_id] = recorded.get(person_id, False) or done
        earlier = participants_of(awards_active_in(previous), previous, demographics=False)
        inferred = {
            pk for pk, p in earlier.items() if p.completer and m.is_trainee_type(p.applicant_type)
        }
        inferred |= set(
            TraineeOutcome.objects.filter(
                completion_date__gte=previous.start,
                completion_date__lte=previous.end,
                award__in=released_awards().values("pk"),
            ).values_list("trainee_id", flat=True)
        )
        inferred -= set(recorded)
        return {pk for pk, done in recorded.items() if done} | inferred, inferred

    def indgen_py(self) -> Table:
        previous = self.period.previous
        cohort, _ = self._completed_in(previous)
        measures = [
            ("In further training", "in_further_training"),
            ("Employed", "employed"),
            ("Practicing in a medically underserved community", "practicing_underserved"),
            ("Practicing in a rural area", "practicing_rural"),
            ("Practicing in primary care", "practicing_primary_care"),
        ]
        latest: dict[int, dict] = {}
        for record in (
            TraineeOutcome.objects.filter(trainee_id__in=cohort, recorded_on__lte=self.period.end)
            .order_by("trainee_id", "recorded_on", "pk")
            .values("trainee_id", *(attribute for _, attribute in measures))
        ):
            latest[record["trainee_id"]] = record
        rows = []
        for label, attribute in measures:
            answers = Counter(
                latest[pk][attribute] if pk in latest else YesNoUnknown.UNKNOWN for pk in cohort
            )
            yes, no = answers[YesNoUnknown.YES], answers[YesNoUnknown.NO]
            unknown = len(cohort) - yes - no
            rows.append(Row([label, yes, no, unknown, len(cohort)]))
        missing = len(cohort) - len(latest)
        rows.append(Row(["No outcome record (all unknown)", None, None, missing, missing]))
        return Table(
            key="indgen_py",
            code="INDGEN-PY",
            title="INDGEN-PY Trainee outcomes",
            columns=[
                Column("measure", "Measure", width=48),
                Column("yes", "Yes", COUNT, width=10),
                Column("no", "No", COUNT, width=10),
                Column("unknown", "Unknown", COUNT, width=10),
                Column("total", "Trainees", COUNT, width=10),
            ],
            rows=rows,
            notes=[
                f"Trainees who completed in {previous.label}: those whose recorded training "
                "status is graduated / completed with a date in that year (enrolled or left: "
                "not counted); for people with no recorded status, trainees (by position) who "
                "were completers of that period, and anyone with a trainee outcome whose "
                "completion date falls in it. Each "
                "is counted by their latest outcome record dated on or before "
                f"{self.period.end:%B %-d, %Y}; no record -> unknown."
            ],
            people=True,
            sums=[Total((r, 4), [(r, 1), (r, 2), (r, 3)]) for r in range(len(rows))],
        )
