"""The audit trail: each hooked event writes exactly its entry; nothing in the application can
change or delete one; the administrators' page searches it; the log option; no passwords."""

import csv
import io
import json
import logging
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.audit import audit_json, audit_record, client_ip
from accounts.choices import AuditAction, Role
from accounts.models import AuditEntry, AuditTrailIsAppendOnly, Demographics, User
from accounts.services import role_grant, role_revoke
from grants import services as grant_services
from grants.choices import CallStatus, DecisionOutcome, ProposalStatus
from reviews import services as review_services
from reviews.choices import CriterionKind, PanelDisposition, ReviewPhase
from reviews.models import Assignment, Criterion, FinalScore, PanelEntry
from tests.factories import (
    PASSWORD,
    make_admin,
    make_call,
    make_call_in_review,
    make_proposal,
    make_review_setup,
    make_user,
    move_review_to,
    submit_review,
)
from tests.reporting.support import simple_award

pytestmark = pytest.mark.django_db

IP = "203.0.113.7"
BROWSER = "Mozilla/5.0 (Northstar test)"


def mark() -> int:
    """The newest entry's id: entries after it are what the code under test wrote."""
    return AuditEntry.objects.aggregate(last=Max("pk"))["last"] or 0


def written(since: int, **filters) -> list[tuple]:
    return [
        (e.actor_username, e.action, e.object_type, e.object_id, e.before, e.after, e.note)
        for e in AuditEntry.objects.filter(pk__gt=since, **filters).order_by("pk")
    ]


def signed_in(user, **extra) -> Client:
    client = Client(REMOTE_ADDR=IP, HTTP_USER_AGENT=BROWSER, **extra)
    client.force_login(user)
    return client


def superuser(username: str = "root") -> User:
    return User.objects.create_superuser(username, f"{username}@example.edu", PASSWORD)


# ---- State changes, decisions -----------------------------------------------------------------


def test_proposal_submitted_on_the_web_records_the_state_change_with_address_and_browser():
    proposal = make_proposal()
    client = signed_in(proposal.pi)
    since = mark()

    response = client.post(reverse("grants:proposal_submit", args=[proposal.pk]))

    assert response.status_code == 302
    assert written(since) == [
        (
            proposal.pi.username,
            "state_changed",
            "grants.proposal",
            str(proposal.pk),
            {"state": "draft"},
            {"state": "submitted"},
            "",
        )
    ]
    entry = AuditEntry.objects.get(pk__gt=since)
    assert (entry.actor_id, entry.ip_address, entry.user_agent) == (proposal.pi.pk, IP, BROWSER)
    assert entry.at.utcoffset() == timedelta(0)


def test_a_new_proposal_is_recorded_without_a_previous_state():
    call = make_call()
    pi = make_user()
    since = mark()

    proposal = grant_services.proposal_create(call=call, actor=pi)

    assert written(since) == [
        (
            pi.username,
            "state_changed",
            "grants.proposal",
            str(proposal.pk),
            None,
            {"state": "draft"},
            "",
        )
    ]


def test_call_transition_records_reason_and_no_address_outside_a_request():
    admin = make_admin()
    call = make_call(status=CallStatus.OPEN)
    since = mark()

    grant_services.call_transition(call=call, to=CallStatus.CLOSED, actor=admin, reason="Early.")

    assert written(since) == [
        (
            admin.username,
            "state_changed",
            "grants.fundingcall",
            str(call.pk),
            {"state": "open"},
            {"state": "closed"},
            "Early.",
        )
    ]
    assert AuditEntry.objects.get(pk__gt=since).ip_address is None


def test_a_rolled_back_change_leaves_no_entry():
    admin = make_admin()
    call = make_call(status=CallStatus.OPEN)
    since = mark()

    with pytest.raises(RuntimeError), transaction.atomic():
        grant_services.call_transition(call=call, to=CallStatus.CLOSED, actor=admin)
        raise RuntimeError("the rest of the request failed")

    assert written(since) == []


def test_decision_recorded_and_changed_keeps_outcome_and_amount_before_and_after():
    call, (proposal,), admin = make_call_in_review(proposals=1)
    since = mark()

    grant_services.decision_record(
        proposal=proposal,
        actor=admin,
        outcome=DecisionOutcome.FUNDED,
        amount=Decimal("12000"),
        reason="Budget cut.",
    )
    grant_services.decision_record(
        proposal=proposal, actor=admin, outcome=DecisionOutcome.WAITLISTED
    )

    assert written(since) == [
        (
            admin.username,
            "decision_recorded",
            "grants.proposal",
            str(proposal.pk),
            {"outcome": None, "amount": None},
            {"outcome": "funded", "amount": "12000.00"},
            "Decision recorded: Funded at $12,000.00. Budget cut.",
        ),
        (
            admin.username,
            "decision_recorded",
            "grants.proposal",
            str(proposal.pk),
            {"outcome": "funded", "amount": "12000.00"},
            {"outcome": "waitlisted", "amount": None},
            "Decision recorded: Waitlisted.",
        ),
    ]


def test_releasing_decisions_records_the_release_and_each_state_change():
    call, (first, second), admin = make_call_in_review(proposals=2)
    grant_services.decision_record(proposal=first, actor=admin, outcome=DecisionOutcome.FUNDED)
    grant_services.decision_record(proposal=second, actor=admin, outcome=DecisionOutcome.NOT_FUNDED)
    since = mark()

    grant_services.decisions_release(call=call, actor=admin)

    assert [(a, action, t, i, b, af) for a, action, t, i, b, af, _ in written(since)] == [
        (
            admin.username,
            "state_changed",
            "grants.proposal",
            str(first.pk),
            {"state": "in_review"},
            {"state": "funded"},
        ),
        (
            admin.username,
            "state_changed",
            "grants.proposal",
            str(second.pk),
            {"state": "in_review"},
            {"state": "not_funded"},
        ),
        (
            admin.username,
            "decisions_released",
            "grants.fundingcall",
            str(call.pk),
            None,
            {"decisions": {str(first.pk): "funded", str(second.pk): "not_funded"}},
        ),
        (
            admin.username,
            "state_changed",
            "grants.fundingcall",
            str(call.pk),
            {"state": "in_review"},
            {"state": "decided"},
        ),
    ]


# ---- Reviews and scores -----------------------------------------------------------------------


@pytest.fixture
def reviewing():
    setup = make_review_setup(proposals=2, members=3, reviewers_per_proposal=3)
    review_services.auto_assign(call=setup.call, actor=setup.chair)
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)
    return setup


def _ratings(call) -> dict:
    return {
        c.name: (2 if c.kind == CriterionKind.SCORE else "sufficient")
        for c in Criterion.objects.filter(call=call).order_by("position")
    }


def test_review_submission_records_the_scores(reviewing):
    assignment = Assignment.objects.filter(proposal=reviewing.proposals[0]).first()
    since = mark()

    review = submit_review(assignment, impact=3, score=2)

    entries = written(since, action="review_submitted")
    assert [e[:6] for e in entries] == [
        (
            assignment.reviewer.username,
            "review_submitted",
            "reviews.review",
            str(review.pk),
            {"status": "draft"},
            {"status": "submitted", "overall_impact": 3, "criteria": _ratings(reviewing.call)},
        )
    ]
    assert entries[0][6].startswith("Overall impact: 3; ")


def test_reopening_a_review_records_the_scores_it_had(reviewing):
    assignment = Assignment.objects.filter(proposal=reviewing.proposals[0]).first()
    review = submit_review(assignment, impact=4, score=2)
    since = mark()

    review_services.review_reopen(review=review, actor=reviewing.chair, reason="Check rigor.")

    assert written(since) == [
        (
            reviewing.chair.username,
            "review_reopened",
            "reviews.review",
            str(review.pk),
            {"status": "submitted", "overall_impact": 4, "criteria": _ratings(reviewing.call)},
            {"status": "draft", "reopened_count": 1},
            "Check rigor.",
        )
    ]


def test_final_scores_and_dispositions_are_recorded_before_and_after(reviewing):
    for assignment in Assignment.objects.filter(proposal__call=reviewing.call):
        submit_review(assignment, impact=3)
    move_review_to(reviewing, ReviewPhase.PANEL)
    proposal = reviewing.proposals[0]
    member = reviewing.chair
    since = mark()

    review_services.final_score_record(proposal=proposal, actor=member, score=2)
    review_services.final_score_record(proposal=proposal, actor=member, score=4)
    review_services.final_score_record(proposal=proposal, actor=member, score=4)  # no change
    entry = review_services.panel_set_disposition(
        proposal=proposal,
        disposition=PanelDisposition.NOT_DISCUSSED,
        actor=reviewing.chair,
        reason="Out of scope.",
    )

    final = FinalScore.objects.get(entry__proposal=proposal, member=member)
    assert written(since) == [
        (
            member.username,
            "score_changed",
            "reviews.finalscore",
            str(final.pk),
            {"final_score": None},
            {"final_score": 2, "proposal": proposal.pk},
            "",
        ),
        (
            member.username,
            "score_changed",
            "reviews.finalscore",
            str(final.pk),
            {"final_score": 2},
            {"final_score": 4, "proposal": proposal.pk},
            "",
        ),
        (
            reviewing.chair.username,
            "state_changed",
            "reviews.panelentry",
            str(entry.pk),
            {"state": "discussed"},
            {"state": "not_discussed"},
            "Out of scope.",
        ),
    ]


def test_finalizing_records_the_final_impact_score(reviewing):
    for assignment in Assignment.objects.filter(proposal__call=reviewing.call):
        submit_review(assignment, impact=3)
    move_review_to(reviewing, ReviewPhase.PANEL)
    proposal = reviewing.proposals[0]
    for member, score in zip([reviewing.chair, *reviewing.members], [2, 2, 3, 2], strict=True):
        review_services.final_score_record(proposal=proposal, actor=member, score=score)
    since = mark()

    entry = review_services.panel_finalize(
        proposal=proposal, actor=reviewing.chair, resume_of_discussion="Strong."
    )

    assert PanelEntry.objects.get(pk=entry.pk).final_impact_score == 23
    assert [(r[1], r[2], r[4], r[5]) for r in written(since)] == [
        (
            "score_changed",
            "reviews.panelentry",
            {"final_impact_score": None},
            {"final_impact_score": 23, "percentile": 50},
        ),
        ("state_changed", "reviews.panelentry", {"state": "discussed"}, {"state": "finalized"}),
    ]


# ---- Roles -----------------------------------------------------------------------------------


def test_role_grant_and_revoke_record_the_roles_before_and_after():
    user = make_user()
    role_grant(user=user, role=Role.REVIEWER)
    since = mark()

    role_grant(user=user, role=Role.CHAIR)
    role_grant(user=user, role=Role.CHAIR)  # already held: nothing changes
    role_revoke(user=user, role=Role.REVIEWER)
    role_revoke(user=user, role=Role.ADMINISTRATOR)  # not held: nothing changes

    assert written(since) == [
        (
            "",
            "role_changed",
            "accounts.user",
            str(user.pk),
            {"roles": ["reviewer"]},
            {"roles": ["chair", "reviewer"]},
            "",
        ),
        (
            "",
            "role_changed",
            "accounts.user",
            str(user.pk),
            {"roles": ["chair", "reviewer"]},
            {"roles": ["chair"]},
            "",
        ),
    ]


def test_adding_users_to_a_group_from_the_group_side_is_recorded_per_user():
    first, second = make_user(), make_user()
    group, _ = Group.objects.get_or_create(name=str(Role.ADMINISTRATOR))
    since = mark()

    group.user_set.add(first, second)
    group.user_set.clear()

    assert [(r[3], r[4], r[5]) for r in written(since)] == [
        (str(first.pk), {"roles": []}, {"roles": ["administrator"]}),
        (str(second.pk), {"roles": []}, {"roles": ["administrator"]}),
        (str(first.pk), {"roles": ["administrator"]}, {"roles": []}),
        (str(second.pk), {"roles": ["administrator"]}, {"roles": []}),
    ]


def _user_change_data(user: User, **changes) -> dict:
    profile = user.profile
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": "2025-01-02",
        "date_joined_1": "09:00:00",
        "groups": [g.pk for g in user.groups.all()],
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": str(profile.pk),
        "profile-0-user": str(user.pk),
        "profile-0-applicant_type": profile.applicant_type,
        "profile-0-department": profile.department,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_access_and_group_changes_in_the_admin_are_recorded_with_the_admin_as_actor():
    root = superuser()
    target = make_user()
    chair = Group.objects.get_or_create(name=str(Role.CHAIR))[0]
    client = signed_in(root)
    since = mark()

    response = client.post(
        reverse("admin:accounts_user_change", args=[target.pk]),
        _user_change_data(target, is_staff="on", groups=[chair.pk]),
    )

    assert response.status_code == 302
    assert written(since) == [
        (
            "root",
            "role_changed",
            "accounts.user",
            str(target.pk),
            {"is_staff": False},
            {"is_staff": True},
            "Changed in the admin.",
        ),
        (
            "root",
            "role_changed",
            "accounts.user",
            str(target.pk),
            {"roles": []},
            {"roles": ["chair"]},
            "",
        ),
    ]
    assert set(AuditEntry.objects.filter(pk__gt=since).values_list("ip_address", flat=True)) == {IP}


# ---- Sign-in, sign-out, passwords ------------------------------------------------------------


def test_sign_in_and_sign_out_are_recorded_with_address_and_browser():
    user = make_user("ana")
    client = Client(REMOTE_ADDR=IP, HTTP_USER_AGENT=BROWSER)
    since = mark()

    signed = client.post(reverse("login"), {"username": "ana", "password": PASSWORD})
    out = client.post(reverse("logout"))

    assert (signed.status_code, out.status_code) == (302, 302)
    assert written(since) == [
        ("ana", "sign_in", "accounts.user", str(user.pk), None, None, ""),
        ("ana", "sign_out", "accounts.user", str(user.pk), None, None, ""),
    ]
    assert list(
        AuditEntry.objects.filter(pk__gt=since)
        .order_by("pk")
        .values_list("ip_address", "user_agent")
    ) == [(IP, BROWSER), (IP, BROWSER)]


def test_failed_sign_ins_keep_the_username_tried_and_never_the_password():
    user = make_user("ana")
    client = Client(REMOTE_ADDR=IP, HTTP_USER_AGENT=BROWSER)
    since = mark()

    client.post(reverse("login"), {"username": "ana", "password": "Wrong-Secret-4711"})
    client.post(reverse("login"), {"username": "nobody", "password": "Other-Secret-0815"})

    assert written(since) == [
        ("", "sign_in_failed", "accounts.user", str(user.pk), None, None, ""),
        ("", "sign_in_failed", "accounts.user", "", None, None, "No account has this username."),
    ]
    assert list(
        AuditEntry.objects.filter(pk__gt=since)
        .order_by("pk")
        .values_list("object_repr", "ip_address")
    ) == [
        ("ana", IP),
        ("nobody", IP),
    ]
    everything = "\n".join(audit_json(e) for e in AuditEntry.objects.all())
    assert "Wrong-Secret-4711" not in everything
    assert "Other-Secret-0815" not in everything
    assert PASSWORD not in everything


def test_api_token_sign_in_and_its_failure_are_recorded():
    user = make_user("ana")
    client = APIClient(REMOTE_ADDR=IP)
    since = mark()

    good = client.post("/api/v1/auth/token/", {"username": "ana", "password": PASSWORD})
    bad = client.post("/api/v1/auth/token/", {"username": "ana", "password": "Wrong-Secret-4711"})

    assert (good.status_code, bad.status_code) == (200, 400)
    assert written(since) == [
        ("ana", "sign_in", "accounts.user", str(user.pk), None, None, "API token."),
        ("", "sign_in_failed", "accounts.user", str(user.pk), None, None, ""),
    ]
    everything = "\n".join(audit_json(e) for e in AuditEntry.objects.all())
    assert "Wrong-Secret-4711" not in everything
    assert good.json()["token"] not in everything


def test_password_change_is_recorded_without_the_password():
    user = make_user("ana")
    client = signed_in(user)
    since = mark()

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-Longer-passphrase-2031",
            "new_password2": "a-much-Longer-passphrase-2031",
        },
    )

    assert response.status_code == 302
    assert written(since) == [
        ("ana", "password_changed", "accounts.user", str(user.pk), None, None, "")
    ]
    everything = "\n".join(audit_json(e) for e in AuditEntry.objects.all())
    assert "a-much-Longer-passphrase-2031" not in everything
    assert PASSWORD not in everything


def test_creating_a_user_with_a_password_is_not_a_password_change():
    since = mark()

    make_user("newcomer")

    assert written(since, action="password_changed") == []


# ---- Exports and demographics ----------------------------------------------------------------


def test_report_exports_from_the_page_the_api_and_the_command_are_recorded(tmp_path):
    _, admin = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))
    client = signed_in(admin)
    since = mark()

    page = client.get(
        reverse("reporting:report_export", args=["json"]),
        {"period": "2025-2026", "suppress": "on", "threshold": "5"},
    )
    api = APIClient(REMOTE_ADDR=IP)
    api.force_authenticate(admin)
    via_api = api.get("/api/v1/reports/hrsa/?period=2025-2026&format=json")
    call_command(
        "export_hrsa_report",
        "--period=2025-2026",
        "--format=xlsx",
        f"--output={tmp_path / 'r.xlsx'}",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )

    assert (page.status_code, via_api.status_code) == (200, 200)
    rows = [r[:6] for r in written(since)]
    assert rows == [
        (
            admin.username,
            "report_exported",
            "reporting.hrsa_report",
            "2025-2026",
            None,
            {"format": "json", "suppressed": True, "threshold": 5},
        ),
        (
            admin.username,
            "report_exported",
            "reporting.hrsa_report",
            "2025-2026",
            None,
            {"format": "json", "suppressed": False, "threshold": None},
        ),
        (
            "",
            "report_exported",
            "reporting.hrsa_report",
            "2025-2026",
            None,
            {"format": "xlsx", "suppressed": False, "threshold": None},
        ),
    ]
    notes = list(
        AuditEntry.objects.filter(pk__gt=since).order_by("pk").values_list("note", flat=True)
    )
    assert notes[2].startswith("manage.py export_hrsa_report to ")


def test_viewing_one_persons_demographics_in_the_admin_is_recorded():
    root = superuser()
    person = make_user("ana")
    record = Demographics.objects.create(user=person, sex="female", birth_year=1990)
    client = signed_in(root)
    since = mark()

    page = client.get(reverse("admin:accounts_demographics_change", args=[record.pk]))
    listing = client.get(reverse("admin:accounts_demographics_changelist"))

    assert (page.status_code, listing.status_code) == (200, 200)
    assert written(since) == [
        (
            "root",
            "demographics_viewed",
            "accounts.demographics",
            str(record.pk),
            None,
            {"user": person.pk},
            "",
        ),
        (
            "root",
            "demographics_viewed",
            "accounts.demographics",
            "",
            None,
            {"users": [person.pk]},
            "The admin's list shows each person's answers.",
        ),
    ]
    shown = AuditEntry.objects.filter(pk__gt=since).order_by("pk").first()
    assert shown.object_repr == f"Demographics of {person.display_name}"


# ---- Append-only --------------------------------------------------------------------------------


def _entry() -> AuditEntry:
    return audit_record(action=AuditAction.SIGN_IN, actor=make_user(), note="original")


def test_an_entry_cannot_be_saved_again():
    entry = _entry()
    entry.note = "rewritten"

    with pytest.raises(AuditTrailIsAppendOnly):
        entry.save()

    assert AuditEntry.objects.get(pk=entry.pk).note == "original"


def test_an_entry_cannot_be_deleted():
    entry = _entry()

    with pytest.raises(AuditTrailIsAppendOnly):
        entry.delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_querysets_refuse_update_and_delete():
    entry = _entry()

    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(note="rewritten")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.all().delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.update_or_create(pk=entry.pk, defaults={"note": "rewritten"})

    assert AuditEntry.objects.get(pk=entry.pk).note == "original"


def test_deleting_a_user_keeps_their_entries_and_their_username():
    entry = _entry()
    username = entry.actor_username

    User.objects.filter(pk=entry.actor_id).delete()

    entry = AuditEntry.objects.get(pk=entry.pk)
    assert (entry.actor_id, entry.actor_username, entry.note) == (None, username, "original")


def test_the_admin_shows_entries_and_refuses_add_change_and_delete():
    entry = _entry()
    client = signed_in(superuser())

    listing = client.get(reverse("admin:accounts_auditentry_changelist"))
    detail = client.get(reverse("admin:accounts_auditentry_change", args=[entry.pk]))
    add = client.get(reverse("admin:accounts_auditentry_add"))
    change = client.post(
        reverse("admin:accounts_auditentry_change", args=[entry.pk]), {"note": "rewritten"}
    )
    delete = client.post(
        reverse("admin:accounts_auditentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    bulk = client.post(
        reverse("admin:accounts_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )

    assert (listing.status_code, detail.status_code) == (200, 200)
    assert 'name="_save"' not in detail.content.decode()
    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assert bulk.status_code in (200, 302)
    assert AuditEntry.objects.get(pk=entry.pk).note == "original"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="The trigger exists on PostgreSQL.")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE accounts_auditentry SET note = 'rewritten' WHERE id = %s",
        "UPDATE accounts_auditentry SET actor_id = NULL, note = 'x' WHERE id = %s",
        "DELETE FROM accounts_auditentry WHERE id = %s",
    ],
)
def test_postgresql_refuses_update_and_delete_in_the_database(sql):
    entry = _entry()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])

    assert AuditEntry.objects.get(pk=entry.pk).note == "original"


# ---- Where from ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.1", IP),  # no proxy: the header is the client's own claim
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "10.9.9.9, 198.51.100.1", "198.51.100.1"),  # a forged first hop is ignored
        (2, "10.9.9.9, 198.51.100.1, 192.0.2.4", "198.51.100.1"),
        (1, "not-an-address", None),
    ],
)
def test_client_address_honours_only_the_trusted_proxies(settings, proxies, forwarded, expected):
    settings.NORTHSTAR_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=IP, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


# ---- The log stream --------------------------------------------------------------------------


def test_with_the_log_option_each_entry_is_one_json_line(
    settings, caplog, django_capture_on_commit_callbacks
):
    settings.NORTHSTAR_AUDIT_TO_LOG = True
    admin = make_admin()
    call = make_call(status=CallStatus.OPEN)

    with caplog.at_level(logging.INFO, logger="northstar.audit"):
        with django_capture_on_commit_callbacks(execute=True):
            grant_services.call_transition(call=call, to=CallStatus.CLOSED, actor=admin)

    lines = [r for r in caplog.records if r.name == "northstar.audit"]
    assert len(lines) == 1
    logged = json.loads(lines[0].getMessage())
    entry = AuditEntry.objects.latest("pk")
    assert logged == {
        "id": entry.pk,
        "at": entry.at.astimezone(UTC).isoformat(),
        "actor": admin.username,
        "actor_id": admin.pk,
        "action": "state_changed",
        "object_type": "grants.fundingcall",
        "object_id": str(call.pk),
        "object_repr": call.title,
        "ip": None,
        "user_agent": "",
        "before": {"state": "open"},
        "after": {"state": "closed"},
        "note": "",
    }


def test_without_the_log_option_nothing_is_logged(
    settings, caplog, django_capture_on_commit_callbacks
):
    settings.NORTHSTAR_AUDIT_TO_LOG = False

    with caplog.at_level(logging.INFO, logger="northstar.audit"):
        with django_capture_on_commit_callbacks(execute=True):
            _entry()

    assert [r for r in caplog.records if r.name == "northstar.audit"] == []


def test_a_rolled_back_entry_is_never_logged(settings, caplog, django_capture_on_commit_callbacks):
    settings.NORTHSTAR_AUDIT_TO_LOG = True

    with caplog.at_level(logging.INFO, logger="northstar.audit"):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(RuntimeError), transaction.atomic():
                _entry()
                raise RuntimeError("rolled back")

    assert (callbacks, [r for r in caplog.records if r.name == "northstar.audit"]) == ([], [])


# ---- The administrators' page ------------------------------------------------------------------


def test_the_audit_page_is_404_for_everyone_but_administrators():
    url = reverse("accounts:audit_log")
    csv_url = reverse("accounts:audit_log_csv")
    chair = make_user(roles=(Role.CHAIR,))

    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    for user in (make_user(), chair, make_user(roles=(Role.REVIEWER,))):
        client = signed_in(user)
        assert (client.get(url).status_code, client.get(csv_url).status_code) == (404, 404)
    assert signed_in(make_admin()).get(url).status_code == 200


def test_the_short_address_leads_to_the_audit_page():
    response = signed_in(make_admin()).get("/audit/?action=sign_in")

    assert (response.status_code, response["Location"]) == (
        302,
        reverse("accounts:audit_log") + "?action=sign_in",
    )


@pytest.fixture
def trail():
    """Entries by two people: Ana's on March 2, 2020 (UTC; still March 1 in the program's
    zone), Ben's today. Returns Ana, Ben and the ids of these entries."""
    ana, ben = make_user("ana"), make_user("ben")
    since = mark()
    AuditEntry.objects.create(
        at=datetime(2020, 3, 2, 3, 30, tzinfo=UTC),
        actor=ana,
        actor_username="ana",
        action=AuditAction.SIGN_IN,
        object_type="accounts.user",
        object_id=str(ana.pk),
        object_repr=str(ana),
        note="from the clinic",
    )
    audit_record(
        action=AuditAction.SIGN_IN_FAILED,
        object_type="accounts.user",
        object_id=str(ben.pk),
        object_repr="ben",
    )
    audit_record(action=AuditAction.STATE_CHANGED, actor=ben, obj=ben, note="=HYPERLINK(1)")
    return ana, ben, set(AuditEntry.objects.filter(pk__gt=since).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["state_changed", "sign_in_failed", "sign_in"]),
        ({"actor": "ana"}, ["sign_in"]),
        ({"action": "sign_in_failed"}, ["sign_in_failed"]),
        ({"date_from": "2020-03-02", "date_to": "2020-03-02"}, ["sign_in"]),
        ({"date_to": "2020-03-01"}, []),
        ({"date_from": "2020-03-03"}, ["state_changed", "sign_in_failed"]),
        ({"text": "CLINIC"}, ["sign_in"]),
        ({"text": "ben"}, ["state_changed", "sign_in_failed"]),
    ],
)
def test_the_audit_page_searches_newest_first(trail, query, expected):
    response = signed_in(make_admin()).get(reverse("accounts:audit_log"), query)

    # The administrator's own role grant and sign-in are there too: compare the trail's.
    shown = [e.action for e in response.context["page"].object_list if e.pk in trail[2]]
    assert response.status_code == 200
    assert shown == expected


def test_the_audit_page_searches_by_object(trail):
    _, ben, _ = trail

    response = signed_in(make_admin()).get(
        reverse("accounts:audit_log"), {"object_type": "accounts.user", "object_id": ben.pk}
    )

    assert [e.action for e in response.context["page"].object_list] == [
        "state_changed",
        "sign_in_failed",
    ]


def test_a_date_range_that_ends_before_it_starts_is_a_field_error():
    response = signed_in(make_admin()).get(
        reverse("accounts:audit_log"), {"date_from": "2020-03-02", "date_to": "2020-03-01"}
    )

    assert list(response.context["form"].errors) == ["date_to"]


def test_the_audit_page_is_paginated_fifty_to_a_page():
    admin = make_admin()
    client = signed_in(admin)
    since = mark()
    for n in range(51):
        audit_record(action=AuditAction.SIGN_IN, actor=admin, note=f"n{n}")

    first = client.get(
        reverse("accounts:audit_log"), {"actor": admin.username, "action": "sign_in", "page": 1}
    )
    second = client.get(
        reverse("accounts:audit_log"), {"actor": admin.username, "action": "sign_in", "page": 2}
    )

    assert len(written(since)) == 51
    assert [e.note for e in first.context["page"].object_list][:2] == ["n50", "n49"]
    assert [e.note for e in second.context["page"].object_list] == ["n0", ""]  # + the sign-in
    html = first.content.decode()
    assert f'href="?actor={admin.username}&amp;action=sign_in&amp;page=2" rel="next"' in html


@pytest.mark.parametrize("count", [1, 3])
def test_the_audit_page_query_count_is_constant(count, django_assert_num_queries):
    admin = make_admin()
    for _ in range(count):
        audit_record(action=AuditAction.SIGN_IN, actor=admin, note="x")
    client = signed_in(admin)

    # session, user, roles (navigation), count, page; the session's save (3, with savepoint)
    with django_assert_num_queries(8):
        response = client.get(reverse("accounts:audit_log"))

    # + the administrator's role grant and sign-in
    assert len(response.context["page"].object_list) == count + 2


def test_the_csv_holds_every_matching_entry_and_the_download_is_recorded(trail):
    admin = make_admin()
    client = signed_in(admin)
    since = mark()

    response = client.get(reverse("accounts:audit_log_csv"), {"text": "ben"})

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0] == [
        "at_utc",
        "actor",
        "action",
        "object_type",
        "object_id",
        "object",
        "ip_address",
        "user_agent",
        "before",
        "after",
        "note",
    ]
    assert [(r[1], r[2], r[10]) for r in rows[1:]] == [
        ("ben", "state_changed", "'=HYPERLINK(1)"),  # never run as a formula
        ("", "sign_in_failed", ""),
    ]
    assert written(since) == [
        (
            admin.username,
            "report_exported",
            "accounts.auditentry",
            "",
            None,
            {"format": "csv", "filters": {"text": "ben"}},
            "",
        )
    ]


def test_the_navigation_links_administrators_to_the_audit_trail():
    url = reverse("accounts:audit_log")

    assert f'href="{url}"' in signed_in(make_admin()).get(reverse("dashboard")).content.decode()
    assert f'href="{url}"' not in signed_in(make_user()).get(reverse("dashboard")).content.decode()


def test_unknown_actions_are_refused():
    with pytest.raises(ValueError, match="Unknown audit action"):
        audit_record(action="made_up")


def test_every_state_change_of_a_proposal_in_review_has_its_entry():
    call, (proposal,), admin = make_call_in_review(proposals=1)

    actions = list(
        AuditEntry.objects.filter(object_type="grants.proposal", object_id=str(proposal.pk))
        .order_by("pk")
        .values_list("after", flat=True)
    )

    assert actions == [
        {"state": ProposalStatus.DRAFT},
        {"state": ProposalStatus.SUBMITTED},
        {"state": ProposalStatus.IN_REVIEW},
    ]
