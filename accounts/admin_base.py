"""What the apps' admin classes share."""

from django.contrib import admin


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Listed and shown, never added, changed or deleted here: the rows are written by the
    services that audit them (the audit trail, export jobs, letters, nominees' applications)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
