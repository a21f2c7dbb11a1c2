"""Call templates (issue #19): an administrator starts a new round of a call by copying a past
one — everything that defines the competition, its criteria and committee, none of its
history — and gives it new dates (grants.services.call_copy, through the page, the API and the
Django admin)."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ApplicantType, AuditAction
from accounts.models import AuditEntry
from grants import services as grant_services
from grants.choices import AttachmentKind, CallStatus
from grants.models import Award, Decision, EligibilityException, FundingCall, LetterOfIntent
from grants.services.call_copy import COPIED_FIELDS, COPIED_RELATIONS, NOT_COPIED
from reviews import services as review_services
from reviews.choices import CriterionKind
from reviews.models import Assignment, CallReview, Criterion
from tests.api.support import API, api_as
from tests.factories import (
    make_admin,
    make_call,
    make_review_setup,
    make_user,
    submit_review,
)
from tests.support.clients import signed_in
from tests.support.letters import make_letter, make_two_stage_call

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def office():
    """An administrator with staff access, as the program office signs in."""
    admin = make_admin()
    admin.is_staff = True
    admin.is_superuser = True  # the Django admin's model permissions
    admin.save(update_fields=["is_staff", "is_superuser"])
    return admin


def ahead(days: int) -> datetime:
    return timezone.now() + timedelta(days=days)


def copy_url(call) -> str:
    return f"{API}/calls/{call.pk}/copy/"


def dates(*, opens: int = 30, closes: int = 90, letters: int | None = None) -> dict:
    body = {"opens_at": ahead(opens).isoformat(), "closes_at": ahead(closes).isoformat()}
    if letters is not None:
        body["letters_close_at"] = ahead(letters).isoformat()
    return body


def a_closed_call_with_everything(admin):
    """A closed call in review with a value other than the default in every field a copy
    takes, its criteria edited and reordered, its committee attached, and a history: reviews
    assigned and written, a decision, an eligibility exception."""
    setup = make_review_setup(proposals=2, members=3, reviewers_per_proposal=2)
    call = setup.call
    FundingCall.objects.filter(pk=call.pk).update(
        title="Pilot Awards 2025",
        description="One-year pilots on diabetes in farmworker communities.",
        eligible_applicant_types=[ApplicantType.ASSISTANT_PROFESSOR, ApplicantType.RESIDENT],
        eligible_departments=["Family Medicine", "Pediatrics"],
        requires_faculty_mentor=True,
        requires_community_partner=True,
        first_time_applicants_only=True,
        excludes_current_awardees=True,
        eligibility_notes="Joint appointments count.",
        blind_review=True,
        reviewers_per_proposal=2,
        time_zone="America/Chicago",
        total_budget=Decimal("150000.00"),
        max_award=Decimal("30000.00"),
        duration_months=18,
        one_per_applicant=False,
        abstract_word_limit=250,
        aims_word_limit=400,
        strategy_word_limit=1500,
        required_sections=["abstract", "specific_aims"],
        required_attachments=[AttachmentKind.BIOSKETCH, AttachmentKind.LETTER_OF_SUPPORT],
        letter_of_intent=True,
        letters_close_at=call.opens_at + timedelta(days=1),
        nominations_allowed=2,
        sponsor="NIH NIMHD",
        sponsor_opportunity="RFA-MD-27-004",
        sponsor_deadline=(call.closes_at + timedelta(days=30)).date(),
    )
    call.refresh_from_db()
    review_services.criterion_save(
        call=call,
        actor=admin,
        name="Community partnership",
        kind=CriterionKind.SUFFICIENCY,
        description="Is the partner at the table from the start?",
        position=0,
    )
    grant_services.eligibility_exception_grant(
        call=call, person=make_user(), reason="Joint appointment.", actor=admin
    )
    proposal = setup.proposals[0]
    assignment = review_services.assignment_create(
        proposal=proposal, reviewer=setup.members[0], actor=admin
    )
    review_services.review_phase_transition(call=call, to="independent_review", actor=setup.chair)
    submit_review(assignment)
    return setup


# ---- What a copy carries ----------------------------------------------------------------------


def test_the_copy_carries_every_listed_field_the_criteria_and_the_committee():
    admin = make_admin()
    setup = a_closed_call_with_everything(admin)
    source = setup.call
    default = FundingCall()

    response = api_as(admin).post(
        copy_url(source), dates(opens=30, letters=45, closes=90), format="json"
    )

    assert response.status_code == 201, response.content
    copy = FundingCall.objects.get(pk=response.json()["id"])
    # Each listed field has a value of its own on the source, so that carrying it is seen.
    assert [
        name
        for name in COPIED_FIELDS
        if name != "program" and getattr(source, name) == getattr(default, name)
    ] == [], "give the source a value other than the default in these"
    assert {name: getattr(copy, name) for name in COPIED_FIELDS} == {
        name: getattr(source, name) for name in COPIED_FIELDS
    }
    assert copy.copied_from == source
    assert response.json()["copied_from"] == source.pk
    assert list(Criterion.objects.filter(call=copy).values_list("name", "kind", "description")) == (
        list(Criterion.objects.filter(call=source).values_list("name", "kind", "description"))
    )
    assert Criterion.objects.filter(call=copy).first().name == "Community partnership"
    copied_review = CallReview.objects.get(call=copy)
    assert copied_review.committee == setup.committee
    assert copied_review.committee.chair == setup.chair
    assert copied_review.reviewers_per_proposal == 2
    assert copied_review.phase == "assignment"
    # The review is due as long after the new deadline as it was after the old one.
    assert copied_review.review_due_at - copy.closes_at == (
        setup.call_review.review_due_at - source.closes_at
    )


def test_the_copy_carries_none_of_the_history():
    admin = make_admin()
    source = a_closed_call_with_everything(admin).call

    copy_id = (
        api_as(admin)
        .post(copy_url(source), dates(opens=30, letters=45, closes=90), format="json")
        .json()["id"]
    )

    assert source.proposals.count() == 2
    assert Assignment.objects.filter(proposal__call=source).count() == 1
    assert {
        "proposals": FundingCall.objects.get(pk=copy_id).proposals.count(),
        "assignments": Assignment.objects.filter(proposal__call_id=copy_id).count(),
        "letters": LetterOfIntent.objects.filter(call_id=copy_id).count(),
        "decisions": Decision.objects.filter(call_id=copy_id).count(),
        "awards": Award.objects.filter(call_id=copy_id).count(),
        "exceptions": EligibilityException.objects.filter(call_id=copy_id).count(),
    } == dict.fromkeys(
        ("proposals", "assignments", "letters", "decisions", "awards", "exceptions"), 0
    )


def test_a_two_stage_call_is_copied_with_its_stage_and_none_of_its_letters():
    admin = make_admin()
    source = make_two_stage_call(letters_due=ahead(2))
    make_letter(call=source, applicant=make_user())

    response = api_as(admin).post(
        copy_url(source), dates(opens=30, letters=45, closes=90), format="json"
    )

    assert response.status_code == 201, response.content
    copy = FundingCall.objects.get(pk=response.json()["id"])
    assert copy.letter_of_intent is True
    assert copy.letters_close_at == datetime.fromisoformat(response.json()["letters_close_at"])
    assert copy.letters.count() == 0
    assert source.letters.count() == 1


def test_a_limited_submission_is_copied_with_its_sponsor_and_a_moved_sponsor_deadline():
    admin = make_admin()
    source = make_call(
        nominations_allowed=2,
        sponsor="NIH NIMHD",
        sponsor_opportunity="RFA-MD-27-004",
        sponsor_deadline=(timezone.now() + timedelta(days=60)).date(),
    )

    response = api_as(admin).post(copy_url(source), dates(opens=30, closes=90), format="json")

    assert response.status_code == 201, response.content
    copy = FundingCall.objects.get(pk=response.json()["id"])
    shift = copy.closes_at - source.closes_at
    assert (copy.nominations_allowed, copy.sponsor, copy.sponsor_opportunity) == (
        2,
        "NIH NIMHD",
        "RFA-MD-27-004",
    )
    assert copy.sponsor_deadline == source.sponsor_deadline + shift
    copy.full_clean()  # still after the copy's own deadline


def test_a_call_without_a_committee_is_copied_without_one():
    admin = make_admin()
    source = make_call(status=CallStatus.CLOSED)

    response = api_as(admin).post(copy_url(source), dates(), format="json")

    assert response.status_code == 201, response.content
    copy = FundingCall.objects.get(pk=response.json()["id"])
    assert CallReview.objects.filter(call=copy).exists() is False
    assert copy.committee_review_open is False
    assert Criterion.objects.filter(call=copy).count() == 0


# ---- A draft of its own -----------------------------------------------------------------------


def test_the_copy_of_a_closed_call_is_a_draft_whose_shape_may_still_change(office):
    source = make_call(
        status=CallStatus.CLOSED,
        blind_review=True,
        letter_of_intent=True,
        letters_close_at=timezone.now() - timedelta(days=3),
        opens_at=timezone.now() - timedelta(days=10),
    )

    response = api_as(office).post(
        copy_url(source), dates(opens=30, letters=45, closes=90), format="json"
    )
    copy = FundingCall.objects.get(pk=response.json()["id"])
    client = signed_in(office)
    copy_form = client.get(reverse("admin:grants_fundingcall_change", args=(copy.pk,)))
    source_form = client.get(reverse("admin:grants_fundingcall_change", args=(source.pk,)))

    assert copy.status == CallStatus.DRAFT
    assert {"blind_review", "letter_of_intent"} <= set(copy_form.context["adminform"].form.fields)
    assert {"blind_review", "letter_of_intent"} & set(
        source_form.context["adminform"].form.fields
    ) == set()


def test_the_copys_criteria_may_be_edited_before_it_opens():
    admin = make_admin()
    source = a_closed_call_with_everything(admin).call
    copy = grant_services.call_copy(
        source=source,
        actor=admin,
        opens_at=ahead(30),
        letters_close_at=ahead(45),
        closes_at=ahead(90),
    )

    criterion = review_services.criterion_save(
        call=copy, actor=admin, name="Feasibility in one year", kind=CriterionKind.SCORE
    )

    assert criterion.call == copy
    assert Criterion.objects.filter(call=source, name="Feasibility in one year").exists() is False


def test_the_copy_is_audited_with_its_source(office):
    source = make_call(status=CallStatus.ARCHIVED, title="Pilot Awards 2025")

    response = api_as(office).post(copy_url(source), dates(), format="json")

    copy = FundingCall.objects.get(pk=response.json()["id"])
    entry = AuditEntry.objects.get(object_type="grants.fundingcall", object_id=str(copy.pk))
    assert entry.action == AuditAction.STATE_CHANGED
    assert entry.actor == office
    assert entry.after["state"] == "draft"
    assert entry.after["copied_from"] == source.pk
    assert entry.after["title"] == "Pilot Awards 2026"
    assert entry.note == f"Copied from “Pilot Awards 2025” (call {source.pk})."


# ---- Dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"opens_at": -1, "closes_at": 90},
            {"opens_at": ["This date has passed; a new call's dates are in the future."]},
        ),
        (
            {"opens_at": 30, "closes_at": 40_000},  # about 110 years on: a typo
            {"closes_at": ["Give a date before 2100."]},
        ),
        (
            {"opens_at": 60, "closes_at": 30},
            {"closes_at": ["The deadline must come after the call opens."]},
        ),
        (
            {"opens_at": 30, "closes_at": 30},
            {"closes_at": ["The deadline must come after the call opens."]},
        ),
        (
            {"opens_at": 30, "closes_at": 90, "letters_close_at": 45},
            {
                "letters_close_at": [
                    "This call has no letter-of-intent stage; leave the letters' deadline empty."
                ]
            },
        ),
    ],
)
def test_bad_dates_are_refused_by_field_and_nothing_is_created(body, errors):
    admin = make_admin()
    source = make_call(status=CallStatus.CLOSED)
    before = FundingCall.objects.count()
    now = timezone.now()

    response = api_as(admin).post(
        copy_url(source),
        {name: (now + timedelta(days=days)).isoformat() for name, days in body.items()},
    )

    assert response.status_code == 400
    assert response.json() == errors
    assert FundingCall.objects.count() == before


@pytest.mark.parametrize(
    ("letters", "errors"),
    [
        (
            None,
            {
                "letters_close_at": [
                    "This call opens with a letter of intent: give the letters' deadline."
                ]
            },
        ),
        (
            95,
            {
                "letters_close_at": [
                    "Letters of intent are due after the call opens and before the deadline "
                    "for full proposals."
                ]
            },
        ),
        (
            20,
            {
                "letters_close_at": [
                    "Letters of intent are due after the call opens and before the deadline "
                    "for full proposals."
                ]
            },
        ),
    ],
)
def test_a_two_stage_copy_needs_its_letters_due_between_opening_and_deadline(letters, errors):
    admin = make_admin()
    source = make_two_stage_call()
    before = FundingCall.objects.count()

    response = api_as(admin).post(
        copy_url(source), dates(opens=30, closes=90, letters=letters), format="json"
    )

    assert response.status_code == 400
    assert response.json() == errors
    assert FundingCall.objects.count() == before


def test_missing_dates_and_a_long_title_are_field_errors():
    admin = make_admin()
    source = make_call()

    response = api_as(admin).post(copy_url(source), {"title": "x" * 201}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"title", "opens_at", "closes_at"}


def test_the_service_refuses_naive_dates():
    admin = make_admin()
    source = make_call()
    naive = datetime.now() + timedelta(days=30)  # noqa: DTZ005 -- the point of the test

    with pytest.raises(ValidationError) as refused:
        grant_services.call_copy(
            source=source, actor=admin, opens_at=naive, closes_at=naive + timedelta(days=30)
        )

    assert refused.value.message_dict == {
        "opens_at": ["Give the time with its time zone."],
        "closes_at": ["Give the time with its time zone."],
    }


# ---- Who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["applicant", "reviewer", "chair"])
def test_only_administrators_copy_a_call_on_the_page_or_the_api(role):
    setup = make_review_setup(proposals=1)
    user = {
        "applicant": setup.proposals[0].pi,
        "reviewer": setup.members[0],
        "chair": setup.chair,
    }[role]
    draft = make_call(status=CallStatus.DRAFT)
    before = FundingCall.objects.count()

    page = signed_in(user).get(reverse("grants:call_copy", args=(setup.call.pk,)))
    posted = signed_in(user).post(
        reverse("grants:call_copy", args=(setup.call.pk,)),
        {"title": "Mine", "opens_at": "2099-01-01T09:00", "closes_at": "2099-03-01T17:00"},
    )
    visible = api_as(user).post(copy_url(setup.call), dates(), format="json")
    hidden = api_as(user).post(copy_url(draft), dates(), format="json")

    assert (page.status_code, posted.status_code) == (404, 404)
    assert (visible.status_code, hidden.status_code) == (403, 404)
    assert FundingCall.objects.count() == before


def test_anonymous_callers_are_sent_to_sign_in_or_refused():
    source = make_call()

    page = Client().get(reverse("grants:call_copy", args=(source.pk,)))
    api = api_as().post(copy_url(source), dates(), format="json")

    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login"))
    assert api.status_code == 401


# ---- The page ---------------------------------------------------------------------------------


def test_the_form_offers_the_title_and_dates_a_year_on_in_the_calls_time_zone(office):
    # March 1 at 9:00 in Los Angeles (PST) to April 15 at 17:00 (PDT), opened this year.
    year = timezone.localtime(timezone.now(), LA).year
    source = make_call(
        status=CallStatus.CLOSED,
        title=f"Pilot Awards {year - 1}–{str(year)[2:]}",
        opens_at=datetime(year - 1, 3, 1, 9, 0, tzinfo=LA),
        closes_at=datetime(year - 1, 4, 15, 17, 0, tzinfo=LA),
        time_zone="America/Los_Angeles",
    )
    now = timezone.now()
    years = 1 if datetime(year, 3, 1, 9, 0, tzinfo=LA) > now else 2

    response = signed_in(office).get(reverse("grants:call_copy", args=(source.pk,)))

    offered = response.context["form"].initial
    assert response.status_code == 200
    assert offered["title"] == f"Pilot Awards {year - 1 + years}–{str(year + years)[2:]}"
    assert offered["opens_at"] == datetime(year - 1 + years, 3, 1, 9, 0, tzinfo=LA)
    assert offered["closes_at"] == datetime(year - 1 + years, 4, 15, 17, 0, tzinfo=LA)
    # Shown as the call's local time, whatever the server's zone.
    page = response.content.decode()
    assert f'value="{year - 1 + years}-03-01T09:00"' in page
    assert f'value="{year - 1 + years}-04-15T17:00"' in page
    assert "letters_close_at" not in response.context["form"].fields


def test_an_old_call_is_offered_dates_in_the_future(office):
    source = make_call(
        status=CallStatus.ARCHIVED,
        title="Pilot Awards",
        opens_at=timezone.now() - timedelta(days=3 * 365 + 30),
        closes_at=timezone.now() - timedelta(days=3 * 365),
    )

    response = signed_in(office).get(reverse("grants:call_copy", args=(source.pk,)))

    offered = response.context["form"].initial
    assert timezone.now() < offered["opens_at"] < timezone.now() + timedelta(days=366)
    assert offered["title"] == f"Pilot Awards {offered['opens_at'].year}"


def test_copying_on_the_page_lands_on_the_new_drafts_edit_page(office):
    source = make_call(status=CallStatus.CLOSED, title="Pilot Awards 2025")
    year = timezone.localtime(timezone.now(), LA).year + 1

    response = signed_in(office).post(
        reverse("grants:call_copy", args=(source.pk,)),
        {
            "title": "Pilot Awards 2026",
            "opens_at": f"{year}-03-01T09:00",
            "closes_at": f"{year}-04-15T17:00",
        },
        follow=True,
    )

    copy = FundingCall.objects.get(copied_from=source)
    assert response.redirect_chain == [
        (reverse("admin:grants_fundingcall_change", args=(copy.pk,)), 302)
    ]
    assert copy.title == "Pilot Awards 2026"
    assert copy.status == CallStatus.DRAFT
    assert timezone.localtime(copy.opens_at, LA) == datetime(year, 3, 1, 9, 0, tzinfo=LA)
    assert "is a new draft copied from" in response.content.decode()


def test_an_administrator_without_staff_access_lands_on_the_new_calls_page():
    admin = make_admin()
    source = make_call(status=CallStatus.CLOSED)
    year = timezone.localtime(timezone.now(), LA).year + 1

    response = signed_in(admin).post(
        reverse("grants:call_copy", args=(source.pk,)),
        {"title": "Next", "opens_at": f"{year}-03-01T09:00", "closes_at": f"{year}-04-15T17:00"},
    )

    copy = FundingCall.objects.get(copied_from=source)
    assert response.status_code == 302
    assert response["Location"] == reverse("grants:call_detail", args=(copy.pk,))


def test_bad_dates_on_the_page_are_shown_by_field_and_nothing_is_created(office):
    source = make_two_stage_call()
    before = FundingCall.objects.count()
    year = timezone.localtime(timezone.now(), LA).year + 1

    response = signed_in(office).post(
        reverse("grants:call_copy", args=(source.pk,)),
        {
            "title": "Next round",
            "opens_at": f"{year}-03-01T09:00",
            "letters_close_at": f"{year}-05-01T17:00",
            "closes_at": f"{year}-02-01T17:00",
        },
    )

    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors == {"closes_at": ["The deadline must come after the call opens."]}
    assert FundingCall.objects.count() == before


def test_an_empty_form_is_refused_by_field(office):
    source = make_call()

    response = signed_in(office).post(reverse("grants:call_copy", args=(source.pk,)), {})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "opens_at", "closes_at"}


def test_the_call_page_and_list_offer_the_copy_to_administrators_only(office):
    source = make_call()
    applicant = make_user()
    link = reverse("grants:call_copy", args=(source.pk,))

    pages = {
        who: [
            signed_in(user).get(url).content.decode()
            for url in (
                reverse("grants:call_detail", args=(source.pk,)),
                reverse("grants:call_list"),
            )
        ]
        for who, user in (("office", office), ("applicant", applicant))
    }

    assert [link in page for page in pages["office"]] == [True, True]
    assert [link in page for page in pages["applicant"]] == [False, False]


# ---- The Django admin -------------------------------------------------------------------------


def test_the_admin_action_copies_the_selected_call_a_year_on(office):
    source = make_call(status=CallStatus.DECIDED, title="Pilot Awards 2025")

    response = signed_in(office).post(
        reverse("admin:grants_fundingcall_changelist"),
        {"action": "copy_calls", "_selected_action": [source.pk]},
    )

    copy = FundingCall.objects.get(copied_from=source)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:grants_fundingcall_change", args=(copy.pk,))
    assert copy.title == "Pilot Awards 2026"
    assert copy.status == CallStatus.DRAFT
    assert copy.opens_at > timezone.now()


# ---- Nobody forgets a new field ---------------------------------------------------------------


def test_every_field_and_relation_of_a_call_is_either_copied_or_not():
    """A field added to FundingCall (or a model pointing at it) fails here until it is named
    in grants/services/call_copy.py: in COPIED_FIELDS if a new round keeps it, in NOT_COPIED
    (with the reason) if not."""
    names = {field.name for field in FundingCall._meta.get_fields()}
    copied = set(COPIED_FIELDS) | set(COPIED_RELATIONS)

    assert {
        "in neither list": sorted(names - copied - set(NOT_COPIED)),
        "in both": sorted(copied & set(NOT_COPIED)),
        "no such field": sorted((copied | set(NOT_COPIED)) - names),
    } == {"in neither list": [], "in both": [], "no such field": []}
    assert len(COPIED_FIELDS) == len(set(COPIED_FIELDS))
