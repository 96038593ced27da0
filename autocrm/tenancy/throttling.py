"""Login throttling (django-axes): failed sign-ins counted per account and per address.

On the sign-in page and the API's token endpoint alike, an account is locked after
`AXES_FAILURE_LIMIT` failures in a row and an address (a showroom's shared connection) after
`LOGIN_FAILURES_PER_ADDRESS`, for `AXES_COOLOFF_TIME`; the right password is refused during
the lockout too. Every failure and lockout is recorded (axes' AccessAttempt and
AccessFailureLog, readable in the admin)."""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class LoginThrottle(AxesDatabaseHandler):
    """axes' database handler with a limit of its own for an address: its failures count
    against `LOGIN_FAILURES_PER_ADDRESS`, an account's against `AXES_FAILURE_LIMIT` (axes
    compares one count with one limit, so an address's is scaled to the account limit)."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        per_account: int = settings.AXES_FAILURE_LIMIT
        per_address: int = settings.LOGIN_FAILURES_PER_ADDRESS
        counts = []
        for parameters, attempts in zip(
            settings.AXES_LOCKOUT_PARAMETERS,
            self.get_user_attempts(request, credentials),
            strict=True,
        ):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            if parameters == "ip_address":
                failures = failures * per_account // per_address
            counts.append(failures)
        return max(counts, default=0)


def lockout_minutes(request: HttpRequest) -> int:
    cool_off = get_cool_off(request)
    return max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0


def lockout_message(request: HttpRequest) -> str:
    return _(
        "Too many failed sign-ins for this account or from this address. Try again in "
        "%(minutes)d minutes, or ask your manager to unlock the account."
    ) % {"minutes": lockout_minutes(request)}


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """What a locked-out sign-in gets (429): the API a JSON error naming the wait, the sign-in
    page itself with the message."""
    message = lockout_message(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    form = AuthenticationForm(request)
    form.initial["username"] = (credentials or {}).get("username", "") or request.POST.get(
        "username", ""
    )
    return render(
        request,
        "web/login.html",
        {"form": form, "locked_out": message, "next": request.POST.get("next", "")},
        status=429,
    )


def client_address(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind `TRUSTED_PROXY_COUNT` reverse proxies the
    address the outermost of them saw (X-Forwarded-For, counted from the right)."""
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
