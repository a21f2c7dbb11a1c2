"""Load the demo (demo/data/demo.toml) into the database, through the same services the pages
use: ``user_create``, ``proposal_create``, ``proposal_submit``, ``endorsement_respond``,
``committee_create``, the committee review's (demo/reviewing.py), ``decision_record``,
``decisions_release``, ``award_change``, ``progress_report_submit``, the inclusion enrollment's
``enrollment_planned_save`` and ``enrollment_cumulative_submit``, ``publication_create``,
``narrative_save`` and the rest — and, on the two-stage calls, the letters of intent's
(demo/letters.py) — so the demo obeys every rule a real user meets.

Direct writes, where no service exists: the demo people's password (one hash for all),
``is_staff``/``is_superuser``, profile details and demographics (accounts has no service that
edits those); a call's creation (``FundingCall.objects.create``: calls are made in the admin)
and its deadline, moved into the past once the proposals are in, as time would; the award dates
(the service dates awards from today); the ledger of the story's times (demo/clock.py).

Idempotent: people are looked up by username, the program by name and each call by title (the
decided call by its title's ending); a call that already exists is left alone, with everything
that hangs from it, so a second run creates nothing. The pilot call's earlier rounds are loaded
with the decided call, after everything else (so the rest of the demo reads the same random
choices whether or not they are there); so are the two-stage calls, which draw none.
"""

import random
from collections import Counter
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts import services as account_services
from accounts.choices import FACULTY_TYPES, TRAINEE_TYPES, ApplicantType, Role
from accounts.models import User
from grants import services
from grants.choices import AttachmentKind, CallStatus, DecisionOutcome, ProposalStatus, TeamRole
from grants.models import Award, Decision, Endorsement, FundingCall, Program, Proposal
from reporting.hrsa.periods import period_of
from reviews import services as review_services
from reviews.models import CallReview, Committee

from . import journeys, letters, reviewing, story
from .clock import DemoClock
from .content import Call, Demo, Person, Plan, Round, load_demo
from .pdfs import biosketch_html, letter_html, render_pdfs
from .prose import Prose

ELIGIBLE = [t.value for t in ApplicantType if t in FACULTY_TYPES or t in TRAINEE_TYPES]
OUTCOMES = {
    "funded": DecisionOutcome.FUNDED,
    "reduced": DecisionOutcome.FUNDED,
    "waitlisted": DecisionOutcome.WAITLISTED,
    "not_funded": DecisionOutcome.NOT_FUNDED,
}


class DemoLoader:
    def __init__(self, *, now: datetime, demo: Demo | None = None):
        self.demo = demo or load_demo()
        self.rng = random.Random(self.demo.seed)
        self.clock = DemoClock(now=now, rng=self.rng)
        self.prose = Prose(rng=self.rng, text=self.demo.text)
        self.now = now
        self.created: Counter = Counter()
        self.notes: list[str] = []
        self.existing: list[str] = []
        self.users: dict[str, User] = {}
        self._pdfs: dict[str, bytes] | None = None
        self._password_hash: str | None = None

    def run(self) -> None:
        account_services.ensure_role_groups()
        self.users = {spec.username: self.person(spec) for spec in self.demo.people}
        self.admin = self.users["admin"]
        program, made = Program.objects.get_or_create(
            name=self.demo.program["name"],
            defaults={
                "short_name": self.demo.program["short_name"],
                "institution": self.demo.program["institution"],
            },
        )
        self.created["programs"] += made
        # The standing committee reviewed last year's call too.
        self.committee = self.standing_committee()
        decided = self.past_call(program)
        self.review_call(program)
        self.review_committee()
        self.open_call(program)
        if decided:
            for spec in self.demo.earlier:
                self.earlier_round(program, spec)
        elif self.demo.earlier and not self.earlier_rounds_present(program):
            self.notes.append(
                "This database's decided call predates the demo's earlier rounds (the program "
                "dashboard's pilot outcomes): load the demo into a fresh database to see them."
            )
        # Last, and without random draws: the rest of the demo is the same with or without them.
        letters.load(self, program)
        # After everything else, so that its random draws change nothing loaded before it.
        self.limited_call(program)

    # -- people --

    def person(self, spec: Person) -> User:
        existing = User.objects.filter(username=spec.username).first()
        if existing is not None:
            # Never touch an account that is already there (it may be someone's real login).
            self.existing.append(spec.username)
            return existing
        if self._password_hash is None:
            # One hash for every demo account: PBKDF2 is deliberately slow, the password public.
            self._password_hash = make_password(self.demo.password)
        user = account_services.user_create(
            username=spec.username,
            email=f"{spec.username}@example.edu",
            first_name=spec.first_name,
            last_name=spec.last_name,
            applicant_type=spec.applicant_type,
            department=spec.department,
            roles=spec.roles,
        )
        user.password = self._password_hash
        user.is_staff = user.is_superuser = Role.ADMINISTRATOR in spec.roles
        user.save(update_fields=["password", "is_staff", "is_superuser"])
        profile = account_services.profile_for(user)
        profile.orcid = spec.orcid
        profile.era_commons_id = spec.era_commons_id
        profile.expertise_keywords = spec.keywords
        profile.full_clean()
        profile.save()
        if spec.demographics:
            demographics = account_services.demographics_for(user)
            for name, value in spec.demographics.items():
                setattr(demographics, name, value)
            demographics.full_clean()
            demographics.save()
        self.created["users"] += 1
        return user

    # -- calls --

    def new_call(self, program: Program, fields: dict, **times) -> FundingCall:
        call = FundingCall.objects.create(
            program=program,
            eligible_applicant_types=ELIGIBLE,
            one_per_applicant=True,
            **fields,
            **times,
        )
        services.call_transition(call=call, to=CallStatus.OPEN, actor=self.admin)
        self.created["calls"] += 1
        return call

    def open_call(self, program: Program) -> None:
        spec = self.demo.calls["open"]
        call = FundingCall.objects.filter(program=program, title=spec.title).first()
        if call is not None:
            self.keep_open(call)
            return
        opens_at = self.clock.when(spec.times["opens"])
        call = self.new_call(
            program, spec.fields, opens_at=opens_at, closes_at=self.clock.when(spec.times["closes"])
        )
        self.clock.retime_call(call, [opens_at])
        for plan in spec.proposals:
            self.proposal(call, plan, window=(opens_at + timedelta(hours=2), self.now))

    def keep_open(self, call: FundingCall) -> None:
        """A demo run weeks later still finds the open call open: push a passed deadline on."""
        if call.status == CallStatus.OPEN and call.closes_at <= self.now + timedelta(days=2):
            closes_at = self.clock.when(self.demo.calls["open"].times["closes"])
            FundingCall.objects.filter(pk=call.pk).update(closes_at=closes_at)
            self.notes.append(
                "The open call's deadline had passed or was two days away; it now closes "
                f"{timezone.localtime(closes_at, self.clock.zone):%B %-d, %Y at %-I:%M %p %Z}."
            )

    def review_call(self, program: Program) -> None:
        spec = self.demo.calls["review"]
        if FundingCall.objects.filter(program=program, title=spec.title).exists():
            return
        opens_at, closes_at = (
            self.clock.when(spec.times["opens"]),
            self.clock.when(spec.times["closes"]),
        )
        review_at = self.clock.when(spec.times["review_begins"])
        # Proposals are written and submitted while the call is open, as in life; then the
        # deadline moves to where it really was and the call goes to review.
        call = self.new_call(
            program, spec.fields, opens_at=opens_at, closes_at=self.now + timedelta(days=1)
        )
        proposals = [
            self.proposal(call, plan, window=(opens_at + timedelta(days=2), closes_at))
            for plan in spec.proposals
        ]
        FundingCall.objects.filter(pk=call.pk).update(closes_at=closes_at)
        call.refresh_from_db()
        services.call_transition(call=call, to=CallStatus.CLOSED, actor=self.admin)
        services.call_transition(call=call, to=CallStatus.IN_REVIEW, actor=self.admin)
        self.clock.retime_call(call, [opens_at, closes_at, review_at])
        for proposal in proposals:
            services.proposal_transition(
                proposal=proposal, to=ProposalStatus.IN_REVIEW, actor=self.admin
            )
            tail = review_at + timedelta(minutes=self.rng.randint(1, 40))
            self.clock.retime(proposal, tail=tail)

    def standing_committee(self) -> Committee:
        """The standing committee: its chair and members (found by name, or created)."""
        spec = self.demo.committee
        committee = Committee.objects.filter(name=spec["name"]).first()
        if committee is None:
            committee = review_services.committee_create(
                actor=self.admin,
                name=spec["name"],
                chair=self.users[spec["chair"]],
                members=[self.users[name] for name in spec["members"]],
                load_cap=spec["load_cap"],
            )
            self.created["committees"] += 1
        return committee

    def review_committee(self) -> None:
        """The standing committee, attached to the call in review (phase: assignment)."""
        spec = self.demo.committee
        call = FundingCall.objects.get(title=self.demo.calls["review"].title)
        if not CallReview.objects.filter(call=call).exists():
            review_services.committee_attach_to_call(
                committee=self.committee,
                call=call,
                actor=self.admin,
                reviewers_per_proposal=spec["reviewers_per_proposal"],
                review_due_at=self.clock.when(spec["review_due"]),
            )

    def past_call_title(self) -> str:
        """The decided call's title names the first year of the previous academic year."""
        return self.demo.calls["past"].title.format(year=self.clock.previous.first_year)

    def decided_rounds(self, program: Program):
        """The pilot call's decided rounds, whatever year their titles name."""
        ending = self.demo.calls["past"].title.replace("{year}", "")
        return FundingCall.objects.filter(program=program, title__endswith=ending)

    def earlier_rounds_present(self, program: Program) -> bool:
        return self.decided_rounds(program).count() > 1

    def past_call(self, program: Program) -> bool:
        """The previous round: proposals submitted, decided and released in the previous
        academic year; its awards, their reports, enrollment and outcomes (demo/story.py).
        Left alone (False) once any decided round of the pilot call exists: a run a year
        later finds last year's story under last year's title."""
        spec = self.demo.calls["past"]
        if self.decided_rounds(program).exists():
            return False
        opens_at = self.clock.when(spec.times["opens"])
        closes_at = self.clock.when(spec.times["closes"])
        call = self.new_call(
            program,
            {**spec.fields, "title": self.past_call_title()},
            opens_at=opens_at,
            closes_at=self.now + timedelta(days=1),
        )
        self.clock.retime_call(call, [opens_at])
        # Written and submitted while the call was open; then the deadline moves to where it
        # really was, and the review, the decisions and the awards follow.
        window = (opens_at + timedelta(days=14), closes_at)
        proposals = {plan.pi: self.proposal(call, plan, window=window) for plan in spec.proposals}
        FundingCall.objects.filter(pk=call.pk).update(closes_at=closes_at)
        call.refresh_from_db()
        with self.clock.dated(self.clock.when(spec.times["review_begins"])):
            services.call_begin_review(call=call, actor=self.admin)
        reviewing.committee_review(self, call, proposals)
        self.decide(call, spec, proposals)
        awards = self.award_lives(spec, proposals)
        story.outcomes(self, awards)
        story.trainee_support(self, awards)
        story.narratives(self, call)
        return True

    def limited_call(self, program: Program) -> None:
        """The limited submission (the sponsor takes two): proposals submitted while it was
        open, its committee's review walked to the panel's final scores and closed, and no
        nominations yet: the ranking's two places are the program office's to fill."""
        spec = self.demo.calls.get("limited")
        if spec is None or FundingCall.objects.filter(program=program, title=spec.title).exists():
            return
        opens_at, closes_at = (
            self.clock.when(spec.times["opens"]),
            self.clock.when(spec.times["closes"]),
        )
        sponsor_due = timezone.localtime(
            self.clock.when(spec.times["sponsor_due"]), self.clock.zone
        )
        call = self.new_call(
            program,
            {**spec.fields, "sponsor_deadline": sponsor_due.date()},
            opens_at=opens_at,
            closes_at=self.now + timedelta(days=1),
        )
        self.clock.retime_call(call, [opens_at])
        window = (opens_at + timedelta(days=3), closes_at)
        proposals = {plan.pi: self.proposal(call, plan, window=window) for plan in spec.proposals}
        FundingCall.objects.filter(pk=call.pk).update(closes_at=closes_at)
        call.refresh_from_db()
        with self.clock.dated(self.clock.when(spec.times["review_begins"])):
            services.call_begin_review(call=call, actor=self.admin)
        reviewing.committee_review(self, call, proposals, spec=spec)
        for proposal in proposals.values():
            last = self.clock.last_change(proposal)
            Proposal.objects.filter(pk=proposal.pk).update(updated_at=last)

    def earlier_round(self, program: Program, spec: Round) -> None:
        """An earlier round of the pilot call: proposals submitted while it was open, put in
        review at the deadline and decided by the program office (no committee review),
        released; its awards' lives and the outcomes they led to. Its title names its own
        academic year. Loaded only with the decided call (``past_call``), which is there once
        any round is."""
        times = spec.call.times
        year = period_of(self.clock.day(times["closes"]["on"])).first_year
        opens_at, closes_at = self.clock.when(times["opens"]), self.clock.when(times["closes"])
        call = self.new_call(
            program,
            {**spec.call.fields, "title": spec.call.title.format(year=year)},
            opens_at=opens_at,
            closes_at=self.now + timedelta(days=1),
        )
        self.clock.retime_call(call, [opens_at])
        window = (opens_at + timedelta(days=14), closes_at)
        proposals = {
            plan.pi: self.proposal(call, plan, window=window) for plan in spec.call.proposals
        }
        FundingCall.objects.filter(pk=call.pk).update(closes_at=closes_at)
        call.refresh_from_db()
        with self.clock.dated(self.clock.when(times["review_begins"])):
            services.call_begin_review(call=call, actor=self.admin)
        self.decide(call, spec.call, proposals)
        awards = self.award_lives(spec.call, proposals)
        story.linked_outcomes(self, awards, spec)

    def award_lives(self, spec: Call, proposals: dict[str, Proposal]) -> dict[str, Award]:
        """Each funded proposal's award through its life (demo/story.py), by PI; then every
        proposal's last change is its history's."""
        awards = {}
        released_on = spec.times["released"]["on"]
        for plan in spec.proposals:
            if plan.award is not None:
                award = Award.objects.get(proposal=proposals[plan.pi])
                awards[plan.pi] = story.award_life(self, plan, award, released_on=released_on)
        for proposal in proposals.values():
            last = self.clock.last_change(proposal)
            Proposal.objects.filter(pk=proposal.pk).update(updated_at=last)
        return awards

    def decide(self, call: FundingCall, spec: Call, proposals: dict[str, Proposal]) -> None:
        """Decisions recorded over an afternoon, released a week later (journeys); a
        waitlisted proposal is decided (not funded) when the waitlist closes."""
        decided_at = self.clock.when(spec.times["decided"])
        released_at = self.clock.when(spec.times["released"])
        planned = []
        for plan in spec.proposals:
            proposal = Proposal.objects.get(pk=proposals[plan.pi].pk)
            amount, reason = None, ""
            if plan.decision == "reduced":
                cut = proposal.requested_amount * Decimal("0.8") / 100
                amount, reason = cut.quantize(Decimal("1"), ROUND_DOWN) * 100, plan.reason
            planned.append(
                journeys.PlannedDecision(proposal, OUTCOMES[plan.decision], amount, reason)
            )

        def moment(step: int) -> datetime:
            return decided_at + timedelta(minutes=12 * step)

        decisions = journeys.decisions_record(
            decisions=planned, actor=self.admin, during=lambda step: self.clock.dated(moment(step))
        )
        for step, decision in enumerate(decisions):
            Decision.objects.filter(pk=decision.pk).update(decided_at=moment(step))
            self.created["awards"] += Award.objects.filter(proposal_id=decision.proposal_id).update(
                created_at=moment(step)
            )
        journeys.decisions_release(
            call=call, actor=self.admin, during=self.clock.dated(released_at)
        )
        Decision.objects.filter(call=call).update(released_at=released_at)
        closing = spec.waitlist_closed  # only a call with a waitlist says when it closed
        closed_at = self.clock.when(closing) if closing else None
        for plan in spec.proposals:
            if plan.decision == "waitlisted":
                proposal = Proposal.objects.get(pk=proposals[plan.pi].pk)
                (decision,) = journeys.decisions_record(
                    decisions=[
                        journeys.PlannedDecision(
                            proposal, DecisionOutcome.NOT_FUNDED, reason=closing["reason"]
                        )
                    ],
                    actor=self.admin,
                    during=lambda _step: self.clock.dated(closed_at),
                )
                Decision.objects.filter(pk=decision.pk).update(decided_at=closed_at)

    # -- proposals --

    def proposal(self, call: FundingCall, plan: Plan, *, window) -> Proposal:
        topic = self.demo.topics[plan.topic]
        pi = self.users[plan.pi]
        proposal = services.proposal_create(call=call, actor=pi, title=topic.title)
        self.created["proposals"] += 1
        if plan.state == "draft_partial":
            services.proposal_update(
                proposal=proposal,
                actor=pi,
                data={
                    "abstract": self.prose.abstract(topic, pi, call),
                    "disparity_populations": list(topic.populations),
                },
            )
            self.clock.retime(proposal, window=window)
            return proposal

        services.proposal_update(
            proposal=proposal, actor=pi, data=self.prose.sections(topic, pi, call)
        )
        lines = self.prose.budget(topic, call)
        for category, description, amount in lines:
            services.budget_line_save(
                proposal=proposal,
                actor=pi,
                category=category,
                description=description,
                amount=amount,
            )
        services.proposal_update(
            proposal=proposal,
            actor=pi,
            data={
                "requested_amount": sum((amount for _, _, amount in lines), Decimal("0")),
                "budget_justification": self.prose.justification(lines, topic),
            },
        )
        self.team(proposal, plan)
        if plan.state != "draft_no_biosketch":
            name = f"Biosketch - {pi.last_name}.pdf"
            self.attach(proposal, pi, AttachmentKind.BIOSKETCH, f"bio:{plan.pi}", name)
        if topic.letter and plan.state != "draft_no_biosketch":
            name = f"Letter of support - {topic.partner}.pdf"
            self.attach(
                proposal, pi, AttachmentKind.LETTER_OF_SUPPORT, f"letter:{plan.topic}", name
            )
        if plan.mentor and plan.state != "draft_mentor_added":
            endorsement = services.endorsement_request(proposal=proposal, actor=pi)
            if plan.state == "draft_endorsement_requested":
                Endorsement.objects.filter(pk=endorsement.pk).update(
                    requested_at=self.now - timedelta(hours=self.rng.randint(3, 40))
                )
            else:
                services.endorsement_respond(
                    endorsement=endorsement,
                    actor=self.users[plan.mentor],
                    endorse=True,
                    statement=self.prose.endorsement_statement(pi, topic),
                )
        if plan.state in {"submitted", "returned", "withdrawn", "in_review"}:
            proposal = services.proposal_submit(proposal=proposal, actor=pi)
        if plan.state == "returned":
            proposal = services.proposal_return(
                proposal=proposal, actor=self.admin, reason=plan.reason
            )
        elif plan.state == "withdrawn":
            proposal = services.proposal_withdraw(proposal=proposal, actor=pi, reason=plan.reason)
        # Proposals going to review get their last entry's time in review_call.
        self.clock.retime(proposal, window=window)
        return proposal

    def team(self, proposal: Proposal, plan: Plan) -> None:
        pi = self.users[plan.pi]
        members = [(TeamRole.MENTOR, plan.mentor)] if plan.mentor else []
        members += [(TeamRole.CO_INVESTIGATOR, name) for name in plan.co_investigators]
        members += [(TeamRole.COLLABORATOR, name) for name in plan.collaborators]
        for role, username in members:
            services.team_member_add(
                proposal=proposal, actor=pi, role=role, user=self.users[username]
            )
        topic = self.demo.topics[plan.topic]
        name, _title = topic.contact
        services.team_member_add(
            proposal=proposal,
            actor=pi,
            role=TeamRole.COMMUNITY_PARTNER,
            full_name=name,
            organisation=topic.partner,
        )

    def attach(self, proposal: Proposal, pi: User, kind: str, key: str, name: str) -> None:
        upload = SimpleUploadedFile(name, self.pdf(key), content_type="application/pdf")
        services.attachment_add(proposal=proposal, actor=pi, kind=kind, uploaded_file=upload)

    # -- documents --

    def pdf(self, key: str) -> bytes:
        if self._pdfs is None:
            self._pdfs = render_pdfs(self.pdf_sources())
        return self._pdfs[key]

    def pdf_sources(self) -> dict[str, tuple[str, str]]:
        """Every document the plans may attach: key -> (PDF title, HTML body)."""
        # Letters predate their call's proposals (the review call opened 60 days ago, the
        # decided call in June of the previous academic year).
        program, institution = self.demo.program["name"], self.demo.program["institution"]
        dated = timezone.localtime(self.now - timedelta(days=64), self.clock.zone)
        decided_letters = {
            plan.topic: self.clock.when(call.times["letters_dated"])
            for call in self.demo.decided_calls()
            for plan in call.proposals
        }
        plans = self.demo.plans()
        people = self.demo.people_by_username
        sources = {}
        for username in dict.fromkeys(plan.pi for plan in plans):
            spec = people[username]
            sources[f"bio:{username}"] = (
                f"Biosketch - {spec.first_name} {spec.last_name}",
                biosketch_html(spec, institution=institution, program=program),
            )
        for key in dict.fromkeys(plan.topic for plan in plans):
            topic = self.demo.topics[key]
            if topic.letter:
                letter_date = decided_letters.get(key, dated)
                sources[f"letter:{key}"] = (
                    f"Letter of support - {topic.partner}",
                    letter_html(topic, letter_date, program=program),
                )
        sources.update(letters.documents(self))
        return sources
