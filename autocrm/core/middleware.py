"""Requests refused before any view: a URI longer than any page or API call makes."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

#: No page or API call of the app has a longer path and query (a search, a filter, a cursor)
MAX_URI_LENGTH = 8192


class UriLengthMiddleware:
    """414 for a URI longer than MAX_URI_LENGTH, with a message, for the API as JSON."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if len(request.get_full_path()) > MAX_URI_LENGTH:
            message = _("The address is too long (at most %(max)s characters).") % {
                "max": f"{MAX_URI_LENGTH:,}"
            }
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=414)
            return HttpResponse(message, status=414, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
