"""The one NinjaAPI object, mounted at ``/api/v1/`` (config/urls.py); each app
contributes a router (``tandem/<app>/api.py``).

* Schema: ``/api/v1/openapi.json`` (OpenAPI 3.1.0, what django-ninja 1.7 emits).
  Docs: ``/api/v1/docs`` (an accessible reference rendered on the server from the
  schema, ``tandem.core.api_docs``).
  Both are public: they describe the API and expose no data. Every operation
  requires authentication (``tandem.core.api.API_AUTH``: bearer token or session with
  CSRF) and answers errors in the one shape of ``tandem.core.api.ErrorOut``.
* Operation ids are the endpoint function names (``list_users``, ``update_team``), so
  they must be unique across apps.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, path, reverse
from ninja import NinjaAPI
from ninja.operation import Operation

from tandem.clients.api import router as clients_router
from tandem.commercial.api import router as commercial_router
from tandem.core.api import API_AUTH, UserRateThrottle, error_body, install_error_handlers
from tandem.core.api_docs import TandemDocs
from tandem.delivery.api import router as delivery_router
from tandem.governance.api import router as governance_router
from tandem.integrations.api import router as integrations_router
from tandem.integrations.api_feeds import router as calendar_feeds_router
from tandem.people.api import router as people_router


class TandemAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__

    @property
    def urls(self) -> tuple[list[URLPattern | URLResolver], str, str]:
        """ninja's URLs, with a wrong method (405) and an unknown path under the API
        (404) answered in the one error shape too, instead of Django's HTML."""
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if not isinstance(pattern, URLPattern) or pattern.name in {"openapi-json", "openapi-view"}:
                continue
            if pattern.name == "api-root":  # kept for reverse(); ninja's view raises Http404
                pattern.callback = self._unknown_path
            else:
                pattern.callback = _json_method_not_allowed(pattern.callback)
        return [*patterns, path("<path:unknown>", self._unknown_path, name="unknown")], app_name, namespace

    def _unknown_path(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        message = f"No such API endpoint. The endpoints are listed at {reverse('api:openapi-view')}."
        return self.create_response(request, error_body(code="not_found", message=message), status=404)


def _json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)  # keeps ninja's csrf_exempt marker
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = api.create_response(
                request,
                error_body(
                    code="method_not_allowed",
                    message=f"{request.method} is not allowed here; use {allowed}.",
                ),
                status=405,
            )
            response["Allow"] = allowed
        return response

    return wrapper


api = TandemAPI(
    title="Tandem API",
    version="1",
    description=(
        "Tandem's REST API. Authenticate with `Authorization: Bearer <token>` (a personal "
        "access token; `read` tokens may only GET) or, in the browser, with the session "
        "cookie plus the `X-CSRFToken` header on writes. Every error is "
        '`{"error": {"code", "message", "fields", "current_version"?}}`. Lists take '
        "`limit` / `offset`; `count` stops at 10,000 (`count_is_capped`). Records carry "
        "`version`: send the one you read with a change, a stale one answers 409."
    ),
    urls_namespace="api",
    docs_url="/docs",
    docs=TandemDocs(),
    openapi_url="/openapi.json",
    auth=API_AUTH,
    throttle=[UserRateThrottle()],
)
install_error_handlers(api)

api.add_router("", people_router)
api.add_router("", clients_router)
api.add_router("", commercial_router)
api.add_router("", delivery_router)
api.add_router("", governance_router)
api.add_router("", integrations_router)
api.add_router("", calendar_feeds_router)
