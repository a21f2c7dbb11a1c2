"""The proposal as one PDF: the rendered application followed by its attachments."""

import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.text import slugify


def pdf_with_documents(html: str, attachments) -> bytes:
    """``html`` printed by weasyprint, followed by the pages of each attachment's PDF. Only the
    pages are copied: the documents' own metadata (author, title) does not come along."""
    import weasyprint  # slow import, only when a PDF is asked for
    from pypdf import PdfReader, PdfWriter

    body = weasyprint.HTML(string=html).write_pdf()
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(body)))
    for attachment in attachments:
        with attachment.file.open("rb") as handle:
            writer.append(PdfReader(io.BytesIO(handle.read())))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass
class ProposalPdf:
    proposal: object
    history: list

    content_type = "application/pdf"

    @property
    def filename(self) -> str:
        slug = slugify(self.proposal.title)[:60] or "proposal"
        return f"northstar-proposal-{self.proposal.pk}-{slug}.pdf"

    def render(self) -> bytes:
        html = render_to_string(
            "pdf/proposal.html", {"proposal": self.proposal, "history": self.history}
        )
        return pdf_with_documents(html, self.proposal.attachments.all())
