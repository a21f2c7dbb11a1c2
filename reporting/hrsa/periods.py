"""Reporting periods: academic years, July 1 to June 30, in the program's time zone."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from ..validators import validate_period_label


@dataclass(frozen=True)
class Period:
    """One academic year. ``start``/``end`` are inclusive dates; ``start_at``/``end_at`` bound
    timestamps (end exclusive: midnight starting the next July 1, local time)."""

    first_year: int

    @property
    def label(self) -> str:
        return f"{self.first_year}-{self.first_year + 1}"

    @property
    def start(self) -> date:
        return date(self.first_year, 7, 1)

    @property
    def end(self) -> date:
        return date(self.first_year + 1, 6, 30)

    @property
    def end_year(self) -> int:
        return self.first_year + 1

    @property
    def start_at(self) -> datetime:
        return datetime(self.first_year, 7, 1, tzinfo=_zone())

    @property
    def end_at(self) -> datetime:
        return datetime(self.first_year + 1, 7, 1, tzinfo=_zone())

    @property
    def previous(self) -> "Period":
        return Period(self.first_year - 1)

    @property
    def display(self) -> str:
        return f"July 1, {self.first_year} – June 30, {self.end_year}"

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def contains_moment(self, moment: datetime | None) -> bool:
        return moment is not None and self.start_at <= moment < self.end_at

    def __str__(self) -> str:
        return self.label


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def parse_period(label: str) -> Period:
    """``"2025-2026"`` -> Period; anything else raises ValidationError."""
    validate_period_label(label)
    return Period(int(label[:4]))


def period_of(day: date) -> Period:
    return Period(day.year if day.month >= 7 else day.year - 1)


def current_period(today: date | None = None) -> Period:
    return period_of(today or timezone.localdate())


def last_completed_period(today: date | None = None) -> Period:
    """The academic year that ended most recently: the one the annual performance report
    (due July 31) is filed for, and what the report page opens on."""
    return current_period(today).previous


def available_periods(today: date | None = None) -> list[Period]:
    """Every period from the program's first award or call to the current one, newest first."""
    from django.db.models import Min

    from grants.models import Award, FundingCall

    current = current_period(today)
    first_award = Award.objects.aggregate(first=Min("start_date"))["first"]
    first_close = FundingCall.objects.aggregate(first=Min("closes_at"))["first"]
    candidates = [current.first_year]
    if first_award:
        candidates.append(period_of(first_award).first_year)
    if first_close:
        candidates.append(period_of(timezone.localtime(first_close, _zone()).date()).first_year)
    first = min(candidates)
    return [Period(year) for year in range(current.first_year, first - 1, -1)]
