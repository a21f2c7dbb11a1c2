"""The HRSA-style performance report: periods, the one builder, and its exporters.

report = build_report("2025-2026", suppress=False, threshold=10)
XlsxExporter(report).render()  # or PdfExporter / JsonExporter
"""

from .builder import build_report, profile_for_period
from .exporters import EXPORTERS, JsonExporter, PdfExporter, XlsxExporter, exporter_for
from .periods import Period, available_periods, current_period, parse_period

__all__ = [
    "EXPORTERS",
    "JsonExporter",
    "PdfExporter",
    "Period",
    "XlsxExporter",
    "available_periods",
    "build_report",
    "current_period",
    "exporter_for",
    "parse_period",
    "profile_for_period",
]
