"""Who may see reports, export them, and record outcomes: a role x permission matrix."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.choices import ApplicantType, Role
from accounts.models import User
from accounts.permissions import can
from reporting import selectors, services
from tests.factories import make_admin, make_user
from tests.reporting.support import simple_award

pytestmark = pytest.mark.django_db

ROLES = ["pi", "team_member", "admin", "superuser", "reviewer", "other_applicant", "anonymous"]


@pytest.fixture
def setting():
    member = make_user(applicant_type=ApplicantType.PHD_STUDENT)
    award, _ = simple_award(team=[member])
    report = services.progress_reports_schedule(award=award)[0]
    people = {
        "pi": award.proposal.pi,
        "team_member": member,
        "admin": make_admin(),
        "superuser": User.objects.create_superuser("root", "root@example.edu", "x" * 16),
        "reviewer": make_user(roles=(Role.REVIEWER,)),
        "other_applicant": make_user(),
        "anonymous": AnonymousUser(),
    }
    return award, report, people


def matrix(allowed: set[str]) -> list[bool]:
    return [role in allowed for role in ROLES]


ADMINS = {"admin", "superuser"}
AWARDEES = {"pi", "team_member"} | ADMINS


@pytest.mark.parametrize(
    ("perm", "target", "expected"),
    [
        ("reporting.view_reports", None, matrix(ADMINS)),
        ("reporting.export_reports", None, matrix(ADMINS)),
        ("reporting.manage_reporting", None, matrix(ADMINS)),
        ("reporting.view_award", "award", matrix(AWARDEES)),
        ("reporting.record_outcome", "award", matrix(AWARDEES)),
        ("reporting.submit_progress_report", "report", matrix({"pi"} | ADMINS)),
    ],
)
def test_permission_matrix(setting, perm, target, expected):
    award, report, people = setting
    obj = {"award": award, "report": report, None: None}[target]

    assert [can(people[role], perm, obj) for role in ROLES] == expected


def test_applicant_cannot_record_outcomes_on_someone_elses_award(setting):
    award, _, people = setting
    own_award, _ = simple_award(pi=people["other_applicant"])

    assert can(people["other_applicant"], "reporting.record_outcome", own_award) is True
    assert can(people["other_applicant"], "reporting.record_outcome", award) is False


def test_an_awardee_sees_only_their_own_awards(setting):
    award, _, people = setting
    other_award, _ = simple_award(pi=people["other_applicant"])

    assert list(selectors.awards_visible_to(people["pi"])) == [award]
    assert list(selectors.awards_visible_to(people["team_member"])) == [award]
    assert list(selectors.awards_visible_to(people["other_applicant"])) == [other_award]
    assert list(selectors.awards_visible_to(people["reviewer"])) == []
    assert set(selectors.awards_visible_to(people["admin"])) == {award, other_award}


def test_only_administrators_may_change_an_outcome_of_an_award_they_are_not_on(setting):
    award, _, people = setting
    publication = services.publication_create(
        actor=people["pi"], awards=[award], data={"title": "Ours"}
    )

    assert can(people["team_member"], "reporting.change_outcome", publication) is True
    assert can(people["admin"], "reporting.delete_outcome", publication) is True
    assert can(people["other_applicant"], "reporting.change_outcome", publication) is False
    assert can(people["other_applicant"], "reporting.delete_outcome", publication) is False
