"""Small template helpers shared by all pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

register = template.Library()

LEVEL_LABELS = {"good": _("Good"), "fair": _("Fair"), "poor": _("Poor")}


@register.simple_tag
def quality_badge(label: Any, score: int, level: str) -> str:
    """A coloured badge: label, score and level (good / fair / poor).

    A simple tag, not an inclusion template: a list page renders fifty of them.
    """
    return format_html(
        '<span class="q-badge q-{}" title="{} {} / 100 · {}">{} {}</span>',
        level,
        label,
        score,
        LEVEL_LABELS.get(level, ""),
        label,
        score,
    )


@register.simple_tag
def options(choices: Any, selected: Any) -> str:
    """<option> tags for (value, label) pairs or model rows, marking the selected value."""
    selected = "" if selected is None else str(selected)
    pairs = [(str(c.pk), str(c)) if hasattr(c, "pk") else (str(c[0]), str(c[1])) for c in choices]
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if value == selected else "", label)
            for value, label in pairs
        ),
    )


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
