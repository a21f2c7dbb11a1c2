"""``manage.py seed_demo``: the demo people and calls, the demo journeys, re-runs, and its guard."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.choices import FACULTY_TYPES, TRAINEE_TYPES, ApplicantType, Role
from accounts.models import Demographics, User
from grants import services
from grants.choices import CallStatus, EndorsementStatus, ProposalStatus
from grants.models import (
    Attachment,
    BudgetLine,
    Endorsement,
    FundingCall,
    Program,
    Proposal,
    StateChange,
    TeamMember,
)
from grants.selectors import proposal_blockers
from reporting.management.commands.seed_demo import (
    OPEN_CALL_TITLE,
    PASSWORD,
    PROGRAM_NAME,
    REVIEW_CALL_TITLE,
)
from tests.factories import PASSWORD as FACTORY_PASSWORD
from tests.factories import make_proposal

DEMO_LOGINS = [
    "admin",
    "chair",
    "reviewer1",
    "reviewer2",
    "reviewer3",
    "faculty1",
    "faculty2",
    "student1",
    "student2",
    "mentor1",
]


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [
        User,
        Demographics,
        Program,
        FundingCall,
        Proposal,
        TeamMember,
        BudgetLine,
        Attachment,
        Endorsement,
        StateChange,
    ]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed once for a class of tests (seeding takes seconds). Each test still runs in its own
    savepoint, and the seed itself is rolled back when the class is done."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            DEBUG=True,
            MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        transaction.atomic(),
    ):
        yield seed()
        transaction.set_rollback(True)


@pytest.mark.django_db
class TestSeededDemo:
    """What the demo holds and the journeys it is built for, on one seeded database."""

    def test_seed_demo_creates_the_demo_logins_with_the_demo_password(self, demo):
        users = {user.username: user for user in User.objects.all()}

        assert set(DEMO_LOGINS) <= set(users)
        assert all(users[name].check_password(PASSWORD) for name in DEMO_LOGINS)
        for name in DEMO_LOGINS:
            assert name in demo
        assert f"password: {PASSWORD}" in demo

    def test_seed_demo_gives_each_account_its_role(self, demo):
        def user(name):
            return User.objects.select_related("profile").get(username=name)

        admin = user("admin")
        assert (admin.is_staff, admin.is_superuser, admin.has_role(Role.ADMINISTRATOR)) == (
            True,
            True,
            True,
        )
        chair = user("chair")
        assert (chair.has_role(Role.CHAIR), chair.has_role(Role.REVIEWER)) == (True, True)
        assert chair.profile.is_faculty is True
        for name in ["reviewer1", "reviewer2", "reviewer3"]:
            reviewer = user(name)
            assert reviewer.has_role(Role.REVIEWER) is True
            assert reviewer.profile.is_faculty is True
            assert reviewer.profile.keywords != []
        assert user("faculty1").profile.is_faculty is True
        assert user("faculty2").profile.is_faculty is True
        assert user("student1").profile.applicant_type == ApplicantType.MEDICAL_STUDENT
        assert user("student2").profile.applicant_type == ApplicantType.PHD_STUDENT
        assert user("mentor1").profile.applicant_type == ApplicantType.FULL_PROFESSOR
        assert User.objects.filter(is_superuser=True).count() == 1
        researchers = User.objects.filter(
            profile__applicant_type__in=[*FACULTY_TYPES, *TRAINEE_TYPES]
        ).exclude(groups__name__in=[Role.CHAIR, Role.REVIEWER])
        assert researchers.count() == 12

    def test_seed_demo_profiles_and_demographics_are_valid(self, demo):
        for user in User.objects.select_related("profile"):
            user.profile.full_clean()
        for demographics in Demographics.objects.all():
            demographics.full_clean()
        assert Demographics.objects.count() == 15
        assert User.objects.exclude(profile__orcid="").count() == 3

    def test_seed_demo_open_call_is_accepting(self, demo):
        call = FundingCall.objects.get(title=OPEN_CALL_TITLE)

        assert call.is_accepting() is True
        assert call.program.name == PROGRAM_NAME
        assert call.status == CallStatus.OPEN
        assert (call.max_award, call.total_budget) == (Decimal("25000.00"), Decimal("150000.00"))
        assert call.one_per_applicant is True
        assert set(call.eligible_applicant_types) == {str(t) for t in FACULTY_TYPES | TRAINEE_TYPES}
        assert timedelta(days=20) < call.closes_at - timezone.now() < timedelta(days=23)

    def test_seed_demo_review_call_holds_twelve_proposals_in_review(self, demo):
        call = FundingCall.objects.get(title=REVIEW_CALL_TITLE)
        proposals = list(call.proposals.select_related("pi"))

        assert call.status == CallStatus.IN_REVIEW
        assert call.closes_at < timezone.now() - timedelta(days=13)
        assert len(proposals) == 12
        assert {p.status for p in proposals} == {ProposalStatus.IN_REVIEW}
        assert {"faculty1", "faculty2"} <= {p.pi.username for p in proposals}
        # Submitted before the deadline, as the history shows.
        assert all(p.submitted_at < call.closes_at for p in proposals)

    def test_seed_demo_proposals_are_in_every_early_state_with_consistent_budgets(self, demo):
        proposals = Proposal.objects.prefetch_related("budget_lines")

        assert Counter(p.status for p in proposals) == {
            ProposalStatus.IN_REVIEW: 12,
            ProposalStatus.DRAFT: 4,
            ProposalStatus.SUBMITTED: 3,
            ProposalStatus.RETURNED: 1,
            ProposalStatus.WITHDRAWN: 1,
        }
        for proposal in proposals:
            lines = list(proposal.budget_lines.all())
            if lines:
                assert proposal.requested_amount == sum(line.amount for line in lines)
                assert proposal.requested_amount <= proposal.call.max_award
        # Every trainee proposal that was handed in carries its mentor's endorsement.
        handed_in = Proposal.objects.filter(
            pi__profile__applicant_type__in=TRAINEE_TYPES,
            status__in=[ProposalStatus.SUBMITTED, ProposalStatus.IN_REVIEW],
        )
        assert handed_in.count() == 6
        assert {p.endorsement.status for p in handed_in} == {EndorsementStatus.ENDORSED}

    def test_faculty1_can_submit_a_complete_proposal_to_the_open_call_after_seeding(self, demo):
        call = FundingCall.objects.get(title=OPEN_CALL_TITLE)
        faculty1 = User.objects.get(username="faculty1")
        assert call.proposals.filter(pi=faculty1).count() == 0

        proposal = make_proposal(call=call, pi=faculty1)
        proposal = services.proposal_submit(proposal=proposal, actor=faculty1)

        assert proposal.status == ProposalStatus.SUBMITTED

    def test_student1_can_submit_once_mentor1_endorses_after_seeding(self, demo):
        student1 = User.objects.get(username="student1")
        mentor1 = User.objects.get(username="mentor1")
        proposal = Proposal.objects.get(call__title=OPEN_CALL_TITLE, pi=student1)
        assert [b.field for b in proposal_blockers(proposal)] == ["endorsement"]

        endorsement = services.endorsement_request(proposal=proposal, actor=student1)
        services.endorsement_respond(
            endorsement=endorsement, actor=mentor1, endorse=True, statement="A strong project."
        )
        proposal = services.proposal_submit(proposal=proposal, actor=student1)

        assert proposal.status == ProposalStatus.SUBMITTED

    def test_mentor1_has_an_endorsement_request_waiting_after_seeding(self, demo):
        pending = Endorsement.objects.filter(
            mentor__username="mentor1", status=EndorsementStatus.REQUESTED
        )

        assert [e.proposal.pi.username for e in pending] == ["resident1"]

    def test_seed_demo_twice_creates_nothing_new(self, demo):
        before = counts()

        output = seed()

        assert counts() == before
        assert "Demo data already present; nothing to create." in output

    def test_seed_demo_reopens_the_open_call_when_its_deadline_has_passed(self, demo):
        call = FundingCall.objects.get(title=OPEN_CALL_TITLE)
        FundingCall.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(days=1))

        output = seed()

        call.refresh_from_db()
        assert call.is_accepting() is True
        assert "The open call's deadline had passed or was two days away" in output


@pytest.mark.django_db
def test_seed_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        seed()

    assert (User.objects.count(), Program.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_seed_demo_runs_when_debug_is_off_with_force(settings):
    settings.DEBUG = False

    seed(force=True)

    assert Program.objects.filter(name=PROGRAM_NAME).count() == 1
    assert Proposal.objects.count() == 21


@pytest.mark.django_db
def test_seed_demo_leaves_an_existing_account_alone(debug):
    # As if someone ran `manage.py createsuperuser` first.
    User.objects.create_superuser("admin", "root@example.edu", FACTORY_PASSWORD)

    output = seed()

    admin = User.objects.get(username="admin")
    assert admin.check_password(FACTORY_PASSWORD) is True
    assert admin.email == "root@example.edu"
    assert "already existed, left unchanged: admin" in output
    assert Proposal.objects.count() == 21


@pytest.mark.django_db(transaction=True)
def test_seed_demo_sends_no_mail_unless_asked(debug, mailoutbox):
    seed()

    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_seed_demo_sends_the_queued_mail_with_send_mail(debug, mailoutbox):
    seed(send_mail=True)

    subjects = [message.subject for message in mailoutbox]
    assert len([s for s in subjects if "Received:" in s]) == 17
