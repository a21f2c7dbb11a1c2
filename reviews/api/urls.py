"""Committee review under /api/v1/. Every route here has a row in
tests/api/test_reviews_matrix.py, which fails when one is added without."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("committees", views.CommitteeViewSet, basename="api-committee")
router.register("assignments", views.AssignmentViewSet, basename="api-assignment")
router.register("conflicts", views.ConflictViewSet, basename="api-conflict")
router.register("reviews", views.ReviewViewSet, basename="api-review")

urlpatterns = [
    *router.urls,
    path(
        "calls/<int:pk>/auto-assign/", views.AutoAssignView.as_view(), name="api-call-auto-assign"
    ),
    path("calls/<int:pk>/phase/", views.PhaseView.as_view(), name="api-call-phase"),
    path("calls/<int:pk>/panel/", views.PanelView.as_view(), name="api-call-panel"),
    path("calls/<int:pk>/panel/ballot/", views.BallotView.as_view(), name="api-call-panel-ballot"),
    path(
        "calls/<int:pk>/panel/disposition/",
        views.DispositionView.as_view(),
        name="api-call-panel-disposition",
    ),
    path(
        "calls/<int:pk>/panel/finalize/",
        views.FinalizeView.as_view(),
        name="api-call-panel-finalize",
    ),
    path(
        "calls/<int:pk>/panel/<int:proposal_pk>/",
        views.PanelProposalView.as_view(),
        name="api-call-panel-proposal",
    ),
    path("calls/<int:pk>/ranking/", views.RankingView.as_view(), name="api-call-ranking"),
    path("calls/<int:pk>/decisions/", views.DecideManyView.as_view(), name="api-call-decide-many"),
    path("letters/<int:pk>/ratings/", views.LetterRatingsView.as_view(), name="api-letter-ratings"),
    path("letters/<int:pk>/triage/", views.LetterTriageView.as_view(), name="api-letter-triage"),
    path(
        "proposals/<int:pk>/summary-statement/",
        views.SummaryStatementView.as_view(),
        name="api-proposal-summary-statement",
    ),
]
