"""The reporting app's tasks: prepared exports and the daily progress-report reminders.

Thin: each runs a service, which holds the rules and is safe to run twice (acks_late may
deliver a task again after a lost worker)."""

from datetime import date

from celery import shared_task

from .services import reminders_send
from .services.exports import export_job_run


@shared_task
def build_export(job_id: int) -> str:
    """Build and store the file of ExportJob ``job_id``; its row tells the outcome."""
    job = export_job_run(job_id=job_id)
    return job.status if job else "already finished"


@shared_task
def send_reminders(today: str | None = None) -> dict[str, int]:
    """What ``manage.py send_reminders`` does, for Celery beat (config/celery.py): schedule
    every award's reports, then queue each due-soon and overdue reminder at most once."""
    run = reminders_send(today=date.fromisoformat(today) if today else None)
    return {"due_soon": len(run.due_soon), "overdue": len(run.overdue)}
