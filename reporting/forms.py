"""Forms for awards, outcomes, progress reports and the report options. Shape only: the rules
(DOI/PMID form, dates within the award's life, duplicates) live in services and validators,
and an outcome form's fields are those its service lets it set."""

from django import forms

from accounts.models import User
from grants.choices import AwardStatus, DisparityPopulation
from grants.forms import limit_text_fields

from .choices import (
    ENROLLMENT_CELLS,
    EnrollmentEthnicity,
    EnrollmentKind,
    EnrollmentRace,
    EnrollmentSex,
    SupportKind,
    TrainingStatusValue,
)
from .models import (
    ExternalSubmission,
    FollowOnFunding,
    Partnership,
    Presentation,
    Publication,
    TraineeOutcome,
    TrainingProgram,
)
from .services.nominations import EXTERNAL_FIELDS
from .services.outcomes import (
    FOLLOW_ON_FIELDS,
    PARTNERSHIP_FIELDS,
    PRESENTATION_FIELDS,
    PUBLICATION_FIELDS,
    TRAINEE_OUTCOME_FIELDS,
)
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
        fields = PUBLICATION_FIELDS
        widgets = {"authors": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"doi": "e.g. 10.1001/jama.2024.1234", "pmid": "Digits only, e.g. 38123456"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_text_fields(self, OUTCOME_TEXT_LIMITS)


class PresentationForm(forms.ModelForm):
    class Meta:
        model = Presentation
        fields = PRESENTATION_FIELDS
        widgets = {"presented_on": DATE}


class FollowOnFundingForm(forms.ModelForm):
    class Meta:
        model = FollowOnFunding
        fields = FOLLOW_ON_FIELDS
        widgets = {"applied_on": DATE, "decided_on": DATE}


class TraineeOutcomeForm(forms.ModelForm):
    class Meta:
        model = TraineeOutcome
        fields = TRAINEE_OUTCOME_FIELDS
        widgets = {"recorded_on": DATE, "completion_date": DATE}

    def __init__(self, *args, trainees=None, **kwargs):
        super().__init__(*args, **kwargs)
        if trainees is not None:
            self.fields["trainee"].queryset = trainees


class PartnershipForm(forms.ModelForm):
    class Meta:
        model = Partnership
        fields = PARTNERSHIP_FIELDS
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
        label="Citation file (MEDLINE, RIS, BibTeX or CSL JSON)",
        help_text="Export your citations from PubMed (Send to › Citation manager), ERIC, Ovid, "
        "Scopus, CINAHL, Google Scholar or ORCID, or from EndNote, Zotero or Mendeley. "
        "The content decides the format, not the file name.",
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


class DashboardFilterForm(forms.Form):
    """The program dashboard's scope: every call, one call, or one academic year's calls."""

    call = forms.ChoiceField(label="Call", required=False)
    period = forms.ChoiceField(label="Academic year of the call's deadline", required=False)

    def __init__(self, *args, calls=(), periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].choices = [("", "All calls")] + [(str(c.pk), c.title) for c in calls]
        self.fields["period"].choices = [("", "All years")] + [(p.label, p.label) for p in periods]


class PortfolioFilterForm(forms.Form):
    """The NIMHD portfolio's scope: any calls, any academic years, one population or all."""

    call = forms.MultipleChoiceField(
        label="Calls",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="None chosen: every call.",
    )
    year = forms.MultipleChoiceField(
        label="Academic years of the call's deadline",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None chosen: every year.",
    )
    population = forms.ChoiceField(label="Population with health disparities", required=False)

    def __init__(self, *args, calls=(), periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].choices = [(str(c.pk), c.title) for c in calls]
        self.fields["year"].choices = [(p.label, p.label) for p in periods]
        self.fields["population"].choices = [
            ("", "All populations"),
            *DisparityPopulation.choices,
        ]


def trainees_of(award) -> "forms.ModelChoiceField":
    """People on the award who may have a trainee outcome (PI and team members with accounts)."""
    ids = [
        award.proposal.pi_id,
        *award.proposal.team.filter(user__isnull=False).values_list("user_id", flat=True),
    ]
    return User.objects.filter(pk__in=ids)


# ---- Trainee support (INDGEN) ----------------------------------------------------------------


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class _ProgramChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.get_program_type_display().lower()})"


class SupportForm(forms.Form):
    """A payment to a person from the award (services.participant_support_create)."""

    person = _PersonChoice(queryset=User.objects.none(), label="Person paid")
    kind = forms.ChoiceField(label="Kind of support", choices=SupportKind.choices)
    amount = forms.DecimalField(
        max_digits=12, decimal_places=2, help_text="In dollars, e.g. 2500.00."
    )
    paid_from = forms.DateField(label="First day paid for", widget=DATE)
    paid_to = forms.DateField(label="Last day paid for", widget=DATE)
    training_program = _ProgramChoice(
        queryset=TrainingProgram.objects.none(), required=False, label="Training program"
    )
    note = forms.CharField(max_length=500, required=False)

    def __init__(self, *args, people, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["training_program"].queryset = programs


class TrainingStatusForm(forms.Form):
    """Where a person is in their training (services.training_status_record)."""

    person = _PersonChoice(queryset=User.objects.none())
    training_program = _ProgramChoice(
        queryset=TrainingProgram.objects.none(), required=False, label="Training program"
    )
    status = forms.ChoiceField(choices=TrainingStatusValue.choices)
    status_date = forms.DateField(
        label="Date",
        required=False,
        widget=DATE,
        help_text="Needed when they completed or left; not in the future.",
    )

    def __init__(self, *args, people, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["training_program"].queryset = programs


class EnrollmentForm(forms.Form):
    """One NIH inclusion enrollment table (services.enrollment): a field per cell, named as the
    service names its errors (``counts.<ethnicity>|<race>|<sex>``). Text, not integer, fields:
    the service checks every cell at once and says what is wrong with each."""

    kind = forms.ChoiceField(choices=EnrollmentKind.choices, widget=forms.HiddenInput)
    enrolls_humans = forms.BooleanField(
        required=False,
        initial=True,
        label="This project enrolls human participants",
        help_text="Untick if it enrolls nobody (the table is then all zeros).",
    )
    as_of = forms.CharField(
        required=False,
        label="Counts as of",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The date of the progress report these counts belong to.",
    )
    reason_for_decrease = forms.CharField(
        required=False,
        label="Reason for a decrease",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed only if a count is lower than in the previous report.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for ethnicity, race, sex in (key.split("|") for key in ENROLLMENT_CELLS):
            label = ", ".join(
                (
                    EnrollmentRace(race).label,
                    EnrollmentEthnicity(ethnicity).label,
                    EnrollmentSex(sex).label,
                )
            )
            self.fields[f"counts.{ethnicity}|{race}|{sex}"] = forms.CharField(
                required=False,
                label=label,
                widget=forms.NumberInput(
                    attrs={"min": 0, "step": 1, "inputmode": "numeric", "aria-label": label}
                ),
            )
        self.fields["totals.all"] = forms.CharField(
            required=False,
            label="Total enrolled",
            widget=forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"}),
            help_text="Optional: the total you expect, checked against the cells.",
        )

    def service_data(self) -> dict:
        """The form's values as the service takes them (the same shape as the API's body)."""
        data = self.cleaned_data
        return {
            "enrolls_humans": data.get("enrolls_humans", False),
            "as_of": data.get("as_of"),
            "reason_for_decrease": data.get("reason_for_decrease", ""),
            # A cell left blank on the page is nobody (the API, by contrast, names every cell).
            "counts": {key: data.get(f"counts.{key}") or 0 for key in ENROLLMENT_CELLS},
            "totals": {"all": data.get("totals.all")},
        }


class EnrollmentProgramForm(forms.Form):
    """The program's enrollment view: one population with health disparities, or all."""

    population = forms.ChoiceField(
        label="Population with health disparities (named on the proposal)",
        required=False,
        choices=[("", "All populations"), *DisparityPopulation.choices],
    )


class ExternalSubmissionForm(forms.ModelForm):
    """A nominee's application to the sponsor: shape only (the rules are
    services.external_submission_save's)."""

    class Meta:
        model = ExternalSubmission
        fields = list(EXTERNAL_FIELDS)
        widgets = {
            "submitted_on": DATE,
            "decided_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def _post_clean(self):
        # The service validates and saves; the form only parses (no model full_clean here).
        pass
