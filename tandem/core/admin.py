"""Django admin for core records: the audit trail, read-only.

``AuditedAdmin`` is the base every app's admin classes use: only administrators (the
``admin`` role or superusers) get in, and saves and deletes go through the audited,
version-checked writes of ``tandem.core.services``, so a change made in the admin has
its history like any other.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms import ModelForm
from django.http import HttpRequest

from tandem.core.models import AuditEntry
from tandem.core.permissions import is_admin
from tandem.core.services import model_create, model_delete, model_update


class AdminOnlyMixin:
    """Admin pages open to Tandem administrators only, whatever Django permissions a
    staff account holds."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin(request.user)


class ReadOnlyAdminMixin(AdminOnlyMixin):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedAdmin(AdminOnlyMixin, admin.ModelAdmin):
    """Saves and deletes through ``model_create`` / ``model_update`` / ``model_delete``."""

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        if not change:
            data = {
                field.name: getattr(obj, field.name)
                for field in obj._meta.concrete_fields
                if not field.primary_key
                and field.name not in {"version", "created_at", "updated_at"}
            }
            created = model_create(actor=request.user, model=type(obj), data=data)
            obj.pk = created.pk
            obj.version = created.version
            return
        concrete = {field.name for field in obj._meta.concrete_fields}
        data = {name: getattr(obj, name) for name in form.changed_data if name in concrete}
        with transaction.atomic():
            current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            updated = model_update(actor=request.user, instance=current, data=data)
        obj.version = updated.version

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        model_delete(actor=request.user, instance=obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                model_delete(actor=request.user, instance=obj)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "actor", "action", "content_type", "object_repr", "ip_address")
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "object_id", "actor__email")
    list_select_related = ("actor", "content_type")
    date_hierarchy = "at"
    show_full_result_count = False


class TaskResultsForAdmins:
    """Lets Tandem administrators read the background task queue (django-tasks-db's
    admin); changing it stays with Django superusers."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin(request.user)


def _adopt_third_party_admins() -> None:
    # Groups and Django permissions are not used: Tandem's roles decide access.
    from django.contrib.auth.models import Group

    if admin.site.is_registered(Group):
        admin.site.unregister(Group)
    from django_tasks_db.models import DBTaskResult

    if admin.site.is_registered(DBTaskResult):
        existing = type(admin.site.get_model_admin(DBTaskResult))
        admin.site.unregister(DBTaskResult)
        admin.site.register(
            DBTaskResult,
            type("DBTaskResultAdmin", (TaskResultsForAdmins, existing), {"__module__": __name__}),
        )


_adopt_third_party_admins()
