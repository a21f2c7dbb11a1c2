"""What a call's review results in: the funding ranking and the summary statements."""

import dataclasses

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from accounts.permissions import can
from config.api import READ_ERRORS, WRITE_ERRORS, error_responses
from grants import lifecycle as grant_lifecycle
from grants import selectors as grant_selectors
from grants import services as grant_services
from grants.models import Proposal

from ... import selectors
from ..serializers.results import (
    DecideManyRequestSerializer,
    DecideManySerializer,
    RankingSerializer,
    SummaryStatementSerializer,
)
from .common import CALL_ID, CallView, UnpaginatedView


class RankingView(CallView):
    @extend_schema(
        operation_id="calls_ranking",
        summary="The funding ranking",
        description="The call's reviewed proposals in funding order — final impact score, "
        "then percentile, then earlier submission; not discussed last "
        "(`selectors.ranking`) — each with the budget total requested, the running total, "
        "whether it is within the call's budget and where the pay line falls (on a limited "
        "submission, where the sponsor's places run out: `nominations_allowed`). "
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
            "nominations_allowed": ranking.call.nominations_allowed,
            "nominated": ranking.nominated,
            "hidden_count": ranking.hidden_count,
            "decisions_problem": ranking.decisions_problem,
            "results": ranking.rows,
        }
        return Response(RankingSerializer(data, context={"request": request}).data)


class DecideManyView(CallView):
    @extend_schema(
        operation_id="calls_decide_many",
        summary="Record several funding decisions at once",
        description="An administrator records one outcome for several proposals of the call — "
        "by id, or by a range of ranks in their ranking (say, fund ranks 1 to 5) — funding each "
        "at the amount requested (`services.decisions_record_many`): all or none, every rule "
        "of a single decision applying (the budget above all). `dry_run` answers the money "
        "before and after and records nothing; send its `funded_total` back as "
        "`confirmed_total` and funding is refused (400) if the total has changed since. A "
        "proposal already so decided, or whose decision is released, is listed with why it "
        "is `skipped`. 400 with field messages for a bad choice or a refusal; 409 while the "
        "committee is still reviewing the call; 404 for anyone but an administrator.",
        parameters=[CALL_ID],
        request=DecideManyRequestSerializer,
        responses={200: DecideManySerializer, **error_responses(*WRITE_ERRORS, 409)},
    )
    def post(self, request, pk=None):
        call = self.get_call()
        if not can(request.user, "grants.manage_calls"):
            raise NotFound("No such call.")
        problem = grant_lifecycle.decisions_problem(call)
        if problem:
            raise grant_services.InvalidTransition(problem)
        incoming = DecideManyRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        batch = selectors.decision_batch(
            call,
            user=request.user,
            outcome=data["outcome"],
            proposal_ids=data.get("proposals"),
            rank_from=data.get("rank_from"),
            rank_to=data.get("rank_to"),
        )
        if batch.problem:
            raise ValidationError({"proposals": [batch.problem]})
        recorded = []
        if not data["dry_run"]:
            recorded = grant_services.decisions_record_many(
                call=call,
                actor=request.user,
                proposals=batch.to_record,
                outcome=batch.outcome,
                confirmed_total=data.get("confirmed_total"),
            )
            batch = dataclasses.replace(
                batch, committed_after=grant_selectors.call_committed_amount(call)
            )
        body = {
            "outcome": batch.outcome,
            "dry_run": data["dry_run"],
            "recorded": [decision.proposal_id for decision in recorded],
            "committed_now": batch.committed_now,
            "funded_total": batch.funded_total,
            "committed_after": batch.committed_after,
            "remaining_after": batch.remaining_after,
            "over_budget": batch.over_budget,
            "rows": batch.rows,
        }
        return Response(DecideManySerializer(body, context={"request": request}).data)


# ---- Summary statement -----------------------------------------------------------------------


class SummaryStatementView(UnpaginatedView):
    queryset = Proposal.objects.none()

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
        summary = selectors.summary_statement(proposal, viewer=request.user)
        data = {**dataclasses.asdict(summary), "not_discussed": summary.not_discussed}
        return Response(SummaryStatementSerializer(data).data)
