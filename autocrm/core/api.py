"""The API base view every app's API builds on (DRF), and the error responses it documents."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django_scopes import get_scope
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from autocrm.tenancy.scoping import scope_kwargs_for

if TYPE_CHECKING:
    from rest_framework.pagination import BasePagination

_DETAIL = inline_serializer("ErrorDetail", fields={"detail": serializers.CharField()})
FIELD_ERRORS = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Refused input: each offending field name maps to a list of messages "
    "(`non_field_errors` for the record as a whole).",
)
READ_ERRORS: dict[int, Any] = {
    401: OpenApiResponse(_DETAIL, description="Not authenticated."),
    404: OpenApiResponse(_DETAIL, description="No such record at your dealer."),
}
WRITE_ERRORS: dict[int, Any] = {
    **READ_ERRORS,
    400: FIELD_ERRORS,
    403: OpenApiResponse(_DETAIL, description="Your role may not make this change."),
}


def service_error_detail(exc: DjangoValidationError) -> dict[str, list[exceptions.ErrorDetail]]:
    """A service's ValidationError as DRF error details keyed by field (codes kept)."""
    by_field = getattr(exc, "error_dict", None) or {NON_FIELD_ERRORS: exc.error_list}
    detail: dict[str, list[exceptions.ErrorDetail]] = {}
    for field, errors in by_field.items():
        key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
        for error in errors:
            message = error.message % error.params if error.params else error.message
            detail.setdefault(key, []).append(
                exceptions.ErrorDetail(str(message), code=error.code or "invalid")
            )
    return detail


class ServiceApi(APIView):
    """Base of every app's API views: scope check, service errors as field errors, keyset
    pagination, the viewer in the serializer context."""

    permission_classes = [IsAuthenticated]
    # api_settings imports the dotted path in settings (KeysetPagination); the stubs say str.
    pagination_class = cast("type[BasePagination]", api_settings.DEFAULT_PAGINATION_CLASS)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # Fail closed if the scope the middleware opened is not the one of the user DRF
        # authenticated (e.g. a session of one user and a token of another in one request).
        current = get_scope()
        expected = scope_kwargs_for(request.user)
        if not current.get("_enabled", False) or current.get("dealer") != expected["dealer"]:
            raise exceptions.PermissionDenied()

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, DjangoValidationError):
            exc = exceptions.ValidationError(service_error_detail(exc))
        elif isinstance(exc, DjangoPermissionDenied):
            exc = exceptions.PermissionDenied(str(exc) or None)
        return super().handle_exception(exc)

    def get_serializer_context(self) -> dict[str, Any]:
        return {"request": self.request, "viewer": self.request.user, "view": self}

    def output(self, serializer_class: type, instance: Any, *, status_code: int = 200) -> Response:
        data = serializer_class(instance, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def paginated(self, queryset: QuerySet, serializer_class: type) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        data = serializer_class(page, many=True, context=self.get_serializer_context()).data
        return paginator.get_paginated_response(data)

    @staticmethod
    def validated(serializer_class: type, data: Any, *, partial: bool = False) -> dict[str, Any]:
        serializer = serializer_class(data=data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)
