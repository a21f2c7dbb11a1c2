"""A proposal's place in the NIMHD Research Framework: the cells the applicant chose, and the
program office's correction of them after submission."""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from accounts.permissions import can

from ..choices import NIMHD_CELLS, nimhd_cells_clean, nimhd_domains_of
from ..models import Proposal
from ._common import InvalidTransition, require
from .history import record_proposal_note


def nimhd_cells_validate(cells) -> list[str]:
    """The cells in the grid's order, each once; anything not a "domain:level" cell of the
    framework is refused under ``nimhd_cells`` (nothing saved)."""
    if cells is None:
        return []
    if isinstance(cells, str) or not isinstance(cells, list | tuple | set):
        raise ValidationError(
            {"nimhd_cells": ["Send a list of cells such as behavioral:community."]}
        )
    unknown = [c for c in cells if not isinstance(c, str) or c not in NIMHD_CELLS]
    if unknown:
        shown = ", ".join(repr(c) for c in unknown[:5])
        raise ValidationError({"nimhd_cells": [f"Not a cell of the NIMHD framework: {shown}."]})
    return nimhd_cells_clean(cells)


@transaction.atomic
def proposal_classification_correct(
    *, proposal: Proposal, actor: User, cells, reason: str
) -> Proposal:
    """An administrator corrects the cells of a proposal that has been submitted (in any state
    after that, but not while it is back with the applicant for editing). ``nimhd_domains``
    follows the cells. Audited with before and after on the proposal's internal history (the
    reason is required); a correction that changes nothing records nothing."""
    require(actor, "grants.manage_calls")
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = ["Say why the classification is corrected."]
    try:
        cells = nimhd_cells_validate(cells)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not can(actor, "grants.correct_classification", proposal):
        raise InvalidTransition(
            "Only a submitted proposal's classification is corrected by the program office; "
            "while it is a draft or returned, the applicant classifies it."
        )
    before = nimhd_cells_clean(proposal.nimhd_cells)
    if before == cells:
        return proposal
    proposal.nimhd_cells = cells
    proposal.nimhd_domains = nimhd_domains_of(cells)
    proposal.save(update_fields=["nimhd_cells", "nimhd_domains", "updated_at"])
    record_proposal_note(
        proposal=proposal,
        actor=actor,
        reason=f"NIMHD classification corrected by the program office: {reason}",
        internal=True,
        before={"nimhd_cells": before},
        after={"nimhd_cells": cells},
    )
    return proposal
