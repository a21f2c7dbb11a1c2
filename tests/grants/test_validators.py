"""The PDF upload check and the word count: the bytes decide, not the name."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from grants.validators import CheckedPdf, validate_pdf_upload, validate_time_zone, word_count
from tests.factories import pdf_bytes
from tests.support.pdfs import ONE_PAGE, encrypted_pdf, pdf_with_pages, raw_pdf

# ---- word_count ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        (None, 0),
        ("   \n\t ", 0),
        ("one", 1),
        ("one two three", 3),
        ("  leading and trailing  ", 3),
        ("tabs\tand\nnew lines\r\ncount", 5),
        ("many     spaces    between", 3),
        ("well-being, e.g. community-based", 3),
        ("punctuation alone — counts", 4),
        ("Niños y familias rurales", 4),
    ],
)
def test_word_count(text, expected):
    assert word_count(text) == expected


# ---- validate_pdf_upload ---------------------------------------------------------------------


def _refusal(data: bytes, name: str = "file.pdf") -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        validate_pdf_upload(SimpleUploadedFile(name, data))
    return exc.value


def test_validate_pdf_upload_real_pdf_returns_size_pages_and_digest():
    data = pdf_with_pages(3)

    checked = validate_pdf_upload(SimpleUploadedFile("report.pdf", data))

    assert checked == CheckedPdf(size=len(data), pages=3, sha256=hashlib.sha256(data).hexdigest())


def test_validate_pdf_upload_hand_written_pdf_accepted():
    data = raw_pdf(ONE_PAGE)

    assert validate_pdf_upload(SimpleUploadedFile("x.pdf", data)).pages == 1


def test_validate_pdf_upload_leaves_file_rewound_for_storage():
    data = pdf_bytes()
    upload = SimpleUploadedFile("a.pdf", data)

    validate_pdf_upload(upload)

    assert upload.read() == data


def test_validate_pdf_upload_name_and_content_type_ignored():
    data = pdf_bytes()
    upload = SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")

    assert validate_pdf_upload(upload).pages == 1


def test_validate_pdf_upload_empty_refused():
    error = _refusal(b"")

    assert (error.code, error.messages) == ("empty", ["The file is empty."])


def test_validate_pdf_upload_over_limit_refused(settings):
    data = pdf_bytes()
    settings.NORTHSTAR_MAX_UPLOAD_BYTES = len(data) - 1

    error = _refusal(data)

    assert error.code == "too_large"
    assert error.messages == [
        f"The file is {len(data)}\xa0bytes; the limit is {len(data) - 1}\xa0bytes."
    ]


def test_validate_pdf_upload_exactly_at_limit_accepted(settings):
    data = pdf_bytes()
    settings.NORTHSTAR_MAX_UPLOAD_BYTES = len(data)

    assert validate_pdf_upload(SimpleUploadedFile("a.pdf", data)).size == len(data)


def test_validate_pdf_upload_limit_message_uses_human_units(settings):
    settings.NORTHSTAR_MAX_UPLOAD_BYTES = 1024 * 1024
    data = b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024)

    error = _refusal(data)

    assert error.messages == ["The file is 2.0\xa0MB; the limit is 1.0\xa0MB."]


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 100,
        b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 100,
        b"PK\x03\x04" + b"\x00" * 100,  # .docx
        b"Just some text pretending to be a PDF.",
        b"x" * 1024 + b"%PDF-1.7\n",  # header too late to count
    ],
    ids=["png", "jpeg", "zip", "text", "late-header"],
)
def test_validate_pdf_upload_not_pdf_refused(data):
    error = _refusal(data, name="renamed.pdf")

    assert error.code == "not_pdf"
    assert error.messages == [
        "This file is not a PDF (whatever its name says). Save or export it as PDF."
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\nthis is not really a PDF\n",
        b"%PDF-" + b"\x00" * 200,
        b"%PDF-1.4\n%%EOF\n",
        pdf_bytes()[:200],  # truncated upload
    ],
    ids=["text", "nulls", "eof-only", "truncated"],
)
def test_validate_pdf_upload_damaged_pdf_refused(data):
    error = _refusal(data)

    assert error.code == "unreadable"
    assert error.messages == [
        "This PDF is damaged and cannot be read. Export it again and re-upload."
    ]


def test_validate_pdf_upload_no_pages_refused():
    error = _refusal(pdf_with_pages(0))

    assert (error.code, error.messages) == ("no_pages", ["This PDF has no pages."])


def test_validate_pdf_upload_encrypted_pdf_refused():
    error = _refusal(encrypted_pdf("secret"))

    assert error.code == "encrypted"
    assert error.messages == ["This PDF is password-protected; upload a copy without a password."]


def test_validate_pdf_upload_encrypted_with_empty_user_password_still_refused():
    assert _refusal(encrypted_pdf("")).code == "encrypted"


def test_validate_pdf_upload_aes256_encrypted_pdf_refused():
    encrypt = (
        b"<< /Filter /Standard /V 5 /R 6 /Length 256 /P -4"
        b" /CF << /StdCF << /AuthEvent /DocOpen /CFM /AESV3 /Length 32 >> >>"
        b" /StmF /StdCF /StrF /StdCF"
        b" /O <" + b"11" * 48 + b"> /U <" + b"22" * 48 + b">"
        b" /OE <" + b"33" * 32 + b"> /UE <" + b"44" * 32 + b"> /Perms <" + b"55" * 16 + b"> >>"
    )
    file_id = b"<" + b"ab" * 16 + b">"
    data = raw_pdf([*ONE_PAGE, encrypt], b"/Encrypt 4 0 R /ID [%s %s]" % (file_id, file_id))

    error = _refusal(data)

    # pypdf cannot even open AES-256 files without a crypto library; that must not be a 500.
    assert error.code == "encrypted"
    assert error.messages == ["This PDF is password-protected; upload a copy without a password."]


# ---- validate_time_zone ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["America/Los_Angeles", "America/New_York", "Pacific/Honolulu", "UTC"]
)
def test_validate_time_zone_known_names_accepted(name):
    assert validate_time_zone(name) is None


@pytest.mark.parametrize("name", ["Pacific Time", "America/Springfield", "PST8PDT/x", "", "../etc"])
def test_validate_time_zone_unknown_names_refused(name):
    with pytest.raises(ValidationError) as exc:
        validate_time_zone(name)

    assert exc.value.code == "time_zone"
    assert exc.value.messages == [f"“{name}” is not a time zone name such as America/Los_Angeles."]
