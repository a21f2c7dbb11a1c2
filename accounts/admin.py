from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Demographics, Profile, User


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    list_filter = ["groups", "is_active", "is_staff"]


@admin.register(Demographics)
class DemographicsAdmin(admin.ModelAdmin):
    """Administrators read individual records for reporting only."""

    list_display = ["user", "sex", "birth_year", "disadvantaged", "updated_at"]
    search_fields = ["user__username", "user__last_name"]
    readonly_fields = ["updated_at"]
