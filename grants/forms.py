"""Forms of the applicant's and administrator's pages. They validate shape; rules live in
services and selectors."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxLengthValidator

from accounts.choices import ApplicantType
from accounts.models import User

from .choices import (
    LETTER_AIMS_WORD_LIMIT,
    NIMHD_CELLS,
    AttachmentKind,
    BudgetCategory,
    DisparityPopulation,
    IrbStatus,
    NimhdDomain,
    NimhdLevel,
    ProposalStatus,
    TeamRole,
    nimhd_cell_label,
)
from .models import Proposal
from .validators import LETTER_TEXT_LIMITS, PROPOSAL_TEXT_LIMITS


def limit_text_fields(form: forms.BaseForm, limits: dict[str, int]) -> None:
    """Give the form's text fields a hard character limit (a field error past it), e.g. the
    ModelForm fields of TextFields, which have none of their own."""
    for name, limit in limits.items():
        field = form.fields.get(name)
        if field is not None and getattr(field, "max_length", None) is None:
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))


def nimhd_cells_field(**kwargs) -> forms.MultipleChoiceField:
    """The framework's grid as one field of "domain:level" values (unknown ones are refused
    as an invalid choice); templates/grants/_nimhd_grid.html draws it as a table."""
    return forms.MultipleChoiceField(
        label="NIMHD Research Framework: domains × levels of influence",
        choices=[(cell, nimhd_cell_label(cell)) for cell in NIMHD_CELLS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick every cell your study works in: a row is a domain of influence, a "
        "column a level of influence.",
        **kwargs,
    )


def nimhd_grid(bound_field, named_before: list[str] | None = None) -> list[dict]:
    """Rows of the grid for the template: each domain with its four cells, ticked or not.
    ``named_before``: domains a draft named before the grid (no level yet), marked on their
    rows so the applicant knows which levels to tick."""
    chosen = set(bound_field.value() or ())
    prefix = bound_field.auto_id
    named_before = set(named_before or ())
    return [
        {
            "label": domain_label,
            "named_before": domain in named_before,
            "cells": [
                {
                    "value": f"{domain}:{level}",
                    "id": f"{prefix}_{domain}_{level}",
                    "label": nimhd_cell_label(f"{domain}:{level}"),
                    "checked": f"{domain}:{level}" in chosen,
                }
                for level in NimhdLevel.values
            ],
        }
        for domain, domain_label in NimhdDomain.choices
    ]


class NimhdCorrectionForm(forms.Form):
    """The program office's correction of a submitted proposal's cells, with its reason."""

    nimhd_cells = nimhd_cells_field()
    reason = forms.CharField(
        label="Reason for the correction",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the proposal's internal history and the audit trail.",
    )


class ProposalSectionsForm(forms.ModelForm):
    """The proposal's text. Lenient on purpose: a draft saves whatever is typed."""

    disparity_populations = forms.MultipleChoiceField(
        label="Populations with health disparities",
        choices=DisparityPopulation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    nimhd_cells = nimhd_cells_field()
    irb_status = forms.ChoiceField(
        label="IRB status", choices=[("", "— choose —"), *IrbStatus.choices], required=False
    )
    requested_amount = forms.DecimalField(
        label="Total amount requested (USD)",
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
    )
    # The version the page was loaded with: a save from an older one is refused, never an
    # overwrite (services.proposal_update). The autosave script moves it on after each save.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = Proposal
        fields = [
            "title",
            "abstract",
            "specific_aims",
            "research_strategy",
            "disparity_populations",
            "nimhd_cells",
            "community_engagement_plan",
            "timeline",
            "requested_amount",
            "budget_justification",
            "irb_status",
        ]
        widgets = {
            "abstract": forms.Textarea(attrs={"rows": 8}),
            "specific_aims": forms.Textarea(attrs={"rows": 10}),
            "research_strategy": forms.Textarea(attrs={"rows": 16}),
            "community_engagement_plan": forms.Textarea(attrs={"rows": 8}),
            "timeline": forms.Textarea(attrs={"rows": 6}),
            "budget_justification": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        call = self.instance.call
        limits = {
            "abstract": call.abstract_word_limit,
            "specific_aims": call.aims_word_limit,
            "research_strategy": call.strategy_word_limit,
        }
        for name, limit in limits.items():
            self.fields[name].widget.attrs["data-word-limit"] = limit
            self.fields[name].help_text = f"Up to {limit} words."
        limit_text_fields(self, PROPOSAL_TEXT_LIMITS)


class TeamMemberForm(forms.Form):
    """Add a person: one found with the colleague finder (``person``, a user id), or someone
    without an account (name, e-mail to invite them by, organisation). ``username`` is still
    accepted (no longer shown) for scripts that post it."""

    role = forms.ChoiceField(choices=TeamRole.choices)
    person = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    username = forms.CharField(required=False, max_length=150, widget=forms.HiddenInput)
    full_name = forms.CharField(label="Name", required=False, max_length=200)
    email = forms.EmailField(
        label="E-mail",
        required=False,
        max_length=254,
        help_text="We e-mail them a link to join (it works once, for 14 days).",
    )
    organisation = forms.CharField(required=False, max_length=200)

    def clean_person(self):
        pk = self.cleaned_data.get("person")
        if not pk:
            return None
        user = User.objects.filter(pk=pk, is_active=True).first()
        if user is None:
            raise forms.ValidationError("That person is not available; search again.")
        return user

    def clean_username(self):
        username = self.cleaned_data.get("username", "").strip()
        if not username:
            return None
        user = User.objects.filter(username__iexact=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(f"No active user is called “{username}”.")
        return user

    def clean(self):
        data = super().clean()
        chosen = data.get("person") or data.get("username")
        if self.errors:  # a field is wrong already: that is the message, not "choose one"
            data.setdefault("user", chosen)
            return data
        if chosen and data.get("full_name"):
            raise forms.ValidationError(
                "Choose a person from the search results or invite someone without an "
                "account, not both."
            )
        if not chosen and not data.get("full_name"):
            raise forms.ValidationError(
                "Choose a person from the search results, or invite someone without an "
                "account (give their name)."
            )
        data["user"] = chosen
        return data


class BudgetLineForm(forms.Form):
    category = forms.ChoiceField(choices=BudgetCategory.choices)
    description = forms.CharField(max_length=250)
    amount = forms.DecimalField(
        label="Amount (USD)", max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label="Document type", choices=AttachmentKind.choices)
    file = forms.FileField(
        label="PDF file", widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"})
    )


class EndorsementForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("endorse", "I endorse this proposal"), ("decline", "I do not endorse it")],
        widget=forms.RadioSelect,
    )
    statement = forms.CharField(
        label="Statement for the committee",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False
    )


class CallProposalFilterForm(forms.Form):
    """The administrator's filters over a call's submitted proposals (all optional)."""

    status = forms.ChoiceField(required=False)
    applicant_type = forms.ChoiceField(
        label="PI's position", required=False, choices=[("", "Any")] + ApplicantType.choices
    )
    disparity_population = forms.ChoiceField(
        label="Population", required=False, choices=[("", "Any")] + DisparityPopulation.choices
    )
    search = forms.CharField(
        required=False,
        max_length=200,
        help_text="Title, abstract or PI's name; NS-123 for one proposal.",
    )
    awaiting_check = forms.BooleanField(
        label="Only those awaiting the program office's check", required=False
    )

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any")] + [
            (value, label) for value, label in ProposalStatus.choices if value in statuses
        ]

    def filters(self) -> dict[str, str]:
        """The valid filters (an invalid one is dropped and shown as a field error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class LetterForm(forms.Form):
    """A draft letter of intent. Shape only: the service refuses a budget over the call's
    maximum award and checks the PDF (one page, a real PDF)."""

    title = forms.CharField(max_length=250, required=False)
    aims_summary = forms.CharField(
        label="Summary of the aims",
        widget=forms.Textarea(attrs={"rows": 8, "data-word-limit": LETTER_AIMS_WORD_LIMIT}),
        required=False,
        max_length=LETTER_TEXT_LIMITS["aims_summary"],
        help_text=f"Up to {LETTER_AIMS_WORD_LIMIT} words: the question, the aims, and why they "
        "matter to the population.",
    )
    team = forms.CharField(
        label="Team",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=LETTER_TEXT_LIMITS["team"],
        help_text="The people you expect on the team, one a line, with their role "
        "(e.g. “Rosa Diaz, community partner, Valley FQHC”).",
    )
    disparity_populations = forms.MultipleChoiceField(
        label="Populations with health disparities",
        choices=DisparityPopulation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    estimated_budget = forms.DecimalField(
        label="Estimated budget (USD)",
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
    )
    document = forms.FileField(
        label="One-page PDF (optional)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        help_text="A single page, as PDF. It replaces the one already attached.",
    )
    remove_document = forms.BooleanField(label="Remove the attached PDF", required=False)

    def __init__(self, *args, letter, **kwargs):
        initial = {
            "title": letter.title,
            "aims_summary": letter.aims_summary,
            "team": letter.team,
            "disparity_populations": letter.disparity_populations,
            "estimated_budget": letter.estimated_budget,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields[
            "estimated_budget"
        ].help_text = f"The call's maximum award is ${letter.call.max_award:,.2f}."
        if not letter.document:
            del self.fields["remove_document"]


class EligibilityExceptionForm(forms.Form):
    """An administrator's exception: the person (chosen with the colleague finder: a user id)
    and why. The service refuses a second one for the same person and call."""

    person = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={"min_value": "That person is not available; search again."},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text="Why this person may apply although the rules say no. Kept on the record.",
    )

    def clean_person(self):
        pk = self.cleaned_data.get("person")
        if not pk:
            raise forms.ValidationError("Find the person, then choose them from the results.")
        user = User.objects.filter(pk=pk, is_active=True).first()
        if user is None:
            raise forms.ValidationError("That person is not available; search again.")
        return user


def _moment_field(label: str, *, help_text: str = "") -> forms.DateTimeField:
    """A date and time typed in the call's time zone (the view makes it the current one)."""
    return forms.DateTimeField(
        label=label,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class CallCopyForm(forms.Form):
    """A new round of a call: its title and dates. The service checks the dates (in the future,
    in order) and copies the rest; a one-stage call has no letters' deadline to ask."""

    title = forms.CharField(max_length=200)
    opens_at = _moment_field("Opens")
    letters_close_at = _moment_field("Letters of intent due")
    closes_at = _moment_field("Deadline for full proposals")

    def __init__(self, *args, source, **kwargs):
        super().__init__(*args, **kwargs)
        zone = source.time_zone
        self.fields["opens_at"].help_text = f"In the call's time zone, {zone}."
        self.fields["closes_at"].help_text = f"In the call's time zone, {zone}."
        if source.letter_of_intent:
            self.fields[
                "letters_close_at"
            ].help_text = (
                f"In the call's time zone, {zone}: after the opening, before the deadline."
            )
        else:
            del self.fields["letters_close_at"]
