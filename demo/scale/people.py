"""Who takes part: applicants, reviewers and the fixed accounts, with profiles and demographics."""

import random
import unicodedata
from datetime import date, timedelta

from accounts.choices import FACULTY_TYPES, ApplicantType, Role
from accounts.models import Demographics, Profile, User, fold_for_search

from .shape import KINDS, CallPlan, _weighted
from .vocabulary import DEPARTMENTS, FIRST_NAMES, KEYWORDS, LAST_NAMES, PROGRAMS
from .writer import _insert, _Row

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


class PeopleMixin:
    """The people of the data set, and where scale-applicant shows up."""

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
                    search_name=fold_for_search(f"{first} {last} {username}"),
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
