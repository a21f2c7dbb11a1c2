"""The Celery application: e-mail, reminders and large exports run as tasks.

Configured from Django's settings (the ``CELERY_*`` names in config/settings.py). Without a
``CELERY_BROKER_URL`` tasks run eagerly, in the process that queues them, so ``make run`` and
the tests need no broker; with one, ``celery -A config worker`` runs them (docs/deployment.md).
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("northstar")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each app's tasks.py (accounts, grants, reporting), found once Django's apps are loaded.
app.autodiscover_tasks()

# For `celery -A config beat` (one beat process per installation, never one per worker): the
# reminder run is safe to repeat (each reminder is sent at most once), so a missed or doubled
# beat costs nothing. The cron alternative is `manage.py send_reminders` at the same time.
app.conf.beat_schedule = {
    "progress-report-reminders": {
        "task": "reporting.tasks.send_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
}
