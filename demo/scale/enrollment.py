"""NIH inclusion enrollment of the awards: the planned table, and a cumulative table with each
submitted progress report (and, on some longer awards, one between reports)."""

import math
from datetime import timedelta

from reporting.choices import (
    ENROLLMENT_CELLS,
    EnrollmentEthnicity,
    EnrollmentKind,
    EnrollmentRace,
    EnrollmentSex,
)
from reporting.models import EnrollmentReport

from .shape import _Prop
from .writer import _insert, _Row

# Of the awards: the share with a planned table, and of those the share that enroll people
# (the rest are secondary-data or laboratory studies: an all-zero table).
PLANNED_SHARE = 0.8
ENROLLS_SHARE = 0.88
# A cumulative table that falls below the previous one, with the reason the service requires.
DECREASE_SHARE = 0.03
DECREASE_REASON = "Two participants withdrew consent and asked that their data be removed."
# Who a study enrolls, before the proposal's populations are weighed in.
RACE_WEIGHTS = {
    EnrollmentRace.AIAN: 2,
    EnrollmentRace.ASIAN: 7,
    EnrollmentRace.NHPI: 1,
    EnrollmentRace.BLACK: 20,
    EnrollmentRace.WHITE: 50,
    EnrollmentRace.MORE_THAN_ONE: 5,
    EnrollmentRace.UNKNOWN: 5,
}
ETHNICITY_WEIGHTS = {
    EnrollmentEthnicity.NOT_HISPANIC: 75,
    EnrollmentEthnicity.HISPANIC: 18,
    EnrollmentEthnicity.UNKNOWN: 7,
}
SEX_WEIGHTS = {EnrollmentSex.FEMALE: 55, EnrollmentSex.MALE: 43, EnrollmentSex.UNKNOWN: 2}
# A proposal about a population recruits more of it (grants.choices.DisparityPopulation).
POPULATION_BOOST = {
    "black": ("race", EnrollmentRace.BLACK, 3.0),
    "hispanic": ("ethnicity", EnrollmentEthnicity.HISPANIC, 3.0),
    "aian": ("race", EnrollmentRace.AIAN, 10.0),
    "asian": ("race", EnrollmentRace.ASIAN, 4.0),
    "nhpi": ("race", EnrollmentRace.NHPI, 12.0),
}
CELL_PARTS = [tuple(key.split("|")) for key in ENROLLMENT_CELLS]


class EnrollmentMixin:
    """Writes the enrollment tables of a call's awards, as reporting.services.enrollment would
    accept them: every cell a whole number of at least zero; one planned table per award, before
    any cumulative one; a cumulative table only on an award that enrolls people, dated after the
    previous one and not in the future, never below it in any cell unless it gives a reason."""

    def enrollment(self, funded: list[_Prop], reports: list[_Row]) -> None:
        rng = self.rng_extra
        submitted: dict[int, list[_Row]] = {}
        for report in reports:
            if report.submitted_at is not None:
                submitted.setdefault(report.award_id, []).append(report)
        rows = []
        for p in funded:
            if rng.random() >= PLANNED_SHARE:
                continue
            award = p.award
            pi = p.pi
            planned_at = min(p.told + timedelta(days=rng.randint(3, 45)), self.now)
            enrolls = rng.random() < ENROLLS_SHARE
            tables = []
            if enrolls:
                dates = self.enrollment_dates(award, submitted.get(award.pk, []))
                if dates:
                    planned_at = min(planned_at, dates[0][1] - timedelta(days=1))
                planned = self.planned_counts(p.obj.disparity_populations or [])
                tables = self.cumulative_counts(planned, len(dates))
            else:
                planned, dates = dict.fromkeys(ENROLLMENT_CELLS, 0), []
            rows.append(
                _Row(
                    award_id=award.pk,
                    kind=EnrollmentKind.PLANNED,
                    enrolls_humans=enrolls,
                    as_of=None,
                    counts=planned,
                    reason_for_decrease="",
                    created_by_id=pi,
                    created_at=planned_at,
                    updated_at=planned_at,
                )
            )
            for (as_of, at), (counts, reason) in zip(dates, tables, strict=True):
                rows.append(
                    _Row(
                        award_id=award.pk,
                        kind=EnrollmentKind.CUMULATIVE,
                        enrolls_humans=True,
                        as_of=as_of,
                        counts=counts,
                        reason_for_decrease=reason,
                        created_by_id=pi,
                        created_at=at,
                        updated_at=at,
                    )
                )
        _insert(EnrollmentReport, rows, ids=False)

    def enrollment_dates(self, award: _Row, submitted: list[_Row]) -> list[tuple]:
        """(as of, recorded at) of each cumulative table, oldest first: one per submitted
        progress report, as of the day it was submitted; on some awards of a year or more, one
        more about a quarter into the award, when that is before the first report and past."""
        rng = self.rng_extra
        dates = []
        for report in sorted(submitted, key=lambda r: r.submitted_at):
            day = report.submitted_at.astimezone(self.zone).date()
            if not dates or day > dates[-1][0]:
                dates.append((day, report.submitted_at))
        early = award.start_date + timedelta(days=rng.randint(80, 120))
        if (
            (award.end_date - award.start_date).days >= 360
            and early < self.yesterday
            and (not dates or early < dates[0][0])
            and rng.random() < 0.5
        ):
            dates.insert(0, (early, self.at(early, 15)))
        return dates[:3]

    def planned_counts(self, populations: list[str]) -> dict[str, int]:
        """A target of about 120 people (a few dozen to a few thousand), spread over the
        table's cells by who the study recruits, with each study's own mix."""
        rng = self.rng_extra
        race, ethnicity = dict(RACE_WEIGHTS), dict(ETHNICITY_WEIGHTS)
        for population in populations:
            boost = POPULATION_BOOST.get(population)
            if boost:
                axis, value, factor = boost
                (race if axis == "race" else ethnicity)[value] *= factor
        weights = [
            race[r] * ethnicity[e] * SEX_WEIGHTS[s] * (0.3 + 1.4 * rng.random())
            for e, r, s in CELL_PARTS
        ]
        target = min(3000, max(12, round(math.exp(rng.gauss(math.log(120), 0.8)))))
        scale = target / sum(weights)
        return {key: round(w * scale) for key, w in zip(ENROLLMENT_CELLS, weights, strict=True)}

    def cumulative_counts(self, planned: dict[str, int], n: int) -> list[tuple[dict, str]]:
        """``n`` cumulative tables climbing towards the plan (the last sometimes past it): no
        cell below the previous table's, except now and then one withdrawal, with its reason."""
        rng = self.rng_extra
        shares = sorted(rng.uniform(0.15, 1.15) for _ in range(n))
        tables: list[tuple[dict, str]] = []
        previous = dict.fromkeys(ENROLLMENT_CELLS, 0)
        for index, share in enumerate(shares):
            counts = {
                key: max(previous[key], round(planned[key] * share * rng.uniform(0.7, 1.3)))
                for key in ENROLLMENT_CELLS
            }
            reason = ""
            if index and rng.random() < DECREASE_SHARE:
                fallen = [key for key in ENROLLMENT_CELLS if previous[key] >= 2]
                if fallen:
                    key = rng.choice(fallen)
                    counts[key] = previous[key] - 2
                    reason = DECREASE_REASON
            tables.append((counts, reason))
            previous = counts
        return tables
