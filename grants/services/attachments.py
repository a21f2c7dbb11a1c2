"""A proposal's documents: checked PDFs stored under server-made names."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import User

from ..choices import AttachmentKind
from ..models import Attachment, Proposal
from ..validators import display_file_name, validate_pdf_upload
from ._common import lock_for_edit


@transaction.atomic
def attachment_add(*, proposal: Proposal, actor: User, kind: str, uploaded_file) -> Attachment:
    """Store a checked PDF under a server-generated name (grants.models.attachment_upload_to).

    Refused with errors under ``file`` — nothing stored, nothing written to disk — unless the
    bytes are a readable, unencrypted PDF within the size limit without scripts, launch actions
    or embedded files (validators.validate_pdf_upload). Exactly the bytes checked are stored.
    The user's file name is kept only for display, sanitised (validators.display_file_name)
    and ending in .pdf.
    """
    proposal = lock_for_edit(proposal, actor)
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": ["Choose the type of document."]})
    try:
        checked = validate_pdf_upload(uploaded_file)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    name = display_file_name(getattr(uploaded_file, "name", ""), max_length=150)
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    attachment = Attachment(
        proposal=proposal,
        kind=kind,
        original_name=name,
        size=checked.size,
        pages=checked.pages,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    attachment.file.save("upload.pdf", ContentFile(checked.content), save=False)
    try:
        attachment.save()
    except BaseException:
        attachment.file.delete(save=False)  # no file on disk without its row
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, actor: User) -> None:
    lock_for_edit(attachment.proposal_id, actor)
    stored = attachment.file
    attachment.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
