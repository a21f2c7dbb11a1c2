"""A large, realistic, reproducible data set for benchmarks (``manage.py seed_scale``).

Why not the services, as seed_demo does: they write one object at a time (with its audit entry
and mail), minutes per thousand proposals. Here rows are generated a call at a time and written
in bulk (COPY on PostgreSQL, bulk_create elsewhere) inside one transaction; the generator keeps
by construction the rules the services keep (a budget that adds up within the call's maximum, complete sections and a mentor's
endorsement before submission, one proposal per applicant and call, one score per criterion on
every submitted review, final scores and percentiles computed by ``reviews.scoring``, funding
within the budget in ranking order, award dates by ``grants.services.award_dates``, progress
reports by the schedule rule, enrollment tables as reporting.services.enrollment checks them,
outcomes dated inside their award's life and reporting window).

Not written: audit-trail entries (the history pages read ``StateChange``, which is written),
attachments (the calls require none: 100,000 PDFs would measure the disk), reminders.

Reproducible: ``random.Random(seed)`` drives every choice (a second source from the same seed
drives the NIMHD cells' levels and the inclusion enrollment tables) and every date is derived
from ``today``, so the same seed and day give the same content (ids aside).
"""

from .seeder import (
    ACCOUNTS,
    DEFAULT_PASSWORD,
    MIN_PROPOSALS,
    ScaleSummary,
    SeedRefused,
    seed_scale,
)
from .shape import COUNTED_MODELS, OUTCOME_MODELS

__all__ = [
    "ACCOUNTS",
    "COUNTED_MODELS",
    "DEFAULT_PASSWORD",
    "MIN_PROPOSALS",
    "OUTCOME_MODELS",
    "ScaleSummary",
    "SeedRefused",
    "seed_scale",
]
