from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile_edit, name="profile"),
    path("demographics/", views.demographics_edit, name="demographics"),
    path("two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/csv/", views.audit_log_csv, name="audit_log_csv"),
    path("session/keep-alive/", views.session_keep_alive, name="session_keep_alive"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
