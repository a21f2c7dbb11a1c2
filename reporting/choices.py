"""Vocabularies of outcomes, progress reports and the HRSA report's categories."""

from django.db import models


class ProgressReportKind(models.TextChoices):
    INTERIM = "interim", "Interim progress report"
    FINAL = "final", "Final progress report"


class ProgressReportStatus(models.TextChoices):
    DUE = "due", "Due"
    SUBMITTED = "submitted", "Submitted"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"


class PresentationKind(models.TextChoices):
    ORAL = "oral", "Oral"
    POSTER = "poster", "Poster"


class PresentationLevel(models.TextChoices):
    LOCAL = "local", "Local"
    REGIONAL = "regional", "Regional"
    NATIONAL = "national", "National"
    INTERNATIONAL = "international", "International"


class SponsorType(models.TextChoices):
    NIH = "nih", "NIH"
    OTHER_FEDERAL = "other_federal", "Other federal"
    FOUNDATION = "foundation", "Foundation"
    INDUSTRY = "industry", "Industry"
    INTERNAL = "internal", "Internal"


class ExternalResult(models.TextChoices):
    """Where a limited-submission nominee's application to the external sponsor stands."""

    PENDING = "pending", "Submitted, awaiting the sponsor's decision"
    AWARDED = "awarded", "Awarded"
    NOT_AWARDED = "not_awarded", "Not awarded"
    WITHDRAWN = "withdrawn", "Withdrawn before a decision"


class FundingStatus(models.TextChoices):
    APPLIED = "applied", "Applied"
    AWARDED = "awarded", "Awarded"
    DECLINED = "declined", "Declined"


# Follow-on funding whose decision date (not its application date) places it in a period.
DECIDED_FUNDING_STATES = frozenset({FundingStatus.AWARDED, FundingStatus.DECLINED})


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


class SupportKind(models.TextChoices):
    """INDGEN's kinds of direct financial support to a person."""

    STIPEND = "stipend", "Stipend"
    TUITION = "tuition", "Tuition"
    TRAVEL = "travel", "Travel"
    OTHER = "other", "Other"


class TrainingStatusValue(models.TextChoices):
    """Where a supported person is in their training (INDGEN's status column)."""

    ENROLLED = "enrolled", "Enrolled"
    COMPLETED = "completed", "Graduated / completed"
    LEFT = "left", "Left"


# A status that ends the training: it needs the date it happened.
DATED_TRAINING_STATES = frozenset({TrainingStatusValue.COMPLETED, TrainingStatusValue.LEFT})


class TrainingProgramType(models.TextChoices):
    """The Program set-up sheet's types of training program (HRSA)."""

    STRUCTURED = "structured", "Structured"
    UNSTRUCTURED = "unstructured", "Unstructured"
    DEGREE_GRANTING = "degree_granting", "Degree-granting"


class TrainingProgramState(models.TextChoices):
    ONGOING = "ongoing", "Ongoing"
    COMPLETED = "completed", "Completed"


class PartnerType(models.TextChoices):
    """PC-10's partner types (HRSA.md)."""

    COMMUNITY_HEALTH_CENTER = "community_health_center", "Community health center"
    FQHC = "fqhc", "FQHC or look-alike"
    TRIBAL_URBAN_INDIAN = "tribal_urban_indian", "Tribal / urban Indian health center"
    AHEC = "ahec", "Area Health Education Center (AHEC)"
    ACADEMIC_MEDICAL_CENTER = "academic_medical_center", "Academic medical center"
    COMMUNITY_BASED_ORGANIZATION = "community_based_organization", "Community-based organization"
    PUBLIC_HEALTH_DEPARTMENT = "public_health_department", "Public health department"
    OTHER = "other", "Other"


class PartnershipPurpose(models.TextChoices):
    RESEARCH = "research", "Research collaboration"
    COMMUNITY_ENGAGEMENT = "community_engagement", "Community engagement"
    TRAINING = "training", "Training site"
    CLINICAL = "clinical", "Clinical services"
    DISSEMINATION = "dissemination", "Dissemination"
    OTHER = "other", "Other"


# ---- The APR's categories (what the report's columns are) ------------------------------------

NOT_REPORTED = "not_reported"
NOT_REPORTED_LABEL = "Not reported"


class AprRace(models.TextChoices):
    """DV-1's race rows (the two-question format)."""

    AIAN = "aian", "American Indian or Alaska Native"
    ASIAN = "asian", "Asian"
    BLACK = "black", "Black or African American"
    NHPI = "nhpi", "Native Hawaiian or Other Pacific Islander"
    WHITE = "white", "White"
    MULTIPLE = "multiple", "More than one race"
    NOT_REPORTED = NOT_REPORTED, NOT_REPORTED_LABEL


# The races a profile may map a collected category to (the other two rows are computed).
MAPPABLE_RACES = frozenset(
    {AprRace.AIAN, AprRace.ASIAN, AprRace.BLACK, AprRace.NHPI, AprRace.WHITE}
)


class AprEthnicity(models.TextChoices):
    HISPANIC = "hispanic", "Hispanic or Latino"
    NOT_HISPANIC = "not_hispanic", "Not Hispanic or Latino"
    NOT_REPORTED = NOT_REPORTED, NOT_REPORTED_LABEL


class AgeGroup(models.TextChoices):
    UNDER_20 = "under_20", "Under 20"
    AGE_20_29 = "20_29", "20–29"
    AGE_30_39 = "30_39", "30–39"
    AGE_40_49 = "40_49", "40–49"
    AGE_50_59 = "50_59", "50–59"
    AGE_60_PLUS = "60_plus", "60 and over"
    NOT_REPORTED = NOT_REPORTED, NOT_REPORTED_LABEL


class ParticipantLevel(models.TextChoices):
    """LR-1's role/level rows, from the person's position on their profile."""

    INSTRUCTOR = "instructor", "Faculty — instructor"
    ASSISTANT_PROFESSOR = "assistant_professor", "Faculty — assistant professor"
    ASSOCIATE_PROFESSOR = "associate_professor", "Faculty — associate professor"
    FULL_PROFESSOR = "full_professor", "Faculty — professor"
    RESIDENT_FELLOW = "resident_fellow", "Resident / clinical fellow"
    POSTDOC = "postdoc", "Postdoctoral fellow"
    PHD_STUDENT = "phd_student", "PhD student"
    MEDICAL_STUDENT = "medical_student", "Medical student"
    OTHER_TRAINEE = "other_trainee", "Other student / trainee"
    STAFF_OTHER = "staff_other", "Staff / other"


# accounts.ApplicantType value -> LR-1 row; anything else (blank, staff) is staff/other.
LEVEL_OF_APPLICANT_TYPE = {
    "instructor": ParticipantLevel.INSTRUCTOR,
    "assistant_professor": ParticipantLevel.ASSISTANT_PROFESSOR,
    "associate_professor": ParticipantLevel.ASSOCIATE_PROFESSOR,
    "full_professor": ParticipantLevel.FULL_PROFESSOR,
    "resident": ParticipantLevel.RESIDENT_FELLOW,
    "fellow": ParticipantLevel.RESIDENT_FELLOW,
    "postdoc": ParticipantLevel.POSTDOC,
    "phd_student": ParticipantLevel.PHD_STUDENT,
    "medical_student": ParticipantLevel.MEDICAL_STUDENT,
    "pathway_student": ParticipantLevel.OTHER_TRAINEE,
}


class CheckStatus(models.TextChoices):
    PASS = "pass", "Pass"
    WARNING = "warning", "Warning"
    FAIL = "fail", "Fail"


# ---- The default reporting profile (a data migration writes the same values) -----------------

DEFAULT_RACE_MAP = {
    "aian": "aian",
    "asian": "asian",
    "black": "black",
    # Middle Eastern or North African was part of White under the 1997 standard.
    "mena": "white",
    "nhpi": "nhpi",
    "white": "white",
}
DEFAULT_HISPANIC_CODES = ["hispanic"]
DEFAULT_SEX_COLUMNS = ["Female", "Male", "Another sex or gender"]
DEFAULT_SEX_MAP = {
    "female": "Female",
    "male": "Male",
    "intersex": "Another sex or gender",
    "self_described": "Another sex or gender",
}
DEFAULT_URM_CODES = ["aian", "black", "hispanic", "nhpi"]


# ---- NIH Inclusion Enrollment Report ---------------------------------------------------------


class EnrollmentKind(models.TextChoices):
    PLANNED = "planned", "Planned"
    CUMULATIVE = "cumulative", "Cumulative (actual)"


class EnrollmentEthnicity(models.TextChoices):
    NOT_HISPANIC = "not_hispanic", "Not Hispanic or Latino"
    HISPANIC = "hispanic", "Hispanic or Latino"
    UNKNOWN = "unknown", "Unknown/Not Reported Ethnicity"


class EnrollmentRace(models.TextChoices):
    """NIH's five race categories, then "more than one race" and "unknown", in the form's order."""

    AIAN = "aian", "American Indian/Alaska Native"
    ASIAN = "asian", "Asian"
    NHPI = "nhpi", "Native Hawaiian or Other Pacific Islander"
    BLACK = "black", "Black or African American"
    WHITE = "white", "White"
    MORE_THAN_ONE = "more_than_one", "More than One Race"
    UNKNOWN = "unknown", "Unknown or Not Reported"


class EnrollmentSex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    UNKNOWN = "unknown", "Unknown/Not Reported"


# Every cell of the table, "<ethnicity>|<race>|<sex>", in the form's reading order.
ENROLLMENT_CELLS = tuple(
    f"{ethnicity}|{race}|{sex}"
    for race in EnrollmentRace.values
    for ethnicity in EnrollmentEthnicity.values
    for sex in EnrollmentSex.values
)
