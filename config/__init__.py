"""Northstar's project package. The Celery app is loaded with Django, so ``@shared_task``
functions bind to it wherever they are imported (web servers, commands, workers)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
