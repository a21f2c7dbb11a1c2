"""Forms for the profile, the self-reported demographics, the colleague finder and the
invitee's new account."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.utils import timezone

from .choices import AFFILIATION_POSITIONS, PREFER_NOT, ApplicantType, AuditAction, RaceEthnicity
from .models import Demographics, Profile, User
from .selectors import PEOPLE_QUERY_MIN
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The university's sign-in asserted a class (faculty, student, staff): the person picks
        # a position inside it only, so no one promotes themself out of the trainee rules.
        allowed = AFFILIATION_POSITIONS.get(self.instance.affiliation)
        if allowed is not None:
            field = self.fields["applicant_type"]
            field.choices = [(v, label) for v, label in field.choices if v in allowed or v == ""]
            field.help_text = (
                f"Your university lists you as {self.instance.get_affiliation_display().lower()}; "
                "the program office corrects it if that is wrong."
            )

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


class PersonSearchForm(forms.Form):
    """The colleague finder's search box (``accounts.selectors.people_matching``)."""

    q = forms.CharField(
        label="Find a colleague by name or e-mail",
        min_length=PEOPLE_QUERY_MIN,
        max_length=254,
        help_text="At least 3 letters of their name, or their whole e-mail address.",
        error_messages={
            "min_length": "Type at least 3 characters of a name or an e-mail address.",
            "required": "Type at least 3 characters of a name or an e-mail address.",
        },
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class InvitationAccountForm(UserCreationForm):
    """The account an invitee makes from their invitation: the address is the invited one
    (set on ``instance``, so the password validators compare the password with it too)."""

    applicant_type = forms.ChoiceField(
        label="Position", choices=[("", "— choose —"), *ApplicantType.choices]
    )
    department = forms.CharField(max_length=200, required=False)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("first_name", "last_name", "username")
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        # Django's help is HTML; ours is plain text (the field template escapes it).
        self.fields["password1"].help_text = (
            "At least 8 characters; not a common password, not all numbers, and not like your "
            "name, username or e-mail address."
        )


class SingleSignOnLinkForm(forms.Form):
    """The existing account's Northstar password, given once to tie the university sign-in
    to it."""

    password = forms.CharField(
        label="Northstar password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SignInForm(AuthenticationForm):
    """Django's sign-in form; when the refusal was the SSO-required domain policy (the
    password was right), it says to use the university's sign-in instead."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "northstar_sso_required", False):
                raise forms.ValidationError(
                    "Your university's accounts sign in with the university's sign-in, not a "
                    "Northstar password. Use the button above.",
                    code="sso_required",
                ) from None
            raise
