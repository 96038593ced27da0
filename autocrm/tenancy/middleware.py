"""Open the django-scopes dealer scope for every request (fails closed)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django_scopes import scope
from knox.auth import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from autocrm.tenancy.scoping import scope_kwargs_for


class DealerScopeMiddleware:
    """Every dealer-owned query inside a request is filtered to the user's dealer.

    Token-authenticated API calls are resolved here too, so the API runs in the same scope as
    the pages. Anonymous requests get an empty scope: any dealer-owned query returns nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if request.META.get("HTTP_AUTHORIZATION"):
            # DRF tries the token before the session: the scope must follow the same order,
            # or a session of one user plus a token of another would mix two dealers.
            user = AnonymousUser()
            try:
                resolved = TokenAuthentication().authenticate(request)
            except AuthenticationFailed:
                resolved = None
            if resolved is not None:
                user = resolved[0]
        with scope(**scope_kwargs_for(user)):
            return self.get_response(request)
