"""Upload handlers that never keep more of a file than Northstar accepts.

Django's own handlers keep a small upload in memory and stream a large one to a temporary
file — all of it, however large. These do the same but stop storing a file once it passes
``NORTHSTAR_MAX_UPLOAD_BYTES``: what was kept is dropped at once, the rest of the request is
read and discarded, and the form or serializer receives an empty ``OversizedUpload`` that
says how large the file was, so the service refuses it with the usual field message
(``grants.validators.read_limited``). Memory and disk use stay within the limit whatever the
size of the request. Enabled by ``FILE_UPLOAD_HANDLERS`` in config/settings.py.

Also how a stored upload is handed out again (``stored_file_response``), shared by every
download view of the web pages and the API.
"""

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import (
    MemoryFileUploadHandler,
    TemporaryFileUploadHandler,
)
from django.http import FileResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header


class OversizedUpload(UploadedFile):
    """A file that was over the size limit: its name, type and size, none of its bytes."""

    too_large = True

    def __init__(self, *, name, content_type, size, charset=None, content_type_extra=None):
        super().__init__(io.BytesIO(), name, content_type, size, charset, content_type_extra)


class _SizeLimit:
    """Mixed into a storing handler: counts the bytes it stores and stops at the limit.

    Each handler below says how to drop what it has stored so far (``drop_stored``).
    """

    def new_file(self, *args, **kwargs):
        self.over_limit = False  # first: the memory handler's new_file ends the chain by raising
        super().new_file(*args, **kwargs)

    def stores_this_file(self) -> bool:
        return True

    def receive_data_chunk(self, raw_data, start):
        if not self.stores_this_file():
            return super().receive_data_chunk(raw_data, start)
        if self.over_limit:
            return None
        if start + len(raw_data) > settings.NORTHSTAR_MAX_UPLOAD_BYTES:
            self.over_limit = True
            self.drop_stored()
            return None
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        if self.stores_this_file() and self.over_limit:
            return OversizedUpload(
                name=self.file_name,
                content_type=self.content_type,
                size=file_size,
                charset=self.charset,
                content_type_extra=self.content_type_extra,
            )
        return super().file_complete(file_size)


class LimitedMemoryFileUploadHandler(_SizeLimit, MemoryFileUploadHandler):
    """Small requests: the file in memory, never more than the limit of it."""

    def stores_this_file(self) -> bool:
        return self.activated

    def drop_stored(self) -> None:
        self.file = io.BytesIO()


class LimitedTemporaryFileUploadHandler(_SizeLimit, TemporaryFileUploadHandler):
    """Large requests: the file in a temporary file, deleted as soon as it passes the limit."""

    def drop_stored(self) -> None:
        self.file.close()  # a NamedTemporaryFile: closing deletes it


def signs_urls(storage) -> bool:
    """Whether ``storage`` hands out signed, expiring URLs (django-storages' S3Storage with
    query-string authentication and no custom domain, whose URLs would be unsigned)."""
    return bool(getattr(storage, "querystring_auth", False)) and not getattr(
        storage, "custom_domain", None
    )


def stored_file_response(field_file, *, filename: str, content_type: str):
    """The answer to a download the caller has already allowed.

    On an object store that signs URLs: a 302 to a URL valid for ``querystring_expire``
    seconds that makes the store send the file as an attachment under ``filename`` (the bucket
    itself stays private). Anywhere else (the local disk): the file, streamed by this process.
    Raises ``FileNotFoundError`` when the stored file is gone, for the caller's 404.
    """
    storage = field_file.storage
    if signs_urls(storage):
        if not storage.exists(field_file.name):
            raise FileNotFoundError(field_file.name)
        url = storage.url(
            field_file.name,
            parameters={
                "ResponseContentDisposition": content_disposition_header(
                    as_attachment=True, filename=filename
                ),
                "ResponseContentType": content_type,
            },
        )
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "no-store, private"  # the URL is a short-lived credential
        return response
    return FileResponse(
        field_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )


def attachment_response(attachment):
    """A proposal document's download (``stored_file_response`` of its PDF under its original
    name), for a caller that has already allowed it; a stored file that is gone is a 404 (the
    API answers it as its JSON 404)."""
    from django.http import Http404

    try:
        return stored_file_response(
            attachment.file, filename=attachment.original_name, content_type="application/pdf"
        )
    except FileNotFoundError as exc:
        raise Http404("The stored file is missing.") from exc


def letter_document_response(letter):
    """A letter of intent's one-page PDF, for a caller that has already allowed it; a letter
    without one, or whose stored file is gone, is a 404."""
    from django.http import Http404

    if not letter.document:
        raise Http404("This letter has no PDF.")
    try:
        return stored_file_response(
            letter.document, filename=letter.document_name, content_type="application/pdf"
        )
    except FileNotFoundError as exc:
        raise Http404("The stored file is missing.") from exc
