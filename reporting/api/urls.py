"""Progress reports, outcomes, the publication import and the HRSA report under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("progress-reports", views.ProgressReportViewSet, basename="api-progress-report")
router.register("outcomes/publications", views.PublicationViewSet, basename="api-publication")
router.register("outcomes/presentations", views.PresentationViewSet, basename="api-presentation")
router.register("outcomes/funding", views.FollowOnFundingViewSet, basename="api-follow-on-funding")
router.register("outcomes/trainees", views.TraineeOutcomeViewSet, basename="api-trainee-outcome")
router.register("outcomes/partnerships", views.PartnershipViewSet, basename="api-partnership")
router.register(
    r"awards/(?P<award_pk>[0-9]+)/support",
    views.ParticipantSupportViewSet,
    basename="api-award-support",
)
router.register(
    r"awards/(?P<award_pk>[0-9]+)/training-status",
    views.TrainingStatusViewSet,
    basename="api-award-training-status",
)
router.register(
    r"awards/(?P<award_pk>[0-9]+)/enrollment",
    views.EnrollmentViewSet,
    basename="api-award-enrollment",
)

urlpatterns = [
    *router.urls,
    path(
        "awards/<int:pk>/transition/",
        views.AwardTransitionView.as_view(),
        name="api-award-transition",
    ),
    path(
        "calls/<int:call_pk>/nominations/",
        views.NominationListView.as_view(),
        name="api-call-nominations",
    ),
    path(
        "calls/<int:call_pk>/nominations/<int:proposal_pk>/",
        views.ExternalSubmissionView.as_view(),
        name="api-call-external-submission",
    ),
    path("reports/hrsa/", views.HrsaReportView.as_view(), name="api-report-hrsa"),
    path("portfolio/nimhd/", views.NimhdPortfolioView.as_view(), name="api-portfolio-nimhd"),
    path(
        "portfolio/pilot-outcomes/",
        views.PilotOutcomesView.as_view(),
        name="api-portfolio-pilot-outcomes",
    ),
]
