"""States and vocabularies of the grants app, with named groups of states."""

from django.db import models


class CallStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    # A two-stage call between its letters' deadline and opening for full proposals.
    LETTERS_TRIAGE = "letters_triage", "Letters in triage"
    CLOSED = "closed", "Closed"
    IN_REVIEW = "in_review", "In review"
    DECIDED = "decided", "Decided"
    ARCHIVED = "archived", "Archived"


CALL_TRANSITIONS: dict[str, frozenset[str]] = {
    CallStatus.DRAFT: frozenset({CallStatus.OPEN}),
    # Into letters triage only a two-stage call, once its letters are due
    # (services.call_transition, lifecycle.letters_triage_problem); back to open for the
    # invited full proposals once every letter is decided.
    CallStatus.OPEN: frozenset({CallStatus.CLOSED, CallStatus.DRAFT, CallStatus.LETTERS_TRIAGE}),
    CallStatus.LETTERS_TRIAGE: frozenset({CallStatus.OPEN}),
    CallStatus.CLOSED: frozenset({CallStatus.IN_REVIEW, CallStatus.OPEN}),
    CallStatus.IN_REVIEW: frozenset({CallStatus.DECIDED}),
    CallStatus.DECIDED: frozenset({CallStatus.ARCHIVED}),
    CallStatus.ARCHIVED: frozenset(),
}


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for changes"
    IN_REVIEW = "in_review", "In review"
    FUNDED = "funded", "Funded"
    NOT_FUNDED = "not_funded", "Not funded"
    WAITLISTED = "waitlisted", "Waitlisted"
    WITHDRAWN = "withdrawn", "Withdrawn"
    # A limited-submission call's outcomes: the institution's nominees to the sponsor.
    NOMINATED = "nominated", "Nominated"
    NOT_NOMINATED = "not_nominated", "Not nominated"


PROPOSAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ProposalStatus.DRAFT: frozenset({ProposalStatus.SUBMITTED, ProposalStatus.WITHDRAWN}),
    ProposalStatus.SUBMITTED: frozenset(
        {ProposalStatus.RETURNED, ProposalStatus.IN_REVIEW, ProposalStatus.WITHDRAWN}
    ),
    ProposalStatus.RETURNED: frozenset({ProposalStatus.SUBMITTED, ProposalStatus.WITHDRAWN}),
    ProposalStatus.IN_REVIEW: frozenset(
        {
            ProposalStatus.FUNDED,
            ProposalStatus.NOT_FUNDED,
            ProposalStatus.WAITLISTED,
            ProposalStatus.WITHDRAWN,
            ProposalStatus.NOMINATED,
            ProposalStatus.NOT_NOMINATED,
        }
    ),
    ProposalStatus.WAITLISTED: frozenset(
        {
            ProposalStatus.FUNDED,
            ProposalStatus.NOT_FUNDED,
            ProposalStatus.NOMINATED,
            ProposalStatus.NOT_NOMINATED,
        }
    ),
    ProposalStatus.FUNDED: frozenset(),
    ProposalStatus.NOT_FUNDED: frozenset(),
    # A nominee may step down after the release: the place is free for an alternate.
    ProposalStatus.NOMINATED: frozenset({ProposalStatus.WITHDRAWN}),
    ProposalStatus.NOT_NOMINATED: frozenset(),
    ProposalStatus.WITHDRAWN: frozenset(),
}

# The applicant may change the text only in these states.
EDITABLE_STATES = frozenset({ProposalStatus.DRAFT, ProposalStatus.RETURNED})
# A proposal in one of these counts as "the applicant's proposal" in a one-per-applicant call.
ACTIVE_STATES = frozenset(set(ProposalStatus) - {ProposalStatus.WITHDRAWN})
# Handed in: visible to the administrators' lists of a call.
SUBMITTED_STATES = frozenset(
    {
        ProposalStatus.SUBMITTED,
        ProposalStatus.IN_REVIEW,
        ProposalStatus.FUNDED,
        ProposalStatus.NOT_FUNDED,
        ProposalStatus.WAITLISTED,
        ProposalStatus.NOMINATED,
        ProposalStatus.NOT_NOMINATED,
    }
)
# A funding decision may be recorded (or changed, until released) on a proposal in these.
DECIDABLE_STATES = frozenset({ProposalStatus.IN_REVIEW, ProposalStatus.WAITLISTED})
WITHDRAWABLE_STATES = frozenset(
    {
        ProposalStatus.DRAFT,
        ProposalStatus.SUBMITTED,
        ProposalStatus.RETURNED,
        ProposalStatus.IN_REVIEW,
        # A released nomination: the nominee steps down (services.proposal_withdraw).
        ProposalStatus.NOMINATED,
    }
)


class TeamRole(models.TextChoices):
    CO_PI = "co_pi", "Co-principal investigator"
    CO_INVESTIGATOR = "co_investigator", "Co-investigator"
    MENTOR = "mentor", "Mentor"
    COLLABORATOR = "collaborator", "Collaborator"
    COMMUNITY_PARTNER = "community_partner", "Community partner"


class BudgetCategory(models.TextChoices):
    PERSONNEL = "personnel", "Personnel (salary)"
    FRINGE = "fringe", "Fringe benefits"
    PARTICIPANT = "participant", "Participant incentives"
    SUPPLIES = "supplies", "Supplies"
    EQUIPMENT = "equipment", "Equipment"
    TRAVEL = "travel", "Travel"
    COMMUNITY = "community", "Community partner support"
    OTHER = "other", "Other direct costs"


class AttachmentKind(models.TextChoices):
    BIOSKETCH = "biosketch", "Biographical sketch (NIH format)"
    LETTER_OF_SUPPORT = "letter_of_support", "Letter of support"
    OTHER = "other", "Other document"


class IrbStatus(models.TextChoices):
    NOT_HUMAN_SUBJECTS = "not_human_subjects", "Not human subjects research"
    NOT_YET_SUBMITTED = "not_yet_submitted", "Not yet submitted to the IRB"
    PENDING = "pending", "Submitted, pending"
    EXEMPT = "exempt", "Exempt"
    APPROVED = "approved", "Approved"


class DisparityPopulation(models.TextChoices):
    """NIH-designated populations with health disparities (NIMHD)."""

    BLACK = "black", "Black or African American"
    HISPANIC = "hispanic", "Hispanic or Latino"
    AIAN = "aian", "American Indian or Alaska Native"
    ASIAN = "asian", "Asian American"
    NHPI = "nhpi", "Native Hawaiian or Pacific Islander"
    LOW_SES = "low_ses", "People with lower socioeconomic status"
    RURAL = "rural", "Underserved rural communities"
    SGM = "sgm", "Sexual and gender minority groups"
    DISABILITY = "disability", "People with disabilities"


class NimhdDomain(models.TextChoices):
    """Domains of influence of the NIMHD Research Framework."""

    BIOLOGICAL = "biological", "Biological"
    BEHAVIORAL = "behavioral", "Behavioral"
    PHYSICAL_ENVIRONMENT = "physical_environment", "Physical / built environment"
    SOCIOCULTURAL = "sociocultural", "Sociocultural environment"
    HEALTH_CARE_SYSTEM = "health_care_system", "Health care system"


class NimhdLevel(models.TextChoices):
    """Levels of influence of the NIMHD Research Framework."""

    INDIVIDUAL = "individual", "Individual"
    INTERPERSONAL = "interpersonal", "Interpersonal"
    COMMUNITY = "community", "Community"
    SOCIETAL = "societal", "Societal"


# A cell of the framework's grid is "domain:level"; a proposal is classified by one or more.
NIMHD_CELLS: tuple[str, ...] = tuple(
    f"{domain}:{level}" for domain in NimhdDomain.values for level in NimhdLevel.values
)


def nimhd_cell_label(cell: str) -> str:
    """ "behavioral:community" -> "Behavioral × Community" (the checkbox's own label)."""
    domain, level = cell.split(":", 1)
    return f"{NimhdDomain(domain).label} × {NimhdLevel(level).label}"


def nimhd_cells_clean(cells) -> list[str]:
    """Known cells only, each once, in the grid's order (rows by domain, then level)."""
    chosen = set(cells or ())
    return [cell for cell in NIMHD_CELLS if cell in chosen]


def nimhd_domains_of(cells) -> list[str]:
    """The domains with any cell, in the framework's order: what ``nimhd_domains`` keeps."""
    chosen = {cell.split(":", 1)[0] for cell in cells or ()}
    return [domain for domain in NimhdDomain.values if domain in chosen]


class EndorsementStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ENDORSED = "endorsed", "Endorsed"
    DECLINED = "declined", "Declined"


# Sections a call can require, with the label the checklist uses.
SECTION_LABELS: dict[str, str] = {
    "title": "Title",
    "abstract": "Abstract",
    "specific_aims": "Specific aims",
    "research_strategy": "Research strategy",
    "disparity_populations": "Populations with health disparities",
    "nimhd_domains": "NIMHD framework classification",
    "community_engagement_plan": "Community engagement plan",
    "timeline": "Timeline",
    "budget_justification": "Budget justification",
    "irb_status": "IRB status",
}
DEFAULT_REQUIRED_SECTIONS = list(SECTION_LABELS)
DEFAULT_REQUIRED_ATTACHMENTS = [AttachmentKind.BIOSKETCH.value]


class DecisionOutcome(models.TextChoices):
    FUNDED = "funded", "Funded"
    NOT_FUNDED = "not_funded", "Not funded"
    WAITLISTED = "waitlisted", "Waitlisted"
    # Limited-submission calls decide nominations to the external sponsor, not money.
    NOMINATED = "nominated", "Nominated"
    NOT_NOMINATED = "not_nominated", "Not nominated"


# The decisions each kind of call takes (grants.services.decision_record): a call with money
# funds; a limited-submission call nominates up to its sponsor's limit. Waitlisted is both.
FUNDING_OUTCOMES = (DecisionOutcome.FUNDED, DecisionOutcome.NOT_FUNDED, DecisionOutcome.WAITLISTED)
NOMINATION_OUTCOMES = (
    DecisionOutcome.NOMINATED,
    DecisionOutcome.NOT_NOMINATED,
    DecisionOutcome.WAITLISTED,
)


class AwardStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    NO_COST_EXTENSION = "no_cost_extension", "No-cost extension"
    CLOSED = "closed", "Closed"
    TERMINATED = "terminated", "Terminated"


AWARD_TRANSITIONS: dict[str, frozenset[str]] = {
    AwardStatus.ACTIVE: frozenset(
        {AwardStatus.NO_COST_EXTENSION, AwardStatus.CLOSED, AwardStatus.TERMINATED}
    ),
    AwardStatus.NO_COST_EXTENSION: frozenset({AwardStatus.CLOSED, AwardStatus.TERMINATED}),
    AwardStatus.CLOSED: frozenset(),
    AwardStatus.TERMINATED: frozenset(),
}


# ---- Letters of intent (two-stage calls) -----------------------------------------------------


class LetterStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    INVITED = "invited", "Invited to a full proposal"
    DECLINED = "declined", "Not invited"


LETTER_TRANSITIONS: dict[str, frozenset[str]] = {
    LetterStatus.DRAFT: frozenset({LetterStatus.SUBMITTED}),
    # Triage decides a letter once (services.letter_triage).
    LetterStatus.SUBMITTED: frozenset({LetterStatus.INVITED, LetterStatus.DECLINED}),
    LetterStatus.INVITED: frozenset(),
    LetterStatus.DECLINED: frozenset(),
}
# The outcomes of triage.
TRIAGED_LETTER_STATES = frozenset({LetterStatus.INVITED, LetterStatus.DECLINED})


class LetterDecision(models.TextChoices):
    """What the office decides on a letter (the letter's status afterwards)."""

    INVITED = LetterStatus.INVITED.value, "Invite a full proposal"
    DECLINED = LetterStatus.DECLINED.value, "Decline"


# The aims summary's word limit (a letter is short: the full proposal has the call's limits).
LETTER_AIMS_WORD_LIMIT = 300
