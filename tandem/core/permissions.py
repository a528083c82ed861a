"""One rule set for what each user may see and change (DESIGN.md, "Qualities").

Each model that people reach declares a :class:`Policy` with :func:`register`. Pages,
the API, exports and search all read through :func:`scoped` and fetch single objects
through :func:`get_visible` / :func:`get_changeable`, so an object the user may not see
answers 404 (it looks like it does not exist) and a visible object the user may not
change answers 403. The authorization-matrix test (tests/test_authorization_matrix.py)
checks every route against these same policies.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.core.exceptions import EmptyResultSet, ObjectDoesNotExist
from django.db import models
from django.db.models.expressions import RawSQL

from tandem.core.errors import NotFoundError, PermissionDeniedError
from tandem.core.roles import Role


def has_role(user: Any, *roles: str) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    held: frozenset[str] = user.roles
    return any(role in held for role in roles)


def is_admin(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or Role.ADMIN in user.roles)
    )


def sees_everything(user: Any) -> bool:
    """Admins and executives read every record (executives read-only)."""
    return is_admin(user) or has_role(user, Role.EXECUTIVE)


def related_through(obj: models.Model, path: str) -> Any:
    """The record ``obj`` reaches through ``path``, a lookup prefix such as
    ``"opportunity__account__"`` (the form policies write their filters with)."""
    target: Any = obj
    for step in path.rstrip("_").split("__"):
        target = getattr(target, step)
    return target


class Policy:
    """Who may see, create, change and delete one model.

    Subclasses override :meth:`scope` (the rows a user may see, as a queryset filter) and
    the ``can_*`` checks. The defaults: admins do everything, executives read
    everything, nobody else sees anything. ``restricted_fields`` lists fields only
    :meth:`can_see_restricted` users may read or write (cost rates, margins).
    """

    model: type[models.Model]
    restricted_fields: frozenset[str] = frozenset()

    def scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if sees_everything(user):
            return queryset
        return queryset.none()

    def count_scope(self, user: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        """The rows of :meth:`scope`, written the way a count reads them fastest.

        A list page reads 50 rows in index order and counts up to
        :data:`tandem.core.pagination.PAGE_COUNT_CAP` rows in no order: the filter shape
        that lets the database walk an ordering index and check each row is not always
        the one that lets it count quickly (SQLite drives a count from an ``IN``
        subquery through indexes, and a sorted page from the ordering index). A policy
        may give both; the rows must be the same (tests/test_authorization_matrix.py
        compares them for every policy). The default is :meth:`scope`.
        """
        return self.scope(user, queryset)

    def can_view(self, user: Any, obj: models.Model) -> bool:
        return self.scope(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()

    def can_create(self, user: Any) -> bool:
        return is_admin(user)

    def can_change(self, user: Any, obj: models.Model) -> bool:
        return is_admin(user)

    def can_delete(self, user: Any, obj: models.Model) -> bool:
        return self.can_change(user, obj)

    def can_see_restricted(self, user: Any, obj: models.Model | None = None) -> bool:
        return sees_everything(user)


_REGISTRY: dict[type[models.Model], Policy] = {}


def register(model: type[models.Model]) -> Callable[[type[Policy]], type[Policy]]:
    def decorator(policy_class: type[Policy]) -> type[Policy]:
        policy = policy_class()
        policy.model = model
        _REGISTRY[model] = policy
        return policy_class

    return decorator


def policy_for(model: type[models.Model] | models.Model) -> Policy:
    model_class = model if isinstance(model, type) else type(model)
    concrete = model_class._meta.concrete_model or model_class
    try:
        return _REGISTRY[concrete]
    except KeyError as exc:
        raise LookupError(f"{concrete.__name__} has no registered Policy") from exc


def registered_models() -> list[type[models.Model]]:
    return list(_REGISTRY)


def url_kwarg_for(model: type[models.Model]) -> str:
    """The URL / API path parameter that names one object of ``model``.

    Convention for every route: ``<model name in snake case>_id`` (``user_id``,
    ``team_id``, ``access_token_id``, ``time_off_id``). The authorization-matrix test and
    the accessibility walk find the model of each route through it.
    """
    name = model.__name__
    snake = "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))
    return f"{snake}_id"


def model_for_url_kwarg(kwarg: str) -> type[models.Model] | None:
    for model in _REGISTRY:
        if url_kwarg_for(model) == kwarg:
            return model
    return None


def scoped[M: models.Model](
    user: Any, model_or_queryset: type[M] | models.QuerySet[M], *, for_count: bool = False
) -> models.QuerySet[M]:
    """The rows of a model (or of a narrower queryset) that ``user`` may see; with
    ``for_count``, the same rows in the shape the policy counts fastest
    (:meth:`Policy.count_scope`)."""
    if isinstance(model_or_queryset, models.QuerySet):
        queryset = model_or_queryset
    else:
        if user is not None and user.is_authenticated and user.is_active:
            # Every page reads a model's scope for its user (a list, its count, a card's
            # rows): built once per process for the user as the policies see them
            # (:func:`scope_key`), then copied; the scope is SQL, read afresh.
            key = f"scoped:{model_or_queryset._meta.label}:{for_count}:{scope_key(user)}"
            return kept_scope(key, lambda: _scoped(user, model_or_queryset._default_manager.all(), for_count)).all()
        queryset = model_or_queryset._default_manager.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    return _scoped(user, queryset, for_count)


def _scoped(user: Any, queryset: models.QuerySet[Any], for_count: bool) -> models.QuerySet[Any]:
    policy = policy_for(queryset.model)
    return policy.count_scope(user, queryset) if for_count else policy.scope(user, queryset)


def scope_key(user: Any) -> str:
    """All that a policy reads of the user in Python: who, the roles, whether an
    administrator, and the team. The rest of every scope is SQL (subqueries of roles,
    memberships and owners, read by each query), so two users with the same key get
    the same SQL, and a scope built for a key stays right for as long as the process
    lives: a policy must not read anything else in Python (the database, the clock,
    settings)."""
    roles = ",".join(sorted(user.roles))
    team = getattr(getattr(user, "person", None), "team_id", None)
    return f"{user.pk}:{roles}:{user.is_superuser}:{team}"


SCOPE_CACHE_SIZE = 4096
_SCOPES: OrderedDict[str, Any] = OrderedDict()
_SCOPES_LOCK = threading.Lock()
_MISSING = object()


def kept_scope[T](key: str, build: Callable[[], T]) -> T:
    """``build()`` once per process under ``key`` (a scope, or a subquery of one, named
    with :func:`scope_key`), the ``SCOPE_CACHE_SIZE`` most recently used kept. Building a
    scope is the ORM assembling a dozen conditions; the same key always gives the same
    SQL, so pages reuse it instead of paying that on every request. Callers copy a kept
    queryset (``.all()``) before narrowing it and never evaluate the kept one itself."""
    with _SCOPES_LOCK:
        value = _SCOPES.get(key, _MISSING)
        if value is not _MISSING:
            _SCOPES.move_to_end(key)
            return value
    value = build()
    with _SCOPES_LOCK:
        _SCOPES[key] = value
        if len(_SCOPES) > SCOPE_CACHE_SIZE:
            _SCOPES.popitem(last=False)
    return value



def forget_scopes() -> None:
    """Drop every kept scope (tests that change a policy, or reuse ids across databases)."""
    with _SCOPES_LOCK:
        _SCOPES.clear()


def visible_ids(user: Any, model: type[models.Model]) -> Any:
    """The primary keys of the ``model`` rows ``user`` may see, as a subquery for
    ``<field>__in`` filters: how one policy says "its record is visible" of another
    model's records (a comment on a visible risk, a task of a visible project) without
    rebuilding that model's conditions. Built once per process for the same
    :func:`scope_key` (the SQL is read afresh by every query that uses it), in the
    policy's count shape."""
    if user is None or not user.is_authenticated or not user.is_active:
        return compiled_subquery(scoped(user, model, for_count=True).values("pk"))
    key = f"visible_ids:{model._meta.label}:{scope_key(user)}"
    return kept_scope(key, lambda: compiled_subquery(scoped(user, model, for_count=True).values("pk")))


def compiled_subquery(queryset: models.QuerySet[Any]) -> Any:
    """``queryset`` (one column) compiled to SQL once, for ``<field>__in`` filters: a
    page that filters a dozen lists by the same scope (the home page's cards, a list and
    its count) compiles it once instead of once per list. The SQL is read afresh by each
    query that uses it. A queryset that matches nothing by construction (``none()``) is
    returned as it is, so the queries around it still know they match nothing."""
    try:
        sql, params = queryset.order_by().query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return queryset
    return RawSQL(sql, params)  # noqa: S611 -- Django's own compiled SQL, values as params


def get_visible[M: models.Model](
    user: Any, model_or_queryset: type[M] | models.QuerySet[M], pk: Any
) -> M:
    """One object the user may see; :class:`NotFoundError` otherwise (never 403)."""
    queryset = scoped(user, model_or_queryset)
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise NotFoundError(f"No {queryset.model._meta.verbose_name} with id {pk!r}.") from exc


def require_change(user: Any, obj: models.Model) -> None:
    if not policy_for(obj).can_change(user, obj):
        raise PermissionDeniedError(
            f"You may not change this {obj._meta.verbose_name}.", code="permission_denied"
        )


def require_delete(user: Any, obj: models.Model) -> None:
    if not policy_for(obj).can_delete(user, obj):
        raise PermissionDeniedError(f"You may not delete this {obj._meta.verbose_name}.")


def require_create(user: Any, model: type[models.Model]) -> None:
    if not policy_for(model).can_create(user):
        raise PermissionDeniedError(f"You may not create a {model._meta.verbose_name}.")


def get_changeable[M: models.Model](
    user: Any, model_or_queryset: type[M] | models.QuerySet[M], pk: Any
) -> M:
    """One object the user may change: 404 if not visible, 403 if visible but read-only."""
    obj = get_visible(user, model_or_queryset, pk)
    require_change(user, obj)
    return obj
