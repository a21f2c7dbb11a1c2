"""Blind review: whether a reader may see who wrote a proposal, and the proposal's people and
documents as that reader gets them.

The rule (docs/invariants.md, "Blind calls hide identities from reviewers"): on a call with
``blind_review``, the names, departments, positions, organisations, e-mail addresses and
accounts of the applicant and the team reach nobody on a committee surface except the
administrators, the call's chair and the proposal's own PI. Others — reviewers, committee
members — read neutral labels ("Applicant", "Co-investigator 1"), the endorsement without the
mentor's name or statement, and only the documents that do not name people (biosketches and
letters of support are left out). Every reviewer surface asks here: the pages, the PDF packet,
the API. Conflicts are still found on the real team, server-side (reviews.conflicts).
"""

from dataclasses import dataclass

from accounts.permissions import can
from grants.choices import AttachmentKind, TeamRole
from grants.models import Attachment, FundingCall, Proposal

from ..models import CallReview

# Documents about people: a biosketch is its author; a letter of support names who it
# supports. Reviewers of a blind call never get them.
IDENTIFYING_DOCUMENTS = frozenset({AttachmentKind.BIOSKETCH, AttachmentKind.LETTER_OF_SUPPORT})

APPLICANT = "Applicant"


class IdentityScreen:
    """``identities_hidden_from`` for one reader over many proposals and calls, in a fixed
    number of queries: the calls they chair (once a blind call comes up), and whether a call
    is blind when a proposal comes without its call loaded (once per call)."""

    def __init__(self, viewer):
        self.viewer = viewer
        self._chaired: set[int] | None = None
        self._blind: dict[int, bool] = {}

    def hides(self, obj: Proposal | FundingCall) -> bool:
        """True when ``viewer`` may not see the identities of ``obj``'s applicants (a proposal,
        or a call for all of its proposals)."""
        call_id = obj.pk if isinstance(obj, FundingCall) else obj.call_id
        blind = self._known_blind(obj, call_id)
        if blind is False:
            return False
        viewer = self.viewer
        signed_in = viewer is not None and viewer.is_authenticated
        # Administrators see everything: no need to ask the database whether the call is blind.
        if signed_in and can(viewer, "accounts.administer"):
            return False
        if blind is None and not self._ask_blind(call_id):
            return False
        if not signed_in:
            return True
        if isinstance(obj, Proposal) and obj.pi_id == viewer.pk:
            return False
        return call_id not in self._chaired_call_ids()

    def _known_blind(self, obj, call_id: int) -> bool | None:
        """Whether the call is blind, when that is known without a query (else None)."""
        if call_id in self._blind:
            return self._blind[call_id]
        if isinstance(obj, FundingCall):
            call = obj
        elif Proposal.call.is_cached(obj):
            call = obj.call
        else:
            return None
        self._blind[call_id] = call.blind_review
        return call.blind_review

    def _ask_blind(self, call_id: int) -> bool:
        self._blind[call_id] = FundingCall.objects.filter(pk=call_id, blind_review=True).exists()
        return self._blind[call_id]

    def _chaired_call_ids(self) -> set[int]:
        if self._chaired is None:
            self._chaired = set(
                CallReview.objects.filter(committee__chair_id=self.viewer.pk).values_list(
                    "call_id", flat=True
                )
            )
        return self._chaired


def identities_hidden_from(user, obj: Proposal | FundingCall) -> bool:
    """May ``user`` not see who applied with ``obj`` (a proposal, or a call) now? True on a
    blind call for everyone but administrators, the call's chair and the proposal's PI."""
    return IdentityScreen(user).hides(obj)


@dataclass(frozen=True)
class TeamRow:
    """A team member as a reader sees them: their name and organisation, or a neutral label
    and nothing else."""

    role: str  # TeamRole value
    role_label: str
    name: str
    organisation: str
    user: object | None  # the member's account; None when hidden or an outside person
    invited: bool  # invited by e-mail, has not joined yet


@dataclass(frozen=True)
class Document:
    """A document the reader may open: its label on the page and its name when downloaded."""

    attachment: Attachment
    label: str
    filename: str


@dataclass(frozen=True)
class ProposalAsRead:
    """The people and documents of a proposal as one reader of the committee gets them."""

    identities_hidden: bool
    pi_name: str
    pi_department: str
    pi: object | None  # the PI's account; None when hidden
    team: tuple[TeamRow, ...]
    documents: tuple[Document, ...]
    endorsed: bool
    mentor: object | None  # the endorsing mentor's account; None when hidden
    endorsed_by: str  # the mentor's name, or "The applicant's mentor"
    endorsement_statement: str  # "" when hidden: a mentor's letter names the applicant
    endorsed_at: object | None


def _team_rows(proposal: Proposal, hidden: bool) -> tuple[TeamRow, ...]:
    rows = []
    counts: dict[str, int] = {}
    for member in proposal.team.all():
        label = TeamRole(member.role).label
        counts[member.role] = counts.get(member.role, 0) + 1
        rows.append(
            TeamRow(
                role=member.role,
                role_label=label,
                name=f"{label} {counts[member.role]}" if hidden else member.name,
                organisation="" if hidden else member.organisation,
                user=None if hidden else member.user,
                invited=not member.user_id and bool(member.email),
            )
        )
    return tuple(rows)


def _documents(proposal: Proposal, hidden: bool) -> tuple[Document, ...]:
    documents = []
    for attachment in proposal.attachments.all():
        if not hidden:
            label = f"{attachment.get_kind_display()}: {attachment.original_name}"
            documents.append(Document(attachment, label, attachment.original_name))
        elif attachment.kind not in IDENTIFYING_DOCUMENTS:
            # Neither the applicant's file name nor its kind's own numbering gives anyone away.
            n = len(documents) + 1
            documents.append(
                Document(
                    attachment,
                    f"{attachment.get_kind_display()} {n}",
                    f"NS-{proposal.pk}-document-{n}.pdf",
                )
            )
    return tuple(documents)


def proposal_as_read(proposal: Proposal, *, viewer) -> ProposalAsRead:
    """The proposal's PI, team, documents and endorsement as ``viewer`` gets them (see the
    module's rule). ``proposal`` comes from ``grants.selectors.proposal_with_parts`` (team,
    attachments and ``endorsement_or_none`` loaded): no query but the chair check."""
    hidden = identities_hidden_from(viewer, proposal)
    endorsement = getattr(proposal, "endorsement_or_none", None)
    endorsed = endorsement is not None and endorsement.is_endorsed
    profile = getattr(proposal.pi, "profile", None)
    return ProposalAsRead(
        identities_hidden=hidden,
        pi_name=APPLICANT if hidden else proposal.pi.display_name,
        pi_department="" if hidden or profile is None else profile.department,
        pi=None if hidden else proposal.pi,
        team=_team_rows(proposal, hidden),
        documents=_documents(proposal, hidden),
        endorsed=endorsed,
        mentor=endorsement.mentor if endorsed and not hidden else None,
        endorsed_by=(
            ""
            if not endorsed
            else "The applicant's mentor"
            if hidden
            else endorsement.mentor.display_name
        ),
        endorsement_statement=endorsement.statement if endorsed and not hidden else "",
        endorsed_at=endorsement.responded_at if endorsed else None,
    )
