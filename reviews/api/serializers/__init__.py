"""Shapes of the committee-review endpoints, one module per topic. They validate shape only
(types, choices); every rule — who may, when, which score is valid — is decided by
reviews.services and reviews.permissions. Score values in particular go to the service as sent,
so a bad score is the same field error (``criterion_<id>_score``) as on the web page.

Nothing here reaches an applicant's demographics: people appear as ``UserBriefSerializer``
(id, username, name) only, and the summary statement names no reviewer.
"""

from .assignments import (
    AssignmentCreateSerializer,
    AssignmentSerializer,
    AutoAssignResultSerializer,
    ReviewerAttachmentSerializer,
    ReviewerBudgetLineSerializer,
    ReviewerEndorsementSerializer,
    ReviewerProposalSerializer,
    ReviewerTeamMemberSerializer,
    ReviewStateSerializer,
    SwapSerializer,
    UnstaffedSerializer,
)
from .committees import (
    AttachSerializer,
    CommitteeCreateSerializer,
    CommitteeDetailSerializer,
    CommitteeSerializer,
    MemberAddSerializer,
    MemberSerializer,
    MemberUpdateSerializer,
    PhaseRequestSerializer,
    ReviewSetupSerializer,
)
from .conflicts import ConflictDeclareSerializer, ConflictSerializer
from .fields import (
    MONEY,
    ProposalRefSerializer,
    ProposalWithPiSerializer,
    ScoreField,
    SufficiencyField,
    UsernameField,
)
from .letters import LetterRateSerializer, LetterRatingSerializer, LetterRatingsSerializer
from .panel import (
    BallotRowSerializer,
    DispositionRequestSerializer,
    FinalizeRequestSerializer,
    FinalScoreRequestSerializer,
    FinalScoreSerializer,
    PanelEntrySerializer,
    PanelProposalSerializer,
    PanelRowSerializer,
    VoteSerializer,
)
from .results import (
    CriterionSummarySerializer,
    CritiqueSerializer,
    RankingDecisionSerializer,
    RankingRowSerializer,
    RankingSerializer,
    SummaryRatingSerializer,
    SummaryStatementSerializer,
)
from .reviews import (
    CriterionInputSerializer,
    CriterionRatingSerializer,
    ReopenRequestSerializer,
    ReviewCreateSerializer,
    ReviewDraftSerializer,
    ReviewSerializer,
)

__all__ = [
    "AssignmentCreateSerializer",
    "AssignmentSerializer",
    "AttachSerializer",
    "AutoAssignResultSerializer",
    "BallotRowSerializer",
    "CommitteeCreateSerializer",
    "CommitteeDetailSerializer",
    "CommitteeSerializer",
    "ConflictDeclareSerializer",
    "ConflictSerializer",
    "CriterionInputSerializer",
    "CriterionRatingSerializer",
    "CriterionSummarySerializer",
    "CritiqueSerializer",
    "DispositionRequestSerializer",
    "FinalScoreRequestSerializer",
    "FinalScoreSerializer",
    "FinalizeRequestSerializer",
    "LetterRateSerializer",
    "LetterRatingSerializer",
    "LetterRatingsSerializer",
    "MONEY",
    "MemberAddSerializer",
    "MemberSerializer",
    "MemberUpdateSerializer",
    "PanelEntrySerializer",
    "PanelProposalSerializer",
    "PanelRowSerializer",
    "PhaseRequestSerializer",
    "ProposalRefSerializer",
    "ProposalWithPiSerializer",
    "RankingDecisionSerializer",
    "RankingRowSerializer",
    "RankingSerializer",
    "ReopenRequestSerializer",
    "ReviewCreateSerializer",
    "ReviewDraftSerializer",
    "ReviewSerializer",
    "ReviewSetupSerializer",
    "ReviewStateSerializer",
    "ReviewerAttachmentSerializer",
    "ReviewerBudgetLineSerializer",
    "ReviewerEndorsementSerializer",
    "ReviewerProposalSerializer",
    "ReviewerTeamMemberSerializer",
    "ScoreField",
    "SufficiencyField",
    "SummaryRatingSerializer",
    "SummaryStatementSerializer",
    "SwapSerializer",
    "UnstaffedSerializer",
    "UsernameField",
    "VoteSerializer",
]
