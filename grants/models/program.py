"""The funded program that runs the calls."""

from django.db import models


class Program(models.Model):
    """The funded program that runs the calls (e.g. a HRSA Center of Excellence)."""

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40, blank=True)
    institution = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.name
