"""Django admin for program staff: reporting profiles (the APR mapping), narratives, outcomes
and progress reports. The reporting profile is edited here on purpose: next year's form
changes it without a migration."""

import json

from django import forms
from django.contrib import admin
from django.db import models

from accounts.admin_base import ReadOnlyModelAdmin

from .models import (
    ExportJob,
    ExternalSubmission,
    FollowOnFunding,
    Partnership,
    Presentation,
    ProgressReport,
    Publication,
    ReminderSent,
    ReportingPeriodNarrative,
    ReportingProfile,
    TraineeOutcome,
    TrainingProgram,
)


class PrettyJSONWidget(forms.Textarea):
    def format_value(self, value):
        try:
            return json.dumps(json.loads(value), indent=2, ensure_ascii=False)
        except (TypeError, ValueError):
            return super().format_value(value)


class TrainingProgramInline(admin.TabularInline):
    """The Program set-up sheet's entries, printed first in the HRSA report in this order."""

    model = TrainingProgram
    extra = 0
    fields = ["position", "name", "program_type", "state"]


@admin.register(ReportingProfile)
class ReportingProfileAdmin(admin.ModelAdmin):
    list_display = ["period", "name", "updated_at"]
    readonly_fields = ["updated_at"]
    inlines = [TrainingProgramInline]
    formfield_overrides = {
        # Django's JSONField form field, shown indented for editing by hand.
        models.JSONField: {"widget": PrettyJSONWidget(attrs={"rows": 10, "cols": 60})}
    }
    fieldsets = [
        (None, {"fields": ["period", "name", "notes"]}),
        (
            "Race and ethnicity (2024 OMB codes -> APR two-question format)",
            {"fields": ["race_map", "hispanic_codes", "urm_codes"]},
        ),
        ("Sex (as reported -> APR columns)", {"fields": ["sex_columns", "sex_map"]}),
        (None, {"fields": ["updated_at"]}),
    ]


@admin.register(ReportingPeriodNarrative)
class ReportingPeriodNarrativeAdmin(admin.ModelAdmin):
    list_display = ["period", "updated_by", "updated_at"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class ReminderInline(admin.TabularInline):
    model = ReminderSent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "sent_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    """Read-mostly: reports are scheduled and submitted through the services."""

    list_display = ["award", "kind", "due_date", "status", "submitted_at"]
    list_filter = ["status", "kind"]
    date_hierarchy = "due_date"
    readonly_fields = ["award", "kind", "status", "submitted_at", "submitted_by", "created_at"]
    inlines = [ReminderInline]

    def get_readonly_fields(self, request, obj=None):
        """A submitted report is the awardee's signed account: its text is not edited here
        (only its due date, before it is in)."""
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_submitted:
            fields += ["due_date", "objectives_accomplishments", "barriers_resolutions"]
        return fields


class OutcomeAdmin(admin.ModelAdmin):
    readonly_fields = ["recorded_by", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Publication)
class PublicationAdmin(OutcomeAdmin):
    list_display = ["title", "journal", "year", "published_on", "doi", "pmid", "peer_reviewed"]
    list_filter = ["peer_reviewed", "disparities_focused", "year"]
    search_fields = ["title", "doi", "pmid", "journal", "authors"]
    filter_horizontal = ["awards"]


@admin.register(Presentation)
class PresentationAdmin(OutcomeAdmin):
    list_display = ["title", "venue", "presented_on", "kind", "level"]
    list_filter = ["kind", "level"]
    search_fields = ["title", "venue"]
    filter_horizontal = ["awards"]


@admin.register(FollowOnFunding)
class FollowOnFundingAdmin(OutcomeAdmin):
    list_display = ["sponsor", "mechanism", "sponsor_type", "amount", "status", "decided_on"]
    list_filter = ["sponsor_type", "status"]
    search_fields = ["sponsor", "mechanism", "title"]
    filter_horizontal = ["awards"]


@admin.register(ExternalSubmission)
class ExternalSubmissionAdmin(ReadOnlyModelAdmin):
    """Read-only: a nominee's application is recorded on the call's nominees page (or the
    API), whose service feeds follow-on funding and audits the change."""

    list_display = ["proposal", "submitted_on", "result", "amount_awarded", "decided_on"]
    list_filter = ["result", "sponsor_type"]
    search_fields = ["proposal__title", "sponsor_reference"]


@admin.register(TraineeOutcome)
class TraineeOutcomeAdmin(OutcomeAdmin):
    list_display = ["trainee", "award", "recorded_on", "degree_completed", "completion_date"]
    search_fields = ["trainee__username", "trainee__last_name", "position"]
    raw_id_fields = ["trainee", "award"]


@admin.register(Partnership)
class PartnershipAdmin(OutcomeAdmin):
    list_display = ["organisation", "partner_type", "purpose", "award"]
    list_filter = ["partner_type", "purpose"]
    search_fields = ["organisation"]
    raw_id_fields = ["award"]


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyModelAdmin):
    """Read-only: for seeing what was prepared and why one failed. Jobs are made on the report
    page and built by a task; the file is downloaded there, after the permission check and
    with an audit entry (the stored file's own URL is never served)."""

    list_display = ["pk", "period", "format", "suppress", "status", "progress", "requested_by"]
    list_filter = ["status", "format"]
    date_hierarchy = "created_at"
    fields = [
        "requested_by",
        "period",
        "format",
        "suppress",
        "threshold",
        "status",
        "progress",
        "filename",
        "error",
        "created_at",
        "started_at",
        "finished_at",
    ]
    readonly_fields = fields
