"""The one NinjaAPI object; each app contributes a router (tandem/<app>/api.py)."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Tandem API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
