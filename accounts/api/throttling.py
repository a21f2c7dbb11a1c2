"""API throttles keyed on the client's real address.

DRF's own throttles key anonymous callers on the whole X-Forwarded-For header when one is sent
(its NUM_PROXIES setting is unset), so a client that sends a new header each time is a new
client each time. These key on ``accounts.audit.client_ip`` instead — the address the audit
trail and the sign-in lockout use: REMOTE_ADDR, or with ``NORTHSTAR_TRUSTED_PROXY_COUNT`` = N
the address our outermost proxy wrote into X-Forwarded-For.
"""

from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle

from accounts.audit import client_ip


class ClientAddressMixin:
    def get_ident(self, request) -> str:
        # An address that does not parse (a misconfigured proxy count) falls back to the
        # connection's: every such caller shares one counter rather than escaping it.
        return client_ip(request) or request.META.get("REMOTE_ADDR") or ""


class ClientAnonRateThrottle(ClientAddressMixin, AnonRateThrottle):
    """The ``anon`` rate, per client address."""


class ClientUserRateThrottle(ClientAddressMixin, UserRateThrottle):
    """The ``user`` rate, per signed-in user (per client address for anonymous callers)."""


class ClientScopedRateThrottle(ClientAddressMixin, ScopedRateThrottle):
    """A view's ``throttle_scope`` rate, per signed-in user or per client address."""
