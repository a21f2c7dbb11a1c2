"""The token endpoint and ``me/``."""

from axes.helpers import get_cool_off
from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import Throttled
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from accounts.audit import audit_record
from accounts.choices import AuditAction
from config.api import error_responses

from .serializers import MeSerializer, TokenRequestSerializer, TokenSerializer

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
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"
    serializer_class = TokenRequestSerializer

    @extend_schema(
        operation_id="auth_token_create",
        summary="Get an API token",
        description="Send a username and password; the answer is the account's token (the "
        "same one until it is revoked). Send it as `Authorization: Token <token>`. Wrong or "
        "inactive credentials answer 400 under `non_field_errors`. Throttled per client "
        "address (the `token` rate, 10 a minute by default). After 5 wrong passwords for one "
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
        token, _ = Token.objects.get_or_create(user=user)
        # No session sign-in happens here, so Django's user_logged_in is not sent.
        audit_record(
            action=AuditAction.SIGN_IN, actor=user, obj=user, request=request, note="API token."
        )
        return Response({"token": token.key})


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
