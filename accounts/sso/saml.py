"""SAML 2.0 service provider on pysaml2 (xmlsec1 checks the XML signatures): the
AuthnRequest, the Response's checks (signed assertion, audience, destination, lifetime,
InResponseTo of a request we sent and have not seen answered), single logout, and our
metadata."""

import json
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse

from ..models import SingleSignOnRequest
from .config import SAML, Provider, cached, providers
from .services import Assertion, SignInRefused, affiliation_from

logger = logging.getLogger(__name__)

_clients: dict[str, tuple[object, float]] = {}


def sp_entity_id() -> str:
    return settings.NORTHSTAR_SAML_SP_ENTITY_ID or (
        settings.SITE_URL + reverse("accounts:sso_saml_metadata")
    )


def acs_url() -> str:
    return settings.SITE_URL + reverse("accounts:sso_saml_acs")


def slo_url() -> str:
    return settings.SITE_URL + reverse("accounts:sso_saml_slo")


def signs() -> bool:
    """Has the service provider a key pair? Single logout needs one: IdPs (Shibboleth's among
    them) refuse unsigned LogoutRequests, and pysaml2 checks an IdP's signed redirect only with
    a key of its own loaded."""
    return bool(settings.NORTHSTAR_SAML_SP_KEY_FILE and settings.NORTHSTAR_SAML_SP_CERT_FILE)


def sp_config_dict() -> dict:
    """pysaml2's SP configuration from Northstar's settings."""
    from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT

    metadata: dict[str, list] = {"local": [], "remote": []}
    for p in providers():
        if p.protocol != SAML:
            continue
        if p.options.get("metadata_file"):
            metadata["local"].append(p.options["metadata_file"])
        if p.options.get("metadata_url"):
            metadata["remote"].append({"url": p.options["metadata_url"]})
    signing = signs()
    endpoints = {"assertion_consumer_service": [(acs_url(), BINDING_HTTP_POST)]}
    if signing:
        # Front-channel only: the browser carries the session the message ends.
        endpoints["single_logout_service"] = [(slo_url(), BINDING_HTTP_REDIRECT)]
    config = {
        "entityid": sp_entity_id(),
        "xmlsec_binary": settings.NORTHSTAR_SAML_XMLSEC_BINARY,
        "metadata": {k: v for k, v in metadata.items() if v},
        "allow_unknown_attributes": True,
        "accepted_time_diff": 60,
        "service": {
            "sp": {
                "name": "Northstar",
                "endpoints": endpoints,
                # Only answers to requests we sent (InResponseTo), never IdP-initiated ones.
                "allow_unsolicited": False,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "authn_requests_signed": signing,
                "logout_requests_signed": signing,
                "logout_responses_signed": signing,
            }
        },
    }
    if signing:
        config["key_file"] = settings.NORTHSTAR_SAML_SP_KEY_FILE
        config["cert_file"] = settings.NORTHSTAR_SAML_SP_CERT_FILE
        config["encryption_keypairs"] = [
            {
                "key_file": settings.NORTHSTAR_SAML_SP_KEY_FILE,
                "cert_file": settings.NORTHSTAR_SAML_SP_CERT_FILE,
            }
        ]
    return config


def client():
    """pysaml2's client for the current settings. It holds the IdPs' metadata (a URL's
    included), so it is rebuilt after NORTHSTAR_SSO_METADATA_TTL."""
    config = sp_config_dict()

    def build():
        from saml2.client import Saml2Client
        from saml2.config import SPConfig

        sp_config = SPConfig()
        sp_config.load(config)
        return Saml2Client(config=sp_config)

    return cached(_clients, json.dumps(config, sort_keys=True, default=str), build)


def errors() -> tuple[type[Exception], ...]:
    # pysaml2 raises dozens of unrelated exception types for a bad response (and xmlsec1's
    # failures arrive as several more): any failure to accept untrusted input is a refusal.
    return (Exception,)


def authn_request(provider: Provider) -> tuple[str, str]:
    """(request id, the IdP's address carrying the AuthnRequest)."""
    from saml2 import BINDING_HTTP_REDIRECT

    request_id, info = client().prepare_for_authenticate(
        entityid=provider.options["entity_id"], binding=BINDING_HTTP_REDIRECT
    )
    return request_id, dict(info["headers"])["Location"]


class _Outstanding(dict):
    """The requests we sent and have not seen answered, as pysaml2's ``outstanding``
    mapping: read from the database (see SingleSignOnRequest)."""

    def _open(self, key):
        return SingleSignOnRequest.objects.filter(
            key=str(key), provider__startswith="saml:", used_at__isnull=True
        ).exists()

    def __contains__(self, key):
        return self._open(key)

    def __getitem__(self, key):
        if not self._open(key):
            raise KeyError(key)
        return acs_url()

    def get(self, key, default=None):
        return self[key] if self._open(key) else default

    def keys(self):
        return []

    def __bool__(self):
        # pysaml2 writes ``outstanding or {}``: an empty-looking mapping would be replaced.
        return True


@dataclass(frozen=True)
class Answer:
    request_id: str
    assertion: Assertion
    # What single logout needs later (kept in the session): the IdP, the NameID, the session.
    session: dict = field(default_factory=dict)


def _first(values) -> str:
    if isinstance(values, list):
        values = values[0] if values else ""
    return str(values or "").strip()


def _configured(issuer: str) -> Provider:
    p = next(
        (x for x in providers() if x.protocol == SAML and x.options.get("entity_id") == issuer),
        None,
    )
    if p is None:
        raise SignInRefused("That identity provider is not configured.", reason=f"issuer {issuer}")
    return p


def assertion_from_response(saml_response: str) -> Answer:
    from saml2 import BINDING_HTTP_POST

    if not saml_response:
        raise SignInRefused("No SAML response came back.", reason="empty SAMLResponse")
    response = client().parse_authn_request_response(
        saml_response, BINDING_HTTP_POST, outstanding=_Outstanding()
    )
    if response is None or not response.in_response_to:
        raise SignInRefused(
            "That sign-in answer was not for a sign-in started here.", reason="unsolicited"
        )
    issuer = response.issuer()
    p = _configured(issuer)
    ava = response.get_identity() or {}
    m = p.mapping
    subject = (
        str(response.get_subject().text or "").strip()
        if m["subject"] == "NameID"
        else _first(ava.get(m["subject"]))
    )
    classes = {str(ref) for ref, *_ in response.authn_info()}
    info = response.session_info()
    return Answer(
        request_id=response.in_response_to,
        assertion=Assertion(
            provider=p.key,
            provider_name=p.name,
            subject=subject,
            email=_first(ava.get(m["email"])).lower(),
            first_name=_first(ava.get(m["first_name"])),
            last_name=_first(ava.get(m["last_name"])),
            affiliation=affiliation_from(ava.get(m["affiliation"]), p.affiliations),
            department=_first(ava.get(m["department"])),
            mfa=bool(classes & set(p.mfa_values)),
        ),
        session=_logout_session(info, issuer),
    )


def _logout_session(info: dict, issuer: str) -> dict:
    from saml2.ident import code

    return {
        "issuer": issuer,
        "name_id": code(info["name_id"]) if info.get("name_id") is not None else "",
        "session_index": str(info.get("session_index") or ""),
    }


# ---- Single logout ---------------------------------------------------------------------------


def logout_redirect(session: dict) -> tuple[str, str]:
    """SP-initiated single logout: (our LogoutRequest's id, the IdP's SingleLogoutService
    address carrying it, signed), or ("", "") when the IdP's metadata has no HTTP-Redirect
    SingleLogoutService. The caller keeps the id (``sso_request_open``): the IdP's answer
    must name it, once."""
    from saml2 import BINDING_HTTP_REDIRECT
    from saml2.ident import decode

    if not signs() or not session.get("name_id") or not session.get("issuer"):
        return "", ""
    try:
        sp = client()
        services = sp.metadata.single_logout_service(
            session["issuer"], BINDING_HTTP_REDIRECT, "idpsso"
        )
        if not services:
            return "", ""
        destination = services[0]["location"]
        index = session.get("session_index")
        request_id, request = sp.create_logout_request(
            destination,
            session["issuer"],
            name_id=decode(session["name_id"]),
            session_indexes=[index] if index else None,
            sign=False,
        )
        # Signed in the query string (the redirect binding's signature), not in the XML.
        info = sp.apply_binding(BINDING_HTTP_REDIRECT, str(request), destination, "", sign=True)
    except errors() as exc:
        logger.warning("No SAML single logout: %s", exc)
        return "", ""
    return request_id, dict(info["headers"])["Location"]


@dataclass(frozen=True)
class LogoutMessage:
    """A message at our SingleLogoutService: the IdP's answer (``is_response``) to our
    LogoutRequest ``in_response_to``, or its own LogoutRequest for ``name_id``."""

    is_response: bool
    issuer: str = ""
    provider: str = ""
    name_id: str = ""
    in_response_to: str = ""
    request: object = None


def _logout_response(sp, query) -> LogoutMessage:
    """The IdP's LogoutResponse, checked: from a configured IdP, carrying that IdP's redirect
    signature, addressed to our SingleLogoutService, issued now, Success. pysaml2 checks only an
    XML signature on a response (the redirect binding has none) and ignores a wrong
    Destination there, so both are checked here with its own ``verify_redirect_signature`` and
    ``verify``. Whether it answers a request we sent is the caller's (``sso_request_consume``)."""
    from saml2 import BINDING_HTTP_REDIRECT
    from saml2.sigver import verify_redirect_signature

    encoded = query["SAMLResponse"]
    response = sp.parse_logout_request_response(encoded, BINDING_HTTP_REDIRECT)
    if response is None:
        raise SignInRefused("That sign-out answer was empty.", reason="empty LogoutResponse")
    issuer = response.issuer()
    p = _configured(issuer)
    if not query.get("SigAlg") or not query.get("Signature"):
        raise SignInRefused(
            "That sign-out answer was not signed by your university.",
            reason="LogoutResponse signature missing",
        )
    signed = {
        k: query[k] for k in ("SAMLResponse", "RelayState", "SigAlg", "Signature") if k in query
    }
    certs = sp.metadata.certs(issuer, "idpsso", "signing")
    if not any(verify_redirect_signature(signed, sp.sec.sec_backend, cert) for _, cert in certs):
        raise SignInRefused(
            "That sign-out answer was not signed by your university.",
            reason="LogoutResponse signature invalid",
        )
    if response.response.destination != slo_url() or not response.verify():
        raise SignInRefused(
            "That sign-out answer was not for this site.",
            reason=f"LogoutResponse destination {response.response.destination} or issue time",
        )
    return LogoutMessage(
        is_response=True,
        issuer=issuer,
        provider=p.key,
        in_response_to=str(response.in_response_to or ""),
    )


def logout_message(query) -> LogoutMessage:
    """Read a LogoutRequest or LogoutResponse arriving by HTTP-Redirect. Either must carry the
    IdP's signature (checked by pysaml2 against the IdP's metadata); anything that cannot be
    accepted raises ``SignInRefused`` (or one of ``errors()``)."""
    from saml2 import BINDING_HTTP_REDIRECT
    from saml2.ident import code
    from saml2.request import LogoutRequest

    sp = client()
    if query.get("SAMLResponse"):
        return _logout_response(sp, query)
    encoded = query.get("SAMLRequest", "")
    if not encoded:
        raise SignInRefused("That sign-out message was empty.", reason="empty SLO message")
    xml = sp.unravel(encoded, BINDING_HTTP_REDIRECT, LogoutRequest.msgtype)
    request = LogoutRequest(
        sp.sec,
        sp.config.endpoint("single_logout_service", BINDING_HTTP_REDIRECT, "sp"),
        sp.config.attribute_converters,
        timeslack=sp.config.accepted_time_diff or 0,
    ).loads(
        xml,
        BINDING_HTTP_REDIRECT,
        origdoc=encoded,
        must=True,  # pysaml2 asks this of an IdP only; an SP must insist too
        relay_state=query.get("RelayState"),
        sigalg=query.get("SigAlg"),
        signature=query.get("Signature"),
    )
    request.verify()
    issuer = request.issuer.text if request.issuer is not None else ""
    p = _configured(issuer)
    name_id = request.message.name_id
    return LogoutMessage(
        is_response=False,
        issuer=issuer,
        provider=p.key,
        name_id=code(name_id) if name_id is not None else "",
        request=request.message,
    )


def logout_response_redirect(message: LogoutMessage, *, success: bool, relay_state: str) -> str:
    """Our LogoutResponse to the IdP's LogoutRequest, as the IdP's address to redirect to."""
    from saml2 import BINDING_HTTP_REDIRECT
    from saml2.s_utils import status_message_factory
    from saml2.samlp import STATUS_UNKNOWN_PRINCIPAL

    sp = client()
    status = (
        None if success else status_message_factory("Unknown session", STATUS_UNKNOWN_PRINCIPAL)
    )
    # pysaml2 addresses it to the IdP's SingleLogoutService from the IdP's metadata.
    # Signed in the query string (the redirect binding's signature), not in the XML.
    response = sp.create_logout_response(
        message.request, [BINDING_HTTP_REDIRECT], status, sign=False
    )
    info = sp.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(response),
        response.destination,
        relay_state,
        response=True,
        sign=True,
    )
    return dict(info["headers"])["Location"]


def metadata_xml() -> str:
    from saml2.metadata import entity_descriptor

    return str(entity_descriptor(client().config))
