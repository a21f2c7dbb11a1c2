"""Hostile uploads: each is refused with a field message on the web form and the API (400 under
``file``), nothing is saved and no file reaches MEDIA_ROOT; an oversized stream is cut off at the
limit without being read whole; a hostile file name is kept sanitised, never used on disk.

The hostile PDFs come from tests/support/pdfs.py (the validator's unit tests use them too)."""

import re
import tracemalloc
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import Client
from django.urls import reverse

from config.uploads import (
    LimitedMemoryFileUploadHandler,
    LimitedTemporaryFileUploadHandler,
    OversizedUpload,
)
from grants import services
from grants.models import Attachment
from grants.validators import display_file_name, validate_pdf_upload
from reporting.importers import parse_publications
from tests.api.support import API, api_as
from tests.factories import make_proposal, pdf_bytes
from tests.support.pdfs import (
    encrypted_pdf,
    pdf_with_document_javascript,
    pdf_with_embedded_file,
    pdf_with_escaped_names,
    pdf_with_launch_action,
    pdf_with_link,
    pdf_with_link_annotation_js,
    pdf_with_open_action_js,
    pdf_with_script_and_embedded_file,
    pdf_with_script_in_object_stream,
    pdf_with_unreachable_script,
)

pytestmark = pytest.mark.django_db

GIB = 1 << 30

NOT_PDF = "This file is not a PDF (whatever its name says). Save or export it as PDF."
ENCRYPTED = "This PDF is password-protected; upload a copy without a password."
JAVASCRIPT = (
    "This PDF contains JavaScript (scripts that run when it is opened), which we do not "
    "accept. Print it to a new PDF (File › Print › Save as PDF) and upload that."
)
LAUNCH = (
    "This PDF contains an action that starts another program, which we do not accept. "
    "Print it to a new PDF (File › Print › Save as PDF) and upload that."
)
EMBEDDED = (
    "This PDF carries other files inside it (embedded files), which we do not accept. "
    "Print it to a new PDF (File › Print › Save as PDF) and upload that."
)


WINDOWS_PROGRAM = b"MZ\x90\x00\x03" + b"\x00" * 59 + b"This program cannot be run in DOS mode."
LINUX_PROGRAM = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56


# (id, file bytes, the messages under "file")
HOSTILE = [
    ("windows-exe", WINDOWS_PROGRAM, ["This file is a Windows program, not a PDF (whatever its name says). Upload a PDF."]),
    # A polyglot: a program with a PDF inside it, which a lenient reader would open.
    ("exe-pdf-polyglot", WINDOWS_PROGRAM + pdf_bytes(), ["This file is a Windows program, not a PDF (whatever its name says). Upload a PDF."]),
    ("elf", LINUX_PROGRAM, ["This file is a Linux program, not a PDF (whatever its name says). Upload a PDF."]),
    ("late-pdf-header", b"junk\n" + pdf_bytes(), [NOT_PDF]),
    ("document-javascript", pdf_with_document_javascript(), [JAVASCRIPT]),
    ("open-action-js", pdf_with_open_action_js(), [JAVASCRIPT]),
    ("link-annotation-js", pdf_with_link_annotation_js(), [JAVASCRIPT]),
    ("escaped-names-js", pdf_with_escaped_names(), [JAVASCRIPT]),
    ("object-stream-js", pdf_with_script_in_object_stream(), [JAVASCRIPT]),
    ("unreachable-js", pdf_with_unreachable_script(), [JAVASCRIPT]),
    ("launch", pdf_with_launch_action(), [LAUNCH]),
    ("embedded-file", pdf_with_embedded_file(), [EMBEDDED]),
    ("encrypted", encrypted_pdf("secret"), [ENCRYPTED]),
    ("encrypted-no-user-password", encrypted_pdf(""), [ENCRYPTED]),
]  # fmt: skip
HOSTILE_IDS = [case[0] for case in HOSTILE]


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def as_upload(data: bytes, name: str = "biosketch.pdf") -> SimpleUploadedFile:
    # The browser's word for the type is whatever the attacker wants it to be.
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def web_upload(proposal, upload):
    client = Client()
    client.force_login(proposal.pi)
    return client.post(
        reverse("grants:proposal_attachments", args=[proposal.pk]),
        {"kind": "biosketch", "file": upload},
    )


def api_upload(proposal, upload):
    return api_as(proposal.pi).post(
        f"{API}/proposals/{proposal.pk}/attachments/",
        {"kind": "biosketch", "file": upload},
        format="multipart",
    )


# ---- Each hostile file, at each door ---------------------------------------------------------


@pytest.mark.parametrize(("case", "data", "messages"), HOSTILE, ids=HOSTILE_IDS)
def test_hostile_file_refused_by_service_with_nothing_stored(case, data, messages):
    proposal = make_proposal(complete=False)

    with pytest.raises(ValidationError) as exc:
        services.attachment_add(
            proposal=proposal, actor=proposal.pi, kind="biosketch", uploaded_file=as_upload(data)
        )

    assert exc.value.message_dict == {"file": messages}
    assert Attachment.objects.count() == 0
    assert media_files() == []


@pytest.mark.parametrize(("case", "data", "messages"), HOSTILE, ids=HOSTILE_IDS)
def test_hostile_file_refused_on_the_web_form_with_a_field_message(case, data, messages):
    proposal = make_proposal(complete=False)

    response = web_upload(proposal, as_upload(data))

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": messages}
    assert Attachment.objects.count() == 0
    assert media_files() == []


@pytest.mark.parametrize(("case", "data", "messages"), HOSTILE, ids=HOSTILE_IDS)
def test_hostile_file_refused_by_the_api_under_file(case, data, messages):
    proposal = make_proposal(complete=False)

    response = api_upload(proposal, as_upload(data))

    assert response.status_code == 400
    assert response.json() == {"file": messages}
    assert Attachment.objects.count() == 0
    assert media_files() == []


def test_pdf_with_script_and_embedded_file_lists_both_reasons():
    data = pdf_with_script_and_embedded_file()

    with pytest.raises(ValidationError) as exc:
        validate_pdf_upload(as_upload(data))

    assert exc.value.messages == [JAVASCRIPT, EMBEDDED]


def test_pdf_with_a_web_link_is_accepted_even_when_the_address_spells_a_pdf_name():
    data = pdf_with_link({"/S": "/URI", "/URI": "https://example.org/JS /Launch"})

    assert validate_pdf_upload(as_upload(data)).pages == 1


def test_plain_pdf_still_accepted_and_stored_under_a_generated_name():
    proposal = make_proposal(complete=False)

    attachment = services.attachment_add(
        proposal=proposal, actor=proposal.pi, kind="biosketch", uploaded_file=as_upload(pdf_bytes())
    )

    assert re.fullmatch(rf"proposals/{proposal.pk}/[0-9a-f]{{32}}\.pdf", attachment.file.name)
    assert [p.relative_to(settings.MEDIA_ROOT).as_posix() for p in media_files()] == [
        attachment.file.name
    ]


# ---- Zero bytes ------------------------------------------------------------------------------


def test_zero_byte_file_refused_everywhere():
    proposal = make_proposal(complete=False)

    with pytest.raises(ValidationError) as exc:
        services.attachment_add(
            proposal=proposal, actor=proposal.pi, kind="biosketch", uploaded_file=as_upload(b"")
        )
    web = web_upload(proposal, as_upload(b""))
    api = api_upload(proposal, as_upload(b""))

    assert exc.value.message_dict == {"file": ["The file is empty."]}
    assert web.status_code == 200
    assert web.context["form"].errors == {"file": ["The submitted file is empty."]}
    assert api.status_code == 400
    assert api.json() == {"file": ["The submitted file is empty."]}
    assert Attachment.objects.count() == 0
    assert media_files() == []


def test_zero_byte_citation_file_refused():
    # The forms and the API say "The submitted file is empty." before the parser is reached.
    with pytest.raises(ValidationError) as exc:
        parse_publications(SimpleUploadedFile("pubmed.nbib", b""))

    assert exc.value.messages == ["This is not a MEDLINE, RIS, BibTeX or CSL JSON file."]


def test_renamed_program_as_citation_file_refused():
    with pytest.raises(ValidationError) as exc:
        parse_publications(SimpleUploadedFile("pubmed.nbib", WINDOWS_PROGRAM))

    assert exc.value.messages == [
        "This file is a Windows program, not a MEDLINE, RIS, BibTeX or CSL JSON file."
    ]


# ---- Oversized: cut off at the limit, never read whole ----------------------------------------


class GeneratedFile:
    """A file of ``total`` bytes (a PDF header, then filler) made up as it is read, never held
    in memory; counts what was read. Reading it all at once is a test failure."""

    def __init__(self, total: int):
        self.total = total
        self.position = 0
        self.bytes_read = 0
        self._filler = b"0" * (1 << 20)

    def read(self, size=-1):
        assert size is not None and size >= 0, "asked to read the whole stream"
        size = min(size, self.total - self.position)
        head = b"%PDF-1.7\n"[self.position : self.position + size]
        data = head + self._filler[: size - len(head)]
        self.position += size
        self.bytes_read += size
        return data

    def seek(self, offset, whence=0):
        self.position = offset if whence == 0 else self.position + offset
        return self.position

    def tell(self):
        return self.position


def lazy_upload(total: int, *, declared: int | None) -> tuple[UploadedFile, GeneratedFile]:
    stream = GeneratedFile(total)
    return UploadedFile(stream, "huge.pdf", "application/pdf", declared), stream


def test_one_gigabyte_declared_upload_refused_without_reading_a_byte(settings):
    settings.NORTHSTAR_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    proposal = make_proposal(complete=False)
    upload, stream = lazy_upload(GIB, declared=GIB)

    with pytest.raises(ValidationError) as exc:
        services.attachment_add(
            proposal=proposal, actor=proposal.pi, kind="biosketch", uploaded_file=upload
        )

    assert exc.value.message_dict == {"file": ["The file is 1.0\xa0GB; the limit is 10.0\xa0MB."]}
    assert stream.bytes_read == 0
    assert media_files() == []


@pytest.mark.parametrize("declared", [None, 1000], ids=["size-unknown", "size-understated"])
def test_one_gigabyte_stream_cut_off_soon_after_the_limit(settings, declared):
    limit = settings.NORTHSTAR_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    proposal = make_proposal(complete=False)
    upload, stream = lazy_upload(GIB, declared=declared)

    with pytest.raises(ValidationError) as exc:
        services.attachment_add(
            proposal=proposal, actor=proposal.pi, kind="biosketch", uploaded_file=upload
        )

    assert exc.value.message_dict == {"file": ["The file is too large; the limit is 10.0\xa0MB."]}
    assert stream.bytes_read == limit + 1
    assert Attachment.objects.count() == 0
    assert media_files() == []


@pytest.mark.parametrize("declared", [GIB, None], ids=["declared", "size-unknown"])
def test_one_gigabyte_citation_file_cut_off_at_the_limit(settings, declared):
    limit = settings.NORTHSTAR_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    upload, stream = lazy_upload(GIB, declared=declared)

    with pytest.raises(ValidationError) as exc:
        parse_publications(upload)

    assert exc.value.messages == ["The file is too large to be a citation export."]
    assert stream.bytes_read <= limit + 1


class MultipartBody:
    """A multipart/form-data request body whose file part is ``file_size`` bytes, generated
    as the parser reads it."""

    boundary = "northstar-hostile-boundary"

    def __init__(self, file_size: int):
        self.head = (
            f"--{self.boundary}\r\n"
            'Content-Disposition: form-data; name="kind"\r\n\r\nbiosketch\r\n'
            f"--{self.boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="huge.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        self.tail = f"\r\n--{self.boundary}--\r\n".encode()
        self.file = GeneratedFile(file_size)
        self.length = len(self.head) + file_size + len(self.tail)
        self.position = 0

    def read(self, size=-1):
        assert size is not None and size >= 0, "asked to read the whole request"
        parts = []
        while size > 0 and self.position < self.length:
            end_of_file = len(self.head) + self.file.total
            if self.position < len(self.head):
                piece = self.head[self.position : self.position + size]
            elif self.position < end_of_file:
                piece = self.file.read(min(size, end_of_file - self.position))
            else:
                start = self.position - end_of_file
                piece = self.tail[start : start + size]
            parts.append(piece)
            self.position += len(piece)
            size -= len(piece)
        return b"".join(parts)


class CountingTemporaryHandler(LimitedTemporaryFileUploadHandler):
    """Records the most bytes its temporary file ever held."""

    most_stored = 0

    def receive_data_chunk(self, raw_data, start):
        result = super().receive_data_chunk(raw_data, start)
        if not self.over_limit:
            type(self).most_stored = max(type(self).most_stored, self.file.tell())
        return result


def test_one_gigabyte_request_streams_through_the_upload_handlers_in_bounded_memory(settings):
    limit = settings.NORTHSTAR_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    body = MultipartBody(GIB)
    meta = {
        "CONTENT_TYPE": f"multipart/form-data; boundary={body.boundary}",
        "CONTENT_LENGTH": str(body.length),
    }
    CountingTemporaryHandler.most_stored = 0
    handlers = [LimitedMemoryFileUploadHandler(), CountingTemporaryHandler()]

    tracemalloc.start()
    try:
        post, files = MultiPartParser(meta, body, handlers).parse()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    upload = files["file"]
    assert isinstance(upload, OversizedUpload)
    assert (upload.name, upload.size, upload.read()) == ("huge.pdf", GIB, b"")
    assert post["kind"] == "biosketch"
    assert CountingTemporaryHandler.most_stored <= limit
    assert handlers[1].file.closed  # the part kept before the limit was deleted at once
    assert peak < 5 * 1024 * 1024  # nothing like the gigabyte was ever in memory


def test_small_request_kept_in_memory_is_cut_off_at_a_low_limit_too(settings):
    settings.NORTHSTAR_MAX_UPLOAD_BYTES = 1000
    body = MultipartBody(50_000)
    meta = {
        "CONTENT_TYPE": f"multipart/form-data; boundary={body.boundary}",
        "CONTENT_LENGTH": str(body.length),
    }

    _, files = MultiPartParser(
        meta, body, [LimitedMemoryFileUploadHandler(), LimitedTemporaryFileUploadHandler()]
    ).parse()

    assert isinstance(files["file"], OversizedUpload)
    assert files["file"].size == 50_000


@pytest.mark.parametrize("size", [300_000, 3_000_000], ids=["in-memory", "temporary-file"])
def test_request_over_the_limit_refused_cleanly_on_the_web_and_the_api(settings, size):
    """Through the test client's real multipart requests: a file kept in memory (under
    FILE_UPLOAD_MAX_MEMORY_SIZE) and one streamed to a temporary file (over it)."""
    settings.NORTHSTAR_MAX_UPLOAD_BYTES = 200_000
    proposal = make_proposal(complete=False)
    data = pdf_bytes() + b"%" + b"0" * size
    expected = f"The file is {_human(len(data))}; the limit is 195.3\xa0KB."

    web = web_upload(proposal, as_upload(data))
    api = api_upload(proposal, as_upload(data))

    assert web.status_code == 200
    assert web.context["form"].errors == {"file": [expected]}
    assert api.status_code == 400
    assert api.json() == {"file": [expected]}
    assert Attachment.objects.count() == 0
    assert media_files() == []


def _human(size: int) -> str:
    from django.template.defaultfilters import filesizeformat

    return filesizeformat(size)


def test_form_fields_over_data_upload_max_memory_size_are_a_clean_400(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    proposal = make_proposal(complete=False)
    client = Client()
    client.force_login(proposal.pi)

    response = client.post(
        reverse("grants:proposal_attachments", args=[proposal.pk]),
        {"kind": "biosketch", "note": "x" * 200_000, "file": as_upload(pdf_bytes())},
    )

    assert response.status_code == 400
    assert Attachment.objects.count() == 0
    assert media_files() == []


# ---- Hostile file names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("/etc/passwd", "passwd.pdf"),
        ("..\\..\\Windows\\System32\\drivers.pdf", "drivers.pdf"),
        ("C:\\Users\\pi\\Desktop\\cv.pdf", "cv.pdf"),
        ("..／..／etc／shadow.pdf", "shadow.pdf"),  # full-width solidus
        ("cv\x00.exe.pdf", "cv.exe.pdf"),
        ("line\r\nbreak.pdf", "linebreak.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe.pdf"),  # right-to-left override
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        ("..", "document.pdf"),
        ("...pdf", "pdf.pdf"),
        ("  .hidden.pdf  ", "hidden.pdf"),
        ("a" * 300 + ".pdf", "a" * 146 + ".pdf"),
    ],
)
def test_hostile_file_name_stored_safely_and_shown_sanitised(name, shown):
    proposal = make_proposal(complete=False)
    upload = SimpleUploadedFile("x.pdf", pdf_bytes(), content_type="application/pdf")
    upload._name = name  # past UploadedFile's own clean-up, as any caller could hand it over

    attachment = services.attachment_add(
        proposal=proposal, actor=proposal.pi, kind="biosketch", uploaded_file=upload
    )

    stored = Path(attachment.file.path).resolve()
    assert attachment.original_name == shown
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert re.fullmatch(rf"proposals/{proposal.pk}/[0-9a-f]{{32}}\.pdf", attachment.file.name)
    assert media_files() == [stored]


def test_traversal_name_through_the_web_form_is_shown_sanitised_and_downloads_under_it():
    proposal = make_proposal(complete=False)
    client = Client()
    client.force_login(proposal.pi)
    upload = as_upload(pdf_bytes(), name="../../<script>alert(1)<\\script>.pdf")

    response = client.post(
        reverse("grants:proposal_attachments", args=[proposal.pk]),
        {"kind": "biosketch", "file": upload},
        follow=True,
    )
    attachment = Attachment.objects.get()
    download = client.get(reverse("grants:attachment_download", args=[proposal.pk, attachment.pk]))

    page = response.content.decode()
    assert attachment.original_name == "script>.pdf"
    assert "<script>alert" not in page
    assert "“script&gt;.pdf” uploaded." in page
    assert download["Content-Disposition"] == 'attachment; filename="script>.pdf"'
    assert media_files() == [Path(attachment.file.path)]


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("report.pdf", "report.pdf"),
        ("Résumé (2024).pdf", "Résumé (2024).pdf"),
        ("", "document"),
        (None, "document"),
        ("a" * 200, "a" * 120),
    ],
)
def test_display_file_name(name, shown):
    assert display_file_name(name) == shown


# ---- The publication import, at both doors ---------------------------------------------------

CITATION_REFUSALS = [
    ("empty", b"", ["The submitted file is empty."]),
    (
        "program",
        WINDOWS_PROGRAM,
        ["This file is a Windows program, not a MEDLINE, RIS, BibTeX or CSL JSON file."],
    ),
    ("pdf", pdf_bytes(), ["This is not a MEDLINE, RIS, BibTeX or CSL JSON file."]),
]
CITATION_IDS = [case[0] for case in CITATION_REFUSALS]


@pytest.mark.parametrize(("case", "data", "messages"), CITATION_REFUSALS, ids=CITATION_IDS)
def test_hostile_citation_file_refused_on_the_import_page(case, data, messages):
    from reporting.models import Publication
    from tests.reporting.support import simple_award

    award, _ = simple_award()
    stored = media_files()
    client = Client()
    client.force_login(award.proposal.pi)

    response = client.post(
        reverse("reporting:publication_import", args=[award.pk]),
        {"file": SimpleUploadedFile("pubmed.nbib", data)},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": messages}
    assert not Publication.objects.exists()
    assert media_files() == stored


@pytest.mark.parametrize(("case", "data", "messages"), CITATION_REFUSALS, ids=CITATION_IDS)
def test_hostile_citation_file_refused_by_the_import_api(case, data, messages):
    from reporting.models import Publication
    from tests.reporting.support import simple_award

    award, _ = simple_award()

    response = api_as(award.proposal.pi).post(
        f"{API}/outcomes/publications/import/?commit=true",
        {"award": award.pk, "file": SimpleUploadedFile("pubmed.nbib", data)},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json() == {"file": messages}
    assert not Publication.objects.exists()


def test_citation_file_over_the_limit_refused_at_both_doors(settings):
    from reporting.models import Publication
    from tests.reporting.support import simple_award

    settings.NORTHSTAR_MAX_UPLOAD_BYTES = 10_000
    award, _ = simple_award()
    data = b"PMID- 1\nTI  - A title\n" + b"AB  - " + b"x" * 50_000 + b"\n"
    client = Client()
    client.force_login(award.proposal.pi)

    web = client.post(
        reverse("reporting:publication_import", args=[award.pk]),
        {"file": SimpleUploadedFile("pubmed.nbib", data)},
    )
    api = api_as(award.proposal.pi).post(
        f"{API}/outcomes/publications/import/?commit=true",
        {"award": award.pk, "file": SimpleUploadedFile("pubmed.nbib", data)},
        format="multipart",
    )

    too_large = ["The file is too large to be a citation export."]
    assert web.context["form"].errors == {"file": too_large}
    assert (api.status_code, api.json()) == (400, {"file": too_large})
    assert not Publication.objects.exists()


def test_citation_file_with_a_stray_nul_is_imported_without_it():
    from reporting import services as reporting_services
    from tests.reporting.support import simple_award

    award, _ = simple_award()
    padding = "".join(f"PMID- {n}\nTI  - Padding {n}\nDP  - 2025 Mar\n\n" for n in range(1, 150))
    data = (padding + "PMID- 999\nTI  - Promotoras\x00 and HbA1c\nDP  - 2025 Mar\n").encode()

    records = reporting_services.publications_import_preview(
        file=SimpleUploadedFile("p.nbib", data)
    )
    result = reporting_services.publications_import_commit(
        award=award, records=records, actor=award.proposal.pi
    )

    assert len(data) > 4096  # past the first bytes, where a NUL means "not a text file"
    assert [p.title for p in result.created if p.pmid == "999"] == ["Promotoras and HbA1c"]
