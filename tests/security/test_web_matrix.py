"""Who reaches which web page: every route of config/urls.py x nine roles x its methods.

The reviews app's pages have their own matrix (tests/reviews/test_page_matrix.py), whose rows
count here; the API has its own (tests/api/). A route without a row, or a row without a route,
fails ``test_every_web_route_has_a_row``.

The worlds (tests/support/worlds.py) are one trainee's proposal as a draft, submitted, and
funded with its decision released (with its award's records, and somebody else's award). Anonymous visitors are sent to sign in and brought back
(``?next=``), except on the public sign-in and password-reset pages; a signed-in role a row does
not list answers 404: what a user may not know exists is never 403. 403 is for people who may
see the object but not do that to it (the mentor adding to the team, the applicant returning
their own proposal). POSTs carry an empty or minimal body: enough to pass or meet the door
(200 with the form's errors, or a redirect), not to prove the action.

Each world is built once per module inside a transaction rolled back at the end; each case runs
in its own savepoint, so a POST that succeeds never leaks into the next case.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse

from config import urls
from grants.models import Proposal
from reporting.hrsa.periods import current_period
from reporting.models import ExportJob
from tests.reviews.test_page_matrix import MATRIX as REVIEW_MATRIX
from tests.reviews.test_page_matrix import ROUTES as REVIEW_ROUTES
from tests.support import worlds
from tests.support.matrix import (
    ADMIN_SIGN_IN,
    SIGN_IN,
    Case,
    cases,
    client_for,
    isolation_test,
    matrix,
    page_outcome,
    routes_of,
    to,
    world_fixtures,
)
from tests.support.worlds import DRAFT, RELEASED, SUBMITTED, World

pytestmark = pytest.mark.django_db

STAGES = (DRAFT, SUBMITTED, RELEASED)
ROLES = tuple(role for role in worlds.ROLES if role != "uncertified")
SIGNED_IN = ROLES[1:]


def build_world(stage: str) -> World:
    """The shared world, with its two-stage calls' letters of intent; once released, with the
    award's records and somebody else's award."""
    world = worlds.build_world(stage)
    worlds.add_letters(world)
    if stage == RELEASED:
        worlds.add_award_records(world)
        worlds.add_foreign_award(world)
    return world


world, world_media = world_fixtures(build_world)

Outcomes = dict[str, object]  # role -> outcome
ByStage = dict[str, Outcomes]  # stage -> role -> outcome


def everyone(result: object, *, anonymous: object = SIGN_IN) -> Outcomes:
    return {"anonymous": anonymous, **dict.fromkeys(SIGNED_IN, result)}


def each_stage(outcomes: Outcomes) -> ByStage:
    return dict.fromkeys(STAGES, outcomes)


def once(outcomes: Outcomes, stage: str = DRAFT) -> ByStage:
    """Pages that do not change with the proposal's stage are checked in one world."""
    return {stage: outcomes}


@dataclass(frozen=True)
class Row:
    """One route: its arguments in a world, and per method what each role gets in each world
    the route is checked in (``None``: the method is not checked)."""

    args: Callable[[World], tuple] = lambda w: ()
    get: ByStage | None = None
    post: ByStage | None = None
    data: Callable[[World], dict] = lambda w: {}
    # Shows a person's proposals, reviews, awards, demographics or reports: must not be cached.
    sensitive: bool = True


# ---- What each role gets ---------------------------------------------------------------------

DETAIL = to("grants:proposal_detail")
READERS = {"applicant": 200, "mentor": 200, "admin": 200}  # the PI, the team, administrators
NOT_NOW = {"applicant": 403, "mentor": 403, "admin": 403}  # visible, but not to be changed
POST_ONLY = once(everyone(405))  # login_required comes first, then the method check


def _proposal(w: World) -> tuple:
    return (w.proposal.pk,)


def _call(w: World) -> tuple:
    """The draft world's call pages point at the call still in draft."""
    return ((w.draft_call if w.stage == DRAFT else w.call).pk,)


def _eligibility_exception(w: World) -> tuple:
    """The other applicant's exception in the call's page (granted inside the case's
    savepoint)."""
    from grants import services as grant_services

    call = w.draft_call if w.stage == DRAFT else w.call
    exception = grant_services.eligibility_exception_grant(
        call=call,
        person=w.users["other_applicant"],
        reason="Joint appointment in Family Medicine.",
        actor=w.users["admin"],
    )
    return (call.pk, exception.pk)


def _version(w: World) -> dict:
    return {"version": Proposal.objects.values_list("version", flat=True).get(pk=w.proposal.pk)}


def _export_job(w: World) -> tuple:
    """A prepared export of the administrator's, finished (made inside the case's savepoint)."""
    job = ExportJob.objects.create(
        requested_by=w.users["admin"],
        period=current_period().label,
        format="json",
        status=ExportJob.Status.DONE,
        progress=100,
        filename="northstar-hrsa.json",
    )
    job.file.save("northstar-hrsa.json", ContentFile(b"{}"))
    return (job.pk,)


def _support(w: World):
    """A payment to the PI from their award, recorded by the PI (inside the case's savepoint)."""
    from reporting import services as reporting_services

    pi = w.award.proposal.pi
    return reporting_services.participant_support_create(
        actor=pi,
        award=w.award,
        data={
            "person": pi.pk,
            "kind": "stipend",
            "amount": "1000.00",
            "paid_from": w.award.start_date,
            "paid_to": w.award.start_date,
        },
    )


def _foreign_support(w: World) -> int:
    """A payment from somebody else's award (named under ours: 404)."""
    from reporting import services as reporting_services

    pi = w.foreign_award.proposal.pi
    return reporting_services.participant_support_create(
        actor=pi,
        award=w.foreign_award,
        data={
            "person": pi.pk,
            "kind": "travel",
            "amount": "100.00",
            "paid_from": w.foreign_award.start_date,
            "paid_to": w.foreign_award.start_date,
        },
    ).pk


# Who was paid what: the PI and administrators; the team sees the award, not this (403).
SUPPORT = {"applicant": 200, "mentor": 403, "admin": 200}

# The outcome form binds ``request.POST or None``: an empty body leaves it unbound, and the
# view then reads ``form.cleaned_data`` and fails with a 500 (reported; not a permission bug).
# A browser always sends the CSRF token, so one blank field stands for it here.
_OUTCOME_FORM = {"title": ""}


def _editing(draft: Outcomes, frozen: Outcomes = NOT_NOW) -> ByStage:
    """Only the PI changes a draft; once submitted, nobody does (the team and administrators
    may see it: 403, not 404)."""
    return {DRAFT: draft, SUBMITTED: frozen, RELEASED: frozen}


ROWS: dict[str, Row] = {
    # -- Signing in and out, passwords (Django's views; public where they must be) --
    "login": Row(
        get=once(everyone(to("dashboard"), anonymous=200)),
        post=once(everyone(to("dashboard"), anonymous=200)),
        sensitive=False,
    ),
    "logout": Row(
        get=once(everyone(405, anonymous=405)),
        post=once(everyone(to("login"), anonymous=to("login"))),
        sensitive=False,
    ),
    "password_change": Row(get=once(everyone(200)), post=once(everyone(200)), sensitive=False),
    "password_change_done": Row(get=once(everyone(200)), sensitive=False),
    "password_reset": Row(
        get=once(everyone(200, anonymous=200)),
        post=once(everyone(200, anonymous=200)),
        sensitive=False,
    ),
    "password_reset_done": Row(get=once(everyone(200, anonymous=200)), sensitive=False),
    # A made-up link: the page says it is invalid.
    "password_reset_confirm": Row(
        args=lambda w: ("MQ", "not-a-token"),
        get=once(everyone(200, anonymous=200)),
        post=once(everyone(200, anonymous=200)),
        sensitive=False,
    ),
    "password_reset_complete": Row(get=once(everyone(200, anonymous=200)), sensitive=False),
    # -- The home page, one's own profile and demographics, two-factor, the audit trail --
    "dashboard": Row(get=once(everyone(200))),
    "accounts:profile": Row(get=once(everyone(200)), post=once(everyone(200))),
    # Everyone's own record, and only their own (no address names another person).
    # Every question is optional ("prefer not to answer"): an empty form is a valid answer.
    "accounts:demographics": Row(
        get=once(everyone(200)), post=once(everyone(to("accounts:demographics")))
    ),
    # Administrators and chairs may turn on two-factor sign-in; everyone else is told 404.
    "accounts:two_factor_setup": Row(
        get=once({"chair": 200, "admin": 200}),
        post=once({"chair": 200, "admin": 200}),
        sensitive=False,
    ),
    # Nobody here owes a code: the page sends them on.
    "accounts:two_factor_verify": Row(
        get=once(everyone(to("dashboard"))), post=once(everyone(to("dashboard"))), sensitive=False
    ),
    # "Stay signed in" on the idle warning: restarts one's own session; a session that has
    # ended is told so (401), never sent to sign in from a background request.
    "accounts:session_keep_alive": Row(
        get=once(everyone(405, anonymous=405)),
        post=once(everyone(to("dashboard"), anonymous=401)),
        sensitive=False,
    ),
    # An invitation's link, opened by anyone (it is how someone without an account joins):
    # a made-up one is "not valid" (404) to everyone, signed in or not.
    "accounts:invitation_accept": Row(
        args=lambda w: ("not-a-token",),
        get=once(everyone(404, anonymous=404)),
        post=once(everyone(404, anonymous=404)),
        sensitive=False,
    ),
    # University sign-in (issue #20), here with no provider configured: nothing to start or
    # answer (404); the ACS takes POSTs only; with nothing pending, linking goes to sign in.
    "accounts:sso_oidc_start": Row(
        args=lambda w: ("uni",), get=once(everyone(404, anonymous=404)), sensitive=False
    ),
    "accounts:sso_oidc_callback": Row(
        args=lambda w: ("uni",), get=once(everyone(404, anonymous=404)), sensitive=False
    ),
    "accounts:sso_saml_start": Row(
        args=lambda w: ("uni",), get=once(everyone(404, anonymous=404)), sensitive=False
    ),
    "accounts:sso_saml_acs": Row(
        get=once(everyone(405, anonymous=405)),
        post=once(everyone(404, anonymous=404)),
        sensitive=False,
    ),
    "accounts:sso_saml_metadata": Row(get=once(everyone(404, anonymous=404)), sensitive=False),
    "accounts:sso_saml_slo": Row(get=once(everyone(404, anonymous=404)), sensitive=False),
    "accounts:sso_link": Row(
        get=once(everyone(to("login"), anonymous=to("login"))),
        post=once(everyone(to("login"), anonymous=to("login"))),
        sensitive=False,
    ),
    "accounts:sso_link_cancel": Row(
        get=once(everyone(405, anonymous=405)),
        post=once(everyone(to("login"), anonymous=to("login"))),
        sensitive=False,
    ),
    "accounts:audit_log": Row(get=once({"admin": 200})),
    "accounts:audit_log_csv": Row(get=once({"admin": 200})),
    # The short address redirects everyone, signed in or not; the page itself decides.
    "audit_short": Row(
        get=once(everyone(to("accounts:audit_log"), anonymous=to("accounts:audit_log"))),
        sensitive=False,
    ),
    # The Django admin: staff only; everyone else is sent to its own sign-in page.
    "admin:index": Row(
        get=once({**everyone(ADMIN_SIGN_IN, anonymous=ADMIN_SIGN_IN), "admin": 200})
    ),
    # -- Calls --
    "grants:call_list": Row(get=once(everyone(200)), sensitive=False),
    "grants:call_detail": Row(
        args=_call,
        get={DRAFT: {"admin": 200}, SUBMITTED: everyone(200), RELEASED: everyone(200)},
        sensitive=False,
    ),
    "grants:proposal_start": Row(
        args=_call,
        get=POST_ONLY,
        post={
            DRAFT: {"admin": to("grants:call_detail")},  # not accepting proposals
            # The applicants already have one in this one-per-applicant call and are told so
            # on the call's page; anyone else starts a draft.
            SUBMITTED: {
                **everyone(to("grants:proposal_edit")),
                "applicant": to("grants:call_detail"),
                "other_applicant": to("grants:call_detail"),
            },
            RELEASED: everyone(to("grants:call_detail")),  # closed
        },
    ),
    "grants:call_proposals": Row(args=_call, get=each_stage({"admin": 200})),
    # A new round copied from the call: administrators only (an empty POST: the form's errors).
    "grants:call_copy": Row(
        args=_call, get=each_stage({"admin": 200}), post=each_stage({"admin": 200})
    ),
    # Eligibility exceptions: administrators only (an empty POST: the form's errors).
    "grants:call_eligibility_exceptions": Row(
        args=_call, get=each_stage({"admin": 200}), post=each_stage({"admin": 200})
    ),
    "grants:eligibility_exception_revoke": Row(
        args=_eligibility_exception,
        get=POST_ONLY,
        post=once({"admin": to("grants:call_eligibility_exceptions")}),
    ),
    # -- Proposals --
    "grants:proposal_detail": Row(args=_proposal, get=each_stage(READERS)),
    "grants:proposal_edit": Row(
        args=_proposal,
        get=_editing(
            {"applicant": 200, "mentor": DETAIL, "admin": DETAIL},
            {"applicant": DETAIL, "mentor": DETAIL, "admin": DETAIL},
        ),
        post=_editing(
            {"applicant": to("grants:proposal_edit"), "mentor": DETAIL, "admin": DETAIL},
            {"applicant": DETAIL, "mentor": DETAIL, "admin": DETAIL},
        ),
        data=_version,
    ),
    "grants:proposal_team": Row(
        args=_proposal,
        get=each_stage(READERS),
        post=_editing({**NOT_NOW, "applicant": 200}),
    ),
    "grants:team_member_remove": Row(
        args=lambda w: (w.proposal.pk, w.mentor_member.pk),
        get=POST_ONLY,
        post=_editing({**NOT_NOW, "applicant": to("grants:proposal_team")}),
    ),
    "grants:proposal_budget": Row(
        args=_proposal,
        get=each_stage(READERS),
        post=_editing({**NOT_NOW, "applicant": 200}),
    ),
    "grants:budget_line_edit": Row(
        args=lambda w: (w.proposal.pk, w.budget_line.pk),
        get=each_stage(READERS),
        post=_editing({**NOT_NOW, "applicant": 200}),
    ),
    "grants:budget_line_remove": Row(
        args=lambda w: (w.proposal.pk, w.budget_line.pk),
        get=POST_ONLY,
        post=_editing({**NOT_NOW, "applicant": to("grants:proposal_budget")}),
    ),
    "grants:proposal_attachments": Row(
        args=_proposal,
        get=each_stage(READERS),
        post=_editing({**NOT_NOW, "applicant": 200}),
    ),
    "grants:attachment_download": Row(
        args=lambda w: (w.proposal.pk, w.attachment.pk), get=each_stage(READERS)
    ),
    "grants:attachment_remove": Row(
        args=lambda w: (w.proposal.pk, w.attachment.pk),
        get=POST_ONLY,
        post=_editing({**NOT_NOW, "applicant": to("grants:proposal_attachments")}),
    ),
    "grants:endorsement_request": Row(
        args=_proposal,
        get=POST_ONLY,
        post=_editing({**NOT_NOW, "applicant": to("grants:proposal_team")}),
    ),
    # The mentor's page from the e-mailed link: nobody else may know the request exists.
    "grants:endorsement_respond": Row(
        args=lambda w: (w.endorsement.token,),
        get=each_stage({"mentor": 200}),
        post=each_stage({"mentor": 200}),
    ),
    "grants:proposal_submit": Row(
        args=_proposal,
        get=_editing(
            {"applicant": 200, "mentor": DETAIL, "admin": DETAIL},
            {"applicant": DETAIL, "mentor": DETAIL, "admin": DETAIL},
        ),
        post=_editing(
            {"applicant": 200, "mentor": DETAIL, "admin": DETAIL},  # the endorsement is pending
            {"applicant": DETAIL, "mentor": DETAIL, "admin": DETAIL},
        ),
    ),
    # Only the PI withdraws, and only before the decision.
    "grants:proposal_withdraw": Row(
        args=_proposal,
        data=lambda w: {"reason": ""},  # what the browser sends when no reason is given
        get={DRAFT: {**NOT_NOW, "applicant": 200}, SUBMITTED: {**NOT_NOW, "applicant": 200}},
        post={
            DRAFT: {**NOT_NOW, "applicant": DETAIL},
            SUBMITTED: {**NOT_NOW, "applicant": DETAIL},
            RELEASED: NOT_NOW,
        },
    ),
    # Only administrators return, and only a proposal waiting for their check.
    "grants:proposal_return": Row(
        args=_proposal,
        get={DRAFT: NOT_NOW, SUBMITTED: {**NOT_NOW, "admin": 200}, RELEASED: NOT_NOW},
        post={DRAFT: NOT_NOW, SUBMITTED: {**NOT_NOW, "admin": 200}, RELEASED: NOT_NOW},
    ),
    # Only administrators mark a proposal checked; any other state is refused with a message.
    "grants:proposal_mark_checked": Row(
        args=_proposal,
        get=POST_ONLY,
        post={
            DRAFT: {**NOT_NOW, "admin": DETAIL},
            SUBMITTED: {**NOT_NOW, "admin": DETAIL},
            RELEASED: {**NOT_NOW, "admin": DETAIL},
        },
    ),
    # The office corrects the NIMHD cells once the proposal is submitted; the PI and the team
    # see the proposal but may not (an empty body: the form's errors).
    "grants:proposal_classification": Row(
        args=_proposal,
        get={
            DRAFT: NOT_NOW,
            SUBMITTED: {**NOT_NOW, "admin": 200},
            RELEASED: {**NOT_NOW, "admin": 200},
        },
        post={
            DRAFT: NOT_NOW,
            SUBMITTED: {**NOT_NOW, "admin": 200},
            RELEASED: {**NOT_NOW, "admin": 200},
        },
    ),
    "grants:proposal_pdf": Row(args=_proposal, get=each_stage(READERS)),
    # -- Letters of intent (two-stage calls: their pages do not change with the stage) --
    # Anyone may start a letter to the call still taking them; the applicant, who has one
    # there, is sent to it.
    "grants:letter_start": Row(
        args=lambda w: (w.letters_open_call.pk,),
        get=POST_ONLY,
        post=once(everyone(to("grants:letter_edit"))),
    ),
    # The applicant's sent letter: theirs and the office's to read; nobody else knows it.
    "grants:letter_detail": Row(
        args=lambda w: (w.letter.pk,), get=once({"applicant": 200, "admin": 200})
    ),
    "grants:letter_pdf": Row(
        args=lambda w: (w.letter.pk,), get=once({"applicant": 200, "admin": 200})
    ),
    # The applicant's draft: only they write and send it; the office reads it.
    "grants:letter_edit": Row(
        args=lambda w: (w.draft_letter.pk,),
        get=once({"applicant": 200, "admin": to("grants:letter_detail")}),
        post=once({"applicant": to("grants:letter_edit"), "admin": to("grants:letter_detail")}),
    ),
    "grants:letter_submit": Row(
        args=lambda w: (w.draft_letter.pk,),
        get=POST_ONLY,
        post=once({"applicant": to("grants:letter_detail"), "admin": 403}),
    ),
    # -- A limited submission's nominees: the world's call is an ordinary one, so nobody has
    # any (404, administrators included; tests/grants/test_limited_submissions.py has a
    # limited call's) --
    "reporting:call_nominations": Row(
        args=lambda w: (w.call.pk,), get=once(everyone(404), RELEASED)
    ),
    "reporting:external_submission": Row(
        args=lambda w: (w.call.pk, w.proposal.pk),
        get=once(everyone(404), RELEASED),
        post=once(everyone(404), RELEASED),
    ),
    # -- Awards and outcomes (the released world: the student's award) --
    "reporting:award_list": Row(get=once(everyone(200), RELEASED)),
    "reporting:award_detail": Row(
        args=lambda w: (w.award.pk,),
        get=once(READERS, RELEASED),
        post=once({**NOT_NOW, "admin": 200}, RELEASED),
    ),
    # Only the PI (and administrators) submit a progress report; the team may read it.
    "reporting:progress_report": Row(
        args=lambda w: (w.award.pk, w.progress_report.pk),
        get=once(READERS, RELEASED),
        post=once({"applicant": 200, "mentor": 403, "admin": 200}, RELEASED),
    ),
    "reporting:publication_import": Row(
        args=lambda w: (w.award.pk,),
        get=once(READERS, RELEASED),
        post=once(READERS, RELEASED),
    ),
    # (An empty body would meet a crash, not the door: see _OUTCOME_FORM.)
    "reporting:outcome_new": Row(
        args=lambda w: (w.award.pk, "publications"),
        get=once(READERS, RELEASED),
        post=once(READERS, RELEASED),
        data=lambda w: _OUTCOME_FORM,
    ),
    "reporting:outcome_edit": Row(
        args=lambda w: (w.award.pk, "publications", w.publication.pk),
        get=once(READERS, RELEASED),
        post=once(READERS, RELEASED),
        data=lambda w: _OUTCOME_FORM,
    ),
    "reporting:outcome_delete": Row(
        args=lambda w: (w.award.pk, "publications", w.publication.pk),
        get=once(everyone(405), RELEASED),
        post=once(dict.fromkeys(READERS, to("reporting:award_detail")), RELEASED),
    ),
    # Inclusion enrollment: the PI's and administrators'; an empty body meets the form's
    # errors (200).
    "reporting:award_enrollment": Row(
        args=lambda w: (w.award.pk,),
        get=once(SUPPORT, RELEASED),
        post=once(SUPPORT, RELEASED),
    ),
    # Trainee support: an empty body meets the page's "choose what to save" (200).
    "reporting:award_support": Row(
        args=lambda w: (w.award.pk,),
        get=once(SUPPORT, RELEASED),
        post=once(SUPPORT, RELEASED),
    ),
    "reporting:support_edit": Row(
        args=lambda w: (w.award.pk, _support(w).pk),
        get=once(SUPPORT, RELEASED),
        post=once(SUPPORT, RELEASED),  # an empty form: its errors
    ),
    "reporting:support_delete": Row(
        args=lambda w: (w.award.pk, _support(w).pk),
        get=once(everyone(405), RELEASED),
        post=once(
            {
                **SUPPORT,
                "applicant": to("reporting:award_support"),
                "admin": to("reporting:award_support"),
            },
            RELEASED,
        ),
    ),
    # -- The HRSA report and the dashboard: administrators; everyone else is told 404 --
    "reporting:report": Row(get=once({"admin": 200}, RELEASED)),
    "reporting:report_export": Row(args=lambda w: ("json",), get=once({"admin": 200}, RELEASED)),
    # Prepared exports: only their administrator's (another administrator's: tests/tasks/).
    "reporting:export_job_create": Row(
        get=once(everyone(405), RELEASED),
        post=once({"admin": to("reporting:report")}, RELEASED),  # no format chosen
    ),
    "reporting:export_job": Row(args=_export_job, get=once({"admin": 200}, RELEASED)),
    "reporting:export_job_status": Row(args=_export_job, get=once({"admin": 200}, RELEASED)),
    "reporting:export_job_download": Row(args=_export_job, get=once({"admin": 200}, RELEASED)),
    "reporting:narrative": Row(
        args=lambda w: (current_period().label,),
        get=once({"admin": 200}, RELEASED),
        post=once({"admin": to("reporting:report")}, RELEASED),  # blank narratives are valid
    ),
    "reporting:reminders": Row(
        get=once(everyone(405), RELEASED),
        post=once({"admin": to("reporting:award_list")}, RELEASED),
    ),
    "reporting:dashboard": Row(get=once({"admin": 200}, RELEASED)),
    "reporting:enrollment_program": Row(get=once({"admin": 200}, RELEASED)),
    "reporting:portfolio": Row(get=once({"admin": 200}, RELEASED)),
    "reporting:pilot_outcomes_xlsx": Row(get=once({"admin": 200}, RELEASED)),
}


def expected(row: Row, method: str, stage: str, role: str) -> object:
    outcomes = (row.get if method == "GET" else row.post)[stage]
    if role in outcomes:
        return outcomes[role]
    return SIGN_IN if role == "anonymous" else 404


CASES = cases(
    (
        (stage, name, method)
        for name, row in sorted(ROWS.items())
        for method, by_stage in (("GET", row.get), ("POST", row.post))
        for stage in by_stage or {}
    ),
    ROLES,
)


def _request(client, method: str, url: str, data: dict):
    return client.post(url, data) if method == "POST" else client.get(url)


# ---- Every route has a row -------------------------------------------------------------------


def _excluded(route: str, name: str) -> bool:
    """The API (its own matrix), static and media files, and the Django admin's inner pages
    (its index stands for them: they share its staff check)."""
    if route.startswith("api/v1/"):
        return True
    for url in (settings.STATIC_URL, settings.MEDIA_URL):
        if url and url.strip("/") and route.startswith(url.strip("/") + "/"):
            return True
    return route.startswith("admin/") and name != "admin:index"


def test_every_web_route_has_a_row():
    routes = {r.name for r in routes_of(urls.urlpatterns) if not _excluded(r.route, r.name)}
    rows = set(ROWS) | {f"reviews:{name}" for name in REVIEW_MATRIX}

    assert {
        "routes without a row": sorted(routes - rows),
        "rows without a route": sorted(rows - routes),
    } == {"routes without a row": [], "rows without a route": []}


def test_rows_name_known_stages_and_roles():
    for name, row in ROWS.items():
        for by_stage in (row.get, row.post):
            for stage, outcomes in (by_stage or {}).items():
                assert stage in STAGES, name
                assert set(outcomes) <= set(ROLES), name
    assert all(row.get for row in ROWS.values()), "GET is always checked"


# ---- The matrix ------------------------------------------------------------------------------


@matrix(CASES)
def test_web_matrix(case: Case, world: World):
    row = ROWS[case.row]
    url = reverse(case.row, args=row.args(world))
    client = client_for(world, case.role)
    want = expected(row, case.method, world.stage, case.role)

    response = _request(client, case.method, url, row.data(world))

    assert page_outcome(response, url) == want
    if row.sensitive and response.status_code == 200:
        assert "no-store" in response.get("Cache-Control", ""), "a sensitive page may be cached"


# ---- Addresses naming what the user may not know ---------------------------------------------
# Every nested address looks the child up under its parent: someone who may see the parent but
# names another parent's child (a budget line, a document, a progress report, a publication)
# is told 404, as if it did not exist -- administrators too, who may see both parents. So is
# somebody else's award, and a kind of outcome or an export format that does not exist.


@dataclass(frozen=True)
class Stray:
    name: str
    args: Callable[[World], tuple]
    method: str = "GET"
    roles: tuple[str, ...] = ("applicant", "admin")  # who asks (they may see the parent)


def _others_line(w: World) -> int:
    return w.other_proposal.budget_lines.order_by("pk").first().pk


def _others_attachment(w: World) -> int:
    return w.other_proposal.attachments.order_by("pk").first().pk


def _foreign_report(w: World) -> int:
    return w.foreign_award.progress_reports.order_by("pk").first().pk


STRAYS = {
    DRAFT: [
        Stray("grants:budget_line_edit", lambda w: (w.proposal.pk, _others_line(w))),
        Stray("grants:budget_line_remove", lambda w: (w.proposal.pk, _others_line(w)), "POST"),
        Stray("grants:attachment_download", lambda w: (w.proposal.pk, _others_attachment(w))),
        Stray("grants:attachment_remove", lambda w: (w.proposal.pk, _others_attachment(w)), "POST"),
        # The other applicant may edit their own draft, not remove our mentor through it.
        Stray(
            "grants:team_member_remove",
            lambda w: (w.other_proposal.pk, w.mentor_member.pk),
            "POST",
            ("other_applicant", "admin"),
        ),
    ],
    RELEASED: [
        Stray(
            "reporting:outcome_edit",
            lambda w: (w.award.pk, "publications", w.foreign_publication.pk),
        ),
        Stray(
            "reporting:outcome_delete",
            lambda w: (w.award.pk, "publications", w.foreign_publication.pk),
            "POST",
        ),
        Stray("reporting:progress_report", lambda w: (w.award.pk, _foreign_report(w))),
        Stray("reporting:support_edit", lambda w: (w.award.pk, _foreign_support(w))),
        Stray("reporting:support_delete", lambda w: (w.award.pk, _foreign_support(w)), "POST"),
        Stray("reporting:outcome_new", lambda w: (w.award.pk, "no-such-kind")),
        Stray(
            "reviews:attachment_download",
            lambda w: (w.proposal.pk, _others_attachment(w)),
            roles=("reviewer", "admin"),
        ),
        Stray("reporting:award_detail", lambda w: (w.foreign_award.pk,), roles=("applicant",)),
        Stray("reporting:report_export", lambda w: ("csv",), roles=("admin",)),
    ],
}


STRAY_CASES = cases(
    ((stage, stray.name, "") for stage, strays in STRAYS.items() for stray in strays),
    ROLES,
)


@matrix(
    case
    for case in STRAY_CASES
    if case.role in next(s for s in STRAYS[case.stage] if s.name == case.row).roles
)
def test_addresses_naming_the_unknown_answer_404(case: Case, world: World):
    stray = next(stray for stray in STRAYS[case.stage] if stray.name == case.row)
    url = reverse(stray.name, args=stray.args(world))

    response = _request(client_for(world, case.role), stray.method, url, {})

    assert response.status_code == 404


# ---- The review pages are not stored either ---------------------------------------------------
# Their permissions are the reviews matrix's; here, that whoever may open them (in the released
# world, the one with every page) gets them marked ``no-store``.

REVIEW_PAGES = sorted(name for name, route in REVIEW_ROUTES.items() if route.method == "GET")


def _opener(name: str) -> str:
    """The first role that may open the page in the released world."""
    opens = REVIEW_MATRIX[name][RELEASED]
    return next(role for role in ROLES if opens.get(role) == 200)


@matrix(Case(RELEASED, name, _opener(name)) for name in REVIEW_PAGES)
def test_review_pages_are_marked_no_store(case: Case, world: World):
    url = reverse(f"reviews:{case.row}", args=REVIEW_ROUTES[case.row].args(world, case.role))

    response = client_for(world, case.role).get(url)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


# Last in the module: every case above that writes left its world as built.
test_cases_leave_the_world_as_built = isolation_test(STAGES)
