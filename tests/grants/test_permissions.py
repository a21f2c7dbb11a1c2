"""Who may do what to a proposal: a role x permission matrix per proposal state."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.choices import ApplicantType, Role
from accounts.models import User
from accounts.permissions import can
from grants import services
from grants.choices import ProposalStatus, TeamRole
from grants.permissions import is_mentor_of, is_pi, is_team_member
from tests.factories import make_admin, make_proposal, make_user

pytestmark = pytest.mark.django_db

ROLES = [
    "pi",
    "co_investigator",
    "mentor",
    "admin",
    "superuser",
    "reviewer",
    "chair",
    "stranger",
    "anonymous",
]


def _people_and_proposal(status: str):
    """A faculty PI's complete proposal with a co-investigator and a mentor, in ``status``."""
    proposal = make_proposal()
    pi = proposal.pi
    co_investigator = make_user()
    mentor = make_user(applicant_type=ApplicantType.FULL_PROFESSOR)
    services.team_member_add(
        proposal=proposal, actor=pi, role=TeamRole.CO_INVESTIGATOR, user=co_investigator
    )
    services.team_member_add(proposal=proposal, actor=pi, role=TeamRole.MENTOR, user=mentor)
    admin = make_admin()
    if status != ProposalStatus.DRAFT:
        proposal = services.proposal_submit(proposal=proposal, actor=pi)
    if status == ProposalStatus.RETURNED:
        proposal = services.proposal_return(proposal=proposal, actor=admin, reason="Fix")
    if status == ProposalStatus.IN_REVIEW:
        proposal = services.proposal_transition(
            proposal=proposal, to=ProposalStatus.IN_REVIEW, actor=admin
        )
    if status == ProposalStatus.WITHDRAWN:
        proposal = services.proposal_withdraw(proposal=proposal, actor=pi)
    people = {
        "pi": pi,
        "co_investigator": co_investigator,
        "mentor": mentor,
        "admin": admin,
        "superuser": User.objects.create_superuser("root", "root@example.edu", "x"),
        "reviewer": make_user(roles=(Role.REVIEWER,)),
        "chair": make_user(roles=(Role.CHAIR,)),
        "stranger": make_user(),
        "anonymous": AnonymousUser(),
    }
    return people, proposal


VIEWERS = {"pi", "co_investigator", "mentor", "admin", "superuser"}

# (permission, proposal status) -> the roles that hold it. Everyone else must not.
EXPECTED: dict[tuple[str, str], set[str]] = {}
for _status in ("draft", "submitted", "returned", "in_review", "withdrawn"):
    EXPECTED["grants.view_proposal", _status] = VIEWERS
EXPECTED.update(
    {
        ("grants.change_proposal", "draft"): {"pi"},
        ("grants.change_proposal", "submitted"): set(),
        ("grants.change_proposal", "returned"): {"pi"},
        ("grants.change_proposal", "in_review"): set(),
        ("grants.change_proposal", "withdrawn"): set(),
        ("grants.submit_proposal", "draft"): {"pi"},
        ("grants.submit_proposal", "submitted"): set(),
        ("grants.submit_proposal", "returned"): {"pi"},
        ("grants.submit_proposal", "withdrawn"): set(),
        ("grants.withdraw_proposal", "draft"): {"pi"},
        ("grants.withdraw_proposal", "submitted"): {"pi"},
        ("grants.withdraw_proposal", "returned"): {"pi"},
        ("grants.withdraw_proposal", "in_review"): {"pi"},
        ("grants.withdraw_proposal", "withdrawn"): set(),
        ("grants.return_proposal", "draft"): set(),
        ("grants.return_proposal", "submitted"): {"admin", "superuser"},
        ("grants.return_proposal", "returned"): set(),
        ("grants.return_proposal", "in_review"): set(),
        ("grants.request_endorsement", "draft"): {"pi"},
        ("grants.request_endorsement", "submitted"): set(),
        ("grants.endorse_proposal", "draft"): {"mentor"},
        ("grants.endorse_proposal", "submitted"): set(),
        ("grants.endorse_proposal", "returned"): {"mentor"},
    }
)


@pytest.mark.parametrize(("perm", "status"), list(EXPECTED))
def test_proposal_permission_matrix(perm, status):
    people, proposal = _people_and_proposal(status)

    holders = {role for role in ROLES if can(people[role], perm, proposal)}

    assert holders == EXPECTED[perm, status]


@pytest.mark.parametrize("perm", ["grants.manage_calls", "grants.view_call_proposals"])
def test_call_administration_permissions_administrators_only(perm):
    people, _proposal = _people_and_proposal(ProposalStatus.DRAFT)

    holders = {role for role in ROLES if can(people[role], perm)}

    assert holders == {"admin", "superuser"}


def test_permission_follows_role_revocation():
    from accounts.services import role_revoke

    people, proposal = _people_and_proposal(ProposalStatus.SUBMITTED)
    admin = people["admin"]
    assert can(admin, "grants.return_proposal", proposal) is True  # role cache now warm

    role_revoke(user=admin, role=Role.ADMINISTRATOR)

    assert can(admin, "grants.return_proposal", proposal) is False
    assert can(admin, "grants.view_proposal", proposal) is False


def test_predicates_on_missing_proposal_are_false():
    user = make_user()

    assert (is_pi(user, None), is_team_member(user, None), is_mentor_of(user, None)) == (
        False,
        False,
        False,
    )


def test_is_mentor_of_only_for_mentor_role():
    people, proposal = _people_and_proposal(ProposalStatus.DRAFT)

    assert {role for role in ROLES if is_mentor_of(people[role], proposal)} == {"mentor"}
    assert {role for role in ROLES if is_team_member(people[role], proposal)} == {
        "co_investigator",
        "mentor",
    }


def test_inactive_pi_holds_no_permission():
    people, proposal = _people_and_proposal(ProposalStatus.DRAFT)
    pi = people["pi"]
    pi.is_active = False
    pi.save(update_fields=["is_active"])

    held = [
        perm
        for perm in ("grants.view_proposal", "grants.change_proposal", "grants.withdraw_proposal")
        if can(pi, perm, proposal)
    ]

    assert held == []


def test_django_has_perm_superuser_shortcut_not_used_by_can():
    # The reason ``can`` exists: Django's own check would let a superuser edit a frozen proposal.
    people, proposal = _people_and_proposal(ProposalStatus.SUBMITTED)
    superuser = people["superuser"]

    assert superuser.has_perm("grants.change_proposal", proposal) is True
    assert can(superuser, "grants.change_proposal", proposal) is False
