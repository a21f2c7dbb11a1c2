"""Eligibility exceptions (issue #19): an administrator's waiver of a call's rules for one
person."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .calls import FundingCall


class EligibilityException(models.Model):
    """An administrator's waiver of a call's eligibility rules for one person, with the reason:
    granted and revoked only through grants.services (audited). It waives every rule of the call
    (positions, departments, first-time, current awardees, faculty mentor, community partner);
    not the deadline, one proposal per applicant, or the trainee rules."""

    call = models.ForeignKey(
        FundingCall, on_delete=models.CASCADE, related_name="eligibility_exceptions"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="eligibility_exceptions"
    )
    reason = models.TextField(help_text="Why this person may apply although the rules say no.")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-granted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "person"], name="eligibility_exception_once_per_call_and_person"
            )
        ]

    def __str__(self) -> str:
        return f"Eligibility exception for {self.person} in {self.call}"
