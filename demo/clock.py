"""The demo's calendar: when each thing of the demo happened, and the history rows that say so.

The services stamp everything "now"; the demo's story happens over weeks (the calls) and over
the previous academic year (the decided call). These are the only direct writes of the demo
besides the people's profiles: the ``at`` of the history rows (``StateChange``) and the
created/submitted/decided/released times the pages show, never in the future.
"""

import random
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.utils import timezone

from grants.models import Endorsement, FundingCall, Proposal, StateChange
from reporting.hrsa.periods import current_period

# The decided call's story is written for 2025-2026 as the previous academic year.
STORY_YEAR = 2025


class DemoClock:
    def __init__(self, *, now: datetime, rng: random.Random):
        self.now = now
        self.rng = rng
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.today = timezone.localtime(now, self.zone).date()
        self.current = current_period(self.today)
        self.previous = self.current.previous
        # A later run moves the story with the calendar, so the report always has last year.
        self.shift = self.previous.first_year - STORY_YEAR
        self._proposal_ct = ContentType.objects.get_for_model(Proposal)

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

    def when(self, spec: dict) -> datetime:
        """A time of the data file: ``{days, hour}`` from today or ``{on, hour}`` in the story."""
        if "on" in spec:
            return self.moment(spec["on"], spec["hour"])
        return self.local(spec["days"], spec["hour"])

    def between(self, start: datetime, end: datetime) -> datetime:
        """A moment in [start, end), in waking hours in the program's zone when possible."""
        moment = start + (end - start) * self.rng.random()
        local = timezone.localtime(moment, self.zone)
        awake = local.replace(hour=self.rng.randint(8, 21), minute=self.rng.randint(0, 59))
        return awake if start <= awake < end else moment

    # -- the history rows --

    @contextmanager
    def dated(self, moment: datetime, until: datetime | None = None):
        """The history rows the block writes happened at ``moment`` (a minute apart, in order),
        or, ``until`` given, spread evenly from ``moment`` to ``until``."""
        last = StateChange.objects.aggregate(last=Max("pk"))["last"] or 0
        yield
        rows = list(
            StateChange.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)
        )
        for step, pk in enumerate(rows):
            if until is not None and len(rows) > 1:
                at = moment + (until - moment) * step / (len(rows) - 1)
            else:
                at = moment + timedelta(minutes=step)
            StateChange.objects.filter(pk=pk).update(at=at)

    def retime_review(self, call: FundingCall) -> None:
        """The committee review's own times follow its (dated) history: when the review was
        set up, each assignment made and certified, each review written and submitted, each
        final score given and each discussion finalized."""
        from reviews.models import Assignment, CallReview, FinalScore, PanelEntry, Review

        def history(model, rows) -> dict[int, dict[str, datetime]]:
            """{object id: {to_state: when}} (the first time, and "" for the first row)."""
            changes = StateChange.objects.filter(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=[row.pk for row in rows],
            ).order_by("pk")
            times: dict[int, dict[str, datetime]] = {}
            for change in changes:
                seen = times.setdefault(change.object_id, {"": change.at})
                seen.setdefault(change.to_state, change.at)
                seen["last"] = change.at
            return times

        setups = list(CallReview.objects.filter(call=call))
        for pk, seen in history(CallReview, setups).items():
            CallReview.objects.filter(pk=pk).update(created_at=seen[""])
        assignments = list(Assignment.objects.filter(proposal__call=call))
        assigned = history(Assignment, assignments)
        for pk, seen in assigned.items():
            Assignment.objects.filter(pk=pk).update(
                created_at=seen[""], certified_no_conflict_at=seen.get("certified")
            )
        reviews = list(Review.objects.filter(assignment__proposal__call=call))
        for review in reviews:
            submitted = history(Review, [review]).get(review.pk, {}).get("submitted")
            started = assigned.get(review.assignment_id, {}).get("certified") or submitted
            Review.objects.filter(pk=review.pk).update(
                created_at=started, updated_at=submitted, submitted_at=submitted
            )
        scores = list(FinalScore.objects.filter(entry__proposal__call=call))
        for pk, seen in history(FinalScore, scores).items():
            FinalScore.objects.filter(pk=pk).update(recorded_at=seen["last"])
        entries = list(PanelEntry.objects.filter(proposal__call=call, finalized_at__isnull=False))
        for pk, seen in history(PanelEntry, entries).items():
            PanelEntry.objects.filter(pk=pk).update(finalized_at=seen["finalized"])

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

    def last_change(self, proposal: Proposal):
        """When the proposal's history last moved (its ``updated_at`` once the story is told)."""
        return StateChange.objects.filter(
            content_type=self._proposal_ct, object_id=proposal.pk
        ).aggregate(last=Max("at"))["last"]
