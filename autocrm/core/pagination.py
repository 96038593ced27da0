"""Keyset (cursor) pagination for the API: no OFFSET and no exact COUNT at a million rows."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class KeysetPagination(CursorPagination):
    page_size = 25
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-id"
