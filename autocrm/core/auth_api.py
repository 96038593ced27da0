"""The API's token login, throttled like the sign-in page (tenancy/throttling.py)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response

from autocrm.core.api import _DETAIL, FIELD_ERRORS


class TokenLoginApi(ObtainAuthToken):
    """POST username and password, get the staff member's token. The credentials are checked
    with the Django request (not DRF's wrapper of it), on which django-axes marks a lockout
    for its middleware to answer (429) — the same count as the sign-in page's."""

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        context["request"] = self.request._request
        return context

    @extend_schema(
        operation_id="auth_token",
        request=inline_serializer(
            "TokenLogin",
            fields={"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses={
            200: inline_serializer("Token", fields={"token": serializers.CharField()}),
            400: FIELD_ERRORS,
            429: OpenApiResponse(
                _DETAIL,
                description="Too many failed sign-ins for the account or from the address: "
                "`detail` says how long to wait.",
            ),
        },
        summary="Get the token of a staff member (send it as `Authorization: Token …`).",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)
