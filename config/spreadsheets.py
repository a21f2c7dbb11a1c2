"""Cell values every workbook Northstar writes passes through (``spreadsheet_safe``).

Text typed by users — a proposal title, a name, a narrative — must stay text when the file is
opened: a cell beginning with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before
one) is read by Excel and LibreOffice as a formula, which can fetch URLs or run commands
("formula injection", OWASP's CSV injection). Such text gets a leading apostrophe, the
spreadsheet convention for "this is text". Numbers, dates and empty cells pass unchanged, so
a negative amount stays a number. Characters a workbook cannot hold (control characters other
than tab and new lines) are dropped rather than failing the export.

Used by every exporter that writes a workbook (reporting.hrsa.exporters.XlsxExporter); any
future one (in any app: this module imports nothing of Northstar's) must use it too.
"""

import re

# The first characters that make a spreadsheet read a cell as a formula; the full-width forms
# are converted to these by some spreadsheets' input methods.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
# What the XML of a workbook cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE).
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def spreadsheet_safe(value):
    """``value`` as a workbook cell must hold it: text that could start a formula gets a
    leading apostrophe, characters a workbook cannot hold are dropped, anything else is
    returned unchanged."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS.sub("", value)
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
