"""The demo's documents: each PI's biosketch and each partner's letter of support, rendered
as PDFs in one WeasyPrint pass (each pass costs seconds) and split by document."""

import io
import logging
from datetime import datetime

from django.utils.html import escape

from accounts.choices import ApplicantType

from .content import Letter, Person, Topic

PDF_CSS = """
  @page { size: letter; margin: 0.8in; }
  body { font-family: sans-serif; font-size: 10.5pt; line-height: 1.35; }
  section { break-before: page; }
  h1 { font-size: 15pt; } h2 { font-size: 11.5pt; margin-top: 1.2em; }
  th { text-align: left; padding-right: 1em; vertical-align: top; }
  .small { font-size: 8.5pt; color: #555; }
  .letterhead { font-size: 15pt; font-weight: bold; border-bottom: 2px solid #234; }
"""


def biosketch_html(spec: Person, *, institution: str, program: str) -> str:
    name = f"{spec.first_name} {spec.last_name}"
    position = ApplicantType(spec.applicant_type).label.split("— ")[-1]
    keywords = [k.strip() for k in spec.keywords.split(",") if k.strip()]
    focus = ", ".join(keywords[:-1]) + (f" and {keywords[-1]}" if len(keywords) > 1 else "")
    return f"""
      <h1>Biographical sketch</h1>
      <p class="small">Format follows the NIH biographical sketch. Demo document.</p>
      <table>
        <tr><th>Name</th><td>{escape(name)}, {escape(spec.degrees)}</td></tr>
        <tr><th>eRA Commons user name</th><td>{escape(spec.era_commons_id or "-")}</td></tr>
        <tr><th>Position title</th><td>{escape(position.capitalize())},
          {escape(spec.department)}, {institution}</td></tr>
        <tr><th>ORCID iD</th><td>{escape(spec.orcid or "-")}</td></tr>
      </table>
      <h2>A. Personal statement</h2>
      <p>My work focuses on {escape(focus)}, always in partnership with the communities most
      affected. I bring training in community-engaged methods and a record of completing
      projects on time with community partners as co-investigators.</p>
      <h2>B. Positions, scientific appointments and honors</h2>
      <p>{escape(position.capitalize())}, {escape(spec.department)}, {institution}.
      Member, {program}.</p>
      <h2>C. Contributions to science</h2>
      <ol><li>Community-partnered studies of {escape(keywords[0] if keywords else "health")}
      in underserved populations.</li>
      <li>Methods for engaging community members as research partners.</li></ol>
      <h2>D. Research support</h2>
      <p>Internal and foundation support for pilot studies in health equity.</p>
    """


def letter_html(topic: Topic, dated: datetime, *, program: str) -> str:
    name, title = topic.contact
    return f"""
      <p class="letterhead">{escape(topic.partner)}</p>
      <p>{dated:%B %-d, %Y}</p>
      <p>To the review committee, {program}:</p>
      <p>On behalf of {escape(topic.partner)}, I write in strong support of the proposal
      "{escape(topic.title)}." Our organisation helped shape its aims, and we commit staff time,
      space for study activities and help with recruitment among
      {escape(topic.community)}.</p>
      <p>We look forward to continuing this partnership.</p>
      <p>Sincerely,<br>{escape(name)}<br>{escape(title)}, {escape(topic.partner)}</p>
    """


def letter_of_intent_html(
    letter: Letter, spec: Person, dated: datetime, *, call: str, institution: str
) -> str:
    """The one-page letter of intent an applicant may attach: the same parts as the form."""
    name = f"{spec.first_name} {spec.last_name}"
    team = "".join(f"<li>{escape(line.strip())}</li>" for line in letter.team.splitlines() if line)
    return f"""
      <p class="letterhead">{escape(institution)}</p>
      <p>{dated:%B %-d, %Y}</p>
      <h1>Letter of intent: {escape(letter.title)}</h1>
      <p class="small">To the program office, {escape(call)}. Demo document.</p>
      <h2>Summary of the aims</h2>
      <p>{escape(" ".join(letter.aims_summary.split()))}</p>
      <h2>Team</h2>
      <ul>{team}</ul>
      <h2>Estimated budget</h2>
      <p>${letter.estimated_budget:,.2f} over the award's twelve months.</p>
      <p>Sincerely,<br>{escape(name)}, {escape(spec.degrees)}<br>{escape(spec.department)}</p>
    """


_rendered: dict[str, dict[str, bytes]] = {}


def render_pdfs(sources: dict[str, tuple[str, str]]) -> dict[str, bytes]:
    """Render every document (key -> (PDF title, HTML body)) in one weasyprint pass, then split
    the pages by the anchor that opens each document. Remembered per process, for the tests."""
    body = "".join(f'<section id="{key}">{html}</section>' for key, (_, html) in sources.items())
    html = f"<html><head><style>{PDF_CSS}</style></head><body>{body}</body></html>"
    if html in _rendered:
        return _rendered[html]

    from pypdf import PdfReader, PdfWriter

    progress = logging.getLogger("weasyprint.progress")
    level = progress.level
    progress.setLevel(logging.WARNING)  # one INFO line per page (and stylesheet) otherwise
    try:
        import weasyprint  # slow import, only when the demo needs documents

        document = weasyprint.HTML(string=html).render()
        pdf = document.write_pdf()
    finally:
        progress.setLevel(level)
    owner: list[str] = []
    for page in document.pages:
        starts = [key for key in sources if key in page.anchors]
        owner.append(starts[0] if starts else owner[-1])
    reader = PdfReader(io.BytesIO(pdf))
    out = {}
    for key, (title, _) in sources.items():
        writer = PdfWriter()
        for index, page_owner in enumerate(owner):
            if page_owner == key:
                writer.add_page(reader.pages[index])
        writer.add_metadata({"/Title": title})
        buffer = io.BytesIO()
        writer.write(buffer)
        out[key] = buffer.getvalue()
    _rendered[html] = out
    return out
