"""Forms for awards, outcomes, progress reports and the report options. Shape only: the rules
(DOI/PMID form, dates within the award's life, duplicates) live in services and validators."""

from django import forms

from accounts.models import User
from grants.choices import AwardStatus
from grants.forms import limit_text_fields

from .models import FollowOnFunding, Partnership, Presentation, Publication, TraineeOutcome
from .validators import NARRATIVE_MAX, OUTCOME_TEXT_LIMITS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PublicationForm(forms.ModelForm):
    published_on = forms.DateField(
        label="Publication date",
        required=False,
        widget=DATE,
        help_text="Use the first of the month when only the month is known.",
    )

    class Meta:
        model = Publication
        fields = [
            "title",
            "doi",
            "pmid",
            "journal",
            "year",
            "published_on",
            "authors",
            "peer_reviewed",
            "disparities_focused",
        ]
        widgets = {"authors": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"doi": "e.g. 10.1001/jama.2024.1234", "pmid": "Digits only, e.g. 38123456"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_text_fields(self, OUTCOME_TEXT_LIMITS)


class PresentationForm(forms.ModelForm):
    class Meta:
        model = Presentation
        fields = ["title", "venue", "presented_on", "kind", "level"]
        widgets = {"presented_on": DATE}


class FollowOnFundingForm(forms.ModelForm):
    class Meta:
        model = FollowOnFunding
        fields = [
            "sponsor",
            "sponsor_type",
            "mechanism",
            "title",
            "amount",
            "status",
            "applied_on",
            "decided_on",
        ]
        widgets = {"applied_on": DATE, "decided_on": DATE}


class TraineeOutcomeForm(forms.ModelForm):
    class Meta:
        model = TraineeOutcome
        fields = [
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
        ]
        widgets = {"recorded_on": DATE, "completion_date": DATE}

    def __init__(self, *args, trainees=None, **kwargs):
        super().__init__(*args, **kwargs)
        if trainees is not None:
            self.fields["trainee"].queryset = trainees


class PartnershipForm(forms.ModelForm):
    class Meta:
        model = Partnership
        fields = ["organisation", "partner_type", "purpose", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_text_fields(self, OUTCOME_TEXT_LIMITS)


class ProgressReportForm(forms.Form):
    objectives_accomplishments = forms.CharField(
        label="Project objectives and accomplishments",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=NARRATIVE_MAX,
    )
    barriers_resolutions = forms.CharField(
        label="Project barriers and resolutions",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=NARRATIVE_MAX,
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="PubMed (MEDLINE .nbib/.txt) or RIS file",
        help_text="Export your citations from PubMed (Send to › Citation manager) or a "
        "reference manager (RIS).",
    )


class AwardChangeForm(forms.Form):
    to = forms.ChoiceField(
        label="Change",
        choices=[
            (AwardStatus.NO_COST_EXTENSION, "No-cost extension"),
            (AwardStatus.CLOSED, "Close"),
            (AwardStatus.TERMINATED, "Terminate"),
        ],
    )
    new_end_date = forms.DateField(
        label="New end date (no-cost extension)", required=False, widget=DATE
    )
    ended_on = forms.DateField(label="Date closed or terminated", required=False, widget=DATE)
    reason = forms.CharField(label="Reason", required=False, max_length=2000)


class NarrativeForm(forms.Form):
    objectives_accomplishments = forms.CharField(
        label="Objectives and accomplishments",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=NARRATIVE_MAX,
    )
    barriers_resolutions = forms.CharField(
        label="Barriers and resolutions",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=NARRATIVE_MAX,
    )


class ReportOptionsForm(forms.Form):
    period = forms.ChoiceField(label="Reporting period (academic year)")
    suppress = forms.BooleanField(
        label="Suppress small cells (for sharing beyond the funder)", required=False
    )
    threshold = forms.IntegerField(
        label="Suppression threshold", min_value=1, max_value=50, initial=10, required=False
    )

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.label, p.label) for p in periods]


def trainees_of(award) -> "forms.ModelChoiceField":
    """People on the award who may have a trainee outcome (PI and team members with accounts)."""
    ids = [
        award.proposal.pi_id,
        *award.proposal.team.filter(user__isnull=False).values_list("user_id", flat=True),
    ]
    return User.objects.filter(pk__in=ids)
