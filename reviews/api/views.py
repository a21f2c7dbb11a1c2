"""API views of committee review: committees, assignments (by hand and automatic), conflicts,
reviews, the review phases, the panel, the funding ranking and summary statements.

Thin, like the web views (reviews/views.py): objects are looked up in the caller's scope, so
anything outside it — and everything of a proposal the caller is conflicted on — answers 404;
every change is made by reviews.services, which check the permission rules themselves (the
``require`` calls here only make a refusal come before input validation). Service errors
become API errors in config.api.exception_handler: ValidationError 400, PermissionDenied 403,
InvalidTransition 409.
"""

import dataclasses

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.generics import GenericAPIView, get_object_or_404
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from accounts.models import User
from accounts.permissions import can
from config.api import (
    READ_ERRORS,
    STALE_VERSION_RESPONSE,
    WRITE_ERRORS,
    Conflict,
    PdfRenderer,
    error_responses,
    etag,
    expected_version,
)
from config.api_views import ScopedViewSet, require
from config.uploads import stored_file_response
from grants import selectors as grant_selectors
from grants.models import FundingCall, Proposal, TeamMember

from .. import permissions, selectors, services
from ..choices import PANEL_PHASES, READ_PHASES, REVIEW_STATES, ReviewStatus
from ..models import (
    Assignment,
    CallReview,
    Committee,
    CommitteeMembership,
    ConflictOfInterest,
    Criterion,
    CriterionScore,
    Review,
)
from .filters import AssignmentFilter, ConflictFilter, ReviewFilter
from .serializers import (
    AssignmentCreateSerializer,
    AssignmentSerializer,
    AttachSerializer,
    AutoAssignResultSerializer,
    BallotRowSerializer,
    CommitteeCreateSerializer,
    CommitteeDetailSerializer,
    CommitteeSerializer,
    ConflictDeclareSerializer,
    ConflictSerializer,
    DispositionRequestSerializer,
    FinalizeRequestSerializer,
    FinalScoreRequestSerializer,
    FinalScoreSerializer,
    MemberAddSerializer,
    MemberSerializer,
    MemberUpdateSerializer,
    PanelEntrySerializer,
    PanelProposalSerializer,
    PanelRowSerializer,
    PhaseRequestSerializer,
    RankingSerializer,
    ReopenRequestSerializer,
    ReviewCreateSerializer,
    ReviewDraftSerializer,
    ReviewerProposalSerializer,
    ReviewSerializer,
    ReviewSetupSerializer,
    SummaryStatementSerializer,
    SwapSerializer,
)

# ---- Scopes ----------------------------------------------------------------------------------
# The lists' querysets. They express, as filters, the same rules as reviews.permissions (which
# decides one object at a time); the role x route matrix (tests/api/test_reviews_matrix.py)
# and a test comparing reviews/ with selectors.reviews_readable_by check that they agree.
# They belong in reviews/selectors.py; they live here until that file can take them.


def _is_administrator(user) -> bool:
    return can(user, "accounts.administer")


def conflicted_with(user, prefix: str = "") -> Q:
    """Proposals ``user`` is conflicted on, as a filter on ``<prefix>`` proposal: they lead it,
    are on its team (the mentor included) or declared a conflict (reviews.conflicts)."""
    team = TeamMember.objects.filter(user_id=user.pk).values("proposal_id")
    declared = ConflictOfInterest.objects.filter(reviewer_id=user.pk).values("proposal_id")
    return (
        Q(**{f"{prefix}pi_id": user.pk})
        | Q(**{f"{prefix}pk__in": team})
        | Q(**{f"{prefix}pk__in": declared})
    )


def _chaired_call_ids(user) -> QuerySet:
    return CallReview.objects.filter(committee__chair_id=user.pk).values("call_id")


def managed_proposals(user) -> QuerySet[Proposal]:
    """Proposals under review in calls whose review ``user`` manages (administrators: every
    call; chairs: their committee's), apart from those they are conflicted on."""
    qs = Proposal.objects.filter(status__in=REVIEW_STATES)
    if not _is_administrator(user):
        qs = qs.filter(call_id__in=_chaired_call_ids(user))
    return qs.exclude(conflicted_with(user))


def committees_visible_to(user) -> QuerySet[Committee]:
    """Administrators see every committee; a chair sees the committees they chair."""
    qs = selectors.committees_list()
    if _is_administrator(user):
        return qs
    return qs.filter(chair_id=user.pk)


def assignments_visible_to(user) -> QuerySet[Assignment]:
    """A reviewer's own assignments; a chair's calls' and (administrators) every call's
    assignments — never those of a proposal the user is conflicted on."""
    qs = Assignment.objects.select_related(
        "proposal",
        "proposal__pi",
        "proposal__call",
        "proposal__call__call_review",
        "reviewer",
        "review",
    )
    if not _is_administrator(user):
        qs = qs.filter(Q(reviewer_id=user.pk) | Q(proposal__call_id__in=_chaired_call_ids(user)))
    return qs.exclude(conflicted_with(user, "proposal__"))


def conflicts_visible_to(user) -> QuerySet[ConflictOfInterest]:
    """A member's own declarations; the declarations in a chair's calls (administrators: all)
    apart from those on proposals the user is conflicted on."""
    qs = ConflictOfInterest.objects.select_related("proposal", "reviewer", "declared_by")
    managed = ~conflicted_with(user, "proposal__")
    if not _is_administrator(user):
        managed &= Q(proposal__call_id__in=_chaired_call_ids(user))
    return qs.filter(Q(reviewer_id=user.pk) | managed)


def reviews_visible_to(user) -> QuerySet[Review]:
    """The user's own reviews (drafts too), and the submitted reviews they may read — the rule
    ``reviews.read_reviews`` (selectors.reviews_readable_by) as one filter:

    never on a proposal they are conflicted on; an assigned reviewer once they have submitted
    their own review of it, from the read phase on; others (not assigned to it) when they are
    an administrator, the call's chair, or a committee member from the panel on.
    """
    own = Q(assignment__reviewer_id=user.pk)
    assigned = Assignment.objects.filter(reviewer_id=user.pk).values("proposal_id")
    submitted_own = Review.objects.filter(
        assignment__reviewer_id=user.pk, status=ReviewStatus.SUBMITTED
    ).values("assignment__proposal_id")
    as_reviewer = Q(
        assignment__proposal_id__in=submitted_own,
        assignment__proposal__call__call_review__phase__in=READ_PHASES,
    )
    as_committee = ~Q(assignment__proposal_id__in=assigned)
    if not _is_administrator(user):
        in_panel = CallReview.objects.filter(
            committee__memberships__user_id=user.pk, phase__in=PANEL_PHASES
        ).values("call_id")
        as_committee &= Q(assignment__proposal__call_id__in=_chaired_call_ids(user)) | Q(
            assignment__proposal__call_id__in=in_panel
        )
    readable = (
        Q(status=ReviewStatus.SUBMITTED, assignment__proposal__status__in=REVIEW_STATES)
        & (as_reviewer | as_committee)
        & ~conflicted_with(user, "assignment__proposal__")
    )
    return reviews_loaded().filter(own | readable)


def reviews_loaded() -> QuerySet[Review]:
    """Reviews with what ReviewSerializer shows: the proposal, the reviewer, the call's
    criteria and the scores (a fixed number of queries)."""
    return Review.objects.select_related(
        "assignment",
        "assignment__reviewer",
        "assignment__proposal",
        "assignment__proposal__call",
    ).prefetch_related(
        Prefetch("scores", queryset=CriterionScore.objects.order_by("pk")),
        Prefetch(
            "assignment__proposal__call__review_criteria",
            queryset=Criterion.objects.order_by("position", "pk"),
        ),
    )


# ---- Helpers ---------------------------------------------------------------------------------


def active_user(pk: int, field: str) -> User:
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise ApiValidationError({field: ["No active user has this id."]})
    return user


CALL_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Call id.")
ATTACHMENT_PK = OpenApiParameter(
    "attachment_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The document's id."
)


class CallView(GenericAPIView):
    """Base of the ``calls/{id}/...`` review endpoints: short, unpaginated answers."""

    queryset = FundingCall.objects.none()
    pagination_class = None
    filter_backends = []

    def get_call(self) -> FundingCall:
        return get_object_or_404(
            FundingCall.objects.select_related("program"), pk=self.kwargs["pk"]
        )

    def managed_call(self) -> FundingCall:
        """The call, when the caller manages its review (an administrator or its chair)."""
        call = self.get_call()
        if not can(self.request.user, "reviews.manage_review", call):
            raise NotFound("No such call.")
        return call

    def call_proposal(self, call: FundingCall, pk: int) -> Proposal:
        """One of the call's reviewed proposals, unless the caller is conflicted on it."""
        return get_object_or_404(
            Proposal.objects.filter(call=call, status__in=REVIEW_STATES)
            .exclude(conflicted_with(self.request.user))
            .select_related("call", "pi"),
            pk=pk,
        )


# ---- Committees ------------------------------------------------------------------------------

USER_PK = OpenApiParameter(
    "user_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The member's user id."
)


@extend_schema_view(
    list=extend_schema(
        summary="List committees",
        description="Administrators see every committee; a chair sees the committees they "
        "chair; everyone else an empty list.",
        responses={200: CommitteeSerializer(many=True), **error_responses(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="One committee, with its members",
        responses={200: CommitteeDetailSerializer, **error_responses(*READ_ERRORS)},
    ),
)
class CommitteeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = CommitteeSerializer
    ordering_fields = ["name", "created_at", "pk"]
    ordering = ["name", "pk"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Committee.objects.none()
        return committees_visible_to(self.request.user)

    def detail_response(self, committee: Committee, code: int = status.HTTP_200_OK) -> Response:
        committee = self.get_queryset().get(pk=committee.pk)
        committee.member_rows = list(selectors.committee_members(committee))
        return Response(CommitteeDetailSerializer(committee).data, status=code)

    def retrieve(self, request, pk=None):
        return self.detail_response(self.get_object())

    @extend_schema(
        summary="Create a committee",
        description="An administrator creates a committee with its chair (also a member) and "
        "members, named by username; they are given the chair and reviewer roles "
        "(`services.committee_create`). 403 for anyone else.",
        request=CommitteeCreateSerializer,
        responses={201: CommitteeDetailSerializer, **error_responses(400, 401, 403)},
    )
    def create(self, request):
        require(request.user, "reviews.manage_committees")
        serializer = CommitteeCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        committee = services.committee_create(actor=request.user, **serializer.validated_data)
        return self.detail_response(committee, status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="The committee's members",
        description="Each member with their load cap and the assignments they hold now.",
        responses={200: MemberSerializer(many=True), **error_responses(*READ_ERRORS)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a member",
        description="`services.committee_member_add`: an administrator adds a person (by "
        "username) with a load cap (0–100); they are given the reviewer role. 400 under "
        "`username` when they are already a member.",
        request=MemberAddSerializer,
        responses={201: MemberSerializer, **error_responses(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def members(self, request, pk=None):
        committee = self.get_object()
        if request.method == "GET":
            rows = selectors.committee_members(committee)
            return Response(MemberSerializer(rows, many=True).data)
        require(request.user, "reviews.manage_committees")
        serializer = MemberAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            membership = services.committee_member_add(
                committee=committee,
                user=serializer.validated_data["username"],
                actor=request.user,
                load_cap=serializer.validated_data["load_cap"],
            )
        except DjangoValidationError as exc:
            # The service names the person `user`; this request calls them `username`.
            if hasattr(exc, "error_dict") and "user" in exc.error_dict:
                exc.error_dict["username"] = exc.error_dict.pop("user")
            raise
        return Response(self._member(committee, membership.user_id), status=201)

    def _member(self, committee: Committee, user_id: int) -> dict:
        return MemberSerializer(selectors.committee_members(committee).get(user_id=user_id)).data

    @extend_schema(
        methods=["PATCH"],
        summary="Change a member's load cap",
        description="`services.committee_member_update`; assignments above a lowered cap "
        "stay. Administrators only.",
        parameters=[USER_PK],
        request=MemberUpdateSerializer,
        responses={200: MemberSerializer, **error_responses(*WRITE_ERRORS)},
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Remove a member",
        description="`services.committee_member_remove`: refused (400 under `user`) for the "
        "chair and for anyone still holding assignments in an open call. Administrators only.",
        parameters=[USER_PK],
        responses={204: None, **error_responses(*WRITE_ERRORS)},
    )
    @action(
        detail=True,
        methods=["patch", "delete"],
        url_path=r"members/(?P<user_pk>[0-9]+)",
        url_name="member",
    )
    def member(self, request, pk=None, user_pk=None):
        committee = self.get_object()
        membership = get_object_or_404(
            CommitteeMembership.objects.select_related("user"),
            committee=committee,
            # Through the user's pk, not `user_id`: an id past 64 bits then matches nothing
            # (404) instead of overflowing the database driver (500).
            user__pk=user_pk,
        )
        require(request.user, "reviews.manage_committees")
        if request.method == "DELETE":
            services.committee_member_remove(
                committee=committee, user=membership.user, actor=request.user
            )
            return Response(status=status.HTTP_204_NO_CONTENT)
        serializer = MemberUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.committee_member_update(
            membership=membership,
            actor=request.user,
            load_cap=serializer.validated_data["load_cap"],
        )
        return Response(self._member(committee, membership.user_id))

    @extend_schema(
        summary="Attach the committee to a call",
        description="`services.committee_attach_to_call`: creates the call's review in the "
        "assignment phase with the default criteria (or re-attaches it; the committee cannot "
        "change once anyone is assigned). Administrators only.",
        request=AttachSerializer,
        responses={200: ReviewSetupSerializer, **error_responses(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["post"])
    def attach(self, request, pk=None):
        committee = self.get_object()
        require(request.user, "reviews.manage_committees")
        serializer = AttachSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        call = grant_selectors.calls_visible_to(request.user).filter(pk=data["call"]).first()
        if call is None:
            raise ApiValidationError({"call": ["No such call."]})
        review = services.committee_attach_to_call(
            committee=committee,
            call=call,
            actor=request.user,
            reviewers_per_proposal=data["reviewers_per_proposal"],
            review_due_at=data["review_due_at"],
        )
        return Response(ReviewSetupSerializer(review).data)


# ---- Assignments -----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List assignments",
        description="A reviewer sees their own assignments; a chair also sees those of the "
        "calls their committee reviews, and administrators those of every call — never any "
        "of a proposal the caller is conflicted on.",
        responses={200: AssignmentSerializer(many=True), **error_responses(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="One assignment",
        responses={200: AssignmentSerializer, **error_responses(*READ_ERRORS)},
    ),
)
class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    ordering_fields = ["created_at", "role", "pk"]
    ordering = ["proposal_id", "pk"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return assignments_visible_to(self.request.user)

    def one(self, assignment: Assignment, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=assignment.pk)
        return Response(AssignmentSerializer(fresh).data, status=code)

    @extend_schema(
        summary="Assign a reviewer",
        description="A chair or administrator assigns a committee member to a proposal in "
        "review, in `role` or the first free one (`services.assignment_create`). Refused with "
        "400 under `reviewer` for a non-member, a conflicted member, one already on it or at "
        "their load cap; under `role` for a role already held; `non_field_errors` outside "
        "the assignment phases. A proposal outside the calls you manage is an unknown "
        "`proposal`. 403 for anyone who manages no review.",
        request=AssignmentCreateSerializer,
        responses={201: AssignmentSerializer, **error_responses(400, 401, 403)},
    )
    def create(self, request):
        user = request.user
        if not (_is_administrator(user) or _chaired_call_ids(user).exists()):
            raise PermissionDenied("Only administrators and chairs assign reviewers.")
        serializer = AssignmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        proposal = managed_proposals(user).filter(pk=data["proposal"]).first()
        if proposal is None:
            raise ApiValidationError({"proposal": ["No such proposal in a call you manage."]})
        assignment = services.assignment_create(
            proposal=proposal,
            reviewer=active_user(data["reviewer"], "reviewer"),
            actor=user,
            role=data["role"],
        )
        return self.one(assignment, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Release an assignment",
        description="`services.assignment_remove`, before the panel; refused (400) once its "
        "review is submitted. 403 for the reviewer themselves.",
        responses={204: None, **error_responses(*READ_ERRORS, 400)},
    )
    def destroy(self, request, pk=None):
        assignment = self.get_object()
        require(request.user, "reviews.manage_review", assignment.proposal)
        services.assignment_remove(assignment=assignment, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Swap the reviewer",
        description="Give the assignment's role to another committee member, any time before "
        "the panel (`services.assignment_swap`). The answer is the new assignment (a new "
        "id); the outgoing reviewer's draft goes with them. Refused (400) once the review is "
        "submitted, and under `reviewer` as for a new assignment.",
        request=SwapSerializer,
        responses={200: AssignmentSerializer, **error_responses(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["post"])
    def swap(self, request, pk=None):
        assignment = self.get_object()
        require(request.user, "reviews.manage_review", assignment.proposal)
        serializer = SwapSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        replacement = services.assignment_swap(
            assignment=assignment,
            reviewer=active_user(serializer.validated_data["reviewer"], "reviewer"),
            actor=request.user,
        )
        return self.one(replacement)

    def reviewer_proposal(self, assignment: Assignment) -> Proposal:
        """The assignment's proposal, for its reviewer once they have certified no conflict
        (selectors.proposals_visible_to_reviewer, with its team, budget, documents and
        endorsement loaded). Others who see the assignment (its chair, administrators) get
        403; a reviewer who has not certified gets 403 too; anything else 404."""
        user = self.request.user
        if assignment.reviewer_id != user.pk:
            raise PermissionDenied(
                "Only the reviewer assigned reads the proposal through the assignment."
            )
        if assignment.certified_no_conflict_at is None:
            raise PermissionDenied(
                "Certify that you have no conflict with this proposal first "
                "(POST assignments/{id}/certify/)."
            )
        return grant_selectors.proposal_with_parts(
            queryset=selectors.proposals_visible_to_reviewer(user), pk=assignment.proposal_id
        )

    @extend_schema(
        summary="Read the assigned proposal",
        description="The proposal as the committee's proposal page shows it: its sections, "
        "team (names, roles, organisations), budget lines and total, documents (each with "
        "its `download_url` through this assignment) and the mentor's endorsement. Never the "
        "applicant's demographics, the proposal's state or decision, or who else reviews "
        "it. The assigned reviewer, once they have certified no conflict "
        "(`POST assignments/{id}/certify/`): 403 before that, and 403 for the chair and "
        "administrators, who see the assignment; 404 for everyone else, and once the "
        "reviewer is conflicted.",
        responses={200: ReviewerProposalSerializer, **error_responses(*READ_ERRORS)},
    )
    @action(detail=True, methods=["get"])
    def proposal(self, request, pk=None):
        assignment = self.get_object()
        proposal = self.reviewer_proposal(assignment)
        context = {"request": request, "assignment": assignment}
        return Response(ReviewerProposalSerializer(proposal, context=context).data)

    @extend_schema(
        summary="Download a document of the assigned proposal",
        description="The PDF, as an attachment under its original name — for the same "
        "reviewer, under the same rules, as `GET assignments/{id}/proposal/` (the "
        "applicant's download route, `proposals/{id}/attachments/{id}/download/`, is not "
        "open to reviewers).",
        parameters=[ATTACHMENT_PK],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF"),
            302: OpenApiResponse(
                description="When uploads are on an object store: a redirect to a signed URL "
                "of the PDF that expires within minutes (AWS_QUERYSTRING_EXPIRE)."
            ),
            **error_responses(*READ_ERRORS),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_pk>[0-9]+)",
        url_name="attachment",
        renderer_classes=[JSONRenderer, PdfRenderer],
    )
    def attachment(self, request, pk=None, attachment_pk=None):
        assignment = self.get_object()
        proposal = self.reviewer_proposal(assignment)
        attachment = get_object_or_404(proposal.attachments.all(), pk=attachment_pk)
        try:
            return stored_file_response(
                attachment.file, filename=attachment.original_name, content_type="application/pdf"
            )
        except FileNotFoundError as exc:
            raise NotFound("The stored file is missing.") from exc

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # An error answering "Accept: application/pdf" is still a JSON error body.
        if isinstance(getattr(response, "accepted_renderer", None), PdfRenderer):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response

    @extend_schema(
        summary="Certify no conflict",
        description="The assigned reviewer certifies they have no conflict of interest with "
        "the proposal, which lets them open it and write their review "
        "(`services.conflict_certify_none`). Repeating it changes nothing. 403 for anyone "
        "else. To declare a conflict instead, `POST conflicts/`.",
        request=None,
        responses={200: AssignmentSerializer, **error_responses(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["post"])
    def certify(self, request, pk=None):
        assignment = self.get_object()
        services.conflict_certify_none(assignment=assignment, actor=request.user)
        return self.one(assignment)


class AutoAssignView(CallView):
    @extend_schema(
        operation_id="calls_auto_assign",
        summary="Assign reviewers automatically",
        description="Fills every proposal in review up to the call's reviewers per proposal "
        "(`services.auto_assign`): never a conflicted member, never beyond a load cap, loads "
        "balanced, expertise keywords preferred; existing assignments are kept. The answer "
        "lists the assignments made and every proposal left short with the reason. The "
        "call's chair or an administrator; 404 for anyone else. 400 outside the assignment "
        "phases or when no committee is attached.",
        parameters=[CALL_ID],
        request=None,
        responses={200: AutoAssignResultSerializer, **error_responses(*WRITE_ERRORS)},
    )
    def post(self, request, pk=None):
        call = self.managed_call()
        result = services.auto_assign(call=call, actor=request.user)
        created = assignments_visible_to(request.user).filter(pk__in=[a.pk for a in result.created])
        data = {
            "created": list(created.order_by("proposal_id", "pk")),
            "unstaffed": [
                {"proposal": proposal, "reason": reason} for proposal, reason in result.unstaffed
            ],
        }
        return Response(AutoAssignResultSerializer(data).data)


class PhaseView(CallView):
    def review_setup(self, call: FundingCall) -> CallReview:
        review = selectors.call_review_for(call)
        if review is None:
            raise NotFound("This call has no review committee yet.")
        return review

    @extend_schema(
        operation_id="calls_phase_retrieve",
        summary="The call's review phase",
        description="The committee, phase, the phases it may move to, reviewers per proposal "
        "and the due date. The call's chair or an administrator; 404 for anyone else and "
        "when no committee is attached.",
        parameters=[CALL_ID],
        responses={200: ReviewSetupSerializer, **error_responses(*READ_ERRORS)},
    )
    def get(self, request, pk=None):
        return Response(ReviewSetupSerializer(self.review_setup(self.managed_call())).data)

    @extend_schema(
        operation_id="calls_phase_create",
        summary="Move the review to another phase",
        description="`services.review_phase_transition`: assignment → independent review → "
        "read phase → panel → closed, one step at a time (one step back is allowed before "
        "closing). A step the table does not allow (skipping a phase, leaving `closed`) is "
        "409; a step refused for the state of things (the call not in review yet, discussed "
        "proposals not finalized before closing) is 400. An unknown phase is 400 under `to`.",
        parameters=[CALL_ID],
        request=PhaseRequestSerializer,
        responses={200: ReviewSetupSerializer, **error_responses(*WRITE_ERRORS, 409)},
    )
    def post(self, request, pk=None):
        call = self.managed_call()
        serializer = PhaseRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.review_phase_transition(call=call, actor=request.user, **serializer.validated_data)
        return Response(ReviewSetupSerializer(self.review_setup(call)).data)


# ---- Conflicts -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List declared conflicts",
        description="A member sees their own declarations; a chair also those in the calls "
        "their committee reviews, administrators those of every call — apart from proposals "
        "the caller is conflicted on. Automatic conflicts (PI, mentor, team) are not listed: "
        "they are known without being declared.",
        responses={200: ConflictSerializer(many=True), **error_responses(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="One declared conflict",
        responses={200: ConflictSerializer, **error_responses(*READ_ERRORS)},
    ),
)
class ConflictViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = ConflictSerializer
    filterset_class = ConflictFilter
    ordering_fields = ["declared_at", "pk"]
    ordering = ["-declared_at", "-pk"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ConflictOfInterest.objects.none()
        return conflicts_visible_to(self.request.user)

    @extend_schema(
        summary="Declare a conflict",
        description="A committee member declares a conflict with a proposal of a call their "
        "committee reviews, or a chair or administrator declares one for a member "
        "(`reviewer`) (`services.conflict_declare`). The member's assignment to it, any "
        "review they wrote and any final score they gave are removed: from then on the "
        "proposal and everything of it answer 404 to them. 400 under `explanation` for "
        "`other` without one, `non_field_errors` when already on record.",
        request=ConflictDeclareSerializer,
        responses={201: ConflictSerializer, **error_responses(400, 401, 403)},
    )
    def create(self, request):
        user = request.user
        serializer = ConflictDeclareSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["reviewer"] not in (None, user.pk):
            # For someone else: a chair or administrator, in a call they manage.
            reviewer = active_user(data["reviewer"], "reviewer")
            proposals = managed_proposals(user)
        else:
            # For oneself: any proposal reviewed by a committee one is on.
            reviewer = user
            proposals = Proposal.objects.filter(status__in=REVIEW_STATES)
            if not _is_administrator(user):
                member_of = CallReview.objects.filter(
                    Q(committee__memberships__user_id=user.pk) | Q(committee__chair_id=user.pk)
                ).values("call_id")
                proposals = proposals.filter(call_id__in=member_of)
        proposal = proposals.filter(pk=data["proposal"]).first()
        if proposal is None:
            raise ApiValidationError(
                {"proposal": ["No such proposal in a call your committee reviews."]}
            )
        conflict = services.conflict_declare(
            proposal=proposal,
            reviewer=reviewer,
            actor=user,
            reason=data["reason"],
            explanation=data["explanation"],
        )
        fresh = ConflictOfInterest.objects.select_related(
            "proposal", "reviewer", "declared_by"
        ).get(pk=conflict.pk)
        return Response(ConflictSerializer(fresh).data, status=status.HTTP_201_CREATED)


# ---- Reviews ---------------------------------------------------------------------------------


def _submitted(review_or_assignment) -> bool:
    if isinstance(review_or_assignment, Assignment):
        lookup = {"assignment_id": review_or_assignment.pk}
    else:
        lookup = {"pk": review_or_assignment.pk}
    return Review.objects.filter(status=ReviewStatus.SUBMITTED, **lookup).exists()


@extend_schema_view(
    list=extend_schema(
        summary="List reviews",
        description="Your own reviews (drafts too) and the submitted reviews you may read: "
        "as an assigned reviewer, those of a proposal you have submitted your own review of, "
        "from the read phase on; as the chair or an administrator, those of the calls you "
        "manage; as a committee member, those of the call from the panel on. Never any of a "
        "proposal you are conflicted on. Reviewer names and confidential comments are shown "
        "here, to the committee; applicants read the summary statement instead.",
        responses={200: ReviewSerializer(many=True), **error_responses(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="One review",
        description="With an `ETag` header naming its `version`: send it back as `If-Match` "
        "(or the `version` field) when you `PATCH` your draft, so that a save made since (in "
        "another window) is never overwritten.",
        responses={200: ReviewSerializer, **error_responses(*READ_ERRORS)},
    ),
)
class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter
    ordering_fields = ["updated_at", "submitted_at", "pk"]
    ordering = ["pk"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        return reviews_visible_to(self.request.user)

    def get_object(self):
        review = super().get_object()
        # The list's filter is the rule as a query; one object is decided by the rule itself.
        user = self.request.user
        proposal = review.assignment.proposal
        if review.assignment.reviewer_id != user.pk and not can(
            user, "reviews.read_reviews", proposal
        ):
            raise NotFound("No such review.")
        return review

    def one(self, review: Review, code: int = status.HTTP_200_OK) -> Response:
        # Read back unscoped: the caller just wrote it (a reopened review is a draft, which
        # the chair who reopened it no longer lists).
        fresh = reviews_loaded().get(pk=review.pk)
        return Response(
            ReviewSerializer(fresh).data,
            status=code,
            headers={"ETag": etag("review", fresh.pk, fresh.version)},
        )

    def retrieve(self, request, pk=None):
        review = self.get_object()
        return Response(
            ReviewSerializer(review).data,
            headers={"ETag": etag("review", review.pk, review.version)},
        )

    def save_draft(self, assignment: Assignment, data: dict, version: int | None) -> Review:
        try:
            return services.review_save_draft(
                assignment=assignment,
                actor=self.request.user,
                data=data,
                expected_version=version,
            )
        except (services.ReviewDraftInvalid, services.StaleVersion):
            raise
        except DjangoValidationError as exc:
            if _submitted(assignment):
                raise Conflict(" ".join(exc.messages)) from exc
            raise

    @extend_schema(
        summary="Start (or save) your review",
        description="Saves the draft of your review of an assignment, creating it on the "
        "first save (`services.review_save_draft`): 201 when created, 200 after. The same "
        "fields and errors as `PATCH reviews/{id}/`. Certify no conflict first "
        "(`POST assignments/{id}/certify/`): until then 403. An assignment that is not yours "
        "is an unknown `assignment`; 409 once the review is submitted, or when `version` is "
        "sent and the review was saved since (`code: stale_version`).",
        request=ReviewCreateSerializer,
        responses={
            201: ReviewSerializer,
            200: ReviewSerializer,
            **error_responses(400, 401, 403),
            409: STALE_VERSION_RESPONSE,
        },
    )
    def create(self, request):
        serializer = ReviewCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        assignment = (
            Assignment.objects.filter(reviewer_id=request.user.pk, pk=data.pop("assignment"))
            .select_related("proposal")
            .first()
        )
        if assignment is None:
            raise ApiValidationError({"assignment": ["You have no assignment with this id."]})
        if assignment.certified_no_conflict_at is None:
            raise PermissionDenied(
                "Certify that you have no conflict with this proposal first "
                "(POST assignments/{id}/certify/)."
            )
        existed = Review.objects.filter(assignment=assignment).exists()
        review = self.save_draft(assignment, data, data.pop("version", None))
        return self.one(review, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(
        summary="Save your draft",
        description="Only the fields sent change (`services.review_save_draft`). Scores are "
        'whole numbers 1–9 (a number or a digit string; `null` or `""` clears). Anything '
        "else is 400 under `overall_impact`, `criterion_<id>_score` or "
        "`criterion_<id>_sufficient` (`criteria` for an unknown criterion) — and everything "
        "else sent, all the text and every valid score, is saved all the same. 403 for "
        "anyone's review but your own; 409 once it is submitted (ask the chair to reopen "
        "it); 400 (`non_field_errors`) outside independent review and the read phase. Send "
        "the `version` you read (or its `ETag` as `If-Match`) and a save made since — in "
        "another window — is never overwritten: 409 (`code: stale_version`, nothing saved). "
        "Without either the save is not checked.",
        parameters=[
            OpenApiParameter(
                "If-Match",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description='The ETag from `GET reviews/{id}/`, e.g. `"review-7-v3"`.',
            )
        ],
        request=ReviewDraftSerializer,
        responses={
            200: ReviewSerializer,
            **error_responses(*WRITE_ERRORS),
            409: STALE_VERSION_RESPONSE,
        },
    )
    def partial_update(self, request, pk=None):
        review = self.get_object()
        serializer = ReviewDraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = expected_version(
            request, kind="review", pk=review.pk, body_version=data.pop("version", None)
        )
        self.save_draft(review.assignment, data, version)
        return self.one(review)

    @extend_schema(
        summary="Submit your review",
        description="Submits the saved draft, which locks it until the chair reopens it "
        "(`services.review_submit`; audited). 400 lists everything missing under its field: "
        "`criterion_<id>_score`, `criterion_<id>_sufficient`, `criterion_<id>_explanation` "
        "(Factor 3 insufficient needs an explanation), `overall_impact`, "
        "`overall_paragraph`. **Submitting twice is 409.** 403 for anyone else's review.",
        request=None,
        responses={200: ReviewSerializer, **error_responses(*WRITE_ERRORS, 409)},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        review = self.get_object()
        try:
            services.review_submit(assignment=review.assignment, actor=request.user)
        except DjangoValidationError as exc:
            if _submitted(review):
                raise Conflict(" ".join(exc.messages)) from exc
            raise
        return self.one(review)

    @extend_schema(
        summary="Reopen a submitted review",
        description="The call's chair unlocks a submitted review for its reviewer, with an "
        "optional reason, during independent review or the read phase "
        "(`services.review_reopen`; audited). 403 for anyone but the (non-conflicted) chair; "
        "400 in other phases. A draft is not visible to the chair (404).",
        request=ReopenRequestSerializer,
        responses={200: ReviewSerializer, **error_responses(*WRITE_ERRORS, 409)},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        review = self.get_object()
        serializer = ReopenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.review_reopen(
                review=review, actor=request.user, reason=serializer.validated_data["reason"]
            )
        except DjangoValidationError as exc:
            if not _submitted(review):
                raise Conflict(" ".join(exc.messages)) from exc
            raise
        return self.one(review)


# ---- The panel -------------------------------------------------------------------------------


def _panel_row(row: selectors.PanelRow) -> dict:
    entry = row.entry
    return {
        "proposal": row.proposal,
        "conflicted": row.conflicted,
        "awaiting_own_review": row.awaiting_own_review,
        "disposition": row.disposition,
        "reviews_assigned": row.reviews_assigned,
        "reviews_submitted": row.reviews_submitted,
        "preliminary_score": row.preliminary_score,
        "votes": row.votes,
        "eligible_voters": row.eligible_voters,
        "finalized": bool(entry and entry.finalized_at),
        "final_impact_score": entry.final_impact_score if entry else None,
        "percentile": entry.percentile if entry else None,
    }


def _entry(proposal: Proposal) -> dict:
    entry = getattr(proposal, "panel_entry", None)
    return {
        "proposal": proposal,
        "disposition": entry.disposition if entry else "",
        "finalized_at": entry.finalized_at if entry else None,
        "final_impact_score": entry.final_impact_score if entry else None,
        "percentile": entry.percentile if entry else None,
        "resume_of_discussion": entry.resume_of_discussion if entry else "",
    }


def _fresh_entry(proposal: Proposal) -> dict:
    return _entry(Proposal.objects.select_related("panel_entry").get(pk=proposal.pk))


PROPOSAL_PK = OpenApiParameter(
    "proposal_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="Proposal id."
)


class PanelView(CallView):
    @extend_schema(
        operation_id="calls_panel_list",
        summary="The panel",
        description="The call's proposals, best preliminary score (mean overall impact of the "
        "submitted reviews) first, with their disposition, review progress, how many "
        "eligible members have voted and, once finalized, the final impact score and "
        "percentile (`selectors.panel_rows`). A proposal you are conflicted on keeps its "
        "place without scores. The call's chair or an administrator; 404 for anyone else.",
        parameters=[CALL_ID],
        responses={200: PanelRowSerializer(many=True), **error_responses(*READ_ERRORS)},
    )
    def get(self, request, pk=None):
        call = self.managed_call()
        rows = selectors.panel_rows(call, viewer=request.user)
        return Response(PanelRowSerializer([_panel_row(r) for r in rows], many=True).data)

    @extend_schema(
        operation_id="calls_panel_score",
        summary="Enter your final score",
        description="A committee member enters (or changes) their own final overall impact "
        "score, 1–9, for a discussed proposal during the panel (`services.final_score_record`; "
        "audited). 400 under `score` for anything but a whole number 1–9; "
        "`non_field_errors` outside the panel or for a proposal not discussed. A proposal "
        "you are conflicted on is 404, as is the whole route to anyone off the committee; "
        "an administrator who is not a member gets 403.",
        parameters=[CALL_ID],
        request=FinalScoreRequestSerializer,
        responses={200: FinalScoreSerializer, **error_responses(*WRITE_ERRORS)},
    )
    def post(self, request, pk=None):
        call = self.get_call()
        user = request.user
        if not (
            can(user, "reviews.manage_review", call)
            or permissions.is_committee_member_for(user, call)
        ):
            raise NotFound("No such call.")
        serializer = FinalScoreRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = self.call_proposal(call, serializer.validated_data["proposal"])
        final = services.final_score_record(
            proposal=proposal, actor=user, score=serializer.validated_data["score"]
        )
        return Response(FinalScoreSerializer(final).data)


class BallotView(CallView):
    @extend_schema(
        operation_id="calls_panel_ballot",
        summary="Your ballot",
        description="The discussed proposals you may score at the panel, with your score so "
        "far (`selectors.ballot_for`); empty outside the panel. Committee members, the chair "
        "and administrators; 404 for anyone else.",
        parameters=[CALL_ID],
        responses={200: BallotRowSerializer(many=True), **error_responses(*READ_ERRORS)},
    )
    def get(self, request, pk=None):
        call = self.get_call()
        user = request.user
        if not (
            can(user, "reviews.manage_review", call)
            or permissions.is_committee_member_for(user, call)
        ):
            raise NotFound("No such call.")
        rows = [
            {"proposal": row.proposal, "my_score": row.my_score}
            for row in selectors.ballot_for(user, call)
        ]
        return Response(BallotRowSerializer(rows, many=True).data)


class PanelProposalView(CallView):
    @extend_schema(
        operation_id="calls_panel_proposal",
        summary="One proposal at the panel",
        description="Its disposition, results and resume of discussion, and each eligible "
        "member with whether they have voted — not how (`selectors.final_score_status`). "
        "The call's chair or an administrator, unless conflicted on it (404).",
        parameters=[CALL_ID, PROPOSAL_PK],
        responses={200: PanelProposalSerializer, **error_responses(*READ_ERRORS)},
    )
    def get(self, request, pk=None, proposal_pk=None):
        call = self.managed_call()
        proposal = self.call_proposal(call, proposal_pk)
        if not can(request.user, "reviews.run_panel", proposal):
            raise NotFound("No such proposal.")
        data = _fresh_entry(proposal)
        data["votes"] = [
            {"member": vote.member, "voted": vote.voted}
            for vote in selectors.final_score_status(proposal)
        ]
        return Response(PanelProposalSerializer(data).data)


class DispositionView(CallView):
    @extend_schema(
        operation_id="calls_panel_disposition",
        summary="Discuss a proposal or not",
        description="The chair (or an administrator) brings a triaged proposal back or drops "
        "one, with an optional reason, in the read phase or the panel "
        "(`services.panel_set_disposition`; audited). A proposal not discussed gets no final "
        "score. 404 for a proposal you are conflicted on.",
        parameters=[CALL_ID],
        request=DispositionRequestSerializer,
        responses={200: PanelEntrySerializer, **error_responses(*WRITE_ERRORS)},
    )
    def post(self, request, pk=None):
        call = self.managed_call()
        serializer = DispositionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        proposal = self.call_proposal(call, data["proposal"])
        services.panel_set_disposition(
            proposal=proposal,
            disposition=data["disposition"],
            actor=request.user,
            reason=data["reason"],
        )
        return Response(PanelEntrySerializer(_fresh_entry(proposal)).data)


class FinalizeView(CallView):
    @extend_schema(
        operation_id="calls_panel_finalize",
        summary="Finalize a discussion",
        description="The chair (or an administrator) saves the resume of discussion and the "
        "final impact score is computed — mean of the eligible final scores to one decimal, "
        "x10 — with the call's percentiles (`services.panel_finalize`; audited; may be "
        "repeated during the panel). 400 under `resume_of_discussion` when empty and "
        "`final_scores` when nobody eligible has voted. 404 for a proposal you are "
        "conflicted on.",
        parameters=[CALL_ID],
        request=FinalizeRequestSerializer,
        responses={200: PanelEntrySerializer, **error_responses(*WRITE_ERRORS)},
    )
    def post(self, request, pk=None):
        call = self.managed_call()
        serializer = FinalizeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        proposal = self.call_proposal(call, data["proposal"])
        services.panel_finalize(
            proposal=proposal,
            actor=request.user,
            resume_of_discussion=data["resume_of_discussion"],
        )
        return Response(PanelEntrySerializer(_fresh_entry(proposal)).data)


# ---- Ranking ---------------------------------------------------------------------------------


class RankingView(CallView):
    @extend_schema(
        operation_id="calls_ranking",
        summary="The funding ranking",
        description="The call's reviewed proposals in funding order — final impact score, "
        "then percentile, then earlier submission; not discussed last "
        "(`selectors.ranking`) — each with the budget total requested, the running total, "
        "whether it is within the call's budget and where the pay line falls. "
        "Administrators also see each decision and the amount committed. The call's chair "
        "or an administrator; 404 for anyone else. Proposals you are conflicted on, or "
        "assigned to without your own review submitted, are left out (`hidden_count` says "
        "how many), so no rank or running total gives their place away.",
        parameters=[CALL_ID],
        responses={200: RankingSerializer, **error_responses(*READ_ERRORS)},
    )
    def get(self, request, pk=None):
        ranking = selectors.ranking_for(self.managed_call(), user=request.user)
        data = {
            "call": ranking.call.pk,
            "total_budget": ranking.call.total_budget,
            "committed": ranking.committed,
            "remaining": ranking.remaining,
            "hidden_count": ranking.hidden_count,
            "decisions_problem": ranking.decisions_problem,
            "results": ranking.rows,
        }
        return Response(RankingSerializer(data).data)


# ---- Summary statement -----------------------------------------------------------------------


class SummaryStatementView(GenericAPIView):
    queryset = Proposal.objects.none()
    pagination_class = None
    filter_backends = []

    @extend_schema(
        operation_id="proposals_summary_statement",
        summary="The summary statement",
        description="What the applicant receives (`selectors.summary_statement`): the final "
        "impact score and percentile (or not discussed), each criterion's ratings, each "
        "review's text labelled Reviewer 1, 2, 3 — never a name, never the confidential "
        "comments — and the resume of discussion. The call's chair and administrators "
        "(unless conflicted on the proposal), and the PI once the decision is released; 404 "
        "for everyone else, the PI included before the release.",
        parameters=[
            OpenApiParameter(
                "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Proposal id."
            )
        ],
        responses={200: SummaryStatementSerializer, **error_responses(*READ_ERRORS)},
    )
    def get(self, request, pk=None):
        proposal = get_object_or_404(Proposal.objects.select_related("call", "pi"), pk=pk)
        if not can(request.user, "reviews.view_summary_statement", proposal):
            raise NotFound("No such summary statement.")
        summary = selectors.summary_statement(proposal)
        data = {**dataclasses.asdict(summary), "not_discussed": summary.not_discussed}
        return Response(SummaryStatementSerializer(data).data)
