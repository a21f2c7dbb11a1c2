"""The demo's two-stage calls (demo.toml, "Two-stage calls"): each letter of intent started and
sent inside its window, the committee's ratings and declared conflicts, the call moved into
letters triage, the office's decisions, and — on a call whose triage is over — the call opened
for the invited full proposals and a full proposal started from its letter. Everything goes
through the services the pages use (``letter_create``, ``letter_update``,
``letter_document_set``, ``letter_submit``, ``letter_rate``, ``letter_conflict_declare``,
``letter_decide``, ``call_transition``, ``proposal_create``): the letters' services are given
the moment (``now``) inside the window, as tests/support/letters.py does, so no deadline is moved
by hand. Then each row is stamped with when it happened (demo/clock.py).

No random choices: the times follow from the letter's place in the file, so the rest of the
demo reads the same random draws with or without these calls.
"""

from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import slugify

from grants import services
from grants.choices import CallStatus, LetterStatus
from grants.models import FundingCall, LetterOfIntent, Program, Proposal
from reviews import services as review_services
from reviews.models import CallReview, LetterRating

from .content import Call, Letter
from .pdfs import letter_of_intent_html

# Letters are sent this many days apart, the last a few days before the deadline.
SENT_EVERY_DAYS = 3


def load(loader, program: Program) -> None:
    """Each two-stage call of the file, unless a call of its title exists (left alone, but
    for a deadline that has passed since: see ``keep_deadline``)."""
    for spec in loader.demo.two_stage_calls():
        call = FundingCall.objects.filter(program=program, title=spec.title).first()
        if call is None:
            two_stage_call(loader, program, spec)
        else:
            keep_deadline(loader, call, spec)


def keep_deadline(loader, call: FundingCall, spec: Call) -> None:
    """A demo run weeks later still finds the full proposals' deadline ahead, as for the open
    call (the letters' deadline, in the past, stays where it was)."""
    if call.status in (CallStatus.OPEN, CallStatus.LETTERS_TRIAGE) and (
        call.closes_at <= loader.now + timedelta(days=2)
    ):
        closes_at = loader.clock.when(spec.times["closes"])
        FundingCall.objects.filter(pk=call.pk).update(closes_at=closes_at)
        loader.notes.append(
            f"The full proposals' deadline of “{call.title}” had passed or was two days away; "
            f"it is now {timezone.localtime(closes_at, loader.clock.zone):%B %-d, %Y}."
        )


def local(loader, moment: datetime, *, days: int = 0, hour: int, minute: int = 0) -> datetime:
    """``days`` after ``moment``'s day, at that wall-clock time in the program's zone."""
    day = timezone.localtime(moment, loader.clock.zone).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=loader.clock.zone)


def sent_at(loader, spec: Call, index: int) -> datetime:
    """When the ``index``-th letter of ``spec`` was sent: every few days, the last one three
    days before the letters' deadline, in working hours."""
    closes = loader.clock.when(spec.times["letters_close"])
    back = SENT_EVERY_DAYS * (len(spec.letters) - index)
    return local(loader, closes, days=-back, hour=9 + (5 * index) % 9, minute=(17 * index) % 60)


def two_stage_call(loader, program: Program, spec: Call) -> FundingCall:
    clock, admin = loader.clock, loader.admin
    times = {key: clock.when(value) for key, value in spec.times.items()}
    call = loader.new_call(
        program,
        spec.fields,
        opens_at=times["opens"],
        letters_close_at=times["letters_close"],
        closes_at=times["closes"],
    )
    clock.retime_call(call, [times["opens"]])
    if any(letter.ratings or letter.conflicts for letter in spec.letters):
        # The standing committee rates the letters (the reviews app's pages need it attached).
        with clock.dated(times["opens"] + timedelta(hours=1)):
            review_services.committee_attach_to_call(
                committee=loader.committee,
                call=call,
                actor=admin,
                reviewers_per_proposal=loader.demo.committee["reviewers_per_proposal"],
            )
        CallReview.objects.filter(call=call).update(created_at=times["opens"] + timedelta(hours=1))
    letters = [
        letter_sent(loader, call, letter, sent_at(loader, spec, index), document_key(spec, index))
        for index, letter in enumerate(spec.letters)
    ]
    with clock.dated(times["triage_begins"]):
        services.call_transition(call=call, to=CallStatus.LETTERS_TRIAGE, actor=admin)
    ratings(loader, letters, spec, start=times["triage_begins"])
    decided = [(row, letter) for row, letter in zip(letters, spec.letters, strict=True)]
    decided = [(row, letter) for row, letter in decided if letter.state != LetterStatus.SUBMITTED]
    for step, (row, letter) in enumerate(decided):
        moment = times["letters_decided"] + timedelta(minutes=15 * step)
        with clock.dated(moment):
            review_services.letter_decide(
                letter=row, actor=admin, outcome=letter.state, message=letter.message
            )
        LetterOfIntent.objects.filter(pk=row.pk).update(decided_at=moment, updated_at=moment)
    if "full_proposals_open" in times:
        call.refresh_from_db()
        with clock.dated(times["full_proposals_open"]):
            services.call_transition(call=call, to=CallStatus.OPEN, actor=admin)
        for step, (row, letter) in enumerate(decided):
            if letter.started:
                moment = local(loader, times["full_proposals_open"], days=2 + step, hour=10)
                full_proposal_started(loader, call, row, letter, moment)
    return call


def documents(loader) -> dict[str, tuple[str, str]]:
    """The letters' one-page PDFs (key -> (PDF title, HTML body)), dated the day each was sent,
    for the demo's one rendering pass (loader.pdf_sources)."""
    program = loader.demo.program
    people = loader.demo.people_by_username
    sources = {}
    for spec in loader.demo.two_stage_calls():
        for index, letter in enumerate(spec.letters):
            if letter.document:
                sources[document_key(spec, index)] = (
                    f"Letter of intent - {letter.title}",
                    letter_of_intent_html(
                        letter,
                        people[letter.applicant],
                        timezone.localtime(sent_at(loader, spec, index), loader.clock.zone),
                        call=spec.title,
                        institution=program["institution"],
                    ),
                )
    return sources


def document_key(spec: Call, index: int) -> str:
    """The key of the letter's one-page PDF among the demo's documents (loader.pdf_sources)."""
    return f"loi:{slugify(spec.title)}:{spec.letters[index].applicant}"


def letter_sent(loader, call: FundingCall, spec: Letter, sent: datetime, key: str):
    """The applicant starts the letter two days before sending it (two hours later in the
    day), writes it, attaches its PDF
    (when the file says so) and sends it — inside the letters' window."""
    applicant = loader.users[spec.applicant]
    begun = sent - timedelta(days=2) + timedelta(hours=2)
    with loader.clock.dated(begun):
        letter = services.letter_create(call=call, actor=applicant, now=begun)
    services.letter_update(letter=letter, actor=applicant, data=spec.data)
    if spec.document:
        upload = SimpleUploadedFile(
            "letter-of-intent.pdf", loader.pdf(key), content_type="application/pdf"
        )
        services.letter_document_set(letter=letter, actor=applicant, uploaded_file=upload)
    with loader.clock.dated(sent):
        letter = services.letter_submit(letter=letter, actor=applicant, now=sent)
    LetterOfIntent.objects.filter(pk=letter.pk).update(created_at=begun, updated_at=sent)
    loader.created["letters"] += 1
    return letter


def ratings(loader, letters: list[LetterOfIntent], spec: Call, *, start: datetime) -> None:
    """The members' ratings and declared conflicts, over the first days of the triage (before
    any decision), each stamped with when it was given."""
    step = 0
    for row, letter in zip(letters, spec.letters, strict=True):
        writes = [
            (review_services.letter_rate, r.member, {"rating": r.rating, "comment": r.comment})
            for r in letter.ratings
        ]
        writes += [
            (review_services.letter_conflict_declare, member, {"reason": reason})
            for member, reason in letter.conflicts
        ]
        for write, member, data in writes:
            moment = local(loader, start, days=step % 3, hour=9 + (2 * step) % 9, minute=10)
            with loader.clock.dated(moment):
                write(letter=row, actor=loader.users[member], **data)
            LetterRating.objects.filter(letter=row, member=loader.users[member]).update(
                created_at=moment, updated_at=moment
            )
            step += 1


def full_proposal_started(
    loader, call: FundingCall, letter: LetterOfIntent, spec: Letter, moment: datetime
) -> Proposal:
    """The invited applicant starts the full proposal from the letter (its title, aims,
    populations and budget carried over) and, the same morning, picks its NIMHD cells."""
    applicant = loader.users[spec.applicant]
    with loader.clock.dated(moment):
        proposal = services.proposal_create(call=call, actor=applicant)
    if spec.nimhd_cells:
        services.proposal_update(
            proposal=proposal, actor=applicant, data={"nimhd_cells": list(spec.nimhd_cells)}
        )
    Proposal.objects.filter(pk=proposal.pk).update(
        created_at=moment, updated_at=moment + timedelta(minutes=25)
    )
    loader.created["proposals"] += 1
    return proposal
