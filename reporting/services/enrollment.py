"""NIH inclusion enrollment of an award: the planned table and each cumulative actual table.

Written by the award's PI (the awardee) on their released award, or by an administrator
(``reporting.report_enrollment``). Checked as NIH's system checks it, with every problem raised
at once by field (``counts.<ethnicity>|<race>|<sex>``, ``totals.<key>``, ``as_of``,
``reason_for_decrease``): every cell a whole number of at least zero, any totals the submitter
states equal to the cells' sums, and a cumulative table never below the previous one in any cell
or in total unless a reason for the decrease is given. Nothing is saved when anything is wrong.
Every write is audited with the table before and after.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.choices import AuditAction
from accounts.models import User
from grants.models import Award

from ..choices import ENROLLMENT_CELLS, EnrollmentKind
from ..enrollment import TOTAL_KEYS, totals
from ..models import EnrollmentReport
from ._common import FieldErrors, require

COUNT_MAX = 10_000_000  # more people than any single project enrolls: a typing slip
REASON_MAX = 2000


def _count(value, field_name: str, errors: FieldErrors) -> int | None:
    if value in (None, ""):
        errors.add(field_name, "Enter a number (0 if nobody).")
        return None
    if isinstance(value, bool):
        value = None
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if not isinstance(value, int):
        errors.add(field_name, "Enter a whole number.")
        return None
    if value < 0:
        errors.add(field_name, "The number cannot be negative.")
        return None
    if value > COUNT_MAX:
        errors.add(field_name, "The number is too large.")
        return None
    return value


def _counts(data: dict, errors: FieldErrors, *, required: bool = True) -> dict[str, int]:
    raw = data.get("counts")
    if raw is None and not required:
        return dict.fromkeys(ENROLLMENT_CELLS, 0)
    if not isinstance(raw, dict):
        errors.add("counts", "Give the table as an object of cell counts.")
        return {}
    unknown = sorted(str(key) for key in raw if key not in ENROLLMENT_CELLS)
    if unknown:
        errors.add("counts", f"Not cells of the table: {', '.join(unknown[:5])}.")
    counts = {}
    for key in ENROLLMENT_CELLS:
        n = _count(raw.get(key), f"counts.{key}", errors)
        if n is not None:
            counts[key] = n
    return counts


def _stated_totals(data: dict, counts: dict[str, int], errors: FieldErrors) -> None:
    """Totals the submitter states (all optional) must be the sums of the cells."""
    stated = data.get("totals") or {}
    if not isinstance(stated, dict):
        errors.add("totals", "Give the totals as an object, or leave them out.")
        return
    unknown = sorted(str(key) for key in stated if key not in TOTAL_KEYS)
    if unknown:
        errors.add("totals", f"Not totals of the table: {', '.join(unknown[:5])}.")
    complete = len(counts) == len(ENROLLMENT_CELLS)
    sums = totals(counts)
    for key in TOTAL_KEYS:
        if stated.get(key) in (None, ""):
            continue
        n = _count(stated[key], f"totals.{key}", errors)
        if n is not None and complete and n != sums[key]:
            errors.add(f"totals.{key}", f"The cells add up to {sums[key]}, not {n}.")


def _as_of(value, errors: FieldErrors) -> date | None:
    if value in (None, ""):
        errors.add("as_of", "Enter the date the counts are as of.")
        return None
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value).strip())
        except ValueError:
            errors.add("as_of", "Enter a date as YYYY-MM-DD.")
            return None
    if value > timezone.localdate():
        errors.add("as_of", "The date cannot be in the future.")
    return value


def previous_cumulative(award: Award) -> EnrollmentReport | None:
    return (
        EnrollmentReport.objects.filter(award=award, kind=EnrollmentKind.CUMULATIVE)
        .order_by("-as_of", "-pk")
        .first()
    )


def planned_for(award: Award) -> EnrollmentReport | None:
    return EnrollmentReport.objects.filter(award=award, kind=EnrollmentKind.PLANNED).first()


def _audit(report: EnrollmentReport, *, actor: User, before, note: str) -> None:
    audit_record(
        action=AuditAction.STATE_CHANGED,
        actor=actor,
        obj=report,
        before=before,
        after=_snapshot(report),
        note=note,
    )


def _snapshot(report: EnrollmentReport) -> dict:
    return {
        "award": report.award_id,
        "kind": report.kind,
        "enrolls_humans": report.enrolls_humans,
        "as_of": report.as_of,
        "counts": dict(report.counts),
        "reason_for_decrease": report.reason_for_decrease,
    }


@transaction.atomic
def enrollment_planned_save(*, actor: User, award: Award, data: dict) -> EnrollmentReport:
    """Record or change the award's one planned enrollment table (``enrolls_humans`` false: the
    project enrolls nobody, and every cell is zero). Needs ``reporting.report_enrollment``.
    Audited with the table before."""
    require(actor, "reporting.report_enrollment", award)
    errors = FieldErrors()
    enrolls = data.get("enrolls_humans", True)
    enrolls = enrolls if isinstance(enrolls, bool) else str(enrolls).lower() in {"1", "true", "on"}
    counts = _counts(data, errors, required=enrolls)
    _stated_totals(data, counts, errors)
    if not enrolls and any(counts.values()):
        errors.add("enrolls_humans", "A project that enrolls nobody has an all-zero table.")
    errors.raise_if_any()
    Award.objects.select_for_update().filter(pk=award.pk).first()  # one writer per award
    report = planned_for(award)
    before = _snapshot(report) if report else None
    if report is None:
        report = EnrollmentReport(award=award, kind=EnrollmentKind.PLANNED, created_by=actor)
    report.counts, report.enrolls_humans = counts, enrolls
    report.save()
    _audit(report, actor=actor, before=before, note="planned enrollment")
    return report


@transaction.atomic
def enrollment_cumulative_submit(*, actor: User, award: Award, data: dict) -> EnrollmentReport:
    """Submit a cumulative actual enrollment table as of a date (later than the previous one,
    not in the future). No cell and no total may fall below the previous table's unless
    ``reason_for_decrease`` says why. Needs the planned table first (for a project that enrolls
    people). Needs ``reporting.report_enrollment``. Audited."""
    require(actor, "reporting.report_enrollment", award)
    Award.objects.select_for_update().filter(pk=award.pk).first()  # "previous" stays previous
    errors = FieldErrors()
    planned = planned_for(award)
    if planned is None:
        errors.add("__all__", "Enter the planned enrollment first.")
    elif not planned.enrolls_humans:
        errors.add("__all__", "The planned enrollment says this project enrolls nobody.")
    counts = _counts(data, errors)
    _stated_totals(data, counts, errors)
    as_of = _as_of(data.get("as_of"), errors)
    reason = str(data.get("reason_for_decrease") or "").strip()
    if len(reason) > REASON_MAX:
        errors.add("reason_for_decrease", f"Keep the reason to {REASON_MAX} characters.")
    previous = previous_cumulative(award)
    if previous is not None:
        if as_of is not None and "as_of" not in errors and as_of <= previous.as_of:
            errors.add(
                "as_of",
                f"Give a date after the previous report's ({previous.as_of:%B %-d, %Y}).",
            )
        fell = [
            key for key in ENROLLMENT_CELLS if key in counts and counts[key] < previous.count(key)
        ]
        if fell and not reason:
            for key in fell:
                errors.add(
                    f"counts.{key}",
                    f"Below the previous report's {previous.count(key)}: "
                    "give a reason for the decrease.",
                )
            if len(counts) == len(ENROLLMENT_CELLS) and sum(counts.values()) < previous.total:
                errors.add(
                    "totals.all",
                    f"The total is below the previous report's {previous.total}.",
                )
            errors.add(
                "reason_for_decrease",
                f"{len(fell)} cell{'s' if len(fell) != 1 else ''} fell below the previous "
                "report's: say why (for example, participants withdrew consent).",
            )
    errors.raise_if_any()
    report = EnrollmentReport.objects.create(
        award=award,
        kind=EnrollmentKind.CUMULATIVE,
        as_of=as_of,
        counts=counts,
        reason_for_decrease=reason,
        created_by=actor,
    )
    _audit(report, actor=actor, before=None, note="cumulative enrollment")
    return report
