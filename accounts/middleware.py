"""Per-request context for the audit trail."""

from .audit import audit_context


class AuditContextMiddleware:
    """Remembers the current request (its address, browser and user) for the length of the
    request, so ``audit_record`` called from a service records where the change came from."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit_context(request):
            return self.get_response(request)
