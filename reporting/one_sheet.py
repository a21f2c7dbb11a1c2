"""The program's one-sheet workbooks (the NIMHD portfolio, the pilot outcomes): a bold title,
the scope line, then what the sheet itself writes. Not the HRSA workbook (hrsa/exporters.py)."""

import io
from abc import ABC, abstractmethod

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class OneSheetWorkbook(ABC):
    """Subclasses name the file, the sheet and its title, and ``write`` the rest."""

    filename = ""
    sheet_title = ""
    heading = ""
    content_type = XLSX

    def __init__(self, *, scope: str):
        self.scope = scope

    def scope_line(self) -> str:
        return self.scope

    @abstractmethod
    def write(self, sheet, bold) -> None:
        """Everything below the scope line."""

    @staticmethod
    def bold_row(sheet, bold) -> None:
        """The row just appended, in bold (a header)."""
        for cell in sheet[sheet.max_row]:
            cell.font = bold

    def render(self) -> bytes:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = self.sheet_title
        bold = Font(bold=True)
        sheet.append([self.heading])
        sheet["A1"].font = bold
        sheet.append([self.scope_line()])
        self.write(sheet, bold)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
