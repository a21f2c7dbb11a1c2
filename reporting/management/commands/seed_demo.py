"""``manage.py seed_demo``: one program, three calls, ~30 proposals, and a year of awards and
outcomes to click through and to report on.

The calls: one open now, one in review (its committee in the assignment phase), and last year's
round of the pilot awards, decided and released in the previous academic year. Its six awards
run through that year and into the current one (one extended, two closed on time, one
terminated), with progress reports (one overdue), publications, presentations, follow-on
funding, trainee outcomes, partnerships and the narratives of both years, so that every table of
the HRSA report has rows (docs/hrsa-report.md).

Everything is written through the same services the pages use (proposal_create, proposal_submit,
endorsement_respond, decision_record, decisions_release, award_transition,
progress_report_submit, publication_create, narrative_save, ...), so the demo data obeys every
rule a real user meets. The only direct writes are the demo people's profile details and
demographics (no service edits those yet) and the calendar: deadlines moved into the past after
the proposals are in, as time would; award dates set after the decisions (the service dates
awards from today); and the timestamps of the seeded history, decisions, reports and outcomes
(so the pages show them when they happened, never in the future). The decided call's story is
written for 2025-2026 as the previous academic year and moves with the calendar.

Idempotent: people are looked up by username, the program by name and each call by title (the
decided call by its title's ending); a call that already exists is left alone, with everything
that hangs from it, so a second run creates nothing.
"""

import io
import logging
import random
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.html import escape

from accounts.choices import FACULTY_TYPES, TRAINEE_TYPES, ApplicantType, Role
from accounts.models import User
from accounts.services import demographics_for, ensure_role_groups, profile_for, user_create
from grants import services
from grants.choices import (
    AttachmentKind,
    AwardStatus,
    BudgetCategory,
    CallStatus,
    DecisionOutcome,
    NimhdDomain,
    ProposalStatus,
    TeamRole,
)
from grants.models import (
    Award,
    Decision,
    Endorsement,
    FundingCall,
    Program,
    Proposal,
    StateChange,
    TeamMember,
)
from reporting import services as reporting_services
from reporting.choices import ProgressReportKind, ProgressReportStatus
from reporting.hrsa.periods import current_period
from reporting.models import ProgressReport, ReportingPeriodNarrative
from reviews import services as review_services
from reviews.models import CallReview, Committee

PASSWORD = "northstar-demo"
SEED = 20250701
PROGRAM_NAME = "Center of Excellence in Health Equity"
PROGRAM_SHORT_NAME = "CEHE"
INSTITUTION = "Western Valley University School of Medicine"
OPEN_CALL_TITLE = "Health Equity Pilot Awards"
REVIEW_CALL_TITLE = "Community-Engaged Research Awards"

ELIGIBLE = [t.value for t in ApplicantType if t in FACULTY_TYPES or t in TRAINEE_TYPES]


# ---- People ----------------------------------------------------------------------------------


def _demo(
    race, sex, year, disadvantaged="no", basis="", rural="no", first_gen="no", described=""
) -> dict:
    return {
        "race_ethnicity": list(race),
        "sex": sex,
        "sex_self_described": described,
        "birth_year": year,
        "birth_year_prefer_not": year is None,
        "disadvantaged": disadvantaged,
        "disadvantaged_basis": basis,
        "rural_background": rural,
        "first_generation": first_gen,
    }


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    applicant_type: str
    department: str
    about: str
    roles: tuple = ()
    keywords: str = ""
    degrees: str = ""
    orcid: str = ""
    era_commons_id: str = ""
    demographics: dict | None = None


T = ApplicantType
PEOPLE = [
    Person(
        username="admin",
        first_name="Dana",
        last_name="Whitfield",
        applicant_type=T.STAFF,
        department="Office of Health Equity Research",
        about="program administrator (and the Django admin)",
        roles=(Role.ADMINISTRATOR,),
    ),
    Person(
        username="chair",
        first_name="Rosa",
        last_name="Delgado",
        applicant_type=T.FULL_PROFESSOR,
        department="Family and Community Medicine",
        about="committee chair and reviewer",
        roles=(Role.CHAIR, Role.REVIEWER),
        keywords=(
            "community-based participatory research, Latino health, primary care, "
            "implementation science"
        ),
        degrees="MD, MPH",
        orcid="0000-0001-5109-3700",
        era_commons_id="RDELGADO",
        demographics=_demo(["hispanic"], "female", 1968, "yes", "economic", "no", "yes"),
    ),
    Person(
        username="reviewer1",
        first_name="Kwame",
        last_name="Asante",
        applicant_type=T.ASSOCIATE_PROFESSOR,
        department="Epidemiology and Biostatistics",
        about="reviewer",
        roles=(Role.REVIEWER,),
        keywords="cardiovascular epidemiology, hypertension, structural racism, causal inference",
        degrees="PhD, MPH",
        demographics=_demo(["black"], "male", 1979, first_gen="yes"),
    ),
    Person(
        username="reviewer2",
        first_name="Mei-Ling",
        last_name="Zhou",
        applicant_type=T.ASSOCIATE_PROFESSOR,
        department="Psychiatry and Behavioral Sciences",
        about="reviewer",
        roles=(Role.REVIEWER,),
        keywords="immigrant mental health, Asian American health, depression, mixed methods",
        degrees="MD, PhD",
        demographics=_demo(["asian"], "female", 1981),
    ),
    Person(
        username="reviewer3",
        first_name="Sarah",
        last_name="Begay",
        applicant_type=T.ASSOCIATE_PROFESSOR,
        department="Public Health Sciences",
        about="reviewer",
        roles=(Role.REVIEWER,),
        keywords="American Indian health, rural health, diabetes prevention, tribal research",
        degrees="PhD",
        demographics=_demo(["aian"], "female", 1977, "yes", "both", "yes", "yes"),
    ),
    Person(
        username="faculty1",
        first_name="Elena",
        last_name="Ramírez",
        applicant_type=T.ASSISTANT_PROFESSOR,
        department="Family and Community Medicine",
        about="faculty researcher",
        keywords="type 2 diabetes, promotoras, Latino families, self-management",
        degrees="MD, MS",
        orcid="0000-0002-1825-0097",
        era_commons_id="ERAMIREZ",
        demographics=_demo(["hispanic"], "female", 1987, "yes", "economic", "yes", "yes"),
    ),
    Person(
        username="faculty2",
        first_name="Marcus",
        last_name="Bell",
        applicant_type=T.ASSOCIATE_PROFESSOR,
        department="Obstetrics and Gynecology",
        about="faculty researcher (mentors student2)",
        keywords="maternal health, postpartum hypertension, doula care",
        degrees="MD, MPH",
        orcid="0000-0002-1694-233X",
        era_commons_id="MBELL_OBGYN",
        demographics=_demo(["black"], "male", 1980, first_gen="yes"),
    ),
    Person(
        username="faculty3",
        first_name="Priya",
        last_name="Natarajan",
        applicant_type=T.ASSISTANT_PROFESSOR,
        department="Pediatrics",
        about="faculty researcher (mentors postdoc1)",
        keywords="pediatric asthma, housing, environmental exposures, air quality",
        degrees="MD, MSc",
        demographics=_demo(["asian"], "female", 1985),
    ),
    Person(
        username="faculty4",
        first_name="David",
        last_name="Kealoha",
        applicant_type=T.INSTRUCTOR,
        department="Medicine (Nephrology)",
        about="faculty researcher",
        keywords="chronic kidney disease, Pacific Islander health, community health workers",
        degrees="MD",
        demographics=_demo(["nhpi", "asian"], "male", 1989, "yes", "economic", "no", "yes"),
    ),
    Person(
        username="faculty5",
        first_name="Hannah",
        last_name="Lindqvist",
        applicant_type=T.ASSOCIATE_PROFESSOR,
        department="Psychiatry and Behavioral Sciences",
        about="faculty researcher (mentors student1)",
        keywords="rural mental health, telepsychiatry, collaborative care, suicide prevention",
        degrees="MD",
        demographics=_demo(["white"], "female", 1975, rural="yes"),
    ),
    Person(
        username="faculty6",
        first_name="Omar",
        last_name="Haddad",
        applicant_type=T.ASSISTANT_PROFESSOR,
        department="Emergency Medicine",
        about="faculty researcher",
        keywords="language access, emergency care transitions, hypertension, immigrant health",
        degrees="MD, MPH",
        demographics=_demo(["mena"], "male", 1984, "yes", "economic", first_gen="yes"),
    ),
    Person(
        username="faculty7",
        first_name="Grace",
        last_name="Tsosie",
        applicant_type=T.ASSISTANT_PROFESSOR,
        department="Public Health Sciences",
        about="faculty researcher",
        keywords="food sovereignty, cardiometabolic health, tribal health, cancer screening",
        degrees="PhD, MPH",
        demographics=_demo(["aian"], "female", 1983, "yes", "both", "yes", "yes"),
    ),
    Person(
        username="mentor1",
        first_name="Samuel",
        last_name="Adeyemi",
        applicant_type=T.FULL_PROFESSOR,
        department="Medicine (General Internal Medicine)",
        about="faculty mentor (professor)",
        keywords="hypertension, community health workers, health services research",
        degrees="MD, MPH",
        era_commons_id="SADEYEMI",
        demographics=_demo(["black"], "male", None, "prefer_not", "", "no", "prefer_not"),
    ),
    Person(
        username="student1",
        first_name="Jordan",
        last_name="Ellis",
        applicant_type=T.MEDICAL_STUDENT,
        department="School of Medicine (MS2)",
        about="medical student (trainee; mentor1 mentors)",
        keywords="LGBTQ+ health, homelessness, hepatitis C",
        degrees="BS",
        demographics=_demo(
            ["hispanic", "white"], "prefer_not", 2000, "yes", "educational", "yes", "yes"
        ),
    ),
    Person(
        username="student2",
        first_name="Ana Lucía",
        last_name="Torres",
        applicant_type=T.PHD_STUDENT,
        department="Epidemiology (PhD program)",
        about="PhD student (trainee; faculty2 mentors)",
        keywords="perinatal epidemiology, neighborhood deprivation, preterm birth",
        degrees="MPH",
        demographics=_demo(["hispanic"], "female", 1996, "yes", "economic", "no", "yes"),
    ),
    Person(
        username="resident1",
        first_name="Kevin",
        last_name="Nguyen",
        applicant_type=T.RESIDENT,
        department="Internal Medicine Residency (PGY-2)",
        about="resident (trainee; mentor1 mentors)",
        keywords="food insecurity, heat illness, farmworker health",
        degrees="MD",
        demographics=_demo(["asian"], "male", 1995, first_gen="yes"),
    ),
    Person(
        username="postdoc1",
        first_name="Fatima",
        last_name="Yusuf",
        applicant_type=T.POSTDOC,
        department="Health Services Research",
        about="postdoctoral fellow (trainee; faculty3 mentors)",
        keywords="disability, access to care, cancer screening",
        degrees="PhD",
    ),
    Person(
        username="fellow1",
        first_name="Jamie",
        last_name="Okafor",
        applicant_type=T.FELLOW,
        department="Primary Care Research Fellowship, Family and Community Medicine",
        about="clinical fellow (trainee; chair mentors), finished the fellowship in June",
        keywords="rural primary care, hepatitis C, telementoring, community health centers",
        degrees="MD, MPH",
        demographics=_demo(
            ["black", "white"],
            "self_described",
            1991,
            "yes",
            "educational",
            "yes",
            "yes",
            described="nonbinary",
        ),
    ),
    Person(
        username="coordinator1",
        first_name="Luis",
        last_name="Ortega",
        applicant_type=T.STAFF,
        department="Public Health Sciences",
        about="research coordinator on a funded team (no demographics on file)",
    ),
]
PEOPLE_BY_USERNAME = {p.username: p for p in PEOPLE}


# ---- What the proposals are about -------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    title: str
    populations: tuple
    domains: tuple
    community: str
    partner: str
    contact: tuple  # (name, title) of the community partner on the team
    problem: str
    objective: str  # completes "this pilot will ..."
    aims: tuple  # three, each starting with a verb
    hypothesis: str
    design: str
    sample: str
    outcome: str
    staff: str
    irb: str
    letter: bool = False


TOPICS = {
    "promotora_diabetes": Topic(
        title=(
            "Familias Sanas: a promotora-led family diabetes self-management pilot in the Central "
            "Valley"
        ),
        populations=("hispanic", "rural", "low_ses"),
        domains=("behavioral", "sociocultural", "health_care_system"),
        community=(
            "Spanish-speaking Latino families living with type 2 diabetes in rural farmworking "
            "towns"
        ),
        partner="Valle Verde Promotores Network",
        contact=("Lucía Herrera", "Promotora coordinator"),
        problem=(
            "Latino adults in the rural Central Valley are nearly twice as likely as non-Hispanic "
            "white adults to have type 2 diabetes, and fewer than half of those treated at our "
            "partner clinics reach an HbA1c below 8%. Diabetes care is organised around the "
            "individual patient, yet meals, medicines and clinic visits are negotiated within "
            "families."
        ),
        objective=(
            "adapt and pilot a family-centred, promotora-delivered diabetes self-management program"
        ),
        aims=(
            (
                "Adapt an evidence-based self-management curriculum for family delivery through "
                "three rounds of review with promotoras, patients and clinic staff"
            ),
            (
                "Test the feasibility and acceptability of the adapted program with 40 patient and "
                "family-member pairs"
            ),
            (
                "Estimate changes in HbA1c, diabetes distress and household diet quality at six "
                "months"
            ),
        ),
        hypothesis=(
            "involving the family, through a trusted promotora, will improve glycaemic control "
            "more than individual education alone"
        ),
        design="single-arm mixed-methods pilot",
        sample="40 patient and family-member pairs (80 people)",
        outcome="HbA1c at six months",
        staff="bilingual research coordinator",
        irb="approved",
        letter=True,
    ),
    "doula_postpartum": Topic(
        title=(
            "Community doulas to close the postpartum blood-pressure follow-up gap for Black "
            "birthing people"
        ),
        populations=("black", "low_ses"),
        domains=("health_care_system", "sociocultural"),
        community=(
            "Black birthing people with hypertensive disorders of pregnancy who deliver at the "
            "county hospital"
        ),
        partner="Sister Circle Birth Collective",
        contact=("Imani Brooks", "Executive director"),
        problem=(
            "Black birthing people in our county die of pregnancy-related causes at three times "
            "the rate of white birthing people, and postpartum hypertension is a leading, "
            "preventable contributor. Only 38% of patients with a hypertensive disorder of "
            "pregnancy complete the recommended blood-pressure check within ten days of discharge."
        ),
        objective=(
            "test whether extending community doula support into the first six postpartum weeks, "
            "with home blood-pressure monitoring, improves timely follow-up"
        ),
        aims=(
            (
                "Co-design a postpartum doula visit protocol, including escalation for "
                "severe-range readings, with doulas, patients and obstetric clinicians"
            ),
            ("Randomise 60 postpartum patients to doula-supported remote monitoring or usual care"),
            (
                "Describe patients' and doulas' experiences of the program, including experiences "
                "of racism in care, through qualitative interviews"
            ),
        ),
        hypothesis=(
            "a trusted doula who continues after birth will double the share of patients whose "
            "blood pressure is checked in time"
        ),
        design="randomised pilot",
        sample="60 postpartum patients",
        outcome="a completed blood-pressure check within ten days of discharge",
        staff="community doula (hourly)",
        irb="pending",
        letter=True,
    ),
    "asthma_housing": Topic(
        title=(
            "Healthy Homes, Healthy Lungs: landlord-engaged remediation for children with asthma "
            "in subsidized housing"
        ),
        populations=("low_ses", "black", "hispanic"),
        domains=("physical_environment", "biological", "health_care_system"),
        community=(
            "children with persistent asthma living in subsidized rental housing on the east side"
        ),
        partner="Eastside Tenants' Union",
        contact=("Roberto Alvarez", "Lead organiser"),
        problem=(
            "Children on the city's east side visit the emergency department for asthma at four "
            "times the rate of children elsewhere in the city. Mould, pests and poor ventilation "
            "drive much of this burden, but families who rent cannot fix these triggers themselves."
        ),
        objective=(
            "pair home environmental assessment with landlord-engaged repairs and clinic-based "
            "asthma care"
        ),
        aims=(
            (
                "Assess asthma triggers in 45 homes with a standard environmental checklist and "
                "indoor air monitors"
            ),
            ("Negotiate and track repairs with landlords, supported by the tenants' union"),
            (
                "Compare asthma control, emergency visits and missed school days before and after "
                "remediation"
            ),
        ),
        hypothesis=(
            "fixing the building, not only teaching the family, will reduce emergency visits"
        ),
        design="stepped-wedge pilot across three buildings",
        sample="45 children and their caregivers",
        outcome="asthma-related emergency visits over six months",
        staff="community health worker",
        irb="approved",
    ),
    "kidney_nhpi": Topic(
        title=(
            "Ola Pono: church-based kidney-health screening with Native Hawaiian and Pacific "
            "Islander congregations"
        ),
        populations=("nhpi",),
        domains=("biological", "sociocultural", "health_care_system"),
        community=(
            "Native Hawaiian, Samoan, Tongan and Marshallese adults in partner congregations"
        ),
        partner="Pacific Islander Faith and Health Coalition",
        contact=("Rev. Sione Taufa", "Coalition chair"),
        problem=(
            "Native Hawaiian and Pacific Islander adults develop kidney failure at younger ages "
            "and higher rates than any other group in the state, yet most learn they have chronic "
            "kidney disease only when they need dialysis. Congregations are central to community "
            "life but have never offered kidney screening."
        ),
        objective=(
            "test a congregation-based kidney screening and navigation program led by trained "
            "church health ministers"
        ),
        aims=(
            (
                "Train twelve church health ministers to offer point-of-care creatinine and urine "
                "albumin testing"
            ),
            (
                "Screen 200 adults in four congregations and navigate those with abnormal results "
                "to primary care"
            ),
            ("Measure completion of confirmatory testing and identify barriers to follow-up"),
        ),
        hypothesis=(
            "screening offered by trusted church members will reach adults the clinic does not"
        ),
        design="single-arm implementation pilot in four congregations",
        sample="200 adults",
        outcome=("completion of a confirmatory clinic visit within 90 days of an abnormal screen"),
        staff="Pacific Islander community health worker",
        irb="pending",
        letter=True,
    ),
    "rural_telepsych": Topic(
        title=(
            "Telepsychiatry-supported collaborative care for depression in frontier primary care "
            "clinics"
        ),
        populations=("rural", "low_ses"),
        domains=("health_care_system", "behavioral"),
        community=(
            "adults with depression who receive primary care more than 90 miles from a psychiatrist"
        ),
        partner="High Desert Rural Health Cooperative",
        contact=("Karen Holt", "Clinical operations director"),
        problem=(
            "Adults in frontier counties die by suicide at 1.5 times the rate of urban adults, and "
            "none of the cooperative's clinics has an on-site psychiatrist. Collaborative care "
            "works in urban primary care, but small rural clinics cannot staff the roles it "
            "requires."
        ),
        objective=(
            "adapt collaborative care for clinics that share one tele-psychiatric consultant and a "
            "remote care manager"
        ),
        aims=(
            ("Adapt collaborative-care workflows for four frontier clinics with their clinicians"),
            (
                "Enrol 90 adults with moderate or severe depression and measure PHQ-9 response at "
                "16 weeks"
            ),
            ("Estimate the cost per clinic of sustaining the shared model after the pilot"),
        ),
        hypothesis=(
            "a shared remote team can deliver the benefits of collaborative care at a cost small "
            "clinics can carry"
        ),
        design="pre-post pilot with a matched comparison clinic",
        sample="90 adults",
        outcome="PHQ-9 response (a 50% reduction) at 16 weeks",
        staff="remote behavioral health care manager",
        irb="approved",
        letter=True,
    ),
    "language_ed": Topic(
        title=(
            "Say It Back: interpreter-supported teach-back at emergency department discharge for "
            "patients with limited English proficiency"
        ),
        populations=("hispanic", "asian", "low_ses"),
        domains=("health_care_system", "sociocultural"),
        community=(
            "Spanish-, Vietnamese- and Arabic-speaking patients with limited English proficiency"
        ),
        partner="Refugee and Immigrant Wellness Center",
        contact=("Amal Rahman", "Program manager"),
        problem=(
            "Patients with limited English proficiency return to our emergency department within "
            "72 hours 40% more often than English-speaking patients. Professional interpreters are "
            "used at triage but rarely at discharge, when patients receive the instructions they "
            "must follow at home."
        ),
        objective=(
            "test a discharge bundle of a professional interpreter, teach-back and plain-language "
            "translated instructions"
        ),
        aims=(
            (
                "Translate and test plain-language discharge instructions for the five most common "
                "discharge diagnoses"
            ),
            (
                "Compare comprehension of discharge instructions in 150 patients before and after "
                "the bundle"
            ),
            ("Compare 72-hour return visits and describe the bundle's fit with nursing workflow"),
        ),
        hypothesis=(
            "hearing and repeating the plan in one's own language will prevent avoidable returns"
        ),
        design="pre-post pilot with alternating-week allocation",
        sample="150 patients",
        outcome="comprehension of discharge instructions and 72-hour return visits",
        staff="bilingual research assistant",
        irb="approved",
    ),
    "food_sovereignty": Topic(
        title=(
            "Returning to Traditional Foods: a tribal food-sovereignty pilot for cardiometabolic "
            "health"
        ),
        populations=("aian", "rural"),
        domains=("sociocultural", "physical_environment", "behavioral"),
        community=(
            "tribal members with prediabetes or hypertension in two partnering tribal communities"
        ),
        partner="Northwest Tribal Food Sovereignty Coalition",
        contact=("Marilyn Sampson", "Coalition director"),
        problem=(
            "American Indian adults in our region have diabetes at more than twice the rate of "
            "non-Hispanic white adults. Tribal leaders name the loss of traditional food systems "
            "as a root cause and have asked for research that restores these foods rather than "
            "replacing them."
        ),
        objective=(
            "evaluate a tribally led program of traditional food boxes, cooking with elders and "
            "seasonal harvesting trips"
        ),
        aims=(
            (
                "Document the program's design with tribal staff and elders under a tribal data "
                "sovereignty agreement"
            ),
            (
                "Enrol 50 households and measure blood pressure, HbA1c and food security at six "
                "months"
            ),
            (
                "Gather stories of participation to describe cultural connectedness as a pathway "
                "to health"
            ),
        ),
        hypothesis=(
            "reconnecting households with traditional foods improves cardiometabolic risk through "
            "diet and cultural connectedness"
        ),
        design="community-partnered single-arm pilot",
        sample="50 households",
        outcome="blood pressure and HbA1c at six months",
        staff="tribal community research associate",
        irb="pending",
        letter=True,
    ),
    "barbershop_bp": Topic(
        title=(
            "Cuts & Checks: barbershop-based hypertension control with pharmacist co-management"
        ),
        populations=("black",),
        domains=("health_care_system", "sociocultural"),
        community=(
            "Black men with uncontrolled hypertension who are regular customers of partner "
            "barbershops"
        ),
        partner="Crown & Clipper Barbers Association",
        contact=("Darnell Price", "Association president"),
        problem=(
            "Hypertension-related deaths among Black men in our county are twice those of white "
            "men, and many Black men have little contact with primary care. Pharmacists working in "
            "barbershops lowered blood pressure dramatically in Los Angeles, but the model has not "
            "been tested where pharmacists are scarce."
        ),
        objective=(
            "test a hybrid model in which barbers measure blood pressure and refer customers to a "
            "pharmacist who prescribes by video"
        ),
        aims=(
            ("Train barbers in six shops to measure blood pressure and make warm referrals"),
            (
                "Enrol 120 customers with uncontrolled hypertension and deliver pharmacist "
                "co-management by video"
            ),
            (
                "Compare systolic blood pressure at six months with customers of three waitlist "
                "shops"
            ),
        ),
        hypothesis=(
            "a trusted barber plus a remote pharmacist can reproduce most of the benefit of an "
            "in-shop pharmacist"
        ),
        design="cluster pilot in nine barbershops",
        sample="120 customers",
        outcome="systolic blood pressure at six months",
        staff="clinical pharmacist",
        irb="approved",
        letter=True,
    ),
    "sgm_rural_youth": Topic(
        title=(
            "Mapping access to gender-affirming primary care for transgender and nonbinary youth "
            "in rural counties"
        ),
        populations=("sgm", "rural"),
        domains=("health_care_system", "sociocultural"),
        community=(
            "transgender and nonbinary youth aged 15 to 24 living in the region's rural counties"
        ),
        partner="Rural Rainbow Youth Network",
        contact=("Alex Moreno", "Youth programs coordinator"),
        problem=(
            "Transgender and nonbinary youth report depression and suicidal thoughts at several "
            "times the rate of their cisgender peers, and affirming care is protective. In rural "
            "counties youth may travel hours to reach an affirming clinician, but no one has "
            "mapped where care is available."
        ),
        objective=(
            "describe geographic and experiential barriers to gender-affirming primary care"
        ),
        aims=(
            (
                "Map affirming primary-care sites and drive times with a secret-shopper survey of "
                "clinics"
            ),
            ("Conduct 30 youth-led interviews about finding and keeping affirming care"),
            ("Co-produce a resource guide and policy brief with the youth network"),
        ),
        hypothesis=(
            "distance and clinic-level practices, more than individual factors, shape access"
        ),
        design="convergent mixed-methods study",
        sample="30 youth and 120 clinics",
        outcome="drive time to the nearest affirming clinic",
        staff="youth research assistant (hourly)",
        irb="pending",
        letter=True,
    ),
    "hpv_vietnamese": Topic(
        title=("Culturally tailored HPV vaccine messages for Vietnamese American parents"),
        populations=("asian",),
        domains=("behavioral", "sociocultural"),
        community="Vietnamese American parents of children aged 9 to 14",
        partner="Little Saigon Family Health Association",
        contact=("Thanh Pham", "Community health educator"),
        problem=(
            "HPV vaccination completion among Vietnamese American adolescents in our region lags "
            "the state average by 20 percentage points, while cervical cancer incidence among "
            "Vietnamese American women is among the highest of any Asian American group. Existing "
            "materials are direct translations."
        ),
        objective=(
            "develop and test Vietnamese-language HPV vaccine messages co-created with parents"
        ),
        aims=(
            ("Hold four focus groups with parents to identify concerns and trusted messengers"),
            "Develop six candidate messages with community health educators",
            "Test the messages in an online experiment with 300 parents",
        ),
        hypothesis=(
            "messages that address parents' own concerns, voiced by trusted messengers, will raise "
            "intention to vaccinate"
        ),
        design="online message-testing experiment preceded by focus groups",
        sample="300 parents",
        outcome="intention to vaccinate within six months",
        staff="bilingual research assistant",
        irb="exempt",
    ),
    "food_rx": Topic(
        title=(
            "Produce prescriptions for food-insecure patients with diabetes in a safety-net "
            "internal medicine clinic"
        ),
        populations=("low_ses", "black", "hispanic"),
        domains=("health_care_system", "behavioral", "physical_environment"),
        community=(
            "adult patients of the resident continuity clinic who have diabetes and food insecurity"
        ),
        partner="Harvest Share Food Bank",
        contact=("Janet Osei", "Director of health partnerships"),
        problem=(
            "One in three patients in our resident continuity clinic screens positive for food "
            "insecurity, and these patients have higher HbA1c and more visits for hypoglycaemia. "
            "Screening is now routine, but residents have little to offer a patient who screens "
            "positive."
        ),
        objective=(
            "link positive food-insecurity screens to monthly produce vouchers and a food-bank "
            "navigator"
        ),
        aims=(
            ("Build the referral pathway from screening to navigator into the clinic's workflow"),
            ("Enrol 40 patients and measure voucher redemption and food security monthly"),
            "Estimate the change in HbA1c at six months",
        ),
        hypothesis=(
            "a prescription that arrives with food, not only advice, will be used and will improve "
            "glycaemic control"
        ),
        design="single-arm feasibility pilot",
        sample="40 patients",
        outcome="voucher redemption and HbA1c at six months",
        staff="food-bank navigator (partial support)",
        irb="approved",
        letter=True,
    ),
    "disability_screening": Topic(
        title="Accessible cancer screening for adults with mobility disabilities",
        populations=("disability", "low_ses"),
        domains=("health_care_system", "physical_environment"),
        community=(
            "adults with mobility disabilities, including wheelchair users, enrolled in Medicaid"
        ),
        partner="Independent Living Center of the Valley",
        contact=("Monica Reyes", "Advocacy director"),
        problem=(
            "Women who use wheelchairs are much less likely than other women to receive breast and "
            "cervical cancer screening, and many clinics lack height-adjustable tables and "
            "accessible mammography. How much clinic accessibility explains these gaps is unknown "
            "in our state."
        ),
        objective=(
            "link on-site accessibility audits of clinics and imaging sites with Medicaid claims"
        ),
        aims=(
            (
                "Audit the physical accessibility of 60 primary-care and imaging sites with "
                "disability community auditors"
            ),
            ("Link audit results to Medicaid claims for adults with mobility disabilities"),
            ("Estimate how site accessibility relates to guideline-concordant screening"),
        ),
        hypothesis=(
            "inaccessible equipment, not patient preference, explains much of the screening gap"
        ),
        design="cross-sectional audit linked to a retrospective claims cohort",
        sample="60 sites",
        outcome="guideline-concordant breast, cervical and colorectal cancer screening",
        staff="accessibility auditor (disability community member)",
        irb="exempt",
        letter=True,
    ),
    "hcv_navigation": Topic(
        title=("Peer navigation for hepatitis C treatment among people experiencing homelessness"),
        populations=("low_ses",),
        domains=("health_care_system", "behavioral"),
        community=(
            "adults experiencing homelessness who test positive for hepatitis C at street-medicine "
            "clinics"
        ),
        partner="Open Door Street Medicine",
        contact=("Terrence Miles", "Peer navigator lead"),
        problem=(
            "Direct-acting antivirals cure hepatitis C in more than 95% of people who complete "
            "treatment, yet fewer than one in five people experiencing homelessness who test "
            "positive at our street-medicine sites start treatment."
        ),
        objective=(
            "test whether peer navigators with lived experience of homelessness increase treatment "
            "initiation and completion"
        ),
        aims=(
            ("Train three peer navigators and define their role with the street-medicine team"),
            (
                "Enrol 40 people with active hepatitis C and measure treatment initiation within "
                "60 days"
            ),
            ("Measure cure twelve weeks after treatment and the cost of navigation per cure"),
        ),
        hypothesis=(
            "peers who have lived the same barriers can carry people through each step of care"
        ),
        design="single-arm pilot with a historical comparison",
        sample="40 people",
        outcome="treatment initiation within 60 days",
        staff="peer navigator",
        irb="not_yet_submitted",
        letter=True,
    ),
    "farmworker_heat": Topic(
        title="Heat exposure and emergency visits among agricultural workers",
        populations=("hispanic", "rural", "low_ses"),
        domains=("physical_environment", "health_care_system", "biological"),
        community="agricultural workers, most of them Latino and many Indigenous Mexican",
        partner="Campesinos Unidos Health Committee",
        contact=("María Sánchez", "Committee coordinator"),
        problem=(
            "Agricultural workers die of heat-related illness at 35 times the rate of other "
            "workers, and extreme-heat days in our county have doubled since 2000. Kidney injury, "
            "falls and cardiac events on hot days are rarely coded as heat related."
        ),
        objective=(
            "link hourly heat-index data to emergency encounters to estimate heat-associated "
            "visits among agricultural workers"
        ),
        aims=(
            ("Build a linked data set of hourly heat index and five years of emergency encounters"),
            (
                "Estimate heat-associated visits and acute kidney injury with a case-crossover "
                "design"
            ),
            ("Share results with the health committee to plan workplace heat protections"),
        ),
        hypothesis=(
            "heat-associated visits are substantially under-counted among agricultural workers"
        ),
        design="time-stratified case-crossover study",
        sample="about 5,000 emergency encounters",
        outcome="heat-associated emergency visits",
        staff="data analyst",
        irb="pending",
    ),
    "headstart_air": Topic(
        title="Clean air in Head Start classrooms near freight corridors",
        populations=("low_ses", "hispanic"),
        domains=("physical_environment", "biological"),
        community=("children aged 3 to 5 attending Head Start centres near freight corridors"),
        partner="Port Communities Head Start",
        contact=("Linda Cho", "Health services manager"),
        problem=(
            "Head Start centres in the port district sit within 500 metres of freight corridors "
            "that carry 20,000 diesel trucks a day. Young children breathe more air per kilogram "
            "than adults, and their classrooms have no filtration."
        ),
        objective="test portable HEPA air cleaners in Head Start classrooms",
        aims=(
            "Measure indoor fine particles in twelve classrooms for four weeks",
            ("Install HEPA air cleaners in half the classrooms in a crossover design"),
            "Compare respiratory symptoms and absences between periods",
        ),
        hypothesis=("classroom filtration will lower children's exposure and respiratory symptoms"),
        design="randomised crossover pilot",
        sample="12 classrooms (about 200 children)",
        outcome="indoor fine-particle concentration",
        staff="environmental technician",
        irb="not_yet_submitted",
    ),
    "storytelling_crc": Topic(
        title=(
            "Elder-led storytelling to promote colorectal cancer screening in tribal communities"
        ),
        populations=("aian", "rural"),
        domains=("sociocultural", "behavioral", "health_care_system"),
        community=(
            "tribal members aged 45 to 75 who are not up to date with colorectal cancer screening"
        ),
        partner="Tribal Elders Health Council",
        contact=("Vernon Lee", "Council chair"),
        problem=(
            "Colorectal cancer is a leading cause of cancer death among American Indian adults in "
            "our region, and only 41% of eligible tribal clinic patients are up to date with "
            "screening. Elders have asked for approaches rooted in storytelling rather than "
            "pamphlets."
        ),
        objective="pilot elder-led digital stories paired with mailed stool-test kits",
        aims=(
            ("Produce six digital stories with elders who have been screened or treated"),
            "Mail stool-test kits with a story to 150 tribal clinic patients",
            ("Compare kit return with patients who receive a kit and a standard letter"),
        ),
        hypothesis=("stories told by elders will make screening feel familiar and protective"),
        design="randomised pilot",
        sample="300 tribal clinic patients",
        outcome="stool-test kit return within 90 days",
        staff="tribal community research associate",
        irb="pending",
        letter=True,
    ),
    "ckd_chw": Topic(
        title=("Pacific Islander community health workers for gout and early kidney disease"),
        populations=("nhpi", "low_ses"),
        domains=("health_care_system", "biological", "sociocultural"),
        community="Pacific Islander adults with gout and early chronic kidney disease",
        partner="Pacific Islander Faith and Health Coalition",
        contact=("Mele Fifita", "Health ministry lead"),
        problem=(
            "Gout affects Pacific Islander men at twice the rate of other groups, and untreated "
            "gout and its common treatments accelerate kidney disease. Few patients reach their "
            "uric-acid target."
        ),
        objective="test community health worker support for treat-to-target gout care",
        aims=(
            ("Train two community health workers in gout and kidney-protective care"),
            (
                "Enrol 50 patients and support monthly uric-acid monitoring and medication "
                "adjustment"
            ),
            ("Measure the share reaching a uric-acid target and kidney-function change"),
        ),
        hypothesis=(
            "culturally concordant support will help patients stay on treat-to-target therapy"
        ),
        design="single-arm pilot",
        sample="50 adults",
        outcome="serum uric acid below 6 mg/dL at six months",
        staff="Pacific Islander community health worker",
        irb="pending",
        letter=True,
    ),
    "clergy_suicide": Topic(
        title="Gatekeeper training for rural clergy to prevent suicide",
        populations=("rural",),
        domains=("sociocultural", "behavioral"),
        community="residents of rural farming counties served by small congregations",
        partner="High Desert Rural Health Cooperative",
        contact=("Karen Holt", "Clinical operations director"),
        problem=(
            "Rural residents are more likely to speak with clergy than with a mental health "
            "professional when in crisis, yet few rural clergy have suicide-prevention training."
        ),
        objective="adapt and evaluate a gatekeeper training for rural clergy",
        aims=(
            "Adapt a gatekeeper curriculum with clergy from six denominations",
            "Train 40 clergy and measure knowledge, self-efficacy and referrals",
            "Follow referrals to care at three and six months",
        ),
        hypothesis=("trained clergy will recognise risk earlier and refer more people to care"),
        design="pre-post pilot",
        sample="40 clergy",
        outcome="referrals to mental health care",
        staff="project coordinator",
        irb="not_yet_submitted",
    ),
    "paramedicine_bp": Topic(
        title=(
            "Community paramedicine follow-up after emergency visits for severely elevated blood "
            "pressure"
        ),
        populations=("black", "hispanic", "low_ses"),
        domains=("health_care_system",),
        community=(
            "adults discharged from the emergency department with severely elevated blood pressure "
            "and no primary care clinician"
        ),
        partner="County Fire and EMS Community Paramedicine Program",
        contact=("Lt. Rachel Ortiz", "Program lead"),
        problem=(
            "One in four adults discharged from our emergency department with severely elevated "
            "blood pressure has no primary care clinician, and fewer than a third are seen in "
            "follow-up within a month."
        ),
        objective="test home visits by community paramedics within 72 hours of discharge",
        aims=(
            ("Define a home-visit protocol with paramedics, emergency physicians and patients"),
            ("Enrol 60 patients and deliver two paramedic home visits with medication review"),
            ("Compare primary-care linkage at 30 days with a matched historical cohort"),
        ),
        hypothesis=("a home visit soon after discharge will connect patients to lasting care"),
        design="single-arm pilot with a historical comparison",
        sample="60 adults",
        outcome="a primary-care visit within 30 days",
        staff="community paramedic (overtime)",
        irb="pending",
        letter=True,
    ),
    "preterm_deprivation": Topic(
        title="Neighborhood deprivation, everyday discrimination and preterm birth",
        populations=("black", "low_ses"),
        domains=("sociocultural", "physical_environment", "biological"),
        community="Black and Latina birthing people in the county's birth-records cohort",
        partner="Sister Circle Birth Collective",
        contact=("Imani Brooks", "Executive director"),
        problem=(
            "Black infants in our county are born preterm 1.6 times as often as white infants. "
            "Neighborhood deprivation and experiences of discrimination are both linked to preterm "
            "birth, but their joint effect has not been examined with local data."
        ),
        objective=(
            "link birth records to neighborhood deprivation indices and a postpartum survey of "
            "discrimination"
        ),
        aims=(
            ("Link five years of birth records to census-tract deprivation indices"),
            ("Survey 400 postpartum people about everyday and institutional discrimination"),
            ("Estimate the joint association of deprivation and discrimination with preterm birth"),
        ),
        hypothesis=(
            "deprivation and discrimination together explain more of the gap than either alone"
        ),
        design="linked records study with a nested survey",
        sample="about 40,000 births and 400 survey respondents",
        outcome="preterm birth (before 37 weeks)",
        staff="survey interviewer (hourly)",
        irb="exempt",
        letter=True,
    ),
    "wheelchair_transport": Topic(
        title=("Wheelchair-accessible transportation and missed primary-care appointments"),
        populations=("disability", "low_ses", "rural"),
        domains=("physical_environment", "health_care_system"),
        community=("adults who use wheelchairs and rely on paratransit or Medicaid transportation"),
        partner="Independent Living Center of the Valley",
        contact=("Monica Reyes", "Advocacy director"),
        problem=(
            "Adults who use wheelchairs miss primary-care appointments twice as often as other "
            "adults, and most name transportation as the reason. Paratransit trips must be booked "
            "days ahead and often arrive late."
        ),
        objective=(
            "measure how transportation failures lead to missed care and test a clinic-based ride "
            "coordinator"
        ),
        aims=(
            ("Describe the transportation journeys of 50 wheelchair users with trip diaries"),
            "Link trip failures to missed appointments in clinic records",
            "Pilot a clinic ride coordinator for 25 patients",
        ),
        hypothesis=(
            "unreliable accessible transport is the main cause of missed visits and can be fixed "
            "at the clinic"
        ),
        design="mixed-methods study with a nested pilot",
        sample="50 adults",
        outcome="missed primary-care appointments",
        staff="ride coordinator",
        irb="approved",
        letter=True,
    ),
    # ---- The previous round (decided; its awards fill the HRSA report) ----
    "gdm_navigation": Topic(
        title=(
            "Después del Embarazo: promotora navigation to diabetes screening after gestational "
            "diabetes"
        ),
        populations=("hispanic", "low_ses"),
        domains=("health_care_system", "behavioral", "sociocultural"),
        community=(
            "Latina women with gestational diabetes who give birth at the county's two "
            "safety-net hospitals"
        ),
        partner="Valle Verde Promotores Network",
        contact=("Lucía Herrera", "Promotora coordinator"),
        problem=(
            "Half of the Latina women with gestational diabetes in our county develop type 2 "
            "diabetes within ten years, yet fewer than a third complete the glucose test "
            "recommended in the months after birth. The test falls between obstetric and primary "
            "care, and no one owns the follow-up."
        ),
        objective=(
            "test whether promotora navigation from the last prenatal visit to the postpartum "
            "glucose test closes the screening gap"
        ),
        aims=(
            (
                "Adapt a navigation protocol with promotoras, obstetric nurses and women who have "
                "had gestational diabetes"
            ),
            "Navigate 60 women from the third trimester to a glucose test after birth",
            "Compare screening completion with the year before the program",
        ),
        hypothesis=(
            "a trusted promotora who follows women across the handoff will double postpartum "
            "screening"
        ),
        design="pre-post pilot with a historical comparison",
        sample="60 women",
        outcome="a glucose test within 12 weeks of birth",
        staff="promotora navigator",
        irb="approved",
        letter=True,
    ),
    "postpartum_bp_texts": Topic(
        title=(
            "Cuff and Text: home blood-pressure monitoring with text check-ins after "
            "hypertensive pregnancies"
        ),
        populations=("black", "low_ses"),
        domains=("health_care_system", "behavioral"),
        community=(
            "Black birthing people with preeclampsia or gestational hypertension in the six "
            "weeks after birth"
        ),
        partner="Sister Circle Birth Collective",
        contact=("Imani Brooks", "Executive director"),
        problem=(
            "Most strokes and readmissions from postpartum hypertension happen in the first ten "
            "days after discharge, and Black birthing people are readmitted for hypertension "
            "twice as often as white birthing people. Few attend a blood-pressure check in the "
            "first week at home."
        ),
        objective=(
            "pair a validated home blood-pressure cuff with twice-daily text check-ins reviewed "
            "by a nurse"
        ),
        aims=(
            "Teach self-measurement before discharge to 80 postpartum patients",
            "Measure the share who send readings on at least 10 of the first 14 days",
            "Record severe readings, treatment changes and readmissions within six weeks",
        ),
        hypothesis=(
            "remote monitoring reaches people whom a clinic visit in the first week does not"
        ),
        design="single-arm feasibility pilot",
        sample="80 postpartum patients",
        outcome="readings sent on at least 10 of the first 14 days",
        staff="postpartum nurse (part time)",
        irb="approved",
        letter=True,
    ),
    "street_wounds": Topic(
        title=(
            "Wounds, hepatitis and unmet needs at street-medicine outreach: a student-led needs "
            "assessment"
        ),
        populations=("low_ses",),
        domains=("health_care_system", "physical_environment"),
        community="adults sleeping outside or in vehicles who are seen by street-medicine teams",
        partner="Open Door Street Medicine",
        contact=("Terrence Miles", "Peer navigator lead"),
        problem=(
            "Street-medicine teams treat chronic wounds, skin infections and untreated hepatitis "
            "C every night, but they record care on paper and cannot say how many people they "
            "see, what they need most or what happens next."
        ),
        objective=(
            "describe the health needs of people seen at street-medicine outreach with a shared "
            "encounter log"
        ),
        aims=(
            "Build a one-page encounter log with outreach teams and peer navigators",
            "Record 300 outreach encounters over six months",
            "Describe wound, infection and hepatitis C care needs and the referrals completed",
        ),
        hypothesis="a few conditions account for most of the unmet need and can be planned for",
        design="prospective descriptive study",
        sample="about 300 encounters",
        outcome="unmet care needs per encounter",
        staff="student outreach coordinator (hourly)",
        irb="exempt",
        letter=True,
    ),
    "school_asthma": Topic(
        title="School-nurse asthma action plans shared with families and clinics",
        populations=("low_ses", "black", "hispanic"),
        domains=("health_care_system",),
        community="elementary-school children with persistent asthma in the east-side district",
        partner="Eastside Unified School District Health Services",
        contact=("Patricia Gómez", "Lead school nurse"),
        problem=(
            "Fewer than a third of east-side children with asthma have an action plan on file at "
            "school, and school nurses rarely hear from the child's clinician. Children miss "
            "school and are sent home for symptoms a plan would manage."
        ),
        objective=(
            "connect school nurses, families and pediatric clinics through one shared asthma "
            "action plan"
        ),
        aims=(
            "Design a shared action plan and consent process with nurses, parents and clinicians",
            "Enrol 60 children and track the plans completed and shared",
            "Compare missed school days and asthma control before and after",
        ),
        hypothesis="a plan that school, family and clinic all hold will keep children in class",
        design="pre-post pilot in four schools",
        sample="60 children",
        outcome="school days missed for asthma",
        staff="school health liaison",
        irb="pending",
    ),
    "legal_housing": Topic(
        title=(
            "Medical-legal partnership referrals for housing problems in a resident continuity "
            "clinic"
        ),
        populations=("low_ses", "black", "hispanic"),
        domains=("sociocultural", "health_care_system", "physical_environment"),
        community=(
            "adult patients of the resident continuity clinic facing eviction or unsafe housing"
        ),
        partner="Valley Legal Aid Society",
        contact=("Gloria Chen", "Managing attorney"),
        problem=(
            "One in five patients in our resident clinic reports a housing problem, from mould "
            "to an eviction notice, and these patients miss more visits and have worse blood "
            "pressure control. Residents screen for housing needs but have nowhere to send a "
            "patient whose problem has a legal remedy."
        ),
        objective="embed a legal-aid referral pathway in the clinic and measure what it resolves",
        aims=(
            "Train residents to recognise housing problems with a legal remedy and refer them",
            "Refer 50 patients and follow their legal outcomes with the legal-aid society",
            "Describe changes in visit attendance and blood pressure over six months",
        ),
        hypothesis="legal help with housing problems will keep patients housed and in care",
        design="single-arm pilot with linked legal and clinical records",
        sample="50 patients",
        outcome="housing problems resolved within six months",
        staff="paralegal (partial support)",
        irb="approved",
        letter=True,
    ),
    "rural_hcv_echo": Topic(
        title="Treating hepatitis C in rural primary care with telementoring from specialists",
        populations=("rural", "low_ses"),
        domains=("health_care_system",),
        community="adults with hepatitis C cared for at rural community health centers",
        partner="Sierra Foothills Community Health Center",
        contact=("Dr. Ray Whitehorse", "Medical director"),
        problem=(
            "Adults with hepatitis C in our foothill counties live two to three hours from a "
            "liver specialist, and fewer than one in four is treated. A cure is a course of pills "
            "that primary-care clinicians can prescribe with the right support."
        ),
        objective=(
            "support rural primary-care clinicians to treat hepatitis C through weekly "
            "case-based telementoring"
        ),
        aims=(
            "Enrol clinicians at three rural clinics in weekly telementoring with hepatologists",
            "Treat 40 patients in primary care and record cure twelve weeks after treatment",
            "Compare treatment starts with the year before",
        ),
        hypothesis="with telementoring, rural primary care can treat most patients itself",
        design="pre-post pilot in three clinics",
        sample="40 patients",
        outcome="cure (sustained virologic response) twelve weeks after treatment",
        staff="nurse care coordinator",
        irb="approved",
        letter=True,
    ),
    "tribal_games": Topic(
        title=(
            "Traditional games and youth-led activity to prevent type 2 diabetes in a tribal "
            "community"
        ),
        populations=("aian", "rural"),
        domains=("behavioral", "sociocultural", "physical_environment"),
        community="tribal youth aged 10 to 17 and their families on a rural reservation",
        partner="Tribal Youth Wellness Council",
        contact=("Darlene Yazzie", "Youth programs director"),
        problem=(
            "Type 2 diabetes is rising among tribal youth in our region, and young people told "
            "the council they want activity rooted in their culture, not gym classes. "
            "Traditional games were once part of daily life and are being revived by elders."
        ),
        objective=(
            "evaluate a youth-led program of traditional games and seasonal activities taught "
            "by elders"
        ),
        aims=(
            "Co-design the program with youth and elders under a tribal research agreement",
            "Enrol 60 youth and measure activity and waist circumference over six months",
            "Document cultural connectedness through youth photo stories",
        ),
        hypothesis=(
            "activity that strengthens cultural identity will be kept up and will lower "
            "cardiometabolic risk"
        ),
        design="community-partnered single-arm pilot",
        sample="60 youth",
        outcome="minutes of moderate-to-vigorous activity a day",
        staff="tribal youth coordinator",
        irb="approved",
        letter=True,
    ),
    "farmer_peers": Topic(
        title="Peer support specialists for farmers and ranchers in financial crisis",
        populations=("rural",),
        domains=("sociocultural", "behavioral"),
        community="farmers and ranchers facing foreclosure, drought losses or debt",
        partner="High Desert Rural Health Cooperative",
        contact=("Karen Holt", "Clinical operations director"),
        problem=(
            "Farmers die by suicide at higher rates than most other workers, and a financial "
            "crisis often comes first. Farmers trust other farmers far more than they trust "
            "mental health services."
        ),
        objective=(
            "train farmers who have lived through a financial crisis as peer support specialists "
            "linked to telepsychiatry"
        ),
        aims=(
            "Train twelve farmer peer specialists with the cooperative",
            "Offer peer support to 60 farmers referred by lenders, extension agents and clinics",
            "Measure distress, help-seeking and referrals completed at three months",
        ),
        hypothesis="a peer who has been there will open the door to care",
        design="pre-post pilot",
        sample="60 farmers",
        outcome="psychological distress (K6) at three months",
        staff="peer specialist trainer",
        irb="pending",
        letter=True,
    ),
    "indigenous_prenatal": Topic(
        title="Timing of prenatal care among Indigenous Mexican immigrant women",
        populations=("hispanic", "low_ses"),
        domains=("health_care_system", "sociocultural"),
        community="Mixteco- and Triqui-speaking women in the county's farmworker communities",
        partner="Campesinos Unidos Health Committee",
        contact=("María Sánchez", "Committee coordinator"),
        problem=(
            "Indigenous Mexican women in our county start prenatal care later than any other "
            "group, and clinic records list them as Hispanic and Spanish-speaking, hiding both "
            "the gap and its causes."
        ),
        objective="measure when Indigenous Mexican women start prenatal care, and why",
        aims=(
            "Add Indigenous language to prenatal intake at two clinics",
            "Compare the timing of the first prenatal visit by language over one year",
            "Interview 20 women about what delayed or helped their first visit",
        ),
        hypothesis="language and fear of cost, not preference, delay prenatal care",
        design="mixed-methods cohort study",
        sample="about 400 pregnancies and 20 interviews",
        outcome="a first prenatal visit in the first trimester",
        staff="Mixteco-speaking interviewer (hourly)",
        irb="pending",
    ),
    "refugee_bp": Topic(
        title="Blood-pressure control among recently resettled refugees",
        populations=("low_ses",),
        domains=("health_care_system", "sociocultural"),
        community="Afghan, Syrian and Congolese refugees resettled in the county since 2021",
        partner="Refugee and Immigrant Wellness Center",
        contact=("Amal Rahman", "Program manager"),
        problem=(
            "Hypertension is found at the first health screening of one in four adult refugees "
            "resettled here, but fewer than half are treated to target a year later, as coverage "
            "lapses and appointments are made in English."
        ),
        objective=(
            "test a bilingual community health worker program for refugees with hypertension"
        ),
        aims=(
            "Train two community health workers from the refugee communities",
            "Enrol 60 adults and support home blood-pressure checks and medicine refills",
            "Compare blood-pressure control at six months with a matched clinic cohort",
        ),
        hypothesis="a health worker who shares the language will keep patients on treatment",
        design="pilot with a matched comparison",
        sample="60 adults",
        outcome="blood pressure below 140/90 at six months",
        staff="community health worker",
        irb="not_yet_submitted",
    ),
}


@dataclass(frozen=True)
class AwardPlan:
    """What becomes of an award of the decided call. Dates are written as they fall when the
    previous academic year is 2025-2026; the seeder moves them with the calendar."""

    end: date  # the award's last day as funded
    change: str = ""  # closed | no_cost_extension | terminated (grants.AwardStatus)
    change_on: date | None = None  # ended_on (closed, terminated) or the extension's new end
    changed_at: date | None = None  # when the administrator recorded the change
    reason: str = ""
    interim: date | None = None  # when the PI submitted the interim report (None: not yet)
    final: date | None = None  # ... and the final one


@dataclass(frozen=True)
class Plan:
    """One proposal of the demo: who leads it, what it is about and the state it ends in."""

    pi: str
    topic: str
    state: str  # draft_partial | draft_no_biosketch | draft_mentor_added |
    #              draft_endorsement_requested | submitted | returned | withdrawn | in_review
    mentor: str = ""
    co_investigators: tuple = ()
    reason: str = ""
    collaborators: tuple = ()
    # The decided call only: funded | reduced | waitlisted (then not funded) | not_funded.
    decision: str = ""
    award: AwardPlan | None = None


# faculty1 has nothing in the open call: the demo journey is faculty1 answering it.
OPEN_PLANS = [
    Plan("student1", "hcv_navigation", "draft_mentor_added", mentor="mentor1"),
    Plan("resident1", "farmworker_heat", "draft_endorsement_requested", mentor="mentor1"),
    Plan("faculty3", "headstart_air", "draft_partial"),
    Plan("faculty7", "storytelling_crc", "draft_no_biosketch"),
    Plan(
        "faculty4",
        "ckd_chw",
        "returned",
        reason=(
            "Thank you for your proposal. Before it goes to review, please upload a signed copy "
            "of the coalition's letter of support (the one attached is unsigned) and explain in "
            "the budget justification how the community health worker's effort is split between "
            "this project and your existing clinic grant. You can resubmit any time before the "
            "deadline."
        ),
    ),
    Plan(
        "faculty5",
        "clergy_suicide",
        "withdrawn",
        reason=(
            "Our partner congregations asked us to wait until after harvest season; we will "
            "apply in the next cycle."
        ),
    ),
    Plan("faculty6", "paramedicine_bp", "submitted", co_investigators=("mentor1",)),
    Plan("student2", "preterm_deprivation", "submitted", mentor="faculty2"),
    Plan("postdoc1", "wheelchair_transport", "submitted", mentor="faculty3"),
]
REVIEW_PLANS = [
    Plan("faculty1", "promotora_diabetes", "in_review", co_investigators=("faculty6",)),
    Plan("faculty2", "doula_postpartum", "in_review"),
    Plan("faculty3", "asthma_housing", "in_review"),
    Plan("faculty4", "kidney_nhpi", "in_review", co_investigators=("mentor1",)),
    # reviewer2 on the team: an automatic conflict of interest for the review workflow.
    Plan("faculty5", "rural_telepsych", "in_review", co_investigators=("reviewer2",)),
    Plan("faculty6", "language_ed", "in_review"),
    Plan("faculty7", "food_sovereignty", "in_review"),
    Plan("mentor1", "barbershop_bp", "in_review", co_investigators=("faculty2",)),
    Plan("student1", "sgm_rural_youth", "in_review", mentor="faculty5"),
    Plan("student2", "hpv_vietnamese", "in_review", mentor="faculty2"),
    Plan("resident1", "food_rx", "in_review", mentor="mentor1"),
    Plan("postdoc1", "disability_screening", "in_review", mentor="faculty3"),
]
# The previous round, decided and released; its awards are what the HRSA report counts.
# The awards start on the first of the month after the decisions (September 1, 2025).
PAST_PLANS = [
    Plan(
        "faculty1",
        "gdm_navigation",
        "in_review",
        co_investigators=("reviewer1",),
        collaborators=("postdoc1",),
        decision="funded",
        award=AwardPlan(end=date(2027, 2, 28), interim=date(2026, 5, 27)),
    ),
    Plan(
        "faculty2",
        "postpartum_bp_texts",
        "in_review",
        collaborators=("student2",),
        decision="reduced",
        reason=(
            "Funded for twelve months at 80% of the request: the committee funded Aims 1 and 2; "
            "the readmission follow-up of Aim 3 can use the hospital's own records at no cost."
        ),
        award=AwardPlan(
            end=date(2026, 8, 31),
            change="no_cost_extension",
            change_on=date(2027, 8, 31),
            changed_at=date(2026, 7, 20),
            reason=(
                "Enrolment paused for four months while the hospital changed its electronic "
                "record; the extension lets the study reach its target at no extra cost."
            ),
            interim=date(2026, 2, 26),
        ),
    ),
    Plan(
        "student1",
        "street_wounds",
        "in_review",
        mentor="mentor1",
        decision="funded",
        award=AwardPlan(
            end=date(2026, 6, 30),
            change="closed",
            change_on=date(2026, 6, 30),
            changed_at=date(2026, 7, 6),
            reason="Completed on schedule at the end of the academic year.",
            interim=date(2026, 1, 23),
            final=date(2026, 8, 24),
        ),
    ),
    Plan("faculty3", "school_asthma", "in_review", decision="not_funded"),
    # resident1's interim report is left overdue (due May 31, 2026).
    Plan(
        "resident1",
        "legal_housing",
        "in_review",
        mentor="mentor1",
        co_investigators=("faculty6",),
        decision="funded",
        award=AwardPlan(end=date(2027, 2, 28)),
    ),
    Plan(
        "fellow1",
        "rural_hcv_echo",
        "in_review",
        mentor="chair",
        decision="funded",
        award=AwardPlan(
            end=date(2026, 6, 30),
            change="closed",
            change_on=date(2026, 6, 30),
            changed_at=date(2026, 7, 6),
            reason="Completed on schedule at the end of the academic year.",
            interim=date(2026, 1, 27),
            final=date(2026, 8, 12),
        ),
    ),
    Plan(
        "faculty7",
        "tribal_games",
        "in_review",
        co_investigators=("faculty4",),
        collaborators=("coordinator1",),
        decision="funded",
        award=AwardPlan(
            end=date(2027, 2, 28),
            change="terminated",
            change_on=date(2026, 2, 27),
            changed_at=date(2026, 3, 3),
            reason=(
                "After its election the tribal council paused all outside research on the "
                "reservation; the partner asked to stop, and the unspent funds were returned."
            ),
            final=date(2026, 4, 21),
        ),
    ),
    Plan("faculty5", "farmer_peers", "in_review", decision="waitlisted"),
    Plan("student2", "indigenous_prenatal", "in_review", mentor="faculty2", decision="not_funded"),
    Plan("faculty6", "refugee_bp", "in_review", decision="not_funded"),
]
WAITLIST_CLOSED = (
    "The waitlist closed when the year's budget was committed; the committee encourages "
    "resubmission to the next round."
)

# ---- What the funded projects produced (recorded through the reporting services) -------------
# Each entry: (the PIs whose awards it is linked to, fields). Dates as for PAST_PLANS.

PUBLICATIONS = [
    (
        ("faculty1",),
        {
            "title": (
                "Postpartum glucose testing after gestational diabetes among Latina women: "
                "protocol of a promotora navigation pilot"
            ),
            "doi": "10.5555/northstar-demo.2025.011",
            "journal": "Journal of Health Care for the Poor and Underserved",
            "published_on": date(2025, 11, 1),
            "authors": "Ramírez E\nHerrera L\nAsante K",
            "peer_reviewed": True,
            "disparities_focused": True,
        },
    ),
    (
        ("faculty2",),
        {
            "title": "Validation of home blood-pressure cuffs for postpartum self-monitoring",
            "doi": "10.5555/northstar-demo.2026.012",
            "pmid": "39990102",
            "journal": "Hypertension in Pregnancy",
            "published_on": date(2026, 2, 1),
            "authors": "Bell M\nTorres AL\nBrooks I",
            "peer_reviewed": True,
            "disparities_focused": False,
        },
    ),
    (
        ("student1", "resident1"),  # mentor1 mentors both projects and records it
        {
            "title": (
                "Housing, wounds and hepatitis C: structural drivers of unmet need seen in "
                "street medicine and a resident clinic"
            ),
            "pmid": "39990211",
            "journal": "Journal of Urban Health",
            "published_on": date(2026, 4, 1),
            "authors": "Ellis J\nNguyen K\nAdeyemi S",
            "peer_reviewed": True,
            "disparities_focused": True,
        },
    ),
    (
        ("student1",),
        {
            "title": (
                "Chronic wounds and untreated hepatitis C at street-medicine outreach: a "
                "six-month encounter log (preprint)"
            ),
            "doi": "10.5555/northstar-demo.2026.014",
            "journal": "medRxiv",
            "published_on": date(2026, 5, 1),
            "authors": "Ellis J\nMiles T\nAdeyemi S",
            "peer_reviewed": False,
            "disparities_focused": True,
        },
    ),
    (
        ("faculty7",),
        {
            "title": (
                "Elders teaching traditional games: a tribal youth wellness program (abstract)"
            ),
            "journal": "Journal of Adolescent Health, abstract supplement",
            "published_on": date(2026, 1, 1),
            "authors": "Tsosie G\nYazzie D\nKealoha D",
            "peer_reviewed": False,
            "disparities_focused": True,
        },
    ),
    (
        ("fellow1",),
        {
            "title": (
                "Hepatitis C cure in rural community health centers with specialist telementoring"
            ),
            "doi": "10.5555/northstar-demo.2026.016",
            "pmid": "39990306",
            "journal": "The Journal of Rural Health",
            "published_on": date(2026, 9, 1),
            "authors": "Okafor J\nWhitehorse R\nDelgado R",
            "peer_reviewed": True,
            "disparities_focused": True,
        },
    ),
    (
        ("faculty1",),
        {
            "title": "Navigating the handoff: women's accounts of postpartum diabetes screening",
            "pmid": "39990407",
            "journal": "Ethnicity & Disease",
            "published_on": date(2026, 10, 1),
            "authors": "Ramírez E\nYusuf F\nHerrera L\nAsante K",
            "peer_reviewed": True,
            "disparities_focused": True,
        },
    ),
    (
        ("faculty2",),
        {
            # Accepted, month not known yet: the Checks flag it (it counts in no period).
            "title": (
                "Text check-ins after hypertensive pregnancy: adherence in the first six weeks"
            ),
            "journal": "Obstetrics & Gynecology (in press)",
            "year": 2026,
            "authors": "Bell M\nTorres AL",
            "peer_reviewed": True,
            "disparities_focused": True,
        },
    ),
]
PRESENTATIONS = [
    (
        ("faculty1",),
        "Promotora navigation after gestational diabetes",
        "Family Medicine Grand Rounds, Western Valley University",
        date(2025, 10, 8),
        "oral",
        "local",
    ),
    (
        ("faculty7",),
        "Traditional games for youth wellness: designing with elders",
        "Northwest Tribal Health Conference",
        date(2025, 10, 22),
        "oral",
        "regional",
    ),
    (
        ("faculty2",),
        "Home blood-pressure monitoring after hypertensive pregnancy",
        "American Public Health Association Annual Meeting",
        date(2025, 11, 3),
        "poster",
        "national",
    ),
    (
        ("student1",),
        "Six months of street-medicine encounters",
        "Western Medical Research Conference",
        date(2026, 1, 29),
        "poster",
        "regional",
    ),
    (
        ("student1",),
        "What street medicine sees: a student needs assessment",
        "Student Research Day, Western Valley University School of Medicine",
        date(2026, 3, 12),
        "poster",
        "local",
    ),
    (
        ("fellow1",),
        "Telementoring rural clinicians to cure hepatitis C",
        "World Rural Health Conference",
        date(2026, 4, 16),
        "oral",
        "international",
    ),
    (
        ("resident1",),
        "A medical-legal partnership in a resident clinic",
        "Society of General Internal Medicine Annual Meeting",
        date(2026, 5, 14),
        "poster",
        "national",
    ),
    (
        ("faculty2",),
        "Cuff and Text: early results",
        "International Society for the Study of Hypertension in Pregnancy World Congress",
        date(2026, 9, 17),
        "poster",
        "international",
    ),
    (
        ("faculty1",),
        "Closing the postpartum diabetes screening gap with promotoras",
        "American Public Health Association Annual Meeting",
        date(2026, 11, 2),
        "oral",
        "national",
    ),
]
NIMHD = "National Institute on Minority Health and Health Disparities (NIMHD)"
FOLLOW_ON_FUNDING = [
    (
        ("faculty1",),
        {
            "sponsor": NIMHD,
            "sponsor_type": "nih",
            "mechanism": "R21",
            "title": "Promotora navigation to prevent type 2 diabetes after gestational diabetes",
            "amount": Decimal("275000"),
            "status": "awarded",
            "applied_on": date(2025, 10, 16),
            "decided_on": date(2026, 5, 20),
        },
    ),
    (
        ("faculty2",),
        {
            "sponsor": "March of Dimes",
            "sponsor_type": "foundation",
            "title": "Remote blood-pressure monitoring after birth",
            "amount": Decimal("150000"),
            "status": "awarded",
            "applied_on": date(2025, 11, 14),
            "decided_on": date(2026, 3, 30),
        },
    ),
    (
        ("faculty7",),
        {
            "sponsor": "W.K. Kellogg Foundation",
            "sponsor_type": "foundation",
            "title": "Youth-led traditional games across three tribal communities",
            "amount": Decimal("200000"),
            "status": "declined",
            "applied_on": date(2025, 10, 1),
            "decided_on": date(2026, 1, 22),
        },
    ),
    (
        ("student1",),
        {
            "sponsor": "Western Valley University School of Medicine",
            "sponsor_type": "internal",
            "mechanism": "Dean's Research Scholars",
            "title": "Street-medicine wound care follow-up",
            "amount": Decimal("6000"),
            "status": "awarded",
            "applied_on": date(2026, 1, 12),
            "decided_on": date(2026, 2, 27),
        },
    ),
    (
        ("resident1",),
        {
            "sponsor": "Agency for Healthcare Research and Quality (AHRQ)",
            "sponsor_type": "other_federal",
            "mechanism": "R03",
            "title": "Medical-legal partnership and blood-pressure control",
            "amount": Decimal("100000"),
            "status": "declined",
            "applied_on": date(2026, 2, 16),
            "decided_on": date(2026, 7, 24),
        },
    ),
    (
        ("faculty2",),
        {
            "sponsor": "Eunice Kennedy Shriver National Institute of Child Health and Human "
            "Development (NICHD)",
            "sponsor_type": "nih",
            "mechanism": "R01",
            "title": "Remote monitoring to prevent postpartum hypertensive emergencies",
            "amount": Decimal("2750000"),
            "status": "applied",
            "applied_on": date(2026, 6, 5),
        },
    ),
    (
        ("fellow1",),
        {
            "sponsor": NIMHD,
            "sponsor_type": "nih",
            "mechanism": "K23",
            "title": "Hepatitis C elimination in rural primary care",
            "amount": Decimal("865000"),
            "status": "applied",
            "applied_on": date(2026, 6, 11),
        },
    ),
    (
        ("faculty1",),
        {
            "sponsor": "National Institute of Diabetes and Digestive and Kidney Diseases (NIDDK)",
            "sponsor_type": "nih",
            "mechanism": "R01",
            "title": "Familias Sanas: preventing diabetes in Latino families after pregnancy",
            "amount": Decimal("3150000"),
            "status": "applied",
            "applied_on": date(2026, 10, 5),
        },
    ),
]
# (PI of the award, trainee, fields): resident1 and student2 finished degrees in 2024-2025
# (INDGEN-PY of 2025-2026); student1 and fellow1 completed their projects in 2025-2026.
TRAINEE_OUTCOMES = [
    (
        "resident1",
        "resident1",
        {
            "recorded_on": date(2025, 9, 15),
            "degree_completed": "MD",
            "completion_date": date(2025, 5, 16),
            "position": "Internal medicine residency (primary care track), Valley County Medical "
            "Center",
            "in_further_training": "yes",
            "employed": "no",
            "practicing_underserved": "yes",
            "practicing_rural": "no",
            "practicing_primary_care": "yes",
        },
    ),
    (
        "faculty2",
        "student2",
        {
            "recorded_on": date(2025, 9, 2),
            "degree_completed": "MPH",
            "completion_date": date(2025, 5, 9),
            "position": "PhD program in Epidemiology, Western Valley University",
            "in_further_training": "yes",
            "employed": "no",
        },
    ),
    (
        "student1",
        "student1",
        {
            "recorded_on": date(2026, 8, 20),
            "position": "Third-year medical student; street-medicine elective lead",
            "in_further_training": "yes",
            "employed": "no",
        },
    ),
    (
        "fellow1",
        "fellow1",
        {
            "recorded_on": date(2026, 9, 15),
            "degree_completed": "Primary care research fellowship",
            "completion_date": date(2026, 6, 30),
            "position": "Family physician, Sierra Foothills Community Health Center (FQHC)",
            "in_further_training": "no",
            "employed": "yes",
            "practicing_underserved": "yes",
            "practicing_rural": "yes",
            "practicing_primary_care": "yes",
        },
    ),
]
PARTNERSHIPS = [
    (
        "faculty1",
        "Valle Verde Promotores Network",
        "community_based_organization",
        "community_engagement",
    ),
    ("faculty1", "Central Valley Farmworker Health Center", "fqhc", "clinical"),
    (
        "faculty2",
        "Sister Circle Birth Collective",
        "community_based_organization",
        "community_engagement",
    ),
    (
        "faculty2",
        "County Department of Public Health, Maternal and Child Health",
        "public_health_department",
        "research",
    ),
    ("student1", "Open Door Street Medicine", "community_based_organization", "training"),
    ("resident1", "Valley Legal Aid Society", "other", "other"),
    ("resident1", "Valley County Medical Center", "academic_medical_center", "training"),
    ("fellow1", "Sierra Foothills Community Health Center", "fqhc", "training"),
    ("fellow1", "Mother Lode Community Health Center", "community_health_center", "clinical"),
    ("fellow1", "Gold Country Area Health Education Center", "ahec", "dissemination"),
    ("faculty7", "Tribal Youth Wellness Council", "tribal_urban_indian", "community_engagement"),
]


# ---- Text ------------------------------------------------------------------------------------

GAPS = [
    "Few programs have been designed with, rather than for, {community}, and none has been "
    "tested where they live and receive care.",
    "Approaches shown to work elsewhere were developed in better-resourced settings and have not "
    "been adapted for {community}.",
    "The local data needed to act on this gap do not yet exist for {community}.",
]
GOALS = [
    "community-owned programs that close this gap and outlast the grant",
    "to eliminate this disparity through partnerships that the community leads",
    "evidence that health systems and communities can act on together",
]
AIM_DETAILS = [
    [
        "Community advisory board members will review every protocol and instrument first.",
        "We will document each decision and its rationale so the work can be replicated.",
        "This aim builds on the partner's existing relationships and starts in month 1.",
    ],
    [
        "Feasibility benchmarks are set in advance: at least 80% of the recruitment target, "
        "80% retention and 85% fidelity.",
        "Data will be collected by trained staff in each participant's preferred language.",
        "We will report results by sex and, where numbers allow, by age group.",
    ],
    [
        "Results will be returned to participants and partners before publication.",
        "These estimates will size a fully powered study.",
        "Findings will be interpreted jointly with the community advisory board.",
    ],
]
INNOVATIONS = [
    "The program is co-owned by a community organisation from its first design meeting.",
    "It moves the intervention out of the clinic and into a setting the community trusts.",
    "It measures structural drivers of the disparity, not only individual behaviour.",
    "It builds a reusable data and referral infrastructure the partner keeps after the award.",
]
PROBLEMS = [
    "If recruitment is slower than planned, the partner will add community events and we will "
    "extend enrolment by two months.",
    "If retention falls below 80%, we will add text reminders and flexible, evening data "
    "collection.",
    "If the primary outcome cannot be measured for some participants, we will report it for the "
    "rest and examine missingness by subgroup.",
]


BARRIERS = [
    "IRB approval took two months longer than planned; the partner's staff used the time to "
    "pilot-test the materials, and enrolment caught up by month six.",
    "Recruitment slowed during harvest season. We added evening and weekend sessions at the "
    "partner's site and extended enrolment by six weeks.",
    "Our research coordinator left in month four. The partner lent a staff member for six weeks "
    "while we hired, and no participant visits were missed.",
    "None that changed the plan; the advisory board asked for results in Spanish and in plain "
    "language, which we now prepare for every meeting.",
]


def _lcfirst(text: str) -> str:
    return text[:1].lower() + text[1:]


def next_award(applicant_type: str) -> str:
    return {
        T.MEDICAL_STUDENT: "a national medical-student research fellowship",
        T.PHD_STUDENT: "an NIH F31 predoctoral fellowship",
        T.POSTDOC: "an NIH K99/R00 or K01 award",
        T.RESIDENT: "a mentored career development award (K23)",
        T.FELLOW: "a mentored career development award (K23)",
        T.INSTRUCTOR: "an NIH K-award or R21",
        T.ASSISTANT_PROFESSOR: "an NIH R21 or K-award",
    }.get(applicant_type, "an NIMHD R01")


# ---- The seeder ------------------------------------------------------------------------------


COMMITTEE_NAME = "Health Equity Research Review Committee"


class DemoSeeder:
    def __init__(self, *, now: datetime, rng: random.Random):
        self.now = now
        self.rng = rng
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.created: Counter = Counter()
        self.notes: list[str] = []
        self.existing: list[str] = []
        self.users: dict[str, User] = {}
        self._pdfs: dict[str, bytes] | None = None
        self._password_hash: str | None = None
        self._proposal_ct = ContentType.objects.get_for_model(Proposal)
        self.today = timezone.localtime(now, self.zone).date()
        self.current = current_period(self.today)
        self.previous = self.current.previous
        # The decided call's story is written for 2025-2026 as the previous academic year; a
        # later run moves it with the calendar, so the report always has last year to show.
        self.shift = self.previous.first_year - 2025

    # -- time helpers --

    def local(self, days: int, hour: int, minute: int = 0) -> datetime:
        """Today in the program's zone, moved ``days`` ahead, at the given wall-clock time."""
        day = timezone.localtime(self.now, self.zone).date() + timedelta(days=days)
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone)

    def day(self, on: date) -> date:
        """A date of the decided call's story (written for 2025-2026), moved with the calendar."""
        return on.replace(year=on.year + self.shift)

    def happened(self, on: date) -> date:
        """As ``day``, for something that has happened: never after today."""
        return min(self.day(on), self.today)

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """That day at that wall-clock time in the program's zone; never in the future."""
        moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone)
        return min(moment, self.now - timedelta(minutes=5))

    def moment(self, on: date, hour: int, minute: int = 0) -> datetime:
        return self.at(self.day(on), hour, minute)

    @contextmanager
    def dated(self, moment: datetime):
        """The history rows the block writes happened at ``moment`` (a minute apart, in order)."""
        last = StateChange.objects.aggregate(last=Max("pk"))["last"] or 0
        yield
        rows = StateChange.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)
        for step, pk in enumerate(list(rows)):
            StateChange.objects.filter(pk=pk).update(at=moment + timedelta(minutes=step))

    def between(self, start: datetime, end: datetime) -> datetime:
        """A moment in [start, end), in waking hours in the program's zone when possible."""
        moment = start + (end - start) * self.rng.random()
        local = timezone.localtime(moment, self.zone)
        awake = local.replace(hour=self.rng.randint(8, 21), minute=self.rng.randint(0, 59))
        return awake if start <= awake < end else moment

    # -- entry point --

    def run(self) -> None:
        ensure_role_groups()
        self.users = {spec.username: self.person(spec) for spec in PEOPLE}
        self.admin = self.users["admin"]
        program, made = Program.objects.get_or_create(
            name=PROGRAM_NAME,
            defaults={"short_name": PROGRAM_SHORT_NAME, "institution": INSTITUTION},
        )
        self.created["programs"] += made
        self.past_call(program)
        self.review_call(program)
        self.review_committee()
        self.open_call(program)

    def review_committee(self) -> None:
        """The standing committee, attached to the call in review (phase: assignment), so the
        chair can auto-assign straight away."""
        committee = Committee.objects.filter(name=COMMITTEE_NAME).first()
        if committee is None:
            committee = review_services.committee_create(
                actor=self.admin,
                name=COMMITTEE_NAME,
                chair=self.users["chair"],
                members=[self.users[name] for name in ("reviewer1", "reviewer2", "reviewer3")],
                load_cap=12,
            )
            self.created["committees"] += 1
        call = FundingCall.objects.get(title=REVIEW_CALL_TITLE)
        if not CallReview.objects.filter(call=call).exists():
            review_services.committee_attach_to_call(
                committee=committee,
                call=call,
                actor=self.admin,
                reviewers_per_proposal=3,
                review_due_at=self.local(14, 17),
            )

    # -- people --

    def person(self, spec: Person) -> User:
        existing = User.objects.filter(username=spec.username).first()
        if existing is not None:
            # Never touch an account that is already there (it may be someone's real login).
            self.existing.append(spec.username)
            return existing
        if self._password_hash is None:
            # One hash for every demo account: PBKDF2 is deliberately slow, the password public.
            self._password_hash = make_password(PASSWORD)
        user = user_create(
            username=spec.username,
            email=f"{spec.username}@example.edu",
            first_name=spec.first_name,
            last_name=spec.last_name,
            applicant_type=spec.applicant_type,
            department=spec.department,
            roles=spec.roles,
        )
        user.password = self._password_hash
        user.is_staff = user.is_superuser = Role.ADMINISTRATOR in spec.roles
        user.save(update_fields=["password", "is_staff", "is_superuser"])
        profile = profile_for(user)
        profile.orcid = spec.orcid
        profile.era_commons_id = spec.era_commons_id
        profile.expertise_keywords = spec.keywords
        profile.full_clean()
        profile.save()
        if spec.demographics:
            demographics = demographics_for(user)
            for name, value in spec.demographics.items():
                setattr(demographics, name, value)
            demographics.full_clean()
            demographics.save()
        self.created["users"] += 1
        return user

    # -- calls --

    def new_call(self, program: Program, **fields) -> FundingCall:
        call = FundingCall.objects.create(
            program=program,
            eligible_applicant_types=ELIGIBLE,
            one_per_applicant=True,
            **fields,
        )
        services.call_transition(call=call, to=CallStatus.OPEN, actor=self.admin)
        self.created["calls"] += 1
        return call

    def open_call(self, program: Program) -> None:
        call = FundingCall.objects.filter(program=program, title=OPEN_CALL_TITLE).first()
        if call is not None:
            self.keep_open(call)
            return
        opens_at = self.local(-7, 9)
        call = self.new_call(
            program,
            title=OPEN_CALL_TITLE,
            description=(
                "One-year pilot awards of up to $25,000 for research that reduces health "
                "disparities in the communities our school serves. Priority goes to projects "
                "built with a community partner and likely to lead to extramural funding. "
                "Faculty at every rank and trainees (students, residents, fellows and "
                "postdoctoral fellows) may apply; trainees need a faculty mentor's endorsement."
            ),
            eligibility_notes=(
                "One proposal per applicant. Trainees name a faculty mentor on the team, who "
                "endorses the proposal before it can be submitted."
            ),
            opens_at=opens_at,
            closes_at=self.local(21, 17),
            total_budget=Decimal("150000.00"),
            max_award=Decimal("25000.00"),
            duration_months=12,
        )
        self.retime_call(call, [opens_at])
        for plan in OPEN_PLANS:
            self.proposal(call, plan, window=(opens_at + timedelta(hours=2), self.now))

    def keep_open(self, call: FundingCall) -> None:
        """A demo run weeks later still finds the open call open: push a passed deadline on."""
        if call.status == CallStatus.OPEN and call.closes_at <= self.now + timedelta(days=2):
            closes_at = self.local(21, 17)
            FundingCall.objects.filter(pk=call.pk).update(closes_at=closes_at)
            self.notes.append(
                "The open call's deadline had passed or was two days away; it now closes "
                f"{timezone.localtime(closes_at, self.zone):%B %-d, %Y at %-I:%M %p %Z}."
            )

    def review_call(self, program: Program) -> None:
        if FundingCall.objects.filter(program=program, title=REVIEW_CALL_TITLE).exists():
            return
        opens_at, closes_at = self.local(-60, 9), self.local(-14, 17)
        review_at = self.local(-12, 10)
        # Proposals are written and submitted while the call is open, as in life; then the
        # deadline moves to where it really was and the call goes to review.
        call = self.new_call(
            program,
            title=REVIEW_CALL_TITLE,
            description=(
                "Eighteen-month awards of up to $40,000 for community-engaged research on health "
                "disparities, co-led with a community organisation. Open to faculty and trainees."
            ),
            eligibility_notes="One proposal per applicant; trainees need a mentor's endorsement.",
            opens_at=opens_at,
            closes_at=self.now + timedelta(days=1),
            total_budget=Decimal("200000.00"),
            max_award=Decimal("40000.00"),
            duration_months=18,
        )
        proposals = [
            self.proposal(call, plan, window=(opens_at + timedelta(days=2), closes_at))
            for plan in REVIEW_PLANS
        ]
        FundingCall.objects.filter(pk=call.pk).update(closes_at=closes_at)
        call.refresh_from_db()
        services.call_transition(call=call, to=CallStatus.CLOSED, actor=self.admin)
        services.call_transition(call=call, to=CallStatus.IN_REVIEW, actor=self.admin)
        self.retime_call(call, [opens_at, closes_at, review_at])
        for proposal in proposals:
            services.proposal_transition(
                proposal=proposal, to=ProposalStatus.IN_REVIEW, actor=self.admin
            )
            self.retime(proposal, tail=review_at + timedelta(minutes=self.rng.randint(1, 40)))

    # -- the decided call: last year's round, its awards and what they produced --

    def past_call(self, program: Program) -> None:
        """The previous round of the pilot awards: ten proposals submitted, reviewed, decided
        (one at a reduced amount, one waitlisted and later not funded) and released in the
        previous academic year; six awards, since extended, closed or terminated; progress
        reports (one overdue); outcomes; and the narratives of both academic years."""
        if FundingCall.objects.filter(
            program=program, title__endswith=f" {OPEN_CALL_TITLE}"
        ).exists():
            return
        opens_at = self.moment(date(2025, 6, 2), 9)
        closes_at = self.moment(date(2025, 7, 25), 17)
        call = self.new_call(
            program,
            title=f"{self.day(date(2025, 1, 1)).year} {OPEN_CALL_TITLE}",
            description=(
                "Pilot awards of up to $30,000 for up to eighteen months for research that "
                "reduces health disparities in the communities our school serves, built with a "
                "community partner. Faculty and trainees may apply; trainee projects usually run "
                "to the end of the academic year."
            ),
            eligibility_notes=(
                "One proposal per applicant. Trainees name a faculty mentor on the team, who "
                "endorses the proposal before it can be submitted."
            ),
            opens_at=opens_at,
            closes_at=self.now + timedelta(days=1),
            total_budget=Decimal("180000.00"),
            max_award=Decimal("30000.00"),
            duration_months=18,
        )
        self.retime_call(call, [opens_at])
        # Written and submitted while the call was open; then the deadline moves to where it
        # really was, and the review, the decisions and the awards follow.
        window = (opens_at + timedelta(days=14), closes_at)
        proposals = {plan.pi: self.proposal(call, plan, window=window) for plan in PAST_PLANS}
        FundingCall.objects.filter(pk=call.pk).update(closes_at=closes_at)
        call.refresh_from_db()
        with self.dated(self.moment(date(2025, 7, 28), 10)):
            services.call_begin_review(call=call, actor=self.admin)
        self.decide(call, proposals)
        awards = {}
        for plan in PAST_PLANS:
            if plan.award is not None:
                award = Award.objects.get(proposal=proposals[plan.pi])
                awards[plan.pi] = self.award_life(plan, award)
        for proposal in proposals.values():
            last = StateChange.objects.filter(
                content_type=self._proposal_ct, object_id=proposal.pk
            ).aggregate(last=Max("at"))["last"]
            Proposal.objects.filter(pk=proposal.pk).update(updated_at=last)
        self.outcomes(awards)
        self.narratives(call)

    def decide(self, call: FundingCall, proposals: dict[str, Proposal]) -> None:
        """Decisions recorded over an afternoon, released a week later; the waitlisted
        proposal is decided (not funded) in October, when the waitlist closes."""
        decided_at = self.moment(date(2025, 8, 19), 13)
        released_at = self.moment(date(2025, 8, 27), 10)
        outcomes = {
            "funded": DecisionOutcome.FUNDED,
            "reduced": DecisionOutcome.FUNDED,
            "waitlisted": DecisionOutcome.WAITLISTED,
            "not_funded": DecisionOutcome.NOT_FUNDED,
        }
        for step, plan in enumerate(PAST_PLANS):
            proposal = Proposal.objects.get(pk=proposals[plan.pi].pk)
            amount, reason = None, ""
            if plan.decision == "reduced":
                cut = proposal.requested_amount * Decimal("0.8") / 100
                amount, reason = cut.quantize(Decimal("1"), ROUND_DOWN) * 100, plan.reason
            moment = decided_at + timedelta(minutes=12 * step)
            with self.dated(moment):
                decision = services.decision_record(
                    proposal=proposal,
                    actor=self.admin,
                    outcome=outcomes[plan.decision],
                    amount=amount,
                    reason=reason,
                )
            Decision.objects.filter(pk=decision.pk).update(decided_at=moment)
            self.created["awards"] += Award.objects.filter(proposal=proposal).update(
                created_at=moment
            )
        with self.dated(released_at):
            services.decisions_release(call=call, actor=self.admin)
        Decision.objects.filter(call=call).update(released_at=released_at)
        closed_at = self.moment(date(2025, 10, 6), 11)
        for plan in PAST_PLANS:
            if plan.decision == "waitlisted":
                with self.dated(closed_at):
                    decision = services.decision_record(
                        proposal=Proposal.objects.get(pk=proposals[plan.pi].pk),
                        actor=self.admin,
                        outcome=DecisionOutcome.NOT_FUNDED,
                        reason=WAITLIST_CLOSED,
                    )
                Decision.objects.filter(pk=decision.pk).update(decided_at=closed_at)

    def award_life(self, plan: Plan, award: Award) -> Award:
        """The award's dates, its progress reports and its change of status, in the order
        they happened: schedule, interim report, extension / close / termination (which moves
        the schedule), final report."""
        spec = plan.award
        pi = self.users[plan.pi]
        topic = TOPICS[plan.topic]
        start, _ = services.award_dates(call=award.call, decided_on=self.day(date(2025, 8, 27)))
        Award.objects.filter(pk=award.pk).update(start_date=start, end_date=self.day(spec.end))
        award.refresh_from_db()
        reporting_services.progress_reports_schedule(award=award)
        ProgressReport.objects.filter(award=award).update(created_at=self.at(start, 8))
        if spec.interim:
            self.submit_report(award, ProgressReportKind.INTERIM, spec.interim, pi, topic, spec)
        if spec.change:
            if spec.change == AwardStatus.NO_COST_EXTENSION:
                dates = {"new_end_date": self.day(spec.change_on)}
            else:
                dates = {"ended_on": self.day(spec.change_on)}
            with self.dated(self.moment(spec.changed_at, 11)):
                award = services.award_transition(
                    award=award, to=spec.change, actor=self.admin, reason=spec.reason, **dates
                )
            reporting_services.progress_reports_schedule(award=award)
        if spec.final:
            self.submit_report(award, ProgressReportKind.FINAL, spec.final, pi, topic, spec)
        return award

    def submit_report(self, award, kind, on: date, pi: User, topic: Topic, spec) -> None:
        report = ProgressReport.objects.get(award=award, kind=kind)
        moment = self.moment(on, self.rng.randint(9, 17), self.rng.randint(0, 59))
        objectives, barriers = self.report_text(topic, kind, spec)
        with self.dated(moment):
            reporting_services.progress_report_submit(
                report=report,
                actor=pi,
                objectives_accomplishments=objectives,
                barriers_resolutions=barriers,
            )
        ProgressReport.objects.filter(pk=report.pk).update(submitted_at=moment)

    def report_text(self, topic: Topic, kind: str, spec: AwardPlan) -> tuple[str, str]:
        first, second, third = (_lcfirst(aim) for aim in topic.aims)
        if kind == ProgressReportKind.INTERIM:
            enrolled = self.rng.choice([55, 60, 70, 75])
            return (
                f"Aim 1 is complete (we set out to {first}). Aim 2 is under way ({second}): "
                f"enrolment has reached {enrolled}% of the target. Aim 3 ({third}) starts when "
                f"follow-up ends. {topic.partner} co-leads recruitment, and the community "
                "advisory board has met every month.",
                self.rng.choice(BARRIERS),
            )
        if spec.change == AwardStatus.TERMINATED:
            return (
                f"The project stopped early, at the partner's request. Aim 1 was completed (we "
                f"set out to {first}). The data collected before the stop were returned to "
                f"{topic.partner}, who hold them under the research agreement; no further "
                "analyses will be done.",
                spec.reason,
            )
        return (
            f"All three aims were completed: to {first}; to {second}; and to {third}. Results "
            f"were returned to participants and to {topic.partner} at a community meeting "
            "before publication; the papers, presentations and follow-on applications are "
            "recorded on the award.",
            self.rng.choice(BARRIERS),
        )

    def recorder(self, awards: list[Award]) -> User:
        """Who records an outcome: the PI of its award, or someone on the team of every award
        it is linked to (else the administrator)."""
        if len(awards) == 1:
            return awards[0].proposal.pi
        teams = [
            {
                award.proposal.pi_id,
                *TeamMember.objects.filter(
                    proposal_id=award.proposal_id, user__isnull=False
                ).values_list("user_id", flat=True),
            }
            for award in awards
        ]
        common = set.intersection(*teams)
        return next((u for u in self.users.values() if u.pk in common), self.admin)

    def outcomes(self, awards: dict[str, Award]) -> None:
        """Publications, presentations, follow-on funding, trainee outcomes and partnerships,
        each recorded by an awardee through the reporting services, then stamped with the time
        it was recorded (a few days after it happened)."""

        def story(fields: dict) -> dict:
            return {k: self.happened(v) if isinstance(v, date) else v for k, v in fields.items()}

        def stamp(item, on: date | None) -> None:
            if on is not None:
                moment = self.at(on + timedelta(days=self.rng.randint(1, 12)), 16)
                type(item).objects.filter(pk=item.pk).update(created_at=moment, updated_at=moment)
            self.created["outcomes"] += 1

        for pis, fields in PUBLICATIONS:
            linked = [awards[pi] for pi in pis]
            data = story(fields)
            if "year" in data:
                data["year"] += self.shift
            item = reporting_services.publication_create(
                actor=self.recorder(linked), awards=linked, data=data
            )
            stamp(item, item.published_on)
        for pis, title, venue, on, kind, level in PRESENTATIONS:
            linked = [awards[pi] for pi in pis]
            data = {
                "title": title,
                "venue": venue,
                "presented_on": self.happened(on),
                "kind": kind,
                "level": level,
            }
            item = reporting_services.presentation_create(
                actor=self.recorder(linked), awards=linked, data=data
            )
            stamp(item, item.presented_on)
        for pis, fields in FOLLOW_ON_FUNDING:
            linked = [awards[pi] for pi in pis]
            item = reporting_services.follow_on_funding_create(
                actor=self.recorder(linked), awards=linked, data=story(fields)
            )
            stamp(item, item.reporting_date)
        for pi, trainee, fields in TRAINEE_OUTCOMES:
            item = reporting_services.trainee_outcome_create(
                actor=self.users[trainee],
                award=awards[pi],
                data={"trainee": self.users[trainee], **story(fields)},
            )
            stamp(item, item.recorded_on)
        topics = {plan.pi: TOPICS[plan.topic] for plan in PAST_PLANS}
        for pi, organisation, partner_type, purpose in PARTNERSHIPS:
            award = awards[pi]
            item = reporting_services.partnership_create(
                actor=award.proposal.pi,
                award=award,
                data={
                    "organisation": organisation,
                    "partner_type": partner_type,
                    "purpose": purpose,
                    "description": f"Partner on “{topics[pi].title}”.",
                },
            )
            stamp(item, award.start_date)

    def narratives(self, call: FundingCall) -> None:
        """The administrator's narrative for the previous and the current academic year (a
        narrative already written is left alone)."""
        texts = {
            self.previous.label: (
                f"The {call.title} funded six of ten proposals: three faculty pilots and three "
                "trainee projects (a medical student, a resident and a clinical fellow), each with "
                "a community partner. Both trainee projects that ran to June finished on time and "
                "returned their results to the community; an NIMHD R21 and a March of Dimes grant "
                "were awarded on the strength of the pilots, and further NIH applications are "
                "under review.",
                "Two projects lost months to IRB review and a hospital record-system change; one "
                "received a no-cost extension. A tribal partner's new council paused all outside "
                "research, and that award was terminated with the unspent funds returned: the "
                "Center now asks for a tribal research agreement before funding, not after. "
                "Demographic information is still missing for some team members.",
            ),
            self.current.label: (
                f"In progress. Three awards of the {call.title} remain active, one under a "
                f"no-cost extension. The {REVIEW_CALL_TITLE} are in review and the next round "
                f"of {OPEN_CALL_TITLE} is open.",
                "One interim progress report is overdue; reminders go out with manage.py "
                "send_reminders.",
            ),
        }
        for period, (objectives, barriers) in texts.items():
            if ReportingPeriodNarrative.objects.filter(period=period).exists():
                continue
            reporting_services.narrative_save(
                period=period,
                actor=self.admin,
                objectives_accomplishments=objectives,
                barriers_resolutions=barriers,
            )

    # -- proposals --

    def proposal(self, call: FundingCall, plan: Plan, *, window) -> Proposal:
        topic = TOPICS[plan.topic]
        pi = self.users[plan.pi]
        proposal = services.proposal_create(call=call, actor=pi, title=topic.title)
        self.created["proposals"] += 1
        if plan.state == "draft_partial":
            services.proposal_update(
                proposal=proposal,
                actor=pi,
                data={
                    "abstract": self.abstract(topic, pi, call),
                    "disparity_populations": list(topic.populations),
                },
            )
            self.retime(proposal, window=window)
            return proposal

        services.proposal_update(proposal=proposal, actor=pi, data=self.sections(topic, pi, call))
        lines = self.budget(topic, call)
        for category, description, amount in lines:
            services.budget_line_save(
                proposal=proposal,
                actor=pi,
                category=category,
                description=description,
                amount=amount,
            )
        services.proposal_update(
            proposal=proposal,
            actor=pi,
            data={
                "requested_amount": sum((amount for _, _, amount in lines), Decimal("0")),
                "budget_justification": self.justification(lines, topic),
            },
        )
        self.team(proposal, plan, topic)
        if plan.state != "draft_no_biosketch":
            self.attach(
                proposal,
                pi,
                AttachmentKind.BIOSKETCH,
                f"bio:{plan.pi}",
                f"Biosketch - {pi.last_name}.pdf",
            )
        if topic.letter and plan.state != "draft_no_biosketch":
            self.attach(
                proposal,
                pi,
                AttachmentKind.LETTER_OF_SUPPORT,
                f"letter:{plan.topic}",
                f"Letter of support - {topic.partner}.pdf",
            )
        if plan.mentor and plan.state != "draft_mentor_added":
            endorsement = services.endorsement_request(proposal=proposal, actor=pi)
            if plan.state == "draft_endorsement_requested":
                Endorsement.objects.filter(pk=endorsement.pk).update(
                    requested_at=self.now - timedelta(hours=self.rng.randint(3, 40))
                )
            else:
                services.endorsement_respond(
                    endorsement=endorsement,
                    actor=self.users[plan.mentor],
                    endorse=True,
                    statement=self.endorsement_statement(pi, topic),
                )
        if plan.state in {"submitted", "returned", "withdrawn", "in_review"}:
            proposal = services.proposal_submit(proposal=proposal, actor=pi)
        if plan.state == "returned":
            proposal = services.proposal_return(
                proposal=proposal, actor=self.admin, reason=plan.reason
            )
        elif plan.state == "withdrawn":
            proposal = services.proposal_withdraw(proposal=proposal, actor=pi, reason=plan.reason)
        # Proposals going to review get their last entry's time in review_call.
        self.retime(proposal, window=window)
        return proposal

    def team(self, proposal: Proposal, plan: Plan, topic: Topic) -> None:
        pi = self.users[plan.pi]
        if plan.mentor:
            services.team_member_add(
                proposal=proposal, actor=pi, role=TeamRole.MENTOR, user=self.users[plan.mentor]
            )
        for username in plan.co_investigators:
            services.team_member_add(
                proposal=proposal,
                actor=pi,
                role=TeamRole.CO_INVESTIGATOR,
                user=self.users[username],
            )
        for username in plan.collaborators:
            services.team_member_add(
                proposal=proposal,
                actor=pi,
                role=TeamRole.COLLABORATOR,
                user=self.users[username],
            )
        name, _title = topic.contact
        services.team_member_add(
            proposal=proposal,
            actor=pi,
            role=TeamRole.COMMUNITY_PARTNER,
            full_name=name,
            organisation=topic.partner,
        )

    def attach(self, proposal: Proposal, pi: User, kind: str, key: str, name: str) -> None:
        upload = SimpleUploadedFile(name, self.pdf(key), content_type="application/pdf")
        services.attachment_add(proposal=proposal, actor=pi, kind=kind, uploaded_file=upload)

    # -- history timestamps --

    def retime_call(self, call: FundingCall, times: list[datetime]) -> None:
        rows = StateChange.objects.filter(
            content_type=ContentType.objects.get_for_model(FundingCall), object_id=call.pk
        ).order_by("pk")
        for row, at in zip(rows, times, strict=False):
            StateChange.objects.filter(pk=row.pk).update(at=at)

    def retime(self, proposal: Proposal, *, window=None, tail=None) -> None:
        """Spread a proposal's history over ``window`` (in order), or stamp its newest entry
        with ``tail``; keep created/submitted/updated and the endorsement in step with it."""
        rows = list(
            StateChange.objects.filter(content_type=self._proposal_ct, object_id=proposal.pk)
            .order_by("pk")
            .values_list("pk", "from_state", "to_state", "at")
        )
        if tail is not None:
            times = [at for *_, at in rows[:-1]] + [tail]
        else:
            start, end = window
            times = sorted(self.between(start, end) for _ in rows)
        for (pk, *_), at in zip(rows, times, strict=True):
            StateChange.objects.filter(pk=pk).update(at=at)
        submitted = [at for (_, _, to, _), at in zip(rows, times, strict=True) if to == "submitted"]
        Proposal.objects.filter(pk=proposal.pk).update(
            created_at=times[0],
            updated_at=times[-1],
            submitted_at=submitted[-1] if submitted else None,
        )
        endorsed = [at for (_, frm, to, _), at in zip(rows, times, strict=True) if frm == to]
        if endorsed:
            Endorsement.objects.filter(proposal=proposal).update(
                responded_at=endorsed[-1],
                requested_at=max(times[0], endorsed[-1] - timedelta(hours=self.rng.randint(5, 60))),
            )

    # -- content --

    def sections(self, topic: Topic, pi: User, call: FundingCall) -> dict:
        return {
            "title": topic.title,
            "abstract": self.abstract(topic, pi, call),
            "specific_aims": self.specific_aims(topic, pi, call),
            "research_strategy": self.strategy(topic, call),
            "disparity_populations": list(topic.populations),
            "nimhd_domains": list(topic.domains),
            "community_engagement_plan": self.engagement(topic),
            "timeline": self.timeline(call, pi),
            "irb_status": topic.irb,
        }

    def abstract(self, topic: Topic, pi: User, call: FundingCall) -> str:
        gap = self.rng.choice(GAPS).format(community=topic.community)
        aims = " ".join(
            f"In Aim {i} we will {_lcfirst(aim)}." for i, aim in enumerate(topic.aims, 1)
        )
        return (
            f"{topic.problem} {gap} Working with {topic.partner}, this {topic.design} will "
            f"{topic.objective}. {aims} The primary outcome is {topic.outcome}. The results will "
            f"support {next_award(pi.profile.applicant_type)} application and give our partner "
            "evidence it can use to sustain the work."
        )

    def specific_aims(self, topic: Topic, pi: User, call: FundingCall) -> str:
        gap = self.rng.choice(GAPS).format(community=topic.community)
        paragraphs = [
            f"{topic.problem} {gap}",
            f"Our long-term goal is {self.rng.choice(GOALS)}. The objective of this "
            f"{call.duration_months}-month pilot is to {topic.objective}, in partnership with "
            f"{topic.partner}. Our central hypothesis is that {topic.hypothesis}.",
        ]
        for i, aim in enumerate(topic.aims, 1):
            paragraphs.append(f"Aim {i}. {aim}. {self.rng.choice(AIM_DETAILS[i - 1])}")
        paragraphs.append(
            f"Expected outcomes. At the end of the award we will know whether this approach is "
            f"feasible and acceptable for {topic.community}, have estimates of its effect on "
            f"{topic.outcome}, and have a partnership ready to compete for "
            f"{next_award(pi.profile.applicant_type)}."
        )
        return "\n\n".join(paragraphs)

    def strategy(self, topic: Topic, call: FundingCall) -> str:
        domains = ", ".join(NimhdDomain(d).label.lower() for d in topic.domains)
        innovations = " ".join(self.rng.sample(INNOVATIONS, 2))
        return "\n\n".join(
            [
                f"Significance. {topic.problem} The project addresses the {domains} domains of "
                "the NIMHD Research Framework, at the individual, interpersonal and community "
                "levels. Its findings apply directly to the clinics and community organisations "
                "that serve this population in our region.",
                f"Innovation. {innovations}",
                f"Approach. Design and setting: a {topic.design}, conducted with {topic.partner}. "
                f"Participants: {topic.sample}, drawn from {topic.community}. Recruitment is led "
                "by the community partner with clinic support; everyone gives informed consent "
                "in their preferred language. The primary outcome is "
                f"{topic.outcome}; secondary outcomes are acceptability, fidelity and "
                "participants' own account of what helped and what did not.",
                "Analysis. Feasibility is summarised against benchmarks set in advance. "
                "Outcomes are analysed with mixed-effects models that account for clustering and "
                "repeated measures, reporting estimates with 95% confidence intervals rather than "
                "p-values alone. Qualitative data are coded by two analysts, one of them from "
                "the partner organisation, using a framework approach.",
                "Rigor and reproducibility. Instruments are validated in the languages used; the "
                "protocol and analysis plan are registered before enrolment; sex as a biological "
                "variable is considered in every analysis.",
                f"Potential problems and alternatives. {self.rng.choice(PROBLEMS)}",
                "Dissemination. Results are returned first to participants and the community, "
                "then presented at a national meeting and submitted to a peer-reviewed journal.",
            ]
        )

    def engagement(self, topic: Topic) -> str:
        name, title = topic.contact
        members = self.rng.choice([6, 8, 10])
        rate = self.rng.choice([25, 30, 40])
        return (
            f"{topic.partner} has shaped this project from the first idea: {name} ({title}) "
            f"co-wrote the aims and co-leads recruitment. A community advisory board of {members} "
            "members - people with lived experience, partner staff and a local clinician - meets "
            "monthly to review materials, troubleshoot recruitment and interpret findings. Board "
            f"members are paid ${rate} an hour for their time. Results will be shared with "
            "participants and the community in plain language, and in their languages, before "
            "they are published."
        )

    def timeline(self, call: FundingCall, pi: User) -> str:
        m = call.duration_months
        q = m // 6
        return "\n".join(
            [
                f"Months 1-{q}: IRB approval, hiring and training; advisory board launched.",
                f"Months {q + 1}-{2 * q}: materials and protocols finalised and pilot-tested "
                "(Aim 1).",
                f"Months {2 * q + 1}-{5 * q}: enrolment, delivery and follow-up (Aim 2).",
                f"Months {5 * q + 1}-{m}: analysis, return of results to the community, and "
                f"preparation of {next_award(pi.profile.applicant_type)} (Aim 3).",
            ]
        )

    def budget(self, topic: Topic, call: FundingCall) -> list[tuple[str, str, Decimal]]:
        """Itemised lines that fit under the call's maximum award, in whole dollars."""
        rng = self.rng
        count = rng.choice([40, 50, 60, 80])
        each = rng.choice([25, 40, 50])
        lines = [
            (
                BudgetCategory.PARTICIPANT,
                f"Participant incentives, {count} x ${each} gift cards",
                Decimal(count * each),
            ),
            (
                BudgetCategory.COMMUNITY,
                f"Partner support for {topic.partner}",
                Decimal(rng.choice([2500, 3000, 4000, 5000])),
            ),
            (
                BudgetCategory.SUPPLIES,
                "Study supplies, printing and translation",
                Decimal(rng.choice([600, 850, 1200, 1500])),
            ),
        ]
        if rng.random() < 0.6:
            lines.append(
                (
                    BudgetCategory.TRAVEL,
                    "Presentation at a national meeting",
                    Decimal(rng.choice([1200, 1500, 1800])),
                )
            )
        others = sum((amount for *_, amount in lines), Decimal("0"))
        target = (call.max_award * Decimal(str(rng.uniform(0.7, 0.97)))).quantize(Decimal("1"))
        personnel = ((target - others) / Decimal("1.31") / 100).quantize(Decimal("1")) * 100
        fringe = (personnel * Decimal("0.31")).quantize(Decimal("1"))
        salary = Decimal(62000)
        effort = int(personnel * 100 / salary * 12 / call.duration_months)
        return [
            (
                BudgetCategory.PERSONNEL,
                f"{topic.staff.capitalize()}, about {effort}% effort",
                personnel,
            ),
            (BudgetCategory.FRINGE, "Fringe benefits at the university's 31% rate", fringe),
            *lines,
        ]

    def justification(self, lines, topic: Topic) -> str:
        parts = []
        for category, description, amount in lines:
            parts.append(f"{BudgetCategory(category).label}: ${amount:,.0f}. {description}.")
        parts.append(
            f"Partner support compensates {topic.partner} for staff time, space and advisory "
            "board stipends. No equipment or indirect costs are requested."
        )
        return "\n".join(parts)

    def endorsement_statement(self, pi: User, topic: Topic) -> str:
        return self.rng.choice(
            [
                f"I have worked closely with {pi.first_name} on this proposal and endorse it "
                "without reservation. The aims are feasible within the award period, and we will "
                "meet every two weeks throughout the project.",
                f"{pi.first_name} developed this question from their own work with "
                f"{topic.partner}. I have reviewed the design and budget, and I will supervise "
                "the analyses and the IRB submission.",
                f"This is {pi.first_name}'s own project and a strong one. I commit protected "
                "time to mentoring it and access to my lab's data infrastructure.",
            ]
        )

    # -- PDFs --

    def pdf(self, key: str) -> bytes:
        if self._pdfs is None:
            self._pdfs = render_pdfs(self.pdf_sources())
        return self._pdfs[key]

    def pdf_sources(self) -> dict[str, tuple[str, str]]:
        """Every document the plans may attach: key -> (PDF title, HTML body)."""
        # Letters predate their call's proposals (the review call opened 60 days ago, the
        # decided call in June of the previous academic year).
        dated = timezone.localtime(self.now - timedelta(days=64), self.zone)
        dated_past = self.moment(date(2025, 6, 9), 10)
        past_topics = {plan.topic for plan in PAST_PLANS}
        plans = PAST_PLANS + OPEN_PLANS + REVIEW_PLANS
        sources = {}
        for username in dict.fromkeys(plan.pi for plan in plans):
            spec = PEOPLE_BY_USERNAME[username]
            sources[f"bio:{username}"] = (
                f"Biosketch - {spec.first_name} {spec.last_name}",
                biosketch_html(spec),
            )
        for key in dict.fromkeys(plan.topic for plan in plans):
            topic = TOPICS[key]
            if topic.letter:
                sources[f"letter:{key}"] = (
                    f"Letter of support - {topic.partner}",
                    letter_html(topic, dated_past if key in past_topics else dated),
                )
        return sources


def biosketch_html(spec: Person) -> str:
    name = f"{spec.first_name} {spec.last_name}"
    position = ApplicantType(spec.applicant_type).label.split("— ")[-1]
    keywords = [k.strip() for k in spec.keywords.split(",") if k.strip()]
    focus = ", ".join(keywords[:-1]) + (f" and {keywords[-1]}" if len(keywords) > 1 else "")
    return f"""
      <h1>Biographical sketch</h1>
      <p class="small">Format follows the NIH biographical sketch. Demo document.</p>
      <table>
        <tr><th>Name</th><td>{escape(name)}, {escape(spec.degrees)}</td></tr>
        <tr><th>eRA Commons user name</th><td>{escape(spec.era_commons_id or "-")}</td></tr>
        <tr><th>Position title</th><td>{escape(position.capitalize())},
          {escape(spec.department)}, {INSTITUTION}</td></tr>
        <tr><th>ORCID iD</th><td>{escape(spec.orcid or "-")}</td></tr>
      </table>
      <h2>A. Personal statement</h2>
      <p>My work focuses on {escape(focus)}, always in partnership with the communities most
      affected. I bring training in community-engaged methods and a record of completing
      projects on time with community partners as co-investigators.</p>
      <h2>B. Positions, scientific appointments and honors</h2>
      <p>{escape(position.capitalize())}, {escape(spec.department)}, {INSTITUTION}.
      Member, {PROGRAM_NAME}.</p>
      <h2>C. Contributions to science</h2>
      <ol><li>Community-partnered studies of {escape(keywords[0] if keywords else "health")}
      in underserved populations.</li>
      <li>Methods for engaging community members as research partners.</li></ol>
      <h2>D. Research support</h2>
      <p>Internal and foundation support for pilot studies in health equity.</p>
    """


def letter_html(topic: Topic, dated: datetime) -> str:
    name, title = topic.contact
    return f"""
      <p class="letterhead">{escape(topic.partner)}</p>
      <p>{dated:%B %-d, %Y}</p>
      <p>To the review committee, {PROGRAM_NAME}:</p>
      <p>On behalf of {escape(topic.partner)}, I write in strong support of the proposal
      "{escape(topic.title)}." Our organisation helped shape its aims, and we commit staff time,
      space for study activities and help with recruitment among
      {escape(topic.community)}.</p>
      <p>We look forward to continuing this partnership.</p>
      <p>Sincerely,<br>{escape(name)}<br>{escape(title)}, {escape(topic.partner)}</p>
    """


PDF_CSS = """
  @page { size: letter; margin: 0.8in; }
  body { font-family: sans-serif; font-size: 10.5pt; line-height: 1.35; }
  section { break-before: page; }
  h1 { font-size: 15pt; } h2 { font-size: 11.5pt; margin-top: 1.2em; }
  th { text-align: left; padding-right: 1em; vertical-align: top; }
  .small { font-size: 8.5pt; color: #555; }
  .letterhead { font-size: 15pt; font-weight: bold; border-bottom: 2px solid #234; }
"""


_rendered: dict[str, dict[str, bytes]] = {}


def render_pdfs(sources: dict[str, tuple[str, str]]) -> dict[str, bytes]:
    """Render every document in one weasyprint pass (each pass costs seconds), then split the
    pages by the anchor that opens each document. Remembered per process, for the tests."""
    body = "".join(f'<section id="{key}">{html}</section>' for key, (_, html) in sources.items())
    html = f"<html><head><style>{PDF_CSS}</style></head><body>{body}</body></html>"
    if html in _rendered:
        return _rendered[html]

    from pypdf import PdfReader, PdfWriter

    progress = logging.getLogger("weasyprint.progress")
    level = progress.level
    progress.setLevel(logging.WARNING)  # one INFO line per page (and stylesheet) otherwise
    try:
        import weasyprint  # slow import, only when the demo needs documents

        document = weasyprint.HTML(string=html).render()
        pdf = document.write_pdf()
    finally:
        progress.setLevel(level)
    owner: list[str] = []
    for page in document.pages:
        starts = [key for key in sources if key in page.anchors]
        owner.append(starts[0] if starts else owner[-1])
    reader = PdfReader(io.BytesIO(pdf))
    out = {}
    for key, (title, _) in sources.items():
        writer = PdfWriter()
        for index, page_owner in enumerate(owner):
            if page_owner == key:
                writer.add_page(reader.pages[index])
        writer.add_metadata({"/Title": title})
        buffer = io.BytesIO()
        writer.write(buffer)
        out[key] = buffer.getvalue()
    _rendered[html] = out
    return out


# ---- The command -----------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Load demo data: a program, an open call, a call in review and last year's decided call "
        f"with its awards and outcomes, demo accounts (password {PASSWORD!r}) and ~30 "
        "proposals. Idempotent. Runs only with DEBUG on unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is off. Never do this on a production database.",
        )
        parser.add_argument(
            "--send-mail",
            action="store_true",
            help="Send the e-mails the services queue (receipts, invitations, endorsement "
            "requests) through EMAIL_BACKEND. By default the demo's mail is discarded.",
        )

    def handle(self, *args, force: bool = False, send_mail: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a published password, so it runs only when "
                "DEBUG is on (DEBUG=1). To load demo data anyway, e.g. on a staging server, "
                "pass --force. Never do that on a production database."
            )
        started = time.monotonic()
        seeder = DemoSeeder(now=timezone.now(), rng=random.Random(SEED))
        # Seeding queues ~50 receipts and invitations to invented people; keep them out of the
        # console (or a real mail server) unless asked.
        backend = (
            settings.EMAIL_BACKEND if send_mail else "django.core.mail.backends.dummy.EmailBackend"
        )
        with override_settings(EMAIL_BACKEND=backend), transaction.atomic():
            seeder.run()
        self.report(seeder, time.monotonic() - started)

    def report(self, seeder: DemoSeeder, seconds: float) -> None:
        write = self.stdout.write
        created = seeder.created
        if sum(created.values()):
            write(
                self.style.SUCCESS(
                    f"Demo data loaded in {seconds:.1f}s: {created['users']} users, "
                    f"{created['programs']} program, {created['calls']} calls, "
                    f"{created['proposals']} proposals, {created['awards']} awards, "
                    f"{created['outcomes']} outcomes."
                )
            )
        else:
            write(self.style.SUCCESS("Demo data already present; nothing to create."))
        for note in seeder.notes:
            write(note)
        program = Program.objects.filter(name=PROGRAM_NAME).first()
        for call in FundingCall.objects.filter(program=program).order_by("closes_at"):
            counts = Counter(call.proposals.values_list("status", flat=True))
            summary = ", ".join(
                f"{n} {ProposalStatus(status).label.lower()}"
                for status, n in sorted(counts.items())
            )
            closes = timezone.localtime(call.closes_at, seeder.zone)
            write(
                f"  {call.title} [{call.get_status_display()}, closes "
                f"{closes:%b %-d, %Y %-I:%M %p %Z}]: {summary or 'no proposals'}"
            )
        awards = Award.objects.filter(call__program=program)
        if awards.exists():
            statuses = Counter(awards.values_list("status", flat=True))
            reports = ProgressReport.objects.filter(award__in=awards)
            overdue = reports.filter(
                status=ProgressReportStatus.DUE, due_date__lt=seeder.today
            ).count()
            by_status = ", ".join(
                f"{n} {AwardStatus(status).label.lower()}" for status, n in sorted(statuses.items())
            )
            submitted = reports.filter(status=ProgressReportStatus.SUBMITTED).count()
            write(
                f"  Awards: {by_status}; progress reports: {submitted} submitted, "
                f"{overdue} overdue."
            )
            write(
                f"  HRSA report (admin): /reports/hrsa/ for {seeder.current.label} and "
                f"{seeder.previous.label}, or manage.py export_hrsa_report --period "
                f"{seeder.previous.label} --format xlsx --output report.xlsx"
            )
        write("")
        write(f"Demo logins (password: {PASSWORD}):")
        for spec in PEOPLE:
            user = seeder.users.get(spec.username)
            name = user.display_name if user else f"{spec.first_name} {spec.last_name}"
            write(f"  {spec.username:<12} {name:<22} {spec.about}")
        if seeder.existing and sum(created.values()):
            write(f"  (already existed, left unchanged: {', '.join(seeder.existing)})")
