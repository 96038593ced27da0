"""The API's token login, throttled like the sign-in page (tenancy/throttling.py)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.views import LogoutAllView, LogoutView
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from autocrm.core.api import _DETAIL, FIELD_ERRORS
from autocrm.core.tokens import issue_token


class TokenLoginApi(APIView):
    """POST username and password, get a new token (knox: stored hashed, expiring). The
    credentials are checked with the Django request (not DRF's wrapper of it), on which
    django-axes marks a lockout for its middleware to answer (429) — the same count as the
    sign-in page's."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_token",
        request=inline_serializer(
            "TokenLogin",
            fields={"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses={
            200: inline_serializer(
                "Token",
                fields={
                    "token": serializers.CharField(),
                    "expiry": serializers.DateTimeField(allow_null=True),
                },
            ),
            400: FIELD_ERRORS,
            429: OpenApiResponse(
                _DETAIL,
                description="Too many failed sign-ins for the account or from the address: "
                "`detail` says how long to wait.",
            ),
        },
        summary="Get a new token (send it as `Authorization: Token …`; it expires, and "
        "POST /api/auth/logout/ revokes it).",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = AuthTokenSerializer(data=request.data, context={"request": request._request})
        serializer.is_valid(raise_exception=True)
        instance, token = issue_token(serializer.validated_data["user"])
        return Response({"token": token, "expiry": instance.expiry})


class TokenLogoutApi(LogoutView):
    """POST with a token: that token is revoked."""

    @extend_schema(operation_id="auth_logout", request=None, responses={204: None})
    def post(self, request: Request, format: Any = None) -> Response:
        return super().post(request, format)


class TokenLogoutAllApi(LogoutAllView):
    """POST with a token: every token of its holder is revoked."""

    @extend_schema(operation_id="auth_logout_all", request=None, responses={204: None})
    def post(self, request: Request, format: Any = None) -> Response:
        return super().post(request, format)
