"""The reviewer's pages: the queue, the conflict check, the proposal (and its PDF packet), the
review sheet, and the read phase (with the chair's reopening of a review).

On a blind call the proposal's people and documents come through
``selectors.proposal_as_read``: a reviewer reads neutral labels, never a name."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.permissions import can
from grants import selectors as grant_selectors
from grants import services as grant_services

from .. import permissions, selectors, services
from ..choices import SCORE_DESCRIPTORS, CriterionKind
from ..exporters import CommitteeProposalPdf, committee_document_response
from ..forms import ConflictForm, ReopenForm
from ..models import Review
from .common import (
    flash_errors,
    form_errors,
    own_assignment,
    reviewed_proposal,
)


@never_cache
@login_required
def queue(request):
    return render(
        request,
        "reviews/queue.html",
        {
            "assignments": list(selectors.reviewer_queue(request.user)),
            "letters_to_rate": selectors.letters_awaiting_rating(request.user),
            "chaired": selectors.reviews_chaired_by(request.user),
            "ballot_calls": selectors.calls_voting_for(request.user),
        },
    )


@never_cache
@login_required
def conflict_check(request, pk: int):
    """Before opening a proposal, the reviewer certifies no conflict or declares one."""
    assignment = own_assignment(request, pk)
    proposal = assignment.proposal
    form = ConflictForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "certify":
                services.conflict_certify_none(assignment=assignment, actor=request.user)
                messages.success(request, "Thank you. You may now read the proposal.")
                return redirect("reviews:proposal", pk=proposal.pk)
            if form.is_valid():
                services.conflict_declare(
                    proposal=proposal,
                    reviewer=request.user,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    explanation=form.cleaned_data["explanation"],
                )
                messages.success(
                    request,
                    "Your conflict is recorded. The proposal has been taken off your list; "
                    "you will not see it or its reviews.",
                )
                return redirect("reviews:queue")
        except ValidationError as exc:
            form_errors(form, exc)
    return render(
        request,
        "reviews/conflict_check.html",
        {
            "assignment": assignment,
            "proposal": proposal,
            "form": form,
            "identities_hidden": selectors.identities_hidden_from(request.user, proposal),
        },
    )


def _committee_proposal(request, pk: int):
    """A proposal the user may open as a reviewer or chair, with its parts (404 otherwise)."""
    return grant_selectors.proposal_with_parts(
        queryset=selectors.proposals_visible_to_reviewer(request.user), pk=pk
    )


@never_cache
@login_required
def proposal_view(request, pk: int):
    """The proposal as the committee reads it: no demographics, no history, no decisions."""
    proposal = _committee_proposal(request, pk)
    assignment = selectors.assignment_for(request.user, proposal)
    return render(
        request,
        "reviews/proposal.html",
        {
            "proposal": proposal,
            "as_read": selectors.proposal_as_read(proposal, viewer=request.user),
            "call": proposal.call,
            "assignment": assignment,
            "can_read_reviews": can(request.user, "reviews.read_reviews", proposal),
            "budget_total": sum((line.amount for line in proposal.budget_lines.all()), 0),
        },
    )


@never_cache
@login_required
def proposal_pdf(request, pk: int):
    """The proposal page and the documents its reader gets, as one PDF (the packet)."""
    proposal = _committee_proposal(request, pk)
    exporter = CommitteeProposalPdf(
        proposal=proposal, as_read=selectors.proposal_as_read(proposal, viewer=request.user)
    )
    response = HttpResponse(exporter.render(), content_type=exporter.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exporter.filename}"'
    return response


@never_cache
@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    """One of the documents the reader gets (not a biosketch or letter on a blind call)."""
    proposal = _committee_proposal(request, pk)
    as_read = selectors.proposal_as_read(proposal, viewer=request.user)
    document = next((d for d in as_read.documents if d.attachment.pk == attachment_pk), None)
    if document is None:
        raise Http404("No such document.")
    return committee_document_response(as_read, document)


# The sheet's own fields, in page order, with the names the summary gives them.
_OVERALL_FIELDS = (
    ("overall_impact", "Overall impact score"),
    ("overall_paragraph", "Overall impact paragraph"),
    ("comments_to_applicant", "Comments to the applicant"),
    ("confidential_comments", "Confidential comments to the committee"),
)
_CRITERION_PARTS = (
    ("score", "score"),
    ("sufficient", "rating"),
    ("explanation", "explanation"),
    ("strengths", "strengths"),
    ("weaknesses", "weaknesses"),
)


def _error_summary(sheet, errors) -> list[dict]:
    """Each field error of the review sheet as a link to its field ({href, text}), in the
    order of the page, for the summary at its top (includes/error_summary.html)."""
    problems = []
    for criterion in sheet.criteria:
        for part, name in _CRITERION_PARTS:
            for message in errors.get(f"criterion_{criterion.pk}_{part}", []):
                # The service's messages mostly name the criterion already ("Score Factor 1:
                # …."): prefixing it again had a screen reader say the name twice.
                text = (
                    message if criterion.name in message else f"{criterion.name}, {name}: {message}"
                )
                problems.append({"href": f"#c{criterion.pk}_{part}", "text": text})
    for field, label in _OVERALL_FIELDS:
        for message in errors.get(field, []):
            problems.append({"href": f"#{field}", "text": f"{label}: {message}"})
    return problems


def _sheet_rows(sheet, data=None, errors=None):
    """The review form's rows: each criterion with its current values and its errors."""
    errors = errors or {}
    rows = []
    for criterion in sheet.criteria:
        saved = sheet.scores.get(criterion.pk)
        prefix = f"c{criterion.pk}_"

        def value(name, saved_value, prefix=prefix):
            if data is not None and prefix + name in data:
                return data.get(prefix + name)
            return saved_value

        if criterion.kind == CriterionKind.SUFFICIENCY:
            saved_sufficient = (
                ""
                if saved is None or saved.sufficient is None
                else ("sufficient" if saved.sufficient else "insufficient")
            )
            current = value("sufficient", saved_sufficient)
        else:
            current = value("score", "" if saved is None or saved.score is None else saved.score)
        rows.append(
            {
                "criterion": criterion,
                "prefix": prefix,
                "is_score": criterion.kind == CriterionKind.SCORE,
                "current": str(current or ""),
                "explanation": value("explanation", saved.explanation if saved else ""),
                "strengths": value("strengths", saved.strengths if saved else ""),
                "weaknesses": value("weaknesses", saved.weaknesses if saved else ""),
                "errors": errors.get(f"criterion_{criterion.pk}_score", [])
                + errors.get(f"criterion_{criterion.pk}_sufficient", []),
                "explanation_errors": errors.get(f"criterion_{criterion.pk}_explanation", []),
                "strengths_errors": errors.get(f"criterion_{criterion.pk}_strengths", []),
                "weaknesses_errors": errors.get(f"criterion_{criterion.pk}_weaknesses", []),
            }
        )
    return rows


def _review_data(post) -> dict:
    criteria = {}
    for key in post:
        if key.startswith("c") and "_" in key:
            head, _, name = key.partition("_")
            if head[1:].isdigit() and name in {
                "score",
                "sufficient",
                "explanation",
                "strengths",
                "weaknesses",
            }:
                criteria.setdefault(head[1:], {})[name] = post.get(key)
    data = {"criteria": criteria}
    for name in (
        "overall_impact",
        "overall_paragraph",
        "comments_to_applicant",
        "confidential_comments",
    ):
        if name in post:
            data[name] = post.get(name)
    return data


def _posted_version(post) -> int | None:
    value = (post.get("version") or "").strip()
    return int(value) if value.isdigit() else None


@never_cache
@login_required
def review_edit(request, pk: int):
    """Write, autosave and submit a review. Saving never loses text; scores outside 1–9 are
    field errors. A save from a sheet loaded before the review was last saved (another window)
    is refused with 409, keeping the reviewer's text on the page."""
    assignment = own_assignment(request, pk)
    proposal = assignment.proposal
    if not can(request.user, "reviews.open_proposal", proposal):
        if assignment.certified_no_conflict_at is None:
            return redirect("reviews:conflict_check", pk=assignment.pk)
        raise Http404("No such review.")
    errors: dict[str, list[str]] = {}
    data = None
    status = 200
    posted_version = None
    if request.method == "POST":
        data = request.POST
        posted_version = _posted_version(request.POST)
        # What happened to the draft: "saved", "partly" (some values refused, the rest kept),
        # "refused" (nothing saved: the review is locked, or the phase is over) or "stale"
        # (nothing saved: the sheet was opened before the review's last save).
        outcome = "refused"
        try:
            if posted_version is None:
                raise ValidationError(
                    "This page did not say which version of the review it was opened at, so "
                    f"nothing was saved. {grant_services.STALE_ADVICE}"
                )
            services.review_save_draft(
                assignment=assignment,
                actor=request.user,
                data=_review_data(request.POST),
                expected_version=posted_version,
            )
            outcome = "saved"
            if request.POST.get("action") == "submit":
                services.review_submit(assignment=assignment, actor=request.user)
                messages.success(
                    request,
                    "Your review is submitted. You can now read the other reviews of this "
                    "proposal once the read phase opens.",
                )
                return redirect("reviews:queue")
        except services.ReviewDraftInvalid as exc:
            outcome = "partly"
            errors = exc.message_dict
        except services.StaleVersion as exc:
            outcome = "stale"
            errors = {"__all__": exc.messages}
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        if outcome == "refused" and posted_version is None:
            outcome = "stale"
        status = 409 if outcome == "stale" else 200
        if request.headers.get("X-Autosave") == "1":
            saved = outcome in ("saved", "partly")
            body = {
                "saved": saved,
                "saved_at": timezone.localtime().strftime("%-I:%M:%S %p"),
                "errors": errors,
            }
            if saved:
                body["version"] = Review.objects.get(assignment=assignment).version
            if outcome == "stale":
                body["conflict"] = True
            return JsonResponse(body, status=409 if outcome == "stale" else 400 if errors else 200)
        if not errors:
            messages.success(request, "Draft saved.")
            return redirect("reviews:review", pk=assignment.pk)
        if outcome == "partly":
            messages.error(request, "Saved, except the items marked below.")
        elif outcome == "saved":
            messages.error(
                request, "Your draft is saved. Complete the items marked below to submit it."
            )
        elif outcome != "stale":  # the stale message says it all, at the top of the sheet
            messages.error(request, "Nothing was saved.")
    sheet = selectors.review_sheet(assignment)
    review = sheet.review

    def current(name, default=""):
        if data is not None and name in data:
            return data.get(name)
        return getattr(review, name, default) if review else default

    # Beside the sheet on a wide screen: the proposal as the committee reads it.
    reading = _committee_proposal(request, proposal.pk)
    return render(
        request,
        "reviews/review_edit.html",
        {
            "assignment": assignment,
            "proposal": proposal,
            "reading": reading,
            "as_read": selectors.proposal_as_read(reading, viewer=request.user),
            "reading_budget_total": sum((line.amount for line in reading.budget_lines.all()), 0),
            "review": review,
            "rows": _sheet_rows(sheet, data, errors),
            "descriptors": list(SCORE_DESCRIPTORS.items()),
            "overall_impact": str(current("overall_impact") or ""),
            "overall_paragraph": current("overall_paragraph"),
            "comments_to_applicant": current("comments_to_applicant"),
            "confidential_comments": current("confidential_comments"),
            "errors": errors,
            "general_errors": errors.get("__all__", []) + errors.get("criteria", []),
            "error_summary": _error_summary(sheet, errors),
            "submitted": review is not None and review.status == "submitted",
            "editable": can(request.user, "reviews.write_review", assignment),
            # A stale sheet keeps the version it was opened at: saving it again is refused
            # until the reviewer reloads. Otherwise, the version now stored.
            "version": posted_version
            if status == 409
            else (review.version if review is not None else 0),
        },
        status=status,
    )


@never_cache
@login_required
def proposal_reviews(request, pk: int):
    """The read phase: other submitted reviews, once the user may read them.

    The reading rule decides, not the opening one: an administrator may read the reviews (to
    run the panel) without opening the proposal as a reviewer.
    """
    proposal = reviewed_proposal(pk)
    can_open = can(request.user, "reviews.open_proposal", proposal)
    can_read = can(request.user, "reviews.read_reviews", proposal)
    if not can_open and not can_read:
        raise Http404("No such proposal.")
    if not can_read:
        messages.info(
            request,
            "You can read the other reviews after submitting your own, once the read phase opens.",
        )
        return redirect("reviews:proposal", pk=proposal.pk)
    reviews = selectors.reviews_readable_by(request.user, proposal)
    can_reopen = {r.pk: can(request.user, "reviews.reopen_review", r) for r in reviews}
    return render(
        request,
        "reviews/proposal_reviews.html",
        {
            "proposal": proposal,
            "can_open": can_open,
            "reviews": reviews,
            "can_reopen": can_reopen,
            "reopen_form": ReopenForm(),
        },
    )


@login_required
@require_POST
def review_reopen(request, pk: int):
    review = get_object_or_404(
        Review.objects.select_related("assignment", "assignment__proposal"), pk=pk
    )
    proposal = review.assignment.proposal
    # Only the (non-conflicted) chair reopens; to anyone else the review is not there.
    if not permissions.may_reopen_reviews(request.user, proposal):
        raise Http404("No such review.")
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason for reopening the review.")
    else:
        try:
            services.review_reopen(
                review=review, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, "The review is reopened; the reviewer can edit it again.")
    return redirect("reviews:proposal_reviews", pk=proposal.pk)
