"""Django admin for program staff: calls and a read-mostly view of proposals.

State changes from the admin go through the same services as the web pages.
"""

from django import forms
from django.contrib import admin, messages

from accounts.choices import ApplicantType

from . import services
from .choices import SECTION_LABELS, AttachmentKind, CallStatus
from .models import (
    Attachment,
    BudgetLine,
    Endorsement,
    FundingCall,
    LetterOfIntent,
    Program,
    Proposal,
    TeamMember,
)


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


class FundingCallForm(forms.ModelForm):
    """Checkboxes instead of raw JSON for the call's lists."""

    eligible_applicant_types = forms.MultipleChoiceField(
        choices=ApplicantType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave all unticked to accept anyone.",
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
        ]


@admin.register(FundingCall)
class FundingCallAdmin(admin.ModelAdmin):
    form = FundingCallForm
    list_display = ["title", "status", "opens_at", "closes_at", "total_budget", "max_award"]
    list_filter = ["status", "program"]
    search_fields = ["title"]
    # Status changes only through the actions (they record history).
    readonly_fields = ["status", "created_at"]
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
    ]


class TeamInline(admin.TabularInline):
    model = TeamMember
    extra = 0


class BudgetInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


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
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "pi", "call", "status", "pi_career_stage", "submitted_at"]
    list_filter = ["status", "call"]
    search_fields = ["title", "abstract", "pi__last_name"]
    readonly_fields = ["status", "pi_career_stage", "submitted_at", "created_at", "updated_at"]
    actions = [correct_career_stage]
    inlines = [TeamInline, BudgetInline]
    list_select_related = ["pi", "call"]


admin.site.register(Attachment)
admin.site.register(Endorsement)


@admin.register(LetterOfIntent)
class LetterOfIntentAdmin(admin.ModelAdmin):
    """Read-only here: letters are written by applicants and decided on the letters pages
    (reviews:letters), through the services that audit and e-mail."""

    list_display = ["title", "applicant", "call", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "call"]
    search_fields = ["title", "applicant__last_name"]
    list_select_related = ["applicant", "call"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
