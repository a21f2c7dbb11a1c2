"""People: the user, their professional profile, their restricted demographics, and the
audit trail."""

import json
import unicodedata

from django.contrib.auth.models import AbstractUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .choices import (
    FACULTY_TYPES,
    TRAINEE_TYPES,
    Affiliation,
    ApplicantType,
    AuditAction,
    DisadvantagedBasis,
    Role,
    Sex,
    YesNoPreferNot,
)
from .validators import validate_era_commons_id, validate_orcid


def fold_for_search(text: str) -> str:
    """Lower case without accents, single-spaced: what the people finder compares, so that
    "ramirez" finds Elena Ramírez and "Ramírez" finds a Ramirez (on SQLite and PostgreSQL
    alike, with no database extension)."""
    plain = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


class User(AbstractUser):
    """A person who signs in. Custom from the first migration so it can grow."""

    email = models.EmailField("e-mail address", blank=True)
    # "first last username", folded (fold_for_search); kept by save(). The people finder
    # matches it, so a name typed without its accents still finds the person.
    search_name = models.CharField(max_length=400, blank=True, default="", editable=False)
    # Raised by "sign out everywhere" (services.sign_out_everywhere): it is part of the session
    # hash, so every session signed in before the raise stops being valid.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def _get_session_auth_hash(self, secret=None):
        # Django's hash of the password, unchanged while the epoch is 0 (so existing sessions
        # survive the upgrade); after a sign-out everywhere the epoch is part of it.
        if not self.session_epoch:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "northstar.accounts.User.session_auth_hash",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.search_name = fold_for_search(f"{self.first_name} {self.last_name} {self.username}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"first_name", "last_name", "username"} & set(
            update_fields
        ):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def has_role(self, role: Role | str) -> bool:
        if not self.is_authenticated:
            return False
        if role == Role.ADMINISTRATOR and self.is_superuser:
            return True
        cache = getattr(self, "_role_cache", None)
        if cache is None:
            cache = set(self.groups.values_list("name", flat=True))
            self._role_cache = cache
        return str(role) in cache

    @property
    def is_administrator(self) -> bool:
        return self.has_role(Role.ADMINISTRATOR)


class Profile(models.Model):
    """What a researcher tells the program about their position and expertise."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    applicant_type = models.CharField(
        "position", max_length=32, choices=ApplicantType.choices, blank=True
    )
    department = models.CharField(max_length=200, blank=True)
    orcid = models.CharField("ORCID iD", max_length=19, blank=True, validators=[validate_orcid])
    era_commons_id = models.CharField(
        "eRA Commons ID", max_length=20, blank=True, validators=[validate_era_commons_id]
    )
    expertise_keywords = models.TextField(
        blank=True, help_text="Comma-separated, e.g. diabetes, community health workers"
    )
    # Set by the university's sign-in (accounts.sso.services); while set, the person picks a
    # position only inside this class. An administrator may change both in the admin.
    affiliation = models.CharField(
        "affiliation (from university sign-in)",
        max_length=16,
        choices=Affiliation.choices,
        blank=True,
    )
    # An administrator corrected the class (accounts.sso.services.profile_class_corrected):
    # later university sign-ins leave affiliation and position alone until this is cleared.
    affiliation_corrected = models.BooleanField(
        "class corrected by an administrator",
        default=False,
        help_text="While ticked, the university's sign-in no longer sets this person's "
        "affiliation and position. Untick to let it do so again.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @property
    def is_trainee(self) -> bool:
        return self.applicant_type in TRAINEE_TYPES

    @property
    def is_faculty(self) -> bool:
        return self.applicant_type in FACULTY_TYPES

    @property
    def keywords(self) -> list[str]:
        return [k.strip().lower() for k in self.expertise_keywords.split(",") if k.strip()]


class Demographics(models.Model):
    """Self-reported, optional, restricted: only the person and administrators may read it.

    Never joined into pages for reviewers; it leaves the system only as aggregates.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="demographics")
    race_ethnicity = models.JSONField(
        "race and ethnicity",
        default=list,
        blank=True,
        help_text="2024 OMB categories; several may be chosen.",
    )
    race_ethnicity_detail = models.CharField(max_length=200, blank=True)
    sex = models.CharField(max_length=20, choices=Sex.choices, blank=True)
    sex_self_described = models.CharField(max_length=100, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_year_prefer_not = models.BooleanField(default=False)
    disadvantaged = models.CharField(
        "disadvantaged background", max_length=20, choices=YesNoPreferNot.choices, blank=True
    )
    disadvantaged_basis = models.CharField(
        max_length=20, choices=DisadvantagedBasis.choices, blank=True
    )
    rural_background = models.CharField(max_length=20, choices=YesNoPreferNot.choices, blank=True)
    first_generation = models.CharField(
        "first generation to attend college",
        max_length=20,
        choices=YesNoPreferNot.choices,
        blank=True,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "demographics"

    def __str__(self) -> str:
        return f"Demographics of {self.user}"


class AuditTrailIsAppendOnly(Exception):
    """An attempt to change or delete an audit entry (refused; the trail is append-only)."""


class AuditEntryQuerySet(models.QuerySet):
    """No bulk change or delete path: ``update()`` and ``delete()`` refuse.

    Deleting a user still works: Django's deletion collector nulls ``actor`` through the
    model's plain base manager (the PostgreSQL trigger allows exactly that one change).
    """

    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly("Audit entries cannot be changed.")

    def delete(self):
        raise AuditTrailIsAppendOnly("Audit entries cannot be deleted.")

    delete.queryset_only = True


class AuditEntry(models.Model):
    """One line of the audit trail: who did what to which object, when (UTC), from where.

    Append-only from the application: written by ``accounts.audit.audit_record`` only; saving
    an existing entry, deleting one, and queryset ``update()``/``delete()`` all raise
    ``AuditTrailIsAppendOnly``; on PostgreSQL a trigger refuses UPDATE and DELETE as well.
    """

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept when the user is deleted, so "who" survives the account.
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(max_length=100, blank=True)  # "app_label.model_name"
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    note = models.TextField(blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit trail"
        indexes = [
            models.Index(fields=["action", "at"], name="audit_action_at"),
            models.Index(fields=["actor_username", "at"], name="audit_actor_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        who = self.actor_username or "system"
        return f"{self.at:%Y-%m-%d %H:%M:%S} UTC {who}: {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding or self.pk is not None:
            raise AuditTrailIsAppendOnly("Audit entries cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly("Audit entries cannot be deleted.")

    @property
    def changes(self) -> list[tuple[str, str, str]]:
        """(key, before, after) for every key of ``before`` or ``after``, as text."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before, *after]))
        return [(key, _shown(before.get(key)), _shown(after.get(key))) for key in keys]


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, cls=DjangoJSONEncoder)
    return str(value)


class Invitation(models.Model):
    """An e-mailed invitation for someone without an account to join (and, once they have an
    account, to be linked to what they were invited to: ``subject``).

    Single use and short-lived: ``accounts.services.invitation_create`` makes it, voiding any
    earlier one for the same subject. Only a SHA-256 of the token is stored; the token itself
    exists in the e-mail alone. ``subject_type``/``subject_id`` name the row of a higher app
    (``grants.teammember``, 42) without importing it: that app links the account when the
    invitation is accepted (``accounts.signals.invitation_accepted``).
    """

    email = models.EmailField("e-mail address")
    full_name = models.CharField(max_length=200, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    subject_type = models.CharField(max_length=100)
    subject_id = models.CharField(max_length=64)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="invitation_subject")]

    def __str__(self) -> str:
        return (
            f"Invitation of {self.full_name or self.email} ({self.subject_type} {self.subject_id})"
        )

    def state(self, now=None) -> str:
        """``used``, ``void``, ``expired`` or ``valid``."""
        if self.used_at:
            return "used"
        if self.voided_at:
            return "void"
        if self.expires_at <= (now or timezone.now()):
            return "expired"
        return "valid"


class ExternalIdentity(models.Model):
    """A person's account at the university's identity provider, tied to their Northstar
    account: matched on (provider, subject) — the stable identifier (eduPersonPrincipalName,
    OIDC ``sub``), never a name or an e-mail. Written by ``accounts.sso.services`` only."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="external_identities")
    # The provider's key in settings (NORTHSTAR_OIDC_PROVIDERS / NORTHSTAR_SAML_IDPS).
    provider = models.CharField(max_length=64)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "university sign-in"
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="external_identity_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.subject}"


class SingleSignOnRequest(models.Model):
    """A sign-in sent to an identity provider and not yet answered. The answer consumes it
    once (``used_at``): a replayed SAML response or OIDC callback finds it used. Kept in the
    database, not the session, because the SAML answer is a cross-site POST that carries no
    SameSite=Lax session cookie."""

    key = models.CharField(max_length=128, unique=True)
    provider = models.CharField(max_length=64)
    next_url = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.provider} {self.key}"
