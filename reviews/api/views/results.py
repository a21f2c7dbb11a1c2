"""What a call's review results in: the funding ranking and the summary statements."""

import dataclasses

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from accounts.permissions import can
from config.api import READ_ERRORS, error_responses
from grants.models import Proposal

from ... import selectors
from ..serializers.results import RankingSerializer, SummaryStatementSerializer
from .common import CALL_ID, CallView, UnpaginatedView


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
        summary = selectors.summary_statement(proposal)
        data = {**dataclasses.asdict(summary), "not_discussed": summary.not_discussed}
        return Response(SummaryStatementSerializer(data).data)
