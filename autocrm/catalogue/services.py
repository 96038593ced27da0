"""Writes to the model catalogue: loading the shipped catalogue, and the aliases managers map."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from autocrm.catalogue.catalogue_data import CATALOGUE, BrandSpec
from autocrm.catalogue.models import ALIAS_MAX_LENGTH, Brand, Series, SeriesAlias, Trim
from autocrm.catalogue.policies import can_map_catalogue_text
from autocrm.rules.catalogue_text import normalize_catalogue_text
from autocrm.tenancy.models import Staff


def _models(apps: Any) -> tuple[Any, Any, Any, Any]:
    if apps is None:
        return Brand, Series, Trim, SeriesAlias
    names = ("Brand", "Series", "Trim", "SeriesAlias")
    brand, series, trim, alias = (apps.get_model("catalogue", name) for name in names)
    return brand, series, trim, alias


@transaction.atomic
def catalogue_load(data: Iterable[BrandSpec] = CATALOGUE, *, apps: Any = None) -> dict[str, int]:
    """Add the brands, series, trims and aliases of `data` that the catalogue lacks, found by
    their natural keys (a brand's name; a series' brand and name; a trim's series, model year
    and name; an alias's text and brand). Idempotent, and it never changes a row that exists
    (the back office may have edited it). `apps`: a migration's app registry (its historical
    models). Returns how many rows of each kind were added."""
    brand_model, series_model, trim_model, alias_model = _models(apps)
    added = dict.fromkeys(("brands", "series", "trims", "aliases"), 0)
    brands = {b.name: b for b in brand_model.objects.all()}
    specs = list(data)
    new_brands = [
        brand_model(
            name=spec.name,
            name_en=spec.name_en,
            maker=spec.maker,
            aliases=list(spec.aliases),
            sort_order=(order + 1) * 10,
        )
        for order, spec in enumerate(specs)
        if spec.name not in brands
    ]
    brand_model.objects.bulk_create(new_brands)
    added["brands"] = len(new_brands)
    brands = {b.name: b for b in brand_model.objects.all()}

    series = {(s.brand_id, s.name): s for s in series_model.objects.all()}
    new_series = [
        series_model(
            brand=brands[spec.name],
            name=item.name,
            segment=item.segment,
            is_new_energy=item.is_new_energy,
            is_active=item.is_active,
            sort_order=(order + 1) * 10,
        )
        for spec in specs
        for order, item in enumerate(spec.series)
        if (brands[spec.name].pk, item.name) not in series
    ]
    series_model.objects.bulk_create(new_series)
    added["series"] = len(new_series)
    series = {(s.brand_id, s.name): s for s in series_model.objects.all()}

    trims = set(trim_model.objects.values_list("series_id", "model_year", "name"))
    aliases = set(alias_model.objects.values_list("text", "brand_id"))
    new_trims, new_aliases = [], []
    for spec in specs:
        brand = brands[spec.name]
        for item in spec.series:
            row = series[(brand.pk, item.name)]
            for trim in item.trims:
                if (row.pk, trim.model_year, trim.name) not in trims:
                    trims.add((row.pk, trim.model_year, trim.name))
                    new_trims.append(
                        trim_model(
                            series=row,
                            name=trim.name,
                            model_year=trim.model_year,
                            guide_price=trim.guide_price,
                        )
                    )
            for text in item.aliases:
                key = (normalize_catalogue_text(text), brand.pk)
                if key[0] and key not in aliases:
                    aliases.add(key)
                    new_aliases.append(alias_model(text=key[0], brand=brand, series=row))
    trim_model.objects.bulk_create(new_trims)
    alias_model.objects.bulk_create(new_aliases)
    added["trims"], added["aliases"] = len(new_trims), len(new_aliases)
    return added


@transaction.atomic
def series_alias_create(
    *, actor: Staff, text: str, brand: Brand | None, series: Series
) -> SeriesAlias:
    """Record that `text`, said under `brand` (None: under no brand the catalogue knows), means
    `series`: a manager's mapping of a value no rule matched. The same mapping again returns
    the alias there is; the text mapped to another series already is refused (the catalogue is
    shared by every dealer: the back office changes such a mapping)."""
    if not can_map_catalogue_text(actor):
        raise PermissionDenied(_("Your role may not map models to the catalogue."))
    key = normalize_catalogue_text(text)
    if not key:
        raise ValidationError({"text": _("There is no model in this value to map.")})
    if len(key) > ALIAS_MAX_LENGTH:
        raise ValidationError({"text": _("This value is too long to map.")})
    existing = (
        SeriesAlias.objects.select_for_update()
        .select_related("series__brand")
        .filter(text=key, brand=brand)
        .first()
    )
    if existing is not None:
        if existing.series_id != series.pk:
            raise ValidationError(
                {
                    "series": _("This value is mapped to %(series)s already.")
                    % {"series": existing.series}
                }
            )
        return existing
    return SeriesAlias.objects.create(text=key, brand=brand, series=series, created_by=actor)
