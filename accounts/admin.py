from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .audit import audit_record
from .choices import AuditAction
from .models import AuditEntry, Demographics, Profile, User

# Changes to these made in the admin are written to the audit trail, before and after.
ACCESS_FIELDS = ("is_active", "is_staff", "is_superuser")


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False


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
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nobody adds, changes or deletes audit entries, superusers included."""

    list_display = ["at", "actor_username", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_username", "object_id", "object_repr", "note"]
    date_hierarchy = "at"
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
