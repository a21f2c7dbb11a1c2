"""Who reaches which endpoint: a role x route matrix over every route of /api/v1/ outside
reviews/api/urls.py (those are tests/api/test_reviews_matrix.py's), and the check that every
route of /api/v1/ — walked from the resolver, router output included — has a row in one of the
two, so a route added without a row fails here by name.

The world is the shared one of tests/support/worlds.py (a call in review: the
applicant's trainee proposal, with the mentor on its team, and the other applicant's
proposal), plus an open call where the applicant has two drafts (one endorsed and complete, one
waiting for the mentor) and the other applicant a submitted proposal, and a draft call that
only administrators see. It is taken to three points: **in review**, **decided** (the
applicant's proposal funded, an award made, nothing released) and **released** (the award is
the PI's news now, with progress reports and one outcome of every kind recorded by the PI).
The applicant, the other applicant and the mentor have answered the demographics questions
with a sentinel that no response may ever contain.

``GET`` on every route: a list answers ``(200, number of items)`` — the scope, not only the
door; what a caller may not know exists answers 404; routes without ``GET`` answer 405 to
anyone signed in; anonymous callers get 401 except on the token endpoint (the schema and its
docs included). The writes are a second matrix, each in the world where it means something;
every test runs in its own savepoint, so a write never leaks into the next test.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from config import api_urls
from reviews.api import urls as review_api_urls
from tests.factories import PASSWORD, pdf_upload
from tests.support import worlds
from tests.support.matrix import (
    Case,
    api_outcome,
    cases,
    expected,
    isolation_test,
    matrix,
    methods_of,
    misnamed_pending,
    read_body,
    routes_of,
    skip_until_routed,
    world_fixtures,
)
from tests.support.worlds import DECIDED, READ, RELEASED, World

from . import test_reviews_matrix as reviews_matrix
from .support import API, api_as

pytestmark = pytest.mark.django_db

IN_REVIEW = READ
WORLDS = (IN_REVIEW, DECIDED, RELEASED)
ROLES = reviews_matrix.ROLES
SIGNED_IN = ROLES[1:]
NOT_FOUND = 404
NO_GET = 405
everyone, listing = reviews_matrix.everyone, reviews_matrix.listing

# Self-described answers of the applicant, the other applicant and the mentor.
SECRET = "sentinel-demographic-answer"


def build_world(stage: str) -> World:
    """The shared world, its demographics answered with ``SECRET``, with the open call, the
    two-stage calls' letters of intent and, from the decision on, the award's records."""
    world = worlds.build_world(stage)
    worlds.add_demographics(world, SECRET)
    worlds.add_open_call(world)
    worlds.add_letters(world)
    worlds.add_award_records(world)
    return world


world, world_media = world_fixtures(build_world)


# ---- Routes being added ---------------------------------------------------------------------
# A route someone is adding gets its rows first, and its name and path here: its rows are
# skipped while it is not routed and checked as soon as it is; the path is how it will look,
# so that one routed under another name is reported rather than skipped for ever. Empty once
# routed (calls/{id}/begin-review/, calls/{id}/release-decisions/ and awards/{id}/transition/
# were pending here, and assignments/{id}/proposal/ in the reviews matrix).

PENDING: dict[str, str] = {}


# ---- What each role gets from GET ------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    name: str
    args: Callable[[World], tuple]
    expected: dict[str, dict[str, object]]  # {world: {role: outcome}}; signed-in roles not
    # listed get 404; worlds not listed have no such object
    anonymous: int = 401


def _none(w: World) -> tuple:
    return ()


def _in(*worlds: str) -> Callable[[dict[str, object]], dict[str, dict[str, object]]]:
    return lambda outcomes: dict.fromkeys(worlds, outcomes)


_all = _in(*WORLDS)
_readers = {"applicant": 200, "mentor": 200, "admin": 200}  # the PI, the team, administrators
_no_get = everyone(NO_GET)
_awardees_list = listing({"applicant": 1, "mentor": 1, "admin": 1})
_reports_of_awardees = listing({"applicant": 2, "mentor": 2, "admin": 2})

READS: dict[str, Read] = {
    # accounts
    "token": Read("api-token", _none, _all(everyone(NO_GET)), anonymous=NO_GET),
    "me": Read("api-me", _none, _all(everyone(200))),
    # the caller's own token (nobody here has one: signed in without); asked in one world
    "my token": Read("api-me-token", _none, {IN_REVIEW: everyone(NOT_FOUND)}),
    # the colleague finder: anyone signed in; without a search of 3 characters, a 400
    # (the search itself is tests/accounts/test_people_finder.py's)
    "people": Read("api-people", _none, {IN_REVIEW: everyone(400)}),
    # calls: drafts for administrators only (the two two-stage calls included)
    "calls": Read("api-call-list", _none, _all({**everyone((200, 4)), "admin": (200, 5)})),
    "call": Read("api-call-detail", lambda w: (w.call.pk,), _all(everyone(200))),
    "draft call": Read("api-call-detail", lambda w: (w.draft_call.pk,), _all({"admin": 200})),
    "begin review": Read("api-call-begin-review", lambda w: (w.open_call.pk,), _all(_no_get)),
    "release decisions": Read("api-call-release-decisions", lambda w: (w.call.pk,), _all(_no_get)),
    "copy a call": Read("api-call-copy", lambda w: (w.call.pk,), _all(_no_get)),
    # proposals: the PI's and the team's; administrators see all five; reviewers none here
    "proposals": Read(
        "api-proposal-list",
        _none,
        _all(listing({"applicant": 3, "other_applicant": 2, "mentor": 3, "admin": 5})),
    ),
    "proposal": Read("api-proposal-detail", lambda w: (w.proposal.pk,), _all(_readers)),
    "other proposal": Read(
        "api-proposal-detail",
        lambda w: (w.other_proposal.pk,),
        _all({"other_applicant": 200, "admin": 200}),
    ),
    "checklist": Read("api-proposal-checklist", lambda w: (w.draft.pk,), _all(_readers)),
    "submit": Read("api-proposal-submit", lambda w: (w.draft.pk,), _all(_no_get)),
    "withdraw": Read("api-proposal-withdraw", lambda w: (w.draft.pk,), _all(_no_get)),
    "return": Read("api-proposal-return", lambda w: (w.submitted.pk,), _all(_no_get)),
    "mark checked": Read("api-proposal-mark-checked", lambda w: (w.submitted.pk,), _all(_no_get)),
    "classification": Read(
        "api-proposal-classification", lambda w: (w.submitted.pk,), _all(_no_get)
    ),
    "decision": Read("api-proposal-decision", lambda w: (w.proposal.pk,), _all(_no_get)),
    "request endorsement": Read(
        "api-proposal-request-endorsement", lambda w: (w.draft.pk,), _all(_no_get)
    ),
    "team": Read(
        "api-proposal-team-list",
        lambda w: (w.draft.pk,),
        _all({"applicant": (200, 2), "mentor": (200, 2), "admin": (200, 2)}),
    ),
    "team member": Read(
        "api-proposal-team-detail", lambda w: (w.draft.pk, w.collaborator.pk), _all(_readers)
    ),
    "budget": Read(
        "api-proposal-budget-list",
        lambda w: (w.draft.pk,),
        _all({"applicant": (200, 2), "mentor": (200, 2), "admin": (200, 2)}),
    ),
    "budget line": Read(
        "api-proposal-budget-detail", lambda w: (w.draft.pk, w.draft_budget_line.pk), _all(_readers)
    ),
    "attachments": Read(
        "api-proposal-attachment-list",
        lambda w: (w.draft.pk,),
        _all({"applicant": (200, 1), "mentor": (200, 1), "admin": (200, 1)}),
    ),
    "attachment": Read(
        "api-proposal-attachment-detail",
        lambda w: (w.draft.pk, w.draft_attachment.pk),
        _all(_readers),
    ),
    "download": Read(
        "api-proposal-attachment-download",
        lambda w: (w.draft.pk, w.draft_attachment.pk),
        _all(_readers),
    ),
    # endorsements: those asked of the caller as a mentor, nobody else's
    "endorsements": Read("api-endorsement-list", _none, _all(listing({"mentor": 3}))),
    "endorsement": Read(
        "api-endorsement-detail", lambda w: (w.pending_endorsement.pk,), _all({"mentor": 200})
    ),
    "respond": Read(
        "api-endorsement-respond", lambda w: (w.pending_endorsement.pk,), _all(_no_get)
    ),
    # awards: administrators from the decision on; the PI and the team once it is released
    "awards": Read(
        "api-award-list",
        _none,
        {
            IN_REVIEW: listing({}),
            DECIDED: listing({"admin": 1}),
            RELEASED: _awardees_list,
        },
    ),
    "award": Read(
        "api-award-detail",
        lambda w: (w.award.pk,),
        {DECIDED: {"admin": 200}, RELEASED: _readers},
    ),
    "award transition": Read(
        "api-award-transition", lambda w: (w.award.pk,), _in(DECIDED, RELEASED)(_no_get)
    ),
    # progress reports and outcomes: released awards only, administrators included
    "progress reports": Read(
        "api-progress-report-list",
        _none,
        {IN_REVIEW: listing({}), DECIDED: listing({}), RELEASED: _reports_of_awardees},
    ),
    "progress report": Read(
        "api-progress-report-detail", lambda w: (w.progress_report.pk,), {RELEASED: _readers}
    ),
    "submit progress report": Read(
        "api-progress-report-submit", lambda w: (w.progress_report.pk,), {RELEASED: _no_get}
    ),
    "import publications": Read("api-publication-import", _none, _all(_no_get)),
    # the HRSA report: administrators only
    "HRSA report": Read("api-report-hrsa", _none, _all({**everyone(403), "admin": 200})),
    # the NIMHD portfolio: administrators only
    "NIMHD portfolio": Read("api-portfolio-nimhd", _none, _all({**everyone(403), "admin": 200})),
    # a limited submission's nominees: the world's call is an ordinary one, so 404 to all
    # (tests/grants/test_limited_submissions.py covers a limited call's)
    "nominations": Read("api-call-nominations", lambda w: (w.call.pk,), _all({})),
    "external submission": Read(
        "api-call-external-submission", lambda w: (w.call.pk, w.proposal.pk), _all(_no_get)
    ),
    "pilot outcomes": Read(
        "api-portfolio-pilot-outcomes", _none, _all({**everyone(403), "admin": 200})
    ),
    # letters of intent: a call's, the applicant's own (draft or sent) and every sent one for
    # administrators; the committee reads them through reviews' letters/{id}/ratings/
    "call letters": Read(
        "api-call-letter-list",
        lambda w: (w.letter_call.pk,),
        _all(listing({"applicant": 1, "other_applicant": 1, "admin": 2})),
    ),
    "letter": Read(
        "api-letter-detail", lambda w: (w.letter.pk,), _all({"applicant": 200, "admin": 200})
    ),
    "send letter": Read("api-letter-submit", lambda w: (w.draft_letter.pk,), _all(_no_get)),
    "letter PDF": Read(
        "api-letter-document", lambda w: (w.letter.pk,), _all({"applicant": 200, "admin": 200})
    ),
    # the schema and its docs: anyone signed in (the same for everyone: asked in one world)
    "schema": Read("api-schema", _none, {IN_REVIEW: everyone(200)}),
    "docs": Read("api-docs", _none, {IN_REVIEW: everyone(200)}),
}

OUTCOME_ROUTES = {
    "publication": "api-publication",
    "presentation": "api-presentation",
    "funding": "api-follow-on-funding",
    "trainee": "api-trainee-outcome",
    "partnership": "api-partnership",
}
for _kind, _base in OUTCOME_ROUTES.items():
    READS[f"{_kind} list"] = Read(
        f"{_base}-list",
        _none,
        {IN_REVIEW: listing({}), DECIDED: listing({}), RELEASED: _awardees_list},
    )
    READS[f"{_kind} detail"] = Read(
        f"{_base}-detail",
        lambda w, kind=_kind: (w.outcomes[kind].pk,),
        {RELEASED: _readers},
    )


# ---- The writes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    name: str
    method: str
    world: str
    args: Callable[[World], tuple]
    data: Callable[[World, object], dict]  # (world, caller or None)
    expected: dict[str, int]  # signed-in roles not listed: 404
    anonymous: int = 401
    format: str = "json"
    query: str = ""


def _empty(w: World, me) -> dict:
    return {}


def _medline(w: World, me) -> dict:
    year = w.award.start_date.year
    text = f"PMID- 39012345\nDP  - {year} Mar 15\nTI  - Promotoras and glycemic control.\n"
    upload = SimpleUploadedFile("citations.nbib", text.encode(), "application/octet-stream")
    return {"award": w.award.pk, "file": upload}


def _pi_only(code: int) -> dict[str, int]:
    """The PI of an editable proposal may; the team and administrators, who see it, may not."""
    return {"applicant": code, "mentor": 403, "admin": 403}


_admin_only = {**everyone(403), "admin": 200}


def _new_dates() -> dict:
    """A new round's dates: it opens in a month and closes two months later."""
    now = timezone.now()
    return {
        "opens_at": (now + timedelta(days=30)).isoformat(),
        "closes_at": (now + timedelta(days=90)).isoformat(),
    }


_awardees = ("applicant", "mentor", "admin")


def _awardees_may(code: int, others: int = NOT_FOUND) -> dict[str, int]:
    return {**everyone(others), **dict.fromkeys(_awardees, code)}


WRITES: dict[str, Write] = {
    "get a token": Write(
        "api-token",
        "post",
        IN_REVIEW,
        _none,
        lambda w, me: {"username": (me or w.users["applicant"]).username, "password": PASSWORD},
        everyone(200),
        anonymous=200,
    ),
    "get a token, wrong password": Write(
        "api-token",
        "post",
        IN_REVIEW,
        _none,
        lambda w, me: {"username": (me or w.users["applicant"]).username, "password": "nope"},
        everyone(400),
        anonymous=400,
    ),
    "revoke my token": Write(
        "api-me-token", "delete", IN_REVIEW, _none, _empty, everyone(NOT_FOUND)
    ),
    "start a proposal": Write(
        "api-proposal-list",
        "post",
        IN_REVIEW,
        _none,
        lambda w, me: {"call": w.open_call.pk, "title": "A new idea"},
        everyone(201),
    ),
    # Unknown to all but administrators; to them, not accepting.
    "start a proposal in a draft call": Write(
        "api-proposal-list",
        "post",
        IN_REVIEW,
        _none,
        lambda w, me: {"call": w.draft_call.pk},
        everyone(400),
    ),
    "edit the draft": Write(
        "api-proposal-detail",
        "patch",
        IN_REVIEW,
        lambda w: (w.draft.pk,),
        lambda w, me: {"title": "A sharper title"},
        _pi_only(200),
    ),
    "edit the proposal in review": Write(
        "api-proposal-detail",
        "patch",
        IN_REVIEW,
        lambda w: (w.proposal.pk,),
        lambda w, me: {"title": "A sharper title"},
        _pi_only(403),
    ),
    "submit": Write(
        "api-proposal-submit", "post", IN_REVIEW, lambda w: (w.draft.pk,), _empty, _pi_only(200)
    ),
    "withdraw": Write(
        "api-proposal-withdraw",
        "post",
        IN_REVIEW,
        lambda w: (w.draft.pk,),
        lambda w, me: {"reason": "Not this year."},
        _pi_only(200),
    ),
    "return": Write(
        "api-proposal-return",
        "post",
        IN_REVIEW,
        lambda w: (w.submitted.pk,),
        lambda w, me: {"reason": "Add the letter of support."},
        {"other_applicant": 403, "admin": 200},
    ),
    "mark checked": Write(
        "api-proposal-mark-checked",
        "post",
        IN_REVIEW,
        lambda w: (w.submitted.pk,),
        _empty,
        {"other_applicant": 403, "admin": 200},
    ),
    # The office corrects a submitted proposal's NIMHD cells; its PI sees it but may not.
    "correct the classification": Write(
        "api-proposal-classification",
        "patch",
        IN_REVIEW,
        lambda w: (w.submitted.pk,),
        lambda w, me: {"nimhd_cells": ["behavioral:community"], "reason": "Community-level."},
        {"other_applicant": 403, "admin": 200},
    ),
    "decide": Write(
        "api-proposal-decision",
        "post",
        IN_REVIEW,
        lambda w: (w.proposal.pk,),
        lambda w, me: {"outcome": "funded"},
        # The administrator may decide, but not yet: the committee is in its read phase and
        # decisions follow the review (docs/invariants.md).
        {"applicant": 403, "mentor": 403, "admin": 409},
    ),
    # The world's call is an ordinary one: no nominees to record for anyone (404).
    "record a nominee's application": Write(
        "api-call-external-submission",
        "put",
        RELEASED,
        lambda w: (w.call.pk, w.proposal.pk),
        lambda w, me: {"submitted_on": "2026-01-10"},
        {},
    ),
    "request endorsement": Write(
        "api-proposal-request-endorsement",
        "post",
        IN_REVIEW,
        lambda w: (w.draft.pk,),
        _empty,
        _pi_only(200),
    ),
    "add a team member": Write(
        "api-proposal-team-list",
        "post",
        IN_REVIEW,
        lambda w: (w.draft.pk,),
        lambda w, me: {"role": "collaborator", "full_name": "Sam Lee"},
        _pi_only(201),
    ),
    "remove a team member": Write(
        "api-proposal-team-detail",
        "delete",
        IN_REVIEW,
        lambda w: (w.draft.pk, w.collaborator.pk),
        _empty,
        _pi_only(204),
    ),
    "add a budget line": Write(
        "api-proposal-budget-list",
        "post",
        IN_REVIEW,
        lambda w: (w.draft.pk,),
        lambda w, me: {"category": "supplies", "description": "Glucometers", "amount": "500.00"},
        _pi_only(201),
    ),
    "replace a budget line": Write(
        "api-proposal-budget-detail",
        "put",
        IN_REVIEW,
        lambda w: (w.draft.pk, w.draft_budget_line.pk),
        lambda w, me: {"category": "personnel", "description": "Promotora", "amount": "11000.00"},
        _pi_only(200),
    ),
    "change a budget line": Write(
        "api-proposal-budget-detail",
        "patch",
        IN_REVIEW,
        lambda w: (w.draft.pk, w.draft_budget_line.pk),
        lambda w, me: {"amount": "11000.00"},
        _pi_only(200),
    ),
    "remove a budget line": Write(
        "api-proposal-budget-detail",
        "delete",
        IN_REVIEW,
        lambda w: (w.draft.pk, w.draft_budget_line.pk),
        _empty,
        _pi_only(204),
    ),
    "upload a document": Write(
        "api-proposal-attachment-list",
        "post",
        IN_REVIEW,
        lambda w: (w.draft.pk,),
        lambda w, me: {"kind": "letter_of_support", "file": pdf_upload("letter.pdf")},
        _pi_only(201),
        format="multipart",
    ),
    "remove a document": Write(
        "api-proposal-attachment-detail",
        "delete",
        IN_REVIEW,
        lambda w: (w.draft.pk, w.draft_attachment.pk),
        _empty,
        _pi_only(204),
    ),
    "endorse": Write(
        "api-endorsement-respond",
        "post",
        IN_REVIEW,
        lambda w: (w.pending_endorsement.pk,),
        lambda w, me: {"decision": "endorse", "statement": "A capable student."},
        {"mentor": 200},
    ),
    # Letters of intent: anyone eligible starts one to the call still taking them (the
    # applicant has one there already); only its applicant edits, attaches and sends a draft,
    # which the office reads but may not change (403); a sent letter is frozen.
    "start a letter": Write(
        "api-call-letter-list",
        "post",
        IN_REVIEW,
        lambda w: (w.letters_open_call.pk,),
        lambda w, me: {"title": "A community idea"},
        {**everyone(201), "applicant": 400},
    ),
    "edit the draft letter": Write(
        "api-letter-detail",
        "patch",
        IN_REVIEW,
        lambda w: (w.draft_letter.pk,),
        lambda w, me: {"title": "A sharper title"},
        {"applicant": 200, "admin": 403},
    ),
    "edit the sent letter": Write(
        "api-letter-detail",
        "patch",
        IN_REVIEW,
        lambda w: (w.letter.pk,),
        lambda w, me: {"title": "A sharper title"},
        {"applicant": 403, "admin": 403},
    ),
    "send the draft letter": Write(
        "api-letter-submit",
        "post",
        IN_REVIEW,
        lambda w: (w.draft_letter.pk,),
        _empty,
        {"applicant": 200, "admin": 403},
    ),
    "attach the letter's PDF": Write(
        "api-letter-document",
        "post",
        IN_REVIEW,
        lambda w: (w.draft_letter.pk,),
        lambda w, me: {"file": pdf_upload("letter.pdf")},
        {"applicant": 200, "admin": 403},
        format="multipart",
    ),
    "remove the letter's PDF": Write(
        "api-letter-document",
        "delete",
        IN_REVIEW,
        lambda w: (w.draft_letter.pk,),
        _empty,
        {"applicant": 200, "admin": 403},
    ),
    # Being added: administrators only; calls and the PI's award are visible to the others.
    "begin review": Write(
        "api-call-begin-review",
        "post",
        IN_REVIEW,
        lambda w: (w.open_call.pk,),
        _empty,
        _admin_only,
    ),
    "release decisions": Write(
        "api-call-release-decisions", "post", DECIDED, lambda w: (w.call.pk,), _empty, _admin_only
    ),
    # A new round of a call: administrators only; a draft is unknown to everyone else.
    "copy a call": Write(
        "api-call-copy",
        "post",
        IN_REVIEW,
        lambda w: (w.call.pk,),
        lambda w, me: _new_dates(),
        {**everyone(403), "admin": 201},
    ),
    "copy a draft call": Write(
        "api-call-copy",
        "post",
        IN_REVIEW,
        lambda w: (w.draft_call.pk,),
        lambda w, me: _new_dates(),
        {"admin": 201},
    ),
    "award transition": Write(
        "api-award-transition",
        "post",
        RELEASED,
        lambda w: (w.award.pk,),
        lambda w, me: {
            "to": "no_cost_extension",
            "new_end_date": (w.award.end_date + timedelta(days=180)).isoformat(),
        },
        {"applicant": 403, "mentor": 403, "admin": 200},
    ),
    # Before the release, the award is the administrators' alone: a 404 for the PI, not 403.
    "award transition before the release": Write(
        "api-award-transition",
        "post",
        DECIDED,
        lambda w: (w.award.pk,),
        lambda w, me: {
            "to": "no_cost_extension",
            "new_end_date": (w.award.end_date + timedelta(days=180)).isoformat(),
        },
        {"admin": 200},
    ),
    # Only the PI (or an administrator) submits; the team sees the report.
    "submit a progress report": Write(
        "api-progress-report-submit",
        "post",
        RELEASED,
        lambda w: (w.progress_report.pk,),
        lambda w, me: {
            "objectives_accomplishments": "Enrolled 40.",
            "barriers_resolutions": "None.",
        },
        {"applicant": 200, "mentor": 403, "admin": 200},
    ),
    # An award the caller may not see is an unknown id in the body: 400, not 404.
    "import publications, preview": Write(
        "api-publication-import",
        "post",
        RELEASED,
        _none,
        _medline,
        _awardees_may(200, others=400),
        format="multipart",
    ),
    "import publications": Write(
        "api-publication-import",
        "post",
        RELEASED,
        _none,
        _medline,
        _awardees_may(201, others=400),
        format="multipart",
        query="?commit=true",
    ),
}


def _outcome_writes() -> dict[str, Write]:
    """Record (the award in the body: 400 for an award one may not see), change, delete."""

    def on(w: World) -> str:
        return (w.award.start_date + timedelta(days=60)).isoformat()

    created = {
        "publication": lambda w, me: {"awards": [w.award.pk], "title": "Another paper"},
        "presentation": lambda w, me: {
            "awards": [w.award.pk],
            "title": "A poster",
            "venue": "Regional meeting",
            "presented_on": on(w),
            "kind": "poster",
            "level": "regional",
        },
        "funding": lambda w, me: {
            "awards": [w.award.pk],
            "sponsor": "A foundation",
            "sponsor_type": "foundation",
            "amount": "50000.00",
            "status": "applied",
            "applied_on": on(w),
        },
        "trainee": lambda w, me: {
            "award": w.award.pk,
            "trainee": w.users["applicant"].pk,
            "recorded_on": on(w),
            "degree_completed": "MD",
        },
        "partnership": lambda w, me: {
            "award": w.award.pk,
            "organisation": "Central Valley AHEC",
            "partner_type": "ahec",
            "purpose": "training",
        },
    }
    changed = {
        "publication": {"title": "A revised title"},
        "presentation": {"venue": "APHA 2027"},
        "funding": {"mechanism": "R01"},
        "trainee": {"position": "Family medicine residency"},
        "partnership": {"description": "Hosts the promotoras."},
    }
    writes = {}
    for kind, base in OUTCOME_ROUTES.items():

        def this(w: World, kind=kind) -> tuple:
            return (w.outcomes[kind].pk,)

        writes[f"record a {kind}"] = Write(
            f"{base}-list", "post", RELEASED, _none, created[kind], _awardees_may(201, others=400)
        )
        writes[f"change a {kind}"] = Write(
            f"{base}-detail",
            "patch",
            RELEASED,
            this,
            lambda w, me, data=changed[kind]: data,
            _awardees_may(200),
        )
        writes[f"delete a {kind}"] = Write(
            f"{base}-detail", "delete", RELEASED, this, _empty, _awardees_may(204)
        )
    return writes


WRITES.update(_outcome_writes())
# Outcomes are recorded against released awards only, by everyone (administrators included):
# before the release the award is an unknown id.
WRITES["record a publication before the release"] = dataclasses.replace(
    WRITES["record a publication"], world=DECIDED, expected=everyone(400)
)


# ---- Trainee support (INDGEN): the award's PI and administrators; the team sees the award but
# is refused (403); anyone else, and everyone before the release, is told 404.

_SUPPORT = {"applicant": 200, "mentor": 403, "admin": 200}


def _support(w: World):
    """A payment to the PI from their award (made inside the case's savepoint)."""
    from reporting import services as reporting_services

    pi = w.award.proposal.pi
    return reporting_services.participant_support_create(
        actor=pi, award=w.award, data=_payment(w, None)
    )


def _payment(w: World, me) -> dict:
    return {
        "person": w.award.proposal.pi_id,
        "kind": "stipend",
        "amount": "1000.00",
        "paid_from": w.award.start_date.isoformat(),
        "paid_to": w.award.start_date.isoformat(),
    }


READS["award support"] = Read(
    "api-award-support-list",
    lambda w: (w.award.pk,),
    {
        DECIDED: {},
        RELEASED: {"applicant": (200, 0), "mentor": 403, "admin": (200, 0)},
    },
)
READS["award support record"] = Read(
    "api-award-support-detail", lambda w: (w.award.pk, _support(w).pk), {RELEASED: _SUPPORT}
)
READS["training status"] = Read(
    "api-award-training-status-list",
    lambda w: (w.award.pk,),
    {RELEASED: {"applicant": (200, 0), "mentor": 403, "admin": (200, 0)}},
)
WRITES.update(
    {
        "record support": Write(
            "api-award-support-list",
            "post",
            RELEASED,
            lambda w: (w.award.pk,),
            _payment,
            {"applicant": 201, "mentor": 403, "admin": 201},
        ),
        "record support before the release": Write(
            "api-award-support-list", "post", DECIDED, lambda w: (w.award.pk,), _payment, {}
        ),
        "change support": Write(
            "api-award-support-detail",
            "patch",
            RELEASED,
            lambda w: (w.award.pk, _support(w).pk),
            lambda w, me: {"amount": "1200.00"},
            _SUPPORT,
        ),
        "delete support": Write(
            "api-award-support-detail",
            "delete",
            RELEASED,
            lambda w: (w.award.pk, _support(w).pk),
            _empty,
            {"applicant": 204, "mentor": 403, "admin": 204},
        ),
        "record a training status": Write(
            "api-award-training-status-list",
            "post",
            RELEASED,
            lambda w: (w.award.pk,),
            lambda w, me: {"person": w.award.proposal.pi_id, "status": "enrolled"},
            _SUPPORT,
        ),
    }
)


# ---- NIH inclusion enrollment: the award's PI and administrators, like trainee support.


def _planned_table(w: World, me) -> dict:
    from reporting.choices import ENROLLMENT_CELLS

    return {"kind": "planned", "counts": dict.fromkeys(ENROLLMENT_CELLS, 0)}


READS["award enrollment"] = Read(
    "api-award-enrollment-list",
    lambda w: (w.award.pk,),
    {
        DECIDED: {},
        RELEASED: {"applicant": (200, 0), "mentor": 403, "admin": (200, 0)},
    },
)
WRITES.update(
    {
        "report enrollment": Write(
            "api-award-enrollment-list",
            "post",
            RELEASED,
            lambda w: (w.award.pk,),
            _planned_table,
            {"applicant": 201, "mentor": 403, "admin": 201},
        ),
        "report enrollment before the release": Write(
            "api-award-enrollment-list",
            "post",
            DECIDED,
            lambda w: (w.award.pk,),
            _planned_table,
            {},
        ),
    }
)


# ---- Eligibility exceptions (issue #19): administrators only. The open call is visible to
# everyone (403); a draft call only to administrators (404).


def _eligibility_exception(w: World):
    """The other applicant's exception in the open call (granted inside the case's savepoint)."""
    from grants import services as grant_services

    return grant_services.eligibility_exception_grant(
        call=w.open_call,
        person=w.users["other_applicant"],
        reason="Joint appointment in Family Medicine.",
        actor=w.users["admin"],
    )


_managers_only = {**everyone(403), "admin": 200}
READS["eligibility exceptions"] = Read(
    "api-call-eligibility-exception-list",
    lambda w: (w.open_call.pk,),
    {IN_REVIEW: {**everyone(403), "admin": (200, 0)}},
)
READS["eligibility exceptions of a draft call"] = Read(
    "api-call-eligibility-exception-list",
    lambda w: (w.draft_call.pk,),
    {IN_REVIEW: {"admin": (200, 0)}},
)
READS["eligibility exception"] = Read(
    "api-call-eligibility-exception-detail",
    lambda w: (w.open_call.pk, _eligibility_exception(w).pk),
    {IN_REVIEW: _managers_only},
)
WRITES.update(
    {
        "grant an eligibility exception": Write(
            "api-call-eligibility-exception-list",
            "post",
            IN_REVIEW,
            lambda w: (w.open_call.pk,),
            lambda w, me: {"person": w.users["other_applicant"].pk, "reason": "Joint post."},
            {**everyone(403), "admin": 201},
        ),
        "revoke an eligibility exception": Write(
            "api-call-eligibility-exception-detail",
            "delete",
            IN_REVIEW,
            lambda w: (w.open_call.pk, _eligibility_exception(w).pk),
            _empty,
            {**everyone(403), "admin": 204},
        ),
    }
)


# ---- Known failures --------------------------------------------------------------------------
# (test id) -> why; each one a real bug, recorded in the issue, marked strict so that the fix
# shows up as an unexpected pass.

XFAIL: dict[str, str] = {}


# ---- Route coverage --------------------------------------------------------------------------


def _api_routes() -> dict[str, str]:
    """{name: route as written} for every pattern under /api/v1/ (unnamed ones by route)."""
    return {r.name: r.route for r in routes_of(api_urls.urlpatterns)}


def _full_paths(pending: dict[str, str]) -> dict[str, str]:
    return {name: f"{API}/{path}" for name, path in pending.items()}


def test_every_api_route_has_a_row():
    routes = _api_routes()
    rows = {read.name for read in READS.values()} | set(reviews_matrix.ROUTES)
    pending = set(PENDING) | set(reviews_matrix.PENDING)

    unlisted = sorted(
        f"{name}: {API}/{route}" for name, route in routes.items() if name not in rows
    )
    stale = sorted(name for name in rows - set(routes) - pending)

    assert unlisted == [], (
        "routes with no row in tests/api/test_api_matrix.py or test_reviews_matrix.py"
    )
    assert stale == [], "rows naming routes that no longer exist"
    assert (
        misnamed_pending(_full_paths(PENDING))
        + misnamed_pending(_full_paths(reviews_matrix.PENDING))
        == []
    )


def test_every_row_names_known_worlds_and_roles():
    assert all(set(read.expected) <= set(WORLDS) and read.expected for read in READS.values())
    assert all(
        set(outcomes) <= set(SIGNED_IN)
        for read in READS.values()
        for outcomes in read.expected.values()
    )
    assert all(set(write.expected) <= set(SIGNED_IN) for write in WRITES.values())
    assert all(write.world in WORLDS for write in WRITES.values())


def test_every_write_has_a_write_row():
    reviews = {pattern.name for pattern in review_api_urls.urlpatterns}
    offered = {
        (route.name, method)
        for route in routes_of(api_urls.urlpatterns)
        if route.name not in reviews
        for method in methods_of(route.pattern) - {"get"}
    }
    written = {(write.name, write.method) for write in WRITES.values()}
    not_yet = {
        (w.name, w.method)
        for w in WRITES.values()
        if w.name in set(PENDING) - {n for n, _ in offered}
    }

    assert sorted(offered - written) == [], "writes with no row in WRITES"
    assert sorted(written - offered - not_yet) == [], "write rows the route does not offer"


# ---- The matrices ----------------------------------------------------------------------------


def _routed() -> set[str]:
    return set(_api_routes())


READ_CASES = cases(
    (
        (phase, label, "")
        for phase in WORLDS
        for label, read in READS.items()
        if phase in read.expected
    ),
    ROLES,
    stages=WORLDS,
)


@matrix(READ_CASES, xfail=XFAIL)
def test_get_matrix(case: Case, world: World):
    read = READS[case.row]
    skip_until_routed(read.name, PENDING, _routed())
    outcomes = read.expected[world.stage]
    want = expected(outcomes, case.role, anonymous=read.anonymous)

    response = api_as(world.users[case.role]).get(reverse(read.name, args=read.args(world)))

    body = read_body(response)
    assert api_outcome(response) == want, body[:500]
    assert SECRET.encode() not in body


WRITE_CASES = cases(((write.world, label, "") for label, write in WRITES.items()), ROLES)


@matrix(WRITE_CASES, xfail=XFAIL)
def test_write_matrix(case: Case, world: World):
    write = WRITES[case.row]
    skip_until_routed(write.name, PENDING, _routed())
    caller = world.users[case.role]
    want = expected(write.expected, case.role, anonymous=write.anonymous)
    url = reverse(write.name, args=write.args(world)) + write.query

    response = getattr(api_as(caller), write.method)(
        url, write.data(world, caller), format=write.format
    )

    assert response.status_code == want, response.content[:500]
    assert SECRET.encode() not in response.content


# Last in the module: every case above that writes left its world as built.
test_cases_leave_the_world_as_built = isolation_test(WORLDS)
