"""The identity providers, read from settings on each use (so tests and deployments change
them without a restart of anything cached by identity)."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

OIDC = "oidc"
SAML = "saml"

# Claims (OIDC) or attribute names (SAML) that carry each fact, unless a provider says otherwise.
OIDC_CLAIMS = {
    "subject": "sub",
    "email": "email",
    "first_name": "given_name",
    "last_name": "family_name",
    "affiliation": "affiliation",
    "department": "department",
}
SAML_ATTRIBUTES = {
    "subject": "eduPersonPrincipalName",
    "email": "mail",
    "first_name": "givenName",
    "last_name": "sn",
    "affiliation": "eduPersonAffiliation",
    "department": "ou",
}
# What counts as the provider having done multi-factor authentication: OIDC `amr` / `acr`
# values, SAML AuthnContextClassRef values.
MFA_VALUES = (
    "mfa",
    "otp",
    "hwk",
    "https://refeds.org/profile/mfa",
    "http://schemas.microsoft.com/claims/multipleauthn",
)
# Asserted affiliation values → Northstar's class (first match wins, in this order).
AFFILIATIONS = {
    "faculty": "faculty",
    "student": "student",
    "staff": "staff",
    "employee": "staff",
}


@dataclass(frozen=True)
class Provider:
    protocol: str
    key: str
    name: str
    mapping: dict
    mfa_values: tuple[str, ...]
    affiliations: dict
    options: dict = field(default_factory=dict)

    @property
    def button(self) -> str:
        return f"Sign in with {self.name}"


def _provider(protocol: str, raw: dict, defaults: dict) -> Provider:
    try:
        key = str(raw["key"])
    except KeyError as exc:
        raise ImproperlyConfigured(f"A {protocol} provider needs a 'key'.") from exc
    return Provider(
        protocol=protocol,
        key=key,
        name=str(raw.get("name") or key),
        mapping={**defaults, **raw.get("attributes", {})},
        mfa_values=tuple(raw.get("mfa_values", MFA_VALUES)),
        affiliations={**AFFILIATIONS, **raw.get("affiliations", {})},
        options=raw,
    )


def providers() -> list[Provider]:
    """Every configured provider, OIDC first, in settings order."""
    found = [_provider(OIDC, raw, OIDC_CLAIMS) for raw in settings.NORTHSTAR_OIDC_PROVIDERS]
    found += [_provider(SAML, raw, SAML_ATTRIBUTES) for raw in settings.NORTHSTAR_SAML_IDPS]
    return found


def provider(protocol: str, key: str) -> Provider | None:
    return next((p for p in providers() if p.protocol == protocol and p.key == key), None)


# The clock the metadata cache reads (monotonic: a wall-clock change expires nothing).
clock = time.monotonic


def cached(store: dict, key: str, build: Callable[[], object]):
    """``store[key]``, rebuilt by ``build`` once it is NORTHSTAR_SSO_METADATA_TTL seconds old:
    the library clients hold the provider's metadata (SAML metadata from a URL, OIDC discovery
    and keys), so an IdP's new certificate or endpoint is picked up without a restart."""
    now = clock()
    hit = store.get(key)
    if hit is not None and now - hit[1] < settings.NORTHSTAR_SSO_METADATA_TTL:
        return hit[0]
    value = build()
    store[key] = (value, now)
    return value
