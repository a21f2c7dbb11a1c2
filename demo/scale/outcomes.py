"""What the awards led to (publications, talks, grants, trainees, partners) and the narratives."""

import math
from datetime import date, datetime, timedelta
from decimal import Decimal

from accounts.choices import TRAINEE_TYPES
from reporting.choices import FundingStatus, PartnershipPurpose, PresentationKind, YesNoUnknown
from reporting.hrsa.periods import Period, period_of
from reporting.models import (
    FollowOnFunding,
    Partnership,
    Presentation,
    Publication,
    ReportingPeriodNarrative,
    TraineeOutcome,
)

from .awards import _effective_end
from .shape import OUTCOME_MODELS, OUTCOME_WINDOW, CallPlan, _Prop
from .vocabulary import (
    JOURNALS,
    LAST_NAMES,
    MECHANISM_DOLLARS,
    PARTNER_KINDS,
    PARTNER_PLACES,
    PRESENTATION_OPENERS,
    PUBLICATION_OPENERS,
    SPONSOR_WEIGHTS,
    SPONSORS,
    TRAINEE_PATHS,
    VENUES,
)
from .writer import _insert, _Row

# Outcomes per award: lognormal (sigma 1), capped at eight times the median award's.
SKEW, SKEW_CAP = 1.0, 8.0


class OutcomesMixin:
    """Outcomes dated inside each award's life and window; the yearly narratives."""

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
