"""The summary statement as a PDF (weasyprint), from the same data as the HTML page."""

from dataclasses import dataclass

from django.template.loader import render_to_string


@dataclass
class SummaryStatementPdf:
    summary: object

    content_type = "application/pdf"

    @property
    def filename(self) -> str:
        return f"northstar-summary-statement-NS-{self.summary.proposal_id}.pdf"

    def render(self) -> bytes:
        import weasyprint  # slow import, only when a PDF is asked for

        html = render_to_string("pdf/summary_statement.html", {"summary": self.summary})
        return weasyprint.HTML(string=html).write_pdf()
