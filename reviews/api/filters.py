"""Query filters of the committee-review lists. Every value is validated by a form field, so
garbage in a query string answers 400 with the parameter's name, never a server error. Filters
narrow the caller's scope; they never widen it."""

import django_filters

from grants.api.filters import IdFilter

from ..choices import AssignmentRole, ConflictReason, ReviewStatus
from ..models import Assignment, ConflictOfInterest, Review


class AssignmentFilter(django_filters.FilterSet):
    call = IdFilter(field_name="proposal__call_id", label="Funding call id.")
    proposal = IdFilter(field_name="proposal_id", label="Proposal id.")
    reviewer = IdFilter(field_name="reviewer_id", label="User id of the reviewer.")
    role = django_filters.ChoiceFilter(choices=AssignmentRole.choices)

    class Meta:
        model = Assignment
        fields = ["call", "proposal", "reviewer", "role"]


class ConflictFilter(django_filters.FilterSet):
    call = IdFilter(field_name="proposal__call_id", label="Funding call id.")
    proposal = IdFilter(field_name="proposal_id", label="Proposal id.")
    reviewer = IdFilter(field_name="reviewer_id", label="User id of the conflicted member.")
    reason = django_filters.ChoiceFilter(choices=ConflictReason.choices)

    class Meta:
        model = ConflictOfInterest
        fields = ["call", "proposal", "reviewer", "reason"]


class ReviewFilter(django_filters.FilterSet):
    call = IdFilter(field_name="assignment__proposal__call_id", label="Funding call id.")
    proposal = IdFilter(field_name="assignment__proposal_id", label="Proposal id.")
    reviewer = IdFilter(field_name="assignment__reviewer_id", label="User id of the reviewer.")
    status = django_filters.ChoiceFilter(choices=ReviewStatus.choices)

    class Meta:
        model = Review
        fields = ["call", "proposal", "reviewer", "status"]
