"""The university sign-in pages: start (to the provider), the provider's answer (OIDC
callback, SAML assertion consumer), linking an existing account, signing out (single logout
where the provider offers it), and the SAML metadata and single logout service.

Every refused answer shows a page that says what happened (status 400) and is audited; none
is a 500."""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.views import LogoutView
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
    sso_message_once,
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


def _refused(
    request,
    *,
    provider_name: str,
    exc: Exception | str,
    status: int = 400,
    what: str = "sign-in",
    signed_out: bool = False,
):
    """The refusal page and its audit entry; ``what``: "sign-in" or "sign-out".
    ``signed_out``: this session has ended (the page says the university may still have the
    person signed in)."""
    if isinstance(exc, SignInRefused):
        message, reason = exc.message, exc.reason
    else:
        message = f"Your university's {what} answer could not be accepted."
        reason = f"{type(exc).__name__}: {exc}"
    logger.warning("University %s refused (%s): %s", what, provider_name, reason)
    sso_refused_record(provider=provider_name, reason=reason, request=request, what=what)
    return render(
        request,
        "accounts/sso_error.html",
        {
            "message": message,
            "provider_name": provider_name,
            "what": what,
            "signed_out": signed_out,
        },
        status=status,
    )


def _finish(request, *, assertion: Assertion, next_url: str, logout_with: dict):
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
            "logout_with": logout_with,
        }
        return redirect("accounts:sso_link")
    if outcome.created:
        messages.success(request, "Welcome to Northstar: your account is ready.")
    return _signed_in(request, outcome.user, assertion, next_url, logout_with)


def _signed_in(request, user: User, assertion: Assertion, next_url: str, logout_with: dict):
    """``logout_with``: what single logout will need (the OIDC ID token; the SAML IdP,
    NameID and session index)."""
    login(request, user, backend=BACKEND)
    if assertion.mfa:
        two_factor.session_verified_by_provider(request)
    protocol = OIDC if provider(OIDC, assertion.provider) else SAML
    request.session[SESSION_KEY] = {
        **logout_with,
        "protocol": protocol,
        "provider": assertion.provider,
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
    return _finish(
        request, assertion=assertion, next_url=next_url, logout_with={"id_token": id_token}
    )


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
    return _finish(
        request, assertion=assertion.assertion, next_url=next_url, logout_with=assertion.session
    )


@never_cache
def saml_slo(request):
    """The SAML SingleLogoutService (HTTP-Redirect): the IdP's answer to our LogoutRequest, or
    the IdP's own signed LogoutRequest, which ends this browser's session when it names the
    person signed in through that IdP and is answered with a LogoutResponse either way. Only
    with the SP's key pair."""
    if not settings.NORTHSTAR_SAML_IDPS or not saml.signs():
        raise Http404("SAML single logout is not configured.")
    if request.GET.get("SAMLResponse"):
        return _saml_logout_answered(request)
    try:
        message = saml.logout_message(request.GET)
        sso_message_once(key=message.request.id, provider=f"saml-slo-idp:{message.provider}")
    except SignInRefused as exc:
        return _refused(request, provider_name="SAML", exc=exc, what="sign-out")
    except saml.errors() as exc:
        return _refused(request, provider_name="SAML", exc=exc, what="sign-out")
    signed_in = request.session.get(SESSION_KEY) or {}
    ours = (
        request.user.is_authenticated
        and signed_in.get("protocol") == SAML
        and (signed_in.get("issuer"), signed_in.get("name_id")) == (message.issuer, message.name_id)
    )
    if ours:
        logout(request)
    return redirect(
        saml.logout_response_redirect(
            message, success=ours, relay_state=request.GET.get("RelayState", "")
        )
    )


def _saml_logout_answered(request):
    """The IdP's LogoutResponse. The person asked to sign out, so any session here ends
    whatever the answer; it is accepted only signed by the IdP, for our SingleLogoutService,
    answering a LogoutRequest we sent and have not seen answered. A refusal is audited and
    says the university may still have them signed in."""
    if request.user.is_authenticated:
        logout(request)
    try:
        message = saml.logout_message(request.GET)
        sso_request_consume(
            key=message.in_response_to, provider=f"saml-slo:{message.provider}", what="sign-out"
        )
    except SignInRefused as exc:
        return _refused(request, provider_name="SAML", exc=exc, what="sign-out", signed_out=True)
    except saml.errors() as exc:
        return _refused(request, provider_name="SAML", exc=exc, what="sign-out", signed_out=True)
    messages.success(request, "You are signed out of Northstar and your university.")
    return redirect(settings.LOGOUT_REDIRECT_URL)


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
            return _signed_in(request, user, assertion, pending["next"], pending["logout_with"])
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


# ---- Signing out -----------------------------------------------------------------------------


class SignOutView(LogoutView):
    """Django's sign-out, then single logout at the provider that signed this session in, when
    it offers it: OIDC RP-initiated logout (back to our sign-in page), or a SAML LogoutRequest
    (its answer comes to ``saml_slo``). Northstar's session ends first, whatever the provider
    does next."""

    def post(self, request, *args, **kwargs):
        signed_in = request.session.get(SESSION_KEY) or {}
        response = super().post(request, *args, **kwargs)
        p = provider(signed_in.get("protocol", ""), signed_in.get("provider", ""))
        url = _single_logout_url(request, p, signed_in) if p else ""
        if not url:
            return response
        # A page that moves on to the provider, not a redirect: our CSP's form-action 'self'
        # stops a form's POST from being redirected to another site.
        return render(
            request, "accounts/sso_signing_out.html", {"url": url, "provider_name": p.name}
        )


def _single_logout_url(request, p, signed_in: dict) -> str:
    if p.protocol == OIDC:
        return oidc.end_session_url(
            p,
            id_token=signed_in.get("id_token", ""),
            post_logout_redirect_uri=request.build_absolute_uri(reverse("login")),
        )
    request_id, url = saml.logout_redirect(signed_in)
    if request_id:
        # The IdP's LogoutResponse must answer this request, once (saml_slo).
        sso_request_open(key=request_id, provider=f"saml-slo:{p.key}")
    return url
