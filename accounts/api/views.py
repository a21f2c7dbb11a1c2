"""The token endpoint, ``me/``, ``me/token/`` and the colleague finder ``people/``."""

from axes.helpers import get_cool_off
from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.audit import audit_record
from accounts.choices import AuditAction
from accounts.selectors import (
    PEOPLE_RESULTS_MAX,
    api_token_expires_at,
    api_token_summary,
    people_matching,
)
from accounts.services import api_token_issue, api_token_revoke
from config.api import error_responses

from .serializers import (
    MeSerializer,
    PeopleQuerySerializer,
    PersonMatchSerializer,
    TokenInfoSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from .throttling import ClientScopedRateThrottle

BAD_CREDENTIALS = "Unable to sign in with that username and password."


class LockedOut(Throttled):
    default_detail = (
        "Too many failed sign-ins for this username from this address; sign-in is paused."
    )
    extra_detail_singular = extra_detail_plural = "Try again in {wait} seconds."


class TokenView(GenericAPIView):
    """Exchange a username and password for the account's API token."""

    # No session here: a token is asked for by scripts, and CSRF must not get in the way.
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "token"
    serializer_class = TokenRequestSerializer

    @extend_schema(
        operation_id="auth_token_create",
        summary="Get an API token",
        description="Send a username and password; the answer is the account's token and when "
        "it expires (the same token until then, or until it is revoked; asked for again after "
        "that, a new one). Send it as `Authorization: Token <token>`. A token expires "
        "API_TOKEN_LIFETIME_HOURS after it was issued (30 days by default), and is revoked by "
        "a password change, by deactivation of the account, and by its owner (`DELETE "
        "/api/v1/me/token/` or the profile page). Wrong or "
        "inactive credentials answer 400 under `non_field_errors`. Throttled per client "
        "address (the `token` rate, 10 a minute by default; X-Forwarded-For counts only as "
        "far as TRUSTED_PROXY_COUNT proxies wrote it). After 5 wrong passwords for one "
        "username from one address, that pair is locked out for 15 minutes (429, with "
        "`Retry-After`); the defaults are AXES_FAILURE_LIMIT and AXES_COOLOFF_MINUTES. No "
        "two-factor code is asked here: tokens are the machine path.",
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            **error_responses(400, 429),
        },
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request=request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None and getattr(request, "axes_locked_out", False):
            # django-axes flags the request it was given (this DRF request): too many wrong
            # passwords for this username from this address.
            raise LockedOut(wait=get_cool_off(request).total_seconds())
        if user is None or not user.is_active:
            raise serializers.ValidationError({"non_field_errors": [BAD_CREDENTIALS]})
        token = api_token_issue(actor=user)
        # No session sign-in happens here, so Django's user_logged_in is not sent.
        audit_record(
            action=AuditAction.SIGN_IN, actor=user, obj=user, request=request, note="API token."
        )
        return Response(
            TokenSerializer({"token": token.key, "expires": api_token_expires_at(token)}).data
        )


class MeView(GenericAPIView):
    """The signed-in person."""

    serializer_class = MeSerializer

    @extend_schema(
        operation_id="me_retrieve",
        summary="Who am I",
        description="The signed-in person's account, profile and site roles "
        "(`administrator`, `chair`, `reviewer`). Demographics are never included.",
        responses={200: MeSerializer, **error_responses(401, 403)},
    )
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class MeTokenView(GenericAPIView):
    """The caller's own API token: when it was issued and expires, and revoking it. There is no
    way to name anyone else's."""

    serializer_class = TokenInfoSerializer
    NONE_DETAIL = "You have no API token."

    @extend_schema(
        operation_id="me_token_retrieve",
        summary="My API token",
        description="When the caller's API token was issued and when it expires (or expired) — "
        "never the token itself, which is shown only when it is issued. 404 when the caller "
        "has none.",
        responses={200: TokenInfoSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request):
        summary = api_token_summary(request.user)
        if summary is None:
            raise NotFound(self.NONE_DETAIL)
        return Response(TokenInfoSerializer(summary).data)

    @extend_schema(
        operation_id="me_token_destroy",
        summary="Revoke my API token",
        description="Deletes the caller's API token: from now on it answers 401. Sent with that "
        "token, this is signing the script out. 404 when the caller has none.",
        responses={204: None, **error_responses(401, 403, 404)},
    )
    def delete(self, request):
        if not api_token_revoke(
            user=request.user, actor=request.user, reason="Revoked by its owner (API)."
        ):
            raise NotFound(self.NONE_DETAIL)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PeopleView(GenericAPIView):
    """The colleague finder: the same search as the team page's."""

    serializer_class = PersonMatchSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        operation_id="people_list",
        summary="Find a colleague",
        description="Active people other than the caller whose first name, last name, full "
        "name or username contains `search` (any case), or whose e-mail address is `search` "
        f"exactly; at most {PEOPLE_RESULTS_MAX}, by name. No e-mail address is ever returned: "
        "`matches_email` says only that `search` was that person's address. `search` needs "
        "at least 3 characters (400 under `search`). Add one to a team with its `id` as "
        "`user` (`POST /api/v1/proposals/{id}/team/`).",
        parameters=[PeopleQuerySerializer],
        responses={200: PersonMatchSerializer(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        query = PeopleQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        people = people_matching(query.validated_data["search"], request.user)
        return Response(PersonMatchSerializer(people, many=True).data)
