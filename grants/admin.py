"""Django admin for program staff: calls and a read-mostly view of proposals.

State changes from the admin go through the same services as the web pages.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse

from accounts.admin_base import ReadOnlyInline, ReadOnlyModelAdmin
from accounts.choices import ApplicantType

from . import lifecycle, services
from .choices import SECTION_LABELS, AttachmentKind, CallStatus
from .models import (
    Attachment,
    BudgetLine,
    EligibilityException,
    Endorsement,
    FundingCall,
    LetterOfIntent,
    Program,
    Proposal,
    TeamMember,
)
from .validators import departments_clean


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "institution"]


def _call_action(to: str, label: str):
    def action(modeladmin, request, queryset):
        for call in queryset:
            try:
                if to == CallStatus.IN_REVIEW:
                    services.call_begin_review(call=call, actor=request.user)
                else:
                    services.call_transition(call=call, to=to, actor=request.user)
            except services.InvalidTransition as exc:
                messages.error(request, f"{call}: {exc}")
            else:
                messages.success(request, f"{call}: now {CallStatus(to).label.lower()}.")

    action.short_description = label
    action.__name__ = f"mark_{to}"
    return action


@admin.action(description="Copy the selected calls (a new draft of each, a year on)")
def copy_calls(modeladmin, request, queryset):
    """A new round of each selected call, dated and titled a year on (services.call_copy, as
    the call's *Copy this call* page); with one selected, its copy's edit page follows."""
    copies = []
    for call in queryset:
        try:
            new = services.call_copy(
                source=call, actor=request.user, **services.call_copy_defaults(call)
            )
        except (ValidationError, PermissionDenied) as exc:
            reason = "; ".join(getattr(exc, "messages", [])) or "only administrators copy calls"
            messages.error(request, f"{call}: not copied ({reason}).")
        else:
            copies.append(new)
            messages.success(request, f"{call}: copied as the draft “{new}”; check its dates.")
    if len(copies) == 1:
        return redirect(reverse("admin:grants_fundingcall_change", args=(copies[0].pk,)))
    return None


class FundingCallForm(forms.ModelForm):
    """Checkboxes instead of raw JSON for the call's lists."""

    eligible_applicant_types = forms.MultipleChoiceField(
        choices=ApplicantType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave all unticked to accept anyone.",
    )
    eligible_departments = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="One department per line, as applicants name it in their profile (any "
        "case). Leave empty to accept any department.",
    )
    required_sections = forms.MultipleChoiceField(
        choices=list(SECTION_LABELS.items()), widget=forms.CheckboxSelectMultiple, required=False
    )
    required_attachments = forms.MultipleChoiceField(
        choices=AttachmentKind.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = FundingCall
        fields = [
            "program",
            "title",
            "description",
            "eligible_applicant_types",
            "eligible_departments",
            "requires_faculty_mentor",
            "requires_community_partner",
            "first_time_applicants_only",
            "excludes_current_awardees",
            "eligibility_notes",
            "opens_at",
            "closes_at",
            "letter_of_intent",
            "letters_close_at",
            "time_zone",
            "total_budget",
            "max_award",
            "duration_months",
            "one_per_applicant",
            "abstract_word_limit",
            "aims_word_limit",
            "strategy_word_limit",
            "required_sections",
            "required_attachments",
            "reviewers_per_proposal",
            "blind_review",
            "nominations_allowed",
            "sponsor",
            "sponsor_opportunity",
            "sponsor_deadline",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = self.initial.get("eligible_departments")
        if isinstance(departments, list):
            self.initial["eligible_departments"] = "\n".join(departments)

    def clean_eligible_departments(self) -> list[str]:
        # Blank lines only separate; every other line is a department.
        lines = self.cleaned_data["eligible_departments"].splitlines()
        return departments_clean([line for line in lines if line.strip()])


@admin.register(FundingCall)
class FundingCallAdmin(admin.ModelAdmin):
    form = FundingCallForm
    list_display = ["title", "status", "opens_at", "closes_at", "total_budget", "max_award"]
    list_filter = ["status", "program"]
    search_fields = ["title"]
    # Status changes only through the actions (they record history).
    readonly_fields = ["status", "copied_from", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and lifecycle.shape_fixed(obj):
            # docs/invariants.md, "A call's shape is chosen before it opens"
            fields.extend(lifecycle.SHAPE_FIELDS)
        return fields

    actions = [
        _call_action(CallStatus.OPEN, "Open the selected calls"),
        _call_action(CallStatus.CLOSED, "Close the selected calls"),
        _call_action(
            CallStatus.LETTERS_TRIAGE,
            "Start the letters triage (two-stage calls, after the letters' deadline)",
        ),
        _call_action(
            CallStatus.IN_REVIEW, "Begin review (close, and put submitted proposals in review)"
        ),
        _call_action(CallStatus.DECIDED, "Mark the selected calls decided"),
        _call_action(CallStatus.ARCHIVED, "Archive the selected calls"),
        copy_calls,
    ]


class TeamInline(ReadOnlyInline):
    model = TeamMember
    fields = ["user", "full_name", "email", "organisation", "role"]


class BudgetInline(ReadOnlyInline):
    model = BudgetLine
    fields = ["category", "description", "amount"]


@admin.action(description="Correct the career stage to the PI's current position")
def correct_career_stage(modeladmin, request, queryset):
    """After an administrator corrects someone's position: their drafts follow it (the trainee
    rules otherwise keep the stage a proposal was started at)."""
    for proposal in queryset:
        try:
            services.proposal_career_stage_correct(proposal=proposal, actor=request.user)
        except services.InvalidTransition as exc:
            messages.error(request, f"{proposal}: {exc}")
        else:
            messages.success(request, f"{proposal}: career stage corrected.")


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyModelAdmin):
    """Read-only, with its team and budget: a proposal's text, team and budget change only
    through the applicant's services (frozen once submitted, audited), and the office's
    corrections through theirs — the career-stage action here, the pages for the rest."""

    list_display = ["title", "pi", "call", "status", "pi_career_stage", "submitted_at"]
    list_filter = ["status", "call"]
    search_fields = ["title", "abstract", "pi__last_name"]
    actions = [correct_career_stage]
    inlines = [TeamInline, BudgetInline]
    list_select_related = ["pi", "call"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyModelAdmin):
    """Uploaded and removed only through the proposal's pages (checked PDFs, frozen once
    submitted)."""

    list_display = ["proposal", "kind", "original_name", "uploaded_at"]
    list_select_related = ["proposal"]


@admin.register(Endorsement)
class EndorsementAdmin(ReadOnlyModelAdmin):
    """A mentor's endorsement is the mentor's own act (grants.services.endorsements): never
    written or edited by anyone else here."""

    list_display = ["proposal", "mentor", "status"]
    list_select_related = ["proposal", "mentor"]
    exclude = ["token"]  # the mentor's private link: not shown to anyone else


@admin.register(LetterOfIntent)
class LetterOfIntentAdmin(ReadOnlyModelAdmin):
    """Read-only here: letters are written by applicants and decided on the letters pages
    (reviews:letters), through the services that audit and e-mail."""

    list_display = ["title", "applicant", "call", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "call"]
    search_fields = ["title", "applicant__last_name"]
    list_select_related = ["applicant", "call"]


class EligibilityExceptionForm(forms.ModelForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    class Meta:
        model = EligibilityException
        fields = ["call", "person", "reason"]

    def clean_person(self):
        person = self.cleaned_data["person"]
        if not person.is_active:
            raise ValidationError("This account is deactivated.")
        return person


@admin.register(EligibilityException)
class EligibilityExceptionAdmin(admin.ModelAdmin):
    """Granted and revoked through the services (audited); an exception is not edited: revoke
    it and grant another."""

    form = EligibilityExceptionForm
    list_display = ["person", "call", "granted_by", "granted_at"]
    list_filter = ["call"]
    search_fields = ["person__username", "person__last_name", "reason"]
    raw_id_fields = ["person"]
    list_select_related = ["person", "call", "granted_by"]

    def get_fields(self, request, obj=None):
        return ["call", "person", "reason"] + (["granted_by", "granted_at"] if obj else [])

    def get_readonly_fields(self, request, obj=None):
        return ["call", "person", "reason", "granted_by", "granted_at"] if obj else []

    def save_model(self, request, obj, form, change):
        if not change:
            granted = services.eligibility_exception_grant(
                call=obj.call, person=obj.person, reason=obj.reason, actor=request.user
            )
            obj.pk = granted.pk

    def delete_model(self, request, obj):
        services.eligibility_exception_revoke(exception=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for exception in queryset:
            services.eligibility_exception_revoke(exception=exception, actor=request.user)
