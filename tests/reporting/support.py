"""Awards and a hand-built reporting world, made through the grants and reporting services.

Only the calendar is moved by hand (award dates, deadlines, submission and release times), with
queryset updates, so that the awards sit where the tests need them in 2024-2027.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from accounts.choices import ApplicantType
from accounts.models import Demographics
from demo import journeys
from grants import services as grant_services
from grants.choices import AwardStatus, CallStatus, DecisionOutcome, ProposalStatus, TeamRole
from grants.models import Award, Decision, FundingCall, Proposal
from reporting import services
from tests.factories import make_admin, make_call, make_proposal, make_user

LA = ZoneInfo("America/Los_Angeles")


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=LA)


def person(username: str, applicant_type: str, demographics: dict | None = None):
    """A user with a profile position and, when given, a demographics record."""
    user = make_user(username, applicant_type=applicant_type)
    if demographics is not None:
        Demographics.objects.create(user=user, **demographics)
    return user


@dataclass
class Spec:
    pi: object
    team: list = field(default_factory=list)  # (user, TeamRole)
    mentor: object = None
    # Outside people (no account): organisations for PC-10, never participants.
    partners: list = field(default_factory=list)
    outcome: str = DecisionOutcome.FUNDED
    amount: str | None = None


def fund_call(specs: list[Spec], *, admin, **call_fields) -> tuple[FundingCall, list[Proposal]]:
    """A call whose proposals (one per spec) are submitted, reviewed, decided and released."""
    call = make_call(**call_fields)
    proposals = []
    for spec in specs:
        proposal = make_proposal(call=call, pi=spec.pi)
        for user, role in spec.team:
            grant_services.team_member_add(proposal=proposal, actor=spec.pi, role=role, user=user)
        for name in spec.partners:
            grant_services.team_member_add(
                proposal=proposal, actor=spec.pi, role=TeamRole.COMMUNITY_PARTNER, full_name=name
            )
        if spec.mentor is not None:
            grant_services.team_member_add(
                proposal=proposal, actor=spec.pi, role=TeamRole.MENTOR, user=spec.mentor
            )
            endorsement = grant_services.endorsement_request(proposal=proposal, actor=spec.pi)
            grant_services.endorsement_respond(
                endorsement=endorsement, actor=spec.mentor, endorse=True, statement="Endorsed."
            )
        proposals.append(grant_services.proposal_submit(proposal=proposal, actor=spec.pi))
    grant_services.call_transition(call=call, to=CallStatus.CLOSED, actor=admin)
    grant_services.call_transition(call=call, to=CallStatus.IN_REVIEW, actor=admin)
    for proposal in proposals:
        grant_services.proposal_transition(
            proposal=proposal, to=ProposalStatus.IN_REVIEW, actor=admin
        )
    journeys.decisions_record(
        decisions=[
            journeys.PlannedDecision(
                proposal=proposal,
                outcome=spec.outcome,
                amount=spec.amount,
                reason="Reduced to fit the budget." if spec.amount else "",
            )
            for proposal, spec in zip(proposals, specs, strict=True)
        ],
        actor=admin,
    )
    journeys.decisions_release(call=call, actor=admin)
    return call, proposals


def place_award(award: Award, start: date, end: date) -> Award:
    Award.objects.filter(pk=award.pk).update(start_date=start, end_date=end)
    award.refresh_from_db()
    return award


def place_call(call: FundingCall, *, closes: datetime, submitted: datetime, released: datetime):
    """Move a decided call's calendar: deadline, submissions and the release of decisions."""
    FundingCall.objects.filter(pk=call.pk).update(
        opens_at=closes.replace(year=closes.year - 1), closes_at=closes
    )
    Proposal.objects.filter(call=call).update(submitted_at=submitted)
    Decision.objects.filter(call=call).update(released_at=released)


def simple_award(*, pi=None, team=(), start=date(2025, 1, 1), end=date(2025, 12, 31)):
    """One funded, released award of a faculty PI (optionally with team members)."""
    admin = make_admin()
    pi = pi or make_user(applicant_type=ApplicantType.ASSOCIATE_PROFESSOR)
    _, (proposal,) = fund_call(
        [Spec(pi=pi, team=[(u, TeamRole.CO_INVESTIGATOR) for u in team])], admin=admin
    )
    award = place_award(Award.objects.get(proposal=proposal), start, end)
    return award, admin


@dataclass
class World:
    admin: object
    people: dict
    awards: dict
    calls: dict
    outcomes: dict


def build_world() -> World:
    """The reporting fixture of tests/reporting/test_report_counts.py (period 2025-2026).

    Awards: A1 2024-09-01..2026-08-31 (current), A2 2025-01-01..2025-12-31 (ends in the
    period), A3 2025-09-01..2026-05-31 (starts and ends in it), A4 terminated 2025-03-31 and
    A5 ended 2025-03-31 (both before it). People: see the demographics below.
    """
    admin = make_admin("program_admin")
    P = ApplicantType
    alice = person(
        "alice",
        P.ASSOCIATE_PROFESSOR,
        {
            "race_ethnicity": ["hispanic", "white"],
            "sex": "female",
            "birth_year": 1980,
            "disadvantaged": "yes",
            "disadvantaged_basis": "economic",
            "rural_background": "no",
            "first_generation": "yes",
        },
    )
    bob = person(
        "bob",
        P.MEDICAL_STUDENT,
        {
            "race_ethnicity": ["black", "asian"],
            "sex": "male",
            "birth_year": 2000,
            "disadvantaged": "yes",
            "rural_background": "yes",
            "first_generation": "yes",
        },
    )
    carol = person("carol", P.FULL_PROFESSOR)  # no demographics
    jack = person("jack", P.PHD_STUDENT)  # no demographics
    dan = person(
        "dan",
        P.RESIDENT,
        {
            "race_ethnicity": ["mena"],
            "sex": "male",
            "birth_year": 1995,
            "disadvantaged": "yes",
            "disadvantaged_basis": "educational",
            "rural_background": "prefer_not",
            "first_generation": "no",
        },
    )
    erin = person(
        "erin",
        P.PHD_STUDENT,
        {
            "race_ethnicity": ["prefer_not"],
            "sex": "prefer_not",
            "birth_year_prefer_not": True,
            "disadvantaged": "prefer_not",
            "rural_background": "prefer_not",
            "first_generation": "prefer_not",
        },
    )
    frank = person(
        "frank",
        P.POSTDOC,
        {
            "race_ethnicity": ["hispanic"],
            "sex": "self_described",
            "sex_self_described": "non-binary",
            "birth_year": 2007,
            "disadvantaged": "no",
            "first_generation": "yes",
        },
    )
    gina = person("gina", P.INSTRUCTOR, {"race_ethnicity": ["white"], "sex": "female"})
    hank = person("hank", P.MEDICAL_STUDENT, {"race_ethnicity": ["black"], "sex": "male"})
    ivy = person("ivy", P.PATHWAY_STUDENT)
    kate = person("kate", P.ASSISTANT_PROFESSOR)

    c1, (p1, p2, p4, p5) = fund_call(
        [
            Spec(
                pi=alice,
                team=[
                    (bob, TeamRole.CO_INVESTIGATOR),
                    (carol, TeamRole.CO_INVESTIGATOR),
                    (jack, TeamRole.COLLABORATOR),
                ],
                partners=["Rosa Promotora"],
            ),
            Spec(pi=dan, team=[(bob, TeamRole.CO_INVESTIGATOR)], mentor=alice),
            Spec(pi=gina),
            Spec(pi=hank, team=[(ivy, TeamRole.COLLABORATOR)], mentor=gina),
        ],
        admin=admin,
        title="Pilot awards 2024",
    )
    c2, (p3, p6) = fund_call(
        [
            Spec(pi=erin, team=[(frank, TeamRole.COLLABORATOR)], mentor=carol, amount="12000"),
            Spec(pi=kate, outcome=DecisionOutcome.NOT_FUNDED),
        ],
        admin=admin,
        title="Research awards 2025",
    )
    place_call(c1, closes=at(2024, 3, 15), submitted=at(2024, 3, 1), released=at(2024, 3, 30))
    place_call(c2, closes=at(2025, 8, 1), submitted=at(2025, 7, 20), released=at(2025, 8, 20))
    Proposal.objects.filter(pk=p6.pk).update(submitted_at=at(2025, 7, 25))

    a1 = place_award(Award.objects.get(proposal=p1), date(2024, 9, 1), date(2026, 8, 31))
    a2 = place_award(Award.objects.get(proposal=p2), date(2025, 1, 1), date(2025, 12, 31))
    a3 = place_award(Award.objects.get(proposal=p3), date(2025, 9, 1), date(2026, 5, 31))
    a4 = place_award(Award.objects.get(proposal=p4), date(2024, 7, 1), date(2026, 6, 30))
    a5 = place_award(Award.objects.get(proposal=p5), date(2024, 4, 1), date(2025, 3, 31))
    grant_services.award_transition(
        award=a4,
        to=AwardStatus.TERMINATED,
        actor=admin,
        reason="PI left the institution.",
        ended_on=date(2025, 3, 31),
    )
    a4.refresh_from_db()

    def pub(awards, **data):
        return services.publication_create(actor=admin, awards=awards, data=data)

    def pres(awards, **data):
        return services.presentation_create(actor=admin, awards=awards, data=data)

    def funding(awards, **data):
        return services.follow_on_funding_create(actor=admin, awards=awards, data=data)

    outcomes = {
        "pub1": pub(
            [a1, a2],
            title="Promotoras and HbA1c",
            doi="10.1000/pub1",
            journal="Diabetes Care",
            published_on="2025-10",
            peer_reviewed=True,
            disparities_focused=True,
        ),
        "pub2": pub(
            [a3],
            title="A preprint",
            pmid="123456",
            published_on=date(2026, 6, 15),
            peer_reviewed=False,
        ),
        "pub3": pub([a1], title="Last year's paper", published_on="2025-06"),
        "pub4": pub([a1], title="Paper with a year only", year=2026),
        "pub5": pub(
            [a5], title="After the award", published_on="2026-02", disparities_focused=True
        ),
        "pr1": pres(
            [a1],
            title="T1",
            venue="APHA",
            presented_on=date(2025, 11, 15),
            kind="oral",
            level="national",
        ),
        "pr2": pres(
            [a2],
            title="T2",
            venue="Grand rounds",
            presented_on=date(2026, 3, 10),
            kind="poster",
            level="local",
        ),
        "pr3": pres(
            [a1],
            title="T3",
            venue="WRMC",
            presented_on=date(2025, 5, 1),
            kind="oral",
            level="regional",
        ),
        "pr4": pres(
            [a1, a3],
            title="T4",
            venue="IAS",
            presented_on=date(2026, 4, 1),
            kind="oral",
            level="international",
        ),
        "f1": funding(
            [a1],
            sponsor="NIMHD",
            sponsor_type="nih",
            mechanism="R01",
            amount="250000",
            status="awarded",
            applied_on=date(2025, 8, 1),
            decided_on=date(2026, 1, 15),
        ),
        "f2": funding(
            [a3],
            sponsor="Robert Wood Johnson Foundation",
            sponsor_type="foundation",
            amount="50000",
            status="applied",
            applied_on=date(2026, 2, 1),
        ),
        "f3": funding(
            [a2],
            sponsor="Pharma Inc.",
            sponsor_type="industry",
            amount="20000",
            status="declined",
            applied_on=date(2025, 9, 1),
            decided_on=date(2025, 12, 1),
        ),
        "f4": funding(
            [a1],
            sponsor="NHLBI",
            sponsor_type="nih",
            mechanism="K23",
            amount="150000",
            status="awarded",
            applied_on=date(2024, 12, 1),
            decided_on=date(2025, 5, 1),
        ),
        "f5": funding(
            [a1, a2],
            sponsor="School of Medicine",
            sponsor_type="internal",
            amount="10000",
            status="awarded",
            applied_on=date(2026, 1, 10),
            decided_on=date(2026, 5, 1),
        ),
        "t_hank": services.trainee_outcome_create(
            actor=admin,
            award=a5,
            data={
                "trainee": hank,
                "recorded_on": date(2025, 9, 1),
                "degree_completed": "MD",
                "completion_date": date(2025, 5, 20),
                "position": "Family medicine residency, County Hospital",
                "in_further_training": "yes",
                "employed": "no",
                "practicing_underserved": "yes",
                "practicing_rural": "unknown",
                "practicing_primary_care": "yes",
            },
        ),
        "t_hank_later": services.trainee_outcome_create(
            actor=admin,
            award=a5,
            data={
                "trainee": hank,
                "recorded_on": date(2026, 8, 1),
                "in_further_training": "no",
                "employed": "no",
                "practicing_underserved": "no",
                "practicing_rural": "no",
                "practicing_primary_care": "no",
            },
        ),
        "t_jack": services.trainee_outcome_create(
            actor=admin,
            award=a1,
            data={
                "trainee": jack,
                "recorded_on": date(2025, 6, 10),
                "degree_completed": "MPH",
                "completion_date": date(2025, 5, 15),
                "in_further_training": "no",
                "employed": "yes",
                "practicing_underserved": "no",
                "practicing_rural": "yes",
                "practicing_primary_care": "no",
            },
        ),
    }
    for award, organisation, partner_type, purpose in [
        (a1, "Eastside Community Health Center", "community_health_center", "community_engagement"),
        (a1, "Valley FQHC", "fqhc", "research"),
        (
            a2,
            "  eastside community health  center ",
            "community_health_center",
            "community_engagement",
        ),
        (a3, "County Public Health", "public_health_department", "dissemination"),
        (a4, "Tribal Health Clinic", "tribal_urban_indian", "research"),
    ]:
        services.partnership_create(
            actor=admin,
            award=award,
            data={"organisation": organisation, "partner_type": partner_type, "purpose": purpose},
        )
    services.narrative_save(
        period="2025-2026",
        actor=admin,
        objectives_accomplishments="Funded three pilots; two papers.",
        barriers_resolutions="IRB delays; resolved with a reliance agreement.",
    )
    return World(
        admin=admin,
        people={
            "alice": alice,
            "bob": bob,
            "carol": carol,
            "jack": jack,
            "dan": dan,
            "erin": erin,
            "frank": frank,
            "gina": gina,
            "hank": hank,
            "ivy": ivy,
            "kate": kate,
        },
        awards={"a1": a1, "a2": a2, "a3": a3, "a4": a4, "a5": a5},
        calls={"c1": c1, "c2": c2},
        outcomes=outcomes,
    )


def money(value: str) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))
