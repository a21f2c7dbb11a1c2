from django.urls import path

from . import views
from .sso import views as sso

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
    # University sign-in (issue #20): off until a provider is configured.
    path("sso/oidc/<slug:key>/", sso.oidc_start, name="sso_oidc_start"),
    path("sso/oidc/<slug:key>/callback/", sso.oidc_callback, name="sso_oidc_callback"),
    path("sso/saml/metadata/", sso.saml_metadata, name="sso_saml_metadata"),
    path("sso/saml/acs/", sso.saml_acs, name="sso_saml_acs"),
    path("sso/saml/slo/", sso.saml_slo, name="sso_saml_slo"),
    path("sso/saml/<slug:key>/", sso.saml_start, name="sso_saml_start"),
    path("sso/link/", sso.link, name="sso_link"),
    path("sso/link/cancel/", sso.link_cancel, name="sso_link_cancel"),
]
