"""A megabyte in each text field of the main forms and their API equivalents: the page is shown
again (200) with the error under that field, the API answers 400 under that field, the text
is not stored, and nothing answers 500. Limits: grants.validators.PROPOSAL_TEXT_LIMITS,
reviews.validators, reporting.validators (and each CharField's max_length)."""

from datetime import date

import pytest
from django.urls import reverse

from grants.models import BudgetLine, Proposal, TeamMember
from grants.validators import LONG_TEXT_MAX, PROPOSAL_TEXT_LIMITS
from reporting import services as reporting_services
from reporting.models import Partnership, ProgressReport, Publication
from reviews import services as review_services
from reviews.choices import CriterionKind, ReviewPhase
from reviews.models import CriterionScore, Review
from reviews.selectors import criteria_for
from reviews.validators import RESUME_MAX, REVIEW_TEXT_MAX
from tests.api.support import API, api_as
from tests.factories import make_call, make_proposal, make_review_setup, move_review_to
from tests.reporting.support import simple_award
from tests.reviews.support import assignments_of
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db

HUGE = "<b>x</b>" * 125_000  # one megabyte, markup included
assert len(HUGE) == 1_000_000


def form_error(limit: int) -> list[str]:
    """Django's message for a form field past its max_length."""
    return [f"Ensure this value has at most {limit} characters (it has {len(HUGE)})."]


def api_error(limit: int) -> list[str]:
    """DRF's message for a serializer field past its max_length."""
    return [f"Ensure this field has no more than {limit} characters."]


def service_error(limit: int) -> list[str]:
    return [f"Keep this to {limit:,} characters or fewer (it has {len(HUGE):,})."]


# ---- Proposal sections -----------------------------------------------------------------------

PROPOSAL_FIELDS = list(PROPOSAL_TEXT_LIMITS)


def sections_form(proposal: Proposal) -> dict:
    """The edit page's form as the browser posts it, with the proposal's current values."""
    data = {name: getattr(proposal, name) for name in PROPOSAL_FIELDS}
    return {
        **data,
        "disparity_populations": proposal.disparity_populations,
        "nimhd_domains": proposal.nimhd_domains,
        "requested_amount": str(proposal.requested_amount),
        "irb_status": proposal.irb_status,
        "version": str(proposal.version),
    }


@pytest.mark.parametrize("field", PROPOSAL_FIELDS)
def test_proposal_edit_page_refuses_a_megabyte_in_each_section(field):
    proposal = make_proposal()
    before = getattr(proposal, field)

    response = signed_in(proposal.pi).post(
        reverse("grants:proposal_edit", args=[proposal.pk]),
        {**sections_form(proposal), field: HUGE},
    )

    proposal.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors == {field: form_error(PROPOSAL_TEXT_LIMITS[field])}
    assert getattr(proposal, field) == before


@pytest.mark.parametrize("field", PROPOSAL_FIELDS)
def test_proposal_api_refuses_a_megabyte_in_each_section(field):
    proposal = make_proposal()
    before = getattr(proposal, field)

    response = api_as(proposal.pi).patch(
        f"{API}/proposals/{proposal.pk}/", {field: HUGE}, format="json"
    )

    proposal.refresh_from_db()
    assert response.status_code == 400
    assert response.json() == {field: api_error(PROPOSAL_TEXT_LIMITS[field])}
    assert getattr(proposal, field) == before


def test_proposal_api_create_refuses_a_megabyte_title_and_starts_nothing():
    call = make_call()
    pi = make_proposal(complete=False).pi

    response = api_as(pi).post(
        f"{API}/proposals/", {"call": call.pk, "title": HUGE, "abstract": HUGE}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"title": api_error(250), "abstract": api_error(LONG_TEXT_MAX)}
    assert not Proposal.objects.filter(call=call).exists()


@pytest.mark.parametrize("field", PROPOSAL_FIELDS)
def test_proposal_update_service_refuses_a_megabyte(field):
    from django.core.exceptions import ValidationError

    from grants import services

    proposal = make_proposal()

    with pytest.raises(ValidationError) as exc:
        services.proposal_update(proposal=proposal, actor=proposal.pi, data={field: HUGE})

    assert exc.value.message_dict == {field: service_error(PROPOSAL_TEXT_LIMITS[field])}


# ---- Team ------------------------------------------------------------------------------------

TEAM_FIELDS = {
    "full_name": (form_error(200), api_error(200)),
    "organisation": (form_error(200), api_error(200)),
    "username": (form_error(150), api_error(150)),
    "email": (
        ["Enter a valid email address.", *form_error(254)],
        [*api_error(254), "Enter a valid email address."],
    ),
}


@pytest.mark.parametrize("field", list(TEAM_FIELDS))
def test_team_page_refuses_a_megabyte_in_each_field(field):
    proposal = make_proposal(complete=False)
    data = {"role": "community_partner", "full_name": "Ana Ruiz", field: HUGE}

    response = signed_in(proposal.pi).post(
        reverse("grants:proposal_team", args=[proposal.pk]), data
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {field: TEAM_FIELDS[field][0]}
    assert TeamMember.objects.count() == 0


@pytest.mark.parametrize("field", list(TEAM_FIELDS))
def test_team_api_refuses_a_megabyte_in_each_field(field):
    proposal = make_proposal(complete=False)
    data = {"role": "community_partner", "full_name": "Ana Ruiz", field: HUGE}

    response = api_as(proposal.pi).post(f"{API}/proposals/{proposal.pk}/team/", data, format="json")

    assert response.status_code == 400
    assert response.json() == {field: TEAM_FIELDS[field][1]}
    assert TeamMember.objects.count() == 0


def test_team_service_refuses_header_injection_in_an_outside_persons_email():
    from django.core.exceptions import ValidationError

    from grants import services

    proposal = make_proposal(complete=False)

    with pytest.raises(ValidationError) as exc:
        services.team_member_add(
            proposal=proposal,
            actor=proposal.pi,
            role="community_partner",
            full_name="Ana Ruiz",
            email="ana@example.org\nBcc: everyone@example.org",
        )

    assert exc.value.message_dict == {"email": ["Enter a valid email address."]}
    assert TeamMember.objects.count() == 0


# ---- Budget ----------------------------------------------------------------------------------


def test_budget_page_refuses_a_megabyte_description():
    proposal = make_proposal(complete=False)

    response = signed_in(proposal.pi).post(
        reverse("grants:proposal_budget", args=[proposal.pk]),
        {"category": "supplies", "description": HUGE, "amount": "100.00"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"description": form_error(250)}
    assert BudgetLine.objects.count() == 0


def test_budget_api_refuses_a_megabyte_description():
    proposal = make_proposal(complete=False)

    response = api_as(proposal.pi).post(
        f"{API}/proposals/{proposal.pk}/budget/",
        {"category": "supplies", "description": HUGE, "amount": "100.00"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"description": api_error(250)}
    assert BudgetLine.objects.count() == 0


# ---- Reviews ---------------------------------------------------------------------------------


@pytest.fixture
def assignment():
    setup = make_review_setup(proposals=1, members=3)
    for member in setup.members:
        review_services.assignment_create(
            proposal=setup.proposals[0], reviewer=member, actor=setup.chair
        )
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)
    first = assignments_of(setup.proposals[0])[0]
    review_services.conflict_certify_none(assignment=first, actor=first.reviewer)
    return first


REVIEW_FIELDS = ["overall_paragraph", "comments_to_applicant", "confidential_comments"]
CRITERION_FIELDS = ["strengths", "weaknesses", "explanation"]


@pytest.mark.parametrize("field", REVIEW_FIELDS)
def test_review_page_refuses_a_megabyte_in_each_text(assignment, field):
    response = signed_in(assignment.reviewer).post(
        reverse("reviews:review", args=[assignment.pk]),
        {"action": "save", "version": "0", field: HUGE},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["errors"] == {field: service_error(REVIEW_TEXT_MAX)}
    assert f'id="{field}_errors"' in page
    assert getattr(Review.objects.get(assignment=assignment), field) == ""


def _criterion_for(call, field: str):
    """A criterion whose form shows ``field`` (only sufficiency criteria have an explanation)."""
    kind = CriterionKind.SUFFICIENCY if field == "explanation" else CriterionKind.SCORE
    return criteria_for(call).filter(kind=kind).first()


@pytest.mark.parametrize("field", CRITERION_FIELDS)
def test_review_page_refuses_a_megabyte_in_each_criterion_text(assignment, field):
    criterion = _criterion_for(assignment.proposal.call, field)

    response = signed_in(assignment.reviewer).post(
        reverse("reviews:review", args=[assignment.pk]),
        {"action": "save", "version": "0", f"c{criterion.pk}_{field}": HUGE},
    )

    key = f"criterion_{criterion.pk}_{field}"
    assert response.status_code == 200
    assert response.context["errors"] == {key: service_error(REVIEW_TEXT_MAX)}
    assert f'id="c{criterion.pk}_{field}_errors"' in response.content.decode()
    assert not CriterionScore.objects.exclude(**{field: ""}).exists()


@pytest.mark.parametrize("field", REVIEW_FIELDS)
def test_review_api_refuses_a_megabyte_in_each_text(assignment, field):
    response = api_as(assignment.reviewer).post(
        f"{API}/reviews/", {"assignment": assignment.pk, field: HUGE}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {field: api_error(REVIEW_TEXT_MAX)}
    assert not Review.objects.exists()


@pytest.mark.parametrize("field", CRITERION_FIELDS)
def test_review_api_refuses_a_megabyte_in_each_criterion_text(assignment, field):
    criterion = _criterion_for(assignment.proposal.call, field)

    response = api_as(assignment.reviewer).post(
        f"{API}/reviews/",
        {"assignment": assignment.pk, "criteria": {str(criterion.pk): {field: HUGE}}},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"criteria": {str(criterion.pk): {field: api_error(REVIEW_TEXT_MAX)}}}
    assert not Review.objects.exists()


def test_resume_of_discussion_limit_is_the_same_on_the_form_and_the_api():
    from reviews.api.serializers import FinalizeRequestSerializer
    from reviews.forms import ResumeForm

    form = ResumeForm({"resume_of_discussion": HUGE})
    serializer = FinalizeRequestSerializer(data={"proposal": 1, "resume_of_discussion": HUGE})

    assert not form.is_valid()
    assert form.errors == {"resume_of_discussion": form_error(RESUME_MAX)}
    assert not serializer.is_valid()
    assert serializer.errors == {"resume_of_discussion": api_error(RESUME_MAX)}


# ---- Outcomes --------------------------------------------------------------------------------

PUBLICATION = {
    "title": "Promotoras and HbA1c",
    "journal": "Diabetes Care",
    "year": "2025",
    "published_on": "2025-10-01",
    "authors": "Garcia M",
    "peer_reviewed": "on",
}
PUBLICATION_LIMITS = {"title": 500, "journal": 300, "authors": LONG_TEXT_MAX}
PARTNERSHIP = {
    "organisation": "Valley FQHC",
    "partner_type": "fqhc",
    "purpose": "research",
    "description": "Recruitment site.",
}
PARTNERSHIP_LIMITS = {"organisation": 300, "description": LONG_TEXT_MAX}
OUTCOME_CASES = [("publications", PUBLICATION, f) for f in PUBLICATION_LIMITS] + [
    ("partnerships", PARTNERSHIP, f) for f in PARTNERSHIP_LIMITS
]
LIMITS = {"publications": PUBLICATION_LIMITS, "partnerships": PARTNERSHIP_LIMITS}
MODELS = {"publications": Publication, "partnerships": Partnership}


@pytest.mark.parametrize(("kind", "data", "field"), OUTCOME_CASES)
def test_outcome_page_refuses_a_megabyte_in_each_text(kind, data, field):
    award, _ = simple_award()

    response = signed_in(award.proposal.pi).post(
        reverse("reporting:outcome_new", args=[award.pk, kind]), {**data, field: HUGE}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {field: form_error(LIMITS[kind][field])}
    assert not MODELS[kind].objects.exists()


@pytest.mark.parametrize(("kind", "data", "field"), OUTCOME_CASES)
def test_outcome_api_refuses_a_megabyte_in_each_text(kind, data, field):
    award, _ = simple_award()
    link = {"awards": [award.pk]} if kind == "publications" else {"award": award.pk}
    body = {k: v for k, v in data.items() if k not in ("year", "peer_reviewed")}

    response = api_as(award.proposal.pi).post(
        f"{API}/outcomes/{kind}/", {**body, **link, field: HUGE}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {field}
    assert not MODELS[kind].objects.exists()


@pytest.mark.parametrize("field", ["authors", "description"])
def test_outcome_services_refuse_a_megabyte_of_long_text(field):
    from django.core.exceptions import ValidationError

    award, _ = simple_award()
    pi = award.proposal.pi

    with pytest.raises(ValidationError) as exc:
        if field == "authors":
            reporting_services.publication_create(
                actor=pi,
                awards=[award],
                data={"title": "T", "published_on": date(2025, 10, 1), "authors": HUGE},
            )
        else:
            reporting_services.partnership_create(
                actor=pi, award=award, data={**PARTNERSHIP, "description": HUGE}
            )

    assert exc.value.message_dict == {field: service_error(LONG_TEXT_MAX)}


# ---- Progress reports ------------------------------------------------------------------------

NARRATIVES = ["objectives_accomplishments", "barriers_resolutions"]


def _due_report(award) -> ProgressReport:
    return reporting_services.progress_reports_schedule(award=award)[0]


@pytest.mark.parametrize("field", NARRATIVES)
def test_progress_report_page_refuses_a_megabyte_narrative(field):
    award, _ = simple_award()
    report = _due_report(award)
    data = {"objectives_accomplishments": "Enrolled 60.", "barriers_resolutions": "None."}

    response = signed_in(award.proposal.pi).post(
        reverse("reporting:progress_report", args=[award.pk, report.pk]), {**data, field: HUGE}
    )

    report.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors == {field: form_error(LONG_TEXT_MAX)}
    assert (report.status, getattr(report, field)) == ("due", "")


@pytest.mark.parametrize("field", NARRATIVES)
def test_progress_report_api_refuses_a_megabyte_narrative(field):
    award, _ = simple_award()
    report = _due_report(award)
    data = {"objectives_accomplishments": "Enrolled 60.", "barriers_resolutions": "None."}

    response = api_as(award.proposal.pi).post(
        f"{API}/progress-reports/{report.pk}/submit/", {**data, field: HUGE}, format="json"
    )

    report.refresh_from_db()
    assert response.status_code == 400
    assert response.json() == {field: api_error(LONG_TEXT_MAX)}
    assert (report.status, getattr(report, field)) == ("due", "")


@pytest.mark.parametrize("field", NARRATIVES)
def test_progress_report_service_refuses_a_megabyte_narrative(field):
    from django.core.exceptions import ValidationError

    award, _ = simple_award()
    report = _due_report(award)
    data = {"objectives_accomplishments": "Enrolled 60.", "barriers_resolutions": "None."}

    with pytest.raises(ValidationError) as exc:
        reporting_services.progress_report_submit(
            report=report, actor=award.proposal.pi, **{**data, field: HUGE}
        )

    assert exc.value.message_dict == {field: service_error(LONG_TEXT_MAX)}


# ---- Whole request bodies past DATA_UPLOAD_MAX_MEMORY_SIZE -----------------------------------


def test_api_json_body_over_the_request_limit_is_a_clean_400():
    """DRF reads JSON through request.body, which keeps DATA_UPLOAD_MAX_MEMORY_SIZE: a body
    past it is refused before it is parsed."""
    import json

    proposal = make_proposal()
    body = json.dumps({"abstract": "x" * 3_000_000})

    response = api_as(proposal.pi).patch(
        f"{API}/proposals/{proposal.pk}/", body, content_type="application/json"
    )

    proposal.refresh_from_db()
    assert response.status_code == 400
    assert proposal.abstract.startswith("We will test")


def test_web_form_body_over_the_request_limit_is_a_clean_400():
    proposal = make_proposal()

    response = signed_in(proposal.pi).post(
        reverse("grants:proposal_edit", args=[proposal.pk]),
        {**sections_form(proposal), "abstract": "x" * 3_000_000},
    )

    proposal.refresh_from_db()
    assert response.status_code == 400
    assert proposal.abstract.startswith("We will test")


# ---- NUL characters (PostgreSQL cannot store them) ----------------------------------------------


def test_review_page_refuses_a_nul_character_under_its_field(assignment):
    """The review sheet posts straight to the service (no form class): it must refuse a NUL
    itself, or PostgreSQL answers 500."""
    response = signed_in(assignment.reviewer).post(
        reverse("reviews:review", args=[assignment.pk]),
        {"action": "save", "version": "0", "overall_paragraph": "Strong\x00aims."},
    )

    assert response.status_code == 200
    assert response.context["errors"] == {"overall_paragraph": ["Null characters are not allowed."]}
    assert Review.objects.get(assignment=assignment).overall_paragraph == ""


def test_proposal_forms_and_api_refuse_a_nul_character():
    proposal = make_proposal()

    web = signed_in(proposal.pi).post(
        reverse("grants:proposal_edit", args=[proposal.pk]),
        {**sections_form(proposal), "timeline": "Month 1\x00"},
    )
    api = api_as(proposal.pi).patch(
        f"{API}/proposals/{proposal.pk}/", {"timeline": "Month 1\x00"}, format="json"
    )

    proposal.refresh_from_db()
    assert web.context["form"].errors == {"timeline": ["Null characters are not allowed."]}
    assert api.json() == {"timeline": ["Null characters are not allowed."]}
    assert "\x00" not in proposal.timeline
