"""Choices for people: applicant types, roles and the demographic questions."""

from django.db import models


class ApplicantType(models.TextChoices):
    INSTRUCTOR = "instructor", "Faculty — instructor"
    ASSISTANT_PROFESSOR = "assistant_professor", "Faculty — assistant professor"
    ASSOCIATE_PROFESSOR = "associate_professor", "Faculty — associate professor"
    FULL_PROFESSOR = "full_professor", "Faculty — professor"
    RESIDENT = "resident", "Resident"
    FELLOW = "fellow", "Clinical fellow"
    POSTDOC = "postdoc", "Postdoctoral fellow"
    PHD_STUDENT = "phd_student", "PhD student"
    MEDICAL_STUDENT = "medical_student", "Medical student"
    PATHWAY_STUDENT = "pathway_student", "Undergraduate / post-baccalaureate pathway student"
    STAFF = "staff", "Staff / other"


FACULTY_TYPES = frozenset(
    {
        ApplicantType.INSTRUCTOR,
        ApplicantType.ASSISTANT_PROFESSOR,
        ApplicantType.ASSOCIATE_PROFESSOR,
        ApplicantType.FULL_PROFESSOR,
    }
)
# Trainees need a mentor's endorsement before they can submit.
TRAINEE_TYPES = frozenset(
    {
        ApplicantType.RESIDENT,
        ApplicantType.FELLOW,
        ApplicantType.POSTDOC,
        ApplicantType.PHD_STUDENT,
        ApplicantType.MEDICAL_STUDENT,
        ApplicantType.PATHWAY_STUDENT,
    }
)


class Role(models.TextChoices):
    """Site-wide roles, held as Django groups. Per-object facts (PI of, chair of) are separate."""

    ADMINISTRATOR = "administrator", "Program administrator"
    CHAIR = "chair", "Committee chair"
    REVIEWER = "reviewer", "Reviewer"


PREFER_NOT = "prefer_not"


class RaceEthnicity(models.TextChoices):
    """The 2024 OMB SPD 15 minimum categories (one multi-select question)."""

    AMERICAN_INDIAN_ALASKA_NATIVE = "aian", "American Indian or Alaska Native"
    ASIAN = "asian", "Asian"
    BLACK = "black", "Black or African American"
    HISPANIC_LATINO = "hispanic", "Hispanic or Latino"
    MIDDLE_EASTERN_NORTH_AFRICAN = "mena", "Middle Eastern or North African"
    NATIVE_HAWAIIAN_PACIFIC_ISLANDER = "nhpi", "Native Hawaiian or Pacific Islander"
    WHITE = "white", "White"
    PREFER_NOT = PREFER_NOT, "Prefer not to answer"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    INTERSEX = "intersex", "Intersex"
    SELF_DESCRIBED = "self_described", "I use another term"
    PREFER_NOT = PREFER_NOT, "Prefer not to answer"


class YesNoPreferNot(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    PREFER_NOT = PREFER_NOT, "Prefer not to answer"


class DisadvantagedBasis(models.TextChoices):
    EDUCATIONAL = "educational", "Educationally disadvantaged"
    ECONOMIC = "economic", "Economically disadvantaged (low-income family)"
    BOTH = "both", "Both educationally and economically"


class AuditAction(models.TextChoices):
    """What an audit-trail entry records. Add new actions at the end (one migration each)."""

    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_OUT = "sign_out", "Signed out"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    ROLE_CHANGED = "role_changed", "Roles or access changed"
    STATE_CHANGED = "state_changed", "State changed"
    SCORE_CHANGED = "score_changed", "Score changed"
    REVIEW_SUBMITTED = "review_submitted", "Review submitted"
    REVIEW_REOPENED = "review_reopened", "Review reopened"
    DECISION_RECORDED = "decision_recorded", "Funding decision recorded"
    DECISIONS_RELEASED = "decisions_released", "Funding decisions released"
    REPORT_EXPORTED = "report_exported", "Report exported"
    DEMOGRAPHICS_VIEWED = "demographics_viewed", "Demographics viewed"
    API_TOKEN_REVOKED = "api_token_revoked", "API token revoked"
    INVITATION_SENT = "invitation_sent", "Invitation sent"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    SUPPORT_CHANGED = "support_changed", "Trainee support changed"
    ACCOUNT_LINKED = "account_linked", "University sign-in linked"
    ELIGIBILITY_EXCEPTION = "eligibility_exception", "Eligibility exception granted or revoked"
    ACCOUNT_UNLINKED = "account_unlinked", "University sign-in unlinked"


class Affiliation(models.TextChoices):
    """The position class a university's sign-in asserts (eduPersonAffiliation or a claim).
    Once asserted, the person chooses a position only inside their class."""

    FACULTY = "faculty", "Faculty"
    STUDENT = "student", "Student or trainee"
    STAFF = "staff", "Staff"


# The positions each asserted class may hold (the profile form offers only these).
AFFILIATION_POSITIONS = {
    Affiliation.FACULTY: FACULTY_TYPES,
    Affiliation.STUDENT: TRAINEE_TYPES,
    Affiliation.STAFF: frozenset({ApplicantType.STAFF}),
}
