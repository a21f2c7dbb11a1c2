from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("calls", views.CallViewSet, basename="api-call")
router.register("proposals", views.ProposalViewSet, basename="api-proposal")
router.register(
    r"calls/(?P<call_pk>[0-9]+)/eligibility-exceptions",
    views.EligibilityExceptionViewSet,
    basename="api-call-eligibility-exception",
)
router.register(
    r"proposals/(?P<proposal_pk>[0-9]+)/team", views.TeamMemberViewSet, basename="api-proposal-team"
)
router.register(
    r"proposals/(?P<proposal_pk>[0-9]+)/budget",
    views.BudgetLineViewSet,
    basename="api-proposal-budget",
)
router.register(
    r"proposals/(?P<proposal_pk>[0-9]+)/attachments",
    views.AttachmentViewSet,
    basename="api-proposal-attachment",
)
router.register("endorsements", views.EndorsementViewSet, basename="api-endorsement")
router.register("awards", views.AwardViewSet, basename="api-award")
router.register(
    r"calls/(?P<call_pk>[0-9]+)/letters", views.CallLetterViewSet, basename="api-call-letter"
)
router.register("letters", views.LetterViewSet, basename="api-letter")

urlpatterns = router.urls
