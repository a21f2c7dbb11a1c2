"""The university sign-in pages: start (to the provider), the provider's answer (OIDC
callback, SAML assertion consumer), linking an existing account, and the SAML metadata.

Every refused answer shows a page that says what happened (status 400) and is audited; none
is a 500."""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from .. import two_factor
from ..forms import SingleSignOnLinkForm
from ..models import User
from . import oidc, saml
from .config import OIDC, SAML, provider, providers
from .services import (
    Assertion,
    SignInRefused,
    sso_link,
    sso_refused_record,
    sso_request_consume,
    sso_request_open,
    sso_sign_in,
)

logger = logging.getLogger(__name__)

LINK_SESSION_KEY = "northstar_sso_link"
# Which provider signed this session in (for single logout).
SESSION_KEY = "northstar_sso"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def safe_next(request, url: str) -> str:
    """``url`` if it stays on this site, else the dashboard (no open redirect through
    ``next`` or RelayState)."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def sign_in_buttons(next_url: str) -> list[dict]:
    """The sign-in page's "Sign in with <university>" buttons, in settings order."""
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    return [
        {
            "label": p.button,
            "url": reverse(f"accounts:sso_{p.protocol}_start", args=[p.key]) + query,
        }
        for p in providers()
    ]


def _refused(request, *, provider_name: str, exc: Exception | str, status: int = 400):
    if isinstance(exc, SignInRefused):
        message, reason = exc.message, exc.reason
    else:
        message = "Your university's sign-in answer could not be accepted."
        reason = f"{type(exc).__name__}: {exc}"
    logger.warning("University sign-in refused (%s): %s", provider_name, reason)
    sso_refused_record(provider=provider_name, reason=reason, request=request)
    return render(
        request,
        "accounts/sso_error.html",
        {"message": message, "provider_name": provider_name},
        status=status,
    )


def _finish(request, *, assertion: Assertion, next_url: str, id_token: str = ""):
    """Sign the asserted person in (or send them to link an existing account)."""
    try:
        outcome = sso_sign_in(assertion=assertion)
    except SignInRefused as exc:
        return _refused(request, provider_name=assertion.provider_name, exc=exc)
    if outcome.link_to is not None:
        request.session[LINK_SESSION_KEY] = {
            "assertion": assertion.as_session(),
            "user_id": outcome.link_to.pk,
            "next": next_url,
            "id_token": id_token,
        }
        return redirect("accounts:sso_link")
    if outcome.created:
        messages.success(request, "Welcome to Northstar: your account is ready.")
    return _signed_in(request, outcome.user, assertion, next_url, id_token)


def _signed_in(request, user: User, assertion: Assertion, next_url: str, id_token: str):
    login(request, user, backend=BACKEND)
    if assertion.mfa:
        two_factor.session_verified_by_provider(request)
    protocol = OIDC if provider(OIDC, assertion.provider) else SAML
    request.session[SESSION_KEY] = {
        "protocol": protocol,
        "provider": assertion.provider,
        "id_token": id_token,
    }
    next_url = safe_next(request, next_url)
    step = two_factor.pending_step(request)
    if step == two_factor.VERIFY:
        return redirect(f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': next_url})}")
    if step == two_factor.ENROL:
        return redirect("accounts:two_factor_setup")
    return redirect(next_url)


# ---- OpenID Connect --------------------------------------------------------------------------


def _provider_or_404(protocol: str, key: str):
    found = provider(protocol, key)
    if found is None:
        raise Http404("No such sign-in.")
    return found


@never_cache
def oidc_start(request, key: str):
    """Off to the provider's sign-in page, remembering where the person was going."""
    p = _provider_or_404(OIDC, key)
    callback = request.build_absolute_uri(reverse("accounts:sso_oidc_callback", args=[key]))
    try:
        response, state = oidc.authorize_redirect(p, request, callback)
    except oidc.errors() as exc:
        return _refused(request, provider_name=p.name, exc=exc, status=502)
    sso_request_open(key=state, provider=f"oidc:{key}", next_url=safe_next(request, _next(request)))
    return response


@never_cache
def oidc_callback(request, key: str):
    """The provider's answer: the one-time state, then the code exchange and the ID token's
    checks (Authlib), then the account."""
    p = _provider_or_404(OIDC, key)
    try:
        next_url = sso_request_consume(key=request.GET.get("state", ""), provider=f"oidc:{key}")
        if request.GET.get("error"):
            raise SignInRefused(
                "Your university did not sign you in"
                + (
                    f": {request.GET.get('error_description')}"
                    if request.GET.get("error_description")
                    else "."
                ),
                reason=f"provider error {request.GET.get('error')}",
            )
        assertion, id_token = oidc.assertion_from_callback(p, request)
    except SignInRefused as exc:
        return _refused(request, provider_name=p.name, exc=exc)
    except oidc.errors() as exc:
        return _refused(request, provider_name=p.name, exc=exc)
    return _finish(request, assertion=assertion, next_url=next_url, id_token=id_token)


def _next(request) -> str:
    return request.GET.get("next") or request.POST.get("next") or ""


# ---- SAML 2.0 --------------------------------------------------------------------------------


@never_cache
def saml_start(request, key: str):
    """An AuthnRequest to the IdP (HTTP-Redirect binding); its id is the one-time key."""
    p = _provider_or_404(SAML, key)
    try:
        request_id, location = saml.authn_request(p)
    except saml.errors() as exc:
        return _refused(request, provider_name=p.name, exc=exc, status=502)
    sso_request_open(
        key=request_id, provider=f"saml:{key}", next_url=safe_next(request, _next(request))
    )
    return redirect(location)


@csrf_exempt
@require_POST
@never_cache
def saml_acs(request):
    """The IdP's Response (HTTP-POST binding), a cross-site POST: no CSRF token and no
    session cookie come with it, so the one-time key lives in the database. pysaml2 checks the
    signature, audience, destination, lifetime and InResponseTo."""
    if not settings.NORTHSTAR_SAML_IDPS:
        raise Http404("SAML is not configured.")
    try:
        assertion = saml.assertion_from_response(request.POST.get("SAMLResponse", ""))
        next_url = sso_request_consume(
            key=assertion.request_id, provider=f"saml:{assertion.assertion.provider}"
        )
    except SignInRefused as exc:
        return _refused(request, provider_name="SAML", exc=exc)
    except saml.errors() as exc:
        return _refused(request, provider_name="SAML", exc=exc)
    return _finish(request, assertion=assertion.assertion, next_url=next_url)


def saml_metadata(request):
    """The service provider's metadata, for the IdP's administrators to register."""
    if not settings.NORTHSTAR_SAML_IDPS:
        raise Http404("SAML is not configured.")
    return HttpResponse(saml.metadata_xml(), content_type="application/samlmetadata+xml")


# ---- Linking an existing account -------------------------------------------------------------


@never_cache
@sensitive_post_parameters("password")
def link(request):
    """An account already holds the asserted e-mail: its owner proves its Northstar password
    once, then the two are tied and later sign-ins match on the university identifier."""
    pending = request.session.get(LINK_SESSION_KEY)
    if not pending:
        return redirect("login")
    assertion = Assertion(**pending["assertion"])
    account = User.objects.filter(pk=pending["user_id"], is_active=True).first()
    if account is None:
        request.session.pop(LINK_SESSION_KEY, None)
        return redirect("login")
    form = SingleSignOnLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=account.username,
            password=form.cleaned_data["password"],
            sso_linking=True,
        )
        if user is not None and user.pk == account.pk:
            try:
                sso_link(user=user, assertion=assertion)
            except SignInRefused as exc:
                request.session.pop(LINK_SESSION_KEY, None)
                return _refused(request, provider_name=assertion.provider_name, exc=exc)
            request.session.pop(LINK_SESSION_KEY, None)
            messages.success(
                request,
                f"Your account is linked: sign in with {assertion.provider_name} from now on.",
            )
            return _signed_in(request, user, assertion, pending["next"], pending["id_token"])
        form.add_error("password", "That is not this account's Northstar password.")
    return render(
        request,
        "accounts/sso_link.html",
        {
            "form": form,
            "account": account,
            "provider_name": assertion.provider_name,
            "hide_nav": True,
        },
    )


@require_POST
def link_cancel(request):
    request.session.pop(LINK_SESSION_KEY, None)
    return redirect("login")
