"""The API reference page at ``/api/v1/docs``: rendered on the server from the OpenAPI
schema, in Tandem's own accessible layout.

(Swagger UI, ninja's default, fails WCAG 2.2 AA: no ``lang``, low-contrast method
badges, nested interactive controls. The machine-readable schema stays at
``/api/v1/openapi.json`` for tools.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

METHOD_ORDER = ("get", "post", "put", "patch", "delete")


@dataclass
class Parameter:
    name: str
    location: str
    required: bool
    type: str
    description: str


@dataclass
class Operation:
    method: str
    path: str
    operation_id: str
    summary: str
    description: str
    parameters: list[Parameter] = field(default_factory=list)
    body: str = ""
    responses: list[tuple[str, str]] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return self.operation_id


def _ref_name(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        return f"list of {_ref_name(schema['items'])}"
    if "anyOf" in schema:
        return " or ".join(_ref_name(option) for option in schema["anyOf"])
    return str(schema.get("type", "object"))


def operations_by_tag(schema: dict[str, Any]) -> list[tuple[str, list[Operation]]]:
    """The schema's operations grouped by their first tag, in path order."""
    groups: dict[str, list[Operation]] = {}
    for path, item in schema.get("paths", {}).items():
        for method in METHOD_ORDER:
            spec = item.get(method)
            if spec is None:
                continue
            parameters = [
                Parameter(
                    name=param["name"], location=param.get("in", ""), required=bool(param.get("required")),
                    type=_ref_name(param.get("schema", {})), description=param.get("description", ""),
                )
                for param in spec.get("parameters", [])
            ]
            body = ""
            content = spec.get("requestBody", {}).get("content", {})
            for media in content.values():
                body = _ref_name(media.get("schema", {}))
                break
            responses = []
            for status, response in sorted(spec.get("responses", {}).items()):
                shape = ""
                for media in response.get("content", {}).values():
                    shape = _ref_name(media.get("schema", {}))
                    break
                responses.append((status, shape or response.get("description", "")))
            tag = (spec.get("tags") or ["other"])[0]
            groups.setdefault(tag, []).append(
                Operation(
                    method=method.upper(), path=path, operation_id=spec.get("operationId", f"{method}-{path}"),
                    summary=spec.get("summary", ""), description=spec.get("description", ""),
                    parameters=parameters, body=body, responses=responses,
                )
            )
    return sorted(groups.items())


class TandemDocs(DocsBase):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        schema = api.get_openapi_schema(path_params=kwargs)
        context = {
            "api_title": schema.get("info", {}).get("title", "API"),
            "api_version": schema.get("info", {}).get("version", ""),
            "api_description": schema.get("info", {}).get("description", ""),
            "openapi_url": self.get_openapi_url(api, kwargs),
            "groups": operations_by_tag(schema),
        }
        return render(request, "core/api_docs.html", context)
