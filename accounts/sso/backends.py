"""The SSO-required domain policy as an authentication backend, so the web sign-in, the admin
and the API token endpoint all refuse such a local password alike."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from .services import sso_required_for

# Set on the request when the refusal was the policy's, so the sign-in page can say why.
POLICY_FLAG = "northstar_sso_required"


class SingleSignOnPolicyBackend:
    """Placed before ModelBackend: for a correct password of someone who must use the
    university's sign-in, stop the chain (PermissionDenied: a failed, audited sign-in).
    Says nothing (None) in every other case; never signs anyone in itself, and has no
    ``get_user`` (Django's ``force_login`` picks the first backend that has one)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None or kwargs.get("sso_linking"):
            return None
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None or not sso_required_for(user) or not user.check_password(password):
            return None
        if request is not None:
            setattr(request, POLICY_FLAG, True)
        raise PermissionDenied("This account signs in with the university's account.")
