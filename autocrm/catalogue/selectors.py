"""Reads of the model catalogue: pick lists for the apps' forms, and the catalogue as plain
data for matching free text (rules.catalogue_text)."""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Count, Max
from django.utils.translation import gettext as _

from autocrm.catalogue.models import Brand, Series, SeriesAlias, Trim
from autocrm.rules.catalogue_text import AliasName, BrandNames, CatalogueMatcher, SeriesNames

#: A select's grouped choices: [(group label, [(value, label), …]), …]
GroupedChoices = list[tuple[str, list[tuple[int, str]]]]


@dataclass(frozen=True)
class SeriesRef:
    """A series as the apps show it, without loading its brand separately."""

    id: int
    brand_id: int
    brand: str
    name: str
    is_new_energy: bool

    def __str__(self) -> str:
        return f"{self.brand} {self.name}"


def series_choices(brand_ids: Collection[int] | None = None) -> GroupedChoices:
    """The active series grouped by brand (active brands, in the catalogue's order), for a
    select widget; only the brands `brand_ids` when given (a dealer's own brands, say)."""
    rows = Series.objects.filter(is_active=True, brand__is_active=True)
    if brand_ids is not None:
        rows = rows.filter(brand_id__in=list(brand_ids))
    groups: dict[str, list[tuple[int, str]]] = {}
    for pk, brand, name in rows.order_by(
        "brand__sort_order", "brand__name", "sort_order", "name"
    ).values_list("pk", "brand__name", "name"):
        groups.setdefault(brand, []).append((pk, name))
    return list(groups.items())


def trim_choices(series_ids: Collection[int] | None = None) -> GroupedChoices:
    """The active trims grouped by series ("丰田 凯美瑞"), newest model year first."""
    rows = Trim.objects.filter(is_active=True, series__is_active=True)
    if series_ids is not None:
        rows = rows.filter(series_id__in=list(series_ids))
    groups: dict[str, list[tuple[int, str]]] = {}
    for pk, brand, series, year, name in rows.order_by(
        "series__brand__sort_order", "series__sort_order", "-model_year", "guide_price", "name"
    ).values_list("pk", "series__brand__name", "series__name", "model_year", "name"):
        shown_year = _("%(year)s model") % {"year": year} if year else ""
        label = f"{shown_year} {name}".strip()
        groups.setdefault(f"{brand} {series}", []).append((pk, label))
    return list(groups.items())


def series_ref(series_id: int) -> SeriesRef | None:
    """One series (active or not) with its brand's name; None when there is no such series."""
    row = (
        Series.objects.filter(pk=series_id)
        .values_list("pk", "brand_id", "brand__name", "name", "is_new_energy")
        .first()
    )
    return SeriesRef(*row) if row else None


def series_by_name(name: str, *, brand: str | None = None) -> Series | None:
    """The series named `name` exactly (of the brand named `brand`, when given), or None when
    there is none or, without a brand, when two brands have one of that name."""
    rows = Series.objects.select_related("brand").filter(name=name)
    if brand is not None:
        rows = rows.filter(brand__name=brand)
    found = list(rows[:2])
    return found[0] if len(found) == 1 else None


def series_of_trim(trim_id: int) -> int | None:
    """The series a trim belongs to, or None when there is no such trim."""
    return Trim.objects.filter(pk=trim_id).values_list("series_id", flat=True).first()


def catalogue_matcher() -> CatalogueMatcher:
    """The whole catalogue (inactive rows too: an old car is still the series it was) as the
    matcher of free text: three reads."""
    brands = [
        BrandNames(pk, (name, name_en, maker, *(aliases or ())))
        for pk, name, name_en, maker, aliases in Brand.objects.values_list(
            "pk", "name", "name_en", "maker", "aliases"
        )
    ]
    series = [
        SeriesNames(pk, brand_id, (name,))
        for pk, brand_id, name in Series.objects.values_list("pk", "brand_id", "name")
    ]
    aliases = [
        AliasName(text, brand_id, series_id)
        for text, brand_id, series_id in SeriesAlias.objects.values_list(
            "text", "brand_id", "series_id"
        )
    ]
    return CatalogueMatcher(brands, series, aliases)


#: How long a built matcher is kept at most (a name edited in the admin, which changes no
#: count and no id, is seen within this time by every process).
MATCHER_TTL_SECONDS = 60.0

_matcher_cache: dict[str, tuple[tuple[object, ...], float, CatalogueMatcher]] = {}


def _catalogue_version() -> tuple[object, ...]:
    """What changes whenever a brand, series or alias is added or removed: their counts and
    largest ids."""
    out: list[object] = []
    for model in (Brand, Series, SeriesAlias):
        row = model.objects.aggregate(n=Count("id"), last=Max("id"))
        out += [row["n"], row["last"]]
    return tuple(out)


def cached_catalogue_matcher() -> CatalogueMatcher:
    """`catalogue_matcher()`, built again when the catalogue gained or lost a row, or after a
    minute: a lead pushed by an integration or a row of a platform export matches its model
    text without rebuilding it (three small reads instead of the catalogue's)."""
    version = _catalogue_version()
    now = time.monotonic()
    cached = _matcher_cache.get("matcher")
    if cached is not None and cached[0] == version and now - cached[1] < MATCHER_TTL_SECONDS:
        return cached[2]
    matcher = catalogue_matcher()
    _matcher_cache["matcher"] = (version, now, matcher)
    return matcher
