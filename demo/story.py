"""The decided calls' years: each award's dates, progress reports, inclusion enrollment and
changes of status, the outcomes its projects produced and the administrator's narratives,
written through the grants and reporting services and dated when they happened
(demo/clock.py)."""

from datetime import date, timedelta

from grants import services
from grants.choices import AwardStatus
from grants.models import Award, TeamMember
from reporting import services as reporting_services
from reporting.choices import ProgressReportKind
from reporting.models import (
    EnrollmentReport,
    ProgressReport,
    ReportingPeriodNarrative,
    ReportingProfile,
    TrainingProgram,
)

from .content import EnrollmentPlan, Plan, Topic


def award_life(loader, plan: Plan, award: Award, *, released_on: date) -> Award:
    """The award's dates, its planned enrollment, its progress reports (each with the
    cumulative enrollment as of it) and its changes of status, in the order they happened:
    schedule and planned table, interim report, extension / close / termination (which move the
    schedule), final report. ``released_on``: the day its call's decisions were released, as
    written in the story."""
    clock, spec = loader.clock, plan.award
    pi = loader.users[plan.pi]
    topic = loader.demo.topics[plan.topic]
    start, _ = services.award_dates(call=award.call, decided_on=clock.day(released_on))
    Award.objects.filter(pk=award.pk).update(start_date=start, end_date=clock.day(spec.end))
    award.refresh_from_db()
    reporting_services.progress_reports_schedule(award=award)
    ProgressReport.objects.filter(award=award).update(created_at=clock.at(start, 8))
    if spec.enrollment is not None:
        enrollment_planned(loader, award, spec.enrollment, pi, start)
    if spec.interim:
        submit_report(loader, award, ProgressReportKind.INTERIM, spec.interim, pi, topic, spec)
    for change in spec.changes:
        if change.to == AwardStatus.NO_COST_EXTENSION:
            dates = {"new_end_date": clock.day(change.on)}
        else:
            dates = {"ended_on": clock.day(change.on)}
        with clock.dated(clock.moment(change.recorded, 11)):
            award = reporting_services.award_change(
                award=award, to=change.to, actor=loader.admin, reason=change.reason, **dates
            )
    if spec.final:
        submit_report(loader, award, ProgressReportKind.FINAL, spec.final, pi, topic, spec)
    return award


def submit_report(loader, award, kind, on: date, pi, topic: Topic, spec) -> None:
    """The PI submits the progress report, and with it the cumulative enrollment as of that
    day (when the plan has a table for it)."""
    clock, rng = loader.clock, loader.rng
    report = ProgressReport.objects.get(award=award, kind=kind)
    moment = clock.moment(on, rng.randint(9, 17), rng.randint(0, 59))
    enrollment = spec.enrollment
    share = None
    if enrollment is not None and enrollment.enrolls_humans and kind in enrollment.cumulative:
        counts, _ = enrollment.cumulative[kind]
        share = round(100 * sum(counts.values()) / sum(enrollment.planned.values()))
    objectives, barriers = loader.prose.report(topic, kind, spec, enrolled=share)
    with clock.dated(moment):
        reporting_services.progress_report_submit(
            report=report,
            actor=pi,
            objectives_accomplishments=objectives,
            barriers_resolutions=barriers,
        )
    ProgressReport.objects.filter(pk=report.pk).update(submitted_at=moment)
    if enrollment is not None and kind in enrollment.cumulative:
        counts, reason = enrollment.cumulative[kind]
        table = reporting_services.enrollment_cumulative_submit(
            actor=pi,
            award=award,
            data={"counts": counts, "as_of": clock.happened(on), "reason_for_decrease": reason},
        )
        EnrollmentReport.objects.filter(pk=table.pk).update(created_at=moment, updated_at=moment)
        loader.created["enrollment"] += 1


def enrollment_planned(loader, award, plan: EnrollmentPlan, pi, start: date) -> None:
    """The PI enters the planned enrollment in the award's first week (all zeros, and says so,
    for a project that enrolls nobody)."""
    data = {"enrolls_humans": plan.enrolls_humans}
    if plan.enrolls_humans:
        data["counts"] = plan.planned
    table = reporting_services.enrollment_planned_save(actor=pi, award=award, data=data)
    moment = loader.clock.at(start + timedelta(days=6), 15)
    EnrollmentReport.objects.filter(pk=table.pk).update(created_at=moment, updated_at=moment)
    loader.created["enrollment"] += 1


def recorder(loader, awards: list[Award]):
    """Who records an outcome: the PI of its award, or someone on the team of every award it
    is linked to (else the administrator)."""
    if len(awards) == 1:
        return awards[0].proposal.pi
    teams = [
        {
            award.proposal.pi_id,
            *TeamMember.objects.filter(
                proposal_id=award.proposal_id, user__isnull=False
            ).values_list("user_id", flat=True),
        }
        for award in awards
    ]
    common = set.intersection(*teams)
    return next((u for u in loader.users.values() if u.pk in common), loader.admin)


def _story(loader, fields: dict) -> dict:
    """An outcome's fields with its dates moved into the story's years (never after today)."""
    clock = loader.clock
    return {k: clock.happened(v) if isinstance(v, date) else v for k, v in fields.items()}


def _stamp(loader, item, on: date | None) -> None:
    """Recorded (created and last changed) a few days after it happened."""
    if on is not None:
        moment = loader.clock.at(on + timedelta(days=loader.rng.randint(1, 12)), 16)
        type(item).objects.filter(pk=item.pk).update(created_at=moment, updated_at=moment)
    loader.created["outcomes"] += 1


def linked_outcomes(loader, awards: dict[str, Award], source) -> None:
    """The publications, presentations and follow-on funding of ``source`` (the demo's, for
    the decided call, or an earlier round's), each linked to the awards of the PIs it names
    and recorded by an awardee through the reporting services."""

    def linked_to(entry: dict) -> tuple[list[Award], dict]:
        fields = {k: v for k, v in entry.items() if k != "awards"}
        return [awards[pi] for pi in entry["awards"]], fields

    for entry in source.publications:
        linked, fields = linked_to(entry)
        data = _story(loader, fields)
        if "year" in data:
            data["year"] += loader.clock.shift
        item = reporting_services.publication_create(
            actor=recorder(loader, linked), awards=linked, data=data
        )
        _stamp(loader, item, item.published_on)
    for entry in source.presentations:
        linked, fields = linked_to(entry)
        item = reporting_services.presentation_create(
            actor=recorder(loader, linked), awards=linked, data=_story(loader, fields)
        )
        _stamp(loader, item, item.presented_on)
    for entry in source.follow_on_funding:
        linked, fields = linked_to(entry)
        item = reporting_services.follow_on_funding_create(
            actor=recorder(loader, linked), awards=linked, data=_story(loader, fields)
        )
        _stamp(loader, item, item.reporting_date)


def outcomes(loader, awards: dict[str, Award]) -> None:
    """The decided call's outcomes: publications, presentations, follow-on funding, trainee
    outcomes and partnerships, each recorded by an awardee through the reporting services,
    then stamped with the time it was recorded (a few days after it happened)."""
    demo = loader.demo
    linked_outcomes(loader, awards, demo)
    for entry in demo.trainee_outcomes:
        trainee = loader.users[entry["trainee"]]
        fields = {k: v for k, v in entry.items() if k not in {"award", "trainee"}}
        item = reporting_services.trainee_outcome_create(
            actor=trainee,
            award=awards[entry["award"]],
            data={"trainee": trainee, **_story(loader, fields)},
        )
        _stamp(loader, item, item.recorded_on)
    topics = {plan.pi: demo.topics[plan.topic] for plan in demo.calls["past"].proposals}
    for entry in demo.partnerships:
        award = awards[entry["award"]]
        item = reporting_services.partnership_create(
            actor=award.proposal.pi,
            award=award,
            data={
                "organisation": entry["organisation"],
                "partner_type": entry["partner_type"],
                "purpose": entry["purpose"],
                "description": f"Partner on “{topics[entry['award']].title}”.",
            },
        )
        _stamp(loader, item, award.start_date)


def trainee_support(loader, awards: dict[str, Award]) -> None:
    """The profile's training programs (as an administrator enters them in the Django admin),
    then the payments from the trainee-led awards and the trainees' training status, recorded
    by each award's PI through the reporting services."""
    demo, clock = loader.demo, loader.clock
    profile = ReportingProfile.objects.order_by("-period").first()
    programs = {
        entry["name"]: TrainingProgram.objects.create(profile=profile, position=i, **entry)
        for i, entry in enumerate(demo.training_programs, start=1)
    }
    for entry in demo.participant_support:
        award = awards[entry["award"]]
        reporting_services.participant_support_create(
            actor=award.proposal.pi,
            award=award,
            data={
                "person": loader.users[entry["person"]],
                "kind": entry["kind"],
                "amount": entry["amount"],
                "paid_from": clock.day(entry["paid_from"]),
                "paid_to": clock.day(entry["paid_to"]),
                "training_program": programs.get(entry.get("program")),
                "note": entry.get("note", ""),
            },
        )
    for entry in demo.training_statuses:
        award = awards[entry["award"]]
        reporting_services.training_status_record(
            actor=award.proposal.pi,
            award=award,
            data={
                "person": loader.users[entry["person"]],
                "training_program": programs.get(entry.get("program")),
                "status": entry["status"],
                "status_date": clock.happened(entry["status_date"]),
            },
        )


def narratives(loader, call) -> None:
    """The administrator's narrative for the previous and the current academic year (a
    narrative already written is left alone)."""
    titles = {
        "decided_call": call.title,
        "review_call": loader.demo.calls["review"].title,
        "open_call": loader.demo.calls["open"].title,
    }
    periods = {"previous": loader.clock.previous.label, "current": loader.clock.current.label}
    for which, texts in loader.demo.narratives.items():
        period = periods[which]
        if ReportingPeriodNarrative.objects.filter(period=period).exists():
            continue
        reporting_services.narrative_save(
            period=period,
            actor=loader.admin,
            objectives_accomplishments=texts["objectives_accomplishments"].format(**titles),
            barriers_resolutions=texts["barriers_resolutions"].format(**titles),
        )
