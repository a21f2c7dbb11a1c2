"""PDF files for the upload tests, benign and hostile: built with pypdf where it can write
them, by hand (``raw_pdf``, with a correct cross-reference table) where it cannot. One copy,
used by the validator's unit tests and by the upload tests of every surface."""

import io
import zlib


def written(writer) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def one_page_writer():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    return writer


def with_open_action(action: dict) -> bytes:
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = one_page_writer()
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject(key): NameObject(value) if value.startswith("/") else TextStringObject(value)
            for key, value in action.items()
        }
    )
    return written(writer)


def pdf_with_document_javascript() -> bytes:
    from pypdf.actions import JavaScript

    writer = one_page_writer()
    writer.add_open_action(JavaScript("app.alert(1);"))
    return written(writer)


def pdf_with_open_action_js() -> bytes:
    return with_open_action({"/S": "/JavaScript", "/JS": "app.launchURL('https://evil.test')"})


def pdf_with_link(action: dict[str, str]) -> bytes:
    """One page with a link annotation running ``action`` ({"/S": "/URI", "/URI": "..."});
    values starting with "/" are PDF names, others text."""
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        TextStringObject,
    )

    writer = one_page_writer()
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(0)] * 2 + [FloatObject(100)] * 2),
            NameObject("/A"): DictionaryObject(
                {
                    NameObject(key): NameObject(value)
                    if value.startswith("/")
                    else TextStringObject(value)
                    for key, value in action.items()
                }
            ),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return written(writer)


def pdf_with_link_annotation_js() -> bytes:
    return pdf_with_link({"/S": "/JavaScript", "/JS": "app.alert(1)"})


def pdf_with_launch_action() -> bytes:
    return with_open_action({"/S": "/Launch", "/F": "C:\\Windows\\System32\\calc.exe"})


def pdf_with_embedded_file() -> bytes:
    writer = one_page_writer()
    writer.add_attachment("invoice.exe", b"MZ\x90\x00 not really a program")
    return written(writer)


def pdf_with_script_and_embedded_file() -> bytes:
    """Two reasons to refuse in one file: a script run on opening, and a file inside."""
    from pypdf.actions import JavaScript

    writer = one_page_writer()
    writer.add_open_action(JavaScript("app.alert(1);"))
    writer.add_attachment("payload.bin", b"\x00\x01")
    return written(writer)


def raw_pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A hand-written PDF with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, trailer_extra, xref)
    )
    return out.getvalue()


# The objects of a one-page PDF, for ``raw_pdf``; a fourth object may follow.
ONE_PAGE = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
]
# ... whose catalog runs object 4 when the file is opened.
CATALOG_PAGES_PAGE = [b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", *ONE_PAGE[1:]]


def pdf_with_escaped_names() -> bytes:
    """``/J#61vaScript`` is ``/JavaScript`` to a PDF reader: the check must decode names."""
    return raw_pdf([*CATALOG_PAGES_PAGE, b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>"])


def pdf_with_unreachable_script() -> bytes:
    """A script object no reference leads to (a viewer repairing the file may still find it)."""
    objects = [*CATALOG_PAGES_PAGE, b"<< /Type /Action >>", b"<< /S /JavaScript /JS (x) >>"]
    return raw_pdf(objects)


def pdf_with_script_in_object_stream() -> bytes:
    """The action hidden in a compressed object stream, with a cross-reference stream: no
    ``/JS`` appears in the file's bytes, so only reading the objects finds it."""
    action = b"<< /S /JavaScript /JS (app.alert(1)) >>"
    header = b"4 0 "
    objstm_data = zlib.compress(header + action)
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = {}
    for number, body in enumerate(CATALOG_PAGES_PAGE, 1):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    offsets[5] = out.tell()
    out.write(
        b"5 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(objstm_data))
    )
    out.write(objstm_data + b"\nendstream\nendobj\n")
    offsets[6] = out.tell()
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff"]
    for number in range(1, 7):
        if number == 4:
            rows.append(b"\x02" + (5).to_bytes(4, "big") + (0).to_bytes(2, "big"))
        else:
            rows.append(b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00\x00")
    table = b"".join(rows)
    out.write(
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(table)
    )
    out.write(table + b"\nendstream\nendobj\n")
    out.write(b"startxref\n%d\n%%%%EOF\n" % offsets[6])
    return out.getvalue()


def encrypted_pdf(user_password: str) -> bytes:
    writer = one_page_writer()
    writer.encrypt(user_password=user_password, owner_password="owner")
    return written(writer)


def pdf_with_pages(n: int) -> bytes:
    """A real PDF of ``n`` blank pages (0: a PDF with no pages)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(n):
        writer.add_blank_page(width=612, height=792)
    return written(writer)
