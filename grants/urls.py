from django.urls import path

from . import views

app_name = "grants"

urlpatterns = [
    path("calls/", views.call_list, name="call_list"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("calls/<int:call_pk>/start/", views.proposal_start, name="proposal_start"),
    path("calls/<int:pk>/proposals/", views.call_proposals, name="call_proposals"),
    path("calls/<int:pk>/copy/", views.call_copy, name="call_copy"),
    path(
        "calls/<int:pk>/eligibility-exceptions/",
        views.call_eligibility_exceptions,
        name="call_eligibility_exceptions",
    ),
    path(
        "calls/<int:pk>/eligibility-exceptions/<int:exception_pk>/revoke/",
        views.eligibility_exception_revoke,
        name="eligibility_exception_revoke",
    ),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/team/", views.proposal_team, name="proposal_team"),
    path(
        "proposals/<int:pk>/team/<int:member_pk>/remove/",
        views.team_member_remove,
        name="team_member_remove",
    ),
    path("proposals/<int:pk>/budget/", views.proposal_budget, name="proposal_budget"),
    path(
        "proposals/<int:pk>/budget/<int:line_pk>/",
        views.proposal_budget,
        name="budget_line_edit",
    ),
    path(
        "proposals/<int:pk>/budget/<int:line_pk>/remove/",
        views.budget_line_remove,
        name="budget_line_remove",
    ),
    path(
        "proposals/<int:pk>/attachments/",
        views.proposal_attachments,
        name="proposal_attachments",
    ),
    path(
        "proposals/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "proposals/<int:pk>/attachments/<int:attachment_pk>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path(
        "proposals/<int:pk>/endorsement/request/",
        views.endorsement_request,
        name="endorsement_request",
    ),
    path("endorsements/<str:token>/", views.endorsement_respond, name="endorsement_respond"),
    path("proposals/<int:pk>/submit/", views.proposal_submit, name="proposal_submit"),
    path("proposals/<int:pk>/withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    path("proposals/<int:pk>/return/", views.proposal_return, name="proposal_return"),
    path(
        "proposals/<int:pk>/mark-checked/",
        views.proposal_mark_checked,
        name="proposal_mark_checked",
    ),
    path(
        "proposals/<int:pk>/classification/",
        views.proposal_classification,
        name="proposal_classification",
    ),
    path("proposals/<int:pk>/pdf/", views.proposal_pdf, name="proposal_pdf"),
    # Letters of intent (two-stage calls)
    path("calls/<int:call_pk>/letter/", views.letter_start, name="letter_start"),
    path("letters/<int:pk>/", views.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/edit/", views.letter_edit, name="letter_edit"),
    path("letters/<int:pk>/submit/", views.letter_submit, name="letter_submit"),
    path("letters/<int:pk>/pdf/", views.letter_pdf, name="letter_pdf"),
]
