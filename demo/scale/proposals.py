"""One call's proposals: their histories up to review, sections, teams, budgets, endorsements."""

from datetime import timedelta
from decimal import Decimal

from accounts.choices import FACULTY_TYPES, TRAINEE_TYPES
from grants.choices import (
    BudgetCategory,
    DisparityPopulation,
    EndorsementStatus,
    IrbStatus,
    NimhdDomain,
    NimhdLevel,
    ProposalStatus,
    TeamRole,
    nimhd_cells_clean,
    nimhd_domains_of,
)
from grants.models import BudgetLine, Endorsement, FundingCall, TeamMember

from .shape import KINDS, PATHS, REVIEWED, _Prop, _weighted
from .vocabulary import (
    ABSTRACT_SENTENCES,
    AIMS,
    CONDITIONS,
    FIRST_NAMES,
    INTERVENTIONS,
    LAST_NAMES,
    PARTNER_KINDS,
    PARTNER_PLACES,
    POPULATIONS,
    RETURN_REASONS,
    SETTINGS,
    STRATEGY_SENTENCES,
    WITHDRAW_REASONS,
)
from .writer import _insert, _Row

TEAM_EXTRA = (0, 1, 2, 3, 4, 5, 6, 7)  # people beside the PI: a team of 1 to 8
TEAM_WEIGHTS = (26, 30, 20, 11, 6, 4, 2, 1)
# Where each domain's studies tend to sit on the framework's levels (individual, interpersonal,
# community, societal): biology at the individual, the built environment at the community.
LEVEL_WEIGHTS = {
    NimhdDomain.BIOLOGICAL: (70, 15, 10, 5),
    NimhdDomain.BEHAVIORAL: (40, 30, 20, 10),
    NimhdDomain.PHYSICAL_ENVIRONMENT: (5, 10, 55, 30),
    NimhdDomain.SOCIOCULTURAL: (10, 35, 35, 20),
    NimhdDomain.HEALTH_CARE_SYSTEM: (25, 25, 30, 20),
}


class ProposalsMixin:
    """Invents a call's proposals and writes their parts."""

    def proposals(self, plan, call, opens_at, closes_at, begins) -> list[_Prop]:
        rng = self.rng
        eligible = set(KINDS[plan.kind][1])
        pool = [u for u in self.applicants if self.type_of[u] in eligible]
        own = self.own.get(id(plan))
        size = plan.size - (1 if own else 0)
        pis = rng.sample(pool, min(size, len(pool)))
        paths, weights = _weighted(PATHS[plan.role])
        props = [_Prop(pi, rng.choices(paths, weights)[0]) for pi in pis]
        if own:
            path = {"draft": "draft", "in_review": "reviewed"}.get(own, "reviewed")
            mine = _Prop(self.applicant, path)
            mine.star = own
            props.insert(rng.randrange(len(props) + 1), mine)
        window_end = min(closes_at, self.now)
        for p in props:
            self.proposal(plan, call, p, opens_at, window_end, begins)
        if id(plan) in self.member_of:
            others = [
                p
                for p in props
                if p.pi != self.applicant
                and (p.path in REVIEWED or plan.role == "open")
                and len(p.members) < TEAM_EXTRA[-1]
            ]
            if others:
                target = others[0]
                target.members.append((self.applicant, TeamRole.CO_INVESTIGATOR, "", ""))
        return props

    def proposal(self, plan, call, p: _Prop, opens_at, window_end, begins) -> None:
        rng = self.rng
        trainee = self.type_of[p.pi] in TRAINEE_TYPES
        path = p.path
        p.quality = (
            1.0 if p.star == "funded" else (6.0 if p.star == "not_funded" else rng.gauss(4.6, 1.25))
        )
        partial = (
            path == "draft" and rng.random() < 0.3 or path == "abandoned" and rng.random() < 0.5
        )
        submits = path not in ("draft", "abandoned", "withdrawn_draft")
        # Events before the deadline, in order: created, [endorsed], [submitted, returned,
        # resubmitted | withdrawn]; drafts also have a last save.
        events = 1 + (1 if trainee else 0) + 1
        events += {
            "returned": 1,
            "resubmitted": 2,
            "resubmitted_reviewed": 2,
            "withdrawn_submitted": 1,
            "withdrawn_draft": 1,
        }.get(path, 0)
        times = sorted(
            self.between(opens_at + timedelta(hours=1), window_end) for _ in range(events)
        )
        created, rest = times[0], times[1:]
        pi = p.pi
        history = [("", ProposalStatus.DRAFT, created, pi, "", False)]
        endorsed_at = None
        mentor = None
        if trainee:
            mentor = self.mentor_of.get(pi)
            if mentor is None:
                mentor = self.mentor_of[pi] = rng.choice(self.faculty)
            has_mentor = submits or rng.random() < 0.8
            moment = rest.pop(0)
            if has_mentor:
                p.members.append((mentor, TeamRole.MENTOR, "", ""))
                status = (
                    EndorsementStatus.ENDORSED
                    if submits
                    else rng.choice([EndorsementStatus.REQUESTED, EndorsementStatus.ENDORSED, None])
                )
                if status is not None:
                    requested = self.between(created, moment)
                    responded = moment if status == EndorsementStatus.ENDORSED else None
                    p.endorsement = (mentor, status, requested, responded)
                    if responded:
                        endorsed_at = responded
                        history.append(
                            (
                                ProposalStatus.DRAFT,
                                ProposalStatus.DRAFT,
                                responded,
                                mentor,
                                "Mentor endorsed the proposal.",
                                False,
                            )
                        )
        submitted_at = None
        last = history[-1][2]
        status = ProposalStatus.DRAFT
        if submits:
            submitted_at = rest.pop(0)
            history.append(
                (ProposalStatus.DRAFT, ProposalStatus.SUBMITTED, submitted_at, pi, "", False)
            )
            status = ProposalStatus.SUBMITTED
            if path in ("returned", "resubmitted", "resubmitted_reviewed"):
                returned = rest.pop(0)
                history.append(
                    (
                        status,
                        ProposalStatus.RETURNED,
                        returned,
                        self.admin,
                        rng.choice(RETURN_REASONS),
                        False,
                    )
                )
                status = ProposalStatus.RETURNED
                if path != "returned":
                    submitted_at = rest.pop(0)
                    history.append((status, ProposalStatus.SUBMITTED, submitted_at, pi, "", False))
                    status = ProposalStatus.SUBMITTED
        if path.startswith("withdrawn"):
            history.append(
                (
                    status,
                    ProposalStatus.WITHDRAWN,
                    rest.pop(0),
                    pi,
                    rng.choice(WITHDRAW_REASONS),
                    False,
                )
            )
            status = ProposalStatus.WITHDRAWN
        if path in REVIEWED:
            moment = begins + timedelta(seconds=rng.randrange(1, 1800))
            history.append(
                (
                    ProposalStatus.SUBMITTED,
                    ProposalStatus.IN_REVIEW,
                    moment,
                    self.admin,
                    "Review begins.",
                    False,
                )
            )
            status = ProposalStatus.IN_REVIEW
        last = history[-1][2]
        if status == ProposalStatus.DRAFT:
            last = rest[-1] if rest else self.between(created, window_end)
        p.submitted = submitted_at
        p.history = history
        self.members(p, trainee)
        topic = (
            rng.choice(INTERVENTIONS),
            rng.choice(CONDITIONS),
            rng.choice(POPULATIONS),
            rng.choice(SETTINGS),
        )
        text = self.sections(topic, partial)
        p.lines = [] if partial else self.budget(int(call.max_award))
        requested = sum((amount for _, _, amount in p.lines), Decimal(0)) if p.lines else None
        p.obj = _Row(
            pi_id=pi,
            **text,
            budget_justification="" if partial else self.justification(p.lines),
            requested_amount=requested,
            irb_status="" if partial else rng.choice(IrbStatus.values),
            status=status,
            submitted_at=submitted_at,
            created_at=created,
            updated_at=max(last, endorsed_at or last),
            version=rng.randint(1, 6) + (0 if partial else 4),
            updated_by_id=pi,
        )

    def members(self, p: _Prop, trainee: bool) -> None:
        rng = self.rng
        extra = rng.choices(TEAM_EXTRA, TEAM_WEIGHTS)[0] - len(p.members)
        taken = {p.pi, *(m[0] for m in p.members)}
        if extra > 0 and rng.random() < 0.45:
            place, (kind, _) = rng.choice(PARTNER_PLACES), rng.choice(PARTNER_KINDS)
            p.members.append(
                (
                    None,
                    TeamRole.COMMUNITY_PARTNER,
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    f"{place} {kind}",
                )
            )
            extra -= 1
        for _ in range(max(0, extra)):
            user = rng.choice(self.faculty if rng.random() < 0.6 else self.applicants)
            if user in taken:
                continue
            taken.add(user)
            role = (
                TeamRole.CO_INVESTIGATOR
                if self.type_of[user] in FACULTY_TYPES and rng.random() < 0.7
                else TeamRole.COLLABORATOR
            )
            p.members.append((user, role, "", ""))

    def sections(self, topic, partial: bool) -> dict:
        rng = self.rng
        intervention, condition, population, setting = topic
        place, (kind, _) = rng.choice(PARTNER_PLACES), rng.choice(PARTNER_KINDS)
        values = {
            "intervention_lc": intervention[0].lower() + intervention[1:],
            "condition": condition,
            "population": population[0].upper() + population[1:],
            "setting": setting,
            "partner": f"the {place} {kind}",
        }
        title = f"{intervention} for {condition} among {population} {setting}"
        abstract = " ".join(s.format(**values) for s in ABSTRACT_SENTENCES if rng.random() < 0.85)
        populations = rng.sample(DisparityPopulation.values, rng.randint(1, 3))
        if partial:
            return {
                "title": title,
                "abstract": abstract,
                "disparity_populations": populations,
            }
        return {
            "title": title,
            "abstract": abstract,
            "specific_aims": "\n".join(a.format(**values) for a in AIMS),
            "research_strategy": " ".join(s.format(**values) for s in STRATEGY_SENTENCES),
            "disparity_populations": populations,
            **self.classification(rng.sample(NimhdDomain.values, rng.randint(1, 3))),
            "community_engagement_plan": (
                f"{values['partner'][4:]} co-leads recruitment and sits on the advisory board, "
                "which meets monthly and is paid for its time. Results go back to the community "
                "before publication."
            ),
            "timeline": "Months 1-3: approvals and hiring. Months 4-9: enrolment and follow-up. Months 10-12: analysis and dissemination.",
        }

    def classification(self, domains: list[str]) -> dict:
        """1 to 3 cells of the NIMHD grid over the chosen domains: a level for each domain, by
        the domain's tendency, and for a study in one or two domains sometimes a neighbouring
        level as well. Stored as the app stores them (grants.services.classification): cells in
        the grid's order, ``nimhd_domains`` the domains with a cell. The levels come from the
        second random source, so the rest of the data is what it was before cells existed."""
        rng = self.rng_extra
        levels = NimhdLevel.values
        if len(domains) == 3 and rng.random() < 0.5:
            domains = domains[:2]  # most studies sit in one or two domains
        cells = []
        for domain in domains:
            index = rng.choices(range(len(levels)), LEVEL_WEIGHTS[domain])[0]
            cells.append(f"{domain}:{levels[index]}")
            if len(domains) < 3 and len(cells) < 3 and rng.random() < 0.35:
                beside = index + (1 if index == 0 or (index < 3 and rng.random() < 0.5) else -1)
                cells.append(f"{domain}:{levels[beside]}")
        cells = nimhd_cells_clean(cells[:3])
        return {"nimhd_cells": cells, "nimhd_domains": nimhd_domains_of(cells)}

    def budget(self, max_award: int) -> list[tuple[str, str, Decimal]]:
        """2 to 8 lines in whole dollars whose total stays under the call's maximum."""
        rng = self.rng
        count = rng.choices(range(2, 9), [10, 18, 24, 20, 14, 9, 5])[0]
        total = int(max_award * rng.uniform(0.5, 0.97)) // 100 * 100
        personnel = int(total * rng.uniform(0.35, 0.55) / 1.31) // 100 * 100
        fringe = round(personnel * 0.31)
        lines = [
            (
                BudgetCategory.PERSONNEL,
                f"Research coordinator, {rng.randint(10, 50)}% effort",
                personnel,
            ),
            (BudgetCategory.FRINGE, "Fringe benefits at 31%", fringe),
        ]
        others = rng.sample(
            [
                (BudgetCategory.PARTICIPANT, "Participant incentives (gift cards)"),
                (BudgetCategory.COMMUNITY, "Community partner support"),
                (BudgetCategory.SUPPLIES, "Supplies, printing and translation"),
                (BudgetCategory.TRAVEL, "Travel to present at a national meeting"),
                (BudgetCategory.EQUIPMENT, "Tablets for data collection"),
                (BudgetCategory.OTHER, "Transcription services"),
            ],
            count - 2,
        )
        remaining = total - personnel - fringe
        for i, (category, description) in enumerate(others):
            left = len(others) - i
            amount = (
                remaining
                if left == 1
                else max(100, int(remaining * rng.uniform(0.2, 0.6)) // 100 * 100)
            )
            amount = min(amount, remaining - 100 * (left - 1))
            lines.append((category, description, amount))
            remaining -= amount
        return [(c, d, Decimal(a)) for c, d, a in lines]

    def justification(self, lines) -> str:
        return "\n".join(f"{BudgetCategory(c).label}: ${a:,.0f}. {d}." for c, d, a in lines)

    def proposal_parts(self, props: list[_Prop], call: FundingCall, max_award: int) -> None:
        lines, team, endorsements = [], [], []
        rng = self.rng
        for p in props:
            pk = p.obj.pk
            lines.extend(
                _Row(proposal_id=pk, category=c, description=d, amount=a) for c, d, a in p.lines
            )
            end = p.submitted or p.obj.updated_at
            for user, role, name, organisation in p.members:
                team.append(
                    _Row(
                        proposal_id=pk,
                        user_id=user,
                        full_name=name,
                        organisation=organisation,
                        role=role,
                        added_at=self.between(p.obj.created_at, end),
                    )
                )
            if p.endorsement:
                mentor, status, requested, responded = p.endorsement
                endorsements.append(
                    _Row(
                        proposal_id=pk,
                        mentor_id=mentor,
                        token=f"{rng.getrandbits(128):032x}",
                        status=status,
                        statement="I have worked with the applicant on this proposal and endorse it; we will meet every two weeks."
                        if responded
                        else "",
                        requested_at=requested,
                        responded_at=responded,
                    )
                )
        _insert(BudgetLine, lines, ids=False)
        _insert(TeamMember, team, ids=False)
        _insert(Endorsement, endorsements, ids=False)
