"""A proposal's team, budget lines and documents, and its mentor's endorsement."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.forms import PersonSearchForm
from accounts.selectors import people_matching
from config.uploads import attachment_response

from .. import selectors, services
from ..forms import AttachmentForm, BudgetLineForm, EndorsementForm, TeamMemberForm
from ..models import Attachment, BudgetLine, Endorsement, TeamMember
from ._common import apply_errors, part_removed, parts_page, proposal_context, require_edit


@never_cache
@login_required
def proposal_team(request, pk: int):
    """The team, the trainee's endorsement request, and (for the PI of an editable proposal)
    the add form: the colleague finder (``?q=``, a GET, so it works without JavaScript) and
    an invitation for someone without an account. A POST with ``resend`` sends an invited
    member a new link."""
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    if request.method == "POST" and "resend" in request.POST:
        return _resend_invitation(request, proposal)
    form = TeamMemberForm(request.POST if request.method == "POST" else None)
    query = (request.POST if request.method == "POST" else request.GET).get("q", "")
    search_form = PersonSearchForm({"q": query} if query or "q" in request.GET else None)
    people = (
        people_matching(search_form.cleaned_data["q"], request.user)
        if search_form.is_bound and search_form.is_valid()
        else []
    )
    if request.method == "POST":
        require_edit(request, proposal)
        if form.is_valid():
            data = form.cleaned_data
            try:
                member = services.team_member_add(
                    proposal=proposal,
                    actor=request.user,
                    role=data["role"],
                    user=data["user"],
                    full_name=data["full_name"],
                    email=data["email"],
                    organisation=data["organisation"],
                )
            except ValidationError as exc:
                apply_errors(form, exc, rename={"user": "person"})
            else:
                invited = " We e-mailed them an invitation to join." if member.email else ""
                messages.success(request, f"{member.name} is on the team.{invited}")
                return redirect("grants:proposal_team", pk=proposal.pk)
    return parts_page(
        request,
        proposal,
        "grants/proposal_team.html",
        form=form,
        search_form=search_form,
        people=people,
        chosen_person=str(request.POST.get("person", "")),
        letter_team=selectors.letter_team_lines(proposal),
        invite_open=bool(
            form.is_bound
            and (
                any(form.data.get(name) for name in ("full_name", "email", "organisation"))
                or any(name in form.errors for name in ("full_name", "email", "organisation"))
            )
        ),
    )


def _resend_invitation(request, proposal):
    member_pk = request.POST.get("resend", "")
    if not member_pk.isdigit():
        raise Http404("No such team member.")
    member = get_object_or_404(TeamMember, pk=int(member_pk), proposal=proposal)
    require_edit(request, proposal)
    try:
        services.team_member_invite(member=member, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            f"We e-mailed {member.name} a new invitation; the earlier link no longer works.",
        )
    return redirect("grants:proposal_team", pk=proposal.pk)


@login_required
@require_POST
def team_member_remove(request, pk: int, member_pk: int):
    return part_removed(
        request,
        pk,
        TeamMember,
        member_pk,
        remove=lambda member: services.team_member_remove(member=member, actor=request.user),
        message=lambda member: f"{member.name} was removed from the team.",
        page="grants:proposal_team",
    )


@never_cache
@login_required
def proposal_budget(request, pk: int, line_pk: int | None = None):
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    line = get_object_or_404(BudgetLine, pk=line_pk, proposal=proposal) if line_pk else None
    initial = (
        {"category": line.category, "description": line.description, "amount": line.amount}
        if line
        else None
    )
    form = BudgetLineForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        require_edit(request, proposal)
        if form.is_valid():
            try:
                services.budget_line_save(
                    proposal=proposal, actor=request.user, line=line, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Budget line saved.")
                return redirect("grants:proposal_budget", pk=proposal.pk)
    return parts_page(request, proposal, "grants/proposal_budget.html", form=form, editing=line)


@login_required
@require_POST
def budget_line_remove(request, pk: int, line_pk: int):
    return part_removed(
        request,
        pk,
        BudgetLine,
        line_pk,
        remove=lambda line: services.budget_line_remove(line=line, actor=request.user),
        message="Budget line removed.",
        page="grants:proposal_budget",
    )


@never_cache
@login_required
def proposal_attachments(request, pk: int):
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    form = AttachmentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST":
        require_edit(request, proposal)
        if form.is_valid():
            try:
                attachment = services.attachment_add(
                    proposal=proposal,
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    uploaded_file=form.cleaned_data["file"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"“{attachment.original_name}” uploaded.")
                return redirect("grants:proposal_attachments", pk=proposal.pk)
    return parts_page(request, proposal, "grants/proposal_attachments.html", form=form)


@login_required
@require_POST
def attachment_remove(request, pk: int, attachment_pk: int):
    return part_removed(
        request,
        pk,
        Attachment,
        attachment_pk,
        remove=lambda attachment: services.attachment_remove(
            attachment=attachment, actor=request.user
        ),
        message="Document removed.",
        page="grants:proposal_attachments",
    )


@never_cache
@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, proposal=proposal)
    return attachment_response(attachment)


@login_required
@require_POST
def endorsement_request(request, pk: int):
    proposal = selectors.proposal_for_page(user=request.user, pk=pk)
    try:
        endorsement = services.endorsement_request(proposal=proposal, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, f"We e-mailed {endorsement.mentor.display_name} a link to endorse it."
        )
    return redirect("grants:proposal_team", pk=proposal.pk)


@never_cache
@login_required
def endorsement_respond(request, token: str):
    """The mentor's page from the e-mailed link. Anyone else gets 404."""
    endorsement = (
        Endorsement.objects.select_related("proposal", "mentor")
        .filter(token=token, mentor=request.user)
        .first()
    )
    if endorsement is None:
        raise Http404("No such endorsement request.")
    proposal = selectors.proposal_for_page(user=request.user, pk=endorsement.proposal_id)
    form = EndorsementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.endorsement_respond(
                endorsement=endorsement,
                actor=request.user,
                endorse=form.cleaned_data["decision"] == "endorse",
                statement=form.cleaned_data["statement"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Thank you — the applicant has been told.")
            return redirect("dashboard")
    return render(
        request,
        "grants/endorsement_respond.html",
        proposal_context(proposal, form=form, endorsement_request=endorsement),
    )
