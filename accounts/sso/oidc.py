"""OpenID Connect relying party on Authlib: discovery, PKCE, state and nonce, and the ID
token's signature, issuer, audience, expiry and nonce checked by the library."""

import json
import logging
from urllib.parse import parse_qs, urlencode, urlparse

from .config import Provider, cached
from .services import Assertion, SignInRefused, affiliation_from

logger = logging.getLogger(__name__)

_clients: dict[str, tuple[object, float]] = {}


def client(provider: Provider):
    """Authlib's client for ``provider``, one per configuration; it holds the discovery
    document and keys, so it is rebuilt after NORTHSTAR_SSO_METADATA_TTL."""
    options = provider.options

    def build():
        from authlib.integrations.django_client import OAuth

        return OAuth().register(
            name=provider.key,
            client_id=options["client_id"],
            client_secret=options.get("client_secret", ""),
            server_metadata_url=options["discovery_url"],
            client_kwargs={
                "scope": options.get("scope", "openid email profile"),
                "code_challenge_method": "S256",
                "timeout": 10,
            },
        )

    return cached(_clients, json.dumps(options, sort_keys=True, default=str), build)


def authorize_redirect(provider: Provider, request, redirect_uri: str):
    """The redirect to the provider, and its ``state`` (our one-time key)."""
    response = client(provider).authorize_redirect(request, redirect_uri)
    state = parse_qs(urlparse(response["Location"]).query).get("state", [""])[0]
    return response, state


def errors() -> tuple[type[Exception], ...]:
    """What Authlib raises for a refused or malformed answer."""
    from authlib.integrations.base_client.errors import OAuthError
    from joserfc.errors import JoseError
    from requests import RequestException

    return (OAuthError, JoseError, RequestException, ValueError, KeyError, TypeError)


def assertion_from_callback(provider: Provider, request) -> tuple[Assertion, str]:
    """Exchange the code and validate the ID token; the person it names, and the ID token
    (for single logout)."""
    app = client(provider)
    token = app.authorize_access_token(request)
    claims = dict(token.get("userinfo") or {})
    if not claims:
        raise SignInRefused("Your university's answer had no ID token.", reason="no id_token")
    if provider.options.get("userinfo"):
        extra = dict(app.userinfo(token=token))
        if extra.get("sub") != claims.get("sub"):
            raise SignInRefused(
                "Your university's answer did not agree with itself.", reason="userinfo sub"
            )
        claims = {**extra, **claims}
    return assertion_from_claims(provider, claims), token.get("id_token", "")


def _text(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "").strip()


def assertion_from_claims(provider: Provider, claims: dict) -> Assertion:
    m = provider.mapping
    email = _text(claims.get(m["email"]))
    if claims.get("email_verified") is False:
        email = ""  # an address the provider has not verified ties nothing
    amr = claims.get("amr") or []
    methods = {str(v) for v in (amr if isinstance(amr, list) else [amr])}
    methods.add(_text(claims.get("acr")))
    return Assertion(
        provider=provider.key,
        provider_name=provider.name,
        subject=_text(claims.get(m["subject"])),
        email=email.lower(),
        first_name=_text(claims.get(m["first_name"])),
        last_name=_text(claims.get(m["last_name"])),
        affiliation=affiliation_from(claims.get(m["affiliation"]), provider.affiliations),
        department=_text(claims.get(m["department"])),
        mfa=bool(methods & set(provider.mfa_values)),
    )


def end_session_url(provider: Provider, *, id_token: str, post_logout_redirect_uri: str) -> str:
    """RP-initiated logout: the provider's ``end_session_endpoint`` (from discovery) with the
    ID token as hint and our page to come back to; "" when the provider has none or cannot be
    reached (the person is signed out of Northstar either way)."""
    try:
        metadata = client(provider).load_server_metadata()
    except errors() as exc:
        logger.warning("No single logout with %s: %s", provider.name, exc)
        return ""
    endpoint = metadata.get("end_session_endpoint") if isinstance(metadata, dict) else None
    if not endpoint or not id_token:
        return ""
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": post_logout_redirect_uri,
            "client_id": provider.options["client_id"],
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
