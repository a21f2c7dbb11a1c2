"""Outcomes, progress reports, reminders and the narrative, through the reporting services."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from accounts.choices import ApplicantType
from grants import selectors as grant_selectors
from grants import services as grant_services
from grants.choices import AwardStatus
from reporting import services
from reporting.choices import ProgressReportKind, ProgressReportStatus, ReminderKind
from reporting.models import (
    Partnership,
    ProgressReport,
    Publication,
    ReminderSent,
    ReportingPeriodNarrative,
    TraineeOutcome,
)
from tests.factories import make_user
from tests.reporting.support import simple_award

pytestmark = pytest.mark.django_db


# ---- Outcomes --------------------------------------------------------------------------------


def test_pi_records_a_publication_at_month_precision():
    award, _ = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))
    pi = award.proposal.pi

    publication = services.publication_create(
        actor=pi,
        awards=[award],
        data={
            "title": " Promotoras and HbA1c ",
            "doi": "https://doi.org/10.1000/ABC",
            "journal": "Diabetes Care",
            "published_on": date(2025, 9, 17),
            "authors": "Garcia M\nNguyen T",
            "disparities_focused": True,
        },
    )

    publication.refresh_from_db()
    assert publication.title == "Promotoras and HbA1c"
    assert publication.doi == "10.1000/abc"
    assert publication.published_on == date(2025, 9, 1)
    assert publication.year == 2025
    assert publication.recorded_by == pi
    assert list(publication.awards.all()) == [award]


def test_same_doi_twice_is_refused():
    award, admin = simple_award()
    services.publication_create(
        actor=admin, awards=[award], data={"title": "A", "doi": "10.1000/x"}
    )

    with pytest.raises(ValidationError) as exc:
        services.publication_create(
            actor=admin, awards=[award], data={"title": "B", "doi": "10.1000/X"}
        )

    assert exc.value.message_dict == {"doi": ["A publication with this DOI is already recorded."]}


def test_year_must_match_the_publication_date():
    award, admin = simple_award()

    with pytest.raises(ValidationError) as exc:
        services.publication_create(
            actor=admin,
            awards=[award],
            data={"title": "A", "year": 2024, "published_on": "2025-03"},
        )

    assert exc.value.message_dict == {"year": ["The year does not match the publication date."]}


def test_publication_linked_to_two_awards_needs_both():
    award, _ = simple_award()
    others, _ = simple_award()
    pi = award.proposal.pi

    with pytest.raises(PermissionDenied):
        services.publication_create(actor=pi, awards=[award, others], data={"title": "A"})
    assert not Publication.objects.exists()


def test_team_member_with_account_records_on_the_award():
    member = make_user(applicant_type=ApplicantType.POSTDOC)
    award, _ = simple_award(team=[member])

    presentation = services.presentation_create(
        actor=member,
        awards=[award],
        data={
            "title": "Poster",
            "venue": "SGIM",
            "presented_on": date(2025, 5, 1),
            "kind": "poster",
            "level": "national",
        },
    )

    assert presentation.recorded_by == member


def test_applicant_cannot_record_on_someone_elses_award():
    award, _ = simple_award()
    other_applicant = make_user()

    with pytest.raises(PermissionDenied):
        services.follow_on_funding_create(
            actor=other_applicant,
            awards=[award],
            data={
                "sponsor": "NIH",
                "sponsor_type": "nih",
                "amount": "1",
                "status": "applied",
                "applied_on": date(2025, 6, 1),
            },
        )


def test_follow_on_dates_must_fit_the_status():
    award, admin = simple_award()

    with pytest.raises(ValidationError) as exc:
        services.follow_on_funding_create(
            actor=admin,
            awards=[award],
            data={
                "sponsor": "NIH",
                "sponsor_type": "nih",
                "mechanism": "R21",
                "amount": "275000",
                "status": "awarded",
                "applied_on": date(2025, 6, 1),
            },
        )

    assert exc.value.message_dict == {"decided_on": ["Give the date of the sponsor's decision."]}


def test_follow_on_update_and_delete_by_the_pi():
    award, _ = simple_award()
    pi = award.proposal.pi
    funding = services.follow_on_funding_create(
        actor=pi,
        awards=[award],
        data={
            "sponsor": "NIH",
            "sponsor_type": "nih",
            "mechanism": "K23",
            "amount": "0",
            "status": "applied",
            "applied_on": "2025-06-01",
        },
    )

    services.follow_on_funding_update(
        actor=pi,
        follow_on_funding=funding,
        data={"status": "awarded", "decided_on": date(2025, 11, 1), "amount": "150000"},
    )
    funding.refresh_from_db()
    assert (funding.status, funding.amount) == ("awarded", Decimal("150000.00"))

    services.follow_on_funding_delete(actor=pi, follow_on_funding=funding)
    assert not type(funding).objects.exists()


def test_outcome_on_two_awards_is_deleted_only_by_someone_on_both():
    award, admin = simple_award()
    other, _ = simple_award()
    publication = services.publication_create(
        actor=admin, awards=[award, other], data={"title": "Joint paper"}
    )
    pi = award.proposal.pi

    services.publication_update(actor=pi, publication=publication, data={"journal": "JAMA"})
    services.publication_update(  # the same two awards: nothing to check on the other one
        actor=pi, publication=publication, data={"year": 2025}, awards=[award, other]
    )
    with pytest.raises(PermissionDenied):
        services.publication_delete(actor=pi, publication=publication)
    with pytest.raises(PermissionDenied):  # unlinking the other PI's award
        services.publication_update(actor=pi, publication=publication, data={}, awards=[award])

    services.publication_delete(actor=admin, publication=publication)
    assert not Publication.objects.exists()


def test_trainee_outcome_needs_a_person_on_the_award():
    trainee = make_user(applicant_type=ApplicantType.MEDICAL_STUDENT)
    award, admin = simple_award(team=[trainee])

    with pytest.raises(ValidationError) as exc:
        services.trainee_outcome_create(
            actor=admin, award=award, data={"trainee": make_user(), "recorded_on": date(2026, 1, 1)}
        )
    assert exc.value.message_dict == {"trainee": ["Choose a person on this award's team."]}

    outcome = services.trainee_outcome_create(
        actor=award.proposal.pi,
        award=award,
        data={
            "trainee": trainee.pk,
            "recorded_on": "2026-08-01",
            "degree_completed": "MD",
            "completion_date": "2026-05-20",
            "position": "Internal medicine residency",
            "practicing_underserved": "yes",
        },
    )
    outcome.refresh_from_db()
    assert (outcome.trainee, outcome.in_further_training, outcome.practicing_underserved) == (
        trainee,
        "unknown",
        "yes",
    )
    assert TraineeOutcome.objects.count() == 1


def test_partnership_choices_are_checked():
    award, admin = simple_award()

    with pytest.raises(ValidationError) as exc:
        services.partnership_create(
            actor=admin,
            award=award,
            data={"organisation": "Clinic", "partner_type": "hospital", "purpose": "research"},
        )

    assert list(exc.value.message_dict) == ["partner_type"]
    partnership = services.partnership_create(
        actor=award.proposal.pi,
        award=award,
        data={"organisation": "Clinic", "partner_type": "fqhc", "purpose": "research"},
    )
    services.partnership_update(
        actor=award.proposal.pi, partnership=partnership, data={"purpose": "training"}
    )
    assert Partnership.objects.get().purpose == "training"


# ---- Progress reports ------------------------------------------------------------------------


def test_schedule_interim_at_midpoint_and_final_60_days_after_end():
    award, _ = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))

    reports = services.progress_reports_schedule(award=award)

    assert [(r.kind, r.due_date, r.status) for r in reports] == [
        (ProgressReportKind.INTERIM, date(2025, 7, 2), ProgressReportStatus.DUE),
        (ProgressReportKind.FINAL, date(2026, 3, 1), ProgressReportStatus.DUE),
    ]


def test_schedule_is_idempotent_and_follows_an_extension():
    award, admin = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))
    services.progress_reports_schedule(award=award)
    services.progress_reports_schedule(award=award)
    grant_services.award_transition(
        award=award,
        to=AwardStatus.NO_COST_EXTENSION,
        actor=admin,
        new_end_date=date(2026, 6, 30),
    )

    services.progress_reports_schedule(award=award)

    reports = ProgressReport.objects.filter(award=award).order_by("due_date")
    assert [(r.kind, r.due_date) for r in reports] == [
        ("interim", date(2025, 9, 30)),
        ("final", date(2026, 8, 29)),
    ]


def test_an_award_terminated_before_its_midpoint_owes_only_the_final_report():
    award, admin = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))
    services.progress_reports_schedule(award=award)
    grant_services.award_transition(
        award=award,
        to=AwardStatus.TERMINATED,
        actor=admin,
        reason="PI left.",
        ended_on=date(2025, 3, 31),
    )

    reports = services.progress_reports_schedule(award=award)

    assert [(r.kind, r.due_date) for r in reports] == [("final", date(2025, 5, 30))]


def test_award_change_moves_the_reports_with_the_award_in_one_step():
    award, admin = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))
    services.progress_reports_schedule(award=award)

    services.award_change(
        award=award, to=AwardStatus.NO_COST_EXTENSION, actor=admin, new_end_date=date(2026, 6, 30)
    )

    reports = ProgressReport.objects.filter(award=award).order_by("due_date")
    assert [(r.kind, r.due_date) for r in reports] == [
        ("interim", date(2025, 9, 30)),
        ("final", date(2026, 8, 29)),
    ]


def test_award_change_ending_early_drops_the_interim_report_and_refuses_bad_input():
    award, admin = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))
    services.progress_reports_schedule(award=award)

    with pytest.raises(ValidationError) as exc:
        services.award_change(award=award, to=AwardStatus.TERMINATED, actor=admin, reason="")
    assert list(exc.value.message_dict) == ["reason"]
    assert ProgressReport.objects.filter(award=award).count() == 2

    services.award_change(
        award=award,
        to=AwardStatus.TERMINATED,
        actor=admin,
        reason="PI left.",
        ended_on=date(2025, 3, 31),
    )

    reports = ProgressReport.objects.filter(award=award)
    assert [(r.kind, r.due_date) for r in reports] == [("final", date(2025, 5, 30))]


def test_award_change_is_refused_to_the_awardee():
    award, _ = simple_award()

    with pytest.raises(PermissionDenied):
        services.award_change(award=award, to=AwardStatus.CLOSED, actor=award.proposal.pi)
    award.refresh_from_db()
    assert award.status == AwardStatus.ACTIVE


def test_schedule_missing_schedules_only_released_awards_without_reports():
    award, _ = simple_award()

    assert services.progress_reports_schedule_missing([award.pk]) == 1
    assert services.progress_reports_schedule_missing([award.pk]) == 0
    assert ProgressReport.objects.filter(award=award).count() == 2


def test_pi_submits_a_progress_report_with_history():
    award, _ = simple_award()
    interim = services.progress_reports_schedule(award=award)[0]
    pi = award.proposal.pi

    with pytest.raises(ValidationError) as exc:
        services.progress_report_submit(
            report=interim, actor=pi, objectives_accomplishments="", barriers_resolutions=" "
        )
    assert set(exc.value.message_dict) == {"objectives_accomplishments", "barriers_resolutions"}

    services.progress_report_submit(
        report=interim,
        actor=pi,
        objectives_accomplishments="Enrolled 40 families.",
        barriers_resolutions="None.",
    )

    interim.refresh_from_db()
    assert interim.status == ProgressReportStatus.SUBMITTED
    assert interim.submitted_by == pi
    history = list(grant_selectors.state_history(interim))
    assert [(h.from_state, h.to_state) for h in history] == [("due", "submitted")]
    with pytest.raises(ValidationError):
        services.progress_report_submit(
            report=interim, actor=pi, objectives_accomplishments="x", barriers_resolutions="y"
        )


def test_team_member_cannot_submit_the_pis_progress_report():
    member = make_user()
    award, _ = simple_award(team=[member])
    interim = services.progress_reports_schedule(award=award)[0]

    with pytest.raises(PermissionDenied):
        services.progress_report_submit(
            report=interim, actor=member, objectives_accomplishments="x", barriers_resolutions="y"
        )


# ---- Reminders -------------------------------------------------------------------------------


def test_reminders_are_sent_once_each(mailoutbox, django_capture_on_commit_callbacks):
    award, _ = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))
    # interim due 2025-07-02, final due 2026-03-01
    today = date(2025, 6, 20)

    with django_capture_on_commit_callbacks(execute=True):
        first = services.reminders_send(today=today)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.reminders_send(today=today)

    assert (len(first.due_soon), len(first.overdue)) == (1, 0)
    assert second.sent == 0
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [award.proposal.pi.email]
    assert mailoutbox[0].subject == (
        "[Center of Excellence] Interim progress report due July 2, 2025: "
        "Community health workers and diabetes control in rural Lati…"
    )

    with django_capture_on_commit_callbacks(execute=True):
        late = services.reminders_send(today=date(2025, 7, 3))
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send(today=date(2025, 7, 4))

    assert (len(late.due_soon), len(late.overdue)) == (0, 1)
    assert len(mailoutbox) == 2
    assert mailoutbox[1].subject.startswith("[Center of Excellence] Overdue: interim progress")
    assert "was due on July 2, 2025" in " ".join(mailoutbox[1].body.split())
    assert sorted(ReminderSent.objects.values_list("kind", flat=True)) == [
        ReminderKind.DUE_SOON,
        ReminderKind.OVERDUE,
    ]


def test_no_reminder_for_a_submitted_report(mailoutbox, django_capture_on_commit_callbacks):
    award, _ = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))
    interim, _final = services.progress_reports_schedule(award=award)
    services.progress_report_submit(
        report=interim,
        actor=award.proposal.pi,
        objectives_accomplishments="Done.",
        barriers_resolutions="None.",
    )

    with django_capture_on_commit_callbacks(execute=True):
        run = services.reminders_send(today=interim.due_date + timedelta(days=1))

    assert run.sent == 0
    assert mailoutbox == []


def test_send_reminders_command_twice_mails_once(mailoutbox, django_capture_on_commit_callbacks):
    simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--today=2026-02-20", stdout=out)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--today=2026-02-20", stdout=out)

    # The interim report is overdue; the final one (March 1) is due soon.
    assert out.getvalue().splitlines() == [
        "Sent 1 due-soon and 1 overdue reminders.",
        "Sent 0 due-soon and 0 overdue reminders.",
    ]
    assert len(mailoutbox) == 2


# ---- Narrative -------------------------------------------------------------------------------


def test_narrative_saved_by_an_administrator_only():
    award, admin = simple_award()

    with pytest.raises(PermissionDenied):
        services.narrative_save(
            period="2025-2026",
            actor=award.proposal.pi,
            objectives_accomplishments="x",
            barriers_resolutions="y",
        )
    with pytest.raises(ValidationError) as exc:
        services.narrative_save(
            period="2025", actor=admin, objectives_accomplishments="x", barriers_resolutions="y"
        )
    assert list(exc.value.message_dict) == ["period"]

    services.narrative_save(
        period="2025-2026", actor=admin, objectives_accomplishments="A", barriers_resolutions="B"
    )
    services.narrative_save(
        period="2025-2026", actor=admin, objectives_accomplishments="A2", barriers_resolutions="B2"
    )

    narrative = ReportingPeriodNarrative.objects.get()
    assert (narrative.objectives_accomplishments, narrative.updated_by) == ("A2", admin)
