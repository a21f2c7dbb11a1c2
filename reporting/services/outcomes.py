"""Recording outcomes against awards: publications, presentations, follow-on funding, trainee
outcomes and partnerships. The awardee (PI or team member with an account) or an administrator
records; dates must fall in the award's life plus the reporting window."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction

from accounts.models import User
from grants.models import Award, TeamMember
from grants.validators import too_long_message

from ..choices import DECIDED_FUNDING_STATES, FundingStatus
from ..models import FollowOnFunding, Partnership, Presentation, Publication, TraineeOutcome
from ..validators import (
    OUTCOME_TEXT_LIMITS,
    normalize_doi,
    normalize_pmid,
    reporting_window,
    validate_amount,
    validate_outcome_date,
)
from ._common import FieldErrors, require

# ---- Outcomes: shared machinery --------------------------------------------------------------

PUBLICATION_FIELDS = (
    "title",
    "doi",
    "pmid",
    "journal",
    "year",
    "published_on",
    "authors",
    "peer_reviewed",
    "disparities_focused",
)
PRESENTATION_FIELDS = ("title", "venue", "presented_on", "kind", "level")
FOLLOW_ON_FIELDS = (
    "sponsor",
    "sponsor_type",
    "mechanism",
    "title",
    "amount",
    "status",
    "applied_on",
    "decided_on",
)
TRAINEE_OUTCOME_FIELDS = (
    "trainee",
    "recorded_on",
    "degree_completed",
    "completion_date",
    "position",
    "in_further_training",
    "employed",
    "practicing_underserved",
    "practicing_rural",
    "practicing_primary_care",
)
PARTNERSHIP_FIELDS = ("organisation", "partner_type", "purpose", "description")
MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


def _assign(instance: models.Model, data: dict, fields: tuple[str, ...]) -> None:
    for name in fields:
        if name in data:
            value = data[name]
            if isinstance(value, str) and name not in ("authors", "description"):
                value = value.strip()
            if name == "trainee" and not isinstance(value, User | None):
                instance.trainee_id = int(value)  # a primary key from a form or the API
                continue
            setattr(instance, name, value)


def _awards_for_outcome(actor: User, awards) -> list[Award]:
    awards = list(awards or [])
    if not awards:
        raise ValidationError({"awards": ["Choose the award(s) this outcome came from."]})
    for award in awards:
        require(actor, "reporting.record_outcome", award)
    return awards


def _full_clean(instance: models.Model, errors: FieldErrors, *, skip: tuple[str, ...] = ()) -> None:
    """Field-level validation (types, choices, lengths, validators) into ``errors``; converts
    strings to dates and numbers as it goes."""
    exclude = {*skip, *errors.by_field, "recorded_by"}
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.merge(exc)
    # TextFields have no max_length of their own: the hard limits of reporting.validators.
    for name, limit in OUTCOME_TEXT_LIMITS.items():
        value = getattr(instance, name, None)
        if isinstance(value, str) and len(value) > limit and name not in exclude:
            errors.add(name, too_long_message(limit, len(value)))


def _save(instance: models.Model, *, actor: User, awards: list[Award] | None) -> models.Model:
    if instance.pk is None:
        instance.recorded_by = actor
    instance.save()
    if awards is not None:
        instance.awards.set(awards)
    return instance


def _check_links(actor: User, outcome, awards: list[Award] | None) -> None:
    """Changing which awards an outcome is on needs the right to record on every award added
    or removed (awards left as they were need nothing more)."""
    if awards is None:
        return
    if not awards:
        raise ValidationError({"awards": ["Choose the award(s) this outcome came from."]})
    current = {a.pk: a for a in outcome.awards.select_related("proposal")}
    wanted = {a.pk: a for a in awards}
    for pk in set(current) ^ set(wanted):
        require(actor, "reporting.record_outcome", current.get(pk) or wanted[pk])


# ---- Publications ----------------------------------------------------------------------------


def _clean_publication(pub: Publication, awards: list[Award], errors: FieldErrors) -> None:
    pub.doi = normalize_doi(pub.doi)
    pub.pmid = normalize_pmid(pub.pmid)
    if isinstance(pub.published_on, str):
        match = MONTH_RE.match(pub.published_on.strip())
        if match:
            pub.published_on = f"{match.group(1)}-{int(match.group(2)):02d}-01"
        elif not pub.published_on.strip():
            pub.published_on = None
    if pub.year in ("", None):
        pub.year = None
    _full_clean(pub, errors)
    if not (pub.title or "").strip():
        errors.add("title", "Give the publication's title.")
    if isinstance(pub.published_on, date) and "published_on" not in errors:
        pub.published_on = pub.published_on.replace(day=1)  # month precision
        if pub.year is None:
            pub.year = pub.published_on.year
        elif "year" not in errors and pub.year != pub.published_on.year:
            errors.add("year", "The year does not match the publication date.")
        validate_date(errors, pub.published_on, awards, "published_on")
    elif pub.year and "year" not in errors:
        window = reporting_window()
        first = min(a.start_date.year for a in awards)
        last = max((a.effective_end + window).year for a in awards)
        if not first <= pub.year <= last:
            errors.add("year", f"The year must fall within the award's life ({first}–{last}).")
    duplicates = Publication.objects.exclude(pk=pub.pk)
    if pub.doi and "doi" not in errors and duplicates.filter(doi=pub.doi).exists():
        errors.add("doi", "A publication with this DOI is already recorded.")
    if pub.pmid and "pmid" not in errors and duplicates.filter(pmid=pub.pmid).exists():
        errors.add("pmid", "A publication with this PubMed ID is already recorded.")


def validate_date(errors: FieldErrors, on, awards: list[Award], field_name: str) -> None:
    try:
        validate_outcome_date(on, awards=awards, field=field_name)
    except ValidationError as exc:
        errors.merge(exc)


@transaction.atomic
def publication_create(*, actor: User, awards: list[Award], data: dict) -> Publication:
    """Record a publication against one or more awards (the awardee's, or any for an
    administrator). DOI and PubMed ID are checked for form and must not be recorded already."""
    awards = _awards_for_outcome(actor, awards)
    pub = Publication()
    _assign(pub, data, PUBLICATION_FIELDS)
    errors = FieldErrors()
    _clean_publication(pub, awards, errors)
    errors.raise_if_any()
    return _save(pub, actor=actor, awards=awards)


@transaction.atomic
def publication_update(
    *, actor: User, publication: Publication, data: dict, awards: list[Award] | None = None
) -> Publication:
    require(actor, "reporting.change_outcome", publication)
    _check_links(actor, publication, awards)
    linked = awards if awards is not None else list(publication.awards.all())
    _assign(publication, data, PUBLICATION_FIELDS)
    errors = FieldErrors()
    _clean_publication(publication, linked, errors)
    errors.raise_if_any()
    return _save(publication, actor=actor, awards=awards)


@transaction.atomic
def publication_delete(*, actor: User, publication: Publication) -> None:
    require(actor, "reporting.delete_outcome", publication)
    publication.delete()


# ---- Presentations ---------------------------------------------------------------------------


def _clean_presentation(item: Presentation, awards: list[Award], errors: FieldErrors) -> None:
    _full_clean(item, errors)
    if isinstance(item.presented_on, date):
        validate_date(errors, item.presented_on, awards, "presented_on")


@transaction.atomic
def presentation_create(*, actor: User, awards: list[Award], data: dict) -> Presentation:
    awards = _awards_for_outcome(actor, awards)
    item = Presentation()
    _assign(item, data, PRESENTATION_FIELDS)
    errors = FieldErrors()
    _clean_presentation(item, awards, errors)
    errors.raise_if_any()
    return _save(item, actor=actor, awards=awards)


@transaction.atomic
def presentation_update(
    *, actor: User, presentation: Presentation, data: dict, awards: list[Award] | None = None
) -> Presentation:
    require(actor, "reporting.change_outcome", presentation)
    _check_links(actor, presentation, awards)
    linked = awards if awards is not None else list(presentation.awards.all())
    _assign(presentation, data, PRESENTATION_FIELDS)
    errors = FieldErrors()
    _clean_presentation(presentation, linked, errors)
    errors.raise_if_any()
    return _save(presentation, actor=actor, awards=awards)


@transaction.atomic
def presentation_delete(*, actor: User, presentation: Presentation) -> None:
    require(actor, "reporting.delete_outcome", presentation)
    presentation.delete()


# ---- Follow-on funding -----------------------------------------------------------------------


def _clean_follow_on(item: FollowOnFunding, awards: list[Award], errors: FieldErrors) -> None:
    if item.amount in (None, ""):
        errors.add("amount", "Enter the amount (0 if not known).")
    else:
        try:
            item.amount = validate_amount(item.amount)
        except ValidationError as exc:
            errors.add("amount", exc.messages[0])
    for name in ("applied_on", "decided_on"):
        if getattr(item, name) == "":
            setattr(item, name, None)
    _full_clean(item, errors)
    if "status" in errors:
        return
    if item.status == FundingStatus.APPLIED and item.applied_on is None:
        errors.add("applied_on", "Give the date the application was submitted.")
    if item.status in DECIDED_FUNDING_STATES and item.decided_on is None:
        errors.add("decided_on", "Give the date of the sponsor's decision.")
    if item.status == FundingStatus.APPLIED and item.decided_on is not None:
        errors.add("decided_on", "An application still pending has no decision date.")
    dates_ok = isinstance(item.applied_on, date | None) and isinstance(item.decided_on, date | None)
    if dates_ok and item.applied_on and item.decided_on and item.decided_on < item.applied_on:
        errors.add("decided_on", "The decision cannot come before the application.")
    for name in ("applied_on", "decided_on"):
        value = getattr(item, name)
        if isinstance(value, date) and name not in errors:
            validate_date(errors, value, awards, name)


@transaction.atomic
def follow_on_funding_create(*, actor: User, awards: list[Award], data: dict) -> FollowOnFunding:
    """Record a grant applied for or won on the strength of the award. Amount >= 0; a pending
    application needs its application date, a decided one its decision date."""
    awards = _awards_for_outcome(actor, awards)
    item = FollowOnFunding()
    _assign(item, data, FOLLOW_ON_FIELDS)
    errors = FieldErrors()
    _clean_follow_on(item, awards, errors)
    errors.raise_if_any()
    return _save(item, actor=actor, awards=awards)


@transaction.atomic
def follow_on_funding_update(
    *,
    actor: User,
    follow_on_funding: FollowOnFunding,
    data: dict,
    awards: list[Award] | None = None,
) -> FollowOnFunding:
    require(actor, "reporting.change_outcome", follow_on_funding)
    _check_links(actor, follow_on_funding, awards)
    linked = awards if awards is not None else list(follow_on_funding.awards.all())
    _assign(follow_on_funding, data, FOLLOW_ON_FIELDS)
    errors = FieldErrors()
    _clean_follow_on(follow_on_funding, linked, errors)
    errors.raise_if_any()
    return _save(follow_on_funding, actor=actor, awards=awards)


@transaction.atomic
def follow_on_funding_delete(*, actor: User, follow_on_funding: FollowOnFunding) -> None:
    require(actor, "reporting.delete_outcome", follow_on_funding)
    follow_on_funding.delete()


# ---- Trainee outcomes ------------------------------------------------------------------------


def _clean_trainee_outcome(item: TraineeOutcome, errors: FieldErrors) -> None:
    for name in ("completion_date",):
        if getattr(item, name) == "":
            setattr(item, name, None)
    _full_clean(item, errors, skip=("award",))
    trainee_id = item.trainee_id
    award = item.award
    on_award = trainee_id is not None and (
        award.proposal.pi_id == trainee_id
        or TeamMember.objects.filter(proposal_id=award.proposal_id, user_id=trainee_id).exists()
    )
    if trainee_id is not None and not on_award and "trainee" not in errors:
        errors.add("trainee", "Choose a person on this award's team.")
    # Trainee outcomes are follow-ups (often a year or more after the award): no window.
    recorded, completed = item.recorded_on, item.completion_date
    if isinstance(recorded, date) and isinstance(completed, date) and completed > recorded:
        errors.add("completion_date", "The completion date cannot be after the record's date.")


@transaction.atomic
def trainee_outcome_create(*, actor: User, award: Award, data: dict) -> TraineeOutcome:
    """Where a trainee of the award is now (degree, position, practice), as of a date."""
    require(actor, "reporting.record_outcome", award)
    item = TraineeOutcome(award=award)
    _assign(item, data, TRAINEE_OUTCOME_FIELDS)
    errors = FieldErrors()
    _clean_trainee_outcome(item, errors)
    errors.raise_if_any()
    return _save(item, actor=actor, awards=None)


@transaction.atomic
def trainee_outcome_update(
    *, actor: User, trainee_outcome: TraineeOutcome, data: dict
) -> TraineeOutcome:
    require(actor, "reporting.change_outcome", trainee_outcome)
    _assign(trainee_outcome, data, TRAINEE_OUTCOME_FIELDS)
    errors = FieldErrors()
    _clean_trainee_outcome(trainee_outcome, errors)
    errors.raise_if_any()
    return _save(trainee_outcome, actor=actor, awards=None)


@transaction.atomic
def trainee_outcome_delete(*, actor: User, trainee_outcome: TraineeOutcome) -> None:
    require(actor, "reporting.delete_outcome", trainee_outcome)
    trainee_outcome.delete()


# ---- Partnerships ----------------------------------------------------------------------------


def _clean_partnership(item: Partnership, errors: FieldErrors) -> None:
    _full_clean(item, errors, skip=("award",))


@transaction.atomic
def partnership_create(*, actor: User, award: Award, data: dict) -> Partnership:
    require(actor, "reporting.record_outcome", award)
    item = Partnership(award=award)
    _assign(item, data, PARTNERSHIP_FIELDS)
    errors = FieldErrors()
    _clean_partnership(item, errors)
    errors.raise_if_any()
    return _save(item, actor=actor, awards=None)


@transaction.atomic
def partnership_update(*, actor: User, partnership: Partnership, data: dict) -> Partnership:
    require(actor, "reporting.change_outcome", partnership)
    _assign(partnership, data, PARTNERSHIP_FIELDS)
    errors = FieldErrors()
    _clean_partnership(partnership, errors)
    errors.raise_if_any()
    return _save(partnership, actor=actor, awards=None)


@transaction.atomic
def partnership_delete(*, actor: User, partnership: Partnership) -> None:
    require(actor, "reporting.delete_outcome", partnership)
    partnership.delete()


def outcome_date_hint(awards: list[Award]) -> str:
    """For forms: the range of dates an outcome of these awards may carry."""
    if not awards:
        return ""
    window = reporting_window()
    first = min(a.start_date for a in awards)
    last = max(a.effective_end for a in awards) + window
    return f"{first:%B %-d, %Y} to {last:%B %-d, %Y}"
