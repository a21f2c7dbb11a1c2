"""The committee's words and numbers on the decided call: each review's scores and critique,
the members' final scores and the resume of discussion, composed from the proposal's topic
(demo/data/demo.toml) and the review word lists ([text.review]), as demo/prose.py writes the
proposals.

Its own generator (seeded from the demo's seed): the review is written before the decisions and
the awards, and drawing from the loader's generator would change every word written after it.
"""

import itertools
import random

from reviews.choices import MAX_SCORE, MIN_SCORE, CriterionKind
from reviews.scoring import final_impact_score

from .content import Topic
from .prose import lcfirst

# The default criteria in order (reviews.choices.DEFAULT_CRITERIA): their keys in the lists.
CRITERION_KEYS = ("importance", "rigor", "expertise", "disparities")


def clip(score: int) -> int:
    return max(MIN_SCORE, min(MAX_SCORE, score))


class Critic:
    def __init__(self, *, seed: int, text: dict):
        self.rng = random.Random(f"{seed}-review")
        self.text = text

    def fields(self, topic: Topic) -> dict:
        aims = [lcfirst(aim) for aim in topic.aims]
        return {
            "community": topic.community,
            "partner": topic.partner,
            "design": topic.design,
            "sample": topic.sample,
            "outcome": topic.outcome,
            "staff": topic.staff,
            "objective": topic.objective,
            "hypothesis": topic.hypothesis,
            "aim1": aims[0],
            "aim2": aims[1],
            "aim3": aims[2],
        }

    def pick(self, key: str, topic: Topic, count: int = 1) -> str:
        chosen = self.rng.sample(self.text[key], count)
        return " ".join(line.format(**self.fields(topic)) for line in chosen)

    def impact(self, final_impact: int | None) -> int:
        """A reviewer's overall impact: near the panel's final score, or weak (the proposal
        the panel did not discuss)."""
        if final_impact is None:
            return self.rng.choice([5, 6, 6, 7])
        return clip(round(final_impact / 10) + self.rng.choice([-1, 0, 0, 1]))

    def review(self, topic: Topic, criteria, final_impact: int | None) -> dict:
        """``review_save_draft`` data for one reviewer of a proposal on ``topic``."""
        impact = self.impact(final_impact)
        band = "strong" if impact <= 3 else "moderate" if impact <= 5 else "weak"
        criteria_data = {}
        for position, criterion in enumerate(criteria):
            key = CRITERION_KEYS[position % len(CRITERION_KEYS)]
            strengths = 2 if band == "strong" else 1
            weaknesses = 1 if band == "strong" else 2
            entry = {
                "strengths": self.pick(f"{key}_strengths", topic, strengths),
                "weaknesses": self.pick(f"{key}_weaknesses", topic, weaknesses),
            }
            if criterion.kind == CriterionKind.SCORE:
                entry["score"] = clip(impact + self.rng.choice([-1, 0, 0, 1]))
            else:
                sufficient = band != "weak" or self.rng.random() < 0.5
                entry["sufficient"] = sufficient
                entry["explanation"] = "" if sufficient else self.pick("insufficient", topic)
            criteria_data[criterion.pk] = entry
        concern = self.rng.choice(self.text["concerns"])
        overall = self.rng.choice(self.text[f"overall_{band}"])
        return {
            "overall_impact": impact,
            "overall_paragraph": overall.format(concern=concern, **self.fields(topic)),
            "comments_to_applicant": self.pick("comments", topic),
            "confidential_comments": "",
            "criteria": criteria_data,
        }

    def final_scores(self, members: list, final_impact: int) -> dict:
        """{member: final score} whose mean gives ``final_impact`` (reviews.scoring), as close
        together as the arithmetic allows."""
        centre = final_impact // 10
        values = range(clip(centre - 1), clip(centre + 2) + 1)
        fitting = [
            combo
            for combo in itertools.combinations_with_replacement(values, len(members))
            if final_impact_score(combo) == final_impact
        ]
        if not fitting:
            raise ValueError(
                f"No {len(members)} final scores average to a final impact of {final_impact}."
            )
        spread = min(max(combo) - min(combo) for combo in fitting)
        scores = list(self.rng.choice([c for c in fitting if max(c) - min(c) == spread]))
        self.rng.shuffle(scores)
        return dict(zip(members, scores, strict=True))

    def resume(self, topic: Topic, final_scores: dict) -> str:
        low, high = min(final_scores.values()), max(final_scores.values())
        spread = (
            f"Every member scored it {low}."
            if low == high
            else f"Final scores ranged from {low} to {high}."
        )
        return (
            f"{self.pick('resume_openings', topic)} {self.pick('resume_concerns', topic)} {spread}"
        )
