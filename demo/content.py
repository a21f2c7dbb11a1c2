"""The demo's content, read from ``demo/data/demo.toml`` into plain, typed records.

Nothing here touches the database: ``load_demo()`` only parses and checks the file, so the
loader, the ``seed_demo`` command's report and the tests read the same names.
"""

import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from grants.choices import AwardStatus
from reporting.choices import ENROLLMENT_CELLS, EnrollmentRace
from reporting.enrollment import COLUMNS, cell

DATA_FILE = Path(__file__).resolve().parent / "data" / "demo.toml"

# Demographics an account leaves out are answered "no" (and an unknown birth year "prefer
# not to say"), as on the demographics page.
DEMOGRAPHICS_DEFAULTS = {
    "race_ethnicity": [],
    "sex": "",
    "sex_self_described": "",
    "birth_year": None,
    "disadvantaged": "no",
    "disadvantaged_basis": "",
    "rural_background": "no",
    "first_generation": "no",
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
    # NIMHD framework levels: the proposal's cells are each domain at each of these levels.
    levels: tuple = ("individual", "community")


@dataclass(frozen=True)
class AwardChange:
    """A change of an award's status the administrator recorded (grants.AwardStatus)."""

    to: str  # no_cost_extension | closed | terminated
    on: date  # the extension's new end, or the day the award ended
    recorded: date  # when the administrator recorded it
    reason: str = ""


@dataclass(frozen=True)
class EnrollmentPlan:
    """An award's NIH inclusion enrollment: the planned table, and the cumulative tables the PI
    submits with the interim and final progress reports. Tables are complete
    ``{"<ethnicity>|<race>|<sex>": count}`` dicts (reporting.choices.ENROLLMENT_CELLS)."""

    planned: dict
    enrolls_humans: bool = True
    # "interim" / "final" -> (counts, reason for a decrease or "")
    cumulative: dict = field(default_factory=dict)


@dataclass(frozen=True)
class AwardPlan:
    """What becomes of an award of a decided call (dates as written for the story's years)."""

    end: date  # the award's last day as funded
    changes: tuple = ()  # AwardChange, in the order they were recorded
    interim: date | None = None  # when the PI submitted the interim report (None: not yet)
    final: date | None = None  # ... and the final one
    enrollment: EnrollmentPlan | None = None

    @property
    def terminated(self) -> AwardChange | None:
        return next((c for c in self.changes if c.to == AwardStatus.TERMINATED), None)


@dataclass(frozen=True)
class Plan:
    """One proposal of the demo: who leads it, what it is about and the state it ends in."""

    pi: str
    topic: str
    state: str
    mentor: str = ""
    co_investigators: tuple = ()
    reason: str = ""
    collaborators: tuple = ()
    decision: str = ""  # the decided call only: funded | reduced | waitlisted | not_funded
    award: AwardPlan | None = None
    final_impact: int | None = None  # the decided call only: the panel's (none: not discussed)


@dataclass(frozen=True)
class Rating:
    """A committee member's rating of a letter of intent (1 invite strongly - 5 do not)."""

    member: str
    rating: int
    comment: str = ""


@dataclass(frozen=True)
class Letter:
    """A letter of intent to a two-stage call and what became of it: ``submitted`` (awaiting
    triage), ``invited`` or ``declined`` (with the office's ``message``); ``started``: the
    invited applicant has started the full proposal from it."""

    applicant: str
    title: str
    aims_summary: str
    team: str
    populations: tuple
    estimated_budget: Decimal
    state: str
    message: str = ""
    document: bool = False
    started: bool = False
    nimhd_cells: tuple = ()  # picked on the full proposal, once started
    ratings: tuple = ()  # Rating
    conflicts: tuple = ()  # (member, reason)

    @property
    def data(self) -> dict:
        """The letter's fields as its form (and ``letter_update``) takes them."""
        return {
            "title": self.title,
            "aims_summary": self.aims_summary,
            "team": self.team,
            "disparity_populations": list(self.populations),
            "estimated_budget": self.estimated_budget,
        }


@dataclass(frozen=True)
class Call:
    """A call's fields as the model has them, its times (``{"days", "hour"}`` from today or
    ``{"on", "hour"}`` in the decided call's story), its proposals and, on a two-stage call,
    its letters of intent."""

    fields: dict
    times: dict
    proposals: tuple
    waitlist_closed: dict = field(default_factory=dict)
    letters: tuple = ()

    @property
    def title(self) -> str:
        return self.fields["title"]


@dataclass(frozen=True)
class Round:
    """An earlier round of the pilot call, decided without a committee review, with the
    outcomes its awards led to (linked by the PI of the round's award)."""

    call: Call
    publications: tuple = ()
    presentations: tuple = ()
    follow_on_funding: tuple = ()


@dataclass(frozen=True)
class Demo:
    password: str
    seed: int
    program: dict
    committee: dict
    people: tuple
    calls: dict  # open, review, past; the two-stage calls: triage, invited; limited
    topics: dict
    publications: tuple
    presentations: tuple
    follow_on_funding: tuple
    trainee_outcomes: tuple
    partnerships: tuple
    narratives: dict
    text: dict
    # Trainee support (INDGEN): the profile's training programs, payments, training statuses.
    training_programs: tuple = ()
    participant_support: tuple = ()
    training_statuses: tuple = ()
    # The pilot call's earlier rounds, the latest first.
    earlier: tuple = ()

    @property
    def people_by_username(self) -> dict[str, Person]:
        return {person.username: person for person in self.people}

    def two_stage_calls(self) -> list[Call]:
        """The calls that take letters of intent first: in triage, then open to the invited."""
        return [self.calls[name] for name in ("triage", "invited") if name in self.calls]

    def decided_calls(self) -> list[Call]:
        """The calls whose proposals were decided: the previous year's, then the earlier ones."""
        return [self.calls["past"], *(r.call for r in self.earlier)]

    def plans(self):
        """Every proposal of the demo, the decided call's first (the order of the documents)."""
        calls = [self.calls[name] for name in ("past", "open", "review")]
        calls += [r.call for r in self.earlier]
        calls += [self.calls[name] for name in ("limited",) if name in self.calls]
        return [plan for call in calls for plan in call.proposals]


def _person(entry: dict) -> Person:
    entry = dict(entry)
    demographics = entry.pop("demographics", None)
    if demographics is not None:
        demographics = {**DEMOGRAPHICS_DEFAULTS, **demographics}
        demographics["birth_year_prefer_not"] = demographics["birth_year"] is None
    roles = tuple(entry.pop("roles", ()))
    return Person(**entry, roles=roles, demographics=demographics)


def _topic(entry: dict) -> Topic:
    contact = entry["contact"]
    return Topic(
        **{
            **entry,
            "populations": tuple(entry["populations"]),
            "domains": tuple(entry["domains"]),
            "levels": tuple(entry.get("levels", Topic.levels)),
            "aims": tuple(entry["aims"]),
            "contact": (contact["name"], contact["title"]),
        }
    )


def _cells(rows: dict) -> dict[str, int]:
    """A table written as NIH's form (a row of nine numbers per race, demo.toml says how) as
    every cell of reporting.choices.ENROLLMENT_CELLS."""
    counts = dict.fromkeys(ENROLLMENT_CELLS, 0)
    for race, numbers in rows.items():
        if race not in EnrollmentRace.values:
            raise ValueError(f"Not a race of the enrollment table: {race!r}.")
        if len(numbers) != len(COLUMNS) or not all(isinstance(n, int) and n >= 0 for n in numbers):
            raise ValueError(f"The {race} row needs {len(COLUMNS)} whole numbers: {numbers!r}.")
        for (ethnicity, sex), n in zip(COLUMNS, numbers, strict=True):
            counts[cell(ethnicity, race, sex)] = n
    return counts


def _enrollment(entry: dict) -> EnrollmentPlan:
    cumulative = {}
    for kind in ("interim", "final"):
        if kind in entry:
            rows = dict(entry[kind])
            reason = rows.pop("reason_for_decrease", "")
            cumulative[kind] = (_cells(rows), reason)
    return EnrollmentPlan(
        planned=_cells(entry.get("planned", {})),
        enrolls_humans=entry.get("enrolls_humans", True),
        cumulative=cumulative,
    )


def _award(entry: dict) -> AwardPlan:
    return AwardPlan(
        **{
            **entry,
            "changes": tuple(AwardChange(**change) for change in entry.get("changes", ())),
            "enrollment": _enrollment(entry["enrollment"]) if "enrollment" in entry else None,
        }
    )


def _plan(entry: dict) -> Plan:
    award = entry.get("award")
    return Plan(
        **{
            **entry,
            "co_investigators": tuple(entry.get("co_investigators", ())),
            "collaborators": tuple(entry.get("collaborators", ())),
            "award": _award(award) if award else None,
        }
    )


TIME_KEYS = {
    "opens",
    "closes",
    "review_begins",
    "reviews_due",
    "read_phase",
    "triaged",
    "panel",
    "decided",
    "released",
    "letters_dated",
    # Two-stage calls: the letters' deadline, the triage, the decisions, full proposals open.
    "letters_close",
    "triage_begins",
    "letters_decided",
    "full_proposals_open",
    # A limited submission: when the nominees' applications are due at the sponsor.
    "sponsor_due",
}
MONEY_KEYS = {"total_budget", "max_award", "amount"}


def _money(entry: dict) -> dict:
    return {k: Decimal(v) if k in MONEY_KEYS else v for k, v in entry.items()}


ROUND_OUTCOMES = ("publications", "presentations", "follow_on_funding")


def _letter(entry: dict) -> Letter:
    return Letter(
        **{
            **entry,
            # One person a line, written indented in the file.
            "team": "\n".join(line.strip() for line in entry["team"].strip().splitlines()),
            "populations": tuple(entry["populations"]),
            "nimhd_cells": tuple(entry.get("nimhd_cells", ())),
            "estimated_budget": Decimal(entry["estimated_budget"]),
            "ratings": tuple(Rating(**rating) for rating in entry.get("ratings", ())),
            "conflicts": tuple((c["member"], c["reason"]) for c in entry.get("conflicts", ())),
        }
    )


def _call(entry: dict) -> Call:
    fields = {
        k: v
        for k, v in entry.items()
        if k not in TIME_KEYS | {"proposals", "waitlist_closed", "letters", *ROUND_OUTCOMES}
    }
    return Call(
        fields=_money(fields),
        times={k: v for k, v in entry.items() if k in TIME_KEYS},
        proposals=tuple(_plan(plan) for plan in entry.get("proposals", ())),
        waitlist_closed=entry.get("waitlist_closed", {}),
        letters=tuple(_letter(letter) for letter in entry.get("letters", ())),
    )


def _round(entry: dict) -> Round:
    return Round(
        call=_call(entry),
        publications=tuple(entry.get("publications", ())),
        presentations=tuple(entry.get("presentations", ())),
        follow_on_funding=tuple(_money(e) for e in entry.get("follow_on_funding", ())),
    )


def parse_demo(data: dict) -> Demo:
    return Demo(
        password=data["demo"]["password"],
        seed=data["demo"]["seed"],
        program=data["program"],
        committee=data["committee"],
        people=tuple(_person(entry) for entry in data["people"]),
        calls={name: _call(entry) for name, entry in data["calls"].items()},
        topics={key: _topic(entry) for key, entry in data["topics"].items()},
        publications=tuple(data.get("publications", ())),
        presentations=tuple(data.get("presentations", ())),
        follow_on_funding=tuple(_money(entry) for entry in data.get("follow_on_funding", ())),
        trainee_outcomes=tuple(data.get("trainee_outcomes", ())),
        partnerships=tuple(data.get("partnerships", ())),
        narratives=data["narratives"],
        text=data["text"],
        training_programs=tuple(data.get("training_programs", ())),
        participant_support=tuple(_money(e) for e in data.get("participant_support", ())),
        training_statuses=tuple(data.get("training_statuses", ())),
        earlier=tuple(_round(entry) for entry in data.get("earlier_calls", ())),
    )


@cache
def load_demo(path: Path = DATA_FILE) -> Demo:
    with open(path, "rb") as handle:
        return parse_demo(tomllib.load(handle))
