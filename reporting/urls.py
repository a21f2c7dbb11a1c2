from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("awards/", views.award_list, name="award_list"),
    path("awards/<int:pk>/", views.award_detail, name="award_detail"),
    path(
        "awards/<int:pk>/progress-reports/<int:report_pk>/",
        views.progress_report,
        name="progress_report",
    ),
    # Before the outcome routes, whose "<slug:kind>/<int:outcome_pk>/" would match these.
    path("awards/<int:pk>/enrollment/", views.award_enrollment, name="award_enrollment"),
    path("awards/<int:pk>/support/", views.award_support, name="award_support"),
    path(
        "awards/<int:pk>/support/<int:support_pk>/",
        views.support_edit,
        name="support_edit",
    ),
    path(
        "awards/<int:pk>/support/<int:support_pk>/delete/",
        views.support_delete,
        name="support_delete",
    ),
    path(
        "awards/<int:pk>/publications/import/",
        views.publication_import,
        name="publication_import",
    ),
    path("awards/<int:pk>/<slug:kind>/new/", views.outcome_edit, name="outcome_new"),
    path(
        "awards/<int:pk>/<slug:kind>/<int:outcome_pk>/",
        views.outcome_edit,
        name="outcome_edit",
    ),
    path(
        "awards/<int:pk>/<slug:kind>/<int:outcome_pk>/delete/",
        views.outcome_delete,
        name="outcome_delete",
    ),
    path("calls/<int:pk>/nominations/", views.call_nominations, name="call_nominations"),
    path(
        "calls/<int:pk>/nominations/<int:proposal_pk>/",
        views.external_submission,
        name="external_submission",
    ),
    path("reports/hrsa/", views.report, name="report"),
    path("reports/hrsa/export/<str:fmt>/", views.report_export, name="report_export"),
    path("reports/hrsa/exports/", views.export_job_create, name="export_job_create"),
    path("reports/hrsa/exports/<int:pk>/", views.export_job, name="export_job"),
    path(
        "reports/hrsa/exports/<int:pk>/status/", views.export_job_status, name="export_job_status"
    ),
    path(
        "reports/hrsa/exports/<int:pk>/download/",
        views.export_job_download,
        name="export_job_download",
    ),
    path("reports/hrsa/narrative/<str:period>/", views.narrative, name="narrative"),
    path("reports/reminders/", views.reminders, name="reminders"),
    path("reports/dashboard/", views.dashboard, name="dashboard"),
    path("program/enrollment/", views.enrollment_program, name="enrollment_program"),
    path("program/portfolio/", views.portfolio, name="portfolio"),
    path("program/pilot-outcomes.xlsx", views.pilot_outcomes_xlsx, name="pilot_outcomes_xlsx"),
]
