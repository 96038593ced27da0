"""Small template helpers shared by all pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

LEVEL_LABELS = {"good": _("Good"), "fair": _("Fair"), "poor": _("Poor")}


@register.inclusion_tag("web/_quality_badge.html")
def quality_badge(label: Any, score: int, level: str) -> dict[str, Any]:
    """A coloured badge: label, score and level (good / fair / poor)."""
    return {"label": label, "score": score, "level": level, "level_label": LEVEL_LABELS.get(level)}


@register.inclusion_tag("web/_field.html")
def field(bound_field: Any, col: str = "col-md-6") -> dict[str, Any]:
    return {"field": bound_field, "col": col}


@register.simple_tag
def query_with(base_query: str, **kwargs: Any) -> str:
    """The current query string with some keys replaced (for pagination links)."""
    from urllib.parse import parse_qsl, urlencode

    params = [(k, v) for k, v in parse_qsl(base_query) if k not in kwargs]
    params += [(k, v) for k, v in kwargs.items() if v not in (None, "")]
    return urlencode(params)
