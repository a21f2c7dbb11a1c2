"""One small exporter per format. Each renders a built ``Report`` as it is: no exporter
computes anything, so the workbook, the PDF and the JSON always hold the same cells."""

import io
import json
from abc import ABC, abstractmethod

from django.template.loader import render_to_string

from config.spreadsheets import spreadsheet_safe

from .tables import (
    COUNT,
    DATE,
    MONEY,
    PERCENT,
    RATIO,
    SUPPRESSED,
    Report,
    column_groups,
    display_rows,
    plain,
)

NUMBER_FORMATS = {
    COUNT: "0",
    MONEY: '"$"#,##0.00',
    PERCENT: '0.0"%"',
    RATIO: "0.00",
    DATE: "yyyy-mm-dd",
}
# Rows above each sheet's header: title, period, column groups (blank when none).
HEADER_ROW = 4


class _Exporter(ABC):
    extension = ""
    content_type = ""

    def __init__(self, report: Report):
        self.report = report

    @property
    def filename(self) -> str:
        suffix = "-suppressed" if self.report.suppressed else ""
        return f"northstar-hrsa-{self.report.period_label}{suffix}.{self.extension}"

    @abstractmethod
    def render(self) -> bytes:
        """The file's bytes."""


class XlsxExporter(_Exporter):
    """One sheet per table in HRSA.md's order: title row, period row, bold header row frozen
    below, number formats ($ for money, 0 for counts), column widths, bold totals rows."""

    extension = "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def render(self) -> bytes:
        from openpyxl import Workbook  # slow import, only when a workbook is asked for
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter

        report = self.report
        bold = Font(bold=True)
        header_fill = PatternFill("solid", fgColor="DDE4EE")
        wrap = Alignment(wrap_text=True, vertical="top")
        right = Alignment(horizontal="right")
        workbook = Workbook(write_only=True)
        for table in report.tables:
            sheet = workbook.create_sheet(title=table.sheet_name)
            for index, column in enumerate(table.columns, start=1):
                sheet.column_dimensions[get_column_letter(index)].width = column.width
            sheet.freeze_panes = f"A{HEADER_ROW + 1}"

            def cell(
                value, *, font=None, number_format=None, alignment=None, fill=None, sheet=sheet
            ):
                # Every cell goes through here: user text never becomes a formula.
                item = WriteOnlyCell(sheet, value=spreadsheet_safe(value))
                if font:
                    item.font = font
                if number_format:
                    item.number_format = number_format
                if alignment:
                    item.alignment = alignment
                if fill:
                    item.fill = fill
                return item

            sheet.append([cell(table.title, font=Font(bold=True, size=14))])
            period = f"{report.program} — reporting period {report.period_label} ({report.period_display})"
            if report.suppressed:
                period += f"; counts from 1 to {report.threshold} suppressed (*)"
            sheet.append([cell(period)])
            groups = []
            for heading, span in column_groups(table):
                groups += [cell(heading, font=bold) if heading else None] + [None] * (span - 1)
            sheet.append(groups)
            sheet.append(
                [cell(c.label, font=bold, alignment=wrap, fill=header_fill) for c in table.columns]
            )
            for r, row in enumerate(table.rows):
                values = []
                for c, value in enumerate(row.cells):
                    kind = table.kind_of(r, c)
                    if value == SUPPRESSED:
                        values.append(
                            cell(SUPPRESSED, font=bold if row.total else None, alignment=right)
                        )
                        continue
                    values.append(
                        cell(
                            value,
                            font=bold if row.total else None,
                            number_format=NUMBER_FORMATS.get(kind) if value is not None else None,
                            alignment=wrap if table.key == "narrative" else None,
                        )
                    )
                sheet.append(values)
            if table.notes:
                sheet.append([])
                for note in table.notes:
                    sheet.append([cell(note, font=Font(italic=True))])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()


class PdfExporter(_Exporter):
    """The same tables through weasyprint: print CSS, wide tables on landscape pages."""

    extension = "pdf"
    content_type = "application/pdf"
    template = "reporting/pdf/hrsa_report.html"

    def html(self) -> str:
        tables = [
            {
                "table": table,
                "groups": column_groups(table),
                "rows": display_rows(table),
            }
            for table in self.report.tables
        ]
        return render_to_string(self.template, {"report": self.report, "tables": tables})

    def render(self) -> bytes:
        import weasyprint  # slow import, only when a PDF is asked for

        return weasyprint.HTML(string=self.html()).write_pdf()


class JsonExporter(_Exporter):
    """The report as data (the API returns the same structure)."""

    extension = "json"
    content_type = "application/json"

    def render(self) -> bytes:
        return json.dumps(report_to_dict(self.report), indent=2, ensure_ascii=False).encode()


def report_to_dict(report: Report) -> dict:
    return {
        "program": report.program,
        "period": report.period_label,
        "period_display": report.period_display,
        "generated_at": report.generated_at.isoformat(),
        "generated_by": report.generated_by,
        "profile": report.profile,
        "suppressed": report.suppressed,
        "threshold": report.threshold,
        "checks": [
            {"rule": c.rule, "status": str(c.status), "count": c.count, "detail": c.detail}
            for c in report.checks
        ],
        "tables": [
            {
                "key": table.key,
                "code": table.code,
                "title": table.title,
                "columns": [
                    {"key": c.key, "label": c.label, "kind": c.kind, "group": c.group}
                    for c in table.columns
                ],
                "rows": [
                    {
                        "cells": [plain(value) for value in row.cells],
                        "total": row.total,
                        **({"kinds": list(row.kinds)} if row.kinds else {}),
                    }
                    for row in table.rows
                ],
                "notes": list(table.notes),
                "suppressed_cells": sorted([r, c] for r, c in table.suppressed),
            }
            for table in report.tables
        ],
    }


EXPORTERS: dict[str, type[_Exporter]] = {
    "xlsx": XlsxExporter,
    "pdf": PdfExporter,
    "json": JsonExporter,
}


def exporter_for(fmt: str, report: Report) -> _Exporter:
    """The exporter for ``fmt`` (xlsx, pdf or json); KeyError for anything else."""
    return EXPORTERS[fmt](report)
