from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.admin_base import ReadOnlyModelAdmin

from .audit import audit_record
from .choices import AuditAction
from .models import AuditEntry, Demographics, ExternalIdentity, Profile, User
from .sso.services import profile_class_corrected, sso_unlink

# Changes to these made in the admin are written to the audit trail, before and after.
ACCESS_FIELDS = ("is_active", "is_staff", "is_superuser")
# The position class (docs/invariants.md): an administrator's change here is a correction.
CLASS_FIELDS = ("affiliation", "applicant_type")


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = [
        "applicant_type",
        "affiliation",
        "affiliation_corrected",
        "department",
        "orcid",
        "era_commons_id",
        "expertise_keywords",
    ]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    list_filter = ["groups", "is_active", "is_staff"]

    def save_model(self, request, obj, form, change):
        # Group changes are audited by the m2m signal; these flags are plain fields.
        changed = [f for f in ACCESS_FIELDS if change and f in form.changed_data]
        before = {f: form.initial.get(f) for f in changed}
        super().save_model(request, obj, form, change)
        if changed:
            audit_record(
                action=AuditAction.ROLE_CHANGED,
                actor=request.user,
                obj=obj,
                before=before,
                after={f: getattr(obj, f) for f in changed},
                request=request,
                note="Changed in the admin.",
            )

    def save_formset(self, request, form, formset, change):
        corrected = []
        if formset.model is Profile:
            corrected = [
                (
                    f.instance,
                    {
                        "affiliation": f.initial.get("affiliation", ""),
                        "position": f.initial.get("applicant_type", ""),
                    },
                )
                for f in formset.forms
                if f.instance.pk and set(CLASS_FIELDS) & set(f.changed_data)
            ]
        super().save_formset(request, form, formset, change)
        for profile, before in corrected:
            profile_class_corrected(
                profile=profile, before=before, actor=request.user, request=request
            )


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    """University sign-ins tied to accounts. Made only by signing in; deleting one unlinks it
    (audited), e.g. when it was tied to the wrong account."""

    list_display = ["user", "provider", "subject", "created_at", "last_sign_in_at"]
    list_filter = ["provider"]
    search_fields = ["user__username", "user__email", "user__last_name", "subject"]
    list_select_related = ["user"]
    readonly_fields = ["user", "provider", "subject", "created_at", "last_sign_in_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        sso_unlink(identity=obj, actor=request.user, request=request)

    def delete_queryset(self, request, queryset):
        for identity in queryset.select_related("user"):
            sso_unlink(identity=identity, actor=request.user, request=request)


@admin.register(Demographics)
class DemographicsAdmin(admin.ModelAdmin):
    """Administrators read individual records for reporting only."""

    list_display = ["user", "sex", "birth_year", "disadvantaged", "updated_at"]
    search_fields = ["user__username", "user__last_name"]
    readonly_fields = ["updated_at"]

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if request.method == "GET" and changelist is not None:
            shown = [row.user_id for row in changelist.result_list]
            if shown:
                audit_record(
                    action=AuditAction.DEMOGRAPHICS_VIEWED,
                    actor=request.user,
                    request=request,
                    object_type="accounts.demographics",
                    object_repr=f"Demographics list ({len(shown)} people)",
                    after={"users": shown},
                    note="The admin's list shows each person's answers.",
                )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        original = (getattr(response, "context_data", None) or {}).get("original")
        # Any page that shows the record (a GET, or a POST shown again with errors).
        if response.status_code == 200 and original is not None:
            audit_record(
                action=AuditAction.DEMOGRAPHICS_VIEWED,
                actor=request.user,
                obj=original,
                request=request,
                after={"user": original.user_id},
            )
        return response


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyModelAdmin):
    """Read-only: nobody adds, changes or deletes audit entries, superusers included."""

    list_display = ["at", "actor_username", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_username", "object_id", "object_repr", "note"]
    date_hierarchy = "at"
    actions = None
