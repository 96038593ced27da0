"""Template filters of the sales pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


@register.filter
def cny(value: Any, places: int = 0) -> str:
    """¥20,000 (grouped by thousands whatever the language: Chinese finance writes it so)."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"¥{amount:,.{int(places)}f}"


@register.filter
def percent(value: Any) -> str:
    """0.425 → 43% ("—" for no value)."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.0f}%"
