"""SAML 2.0 service provider on pysaml2 (xmlsec1 checks the XML signatures): the
AuthnRequest, the Response's checks (signed assertion, audience, destination, lifetime,
InResponseTo of a request we sent and have not seen answered), and our metadata."""

import json
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from ..models import SingleSignOnRequest
from .config import SAML, Provider, providers
from .services import Assertion, SignInRefused, affiliation_from

_clients: dict[str, object] = {}


def sp_entity_id() -> str:
    return settings.NORTHSTAR_SAML_SP_ENTITY_ID or (
        settings.SITE_URL + reverse("accounts:sso_saml_metadata")
    )


def acs_url() -> str:
    return settings.SITE_URL + reverse("accounts:sso_saml_acs")


def sp_config_dict() -> dict:
    """pysaml2's SP configuration from Northstar's settings."""
    from saml2 import BINDING_HTTP_POST

    metadata: dict[str, list] = {"local": [], "remote": []}
    for p in providers():
        if p.protocol != SAML:
            continue
        if p.options.get("metadata_file"):
            metadata["local"].append(p.options["metadata_file"])
        if p.options.get("metadata_url"):
            metadata["remote"].append({"url": p.options["metadata_url"]})
    signing = bool(settings.NORTHSTAR_SAML_SP_KEY_FILE and settings.NORTHSTAR_SAML_SP_CERT_FILE)
    config = {
        "entityid": sp_entity_id(),
        "xmlsec_binary": settings.NORTHSTAR_SAML_XMLSEC_BINARY,
        "metadata": {k: v for k, v in metadata.items() if v},
        "allow_unknown_attributes": True,
        "accepted_time_diff": 60,
        "service": {
            "sp": {
                "name": "Northstar",
                "endpoints": {"assertion_consumer_service": [(acs_url(), BINDING_HTTP_POST)]},
                # Only answers to requests we sent (InResponseTo), never IdP-initiated ones.
                "allow_unsolicited": False,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "authn_requests_signed": signing,
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
    """pysaml2's client for the current settings (metadata loaded once per configuration)."""
    from saml2.client import Saml2Client
    from saml2.config import SPConfig

    config = sp_config_dict()
    cache_key = json.dumps(config, sort_keys=True, default=str)
    if cache_key not in _clients:
        sp_config = SPConfig()
        sp_config.load(config)
        _clients[cache_key] = Saml2Client(config=sp_config)
    return _clients[cache_key]


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


def _first(values) -> str:
    if isinstance(values, list):
        values = values[0] if values else ""
    return str(values or "").strip()


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
    p = next(
        (x for x in providers() if x.protocol == SAML and x.options.get("entity_id") == issuer),
        None,
    )
    if p is None:
        raise SignInRefused("That identity provider is not configured.", reason=f"issuer {issuer}")
    ava = response.get_identity() or {}
    m = p.mapping
    subject = (
        str(response.get_subject().text or "").strip()
        if m["subject"] == "NameID"
        else _first(ava.get(m["subject"]))
    )
    classes = {str(ref) for ref, *_ in response.authn_info()}
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
    )


def metadata_xml() -> str:
    from saml2.metadata import entity_descriptor

    return str(entity_descriptor(client().config))
