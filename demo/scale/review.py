"""Peer review of a call: committee, conflicts, assignments, reviews, scores, the panel."""

import math
from datetime import timedelta

from accounts.choices import Role
from grants.models import FundingCall, StateChange
from reviews import scoring
from reviews.choices import (
    DEFAULT_CRITERIA,
    ROLE_ORDER,
    SCORE_DESCRIPTORS,
    ConflictReason,
    CriterionKind,
    PanelDisposition,
    ReviewPhase,
    ReviewStatus,
)
from reviews.models import (
    Assignment,
    CallReview,
    Committee,
    CommitteeMembership,
    ConflictOfInterest,
    Criterion,
    CriterionScore,
    FinalScore,
    PanelEntry,
    Review,
)

from .shape import REVIEWER_QUEUE, CallPlan, _Prop
from .vocabulary import REVIEW_STRENGTHS, REVIEW_WEAKNESSES
from .writer import _insert, _Row


def _clamp_score(value: float) -> int:
    return min(9, max(1, int(round(value))))


class ReviewMixin:
    """Who reviews what, the scores they give, and the panel's final scores."""

    def review_plan(self, plan: CallPlan, reviewed: list[_Prop]) -> dict:
        """Who reviews what, with which scores; written to the database by ``review_rows``."""
        rng = self.rng
        rpp = plan.rpp
        total = len(reviewed) * rpp
        size = min(len(self.reviewers), max(rpp + 1, math.ceil(total / REVIEWER_QUEUE)))
        chair = self.chair if plan.role == "ranking" else rng.choice(self.reviewers)
        pool = [r for r in self.reviewers if r != chair]
        members = rng.sample(pool, min(size, len(pool)))
        if plan.role in ("review", "ranking") and self.reviewer not in members:
            members[0] = self.reviewer
        conflicts: dict[int, tuple[int, str]] = {}
        # Declared conflicts (collaborator, same lab...): never assigned, never voting. The
        # review call's fixed reviewer keeps a clean queue.
        declarers = [
            m for m in [*members, chair] if not (plan.role == "review" and m == self.reviewer)
        ]
        for index in range(len(reviewed)):
            if rng.random() < 0.03:
                conflicts[index] = (rng.choice(declarers), rng.choice(ConflictReason.values))
        order = [m for m in members if not (plan.role == "review" and m == self.reviewer)]
        rng.shuffle(order)
        cursor = 0
        forced = min(REVIEWER_QUEUE, len(reviewed)) if plan.role == "review" else 0
        for index, p in enumerate(reviewed):
            conflicted = conflicts.get(index, (None,))[0]
            chosen = [self.reviewer] if index < forced else []
            guard = 0
            while len(chosen) < rpp and guard < 3 * len(order):
                candidate = order[cursor % len(order)]
                cursor += 1
                guard += 1
                if candidate != conflicted and candidate not in chosen:
                    chosen.append(candidate)
            rng.shuffle(chosen)
            p.reviewers = chosen
        return {"chair": chair, "members": members, "conflicts": conflicts}

    def scores(self, p: _Prop, reviewer: int) -> tuple[int, list]:
        """One reviewer's overall impact and criterion ratings: scattered around the proposal's
        latent quality, with the reviewer's own leniency."""
        rng = self.rng
        if p.star == "funded":
            return 1, [1, 1, True, 1]
        centre = p.quality + self.bias[reviewer]
        ratings = [
            _clamp_score(centre + rng.gauss(0, 1.0))
            if kind == CriterionKind.SCORE
            else rng.random() > 0.03 + (0.06 if p.quality > 6 else 0)
            for _, _, kind in DEFAULT_CRITERIA
        ]
        return _clamp_score(centre + rng.gauss(0, 0.8)), ratings

    def panel(self, plan: CallPlan, reviewed: list[_Prop], panel: dict) -> None:
        """Triage by preliminary score (the weaker half not discussed), then the discussed
        proposals' final scores and percentiles, computed by reviews.scoring."""
        rng = self.rng
        prelim = {}
        for index, p in enumerate(reviewed):
            p.impacts = [self.scores(p, r) for r in p.reviewers]
            prelim[index] = scoring.preliminary_score([impact for impact, _ in p.impacts])
        weaker = scoring.not_discussed_by_default(prelim)
        finals = {}
        for index, p in enumerate(reviewed):
            p.discussed = index not in weaker
            if p.discussed:
                voters = list(p.reviewers)
                if panel["conflicts"].get(index, (None,))[0] != panel["chair"]:
                    voters.append(panel["chair"])
                votes = [
                    1 if p.star == "funded" else _clamp_score(p.quality + rng.gauss(0, 0.55))
                    for _ in voters
                ]
                p.votes = (voters, votes)
                finals[index] = scoring.final_impact_score(votes)
        ranks = scoring.percentiles(finals)
        for index, p in enumerate(reviewed):
            if p.discussed:
                p.result = (finals[index], ranks[index])
            p.sort_key = (
                finals.get(index) is None,
                finals.get(index, 0),
                ranks.get(index) is None,
                ranks.get(index, 0),
                p.submitted,
                index,
            )

    def review_rows(
        self, plan: CallPlan, call: FundingCall, reviewed: list[_Prop], panel: dict
    ) -> list[StateChange]:
        rng = self.rng
        closes = plan.closes_on
        chair = panel["chair"]
        committee = _insert(
            Committee,
            [
                _Row(
                    name=f"Review committee, {call.title}",
                    chair_id=chair,
                    created_at=self.at(closes - timedelta(days=20), 9),
                )
            ],
        )[0]
        members = [chair, *panel["members"]]
        _insert(
            CommitteeMembership,
            [
                _Row(
                    committee_id=committee.pk,
                    user_id=m,
                    load_cap=max(8, REVIEWER_QUEUE + 2),
                    joined_at=committee.created_at,
                )
                for m in members
            ],
        )
        self.group_rows.add((chair, self.groups[Role.CHAIR]))
        self.group_rows.update((m, self.groups[Role.REVIEWER]) for m in members)
        phase = ReviewPhase.INDEPENDENT_REVIEW if plan.role == "review" else ReviewPhase.CLOSED
        due = (
            self.at(self.today + timedelta(days=14), 17)
            if plan.role == "review"
            else self.at(closes + timedelta(days=34), 17)
        )
        setup = _insert(
            CallReview,
            [
                _Row(
                    call_id=call.pk,
                    committee_id=committee.pk,
                    phase=phase,
                    reviewers_per_proposal=plan.rpp,
                    review_due_at=due,
                    created_at=self.at(closes + timedelta(days=1), 9),
                )
            ],
        )[0]
        criteria = _insert(
            Criterion,
            [
                _Row(
                    call_id=call.pk,
                    name=name,
                    description=description,
                    kind=kind,
                    position=position,
                )
                for position, (name, description, kind) in enumerate(DEFAULT_CRITERIA, start=1)
            ],
        )
        phases = [
            ("", ReviewPhase.ASSIGNMENT, 1),
            (ReviewPhase.ASSIGNMENT, ReviewPhase.INDEPENDENT_REVIEW, 5),
        ]
        if phase == ReviewPhase.CLOSED:
            phases += [
                (ReviewPhase.INDEPENDENT_REVIEW, ReviewPhase.READ_PHASE, 35),
                (ReviewPhase.READ_PHASE, ReviewPhase.PANEL, 42),
                (ReviewPhase.PANEL, ReviewPhase.CLOSED, 45),
            ]
        changes = [
            _Row(
                content_type_id=self.ct[CallReview].pk,
                object_id=setup.pk,
                from_state=a,
                to_state=b,
                actor_id=chair,
                at=self.at(closes + timedelta(days=d), 10),
            )
            for a, b, d in phases
        ]
        conflicts = []
        for index, (reviewer, reason) in panel["conflicts"].items():
            conflicts.append(
                _Row(
                    proposal_id=reviewed[index].obj.pk,
                    reviewer_id=reviewer,
                    reason=reason,
                    explanation="Co-author on a manuscript under review."
                    if reason == ConflictReason.OTHER
                    else "",
                    declared_by_id=reviewer,
                    declared_at=self.at(closes + timedelta(days=rng.randint(3, 12)), 11),
                )
            )
        _insert(ConflictOfInterest, conflicts, ids=False)
        assignments, states = [], []
        assigned_at = self.at(closes + timedelta(days=4), 15)
        for p in reviewed:
            for role_index, reviewer in enumerate(p.reviewers):
                if plan.role == "review":
                    if reviewer == self.reviewer:
                        state = ("none", "draft", "submitted")[
                            sum(1 for s in states if s[1] == self.reviewer) % 3
                        ]
                    else:
                        state = rng.choices(["none", "draft", "submitted"], [25, 30, 45])[0]
                else:
                    state = "submitted"
                start = self.at(closes + timedelta(days=5), 8)
                end = min(self.at(closes + timedelta(days=34), 17), self.now)
                certified = self.between(start, end) if state != "none" else None
                states.append((p, reviewer, state, certified, role_index))
                assignments.append(
                    _Row(
                        proposal_id=p.obj.pk,
                        reviewer_id=reviewer,
                        role=ROLE_ORDER[min(role_index, len(ROLE_ORDER) - 1)],
                        certified_no_conflict_at=certified,
                        assigned_by_id=chair,
                        created_at=assigned_at,
                    )
                )
        _insert(Assignment, assignments)
        reviews, pending_scores = [], []
        for assignment, (p, reviewer, state, certified, role_index) in zip(
            assignments, states, strict=True
        ):
            if state == "none":
                continue
            impact, ratings = p.impacts[role_index] if p.impacts else self.scores(p, reviewer)
            end = min(self.at(closes + timedelta(days=34), 17), self.now)
            saved = self.between(certified, end)
            submitted = state == "submitted"
            done = len(ratings) if submitted else rng.randint(0, len(ratings))
            reviews.append(
                _Row(
                    assignment_id=assignment.pk,
                    status=ReviewStatus.SUBMITTED if submitted else ReviewStatus.DRAFT,
                    overall_impact=impact if submitted or rng.random() < 0.4 else None,
                    overall_paragraph=f"{SCORE_DESCRIPTORS[impact]}. {rng.choice(REVIEW_STRENGTHS)} {rng.choice(REVIEW_WEAKNESSES)}"
                    if submitted or done
                    else "",
                    comments_to_applicant=rng.choice(REVIEW_WEAKNESSES) if submitted else "",
                    confidential_comments="Discuss the feasibility of recruitment."
                    if submitted and rng.random() < 0.1
                    else "",
                    created_at=certified,
                    updated_at=saved,
                    submitted_at=saved if submitted else None,
                    version=rng.randint(1, 5),
                )
            )
            pending_scores.append(ratings[:done])
        _insert(Review, reviews)
        scores = []
        for review, ratings in zip(reviews, pending_scores, strict=True):
            for criterion, rating in zip(criteria, ratings, strict=False):
                if criterion.kind == CriterionKind.SCORE:
                    scores.append(
                        _Row(
                            review_id=review.pk,
                            criterion_id=criterion.pk,
                            score=rating,
                            strengths=rng.choice(REVIEW_STRENGTHS),
                            weaknesses=rng.choice(REVIEW_WEAKNESSES),
                        )
                    )
                else:
                    scores.append(
                        _Row(
                            review_id=review.pk,
                            criterion_id=criterion.pk,
                            sufficient=rating,
                            explanation="" if rating else "The team lacks a biostatistician.",
                        )
                    )
        _insert(CriterionScore, scores, ids=False)
        if plan.role in ("decided", "ranking"):
            self.panel_rows(plan, reviewed)
        return changes

    def panel_rows(self, plan: CallPlan, reviewed: list[_Prop]) -> None:
        rng = self.rng
        panel_day = self.at(plan.closes_on + timedelta(days=42), 9)
        entries = []
        for p in reviewed:
            final, percentile = p.result or (None, None)
            entries.append(
                _Row(
                    proposal_id=p.obj.pk,
                    disposition=PanelDisposition.DISCUSSED
                    if p.discussed
                    else PanelDisposition.NOT_DISCUSSED,
                    resume_of_discussion=f"The committee found the project {SCORE_DESCRIPTORS[max(1, min(9, (final or 50) // 10))].lower()}. {rng.choice(REVIEW_STRENGTHS)} {rng.choice(REVIEW_WEAKNESSES)}"
                    if p.discussed
                    else "",
                    final_impact_score=final,
                    percentile=percentile,
                    finalized_at=panel_day + timedelta(minutes=rng.randrange(480))
                    if p.discussed
                    else None,
                )
            )
        _insert(PanelEntry, entries)
        votes = []
        for p, entry in zip(reviewed, entries, strict=True):
            if p.votes:
                voters, values = p.votes
                votes.extend(
                    _Row(
                        entry_id=entry.pk,
                        member_id=v,
                        score=s,
                        recorded_at=entry.finalized_at - timedelta(minutes=5),
                    )
                    for v, s in zip(voters, values, strict=True)
                )
        _insert(FinalScore, votes, ids=False)
