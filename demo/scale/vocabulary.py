"""The words the invented data is made of: names, places, topics, venues, sponsors, review text."""

from accounts.choices import ApplicantType
from reporting.choices import PartnerType, PresentationLevel, ProgressReportKind, SponsorType

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
