"""API token authentication: DRF's token, refused once it has expired."""

from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from accounts.selectors import api_token_is_expired

EXPIRED_DETAIL = (
    "This token has expired. Ask POST /api/v1/auth/token/ for a new one with your username and "
    "password."
)


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``, as DRF reads it (an unknown key, or an inactive account,
    answers 401), and refused with 401 ``EXPIRED_DETAIL`` once the token is
    ``NORTHSTAR_API_TOKEN_LIFETIME`` old. Tokens deleted by a password change, deactivation or
    their owner are unknown keys."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if api_token_is_expired(token):
            raise AuthenticationFailed(EXPIRED_DETAIL, code="token_expired")
        return user, token
