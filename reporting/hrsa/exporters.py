"""One small exporter per format. Each renders a built ``Report`` as it is: no exporter
computes anything, so the workbook, the PDF and the JSON always hold the same cells."""

import copy
import dataclasses
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
    Table,
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
    below, number formats ($ for money, 0 for counts), column widths, bold totals rows.

    Written in openpyxl's write-only mode, row by row: a plain cell goes in as its value, and
    a styled one copies a style made once per workbook (see ``_Cells``), since building every
    cell's fonts and formats anew costs more than writing it."""

    extension = "xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def render(self) -> bytes:
        out = io.BytesIO()
        self.write(out)
        return out.getvalue()

    def write(self, target) -> None:
        """Write the workbook to ``target`` (a path or a binary file object)."""
        from openpyxl import Workbook  # slow import, only when a workbook is asked for
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter

        report = self.report
        bold = Font(bold=True)
        title_font = Font(bold=True, size=14)
        italic = Font(italic=True)
        header_fill = PatternFill("solid", fgColor="DDE4EE")
        wrap = Alignment(wrap_text=True, vertical="top")
        right = Alignment(horizontal="right")
        centred = Alignment(horizontal="center")
        indented = Alignment(indent=2)
        subset_font = Font(italic=True)
        period = (
            f"{report.program} — reporting period {report.period_label} ({report.period_display})"
        )
        if report.suppressed:
            period += f"; counts from 1 to {report.threshold} suppressed (*)"
        period = spreadsheet_safe(period)
        workbook = Workbook(write_only=True)
        for table in report.tables:
            sheet = workbook.create_sheet(title=table.sheet_name)
            cell = _Cells(sheet)
            for index, column in enumerate(table.columns, start=1):
                sheet.column_dimensions[get_column_letter(index)].width = column.width
            sheet.freeze_panes = f"A{HEADER_ROW + 1}"
            _print_setup(sheet, table, period)
            sheet.append([cell(0, table.title, font=title_font)])
            sheet.append([period])
            groups = []
            for heading, span in column_groups(table):
                if heading:
                    groups.append(cell(len(groups), heading, font=bold, alignment=centred))
                    if span > 1:
                        first = get_column_letter(len(groups))
                        last = get_column_letter(len(groups) + span - 1)
                        sheet.merged_cells.add(f"{first}{HEADER_ROW - 1}:{last}{HEADER_ROW - 1}")
                else:
                    groups.append(None)
                groups += [None] * (span - 1)
            sheet.append(groups)
            sheet.append(
                [
                    cell(c, column.label, font=bold, alignment=wrap, fill=header_fill)
                    for c, column in enumerate(table.columns)
                ]
            )
            formats = [NUMBER_FORMATS.get(c.kind) for c in table.columns]
            alignment = wrap if table.key == "narrative" else None
            for row in table.rows:
                font = bold if row.total else None
                row_formats = formats
                if row.kinds is not None:
                    row_formats = [NUMBER_FORMATS.get(kind) for kind in row.kinds]
                values = []
                for c, (value, number_format) in enumerate(
                    zip(row.cells, row_formats, strict=True)
                ):
                    if c == 0 and row.subset:
                        values.append(cell(c, value, font=subset_font, alignment=indented))
                    elif value is None:
                        styled = font or alignment
                        values.append(
                            cell(c, None, font=font, alignment=alignment) if styled else None
                        )
                    elif isinstance(value, str) and value == SUPPRESSED:
                        values.append(cell(c, SUPPRESSED, font=font, alignment=right))
                    elif font or number_format or alignment:
                        values.append(
                            cell(
                                c,
                                value,
                                font=font,
                                number_format=number_format,
                                alignment=alignment,
                            )
                        )
                    else:
                        values.append(spreadsheet_safe(value))
                sheet.append(values)
            if table.notes:
                sheet.append([])
                for note in table.notes:
                    sheet.append([cell(0, note, font=italic)])
        workbook.save(target)


def _print_setup(sheet, table, period: str) -> None:
    """Printed, every sheet fits the page's width (landscape where the table is wide), repeats
    its column headings on each page, and carries the program and period in its header and
    the page number in its footer."""
    sheet.page_setup.orientation = "landscape" if table.wide else "portrait"
    sheet.page_setup.paperSize = "1"  # US letter
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW - 1}:{HEADER_ROW}"
    sheet.oddHeader.center.text = period.replace("&", "&&")
    sheet.oddHeader.center.size = 8
    sheet.oddFooter.right.text = "Page &P of &N"
    sheet.oddFooter.right.size = 8


class _Cells:
    """Makes a sheet's styled cells; every value goes through ``spreadsheet_safe`` (user text
    never becomes a formula).

    Speed, as write-only mode is for large sheets: each combination of styles is set once and
    copied as openpyxl's style array (how openpyxl itself copies a style), and the cell of a
    column and style is reused from row to row — write-only mode writes a row out when it is
    appended (tests/reporting/test_report_bench.py compares every cell with the library's
    floor, so a change of that behaviour would not go unnoticed)."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.styles: dict[tuple, object] = {}
        self.cells: dict[tuple, object] = {}

    def __call__(self, column, value, *, font=None, number_format=None, alignment=None, fill=None):
        # The style objects live for the whole render, so their ids name them.
        key = (id(font), number_format, id(alignment), id(fill))
        item = self.cells.get((key, column))
        if item is None:
            from openpyxl.cell import WriteOnlyCell

            item = self.cells[(key, column)] = WriteOnlyCell(self.sheet)
            style = self.styles.get(key)
            if style is not None:
                item._style = copy.copy(style)
            else:
                if font:
                    item.font = font
                if number_format:
                    item.number_format = number_format
                if alignment:
                    item.alignment = alignment
                if fill:
                    item.fill = fill
                self.styles[key] = copy.copy(item._style)
        item.value = spreadsheet_safe(value)
        return item


# The PDF lists at most this many rows of a table, then says how many more the workbook has:
# an item-per-row list (Projects) at a national program's scale would be hundreds of pages.
PDF_MAX_ROWS = 50


class PdfExporter(_Exporter):
    """The same tables through weasyprint: print CSS, wide tables on landscape pages.

    Every count table in full; a long list (more than ``PDF_MAX_ROWS`` rows, i.e. Projects at
    scale) shows its first rows and its totals, with a line saying how many rows only the
    workbook has."""

    extension = "pdf"
    content_type = "application/pdf"
    template = "reporting/pdf/hrsa_report.html"
    max_rows = PDF_MAX_ROWS

    def html(self) -> str:
        tables = tables_for_display(self.report, self.max_rows)
        return render_to_string(self.template, {"report": self.report, "tables": tables})

    def render(self) -> bytes:
        import weasyprint  # slow import, only when a PDF is asked for

        return weasyprint.HTML(string=self.html()).write_pdf()


def tables_for_display(report, max_rows: int) -> list[dict]:
    """The report's tables as templates show them (the PDF, the web page): every count table in
    full; a list longer than ``max_rows`` shows its first rows and its totals, with a note saying
    how many rows only the workbook has."""
    tables = []
    for table in report.tables:
        shown, more = pdf_rows(table, max_rows)
        if more:
            table = dataclasses.replace(
                table,
                notes=[
                    f"… and {more:,} more {'row' if more == 1 else 'rows'}; the full list "
                    f"is in the Excel workbook (sheet {table.sheet_name}).",
                    *table.notes,
                ],
            )
        tables.append(
            {"table": table, "groups": column_groups(table), "rows": display_rows(table, shown)}
        )
    return tables


def pdf_rows(table: Table, limit: int) -> tuple[list[int], int]:
    """(indexes of the rows the PDF shows, how many it leaves out): the first ``limit`` rows
    that are not totals, and every totals row."""
    items = [r for r, row in enumerate(table.rows) if not row.total]
    if len(items) <= limit:
        return list(range(len(table.rows))), 0
    kept = set(items[:limit])
    shown = [r for r, row in enumerate(table.rows) if row.total or r in kept]
    return shown, len(items) - limit


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
