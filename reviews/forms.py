"""Forms for the committee's pages. Shape only: the rules live in services."""

from django import forms

from accounts.models import User
from grants.choices import LetterDecision
from grants.validators import TRIAGE_MESSAGE_MAX

from .choices import LETTER_COMMENT_MAX, ConflictReason, LetterScore, PanelDisposition
from .validators import RESUME_MAX


class ConflictForm(forms.Form):
    # No reason chosen in advance: declaring a conflict is a statement the reviewer makes.
    reason = forms.ChoiceField(
        label="Nature of the conflict",
        choices=[("", "Choose the nature of the conflict…"), *ConflictReason.choices],
    )
    explanation = forms.CharField(
        label="Explanation",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text="Required for “Other”.",
    )


class CommitteeForm(forms.Form):
    name = forms.CharField(max_length=200)
    chair = forms.ModelChoiceField(queryset=User.objects.filter(is_active=True))
    members = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    load_cap = forms.IntegerField(
        label="Most proposals per member", min_value=1, max_value=50, initial=8
    )


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(label="Person", queryset=User.objects.filter(is_active=True))
    load_cap = forms.IntegerField(
        label="Most proposals for this member", min_value=1, max_value=50, initial=8
    )


class AttachCommitteeForm(forms.Form):
    committee = forms.ModelChoiceField(queryset=None)
    reviewers_per_proposal = forms.IntegerField(min_value=1, max_value=10, initial=3)
    review_due_at = forms.DateTimeField(
        label="Reviews due",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args, committees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(label="Reviewer", queryset=None)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = members


class DispositionForm(forms.Form):
    disposition = forms.ChoiceField(choices=PanelDisposition.choices)


class FinalScoreForm(forms.Form):
    score = forms.TypedChoiceField(
        label="Your final overall impact score",
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 10)],
    )


class ResumeForm(forms.Form):
    resume_of_discussion = forms.CharField(
        label="Resume of discussion",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=RESUME_MAX,
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=[("funded", "Fund"), ("waitlisted", "Waitlist"), ("not_funded", "Do not fund")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose Fund, Waitlist or Do not fund."},
    )
    amount = forms.DecimalField(
        label="Amount (leave empty for the amount requested)",
        max_digits=12,
        decimal_places=2,
        required=False,
        error_messages={"invalid": "Enter the amount in dollars, like 12500 or 12500.00."},
    )
    reason = forms.CharField(
        label="Reason (required when funding less than requested)",
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        if call is not None and call.is_limited_submission:
            # A limited submission decides nominations to the sponsor, not money.
            self.fields["outcome"].choices = [
                ("nominated", "Nominate"),
                ("waitlisted", "Alternate (waitlist)"),
                ("not_nominated", "Do not nominate"),
            ]
            self.fields["outcome"].error_messages["required"] = (
                "Choose Nominate, Alternate or Do not nominate."
            )
            del self.fields["amount"]
            self.fields["reason"].label = "Note for the record (optional)"


class DecisionBatchForm(forms.Form):
    """Several proposals decided at once: ticked in the ranking, or a range of ranks. Funding
    is at the requested amounts; a reduced amount is decided one proposal at a time."""

    outcome = forms.ChoiceField(
        label="Decision",
        choices=[
            ("", "Choose…"),
            ("funded", "Fund as requested"),
            ("waitlisted", "Waitlist"),
            ("not_funded", "Do not fund"),
        ],
        error_messages={"required": "Choose the decision: fund, waitlist or do not fund."},
    )
    proposal = forms.TypedMultipleChoiceField(
        coerce=int, required=False, error_messages={"invalid_choice": "Choose again."}
    )
    rank_from = forms.IntegerField(
        label="From rank",
        required=False,
        min_value=1,
        error_messages={"invalid": "Give the first rank as a whole number, like 1."},
    )
    rank_to = forms.IntegerField(
        label="to rank",
        required=False,
        min_value=1,
        error_messages={"invalid": "Give the last rank as a whole number, like 5."},
    )
    confirmed_total = forms.DecimalField(
        required=False, max_digits=14, decimal_places=2, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is accepted here; the selector keeps only those in the reader's ranking.
        data = self.data.getlist("proposal") if hasattr(self.data, "getlist") else []
        self.fields["proposal"].choices = [(value, value) for value in data if value.isdigit()]


# ---- Letters of intent (two-stage calls) ------------------------------------------------------


class LetterRatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Would you invite a full proposal?",
        coerce=int,
        choices=[(value, f"{value} — {label}") for value, label in LetterScore.choices],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Comment for the program office",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=LETTER_COMMENT_MAX,
        help_text="A sentence or two. The applicant never sees it, nor who rated.",
    )


class LetterConflictForm(forms.Form):
    reason = forms.ChoiceField(
        label="Nature of the conflict",
        choices=[("", "Choose the nature of the conflict…"), *ConflictReason.choices],
    )
    explanation = forms.CharField(
        label="Explanation",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=LETTER_COMMENT_MAX,
        help_text="Required for “Other”.",
    )


class LetterTriageForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=LetterDecision.choices,
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label="Message to the applicant",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=TRIAGE_MESSAGE_MAX,
        help_text="E-mailed to them with the decision. Required when you decline.",
    )
