"""PDFs of committee review: the summary statement (weasyprint, from the same data as the HTML
page), and the proposal and its documents as a reader of the committee gets them."""

import io
from dataclasses import dataclass

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

from config.uploads import attachment_response
from grants.exporters import pdf_with_documents


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


@dataclass
class CommitteeProposalPdf:
    """The proposal packet for the committee: the proposal as its proposal page shows it
    (``as_read``: selectors.proposal_as_read), followed by the documents that reader gets. On
    a blind call that is no name, department or position, and no biosketch or letter."""

    proposal: object
    as_read: object

    content_type = "application/pdf"

    @property
    def filename(self) -> str:
        return f"northstar-NS-{self.proposal.pk}-for-review.pdf"

    def render(self) -> bytes:
        html = render_to_string(
            "pdf/proposal_committee.html", {"proposal": self.proposal, "as_read": self.as_read}
        )
        return pdf_with_documents(html, [d.attachment for d in self.as_read.documents])


@dataclass
class CommitteeDocument:
    """One document as a reader a blind call hides identities from downloads it: its pages
    only — no author, title or other metadata — under a neutral name."""

    document: object  # selectors.identities.Document

    content_type = "application/pdf"

    @property
    def filename(self) -> str:
        return self.document.filename

    def render(self) -> bytes:
        from pypdf import PdfReader, PdfWriter  # only when a document is asked for

        with self.document.attachment.file.open("rb") as handle:
            reader = PdfReader(io.BytesIO(handle.read()))
        writer = PdfWriter()
        writer.append(reader)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()


def committee_document_response(as_read, document) -> HttpResponse:
    """The download of ``document`` (one of ``as_read.documents``), web page and API alike: the
    stored file under its original name, or — when ``as_read`` hides identities — the
    ``CommitteeDocument`` copy. A stored file that is gone is a 404."""
    if not as_read.identities_hidden:
        return attachment_response(document.attachment)
    exporter = CommitteeDocument(document)
    try:
        content = exporter.render()
    except FileNotFoundError as exc:
        raise Http404("The stored file is missing.") from exc
    response = HttpResponse(content, content_type=exporter.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=exporter.filename
    )
    return response
