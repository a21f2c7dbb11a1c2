"""Response headers every page gets, the two-factor gate, and the request id."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control

from config.logging import clean_request_id, request_id_var

# Scripts and styles only from our own origin (no inline code, no event-handler attributes):
# an injected <script> or onclick does nothing. `data:` images are the inline icons of the
# admin and the API docs; charts and QR codes are inline <svg> elements, which need nothing.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every response, and ``Cache-Control: no-store`` on every
    response whose view did not decide its own caching.

    Nearly every page shows proposals, reviews, awards or demographics to one signed-in
    person, and the API serves the same; a shared or back-button cache must keep none of it.
    Static files are served before this (WhiteNoise) and keep their long cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Django's technical error pages (DEBUG only) are styled inline; let them show.
        if not (settings.DEBUG and response.status_code >= 400):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if "Cache-Control" not in response.headers:
            patch_cache_control(response, no_store=True, private=True)
        return response


# Pages a session that owes a second factor may still open (besides signing out).
VERIFY_PAGES = frozenset({"accounts:two_factor_verify"})
ENROL_PAGES = frozenset({"accounts:two_factor_setup"})
ALWAYS_OPEN = frozenset({"logout", "api-token"})


class TwoFactorMiddleware:
    """A signed-in person who owes a second factor (or, where it is required, an enrolment)
    is sent to that page from every other one; the API answers such a session 403.

    Requests with an API token are not this middleware's business: DRF authenticates them in
    the view, and tokens are the machine path (no second factor).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from accounts.two_factor import ENROL, VERIFY, pending_step

        step = pending_step(request)
        if not step:
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        if name in ALWAYS_OPEN or name in (VERIFY_PAGES if step == VERIFY else ENROL_PAGES):
            return None
        if request.path.startswith("/api/"):
            if request.headers.get("Authorization", "").startswith("Token "):
                return None
            detail = (
                "Enter your two-factor code in the browser first."
                if step == VERIFY
                else "Set up two-factor sign-in in the browser first."
            )
            return JsonResponse({"detail": detail}, status=403)
        target = reverse(
            "accounts:two_factor_verify" if step == VERIFY else "accounts:two_factor_setup"
        )
        if step == ENROL or request.method != "GET":
            return redirect(target)
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


class RequestIdMiddleware:
    """Gives each request an id: the load balancer's ``X-Request-ID`` when it is a safe one,
    else a new one. Every log record emitted while the request runs carries it
    (config.logging), and the response returns it, so a user's report, the access log and
    the application's log lines can be matched up.

    First in MIDDLEWARE, so that the records of everything after it carry the id.
    """

    header = "X-Request-ID"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = clean_request_id(request.headers.get(self.header))
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response.headers[self.header] = request_id
        return response
