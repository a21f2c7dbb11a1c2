"""The panel: its table, the members' ballots and final scores, dispositions and finalizing."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts.permissions import can
from config.api import READ_ERRORS, WRITE_ERRORS, error_responses
from grants.models import Proposal

from ... import selectors, services
from ..serializers.panel import (
    BallotRowSerializer,
    DispositionRequestSerializer,
    FinalizeRequestSerializer,
    FinalScoreRequestSerializer,
    FinalScoreSerializer,
    PanelEntrySerializer,
    PanelProposalSerializer,
    PanelRowSerializer,
)
from .common import CALL_ID, CallView


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


def _fresh_entry(proposal: Proposal) -> dict:
    """The proposal's panel entry as it stands now (read again after a change); blank before
    triage."""
    proposal = Proposal.objects.select_related("panel_entry").get(pk=proposal.pk)
    entry = getattr(proposal, "panel_entry", None)
    return {
        "proposal": proposal,
        "disposition": entry.disposition if entry else "",
        "finalized_at": entry.finalized_at if entry else None,
        "final_impact_score": entry.final_impact_score if entry else None,
        "percentile": entry.percentile if entry else None,
        "resume_of_discussion": entry.resume_of_discussion if entry else "",
    }


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
        call = self.panel_call()
        serializer = FinalScoreRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = self.call_proposal(call, serializer.validated_data["proposal"])
        final = services.final_score_record(
            proposal=proposal, actor=request.user, score=serializer.validated_data["score"]
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
        call = self.panel_call()
        rows = [
            {"proposal": row.proposal, "my_score": row.my_score}
            for row in selectors.ballot_for(request.user, call)
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
