"""The audit entry for every export of the HRSA report (web page, API and command alike)."""

from accounts.audit import audit_record
from accounts.choices import AuditAction


def report_export_record(*, report, fmt: str, actor=None, request=None, note: str = "") -> None:
    """Write one ``report_exported`` audit entry: which period, format and suppression, and
    who (``actor``; None for a command run from the shell). The entry is the only side effect."""
    audit_record(
        action=AuditAction.REPORT_EXPORTED,
        actor=actor,
        request=request,
        object_type="reporting.hrsa_report",
        object_id=report.period_label,
        object_repr=f"HRSA report {report.period_label}",
        after={
            "format": fmt,
            "suppressed": report.suppressed,
            "threshold": report.threshold if report.suppressed else None,
        },
        note=note,
    )
