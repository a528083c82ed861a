"""Django admin for people records, for administrators only (``AuditedAdmin``).

Accounts are created and their roles set on Tandem's own pages (``people:user_create``,
``people:user_edit``), which run the full rules; here an administrator can correct
profile fields, and inspect tokens and log-in attempts. Token secrets are never shown
(only a hash is stored).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tandem.core.admin import AuditedAdmin, ReadOnlyAdminMixin
from tandem.people.models import (
    AccessToken,
    Holiday,
    LoginAttempt,
    OrganisationCalendar,
    Person,
    RoleAssignment,
    Team,
    TimeOff,
    User,
)


class RoleAssignmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RoleAssignment
    extra = 0


@admin.register(User)
class UserAdmin(AuditedAdmin):
    list_display = ("email", "full_name", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff")
    search_fields = ("email", "full_name")
    ordering = ("full_name", "id")
    fields = (
        "email",
        "full_name",
        "time_zone",
        "is_active",
        "date_joined",
        "last_login",
        "version",
    )
    readonly_fields = ("date_joined", "last_login", "version")
    inlines = (RoleAssignmentInline,)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # people:user_create makes the profile and roles too

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # disable accounts instead: history keeps pointing at them


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ("user", "title", "team", "weekly_capacity_hours", "cost_rate", "bill_rate")
    list_select_related = ("user", "team")
    list_filter = ("team",)
    search_fields = ("user__email", "user__full_name", "title")
    raw_id_fields = ("user",)
    readonly_fields = ("version",)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ("name", "lead")
    list_select_related = ("lead",)
    search_fields = ("name",)
    raw_id_fields = ("lead",)
    readonly_fields = ("version",)


@admin.register(TimeOff)
class TimeOffAdmin(AuditedAdmin):
    list_display = ("person", "kind", "start_date", "end_date", "hours_per_day")
    list_select_related = ("person__user",)
    list_filter = ("kind",)
    raw_id_fields = ("person",)
    readonly_fields = ("version",)


@admin.register(OrganisationCalendar)
class OrganisationCalendarAdmin(AuditedAdmin):
    list_display = ("name", "time_zone", "day_start", "day_end")
    readonly_fields = ("version",)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # one calendar per organisation

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Holiday)
class HolidayAdmin(AuditedAdmin):
    list_display = ("date", "name", "calendar")
    date_hierarchy = "date"
    readonly_fields = ("version",)


@admin.register(AccessToken)
class AccessTokenAdmin(AuditedAdmin):
    list_display = (
        "name",
        "user",
        "prefix",
        "scope",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_select_related = ("user",)
    list_filter = ("scope",)
    search_fields = ("name", "prefix", "user__email")
    fields = (
        "user",
        "name",
        "prefix",
        "scope",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "version",
    )
    readonly_fields = ("user", "prefix", "last_used_at", "version")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # a secret can only be handed out once: people:token_create


@admin.register(LoginAttempt)
class LoginAttemptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "email", "ip_address")
    search_fields = ("email", "ip_address")
    date_hierarchy = "at"
