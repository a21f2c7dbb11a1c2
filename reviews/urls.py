from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("assignments/<int:pk>/conflict/", views.conflict_check, name="conflict_check"),
    path("assignments/<int:pk>/review/", views.review_edit, name="review"),
    path("proposals/<int:pk>/", views.proposal_view, name="proposal"),
    path("proposals/<int:pk>/pdf/", views.proposal_pdf, name="proposal_pdf"),
    path(
        "proposals/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("proposals/<int:pk>/reviews/", views.proposal_reviews, name="proposal_reviews"),
    path("reviews/<int:pk>/reopen/", views.review_reopen, name="review_reopen"),
    path("proposals/<int:pk>/summary/", views.summary_statement, name="summary_statement"),
    path(
        "proposals/<int:pk>/summary/pdf/",
        views.summary_statement_pdf,
        name="summary_statement_pdf",
    ),
    path("committees/", views.committee_list, name="committee_list"),
    path("committees/<int:pk>/", views.committee_detail, name="committee_detail"),
    path("calls/<int:pk>/", views.call_manage, name="call_manage"),
    path("calls/<int:pk>/begin/", views.call_begin_review, name="call_begin_review"),
    path("calls/<int:pk>/phase/", views.call_phase, name="call_phase"),
    path("calls/<int:pk>/auto-assign/", views.call_auto_assign, name="call_auto_assign"),
    path(
        "calls/<int:pk>/proposals/<int:proposal_pk>/assign/",
        views.assignment_add,
        name="assignment_add",
    ),
    path(
        "calls/<int:pk>/assignments/<int:assignment_pk>/",
        views.assignment_change,
        name="assignment_change",
    ),
    path("calls/<int:pk>/panel/", views.panel, name="panel"),
    path(
        "calls/<int:pk>/panel/<int:proposal_pk>/",
        views.panel_proposal,
        name="panel_proposal",
    ),
    path(
        "calls/<int:pk>/panel/<int:proposal_pk>/disposition/",
        views.panel_disposition,
        name="panel_disposition",
    ),
    path("calls/<int:pk>/ballot/", views.ballot, name="ballot"),
    path("calls/<int:pk>/ranking/", views.ranking, name="ranking"),
    path("calls/<int:pk>/ranking/decide/", views.decide_many, name="decide_many"),
    path(
        "calls/<int:pk>/ranking/<int:proposal_pk>/decision/",
        views.decision_form,
        name="decision_form",
    ),
    path("calls/<int:pk>/ranking/<int:proposal_pk>/decide/", views.decide, name="decide"),
    path("calls/<int:pk>/release/", views.release, name="release"),
    # Letters of intent (two-stage calls): the committee's light rating and the office's triage
    path("calls/<int:pk>/letters/", views.letters, name="letters"),
    path("calls/<int:pk>/letters/stage/", views.letters_stage, name="letters_stage"),
    path("letters/<int:pk>/", views.letter, name="letter"),
    path("letters/<int:pk>/triage/", views.letter_triage, name="letter_triage"),
    path("letters/<int:pk>/pdf/", views.letter_pdf, name="letter_pdf"),
]
