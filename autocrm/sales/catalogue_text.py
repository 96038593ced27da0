"""A lead's intended model as a platform sends it ("凯美瑞 2.0G 豪华版", "广汽丰田 雷凌双擎")
onto the model catalogue, with the same matcher the vehicles' free text goes through."""

from __future__ import annotations

from autocrm.catalogue.models import Series
from autocrm.catalogue.selectors import cached_catalogue_matcher


def series_for_text(text: str, *, brand: str = "") -> Series | None:
    """The catalogue series the text names, or None when it names none (or several)."""
    if not text.strip():
        return None
    series_id = cached_catalogue_matcher().match(brand, text)
    return Series.objects.filter(pk=series_id).first() if series_id else None
