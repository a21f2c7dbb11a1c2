"""What the apps' admin classes share."""

from django.contrib import admin


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Listed and shown, never added, changed or deleted here: the rows are written by the
    services that audit them (the audit trail, export jobs, letters, nominees' applications,
    proposals and their documents, reviews and scores). Admin actions that call a service
    still run (they declare no ``allowed_permissions``)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """An inline shown on a read-only parent: its rows too change only through the services."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
