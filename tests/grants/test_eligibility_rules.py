"""Issue #19's eligibility rules: each rule of a call refuses with its reason when a proposal is
started (the call's page, the service, the API) or, for the team's rules, at submission; a
position changed since starting is caught at submission; an administrator's exception waives
the rules, audited, and can be revoked. Calls without rules behave as before."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ApplicantType, AuditAction
from accounts.models import AuditEntry, User
from accounts.services import profile_for
from grants import selectors, services
from grants.admin import FundingCallForm
from grants.choices import AwardStatus, DecisionOutcome, TeamRole
from grants.eligibility import EligibilityProblem
from grants.models import Award, EligibilityException, Proposal
from grants.selectors import Blocker
from grants.services import SubmissionRefused
from grants.validators import departments_clean
from tests.api.support import API, api_as
from tests.factories import (
    make_admin,
    make_call,
    make_call_in_review,
    make_program,
    make_proposal,
    make_trainee_proposal,
    make_user,
)
from tests.reporting.support import Spec, fund_call
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db

START = "Start a proposal"
ADD_A_MENTOR = (
    "This call requires a faculty mentor on the team: add a colleague who holds a faculty "
    "position (instructor to professor) with the role “Mentor”."
)
ADD_A_PARTNER = (
    "This call requires a community partner on the team: add them with the role “Community "
    "partner” (someone without an account is added by name)."
)


def _funded_before(user, *, title: str = "Pilot awards 2024") -> Award:
    """A released, funded award of ``user``'s from the program every test call belongs to."""
    _, (proposal,) = fund_call([Spec(pi=user)], admin=make_admin(), title=title)
    return Award.objects.get(proposal=proposal)


def _set_profile(user, **fields) -> None:
    profile = profile_for(user)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save(update_fields=[*fields, "updated_at"])
    user.refresh_from_db()  # the cached profile too


def _page(user, call) -> str:
    response = signed_in(user).get(reverse("grants:call_detail", args=[call.pk]))
    assert response.status_code == 200
    return response.content.decode()


# ---- Each rule on the person refuses the start, with its reason -----------------------------


@dataclass(frozen=True)
class RuleCase:
    """A call with one rule, a person it refuses, and the reason they are given."""

    build: Callable[[], tuple[object, object]]  # -> (call, user)
    reason: str


def _position():
    call = make_call(eligible_applicant_types=[ApplicantType.INSTRUCTOR, ApplicantType.POSTDOC])
    return call, make_user(applicant_type=ApplicantType.ASSISTANT_PROFESSOR)


def _department():
    call = make_call(eligible_departments=["Family Medicine", "Pediatrics"])
    return call, make_user(department="Surgery")


def _first_time():
    user = make_user()
    _funded_before(user)
    return make_call(first_time_applicants_only=True), user


def _current_awardee():
    user = make_user()
    _funded_before(user)
    return make_call(excludes_current_awardees=True), user


RULES = {
    "position": RuleCase(
        _position,
        "This call is not open to applicants whose position is “Faculty — assistant professor”.",
    ),
    "department": RuleCase(
        _department,
        "This call is for the departments of Family Medicine or Pediatrics; your profile says "
        "Surgery.",
    ),
    "first-time": RuleCase(
        _first_time,
        "This call is for first-time applicants; Center of Excellence funded you before "
        "(“Pilot awards 2024”).",
    ),
    "current awardee": RuleCase(
        _current_awardee,
        "This call is not open to current awardees; your award from “Pilot awards 2024” is "
        "still running.",
    ),
}


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_each_rule_refuses_the_start_in_the_service_with_its_reason(rule):
    call, user = rule.build()

    with pytest.raises(ValidationError) as exc:
        services.proposal_create(call=call, actor=user)

    assert exc.value.messages == [rule.reason]
    assert Proposal.objects.filter(call=call).count() == 0


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_each_rule_shows_its_reason_on_the_call_page_instead_of_start(rule):
    call, user = rule.build()

    page = _page(user, call)

    assert "You cannot apply to this call" in page
    assert rule.reason in page
    assert START not in page


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_each_rule_refuses_the_start_on_the_api_with_400(rule):
    call, user = rule.build()

    response = api_as(user).post(f"{API}/proposals/", {"call": call.pk}, format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [rule.reason]}
    assert Proposal.objects.filter(call=call).count() == 0


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_each_rule_is_told_by_the_api_call_detail(rule):
    call, user = rule.build()

    eligibility = api_as(user).get(f"{API}/calls/{call.pk}/").json()["eligibility"]

    assert (eligibility["eligible"], eligibility["may_start"], eligibility["exception"]) == (
        False,
        False,
        None,
    )
    assert [reason["message"] for reason in eligibility["reasons"]] == [rule.reason]


def test_the_start_page_refuses_with_the_reasons_too():
    call, user = _department()

    response = signed_in(user).post(reverse("grants:proposal_start", args=[call.pk]), follow=True)

    assert RULES["department"].reason in response.content.decode()
    assert Proposal.objects.filter(call=call).count() == 0


def test_every_failing_rule_is_listed_at_once():
    user = make_user(applicant_type=ApplicantType.STAFF, department="Surgery")
    call = make_call(
        eligible_applicant_types=[ApplicantType.INSTRUCTOR], eligible_departments=["Pediatrics"]
    )

    problems = selectors.eligibility_problems(call=call, user=user)

    assert problems == [
        EligibilityProblem(
            "position",
            "This call is not open to applicants whose position is “Staff / other”.",
            "profile",
        ),
        EligibilityProblem(
            "department",
            "This call is for the department of Pediatrics; your profile says Surgery.",
            "profile",
        ),
    ]


# ---- Who passes ------------------------------------------------------------------------------


def test_a_call_without_rules_lets_anyone_start_as_before():
    call, user = make_call(), make_user()

    page = _page(user, call)
    eligibility = api_as(user).get(f"{API}/calls/{call.pk}/").json()["eligibility"]
    proposal = services.proposal_create(call=call, actor=user)

    assert "Anyone in the program" in page
    assert START in page
    assert eligibility == {
        "eligible": True,
        "may_start": True,
        "reasons": [],
        "exception": None,
        "rules": [],
    }
    assert selectors.proposal_blockers(make_proposal(call=make_call())) == []
    assert proposal.call == call


def test_departments_match_in_any_case_and_spacing():
    call = make_call(eligible_departments=["Family Medicine"])
    user = make_user(department="  family   MEDICINE ")

    assert selectors.eligibility_problems(call=call, user=user) == []


def test_an_award_not_yet_released_is_not_given_away():
    call, _, admin = make_call_in_review(proposals=1)
    proposal = call.proposals.get()
    services.decision_record(proposal=proposal, actor=admin, outcome=DecisionOutcome.FUNDED)
    new_call = make_call(first_time_applicants_only=True, excludes_current_awardees=True)

    assert selectors.eligibility_problems(call=new_call, user=proposal.pi) == []


def test_a_closed_award_still_counts_as_funded_before_but_not_as_running():
    user = make_user()
    award = _funded_before(user)
    services.award_transition(
        award=award, to=AwardStatus.CLOSED, actor=make_admin(), ended_on=award.end_date
    )

    first_time = selectors.eligibility_problems(
        call=make_call(first_time_applicants_only=True), user=user
    )
    current = selectors.eligibility_problems(
        call=make_call(excludes_current_awardees=True), user=user
    )

    assert [p.rule for p in first_time] == ["first_time"]
    assert current == []


def test_an_award_from_another_program_does_not_count():
    from grants.models import Program

    user = make_user()
    _funded_before(user)
    other = Program.objects.create(name="Another program")
    call = make_call(first_time_applicants_only=True)
    call.program = other
    call.save(update_fields=["program"])

    assert selectors.eligibility_problems(call=call, user=user) == []


def test_a_profile_without_a_department_may_start_and_is_asked_for_it_at_submission():
    call = make_call(eligible_departments=["Pediatrics"])
    user = make_user(department="")

    proposal = make_proposal(call=call, pi=user)

    assert selectors.proposal_blockers(proposal) == [
        Blocker(
            "eligibility",
            "Complete your profile (your department) so we can check your eligibility.",
        )
    ]
    assert START in _page(make_user(department=""), call)


# ---- The call page says who may apply --------------------------------------------------------


def test_the_call_page_lists_every_rule_in_words():
    call = make_call(
        eligible_applicant_types=[ApplicantType.INSTRUCTOR, ApplicantType.POSTDOC],
        eligible_departments=["Family Medicine", "Pediatrics"],
        first_time_applicants_only=True,
        excludes_current_awardees=True,
        requires_faculty_mentor=True,
        requires_community_partner=True,
    )

    rules = selectors.call_rules(call)
    page = _page(make_user(applicant_type=ApplicantType.INSTRUCTOR, department="Pediatrics"), call)

    assert rules == [
        "Applicants whose position is Faculty — instructor or Postdoctoral fellow.",
        "Applicants in the departments of Family Medicine or Pediatrics.",
        "First-time applicants only: nobody funded by Center of Excellence before.",
        "Not open to anyone whose award from Center of Excellence is still running.",
        "The team must include a faculty mentor (instructor to professor), checked when you "
        "submit.",
        "The team must include a community partner, checked when you submit.",
    ]
    for rule in rules:
        assert rule in page
    assert START in page  # the team's rules wait for the submission


# ---- The team's rules, at submission ---------------------------------------------------------


def test_a_faculty_mentor_is_asked_for_at_submission_not_at_the_start():
    call = make_call(requires_faculty_mentor=True)
    proposal = make_proposal(call=call)  # started: the team comes later

    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=proposal, actor=proposal.pi)

    assert exc.value.blockers == [Blocker("eligibility", ADD_A_MENTOR)]
    assert exc.value.blockers[0].fix == "team"


def test_a_mentor_who_no_longer_holds_a_faculty_position_does_not_count():
    proposal = make_proposal(call=make_call(requires_faculty_mentor=True))
    mentor = make_user(applicant_type=ApplicantType.ASSISTANT_PROFESSOR)
    services.team_member_add(
        proposal=proposal, actor=proposal.pi, role=TeamRole.MENTOR, user=mentor
    )
    _set_profile(mentor, applicant_type=ApplicantType.STAFF)

    assert selectors.proposal_blockers(
        selectors.proposal_for_page(user=proposal.pi, pk=proposal.pk)
    ) == [Blocker("eligibility", ADD_A_MENTOR)]


def test_a_faculty_mentor_on_the_team_lets_it_be_submitted():
    proposal = make_proposal(call=make_call(requires_faculty_mentor=True))
    services.team_member_add(
        proposal=proposal,
        actor=proposal.pi,
        role=TeamRole.MENTOR,
        user=make_user(applicant_type=ApplicantType.FULL_PROFESSOR),
    )

    submitted = services.proposal_submit(proposal=proposal, actor=proposal.pi)

    assert submitted.status == "submitted"


def test_a_trainee_is_not_told_twice_about_the_mentor():
    call = make_call(requires_faculty_mentor=True)
    student = make_user(applicant_type=ApplicantType.MEDICAL_STUDENT)
    proposal = make_proposal(call=call, pi=student)

    assert selectors.proposal_blockers(proposal) == [
        Blocker("endorsement", "Trainee proposals need a faculty mentor on the team.")
    ]


def test_a_community_partner_is_asked_for_and_one_added_by_name_counts():
    proposal = make_proposal(call=make_call(requires_community_partner=True))
    refused = selectors.proposal_blockers(proposal)
    services.team_member_add(
        proposal=proposal,
        actor=proposal.pi,
        role=TeamRole.COMMUNITY_PARTNER,
        full_name="Rosa Diaz",
        organisation="Valley FQHC",
    )

    assert refused == [Blocker("eligibility", ADD_A_PARTNER)]
    assert selectors.proposal_blockers(proposal) == []


def test_the_checklist_links_a_team_rule_to_the_team_page_and_a_person_rule_to_the_profile():
    call = make_call(requires_community_partner=True, eligible_departments=["Pediatrics"])
    proposal = make_proposal(call=call, pi=make_user(department="Pediatrics"))
    _set_profile(proposal.pi, department="Surgery")  # moved after starting
    client = signed_in(proposal.pi)

    page = client.get(reverse("grants:proposal_submit", args=[proposal.pk])).content.decode()
    team = client.get(reverse("grants:proposal_team", args=[proposal.pk])).content.decode()

    team_url = reverse("grants:proposal_team", args=[proposal.pk])
    profile_url = reverse("accounts:profile")
    assert (
        'data-field="eligibility"><span class="visually-hidden">Not done:&nbsp;</span>'
        "This call is for the department of Pediatrics; your profile "
        f'says Surgery. <a href="{profile_url}">' in page
    )
    assert (
        f'<a href="{team_url}">Fix this<span class="visually-hidden">: This call requires' in page
    )
    assert "To submit: This call requires a community partner" in team


def test_the_api_checklist_lists_the_team_rules_under_eligibility():
    proposal = make_proposal(call=make_call(requires_community_partner=True))

    body = api_as(proposal.pi).get(f"{API}/proposals/{proposal.pk}/checklist/").json()

    assert body["blockers"] == [{"field": "eligibility", "message": ADD_A_PARTNER}]


# ---- A position changed since starting -------------------------------------------------------


def test_a_position_changed_after_starting_is_caught_at_submission():
    call = make_call(
        eligible_applicant_types=[ApplicantType.ASSISTANT_PROFESSOR, ApplicantType.INSTRUCTOR]
    )
    proposal = make_proposal(
        call=call, pi=make_user(applicant_type=ApplicantType.ASSISTANT_PROFESSOR)
    )
    _set_profile(proposal.pi, applicant_type=ApplicantType.STAFF)

    with pytest.raises(SubmissionRefused) as exc:
        services.proposal_submit(proposal=proposal, actor=proposal.pi)

    assert exc.value.blockers == [
        Blocker(
            "eligibility",
            "Your position changed since you started this proposal, from “Faculty — assistant "
            "professor” to “Staff / other”, and this call is not open to applicants whose "
            "position is “Staff / other”.",
        )
    ]
    proposal.refresh_from_db()
    assert proposal.status == "draft"


# ---- Exceptions ------------------------------------------------------------------------------


def _grant(call, person, admin=None, reason="Joint appointment in Family Medicine."):
    return services.eligibility_exception_grant(
        call=call, person=person, reason=reason, actor=admin or make_admin()
    )


def test_an_exception_is_granted_and_audited():
    call, user = _department()
    admin = make_admin()

    exception = _grant(call, user, admin)

    entry = AuditEntry.objects.get(action=AuditAction.ELIGIBILITY_EXCEPTION)
    assert (entry.actor, entry.object_type, entry.object_id, entry.note) == (
        admin,
        "grants.eligibilityexception",
        str(exception.pk),
        "granted",
    )
    assert entry.before is None
    assert entry.after == {
        "call": call.pk,
        "person": user.username,
        "reason": "Joint appointment in Family Medicine.",
        "granted_by": admin.username,
        "granted_at": exception.granted_at.isoformat(),
    }


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_an_exception_waives_each_rule_at_the_start(rule):
    call, user = rule.build()
    _grant(call, user)

    page = _page(user, call)
    proposal = services.proposal_create(call=call, actor=user)

    assert START in page
    assert "Eligible by an exception granted by" in page
    assert proposal.pi == user


def test_an_exception_waives_the_team_rules_and_the_checklist_names_it():
    call = make_call(
        requires_faculty_mentor=True,
        requires_community_partner=True,
        eligible_departments=["Pediatrics"],
    )
    user = make_user(department="Surgery")
    admin = make_admin("grace")
    exception = _grant(call, user, admin)
    proposal = make_proposal(call=call, pi=user)

    page = signed_in(user).get(reverse("grants:proposal_submit", args=[proposal.pk]))
    submitted = services.proposal_submit(proposal=proposal, actor=user)

    day = timezone.localtime(exception.granted_at).strftime("%b %-d, %Y")
    assert (
        f"Eligible by an exception granted by {admin.display_name} on {day}."
        in page.content.decode()
    )
    assert submitted.status == "submitted"


def test_an_exception_does_not_waive_the_position_in_the_profile():
    call = make_call(eligible_applicant_types=[ApplicantType.INSTRUCTOR])
    user = make_user(applicant_type="")
    _grant(call, user)

    assert selectors.eligibility_problems(call=call, user=user) == [
        EligibilityProblem(
            "profile",
            "Complete your profile (your position) so we can check your eligibility.",
            "profile",
        )
    ]


def test_a_revoked_exception_lets_the_rules_apply_again_and_is_audited():
    call, user = _department()
    exception = _grant(call, user)
    proposal = make_proposal(call=call, pi=user)
    admin = make_admin()

    services.eligibility_exception_revoke(exception=exception, actor=admin)

    assert EligibilityException.objects.count() == 0
    assert selectors.proposal_blockers(proposal) == [
        Blocker("eligibility", RULES["department"].reason)
    ]
    entry = AuditEntry.objects.filter(action=AuditAction.ELIGIBILITY_EXCEPTION).latest("pk")
    assert (entry.actor, entry.note, entry.after, entry.before["person"]) == (
        admin,
        "revoked",
        None,
        user.username,
    )


def test_a_second_exception_for_the_same_person_is_refused():
    call, user = _department()
    _grant(call, user)

    with pytest.raises(ValidationError) as exc:
        _grant(call, user)

    assert exc.value.message_dict == {
        "person": [f"{user.display_name} already has an exception for this call."]
    }
    assert EligibilityException.objects.count() == 1


def test_only_administrators_grant_and_revoke_in_the_service():
    from django.core.exceptions import PermissionDenied

    call, user = _department()

    with pytest.raises(PermissionDenied):
        _grant(call, user, admin=make_user())
    exception = _grant(call, user)
    with pytest.raises(PermissionDenied):
        services.eligibility_exception_revoke(exception=exception, actor=user)

    assert EligibilityException.objects.count() == 1


# -- The administrators' page


def test_an_administrator_finds_the_person_and_grants_an_exception_on_the_page():
    call, user = _department()
    admin = make_admin()
    client = signed_in(admin)
    url = reverse("grants:call_eligibility_exceptions", args=[call.pk])

    found = client.get(url, {"q": user.last_name})
    response = client.post(
        url, {"q": user.last_name, "person": user.pk, "reason": "Joint appointment."}
    )

    assert f'value="{user.pk}"' in found.content.decode()
    assert response.status_code == 302
    exception = EligibilityException.objects.get()
    assert (exception.call, exception.person, exception.granted_by) == (call, user, admin)
    listed = client.get(url).content.decode()
    assert "Joint appointment." in listed
    assert "This call is for the departments of" not in listed  # the rules, not a refusal
    assert "Applicants in the departments of Family Medicine or Pediatrics." in listed


def test_the_page_refuses_bad_input_with_field_errors_and_saves_nothing():
    call, user = _department()
    client = signed_in(make_admin())
    url = reverse("grants:call_eligibility_exceptions", args=[call.pk])

    no_reason = client.post(url, {"person": user.pk, "reason": "  "})
    no_person = client.post(url, {"reason": "Joint appointment."})
    unknown = client.post(url, {"person": 999999, "reason": "Joint appointment."})

    assert no_reason.context["form"].errors == {"reason": ["This field is required."]}
    assert no_person.context["form"].errors == {
        "person": ["Find the person, then choose them from the results."]
    }
    assert unknown.context["form"].errors == {
        "person": ["That person is not available; search again."]
    }
    assert EligibilityException.objects.count() == 0


def test_a_second_exception_on_the_page_is_a_field_error():
    call, user = _department()
    _grant(call, user)

    response = signed_in(make_admin()).post(
        reverse("grants:call_eligibility_exceptions", args=[call.pk]),
        {"person": user.pk, "reason": "Again."},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "person": [f"{user.display_name} already has an exception for this call."]
    }


def test_an_administrator_revokes_on_the_page():
    call, user = _department()
    exception = _grant(call, user)

    response = signed_in(make_admin()).post(
        reverse("grants:eligibility_exception_revoke", args=[call.pk, exception.pk])
    )

    assert response.status_code == 302
    assert EligibilityException.objects.count() == 0


def test_the_page_and_revoke_are_not_found_for_anyone_else():
    call, user = _department()
    exception = _grant(call, user)
    client = signed_in(user)

    page = client.get(reverse("grants:call_eligibility_exceptions", args=[call.pk]))
    grant = client.post(
        reverse("grants:call_eligibility_exceptions", args=[call.pk]),
        {"person": user.pk, "reason": "Myself."},
    )
    revoke = client.post(
        reverse("grants:eligibility_exception_revoke", args=[call.pk, exception.pk])
    )

    assert (page.status_code, grant.status_code, revoke.status_code) == (404, 404, 404)
    assert EligibilityException.objects.count() == 1


def test_revoking_an_exception_of_another_call_is_not_found():
    call, user = _department()
    exception = _grant(call, user)

    response = signed_in(make_admin()).post(
        reverse("grants:eligibility_exception_revoke", args=[make_call().pk, exception.pk])
    )

    assert response.status_code == 404
    assert EligibilityException.objects.count() == 1


def test_the_call_pages_link_administrators_to_the_exceptions():
    call = make_call()
    admin = make_admin()
    url = reverse("grants:call_eligibility_exceptions", args=[call.pk])

    detail = _page(admin, call)
    proposals = signed_in(admin).get(reverse("grants:call_proposals", args=[call.pk]))

    assert f'href="{url}"' in detail
    assert f'href="{url}"' in proposals.content.decode()
    assert f'href="{url}"' not in _page(make_user(), call)


# -- The API


def test_the_api_grants_lists_and_revokes_an_exception():
    call, user = _department()
    admin = make_admin()
    client = api_as(admin)
    url = f"{API}/calls/{call.pk}/eligibility-exceptions/"

    created = client.post(url, {"person": user.pk, "reason": "Joint appointment."}, format="json")
    listed = client.get(url)
    pk = created.json()["id"]
    revoked = client.delete(f"{url}{pk}/")

    assert created.status_code == 201
    assert created.json()["person"]["username"] == user.username
    assert created.json()["granted_by"]["username"] == admin.username
    assert [item["id"] for item in listed.json()] == [pk]
    assert revoked.status_code == 204
    assert EligibilityException.objects.count() == 0
    notes = AuditEntry.objects.filter(action=AuditAction.ELIGIBILITY_EXCEPTION).order_by("pk")
    assert [entry.note for entry in notes] == ["granted", "revoked"]


def test_the_api_call_detail_names_the_exception():
    call, user = _department()
    exception = _grant(call, user, make_admin("ada"))

    eligibility = api_as(user).get(f"{API}/calls/{call.pk}/").json()["eligibility"]

    assert (eligibility["eligible"], eligibility["reasons"]) == (True, [])
    assert eligibility["exception"]["granted_by"] == exception.granted_by.display_name


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"person": "", "reason": "Why"}, {"person": ["This field may not be null."]}),
        (
            {"person": 999999, "reason": "Why"},
            {"person": ['Invalid pk "999999" - object does not exist.']},
        ),
        ({"reason": "Why"}, {"person": ["This field is required."]}),
        (
            {"person": "me", "reason": "Why"},
            {"person": ["Incorrect type. Expected pk value, received str."]},
        ),
    ],
    ids=["blank person", "unknown person", "no person", "not an id"],
)
def test_the_api_refuses_a_bad_person_with_400(body, errors):
    call = make_call()

    response = api_as(make_admin()).post(
        f"{API}/calls/{call.pk}/eligibility-exceptions/", body, format="json"
    )

    assert response.status_code == 400
    assert response.json() == errors
    assert EligibilityException.objects.count() == 0


def test_the_api_refuses_a_blank_reason_and_a_second_exception_with_400():
    call, user = _department()
    client = api_as(make_admin())
    url = f"{API}/calls/{call.pk}/eligibility-exceptions/"

    blank = client.post(url, {"person": user.pk, "reason": "   "}, format="json")
    _grant(call, user)
    twice = client.post(url, {"person": user.pk, "reason": "Again."}, format="json")

    assert (blank.status_code, blank.json()) == (400, {"reason": ["This field may not be blank."]})
    assert (twice.status_code, twice.json()) == (
        400,
        {"person": [f"{user.display_name} already has an exception for this call."]},
    )
    assert EligibilityException.objects.count() == 1


def test_the_api_is_403_for_others_and_404_for_calls_they_cannot_see():
    from grants.choices import CallStatus

    call, user = _department()
    draft = make_call(status=CallStatus.DRAFT)
    client = api_as(user)

    visible = client.post(
        f"{API}/calls/{call.pk}/eligibility-exceptions/",
        {"person": user.pk, "reason": "Myself."},
        format="json",
    )
    listed = client.get(f"{API}/calls/{call.pk}/eligibility-exceptions/")
    hidden = client.get(f"{API}/calls/{draft.pk}/eligibility-exceptions/")
    unknown = api_as(make_admin()).get(f"{API}/calls/999999/eligibility-exceptions/")

    assert (visible.status_code, listed.status_code) == (403, 403)
    assert (hidden.status_code, unknown.status_code) == (404, 404)
    assert EligibilityException.objects.count() == 0


# -- The Django admin


def test_the_django_admin_grants_and_revokes_through_the_services():
    call, user = _department()
    admin = User.objects.create_superuser("root", "root@example.edu", "x")
    client = Client()
    client.force_login(admin)

    added = client.post(
        reverse("admin:grants_eligibilityexception_add"),
        {"call": call.pk, "person": user.pk, "reason": "Joint appointment."},
    )
    exception = EligibilityException.objects.get()
    deleted = client.post(
        reverse("admin:grants_eligibilityexception_delete", args=[exception.pk]),
        {"post": "yes"},
    )

    assert (added.status_code, deleted.status_code) == (302, 302)
    assert exception.granted_by == admin
    assert EligibilityException.objects.count() == 0
    notes = AuditEntry.objects.filter(action=AuditAction.ELIGIBILITY_EXCEPTION).order_by("pk")
    assert [entry.note for entry in notes] == ["granted", "revoked"]


# ---- The call's rule fields: the admin form and the API --------------------------------------


def test_departments_are_cleaned_trimmed_and_once_each():
    assert departments_clean(["  Family   Medicine ", "family medicine", "Pediatrics"]) == [
        "Family Medicine",
        "Pediatrics",
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Pediatrics", "Give the departments as a list of names."),
        (["Pediatrics", 3], "Department 2 is not text."),
        (["Pediatrics", "   "], "Department 2 is empty."),
        (["x" * 201], "Department 1 is longer than 200 characters."),
    ],
    ids=["not a list", "not text", "empty", "too long"],
)
def test_departments_that_are_not_names_are_refused(value, message):
    with pytest.raises(ValidationError) as exc:
        departments_clean(value)

    assert exc.value.messages == [message]


def _call_form(**changes) -> FundingCallForm:
    call = make_call()
    data = {
        "program": make_program().pk,
        "title": "Pilot awards 2027",
        "description": "",
        "eligibility_notes": "",
        "opens_at": "2027-01-01 09:00",
        "closes_at": "2027-03-01 17:00",
        "time_zone": "America/Chicago",
        "total_budget": "100000",
        "max_award": "25000",
        "duration_months": "12",
        "abstract_word_limit": "300",
        "aims_word_limit": "500",
        "strategy_word_limit": "2000",
        "reviewers_per_proposal": "3",
        **changes,
    }
    return FundingCallForm(data, instance=call)


def test_the_admin_form_takes_departments_one_per_line():
    form = _call_form(
        eligible_departments="  Family Medicine \n\nPediatrics\n",
        requires_community_partner="on",
        first_time_applicants_only="on",
    )

    assert form.is_valid(), form.errors
    call = form.save()
    assert call.eligible_departments == ["Family Medicine", "Pediatrics"]
    assert (call.requires_community_partner, call.first_time_applicants_only) == (True, True)
    assert (call.requires_faculty_mentor, call.excludes_current_awardees) == (False, False)
    shown = FundingCallForm(instance=call)
    assert shown.initial["eligible_departments"] == "Family Medicine\nPediatrics"


def test_the_admin_form_refuses_a_department_too_long_and_saves_nothing():
    form = _call_form(eligible_departments="Pediatrics\n" + "x" * 201)

    assert form.errors == {"eligible_departments": ["Department 2 is longer than 200 characters."]}


def test_the_api_call_exposes_the_rule_fields():
    call = make_call(
        eligible_departments=["Pediatrics"],
        requires_faculty_mentor=True,
        excludes_current_awardees=True,
    )

    listed = api_as(make_user()).get(f"{API}/calls/").json()["results"][0]

    assert {
        name: listed[name]
        for name in (
            "eligible_departments",
            "requires_faculty_mentor",
            "requires_community_partner",
            "first_time_applicants_only",
            "excludes_current_awardees",
        )
    } == {
        "eligible_departments": ["Pediatrics"],
        "requires_faculty_mentor": True,
        "requires_community_partner": False,
        "first_time_applicants_only": False,
        "excludes_current_awardees": True,
    }
    assert "eligibility" not in listed  # the caller's standing is on the call's own page
    assert listed["id"] == call.pk


def test_a_trainee_proposal_with_its_endorsement_meets_the_mentor_rule():
    proposal, _student, _mentor = make_trainee_proposal(
        call=make_call(requires_faculty_mentor=True)
    )

    assert selectors.proposal_blockers(proposal) == []
