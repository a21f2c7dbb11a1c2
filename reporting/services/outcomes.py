"""Recording outcomes against awards: publications, presentations, follow-on funding, trainee
outcomes and partnerships. The awardee (PI or team member with an account) or an administrator
records; dates must fall in the award's life plus the reporting window.

One service per write (``outcome_create``, ``outcome_update``, ``outcome_delete``) for every
kind; an ``OutcomeKind`` says what differs: the model, the fields a form or the API may set, the
kind's own checks, and whether it hangs on several awards or on one. The per-kind names
(``publication_create`` …) are those three bound to one kind, as seed data and tests call them.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import wraps

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

# ---- What a form or the API may set, per kind (the forms and serializers use these too) ------

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


def validate_date(errors: FieldErrors, on, awards: list[Award], field_name: str) -> None:
    try:
        validate_outcome_date(on, awards=awards, field=field_name)
    except ValidationError as exc:
        errors.merge(exc)


# ---- Each kind's own checks ------------------------------------------------------------------
# A hook gets the outcome with the submitted values assigned, the awards it is (to be) on — empty
# for the one-award kinds, whose rules do not date them by the award — and the errors so far.


def _clean_publication(pub: Publication, awards: list[Award], errors: FieldErrors) -> None:
    """DOI and PubMed ID in their canonical form and not recorded already; a month-precision
    date (YYYY-MM is fine) agreeing with the year; both within an award's life and window."""
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


def _clean_presentation(item: Presentation, awards: list[Award], errors: FieldErrors) -> None:
    _full_clean(item, errors)
    if isinstance(item.presented_on, date):
        validate_date(errors, item.presented_on, awards, "presented_on")


def _clean_follow_on(item: FollowOnFunding, awards: list[Award], errors: FieldErrors) -> None:
    """Amount >= 0; a pending application needs its application date, a decided one its
    decision date (not before the application)."""
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


def _clean_trainee_outcome(item: TraineeOutcome, awards: list[Award], errors: FieldErrors) -> None:
    """The trainee is the award's PI or a team member with an account."""
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


def _clean_partnership(item: Partnership, awards: list[Award], errors: FieldErrors) -> None:
    _full_clean(item, errors, skip=("award",))


# ---- The kinds -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeKind:
    """What the outcome services need to know about one kind of outcome."""

    name: str  # the keyword its per-kind services take the outcome under (``publication=``)
    model: type[models.Model]
    fields: tuple[str, ...]  # what a form or the API may set
    clean: Callable[[models.Model, list[Award], FieldErrors], None]
    linked: bool = True  # on one or more awards (``awards``), rather than on one ``award``


PUBLICATION = OutcomeKind("publication", Publication, PUBLICATION_FIELDS, _clean_publication)
PRESENTATION = OutcomeKind("presentation", Presentation, PRESENTATION_FIELDS, _clean_presentation)
FOLLOW_ON_FUNDING = OutcomeKind(
    "follow_on_funding", FollowOnFunding, FOLLOW_ON_FIELDS, _clean_follow_on
)
TRAINEE_OUTCOME = OutcomeKind(
    "trainee_outcome",
    TraineeOutcome,
    TRAINEE_OUTCOME_FIELDS,
    _clean_trainee_outcome,
    linked=False,
)
PARTNERSHIP = OutcomeKind(
    "partnership", Partnership, PARTNERSHIP_FIELDS, _clean_partnership, linked=False
)


# ---- The services ----------------------------------------------------------------------------


def _checked(kind: OutcomeKind, outcome, data: dict, awards: list[Award]) -> None:
    _assign(outcome, data, kind.fields)
    errors = FieldErrors()
    kind.clean(outcome, awards, errors)
    errors.raise_if_any()


@transaction.atomic
def outcome_create(
    kind: OutcomeKind,
    *,
    actor: User,
    data: dict,
    awards: list[Award] | None = None,
    award: Award | None = None,
) -> models.Model:
    """Record an outcome of ``kind`` against ``awards`` (a linked kind) or ``award`` (a one-award
    kind): the actor needs the right to record on each. ``data`` is checked field by field and
    by the kind's own rules; every problem is raised at once as a ValidationError by field."""
    if kind.linked:
        awards = _awards_for_outcome(actor, awards)
        outcome = kind.model()
    else:
        require(actor, "reporting.record_outcome", award)
        outcome, awards = kind.model(award=award), []
    _checked(kind, outcome, data, awards)
    return _save(outcome, actor=actor, awards=awards if kind.linked else None)


@transaction.atomic
def outcome_update(
    kind: OutcomeKind,
    *,
    actor: User,
    outcome: models.Model,
    data: dict,
    awards: list[Award] | None = None,
) -> models.Model:
    """Change the fields given in ``data`` under the same rules as recording it; ``awards``
    (linked kinds only) replaces its links, which needs the right to record on every award
    added or removed."""
    require(actor, "reporting.change_outcome", outcome)
    if kind.linked:
        _check_links(actor, outcome, awards)
        linked = awards if awards is not None else list(outcome.awards.all())
    else:
        linked = []
    _checked(kind, outcome, data, linked)
    return _save(outcome, actor=actor, awards=awards if kind.linked else None)


@transaction.atomic
def outcome_delete(kind: OutcomeKind, *, actor: User, outcome: models.Model) -> None:
    require(actor, "reporting.delete_outcome", outcome)
    outcome.delete()


def _for_kind(service: Callable, kind: OutcomeKind) -> Callable:
    """``service`` for one kind, taking the outcome under the kind's own keyword
    (``publication_update(publication=…)``), as its callers always have."""

    @wraps(service)
    def bound(**kwargs):
        if kind.name in kwargs:
            kwargs["outcome"] = kwargs.pop(kind.name)
        return service(kind, **kwargs)

    return bound


publication_create = _for_kind(outcome_create, PUBLICATION)
publication_update = _for_kind(outcome_update, PUBLICATION)
publication_delete = _for_kind(outcome_delete, PUBLICATION)
presentation_create = _for_kind(outcome_create, PRESENTATION)
presentation_update = _for_kind(outcome_update, PRESENTATION)
presentation_delete = _for_kind(outcome_delete, PRESENTATION)
follow_on_funding_create = _for_kind(outcome_create, FOLLOW_ON_FUNDING)
follow_on_funding_update = _for_kind(outcome_update, FOLLOW_ON_FUNDING)
follow_on_funding_delete = _for_kind(outcome_delete, FOLLOW_ON_FUNDING)
trainee_outcome_create = _for_kind(outcome_create, TRAINEE_OUTCOME)
trainee_outcome_update = _for_kind(outcome_update, TRAINEE_OUTCOME)
trainee_outcome_delete = _for_kind(outcome_delete, TRAINEE_OUTCOME)
partnership_create = _for_kind(outcome_create, PARTNERSHIP)
partnership_update = _for_kind(outcome_update, PARTNERSHIP)
partnership_delete = _for_kind(outcome_delete, PARTNERSHIP)


def outcome_date_hint(awards: list[Award]) -> str:
    """For forms: the range of dates an outcome of these awards may carry."""
    if not awards:
        return ""
    window = reporting_window()
    first = min(a.start_date for a in awards)
    last = max(a.effective_end for a in awards) + window
    return f"{first:%B %-d, %Y} to {last:%B %-d, %Y}"
