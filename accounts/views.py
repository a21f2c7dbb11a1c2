"""Pages for a person's own profile and demographics, and the administrators' audit trail."""

import csv
import json
from datetime import UTC
from urllib.parse import urlencode

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from . import two_factor
from .audit import audit_record
from .choices import AuditAction
from .forms import (
    AuditSearchForm,
    DemographicsForm,
    InvitationAccountForm,
    ProfileForm,
    SignInForm,
    TwoFactorCodeForm,
    TwoFactorConfirmForm,
    UserNameForm,
)
from .models import User
from .permissions import can
from .selectors import (
    account_with_email,
    api_token_summary,
    audit_entries,
    invitation_by_token,
)
from .services import (
    INVITATION_GONE,
    api_token_revoke,
    demographics_for,
    invitation_accept_existing,
    invitation_accept_new_account,
    profile_for,
    profile_position_changed,
    sign_out_everywhere,
)
from .sso.views import sign_in_buttons

AUDIT_PAGE_SIZE = 50
# The profile page's second form: its "Revoke the API token" button.
REVOKE_ACTION = "revoke_api_token"
# Its third: ending every session and the API token (a lost laptop, a shared computer).
SIGN_OUT_EVERYWHERE_ACTION = "sign_out_everywhere"


@login_required
def profile_edit(request):
    """The person's name and position, and (a second form on the page, ``action`` =
    ``revoke_api_token``) revoking their own API token."""
    if request.method == "POST" and request.POST.get("action") == REVOKE_ACTION:
        return _revoke_own_api_token(request)
    if request.method == "POST" and request.POST.get("action") == SIGN_OUT_EVERYWHERE_ACTION:
        sign_out_everywhere(user=request.user, actor=request.user)
        logout(request)
        messages.success(
            request,
            "You are signed out everywhere: every browser and your API token. Sign in again here.",
        )
        return redirect("login")
    profile = profile_for(request.user)
    name_form = UserNameForm(
        request.POST if request.method == "POST" else None, instance=request.user, prefix="user"
    )
    profile_form = ProfileForm(
        request.POST if request.method == "POST" else None, instance=profile, prefix="profile"
    )
    position_before = profile.applicant_type
    if request.method == "POST" and name_form.is_valid() and profile_form.is_valid():
        with transaction.atomic():
            name_form.save()
            profile_form.save()
            profile_position_changed(profile=profile, before=position_before, actor=request.user)
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "name_form": name_form,
            "profile_form": profile_form,
            "api_token": api_token_summary(request.user),
        },
    )


def _revoke_own_api_token(request):
    """The profile page's "Revoke" button: the signed-in person's own API token, no one
    else's."""
    if api_token_revoke(
        user=request.user, actor=request.user, reason="Revoked by its owner (profile page)."
    ):
        messages.success(request, "Your API token is revoked: scripts using it are signed out.")
    else:
        messages.info(request, "You have no API token.")
    return redirect("accounts:profile")


@never_cache
@login_required
def demographics_edit(request):
    """Only the person edits their own record; administrators read it in the admin."""
    demographics = demographics_for(request.user)
    form = DemographicsForm(
        request.POST if request.method == "POST" else None, instance=demographics
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Thank you — your answers are saved.")
        return redirect("accounts:demographics")
    return render(request, "accounts/demographics.html", {"form": form})


def _audit_search(request):
    if not can(request.user, "accounts.view_audit"):
        raise Http404("No such page.")
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, filters, audit_entries(**filters)


@never_cache
@login_required
def audit_log(request):
    """Search the audit trail (administrators only; everyone else is told 404)."""
    form, filters, entries = _audit_search(request)
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode(), "filtered": bool(filters)},
    )


# Cells a spreadsheet would run as a formula are written with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


@never_cache
@login_required
def audit_log_csv(request):
    """Every entry the filters match (not only one page), as CSV; the download is audited."""
    _, filters, entries = _audit_search(request)
    # The rows that exist now: the entry recording this export is not in it.
    last = entries.values_list("pk", flat=True).order_by("-pk").first()
    entries = entries.filter(pk__lte=last or 0)
    audit_record(
        action=AuditAction.REPORT_EXPORTED,
        actor=request.user,
        request=request,
        object_type="accounts.auditentry",
        object_repr="Audit trail (CSV)",
        after={"format": "csv", "filters": {k: v for k, v in filters.items() if v}},
    )
    header = [
        "at_utc",
        "actor",
        "action",
        "object_type",
        "object_id",
        "object",
        "ip_address",
        "user_agent",
        "before",
        "after",
        "note",
    ]

    def rows():
        writer = csv.writer(_Echo())
        yield writer.writerow(header)
        for e in entries.iterator(chunk_size=1000):
            yield writer.writerow(
                [
                    _cell(value)
                    for value in (
                        e.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                        e.actor_username,
                        e.action,
                        e.object_type,
                        e.object_id,
                        e.object_repr,
                        e.ip_address,
                        e.user_agent,
                        "" if e.before is None else json.dumps(e.before, sort_keys=True),
                        "" if e.after is None else json.dumps(e.after, sort_keys=True),
                        e.note,
                    )
                ]
            )

    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="northstar-audit-{stamp}.csv"'
    return response


# ---- Sign-in: lockout and two-factor ---------------------------------------------------------


class SignInView(LoginView):
    """Django's sign-in page. A session that owes a second factor (or an enrolment) goes
    there next, keeping where the person was going."""

    redirect_authenticated_user = True
    form_class = SignInForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_buttons"] = sign_in_buttons(self.get_redirect_url())
        return context

    def get_success_url(self):
        url = super().get_success_url()
        step = two_factor.pending_step(self.request)
        if step == two_factor.VERIFY:
            return f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': url})}"
        if step == two_factor.ENROL:
            return reverse("accounts:two_factor_setup")
        return url


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once a username and address have failed too often
    (``AXES_LOCKOUT_CALLABLE``): a page that says for how long, with status 429."""
    minutes = max(1, round(get_cool_off(request).total_seconds() / 60))
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


WRONG_CODE = (
    "That code did not work. Enter the code your app shows now (it changes every 30 seconds) "
    "or an unused backup code. After a wrong code, wait a few seconds before trying again."
)


def _next_url(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
@sensitive_post_parameters("code")
@login_required
def two_factor_verify(request):
    """The second step of signing in for people with two-factor on."""
    next_url = _next_url(request)
    if two_factor.pending_step(request) != two_factor.VERIFY:
        return redirect(next_url)
    form = TwoFactorCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.two_factor_verify(user=request.user, code=form.cleaned_data["code"])
        if device is not None:
            two_factor.session_verified(request, device)
            if device.name == two_factor.BACKUP_NAME:
                left = two_factor.backup_codes_left(request.user)
                messages.warning(
                    request,
                    f"You used a backup code; {left} left. Make new ones in Profile → "
                    "Two-factor sign-in if you are running out.",
                )
            return redirect(next_url)
        form.add_error("code", WRONG_CODE)
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": next_url, "hide_nav": True},
    )


@never_cache
@sensitive_post_parameters("code")
@login_required
def two_factor_setup(request):
    """Administrators and chairs turn two-factor sign-in on (scan, confirm with a code, keep
    the backup codes); once on, the same page makes new backup codes or turns it off, each
    with a code. Everyone else is told 404."""
    user = request.user
    if two_factor.is_enrolled(user):
        return _two_factor_manage(request)
    if not two_factor.may_enrol(user):
        raise Http404("No such page.")
    device = two_factor.totp_device_pending(user=user)
    form = TwoFactorConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.two_factor_enrol(
            user=user, device=device, code=form.cleaned_data["code"]
        )
        if codes is not None:
            two_factor.session_verified(request, device)
            return render(
                request, "accounts/two_factor_backup_codes.html", {"codes": codes, "new": True}
            )
        form.add_error("code", WRONG_CODE)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": two_factor.qr_svg(device),
            "secret": two_factor.secret_text(device),
            "required": two_factor.must_enrol(user),
            "hide_nav": two_factor.pending_step(request) == two_factor.ENROL,
        },
    )


def _two_factor_manage(request):
    action = request.POST.get("action") if request.method == "POST" else None
    form = TwoFactorCodeForm(request.POST if action else None)
    if action in ("backup_codes", "disable") and form.is_valid():
        if two_factor.two_factor_verify(user=request.user, code=form.cleaned_data["code"]):
            if action == "backup_codes":
                codes = two_factor.backup_codes_replace(user=request.user)
                return render(request, "accounts/two_factor_backup_codes.html", {"codes": codes})
            two_factor.two_factor_disable(user=request.user)
            two_factor.session_disabled(request)
            messages.success(request, "Two-factor sign-in is off.")
            return redirect("accounts:two_factor_setup")
        form.add_error("code", WRONG_CODE)
    return render(
        request,
        "accounts/two_factor_manage.html",
        {
            "form": form,
            "action": action,
            "backup_codes_left": two_factor.backup_codes_left(request.user),
            "required": two_factor.must_enrol(request.user),
        },
    )


@require_POST
@never_cache
def session_keep_alive(request):
    """ "Stay signed in" on the idle warning: any request restarts the session's idle clock
    (SESSION_SAVE_EVERY_REQUEST), so this only answers how long it now has. A session that has
    already ended answers 401, and the page then says so. Without the script the button is a
    plain form, and the person goes back to the page they were on."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "You have been signed out."}, status=401)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"expires_in": request.session.get_expiry_age()})
    return redirect(_next_url(request))


# ---- Accepting an invitation -----------------------------------------------------------------


@never_cache
@sensitive_post_parameters("password1", "password2")
def invitation_accept(request, token: str):
    """The page an invitation's e-mailed link opens (no sign-in needed to reach it).

    Unknown link: 404; used, replaced or expired: 410, each with a page that says so. If the
    invited address has an account, its owner signs in and accepts with one button (anyone
    else signed in is told the invitation is not theirs); otherwise the invitee creates their
    account here and is signed in. Either way the invitation's app links the account to what
    it was for (a place on a proposal's team) and we go there."""
    invitation = invitation_by_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_gone.html", {"state": "unknown"}, status=404)
    state = invitation.state()
    if state != "valid":
        return render(
            request,
            "accounts/invitation_gone.html",
            {"state": state, "message": INVITATION_GONE[state]},
            status=410,
        )
    context = {"invitation": invitation, "inviter": invitation.invited_by}
    existing = account_with_email(invitation.email)
    if existing is not None or request.user.is_authenticated:
        return _accept_as_signed_in(request, invitation, existing, context)
    form = InvitationAccountForm(
        request.POST if request.method == "POST" else None,
        instance=User(email=invitation.email),
        initial=_split_name(invitation.full_name),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, next_url = invitation_accept_new_account(
                invitation=invitation,
                username=data["username"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                applicant_type=data["applicant_type"],
                department=data["department"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome to Northstar: your account is ready.")
            return redirect(next_url)
    return render(request, "accounts/invitation_accept.html", {**context, "form": form})


def _accept_as_signed_in(request, invitation, existing, context):
    """The invited address has an account (or someone is signed in): only its owner,
    signed in, may accept."""
    mine = request.user.is_authenticated and (
        (request.user.email or "").strip().lower() == invitation.email.strip().lower()
    )
    context = {**context, "has_account": existing is not None, "mine": mine}
    if not request.user.is_authenticated:
        context["login_url"] = f"{reverse('login')}?{urlencode({'next': request.path})}"
    elif mine and request.method == "POST":
        try:
            next_url = invitation_accept_existing(invitation=invitation, actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, "You have joined the team.")
            return redirect(next_url)
    return render(request, "accounts/invitation_existing.html", context)


def _split_name(full_name: str) -> dict[str, str]:
    """The invited name as a first guess at first and last name."""
    first, _, last = (full_name or "").strip().rpartition(" ")
    return {"first_name": first, "last_name": last} if first else {"first_name": last}
