"""Where WeasyPrint puts a document's tables: the check that no table of a PDF we print runs
off its page (a cut-off column is a column nobody reads)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Overflow:
    page: int
    table: int  # the n-th table box on that page, from 1
    by: float  # CSS px past the page's right margin


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


def overflowing_tables(html: str) -> list[Overflow]:
    """Every table box wider than the content area of the page it is laid out on."""
    import weasyprint

    document = weasyprint.HTML(string=html).render()
    found = []
    for number, page in enumerate(document.pages, start=1):
        root = page._page_box
        right = root.position_x + root.margin_width() - root.margin_right
        tables = [b for b in _boxes(root) if type(b).__name__ == "TableBox"]
        for index, table in enumerate(tables, start=1):
            edge = table.position_x + table.margin_width()
            if edge > right + 0.5:
                found.append(Overflow(page=number, table=index, by=round(edge - right, 1)))
    return found
