"""Forms for the profile and the self-reported demographics."""

from django import forms
from django.utils import timezone

from .choices import PREFER_NOT, AuditAction, RaceEthnicity
from .models import Demographics, Profile, User
from .validators import normalize_orcid, validate_orcid


class UserNameForm(forms.ModelForm):
    """Name and e-mail: required here (the model allows blanks for accounts made by scripts),
    because proposals, reports and every notification need them."""

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email"]
        # The input's purpose (WCAG 1.3.5), so browsers and assistive tools can fill it in.
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True


class ProfileForm(forms.ModelForm):
    # Wider than the stored value: people paste https://orcid.org/... links.
    orcid = forms.CharField(
        label="ORCID iD",
        max_length=60,
        required=False,
        help_text="16 characters, e.g. 0000-0002-1825-0097. Optional.",
    )

    class Meta:
        model = Profile
        fields = ["applicant_type", "department", "orcid", "era_commons_id", "expertise_keywords"]
        widgets = {"expertise_keywords": forms.TextInput()}
        help_texts = {
            "era_commons_id": "Optional.",
        }

    def clean_orcid(self):
        value = self.cleaned_data.get("orcid", "")
        if not value:
            return ""
        validate_orcid(value)
        return normalize_orcid(value)


class DemographicsForm(forms.ModelForm):
    race_ethnicity = forms.MultipleChoiceField(
        label="Race and ethnicity (select all that apply)",
        choices=RaceEthnicity.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Demographics
        fields = [
            "race_ethnicity",
            "race_ethnicity_detail",
            "sex",
            "sex_self_described",
            "birth_year",
            "birth_year_prefer_not",
            "disadvantaged",
            "disadvantaged_basis",
            "rural_background",
            "first_generation",
        ]
        labels = {
            "race_ethnicity_detail": "Detail (optional, e.g. Mexican, Navajo Nation, Somali)",
            "sex_self_described": "If you use another term, which?",
            "birth_year_prefer_not": "Prefer not to give my birth year",
            "disadvantaged_basis": "If yes, on what basis?",
            "rural_background": "Did you grow up in a rural area?",
            "disadvantaged": "Are you from a disadvantaged background?",
            "first_generation": "Are you the first in your family to attend college?",
            "sex": "Sex",
        }
        help_texts = {
            "disadvantaged": (
                "HRSA’s definition: from an environment that inhibited obtaining the knowledge, "
                "skills and abilities to enroll in and graduate from a health professions school "
                "(educationally), or from a family with low income (economically)."
            ),
        }
        widgets = {
            "birth_year": forms.NumberInput(attrs={"autocomplete": "bday-year"}),
            "sex": forms.RadioSelect,
            "disadvantaged": forms.RadioSelect,
            "disadvantaged_basis": forms.RadioSelect,
            "rural_background": forms.RadioSelect,
            "first_generation": forms.RadioSelect,
        }

    def clean_race_ethnicity(self):
        values = self.cleaned_data.get("race_ethnicity") or []
        if PREFER_NOT in values and len(values) > 1:
            raise forms.ValidationError(
                "Choose “Prefer not to answer” on its own, or choose categories."
            )
        return values

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        this_year = timezone.localdate().year
        if year is not None and not (this_year - 100 <= year <= this_year - 14):
            raise forms.ValidationError(
                f"Enter a birth year between {this_year - 100} and {this_year - 14}."
            )
        return year

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("disadvantaged") == "yes" and not cleaned.get("disadvantaged_basis"):
            self.add_error("disadvantaged_basis", "Tell us the basis, or answer “No”.")
        if cleaned.get("disadvantaged") != "yes":
            cleaned["disadvantaged_basis"] = ""
        if cleaned.get("birth_year_prefer_not"):
            cleaned["birth_year"] = None
        return cleaned


class AuditSearchForm(forms.Form):
    """The audit trail's filters (all optional; dates are UTC days, both ends included)."""

    actor = forms.CharField(
        label="Username", required=False, max_length=150, help_text="Exactly as they sign in."
    )
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *AuditAction.choices]
    )
    object_type = forms.CharField(
        label="Object type",
        required=False,
        max_length=100,
        help_text="For example grants.proposal, reviews.review, accounts.user.",
    )
    object_id = forms.CharField(label="Object number", required=False, max_length=64)
    date_from = forms.DateField(
        label="From (UTC)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To (UTC)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    text = forms.CharField(
        label="Text",
        required=False,
        max_length=200,
        help_text="Found in the note or the object's name.",
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned


class TwoFactorCodeForm(forms.Form):
    """A code from the authenticator app, or (where allowed) one of the backup codes."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The six digits your authenticator app shows now, or one of your backup codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "none"}
        ),
    )


class TwoFactorConfirmForm(forms.Form):
    """Enrolment: the first code from the newly added app proves it was set up right."""

    code = forms.CharField(
        label="Code from the app",
        max_length=10,
        help_text="Six digits.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "none",
            }
        ),
    )
