"""The project's API routes, included at /api/ (the schema is at /api/schema/): the token
login, then every app's routes as registered with `register_api_routes` (namespace "api")."""

from __future__ import annotations

from importlib import import_module

from django.urls import URLPattern, URLResolver, include, path

from autocrm.core.auth_api import TokenLoginApi, TokenLogoutAllApi, TokenLogoutApi
from autocrm.core.registry import api_route_modules

app_name = "api"


def _app_routes() -> list[URLPattern | URLResolver]:
    routes: list[URLPattern | URLResolver] = []
    for module, prefix in api_route_modules().items():
        patterns = import_module(module).urlpatterns
        routes += patterns if not prefix else [path(prefix, include(patterns))]
    return routes


urlpatterns = [
    path("auth/token/", TokenLoginApi.as_view(), name="token"),
    path("auth/logout/", TokenLogoutApi.as_view(), name="logout"),
    path("auth/logout-all/", TokenLogoutAllApi.as_view(), name="logout-all"),
    *_app_routes(),
]
