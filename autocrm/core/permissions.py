"""The permission decorator of page views: signed in, then the app's policy, else 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def permission_required(
    check: Callable[[Any], bool], message: Any = None
) -> Callable[[View], View]:
    """`@permission_required(can_import_customers, _("…"))`: the view runs only for a signed-in
    user the policy `check(user)` allows; others are sent to the login page (anonymous) or get
    403 with `message`."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
