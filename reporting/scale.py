"""A large, realistic, reproducible data set for benchmarks (``manage.py seed_scale``).

Why not the services, as seed_demo does: they write one object at a time (with its audit entry
and mail), minutes per thousand proposals. Here rows are generated a call at a time and written
in bulk (COPY on PostgreSQL, bulk_create elsewhere) inside one transaction; the generator keeps
by construction the rules the services keep (a budget that adds up within the call's maximum, complete sections and a mentor's
endorsement before submission, one proposal per applicant and call, one score per criterion on
every submitted review, final scores and percentiles computed by ``reviews.scoring``, funding
within the budget in ranking order, award dates by ``grants.services.award_dates``, progress
reports by the schedule rule, outcomes dated inside their award's life and reporting window).

Not written: audit-trail entries (the history pages read ``StateChange``, which is written),
attachments (the calls require none: 100,000 PDFs would measure the disk), reminders.

Reproducible: one ``random.Random(seed)`` drives every choice and every date is derived from
``today``, so the same seed and day give the same content (ids aside).
"""

import json
import math
import random
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction

from accounts.choices import FACULTY_TYPES, TRAINEE_TYPES, ApplicantType, Role
from accounts.models import Demographics, Profile, User
from accounts.services import ensure_role_groups
from grants.choices import (
    AwardStatus,
    BudgetCategory,
    CallStatus,
    DecisionOutcome,
    DisparityPopulation,
    EndorsementStatus,
    IrbStatus,
    NimhdDomain,
    ProposalStatus,
    TeamRole,
)
from grants.models import (
    Award,
    BudgetLine,
    Decision,
    Endorsement,
    FundingCall,
    Program,
    Proposal,
    StateChange,
    TeamMember,
)
from grants.services import award_dates
from reviews import scoring
from reviews.choices import (
    DEFAULT_CRITERIA,
    ROLE_ORDER,
    SCORE_DESCRIPTORS,
    ConflictReason,
    CriterionKind,
    PanelDisposition,
    ReviewPhase,
    ReviewStatus,
)
from reviews.models import (
    Assignment,
    CallReview,
    Committee,
    CommitteeMembership,
    ConflictOfInterest,
    Criterion,
    CriterionScore,
    FinalScore,
    PanelEntry,
    Review,
)

from .choices import (
    FundingStatus,
    PartnershipPurpose,
    PartnerType,
    PresentationKind,
    PresentationLevel,
    ProgressReportKind,
    ProgressReportStatus,
    SponsorType,
    YesNoUnknown,
)
from .hrsa.periods import Period, current_period, period_of
from .models import (
    FollowOnFunding,
    Partnership,
    Presentation,
    ProgressReport,
    Publication,
    ReportingPeriodNarrative,
    TraineeOutcome,
)

DEFAULT_PASSWORD = "northstar-bench"  # noqa: S105 (a published benchmark password)
ACCOUNTS = {
    "admin": "scale-admin",
    "chair": "scale-chair",
    "reviewer": "scale-reviewer",
    "applicant": "scale-applicant",
}
MIN_PROPOSALS = 100
BATCH = 4000
PER_CALL = 2000  # proposals per call on average
OUTCOMES_PER_PROPOSAL = 10
REVIEWER_QUEUE = 15
OUTCOME_WINDOW = timedelta(days=365)  # reporting.validators' default reporting window
FINAL_REPORT_AFTER = timedelta(days=60)  # reporting.services.progress
PROGRAM = ("Center of Excellence in Health Equity", "CEHE", "Western Valley University")


class SeedRefused(Exception):
    """The database already holds data this generator would collide with."""


@dataclass(frozen=True)
class ScaleSummary:
    proposals: int
    reviews: int
    outcomes: int
    users: int
    seconds: float
    ranking_call_id: int
    review_call_id: int
    open_call_id: int
    report_period: str
    password: str
    counts: dict[str, int]

    def as_json(self) -> dict:
        return {
            "proposals": self.proposals,
            "reviews": self.reviews,
            "outcomes": self.outcomes,
            "users": self.users,
            "seconds": self.seconds,
            "ranking_call_id": self.ranking_call_id,
            "review_call_id": self.review_call_id,
            "open_call_id": self.open_call_id,
            "report_period": self.report_period,
            "password": self.password,
            "accounts": dict(ACCOUNTS),
            "counts": self.counts,
        }


OUTCOME_MODELS = (Publication, Presentation, FollowOnFunding, TraineeOutcome, Partnership)
COUNTED_MODELS = (
    User,
    User.groups.through,
    Profile,
    Demographics,
    Program,
    FundingCall,
    Proposal,
    TeamMember,
    BudgetLine,
    Endorsement,
    StateChange,
    Committee,
    CommitteeMembership,
    CallReview,
    Criterion,
    ConflictOfInterest,
    Assignment,
    Review,
    CriterionScore,
    PanelEntry,
    FinalScore,
    Decision,
    Award,
    ProgressReport,
    *OUTCOME_MODELS,
    Publication.awards.through,
    Presentation.awards.through,
    FollowOnFunding.awards.through,
    ReportingPeriodNarrative,
)


def seed_scale(
    *,
    proposals: int,
    seed: int = 1,
    password: str = DEFAULT_PASSWORD,
    today: date,
    progress: Callable[[str], None] | None = None,
) -> ScaleSummary:
    """Fill an empty database with ``proposals`` proposals and everything around them, in one
    transaction. Raises ``SeedRefused`` when proposals or the fixed accounts already exist."""
    from django.contrib.auth.hashers import make_password

    if proposals < MIN_PROPOSALS:
        raise SeedRefused(f"Ask for at least {MIN_PROPOSALS} proposals.")
    if Proposal.objects.exists():
        raise SeedRefused(
            "The database already holds proposals; seed_scale fills an empty database only "
            "(create a fresh one and migrate it)."
        )
    taken = sorted(
        User.objects.filter(username__in=ACCOUNTS.values()).values_list("username", flat=True)
    )
    if taken:
        raise SeedRefused(f"These accounts already exist: {', '.join(taken)}.")
    started = time.monotonic()
    seeder = _Seeder(
        n=proposals,
        rng=random.Random(seed),  # noqa: S311 (invented data, reproducible by design)
        password_hash=make_password(password),  # hashed once: PBKDF2 is slow on purpose
        today=today,
        progress=progress or (lambda message: None),
    )
    with _explicit_timestamps(), transaction.atomic():
        seeder.run()
    counts = {model._meta.label: model.objects.count() for model in COUNTED_MODELS}
    return ScaleSummary(
        proposals=counts["grants.Proposal"],
        reviews=counts["reviews.Review"],
        outcomes=sum(counts[model._meta.label] for model in OUTCOME_MODELS),
        users=counts["accounts.User"],
        seconds=round(time.monotonic() - started, 1),
        ranking_call_id=seeder.call_ids["ranking"],
        review_call_id=seeder.call_ids["review"],
        open_call_id=seeder.call_ids["open"],
        report_period=seeder.report.label,
        password=password,
        counts=counts,
    )


@contextmanager
def _explicit_timestamps() -> Iterator[None]:
    """``bulk_create`` stamps auto_now / auto_now_add fields with the wall clock; the seeded
    history needs its own times, so the flags are off while seeding and restored after."""
    fields = [
        f
        for model in (*COUNTED_MODELS, Program)
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


class _Row:
    """A row to write, read and set like a model instance without a model instance's cost
    (building a million model instances, and bulk_create preparing each value, is most of the
    time bulk_create takes)."""

    def __init__(self, **values):
        self.__dict__.update(values)


def _insert(model: type[models.Model], rows: list[_Row], *, ids: bool = True) -> list[_Row]:
    """Write ``rows`` to ``model``'s table and give each its ``pk`` (when ``ids``). On
    PostgreSQL with COPY, the ids reserved from the table's sequence first; elsewhere (SQLite,
    the tests' small data) with bulk_create. Fields a row leaves out get their default."""
    if not rows:
        return rows
    if connection.vendor == "postgresql":
        _copy(model, rows, ids=ids)
        return rows
    objects = [model(**row.__dict__) for row in rows]
    model.objects.bulk_create(objects, batch_size=BATCH)
    for row, obj in zip(rows, objects, strict=True):
        row.pk = row.id = obj.pk
    return rows


def _copy(model: type[models.Model], rows: list[_Row], *, ids: bool) -> None:
    from psycopg import sql

    table = model._meta.db_table
    fields = [f for f in model._meta.concrete_fields if ids or not f.primary_key]
    columns = [(f.attname, None if f.primary_key else f.get_default()) for f in fields]
    as_json = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(f.column) for f in fields)
    )
    connection.ensure_connection()
    # The psycopg connection under Django's: the same transaction, and no query log to fill.
    with connection.connection.cursor() as cursor:
        if ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s) "
                "ORDER BY 1",
                [table, model._meta.pk.column, len(rows)],
            )
            for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
                row.pk = row.id = pk
        with cursor.copy(statement) as copy:
            for row in rows:
                values = row.__dict__
                out = [values.get(name, default) for name, default in columns]
                for index in as_json:
                    out[index] = json.dumps(out[index])
                copy.write_row(out)


def _effective_end(award: _Row) -> date:
    """As ``Award.effective_end``: the close or termination date when earlier than the end."""
    if award.ended_on and award.ended_on < award.end_date:
        return award.ended_on
    return award.end_date


# ---- Vocabulary ------------------------------------------------------------------------------

FIRST_NAMES = (
    "Maria", "José", "Aaliyah", "Wei", "Priya", "Kwame", "Fatima", "Hannah", "Luis", "Mei",
    "Omar", "Grace", "Jamal", "Sofia", "Daniel", "Aisha", "Carlos", "Emily", "Tuan", "Leilani",
    "Samuel", "Ana", "Marcus", "Elena", "David", "Yesenia", "Kevin", "Ngozi", "Rosa", "Michael",
    "Imani", "Jorge", "Linh", "Sarah", "Ahmed", "Keanu", "Rachel", "Diego", "Asha", "Thomas",
    "Lucía", "Andre", "Mai", "Jennifer", "Tariq", "Noelani", "Patricia", "Hector", "Jasmine",
    "Robert", "Ximena", "Chinedu", "Laura", "Kenji", "Destiny", "Rahul", "Esperanza", "Brian",
    "Amara", "Joseph", "Guadalupe", "Min-jun", "Tiana", "Ricardo", "Olivia", "Hamid", "Naomi",
    "Dakota", "Yuki", "Gabriel", "Zainab", "Marisol", "Benjamin", "Ifeoma", "Paolo", "Alicia",
)  # fmt: skip
LAST_NAMES = (
    "García", "Nguyen", "Johnson", "Patel", "Asante", "Yusuf", "Lindqvist", "Ramírez", "Zhou",
    "Haddad", "Tsosie", "Williams", "Hernández", "Kim", "Okafor", "Begay", "Kealoha", "Bell",
    "Natarajan", "Delgado", "Adeyemi", "Torres", "Ellis", "Chen", "Martínez", "Washington",
    "Singh", "López", "Tran", "Jackson", "Rodríguez", "Brown", "Gonzalez", "Ali", "Yazzie",
    "Le", "Davis", "Pérez", "Robinson", "Khan", "Flores", "Wright", "Sánchez", "Mahoe", "Park",
    "Thompson", "Rivera", "Nakamura", "Castillo", "Harris", "Mensah", "Cruz", "Walker", "Reyes",
    "Huang", "Morales", "Clark", "Ortiz", "Young", "Chavez", "Lewis", "Gutiérrez", "Hall",
    "Ramos", "Allen", "Vargas", "King", "Herrera", "Scott", "Medina", "Green", "Aguilar",
    "Baker", "Díaz", "Adams", "Jiménez", "Nelson", "Romero", "Mitchell", "Sato", "Campbell",
    "Silva", "Roberts", "Mendoza", "Carter", "Vásquez", "Phillips", "Castro", "Evans", "Ruiz",
)  # fmt: skip
DEPARTMENTS = (
    "Family and Community Medicine", "Medicine (General Internal Medicine)", "Pediatrics",
    "Obstetrics and Gynecology", "Psychiatry and Behavioral Sciences", "Public Health Sciences",
    "Epidemiology and Biostatistics", "Emergency Medicine", "Surgery", "Nursing",
    "Clinical Pharmacy", "Health Services Research", "Neurology", "Medicine (Nephrology)",
    "Medicine (Cardiology)", "Medicine (Infectious Diseases)", "Dermatology", "Ophthalmology",
    "Radiology", "Anesthesiology", "Dentistry", "Physical Therapy and Rehabilitation",
)  # fmt: skip
PROGRAMS = (
    "Internal Medicine", "Family Medicine", "Pediatrics", "Psychiatry", "Obstetrics and Gynecology",
    "Emergency Medicine", "General Surgery", "Neurology",
)  # fmt: skip
KEYWORDS = (
    "diabetes", "hypertension", "community health workers", "maternal health", "asthma",
    "mental health", "cancer screening", "HIV prevention", "hepatitis C", "food insecurity",
    "rural health", "immigrant health", "health literacy", "telehealth", "implementation science",
    "community-based participatory research", "health policy", "substance use", "LGBTQ+ health",
    "tribal health", "language access", "chronic kidney disease", "obesity", "oral health",
    "housing", "environmental justice", "structural racism", "disability", "aging", "vaccination",
)  # fmt: skip
CONDITIONS = (
    "type 2 diabetes", "hypertension", "pediatric asthma", "depression", "hepatitis C",
    "HIV", "colorectal cancer screening", "severe maternal morbidity", "chronic kidney disease",
    "opioid use disorder", "childhood obesity", "cervical cancer screening", "heat illness",
    "food insecurity", "influenza vaccination", "breast cancer survivorship", "stroke recovery",
    "heart failure", "dementia caregiving", "oral health", "sickle cell disease", "tuberculosis",
    "youth suicide risk", "tobacco use", "prenatal care", "lead exposure", "diabetic eye disease",
    "chronic pain", "alcohol use", "postpartum depression",
)  # fmt: skip
POPULATIONS = (
    "Latino farmworker families", "Black women in the postpartum year", "American Indian elders",
    "older adults in rural counties", "Pacific Islander communities", "refugee families",
    "people experiencing homelessness", "LGBTQ+ young adults", "children in low-income housing",
    "Spanish-speaking adults", "adults with disabilities", "Filipino American adults",
    "Hmong elders", "veterans in rural counties", "Black men", "Vietnamese American adults",
    "Deaf adults who sign", "migrant seasonal workers", "urban American Indian families",
    "adolescents in foster care",
)  # fmt: skip
INTERVENTIONS = (
    "A promotora-led program", "A community health worker intervention",
    "A text-message coaching program", "A telehealth clinic", "A church-based program",
    "A school-based program", "Peer navigation", "A mobile screening unit",
    "A pharmacist-led clinic", "Doula support", "A food-as-medicine program",
    "A barbershop-based program", "A culturally adapted curriculum", "Patient navigation",
    "A trauma-informed care model", "Group prenatal care", "A home-visiting program",
    "Community paramedicine", "A youth advisory board model", "A medical-legal partnership",
)  # fmt: skip
SETTINGS = (
    "in the Central Valley", "in South Los Angeles", "in tribal communities",
    "in safety-net clinics", "in rural counties", "in federally qualified health centers",
    "in public housing", "in border communities", "in community pharmacies", "in Head Start centers",
)  # fmt: skip
PARTNER_PLACES = (
    "Valle Verde", "Eastside", "Sierra Foothills", "Delta", "Harbor", "Mission", "Riverbend",
    "Coastal", "Northgate", "Pueblo", "Oak Park", "Lakeview", "Fruitvale", "Westside", "Summit",
)  # fmt: skip
PARTNER_KINDS = (
    ("Community Health Center", PartnerType.COMMUNITY_HEALTH_CENTER),
    ("Family Health Center (FQHC)", PartnerType.FQHC),
    ("Indian Health Center", PartnerType.TRIBAL_URBAN_INDIAN),
    ("Area Health Education Center", PartnerType.AHEC),
    ("Regional Medical Center", PartnerType.ACADEMIC_MEDICAL_CENTER),
    ("Promotores Network", PartnerType.COMMUNITY_BASED_ORGANIZATION),
    ("Community Coalition", PartnerType.COMMUNITY_BASED_ORGANIZATION),
    ("County Public Health Department", PartnerType.PUBLIC_HEALTH_DEPARTMENT),
    ("Unified School District", PartnerType.OTHER),
)
JOURNALS = (
    ("Journal of Health Care for the Poor and Underserved", "1353", "jhcpu"),
    ("American Journal of Public Health", "2105", "ajph"),
    ("Ethnicity & Disease", "18865", "ethndis"),
    ("Journal of General Internal Medicine", "1007", "jgim"),
    ("Health Equity", "1089", "heq"),
    ("Preventing Chronic Disease", "5888", "pcd"),
    ("Journal of Racial and Ethnic Health Disparities", "1007", "jrehd"),
    ("Progress in Community Health Partnerships", "1353", "cpr"),
    ("BMC Public Health", "1186", "bmcph"),
    ("JAMA Network Open", "1001", "jamanetworkopen"),
    ("Pediatrics", "1542", "peds"),
    ("Journal of Rural Health", "1111", "jrh"),
)
VENUES = (
    ("Department grand rounds", PresentationLevel.LOCAL),
    ("School of Medicine research day", PresentationLevel.LOCAL),
    ("Community health forum", PresentationLevel.LOCAL),
    ("Western Regional Meeting, Society of General Internal Medicine", PresentationLevel.REGIONAL),
    ("California Public Health Association conference", PresentationLevel.REGIONAL),
    ("APHA Annual Meeting", PresentationLevel.NATIONAL),
    ("NIMHD Health Disparities Research Institute", PresentationLevel.NATIONAL),
    ("Pediatric Academic Societies Meeting", PresentationLevel.NATIONAL),
    ("Society of General Internal Medicine Annual Meeting", PresentationLevel.NATIONAL),
    ("International Conference on Urban Health", PresentationLevel.INTERNATIONAL),
    ("World Congress on Public Health", PresentationLevel.INTERNATIONAL),
)
SPONSORS = (
    ("NIH / NIMHD", SponsorType.NIH, ("R01", "R21", "R03", "U54", "K23", "K01")),
    ("NIH / NHLBI", SponsorType.NIH, ("R01", "K23", "R21")),
    ("NIH / NIDDK", SponsorType.NIH, ("R01", "R21", "K23")),
    ("NIH / NCI", SponsorType.NIH, ("R01", "R21", "F31", "K08")),
    ("NIH / NIMH", SponsorType.NIH, ("R01", "R34", "F31", "K23")),
    ("AHRQ", SponsorType.OTHER_FEDERAL, ("R01", "R03", "K08")),
    ("CDC", SponsorType.OTHER_FEDERAL, ("U48", "cooperative agreement")),
    ("HRSA", SponsorType.OTHER_FEDERAL, ("D34", "T32")),
    ("Robert Wood Johnson Foundation", SponsorType.FOUNDATION, ("Harold Amos scholar", "grant")),
    ("American Heart Association", SponsorType.FOUNDATION, ("career development award", "grant")),
    ("March of Dimes", SponsorType.FOUNDATION, ("research grant",)),
    ("Pfizer", SponsorType.INDUSTRY, ("investigator-initiated grant",)),
    ("School of Medicine", SponsorType.INTERNAL, ("bridge award", "pilot award")),
)
# Small foundation and internal grants are the most common follow-on funding; R01s are rare.
SPONSOR_WEIGHTS = (8, 5, 5, 5, 5, 4, 3, 3, 12, 8, 8, 6, 28)
MECHANISM_DOLLARS = {"R01": 2_500_000, "U54": 3_000_000, "R21": 420_000, "R03": 150_000,
                     "K23": 900_000, "K01": 800_000, "K08": 850_000, "F31": 110_000,
                     "R34": 700_000, "U48": 750_000, "D34": 3_200_000, "T32": 1_600_000}  # fmt: skip
ABSTRACT_SENTENCES = (
    "{population} carry a heavy and rising burden of {condition}, and the gap has widened since 2020.",
    "Most programs for {condition} were designed for, and tested in, other communities.",
    "Working with {partner}, this pilot will test whether {intervention_lc} is feasible and acceptable {setting}.",
    "We will enrol participants through partner clinics and community events, in English and in the languages of the community.",
    "The primary outcome is feasibility (recruitment, retention and fidelity); secondary outcomes are clinical and patient-reported.",
    "Community members co-designed the aims and sit on the advisory board.",
    "Results will support an extramural application and give our partner evidence it can use.",
)  # fmt: skip
AIMS = (
    "Aim 1. Adapt {intervention_lc} for {population} with a community advisory board.",
    "Aim 2. Test its feasibility and acceptability in a single-arm pilot {setting}.",
    "Aim 3. Estimate the effect on {condition} outcomes to power a larger trial.",
)
STRATEGY_SENTENCES = (
    "Significance: {condition} is a leading cause of preventable illness among {population}.",
    "Innovation: the program is delivered by trusted community members, not only by clinicians.",
    "Approach: a mixed-methods pilot with quantitative measures at baseline, 3 and 6 months and semi-structured interviews.",
    "Analysis: descriptive statistics for feasibility, paired comparisons for outcomes, and thematic analysis of interviews.",
    "Limitations: a single site and a modest sample; the pilot is not powered for efficacy.",
)  # fmt: skip
REVIEW_STRENGTHS = (
    "Addresses an important problem in a population with clear disparities.",
    "Strong, long-standing community partnership.",
    "The investigator is well prepared and well mentored.",
    "Feasible aims with a realistic timeline.",
    "Clear plan to return results to the community.",
    "Preliminary data support the approach.",
    "Sound mixed-methods design.",
    "Likely to lead to extramural funding.",
)
REVIEW_WEAKNESSES = (
    "The sample size is not justified.",
    "Recruitment targets may be optimistic.",
    "The outcome measures are not validated in this population.",
    "The analysis plan lacks detail.",
    "Sustainability after the award is unclear.",
    "The budget for community partners is modest.",
    "Limited detail on fidelity monitoring.",
    "No weaknesses of note.",
)
RETURN_REASONS = (
    "The budget justification does not explain the personnel effort; please revise and resubmit.",
    "The letter of support is unsigned; please upload a signed copy.",
    "The community engagement plan is missing the partner's role; please add it.",
)
PUBLICATION_OPENERS = (
    "Feasibility of", "Acceptability and reach of", "Outcomes of", "Lessons from",
    "Community perspectives on", "A pilot trial of", "Implementing", "Barriers to",
)  # fmt: skip
PRESENTATION_OPENERS = (
    "Early results:",
    "Design and recruitment:",
    "Community voices:",
    "Pilot findings:",
)
REPORT_TEXT = {
    ProgressReportKind.INTERIM: "Aim 1 is complete and enrolment for Aim 2 is on track; the advisory board meets monthly.",
    ProgressReportKind.FINAL: "All aims were completed; results went back to participants and partners before publication.",
}  # fmt: skip
BARRIERS = (
    "IRB review took longer than planned; we added a second recruitment site.",
    "Staff turnover at the partner clinic slowed recruitment for two months.",
    "None of note.",
)
# Trainee outcomes by position: (degree completed, positions after the award).
TRAINEE_PATHS = {
    ApplicantType.MEDICAL_STUDENT: ("MD", ("Internal Medicine residency, County Medical Center", "Family Medicine residency, rural track", "Pediatrics residency, Children's Hospital")),
    ApplicantType.PHD_STUDENT: ("PhD", ("Postdoctoral fellow, School of Public Health", "Research scientist, State Department of Public Health")),
    ApplicantType.PATHWAY_STUDENT: ("BS", ("Medical student", "Clinical research coordinator", "MPH student")),
    ApplicantType.RESIDENT: ("", ("Primary care physician, community health center", "Clinical fellow", "Hospitalist, safety-net hospital")),
    ApplicantType.FELLOW: ("", ("Assistant professor", "Physician, FQHC", "Instructor")),
    ApplicantType.POSTDOC: ("", ("Assistant professor", "Research scientist", "Program officer, foundation")),
}  # fmt: skip
# Outcomes per award: lognormal (sigma 1), capped at eight times the median award's.
SKEW, SKEW_CAP = 1.0, 8.0
WITHDRAW_REASONS = (
    "I have accepted a position at another institution.",
    "The partner organisation can no longer take part this year.",
    "",
)
REDUCE_REASON = "Funded at a reduced amount: the equipment line is not allowable."
WAITLIST_CLOSED = "The waitlist closed without further funds becoming available."
TERMINATE_REASONS = (
    "The partner withdrew from the study and no replacement site was found.",
    "The principal investigator left the institution.",
)

# Applicant types: faculty about 43%, trainees about 55%, staff the rest.
APPLICANT_TYPES = (
    (ApplicantType.INSTRUCTOR, 8), (ApplicantType.ASSISTANT_PROFESSOR, 20),
    (ApplicantType.ASSOCIATE_PROFESSOR, 10), (ApplicantType.FULL_PROFESSOR, 5),
    (ApplicantType.RESIDENT, 12), (ApplicantType.FELLOW, 8), (ApplicantType.POSTDOC, 11),
    (ApplicantType.PHD_STUDENT, 10), (ApplicantType.MEDICAL_STUDENT, 10),
    (ApplicantType.PATHWAY_STUDENT, 4), (ApplicantType.STAFF, 2),
)  # fmt: skip
AGES = {
    ApplicantType.PATHWAY_STUDENT: (18, 24), ApplicantType.MEDICAL_STUDENT: (22, 31),
    ApplicantType.PHD_STUDENT: (23, 36), ApplicantType.RESIDENT: (26, 35),
    ApplicantType.FELLOW: (29, 39), ApplicantType.POSTDOC: (27, 39),
    ApplicantType.INSTRUCTOR: (30, 43), ApplicantType.ASSISTANT_PROFESSOR: (32, 48),
    ApplicantType.ASSOCIATE_PROFESSOR: (38, 60), ApplicantType.FULL_PROFESSOR: (45, 73),
    ApplicantType.STAFF: (24, 62),
}  # fmt: skip
RACES = (("white", 33), ("asian", 21), ("hispanic", 19), ("black", 14), ("mena", 3),
         ("aian", 2), ("nhpi", 1))  # fmt: skip
TEAM_EXTRA = (0, 1, 2, 3, 4, 5, 6, 7)  # people beside the PI: a team of 1 to 8
TEAM_WEIGHTS = (26, 30, 20, 11, 6, 4, 2, 1)

# Kinds of call: (title, eligible types, maximum award, months).
TRAINEES = sorted(str(t) for t in TRAINEE_TYPES)
FACULTY = sorted(str(t) for t in FACULTY_TYPES)
KINDS = {
    "pilot": ("Health Equity Pilot Awards", FACULTY, 50_000, 12),
    "trainee": ("Trainee Health Disparities Research Awards", TRAINEES, 15_000, 12),
    "community": ("Community-Engaged Research Awards", FACULTY + TRAINEES, 40_000, 18),
}

# How a proposal's life runs, by the status of its call: (path, weight).
PATHS = {
    "open": (("draft", 54), ("submitted", 30), ("returned", 4), ("resubmitted", 4),
             ("withdrawn_draft", 5), ("withdrawn_submitted", 3)),
    "review": (("reviewed", 88), ("resubmitted_reviewed", 2), ("abandoned", 4),
               ("returned", 2), ("withdrawn_draft", 2), ("withdrawn_submitted", 2)),
    "ranking": (("reviewed", 97), ("resubmitted_reviewed", 3)),
}  # fmt: skip
PATHS["decided"] = PATHS["review"]
REVIEWED = frozenset({"reviewed", "resubmitted_reviewed"})


def _weighted(pairs) -> tuple[list, list]:
    return [value for value, _ in pairs], [weight for _, weight in pairs]


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def _orcid(rng: random.Random) -> str:
    digits = f"{rng.randrange(10**14, 10**15)}"
    digits = "0000" + digits[4:]  # ORCID iDs start 0000- or 0009-
    total = 0
    for ch in digits:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    full = digits + ("X" if check == 10 else str(check))
    return "-".join(full[i : i + 4] for i in range(0, 16, 4))


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def _clamp_score(value: float) -> int:
    return min(9, max(1, int(round(value))))


# ---- The plan --------------------------------------------------------------------------------


@dataclass
class CallPlan:
    role: str  # open | review | ranking | decided
    kind: str
    size: int
    closes_on: date
    rpp: int
    number: int = 0  # 1 for the oldest call
    intensity: float = 0.0  # how much of its awards' outcome window has passed, 0.1 to 1


class _Prop:
    """One proposal while it is being invented (plain attributes: tens of thousands per call)."""

    __slots__ = (
        "pi", "path", "quality", "star", "members", "obj", "history", "lines",
        "endorsement", "reviewers", "impacts", "discussed", "votes", "result", "decision",
        "waitlist", "sort_key", "submitted", "award", "original_end", "award_changes", "told",
    )  # fmt: skip

    def __init__(self, pi: int, path: str):
        self.pi, self.path = pi, path
        self.star = None  # "funded" / "not_funded" for scale-applicant's own proposals
        self.members: list[tuple[int | None, str, str, str]] = []
        self.history: list[tuple] = []
        self.reviewers: list[int] = []
        self.impacts: list[tuple[int, list]] = []
        self.discussed = False
        self.votes = self.result = self.decision = self.waitlist = self.award = None
        self.endorsement = None


class _Seeder:
    def __init__(self, *, n: int, rng: random.Random, password_hash: str, today: date, progress):
        self.n = n
        self.rng = rng
        self.hash = password_hash
        self.today = today
        self.progress = progress
        self.started = time.monotonic()
        self.zone = ZoneInfo(settings.TIME_ZONE)
        # Everything seeded happened before midnight starting ``today`` (local time).
        self.now = self.at(today, 0)
        self.yesterday = today - timedelta(days=1)
        self.current = current_period(today)
        self.report = self.current.previous
        self.offset = int(self.now.astimezone(self.zone).utcoffset().total_seconds() // 3600)
        self.ct = {
            m: ContentType.objects.get_for_model(m)
            for m in (FundingCall, Proposal, Award, ProgressReport, CallReview)
        }
        self.call_ids: dict[str, int] = {}
        self.group_rows: set[tuple[int, int]] = set()
        self.mentor_of: dict[int, int] = {}
        self.awards_of_pi: dict[int, list[tuple[int, date, date]]] = {}
        self.pub_number = 0
        self.outcomes_left = OUTCOMES_PER_PROPOSAL * n
        self.outcome_weight_left = 0.0
        self.bias: dict[int, float] = {}

    # -- time --

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """That wall-clock time in the program's zone, as UTC (arithmetic stays exact)."""
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone).astimezone(
            UTC
        )

    def between(self, start: datetime, end: datetime) -> datetime:
        """A moment in [start, end), moved into waking hours in the program's zone if it fits."""
        if end <= start:
            return start
        moment = start + timedelta(seconds=int(self.rng.random() * (end - start).total_seconds()))
        if (moment.hour + self.offset) % 24 < 8:
            later = moment + timedelta(hours=10)
            if later < end:
                return later
        return moment

    def day_between(self, first: date, last: date) -> date:
        if last <= first:
            return first
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))

    # -- entry point --

    def run(self) -> None:
        ensure_role_groups()
        self.groups = {g.name: g.pk for g in Group.objects.filter(name__in=[str(r) for r in Role])}
        self.program = _insert(
            Program, [_Row(name=PROGRAM[0], short_name=PROGRAM[1], institution=PROGRAM[2])]
        )[0]
        plans = self.plan()
        self.people(max(p.size for p in plans), joined=plans[0].closes_on - timedelta(days=150))
        self.place_applicant(plans)
        for plan in plans:
            self.call(plan)
            self.progress(
                f"{time.monotonic() - self.started:6.1f}s  call {plan.number} of {len(plans)} "
                f"({plan.role}): {plan.size} proposals"
            )
        self.narratives(plans[0].closes_on)
        _insert(
            User.groups.through,
            [_Row(user_id=u, group_id=g) for u, g in sorted(self.group_rows)],
            ids=False,
        )
        self.progress(f"{time.monotonic() - self.started:6.1f}s  committing")

    def plan(self) -> list[CallPlan]:
        """About 2,000 proposals a call over ten years; the ranking call holds min(N/2, 2000)."""
        rng, n = self.rng, self.n
        calls = max(5, round(n / PER_CALL))
        ranking = min(PER_CALL, n // 2)
        weights = [rng.uniform(0.8, 1.2) for _ in range(calls - 1)]
        rest = n - ranking
        sizes = [int(rest * w / sum(weights)) for w in weights]
        for i in range(rest - sum(sizes)):
            sizes[i % len(sizes)] += 1
        decided = calls - 2
        step = min(365, (3650 - 120) // max(1, decided - 1))
        plans = []
        for k in range(decided - 1, -1, -1):  # oldest first
            role = "ranking" if k == 0 else "decided"
            kind = "community" if k == 0 else ("trainee", "pilot", "community")[k % 3]
            size = ranking if k == 0 else sizes[k + 1]
            closes = self.today - timedelta(days=120 + k * step)
            plans.append(CallPlan(role, kind, size, closes, 4 if k % 3 == 1 else 3, 0))
        plans.append(
            CallPlan("review", "community", sizes[1], self.today - timedelta(days=30), 3, 0)
        )
        plans.append(CallPlan("open", "pilot", sizes[0], self.today + timedelta(days=21), 3, 0))
        for number, plan in enumerate(plans, 1):
            plan.number = number
        # Outcomes: ten per proposal in all, shared by the awards in proportion to how much of
        # their life and reporting window has passed (this year's awards have had little time).
        for plan in plans:
            if plan.role in ("decided", "ranking"):
                start = _add_months((plan.closes_on + timedelta(days=57)).replace(day=1), 1)
                window = KINDS[plan.kind][3] * 30.4 + OUTCOME_WINDOW.days
                elapsed = min(1.0, max(0.0, (self.today - start).days / window))
                plan.intensity = 0.1 + 0.9 * elapsed
                reviewed = plan.size * (1.0 if plan.role == "ranking" else 0.9)
                self.outcome_weight_left += 0.2 * reviewed * plan.intensity
        return plans

    # -- people --

    def people(self, largest_call: int, *, joined: date) -> None:
        """Applicants (about N/3, and enough for the largest call), reviewers, and the fixed
        accounts; a profile and demographics for everyone."""
        rng = self.rng
        n_applicants = max(self.n // 3, int(largest_call * 2.2) + 20)
        n_reviewers = max(30, self.n // 150)
        types, weights = _weighted(APPLICANT_TYPES)
        specs = [
            ("scale-admin", ApplicantType.STAFF, "Office of Health Equity Research"),
            ("scale-chair", ApplicantType.FULL_PROFESSOR, "Family and Community Medicine"),
            ("scale-reviewer", ApplicantType.ASSOCIATE_PROFESSOR, "Public Health Sciences"),
            ("scale-applicant", ApplicantType.ASSISTANT_PROFESSOR, "Pediatrics"),
        ]
        for i in range(n_reviewers):
            kind = rng.choices(
                [
                    ApplicantType.ASSISTANT_PROFESSOR,
                    ApplicantType.ASSOCIATE_PROFESSOR,
                    ApplicantType.FULL_PROFESSOR,
                ],
                [20, 45, 35],
            )[0]
            specs.append((f"r{i}", kind, rng.choice(DEPARTMENTS)))
        for i in range(n_applicants):
            kind = rng.choices(types, weights)[0]
            specs.append((f"a{i}", kind, self.department(kind)))
        first_day = self.at(joined, 9)  # before the first call opens
        users, profiles, demographics = [], [], []
        for key, _kind, _department in specs:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            fixed = key.startswith("scale-")
            username = key if fixed else f"{_ascii(first)}.{_ascii(last)}.{key}"
            moment = first_day + timedelta(minutes=rng.randrange(60 * 24 * 60))
            admin = key == "scale-admin"
            users.append(
                _Row(
                    username=username,
                    email=f"{username}@example.edu",
                    first_name=first,
                    last_name=last,
                    password=self.hash,
                    is_staff=admin,
                    is_superuser=admin,
                    date_joined=moment,
                )
            )
        _insert(User, users)
        for user, (_key, kind, department) in zip(users, specs, strict=True):
            faculty = kind in FACULTY_TYPES
            profiles.append(
                _Row(
                    user_id=user.pk,
                    applicant_type=kind,
                    department=department,
                    orcid=_orcid(rng) if rng.random() < (0.7 if faculty else 0.35) else "",
                    era_commons_id=(
                        f"{_ascii(user.first_name)[:1]}{_ascii(user.last_name)[:10]}{user.pk:04d}".upper()
                        if faculty and rng.random() < 0.6
                        else ""
                    ),
                    expertise_keywords=", ".join(rng.sample(KEYWORDS, rng.randint(2, 4))),
                    updated_at=user.date_joined,
                )
            )
            demographics.append(self.demographics(user, kind))
        _insert(Profile, profiles, ids=False)
        _insert(Demographics, demographics, ids=False)
        by_key = {spec[0]: user for spec, user in zip(specs, users, strict=True)}
        self.admin = by_key["scale-admin"].pk
        self.chair = by_key["scale-chair"].pk
        self.reviewer = by_key["scale-reviewer"].pk
        self.applicant = by_key["scale-applicant"].pk
        self.group_rows.add((self.admin, self.groups[Role.ADMINISTRATOR]))
        self.type_of = {u.pk: spec[1] for spec, u in zip(specs, users, strict=True)}
        self.last_name = {u.pk: u.last_name for u in users}
        self.initials = {u.pk: u.first_name[:1] for u in users}
        self.reviewers = [by_key[f"r{i}"].pk for i in range(n_reviewers)]
        self.applicants = [by_key[f"a{i}"].pk for i in range(n_applicants)]
        self.faculty = [u for u in self.applicants if self.type_of[u] in FACULTY_TYPES]
        for user in (*self.reviewers, self.chair, self.reviewer):
            self.bias[user] = rng.gauss(0, 0.45)

    def department(self, kind: str) -> str:
        rng = self.rng
        if kind == ApplicantType.RESIDENT:
            return f"{rng.choice(PROGRAMS)} Residency (PGY-{rng.randint(1, 4)})"
        if kind == ApplicantType.FELLOW:
            return f"{rng.choice(PROGRAMS)} Research Fellowship"
        if kind == ApplicantType.MEDICAL_STUDENT:
            return f"School of Medicine (MS{rng.randint(1, 4)})"
        if kind == ApplicantType.PHD_STUDENT:
            return f"{rng.choice(['Epidemiology', 'Public Health Sciences', 'Nursing', 'Health Services Research'])} (PhD program)"
        if kind == ApplicantType.PATHWAY_STUDENT:
            return rng.choice(
                ["Postbaccalaureate Pathway Program", "Undergraduate Research Pathway"]
            )
        if kind == ApplicantType.STAFF:
            return rng.choice(["Clinical Research Office", "Community Engagement Core"])
        return rng.choice(DEPARTMENTS)

    def demographics(self, user: _Row, kind: str) -> _Row:
        """Self-reported and optional: most answer, some prefer not to, a few leave it blank."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.04:
            race = ["prefer_not"]
        elif roll < 0.07:
            race = []
        else:
            names, weights = _weighted(RACES)
            race = [rng.choices(names, weights)[0]]
            if rng.random() < 0.08:
                second = rng.choices(names, weights)[0]
                if second != race[0]:
                    race.append(second)
        sex = rng.choices(
            ["female", "male", "intersex", "self_described", "prefer_not", ""],
            [55, 39, 0.4, 1.3, 2.8, 1.5],
        )[0]
        low, high = AGES[kind]
        prefer_not_year = rng.random() < 0.05
        disadvantaged = rng.choices(["yes", "no", "prefer_not", ""], [28, 61, 6, 5])[0]
        return _Row(
            user_id=user.pk,
            race_ethnicity=race,
            race_ethnicity_detail=rng.choice(["Mexican", "Filipino", "Nigerian", ""])
            if race and rng.random() < 0.1
            else "",
            sex=sex,
            sex_self_described=rng.choice(["nonbinary", "genderqueer", "two-spirit"])
            if sex == "self_described"
            else "",
            birth_year=None if prefer_not_year else self.today.year - rng.randint(low, high),
            birth_year_prefer_not=prefer_not_year,
            disadvantaged=disadvantaged,
            disadvantaged_basis=rng.choice(["educational", "economic", "both"])
            if disadvantaged == "yes"
            else "",
            rural_background=rng.choices(["yes", "no", "prefer_not", ""], [18, 73, 4, 5])[0],
            first_generation=rng.choices(["yes", "no", "prefer_not", ""], [24, 67, 4, 5])[0],
            updated_at=user.date_joined + timedelta(days=rng.randint(0, 30)),
        )

    def place_applicant(self, plans: list[CallPlan]) -> None:
        """scale-applicant: a draft in the open call, one in review, up to four decided ones (the
        funded one old enough to have reports and outcomes); on the team of four more."""
        eligible = [
            p
            for p in plans
            if p.role in ("decided", "ranking")
            and ApplicantType.ASSISTANT_PROFESSOR in KINDS[p.kind][1]
        ]
        seasoned = [p for p in eligible if p.closes_on <= self.today - timedelta(days=540)]
        funded = seasoned[-1] if seasoned else eligible[0]
        others = [p for p in eligible if p is not funded][-3:]
        self.own = {id(p): "not_funded" for p in others}
        self.own[id(funded)] = "funded"
        self.own[id(plans[-2])] = "in_review"
        self.own[id(plans[-1])] = "draft"
        decided = [p for p in plans if p.role in ("decided", "ranking")]
        self.member_of = {id(p) for p in (plans[-1], plans[-2], *decided[-2:])}

    # -- one call --

    def call(self, plan: CallPlan) -> None:
        title, eligible, max_award, months = KINDS[plan.kind]
        closes_at = self.at(plan.closes_on, 17)
        opens_at = self.at(plan.closes_on - timedelta(days=60), 9)
        begins = self.at(plan.closes_on + timedelta(days=2), 10)
        call = _Row(
            program_id=self.program.pk,
            title=f"{title}, {plan.closes_on:%B %Y} round (#{plan.number})",
            description=(
                f"Awards of up to ${max_award:,} for {months} months for research that reduces "
                "health disparities, built with a community partner."
            ),
            eligible_applicant_types=list(eligible),
            eligibility_notes="One proposal per applicant; trainees need a faculty mentor's endorsement.",
            opens_at=opens_at,
            closes_at=closes_at,
            time_zone=settings.TIME_ZONE,
            max_award=Decimal(max_award),
            duration_months=months,
            one_per_applicant=True,
            required_attachments=[],
            reviewers_per_proposal=plan.rpp,
            status={"open": CallStatus.OPEN, "review": CallStatus.IN_REVIEW}.get(
                plan.role, CallStatus.DECIDED
            ),
            created_at=opens_at - timedelta(days=14),
        )
        props = self.proposals(plan, call, opens_at, closes_at, begins)
        reviewed = [p for p in props if p.path in REVIEWED]
        panel = None
        if plan.role != "open":
            panel = self.review_plan(plan, reviewed)
        if plan.role in ("decided", "ranking"):
            self.panel(plan, reviewed, panel)
            release = self.decide(plan, call, reviewed)
        else:
            call.total_budget = Decimal(max_award) * max(1, round(plan.size * 0.2))
        _insert(FundingCall, [call])
        self.call_ids[plan.role] = call.pk
        changes = self.call_history(plan, call, opens_at, closes_at, begins)
        for p in props:
            p.obj.call_id = call.pk
        _insert(Proposal, [p.obj for p in props])
        self.proposal_parts(props, call, max_award)
        if panel is not None:
            changes += self.review_rows(plan, call, reviewed, panel)
        if plan.role in ("decided", "ranking"):
            changes += self.award_rows(plan, call, reviewed, release)
        for p in props:
            for from_state, to_state, at, actor, reason, internal in p.history:
                changes.append(
                    _Row(
                        content_type_id=self.ct[Proposal].pk,
                        object_id=p.obj.pk,
                        from_state=from_state,
                        to_state=to_state,
                        actor_id=actor,
                        reason=reason,
                        internal=internal,
                        at=at,
                    )
                )
        _insert(StateChange, changes, ids=False)

    def call_history(self, plan, call, opens_at, closes_at, begins) -> list[StateChange]:
        steps = [("draft", "open", opens_at, "")]
        if plan.role != "open":
            steps += [
                ("open", "closed", begins, "Review begins."),
                ("closed", "in_review", begins + timedelta(minutes=1), ""),
            ]
        if plan.role in ("decided", "ranking"):
            # After the last proposal's release (a second apart, in ranking order).
            released = self.release_at(plan) + timedelta(seconds=plan.size)
            steps.append(("in_review", "decided", released, "Decisions released."))
        return [
            _Row(
                content_type_id=self.ct[FundingCall].pk,
                object_id=call.pk,
                from_state=a,
                to_state=b,
                actor_id=self.admin,
                reason=reason,
                at=at,
            )
            for a, b, at, reason in steps
        ]

    def release_at(self, plan: CallPlan) -> datetime:
        return self.at(plan.closes_on + timedelta(days=57), 10)

    # -- proposals --

    def proposals(self, plan, call, opens_at, closes_at, begins) -> list[_Prop]:
        rng = self.rng
        eligible = set(KINDS[plan.kind][1])
        pool = [u for u in self.applicants if self.type_of[u] in eligible]
        own = self.own.get(id(plan))
        size = plan.size - (1 if own else 0)
        pis = rng.sample(pool, min(size, len(pool)))
        paths, weights = _weighted(PATHS[plan.role])
        props = [_Prop(pi, rng.choices(paths, weights)[0]) for pi in pis]
        if own:
            path = {"draft": "draft", "in_review": "reviewed"}.get(own, "reviewed")
            mine = _Prop(self.applicant, path)
            mine.star = own
            props.insert(rng.randrange(len(props) + 1), mine)
        window_end = min(closes_at, self.now)
        for p in props:
            self.proposal(plan, call, p, opens_at, window_end, begins)
        if id(plan) in self.member_of:
            others = [
                p
                for p in props
                if p.pi != self.applicant
                and (p.path in REVIEWED or plan.role == "open")
                and len(p.members) < TEAM_EXTRA[-1]
            ]
            if others:
                target = others[0]
                target.members.append((self.applicant, TeamRole.CO_INVESTIGATOR, "", ""))
        return props

    def proposal(self, plan, call, p: _Prop, opens_at, window_end, begins) -> None:
        rng = self.rng
        trainee = self.type_of[p.pi] in TRAINEE_TYPES
        path = p.path
        p.quality = (
            1.0 if p.star == "funded" else (6.0 if p.star == "not_funded" else rng.gauss(4.6, 1.25))
        )
        partial = (
            path == "draft" and rng.random() < 0.3 or path == "abandoned" and rng.random() < 0.5
        )
        submits = path not in ("draft", "abandoned", "withdrawn_draft")
        # Events before the deadline, in order: created, [endorsed], [submitted, returned,
        # resubmitted | withdrawn]; drafts also have a last save.
        events = 1 + (1 if trainee else 0) + 1
        events += {
            "returned": 1,
            "resubmitted": 2,
            "resubmitted_reviewed": 2,
            "withdrawn_submitted": 1,
            "withdrawn_draft": 1,
        }.get(path, 0)
        times = sorted(
            self.between(opens_at + timedelta(hours=1), window_end) for _ in range(events)
        )
        created, rest = times[0], times[1:]
        pi = p.pi
        history = [("", ProposalStatus.DRAFT, created, pi, "", False)]
        endorsed_at = None
        mentor = None
        if trainee:
            mentor = self.mentor_of.get(pi)
            if mentor is None:
                mentor = self.mentor_of[pi] = rng.choice(self.faculty)
            has_mentor = submits or rng.random() < 0.8
            moment = rest.pop(0)
            if has_mentor:
                p.members.append((mentor, TeamRole.MENTOR, "", ""))
                status = (
                    EndorsementStatus.ENDORSED
                    if submits
                    else rng.choice([EndorsementStatus.REQUESTED, EndorsementStatus.ENDORSED, None])
                )
                if status is not None:
                    requested = self.between(created, moment)
                    responded = moment if status == EndorsementStatus.ENDORSED else None
                    p.endorsement = (mentor, status, requested, responded)
                    if responded:
                        endorsed_at = responded
                        history.append(
                            (
                                ProposalStatus.DRAFT,
                                ProposalStatus.DRAFT,
                                responded,
                                mentor,
                                "Mentor endorsed the proposal.",
                                False,
                            )
                        )
        submitted_at = None
        last = history[-1][2]
        status = ProposalStatus.DRAFT
        if submits:
            submitted_at = rest.pop(0)
            history.append(
                (ProposalStatus.DRAFT, ProposalStatus.SUBMITTED, submitted_at, pi, "", False)
            )
            status = ProposalStatus.SUBMITTED
            if path in ("returned", "resubmitted", "resubmitted_reviewed"):
                returned = rest.pop(0)
                history.append(
                    (
                        status,
                        ProposalStatus.RETURNED,
                        returned,
                        self.admin,
                        rng.choice(RETURN_REASONS),
                        False,
                    )
                )
                status = ProposalStatus.RETURNED
                if path != "returned":
                    submitted_at = rest.pop(0)
                    history.append((status, ProposalStatus.SUBMITTED, submitted_at, pi, "", False))
                    status = ProposalStatus.SUBMITTED
        if path.startswith("withdrawn"):
            history.append(
                (
                    status,
                    ProposalStatus.WITHDRAWN,
                    rest.pop(0),
                    pi,
                    rng.choice(WITHDRAW_REASONS),
                    False,
                )
            )
            status = ProposalStatus.WITHDRAWN
        if path in REVIEWED:
            moment = begins + timedelta(seconds=rng.randrange(1, 1800))
            history.append(
                (
                    ProposalStatus.SUBMITTED,
                    ProposalStatus.IN_REVIEW,
                    moment,
                    self.admin,
                    "Review begins.",
                    False,
                )
            )
            status = ProposalStatus.IN_REVIEW
        last = history[-1][2]
        if status == ProposalStatus.DRAFT:
            last = rest[-1] if rest else self.between(created, window_end)
        p.submitted = submitted_at
        p.history = history
        self.members(p, trainee)
        topic = (
            rng.choice(INTERVENTIONS),
            rng.choice(CONDITIONS),
            rng.choice(POPULATIONS),
            rng.choice(SETTINGS),
        )
        text = self.sections(topic, partial)
        p.lines = [] if partial else self.budget(int(call.max_award))
        requested = sum((amount for _, _, amount in p.lines), Decimal(0)) if p.lines else None
        p.obj = _Row(
            pi_id=pi,
            **text,
            budget_justification="" if partial else self.justification(p.lines),
            requested_amount=requested,
            irb_status="" if partial else rng.choice(IrbStatus.values),
            status=status,
            submitted_at=submitted_at,
            created_at=created,
            updated_at=max(last, endorsed_at or last),
            version=rng.randint(1, 6) + (0 if partial else 4),
            updated_by_id=pi,
        )

    def members(self, p: _Prop, trainee: bool) -> None:
        rng = self.rng
        extra = rng.choices(TEAM_EXTRA, TEAM_WEIGHTS)[0] - len(p.members)
        taken = {p.pi, *(m[0] for m in p.members)}
        if extra > 0 and rng.random() < 0.45:
            place, (kind, _) = rng.choice(PARTNER_PLACES), rng.choice(PARTNER_KINDS)
            p.members.append(
                (
                    None,
                    TeamRole.COMMUNITY_PARTNER,
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    f"{place} {kind}",
                )
            )
            extra -= 1
        for _ in range(max(0, extra)):
            user = rng.choice(self.faculty if rng.random() < 0.6 else self.applicants)
            if user in taken:
                continue
            taken.add(user)
            role = (
                TeamRole.CO_INVESTIGATOR
                if self.type_of[user] in FACULTY_TYPES and rng.random() < 0.7
                else TeamRole.COLLABORATOR
            )
            p.members.append((user, role, "", ""))

    def sections(self, topic, partial: bool) -> dict:
        rng = self.rng
        intervention, condition, population, setting = topic
        place, (kind, _) = rng.choice(PARTNER_PLACES), rng.choice(PARTNER_KINDS)
        values = {
            "intervention_lc": intervention[0].lower() + intervention[1:],
            "condition": condition,
            "population": population[0].upper() + population[1:],
            "setting": setting,
            "partner": f"the {place} {kind}",
        }
        title = f"{intervention} for {condition} among {population} {setting}"
        abstract = " ".join(s.format(**values) for s in ABSTRACT_SENTENCES if rng.random() < 0.85)
        populations = rng.sample(DisparityPopulation.values, rng.randint(1, 3))
        if partial:
            return {
                "title": title,
                "abstract": abstract,
                "disparity_populations": populations,
            }
        return {
            "title": title,
            "abstract": abstract,
            "specific_aims": "\n".join(a.format(**values) for a in AIMS),
            "research_strategy": " ".join(s.format(**values) for s in STRATEGY_SENTENCES),
            "disparity_populations": populations,
            "nimhd_domains": rng.sample(NimhdDomain.values, rng.randint(1, 3)),
            "community_engagement_plan": (
                f"{values['partner'][4:]} co-leads recruitment and sits on the advisory board, "
                "which meets monthly and is paid for its time. Results go back to the community "
                "before publication."
            ),
            "timeline": "Months 1-3: approvals and hiring. Months 4-9: enrolment and follow-up. Months 10-12: analysis and dissemination.",
        }

    def budget(self, max_award: int) -> list[tuple[str, str, Decimal]]:
        """2 to 8 lines in whole dollars whose total stays under the call's maximum."""
        rng = self.rng
        count = rng.choices(range(2, 9), [10, 18, 24, 20, 14, 9, 5])[0]
        total = int(max_award * rng.uniform(0.5, 0.97)) // 100 * 100
        personnel = int(total * rng.uniform(0.35, 0.55) / 1.31) // 100 * 100
        fringe = round(personnel * 0.31)
        lines = [
            (
                BudgetCategory.PERSONNEL,
                f"Research coordinator, {rng.randint(10, 50)}% effort",
                personnel,
            ),
            (BudgetCategory.FRINGE, "Fringe benefits at 31%", fringe),
        ]
        others = rng.sample(
            [
                (BudgetCategory.PARTICIPANT, "Participant incentives (gift cards)"),
                (BudgetCategory.COMMUNITY, "Community partner support"),
                (BudgetCategory.SUPPLIES, "Supplies, printing and translation"),
                (BudgetCategory.TRAVEL, "Travel to present at a national meeting"),
                (BudgetCategory.EQUIPMENT, "Tablets for data collection"),
                (BudgetCategory.OTHER, "Transcription services"),
            ],
            count - 2,
        )
        remaining = total - personnel - fringe
        for i, (category, description) in enumerate(others):
            left = len(others) - i
            amount = (
                remaining
                if left == 1
                else max(100, int(remaining * rng.uniform(0.2, 0.6)) // 100 * 100)
            )
            amount = min(amount, remaining - 100 * (left - 1))
            lines.append((category, description, amount))
            remaining -= amount
        return [(c, d, Decimal(a)) for c, d, a in lines]

    def justification(self, lines) -> str:
        return "\n".join(f"{BudgetCategory(c).label}: ${a:,.0f}. {d}." for c, d, a in lines)

    def proposal_parts(self, props: list[_Prop], call: FundingCall, max_award: int) -> None:
        lines, team, endorsements = [], [], []
        rng = self.rng
        for p in props:
            pk = p.obj.pk
            lines.extend(
                _Row(proposal_id=pk, category=c, description=d, amount=a) for c, d, a in p.lines
            )
            end = p.submitted or p.obj.updated_at
            for user, role, name, organisation in p.members:
                team.append(
                    _Row(
                        proposal_id=pk,
                        user_id=user,
                        full_name=name,
                        organisation=organisation,
                        role=role,
                        added_at=self.between(p.obj.created_at, end),
                    )
                )
            if p.endorsement:
                mentor, status, requested, responded = p.endorsement
                endorsements.append(
                    _Row(
                        proposal_id=pk,
                        mentor_id=mentor,
                        token=f"{rng.getrandbits(128):032x}",
                        status=status,
                        statement="I have worked with the applicant on this proposal and endorse it; we will meet every two weeks."
                        if responded
                        else "",
                        requested_at=requested,
                        responded_at=responded,
                    )
                )
        _insert(BudgetLine, lines, ids=False)
        _insert(TeamMember, team, ids=False)
        _insert(Endorsement, endorsements, ids=False)

    # -- review: committee, assignments, scores --

    def review_plan(self, plan: CallPlan, reviewed: list[_Prop]) -> dict:
        """Who reviews what, with which scores; written to the database by ``review_rows``."""
        rng = self.rng
        rpp = plan.rpp
        total = len(reviewed) * rpp
        size = min(len(self.reviewers), max(rpp + 1, math.ceil(total / REVIEWER_QUEUE)))
        chair = self.chair if plan.role == "ranking" else rng.choice(self.reviewers)
        pool = [r for r in self.reviewers if r != chair]
        members = rng.sample(pool, min(size, len(pool)))
        if plan.role in ("review", "ranking") and self.reviewer not in members:
            members[0] = self.reviewer
        conflicts: dict[int, tuple[int, str]] = {}
        # Declared conflicts (collaborator, same lab...): never assigned, never voting. The
        # review call's fixed reviewer keeps a clean queue.
        declarers = [
            m for m in [*members, chair] if not (plan.role == "review" and m == self.reviewer)
        ]
        for index in range(len(reviewed)):
            if rng.random() < 0.03:
                conflicts[index] = (rng.choice(declarers), rng.choice(ConflictReason.values))
        order = [m for m in members if not (plan.role == "review" and m == self.reviewer)]
        rng.shuffle(order)
        cursor = 0
        forced = min(REVIEWER_QUEUE, len(reviewed)) if plan.role == "review" else 0
        for index, p in enumerate(reviewed):
            conflicted = conflicts.get(index, (None,))[0]
            chosen = [self.reviewer] if index < forced else []
            guard = 0
            while len(chosen) < rpp and guard < 3 * len(order):
                candidate = order[cursor % len(order)]
                cursor += 1
                guard += 1
                if candidate != conflicted and candidate not in chosen:
                    chosen.append(candidate)
            rng.shuffle(chosen)
            p.reviewers = chosen
        return {"chair": chair, "members": members, "conflicts": conflicts}

    def scores(self, p: _Prop, reviewer: int) -> tuple[int, list]:
        """One reviewer's overall impact and criterion ratings: scattered around the proposal's
        latent quality, with the reviewer's own leniency."""
        rng = self.rng
        if p.star == "funded":
            return 1, [1, 1, True, 1]
        centre = p.quality + self.bias[reviewer]
        ratings = [
            _clamp_score(centre + rng.gauss(0, 1.0))
            if kind == CriterionKind.SCORE
            else rng.random() > 0.03 + (0.06 if p.quality > 6 else 0)
            for _, _, kind in DEFAULT_CRITERIA
        ]
        return _clamp_score(centre + rng.gauss(0, 0.8)), ratings

    def panel(self, plan: CallPlan, reviewed: list[_Prop], panel: dict) -> None:
        """Triage by preliminary score (the weaker half not discussed), then the discussed
        proposals' final scores and percentiles, computed by reviews.scoring."""
        rng = self.rng
        prelim = {}
        for index, p in enumerate(reviewed):
            p.impacts = [self.scores(p, r) for r in p.reviewers]
            prelim[index] = scoring.preliminary_score([impact for impact, _ in p.impacts])
        weaker = scoring.not_discussed_by_default(prelim)
        finals = {}
        for index, p in enumerate(reviewed):
            p.discussed = index not in weaker
            if p.discussed:
                voters = list(p.reviewers)
                if panel["conflicts"].get(index, (None,))[0] != panel["chair"]:
                    voters.append(panel["chair"])
                votes = [
                    1 if p.star == "funded" else _clamp_score(p.quality + rng.gauss(0, 0.55))
                    for _ in voters
                ]
                p.votes = (voters, votes)
                finals[index] = scoring.final_impact_score(votes)
        ranks = scoring.percentiles(finals)
        for index, p in enumerate(reviewed):
            if p.discussed:
                p.result = (finals[index], ranks[index])
            p.sort_key = (
                finals.get(index) is None,
                finals.get(index, 0),
                ranks.get(index) is None,
                ranks.get(index, 0),
                p.submitted,
                index,
            )

    def review_rows(
        self, plan: CallPlan, call: FundingCall, reviewed: list[_Prop], panel: dict
    ) -> list[StateChange]:
        rng = self.rng
        closes = plan.closes_on
        chair = panel["chair"]
        committee = _insert(
            Committee,
            [
                _Row(
                    name=f"Review committee, {call.title}",
                    chair_id=chair,
                    created_at=self.at(closes - timedelta(days=20), 9),
                )
            ],
        )[0]
        members = [chair, *panel["members"]]
        _insert(
            CommitteeMembership,
            [
                _Row(
                    committee_id=committee.pk,
                    user_id=m,
                    load_cap=max(8, REVIEWER_QUEUE + 2),
                    joined_at=committee.created_at,
                )
                for m in members
            ],
        )
        self.group_rows.add((chair, self.groups[Role.CHAIR]))
        self.group_rows.update((m, self.groups[Role.REVIEWER]) for m in members)
        phase = ReviewPhase.INDEPENDENT_REVIEW if plan.role == "review" else ReviewPhase.CLOSED
        due = (
            self.at(self.today + timedelta(days=14), 17)
            if plan.role == "review"
            else self.at(closes + timedelta(days=34), 17)
        )
        setup = _insert(
            CallReview,
            [
                _Row(
                    call_id=call.pk,
                    committee_id=committee.pk,
                    phase=phase,
                    reviewers_per_proposal=plan.rpp,
                    review_due_at=due,
                    created_at=self.at(closes + timedelta(days=1), 9),
                )
            ],
        )[0]
        criteria = _insert(
            Criterion,
            [
                _Row(
                    call_id=call.pk,
                    name=name,
                    description=description,
                    kind=kind,
                    position=position,
                )
                for position, (name, description, kind) in enumerate(DEFAULT_CRITERIA, start=1)
            ],
        )
        phases = [
            ("", ReviewPhase.ASSIGNMENT, 1),
            (ReviewPhase.ASSIGNMENT, ReviewPhase.INDEPENDENT_REVIEW, 5),
        ]
        if phase == ReviewPhase.CLOSED:
            phases += [
                (ReviewPhase.INDEPENDENT_REVIEW, ReviewPhase.READ_PHASE, 35),
                (ReviewPhase.READ_PHASE, ReviewPhase.PANEL, 42),
                (ReviewPhase.PANEL, ReviewPhase.CLOSED, 45),
            ]
        changes = [
            _Row(
                content_type_id=self.ct[CallReview].pk,
                object_id=setup.pk,
                from_state=a,
                to_state=b,
                actor_id=chair,
                at=self.at(closes + timedelta(days=d), 10),
            )
            for a, b, d in phases
        ]
        conflicts = []
        for index, (reviewer, reason) in panel["conflicts"].items():
            conflicts.append(
                _Row(
                    proposal_id=reviewed[index].obj.pk,
                    reviewer_id=reviewer,
                    reason=reason,
                    explanation="Co-author on a manuscript under review."
                    if reason == ConflictReason.OTHER
                    else "",
                    declared_by_id=reviewer,
                    declared_at=self.at(closes + timedelta(days=rng.randint(3, 12)), 11),
                )
            )
        _insert(ConflictOfInterest, conflicts, ids=False)
        assignments, states = [], []
        assigned_at = self.at(closes + timedelta(days=4), 15)
        for p in reviewed:
            for role_index, reviewer in enumerate(p.reviewers):
                if plan.role == "review":
                    if reviewer == self.reviewer:
                        state = ("none", "draft", "submitted")[
                            sum(1 for s in states if s[1] == self.reviewer) % 3
                        ]
                    else:
                        state = rng.choices(["none", "draft", "submitted"], [25, 30, 45])[0]
                else:
                    state = "submitted"
                start = self.at(closes + timedelta(days=5), 8)
                end = min(self.at(closes + timedelta(days=34), 17), self.now)
                certified = self.between(start, end) if state != "none" else None
                states.append((p, reviewer, state, certified, role_index))
                assignments.append(
                    _Row(
                        proposal_id=p.obj.pk,
                        reviewer_id=reviewer,
                        role=ROLE_ORDER[min(role_index, len(ROLE_ORDER) - 1)],
                        certified_no_conflict_at=certified,
                        assigned_by_id=chair,
                        created_at=assigned_at,
                    )
                )
        _insert(Assignment, assignments)
        reviews, pending_scores = [], []
        for assignment, (p, reviewer, state, certified, role_index) in zip(
            assignments, states, strict=True
        ):
            if state == "none":
                continue
            impact, ratings = p.impacts[role_index] if p.impacts else self.scores(p, reviewer)
            end = min(self.at(closes + timedelta(days=34), 17), self.now)
            saved = self.between(certified, end)
            submitted = state == "submitted"
            done = len(ratings) if submitted else rng.randint(0, len(ratings))
            reviews.append(
                _Row(
                    assignment_id=assignment.pk,
                    status=ReviewStatus.SUBMITTED if submitted else ReviewStatus.DRAFT,
                    overall_impact=impact if submitted or rng.random() < 0.4 else None,
                    overall_paragraph=f"{SCORE_DESCRIPTORS[impact]}. {rng.choice(REVIEW_STRENGTHS)} {rng.choice(REVIEW_WEAKNESSES)}"
                    if submitted or done
                    else "",
                    comments_to_applicant=rng.choice(REVIEW_WEAKNESSES) if submitted else "",
                    confidential_comments="Discuss the feasibility of recruitment."
                    if submitted and rng.random() < 0.1
                    else "",
                    created_at=certified,
                    updated_at=saved,
                    submitted_at=saved if submitted else None,
                    version=rng.randint(1, 5),
                )
            )
            pending_scores.append(ratings[:done])
        _insert(Review, reviews)
        scores = []
        for review, ratings in zip(reviews, pending_scores, strict=True):
            for criterion, rating in zip(criteria, ratings, strict=False):
                if criterion.kind == CriterionKind.SCORE:
                    scores.append(
                        _Row(
                            review_id=review.pk,
                            criterion_id=criterion.pk,
                            score=rating,
                            strengths=rng.choice(REVIEW_STRENGTHS),
                            weaknesses=rng.choice(REVIEW_WEAKNESSES),
                        )
                    )
                else:
                    scores.append(
                        _Row(
                            review_id=review.pk,
                            criterion_id=criterion.pk,
                            sufficient=rating,
                            explanation="" if rating else "The team lacks a biostatistician.",
                        )
                    )
        _insert(CriterionScore, scores, ids=False)
        if plan.role in ("decided", "ranking"):
            self.panel_rows(plan, reviewed)
        return changes

    def panel_rows(self, plan: CallPlan, reviewed: list[_Prop]) -> None:
        rng = self.rng
        panel_day = self.at(plan.closes_on + timedelta(days=42), 9)
        entries = []
        for p in reviewed:
            final, percentile = p.result or (None, None)
            entries.append(
                _Row(
                    proposal_id=p.obj.pk,
                    disposition=PanelDisposition.DISCUSSED
                    if p.discussed
                    else PanelDisposition.NOT_DISCUSSED,
                    resume_of_discussion=f"The committee found the project {SCORE_DESCRIPTORS[max(1, min(9, (final or 50) // 10))].lower()}. {rng.choice(REVIEW_STRENGTHS)} {rng.choice(REVIEW_WEAKNESSES)}"
                    if p.discussed
                    else "",
                    final_impact_score=final,
                    percentile=percentile,
                    finalized_at=panel_day + timedelta(minutes=rng.randrange(480))
                    if p.discussed
                    else None,
                )
            )
        _insert(PanelEntry, entries)
        votes = []
        for p, entry in zip(reviewed, entries, strict=True):
            if p.votes:
                voters, values = p.votes
                votes.extend(
                    _Row(
                        entry_id=entry.pk,
                        member_id=v,
                        score=s,
                        recorded_at=entry.finalized_at - timedelta(minutes=5),
                    )
                    for v, s in zip(voters, values, strict=True)
                )
        _insert(FinalScore, votes, ids=False)

    # -- decisions, awards, reports, outcomes --

    def decide(self, plan: CallPlan, call: FundingCall, reviewed: list[_Prop]) -> datetime:
        """Fund 15-25% in ranking order within the budget (a few at a reduced amount); the next
        few are waitlisted, and once the waitlist closes funded if money is left, else not."""
        rng = self.rng
        ranked = sorted(reviewed, key=lambda p: p.sort_key)
        share = rng.uniform(0.15, 0.25)
        funded_count = max(1, round(share * len(ranked)))
        decided_at = self.at(plan.closes_on + timedelta(days=50), 13)
        release = self.release_at(plan)
        budget_needed = sum(p.obj.requested_amount for p in ranked[:funded_count])
        call.total_budget = max(call.max_award, Decimal(math.ceil(budget_needed / 10000) * 10000))
        committed = Decimal(0)
        for position, p in enumerate(ranked):
            requested = p.obj.requested_amount
            if position < funded_count:
                amount, reason = requested, ""
                if p.star is None and rng.random() < 0.08:
                    amount = (requested * Decimal(rng.uniform(0.8, 0.95)) / 100).quantize(
                        Decimal(1), ROUND_DOWN
                    ) * 100
                    reason = REDUCE_REASON
                p.decision = (DecisionOutcome.FUNDED, amount, reason)
                committed += amount
            elif position < funded_count + max(1, len(ranked) // 25) and p.star is None:
                p.decision = (DecisionOutcome.WAITLISTED, None, "")
            else:
                p.decision = (DecisionOutcome.NOT_FUNDED, None, "")
        closes_waitlist = self.at(plan.closes_on + timedelta(days=130), 11)
        for step, p in enumerate(ranked):
            outcome, amount, reason = p.decision
            at = decided_at + timedelta(seconds=20 * step)
            summary = DecisionOutcome(outcome).label + (f" at ${amount:,.2f}" if amount else "")
            p.history.append(
                (
                    ProposalStatus.IN_REVIEW,
                    ProposalStatus.IN_REVIEW,
                    at,
                    self.admin,
                    f"Decision recorded: {summary}." + (f" {reason}" if reason else ""),
                    True,
                )
            )
            p.history.append(
                (
                    ProposalStatus.IN_REVIEW,
                    outcome,
                    release + timedelta(seconds=step),
                    self.admin,
                    "Decision released.",
                    False,
                )
            )
            p.obj.status = outcome
            p.obj.updated_at = release + timedelta(seconds=step)
            p.waitlist = at
            if outcome == DecisionOutcome.WAITLISTED and closes_waitlist < self.now:
                funded = committed + p.obj.requested_amount <= call.total_budget
                final = DecisionOutcome.FUNDED if funded else DecisionOutcome.NOT_FUNDED
                amount = p.obj.requested_amount if funded else None
                committed += amount or 0
                p.decision = (final, amount, "" if funded else WAITLIST_CLOSED)
                p.waitlist = closes_waitlist
                summary = DecisionOutcome(final).label + (f" at ${amount:,.2f}" if amount else "")
                p.history.append(
                    (
                        outcome,
                        outcome,
                        closes_waitlist,
                        self.admin,
                        f"Decision recorded: {summary}."
                        + ("" if funded else f" {WAITLIST_CLOSED}"),
                        True,
                    )
                )
                p.history.append(
                    (
                        outcome,
                        final,
                        closes_waitlist + timedelta(seconds=1),
                        self.admin,
                        "Decision released.",
                        False,
                    )
                )
                p.obj.status = final
                p.obj.updated_at = closes_waitlist + timedelta(seconds=1)
        return release

    def award_rows(
        self, plan: CallPlan, call: FundingCall, reviewed: list[_Prop], release: datetime
    ) -> list[StateChange]:
        decisions, funded = [], []
        for p in reviewed:
            outcome, amount, reason = p.decision
            decisions.append(
                _Row(
                    proposal_id=p.obj.pk,
                    call_id=call.pk,
                    outcome=outcome,
                    amount=amount,
                    reason=reason,
                    decided_by_id=self.admin,
                    decided_at=p.waitlist,
                    released_at=release,
                )
            )
            if outcome == DecisionOutcome.FUNDED:
                # Awards start the month after the decision reached the applicant.
                p.told = max(p.waitlist, release)
                start, end = award_dates(call=call, decided_on=p.told.astimezone(self.zone).date())
                p.award = _Row(
                    proposal_id=p.obj.pk,
                    call_id=call.pk,
                    amount=amount,
                    start_date=start,
                    end_date=end,
                    status=AwardStatus.ACTIVE,
                    ended_on=None,
                    created_at=p.waitlist,
                )
                p.original_end = end
                self.award_life(p)
                funded.append(p)
        _insert(Decision, decisions, ids=False)
        _insert(Award, [p.award for p in funded])
        changes = [
            _Row(
                content_type_id=self.ct[Award].pk,
                object_id=p.award.pk,
                from_state=a,
                to_state=b,
                actor_id=self.admin,
                reason=reason,
                at=self.at(on, 11),
            )
            for p in funded
            for a, b, on, reason in p.award_changes
        ]
        reports = [report for p in funded for report in self.reports(p)]
        _insert(ProgressReport, reports)
        changes += [
            _Row(
                content_type_id=self.ct[ProgressReport].pk,
                object_id=r.pk,
                from_state=ProgressReportStatus.DUE,
                to_state=ProgressReportStatus.SUBMITTED,
                actor_id=r.submitted_by_id,
                at=r.submitted_at,
            )
            for r in reports
            if r.status == ProgressReportStatus.SUBMITTED
        ]
        self.outcomes(plan, funded)
        for p in funded:
            award = p.award
            self.awards_of_pi.setdefault(p.pi, []).append(
                (award.pk, award.start_date, _effective_end(award))
            )
        return changes

    def award_life(self, p: _Prop) -> None:
        """Active, extended, closed or terminated, as the calendar has it by today (the
        changes go to ``p.award_changes``, written as history once the award has an id)."""
        rng = self.rng
        award, today = p.award, self.today
        p.award_changes = []
        roll = rng.random()
        term = (award.end_date - award.start_date).days
        if roll < 0.03 and p.star is None and term > 120:
            ended = award.start_date + timedelta(days=rng.randint(60, term - 30))
            if ended < today - timedelta(days=2):
                award.status, award.ended_on = AwardStatus.TERMINATED, ended
                p.award_changes.append(
                    (
                        AwardStatus.ACTIVE,
                        AwardStatus.TERMINATED,
                        ended + timedelta(days=1),
                        rng.choice(TERMINATE_REASONS),
                    )
                )
                return
        extended = roll > 0.92 or (award.end_date < today + timedelta(days=60) and roll > 0.8)
        if extended and award.end_date - timedelta(days=30) < today:
            new_end = _add_months(award.end_date, 6)
            p.award_changes.append(
                (
                    AwardStatus.ACTIVE,
                    AwardStatus.NO_COST_EXTENSION,
                    award.end_date - timedelta(days=30),
                    f"Extended from {award.end_date:%Y-%m-%d} to {new_end:%Y-%m-%d}.",
                )
            )
            award.status, award.end_date = AwardStatus.NO_COST_EXTENSION, new_end
        if award.end_date < today - timedelta(days=60):
            p.award_changes.append(
                (
                    award.status,
                    AwardStatus.CLOSED,
                    award.end_date + timedelta(days=30),
                    "Closed on schedule.",
                )
            )
            award.status, award.ended_on = AwardStatus.CLOSED, award.end_date

    def reports(self, p: _Prop) -> list[_Row]:
        """The schedule rule of reporting.services.progress: interim at the midpoint, final 60
        days after the effective end; an award ended at or before its midpoint owes only the
        final one. Most are submitted near the due date, some are overdue. A report submitted
        before an extension keeps its due date; an unsubmitted one moved with the extension."""
        rng = self.rng
        award = p.award
        end = _effective_end(award)
        midpoint = award.start_date + (award.end_date - award.start_date) // 2
        due = {ProgressReportKind.FINAL: end + FINAL_REPORT_AFTER}
        if end > midpoint:
            due[ProgressReportKind.INTERIM] = (
                award.start_date + (p.original_end - award.start_date) // 2
            )
        reports = []
        for kind, due_date in sorted(due.items()):
            submitted_at = None
            if due_date < self.today - timedelta(days=20) and (p.star or rng.random() < 0.9):
                on = due_date + timedelta(days=rng.randint(-20, 19))
                submitted_at = self.between(self.at(on, 9), self.at(on, 18))
            elif kind == ProgressReportKind.INTERIM:
                due_date = midpoint
            reports.append(
                _Row(
                    award_id=award.pk,
                    kind=kind,
                    due_date=due_date,
                    status=ProgressReportStatus.SUBMITTED
                    if submitted_at
                    else ProgressReportStatus.DUE,
                    objectives_accomplishments=REPORT_TEXT[kind] if submitted_at else "",
                    barriers_resolutions=rng.choice(BARRIERS) if submitted_at else "",
                    submitted_at=submitted_at,
                    submitted_by_id=p.pi if submitted_at else None,
                    created_at=p.told + timedelta(hours=1),  # scheduled when the award was
                )
            )
        return reports

    # -- outcomes --

    def outcome_day(self, first: date, last: date) -> date:
        """A day in [first, last], in the latest complete academic year two times in five when
        the range reaches into it (the report the benchmark builds is that year's)."""
        report = self.report
        if first <= report.end and last >= report.start and self.rng.random() < 0.4:
            return self.day_between(max(first, report.start), min(last, report.end))
        return self.day_between(first, last)

    def stamp(self, day: date) -> datetime:
        """When an outcome dated ``day`` was recorded: a few days to weeks later, never today."""
        return self.at(min(day + timedelta(days=self.rng.randint(1, 40)), self.yesterday), 16)

    def outcomes(self, plan: CallPlan, funded: list[_Prop]) -> None:
        """Publications, presentations, follow-on funding, trainee outcomes and partnerships,
        dated inside each award's life and reporting window (trainee follow-ups have none),
        never in the future. How many per award is skewed (lognormal): most a few, some many."""
        rng = self.rng
        items: dict[type, list] = {model: [] for model in OUTCOME_MODELS}
        links: dict[type, list[tuple[int, int]]] = {
            Publication: [],
            Presentation: [],
            FollowOnFunding: [],
        }
        # This call's share of what is still to make (the estimate of its awards replaced by
        # the real number), spread over its awards by lognormal weights.
        estimate = 0.2 * plan.size * (1.0 if plan.role == "ranking" else 0.9) * plan.intensity
        self.outcome_weight_left -= estimate
        here = len(funded) * plan.intensity
        share = here / (here + self.outcome_weight_left) if here else 0.0
        target = max(0, self.outcomes_left) * share
        weights = [min(SKEW_CAP, math.exp(rng.gauss(0, SKEW))) for _ in funded]
        scale = target / sum(weights) if weights else 0.0
        for p, weight in zip(funded, weights, strict=True):
            award = p.award
            first = award.start_date
            last = min(_effective_end(award) + OUTCOME_WINDOW, self.yesterday)
            if last < first:  # funded off the waitlist this month: nothing to report yet
                continue
            count = max(12 if p.star else 1, round(weight * scale))
            self.outcomes_left -= count
            title = p.obj.title[0].lower() + p.obj.title[1:]
            trainees = [p.pi] if self.type_of[p.pi] in TRAINEE_TYPES else []
            trainees += [m[0] for m in p.members if m[0] and self.type_of[m[0]] in TRAINEE_TYPES]
            for record in self.trainee_records(p, trainees)[: max(1, count // 2)]:
                items[TraineeOutcome].append(record)
                count -= 1
            for _ in range(min(count, rng.choice((0, 1, 1, 2, 3)))):
                place, (kind, partner_type) = rng.choice(PARTNER_PLACES), rng.choice(PARTNER_KINDS)
                items[Partnership].append(
                    _Row(
                        award_id=award.pk,
                        organisation=f"{place} {kind}",
                        partner_type=partner_type,
                        purpose=rng.choice(PartnershipPurpose.values),
                        description=f"Partner on “{p.obj.title}”.",
                        recorded_by_id=p.pi,
                        created_at=self.stamp(first),
                        updated_at=self.stamp(first),
                    )
                )
                count -= 1
            # The rest: half publications, most others presentations, a few grant applications.
            for _ in range(max(0, count)):
                roll = rng.random()
                if roll < 0.5:
                    model, item = Publication, self.publication(p, title, first, last)
                elif roll < 0.94:
                    model, item = Presentation, self.presentation(p, title, first, last)
                else:
                    model, item = FollowOnFunding, self.follow_on(p, title, first, last)
                items[model].append(item)
                links[model].append((len(items[model]) - 1, award.pk))
                earlier = self.awards_of_pi.get(p.pi)
                if earlier and rng.random() < 0.05:
                    links[model].append((len(items[model]) - 1, rng.choice(earlier)[0]))
        for model, objects in items.items():
            _insert(model, objects, ids=model in links)
        for model, pairs in links.items():
            through = model.awards.through
            owner = f"{model._meta.model_name}_id"
            objects = items[model]
            _insert(
                through, [_Row(award_id=a, **{owner: objects[i].pk}) for i, a in pairs], ids=False
            )

    def publication(self, p: _Prop, title: str, first: date, last: date) -> _Row:
        rng = self.rng
        day = self.outcome_day(min(first + timedelta(days=120), last), last)
        self.pub_number += 1
        journal, prefix, short = rng.choice(JOURNALS)
        in_press = rng.random() < 0.01
        coauthors = [
            rng.choice(LAST_NAMES) + " " + rng.choice("ABCDEFGHJKLMNPRST")
            for _ in range(rng.randint(1, 7))
        ]
        stamp = self.stamp(day)
        return _Row(
            title=f"{rng.choice(PUBLICATION_OPENERS)} {title}",
            doi=f"10.{prefix}/{short}.{day.year}.{self.pub_number:07d}"
            if rng.random() < 0.85
            else "",
            pmid=str(30_000_000 + self.pub_number) if rng.random() < 0.65 else "",
            journal=journal,
            year=day.year,
            published_on=None if in_press else day.replace(day=1),
            authors="\n".join([f"{self.last_name[p.pi]} {self.initials[p.pi]}", *coauthors]),
            peer_reviewed=rng.random() < 0.9,
            disparities_focused=rng.random() < 0.7,
            recorded_by_id=p.pi,
            created_at=stamp,
            updated_at=stamp,
        )

    def presentation(self, p: _Prop, title: str, first: date, last: date) -> _Row:
        rng = self.rng
        day = self.outcome_day(first, last)
        venue, level = rng.choice(VENUES)
        stamp = self.stamp(day)
        return _Row(
            title=f"{rng.choice(PRESENTATION_OPENERS)} {title}",
            venue=venue,
            presented_on=day,
            kind=PresentationKind.ORAL if rng.random() < 0.4 else PresentationKind.POSTER,
            level=level,
            recorded_by_id=p.pi,
            created_at=stamp,
            updated_at=stamp,
        )

    def follow_on(self, p: _Prop, title: str, first: date, last: date) -> _Row:
        """Applied for during or after the award; decided months later (the decision date is
        what places it in a period), or still pending when applied for this year."""
        rng = self.rng
        sponsor, sponsor_type, mechanisms = rng.choices(SPONSORS, SPONSOR_WEIGHTS)[0]
        mechanism = rng.choice(mechanisms)
        dollars = MECHANISM_DOLLARS.get(mechanism, rng.choice((25_000, 50_000, 100_000, 250_000)))
        applied = self.day_between(min(first + timedelta(days=90), last), last)
        decided = None
        if applied > self.yesterday - timedelta(days=270) and rng.random() < 0.35:
            status = FundingStatus.APPLIED
        else:
            decided = self.outcome_day(applied, last)
            if (decided - applied).days > 400:
                decided = min(applied + timedelta(days=rng.randint(90, 300)), last)
            status = FundingStatus.AWARDED if rng.random() < 0.3 else FundingStatus.DECLINED
        stamp = self.stamp(decided or applied)
        return _Row(
            sponsor=sponsor,
            sponsor_type=sponsor_type,
            mechanism=mechanism[:40],
            title=f"{mechanism}: {title}"[:500],
            amount=Decimal(int(dollars * rng.uniform(0.7, 1.2)) // 1000 * 1000),
            status=status,
            applied_on=applied,
            decided_on=decided,
            recorded_by_id=p.pi,
            created_at=stamp,
            updated_at=stamp,
        )

    def trainee_records(self, p: _Prop, trainees: list[int]) -> list[_Row]:
        """Where each trainee on the award is: during it, then yearly after it ends."""
        rng = self.rng
        award = p.award
        end = _effective_end(award)
        records = []
        for trainee in trainees:
            kind = self.type_of[trainee]
            if end > self.yesterday:
                days = [self.day_between(award.start_date, self.yesterday)]
            else:
                years = min(3, (self.yesterday - end).days // 365)
                days = [
                    min(end + timedelta(days=30 + 365 * i), self.yesterday)
                    for i in range(years + 1)
                ]
            degree, positions = TRAINEE_PATHS[kind]
            for index, day in enumerate(days):
                finished = index > 0 or end <= self.yesterday
                completed = finished and degree and rng.random() < 0.7
                stamp = self.stamp(day)
                records.append(
                    _Row(
                        trainee_id=trainee,
                        award_id=award.pk,
                        recorded_on=day,
                        degree_completed=degree if completed else "",
                        completion_date=day - timedelta(days=rng.randint(0, 120))
                        if completed
                        else None,
                        position=rng.choice(positions) if finished else "",
                        in_further_training=self.yes_no(0.55 if finished else 0.95),
                        employed=self.yes_no(0.5 if finished else 0.3),
                        practicing_underserved=self.yes_no(0.45),
                        practicing_rural=self.yes_no(0.15),
                        practicing_primary_care=self.yes_no(0.35),
                        recorded_by_id=trainee,
                        created_at=stamp,
                        updated_at=stamp,
                    )
                )
        return records

    def yes_no(self, yes: float) -> str:
        roll = self.rng.random()
        if roll < 0.1:
            return YesNoUnknown.UNKNOWN
        return YesNoUnknown.YES if roll < 0.1 + 0.9 * yes else YesNoUnknown.NO

    # -- the report's narratives --

    def narratives(self, first_close: date) -> None:
        """The administrator's narrative for every academic year the calls span."""
        rows = []
        for year in range(period_of(first_close).first_year, self.current.first_year + 1):
            period = Period(year)
            rows.append(
                _Row(
                    period=period.label,
                    objectives_accomplishments=f"The program ran its calls for {period.label}, funded pilot and trainee awards, and returned results to partner communities.",
                    barriers_resolutions="IRB review times and partner staffing delayed several projects; no-cost extensions were granted where needed.",
                    updated_by_id=self.admin,
                    updated_at=min(self.at(min(period.end, self.yesterday), 10), self.now),
                )
            )
        _insert(ReportingPeriodNarrative, rows, ids=False)
