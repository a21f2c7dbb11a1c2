"""The words of the demo: a proposal's sections, budget and justification, a mentor's
endorsement and a progress report, composed from the proposal's topic (demo/data/demo.toml) and
the program's word lists, with one seeded ``random.Random`` making every choice.

Each function draws from the generator in a fixed order; the loader calls them in a fixed
order, so every load writes the same words.
"""

import random
from decimal import Decimal

from grants.choices import BudgetCategory, NimhdDomain
from reporting.choices import ProgressReportKind

from .content import AwardPlan, Topic


def lcfirst(text: str) -> str:
    return text[:1].lower() + text[1:]


class Prose:
    def __init__(self, *, rng: random.Random, text: dict):
        self.rng = rng
        self.text = text

    def next_award(self, applicant_type: str) -> str:
        """The funding the pilot prepares the PI for."""
        awards = self.text["next_award"]
        return awards.get(applicant_type, awards["default"])

    def sections(self, topic: Topic, pi, call) -> dict:
        return {
            "title": topic.title,
            "abstract": self.abstract(topic, pi, call),
            "specific_aims": self.specific_aims(topic, pi, call),
            "research_strategy": self.strategy(topic, call),
            "disparity_populations": list(topic.populations),
            "nimhd_cells": [f"{d}:{lv}" for d in topic.domains for lv in topic.levels],
            "community_engagement_plan": self.engagement(topic),
            "timeline": self.timeline(call, pi),
            "irb_status": topic.irb,
        }

    def gap(self, topic: Topic) -> str:
        return self.rng.choice(self.text["gaps"]).format(community=topic.community)

    def abstract(self, topic: Topic, pi, call) -> str:
        gap = self.gap(topic)
        aims = " ".join(
            f"In Aim {i} we will {lcfirst(aim)}." for i, aim in enumerate(topic.aims, 1)
        )
        return (
            f"{topic.problem} {gap} Working with {topic.partner}, this {topic.design} will "
            f"{topic.objective}. {aims} The primary outcome is {topic.outcome}. The results will "
            f"support {self.next_award(pi.profile.applicant_type)} application and give our "
            "partner evidence it can use to sustain the work."
        )

    def specific_aims(self, topic: Topic, pi, call) -> str:
        gap = self.gap(topic)
        paragraphs = [
            f"{topic.problem} {gap}",
            f"Our long-term goal is {self.rng.choice(self.text['goals'])}. The objective of this "
            f"{call.duration_months}-month pilot is to {topic.objective}, in partnership with "
            f"{topic.partner}. Our central hypothesis is that {topic.hypothesis}.",
        ]
        for i, aim in enumerate(topic.aims, 1):
            detail = self.rng.choice(self.text["aim_details"][i - 1])
            paragraphs.append(f"Aim {i}. {aim}. {detail}")
        paragraphs.append(
            f"Expected outcomes. At the end of the award we will know whether this approach is "
            f"feasible and acceptable for {topic.community}, have estimates of its effect on "
            f"{topic.outcome}, and have a partnership ready to compete for "
            f"{self.next_award(pi.profile.applicant_type)}."
        )
        return "\n\n".join(paragraphs)

    def strategy(self, topic: Topic, call) -> str:
        domains = ", ".join(NimhdDomain(d).label.lower() for d in topic.domains)
        innovations = " ".join(self.rng.sample(self.text["innovations"], 2))
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
                f"Potential problems and alternatives. {self.rng.choice(self.text['problems'])}",
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

    def timeline(self, call, pi) -> str:
        m = call.duration_months
        q = m // 6
        return "\n".join(
            [
                f"Months 1-{q}: IRB approval, hiring and training; advisory board launched.",
                f"Months {q + 1}-{2 * q}: materials and protocols finalised and pilot-tested "
                "(Aim 1).",
                f"Months {2 * q + 1}-{5 * q}: enrolment, delivery and follow-up (Aim 2).",
                f"Months {5 * q + 1}-{m}: analysis, return of results to the community, and "
                f"preparation of {self.next_award(pi.profile.applicant_type)} (Aim 3).",
            ]
        )

    def budget(self, topic: Topic, call) -> list[tuple[str, str, Decimal]]:
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
        parts = [
            f"{BudgetCategory(category).label}: ${amount:,.0f}. {description}."
            for category, description, amount in lines
        ]
        parts.append(
            f"Partner support compensates {topic.partner} for staff time, space and advisory "
            "board stipends. No equipment or indirect costs are requested."
        )
        return "\n".join(parts)

    def endorsement_statement(self, pi, topic: Topic) -> str:
        statement = self.rng.choice(self.text["endorsements"])
        return statement.format(first_name=pi.first_name, partner=topic.partner)

    def report(
        self, topic: Topic, kind: str, spec: AwardPlan, *, enrolled: int | None = None
    ) -> tuple[str, str]:
        """A progress report's objectives and accomplishments, and its barriers. ``enrolled``:
        the share of the planned enrollment reached (None: the project enrolls nobody)."""
        first, second, third = (lcfirst(aim) for aim in topic.aims)
        if kind == ProgressReportKind.INTERIM:
            if enrolled is None:
                progress, partner = "", f"{topic.partner} co-leads the fieldwork"
            else:
                progress = f": enrolment has reached {enrolled}% of the target"
                partner = f"{topic.partner} co-leads recruitment"
            return (
                f"Aim 1 is complete (we set out to {first}). Aim 2 is under way ({second})"
                f"{progress}. Aim 3 ({third}) starts when follow-up ends. {partner}, and the "
                "community advisory board has met every month.",
                self.rng.choice(self.text["barriers"]),
            )
        if spec.terminated is not None:
            return (
                f"The project stopped early, at the partner's request. Aim 1 was completed (we "
                f"set out to {first}). The data collected before the stop were returned to "
                f"{topic.partner}, who hold them under the research agreement; no further "
                "analyses will be done.",
                spec.terminated.reason,
            )
        return (
            f"All three aims were completed: to {first}; to {second}; and to {third}. Results "
            f"were returned to participants and to {topic.partner} at a community meeting "
            "before publication; the papers, presentations and follow-on applications are "
            "recorded on the award.",
            self.rng.choice(self.text["barriers"]),
        )
