"""Vehicles and the model catalogue: the series read from a vehicle's free text, and the series
or trim a person picks (a Vehicle write, so it lives in `customers`: the one writer).

The brand and model text stay exactly as captured; the link sits beside them. Reading the
text is `rules.catalogue_text`; the catalogue comes from `catalogue.selectors`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from autocrm.catalogue.models import Brand, Series, Trim
from autocrm.catalogue.selectors import catalogue_matcher, series_of_trim, series_ref
from autocrm.catalogue.services import series_alias_create
from autocrm.customers.models import Vehicle
from autocrm.customers.policies import can_map_vehicle_models
from autocrm.rules.catalogue_text import CatalogueMatcher
from autocrm.tenancy.models import Staff

#: Vehicle ids per read, and (brand, model) pairs per UPDATE: the statements' parameters stay
#: far below SQLite's limit (32,766).
IDS_PER_READ = 10_000
PAIRS_PER_UPDATE = 200


def vehicles_link_catalogue(
    *,
    dealer_id: int | None = None,
    vehicle_ids: Collection[int] | None = None,
    matcher: CatalogueMatcher | None = None,
) -> int:
    """Link the vehicles that have no series yet to the series their brand and model text
    name; returns how many were linked. Of one dealer, of the vehicles `vehicle_ids`, or, with
    neither, of every dealer (`manage.py vehicles_link_catalogue`).

    Set-based: one read of the distinct (brand, model) pairs of the unlinked vehicles (per
    10,000 ids), each pair matched once (`rules.catalogue_text`), then one UPDATE per 200
    matched pairs (a CASE on the pair), never a loop over vehicles. Only a vehicle whose
    series is empty is linked: a series a person chose is never replaced. No history row is
    written: the link is derived from the text, which does not change (the history shows what
    people changed), and its rows would cost a write per vehicle. `customers_changed` is not
    published either: no quality score reads the link."""
    lazy = _LazyMatcher(matcher)
    with scopes_disabled():  # the dealer (or the ids) are explicit
        unlinked = Vehicle.objects.filter(series__isnull=True)
        if dealer_id is not None:
            unlinked = unlinked.filter(dealer_id=dealer_id)
        if vehicle_ids is None:
            return _link(unlinked, lazy)
        ids = sorted(set(vehicle_ids))
        return sum(
            _link(unlinked.filter(pk__in=ids[start : start + IDS_PER_READ]), lazy)
            for start in range(0, len(ids), IDS_PER_READ)
        )


class _LazyMatcher:
    """The catalogue's matcher, read (three queries) the first time a pair needs it."""

    def __init__(self, matcher: CatalogueMatcher | None) -> None:
        self._matcher = matcher

    def get(self) -> CatalogueMatcher:
        if self._matcher is None:
            self._matcher = catalogue_matcher()
        return self._matcher


def _link(vehicles: Any, lazy: _LazyMatcher) -> int:
    pairs = list(
        vehicles.exclude(brand="", model_name="")
        .order_by()
        .values_list("brand", "model_name")
        .distinct()
    )
    if not pairs:
        return 0
    matcher = lazy.get()
    matched = []
    for brand, model in pairs:
        series_id = matcher.match(brand, model)
        if series_id is not None:
            matched.append((brand, model, series_id))
    linked = 0
    for start in range(0, len(matched), PAIRS_PER_UPDATE):
        batch = matched[start : start + PAIRS_PER_UPDATE]
        which = Q()
        for brand, model, _series_id in batch:
            which |= Q(brand=brand, model_name=model)
        series = Case(
            *(When(brand=b, model_name=m, then=Value(sid)) for b, m, sid in batch),
            output_field=IntegerField(),
        )
        linked += vehicles.filter(which).update(series_id=series)
    return linked


# --- a person's choice -------------------------------------------------------------------------


def _id_of(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, Series | Trim):
        return int(value.pk)
    try:
        number = int(value)
    except (TypeError, ValueError):
        return -1
    return number if number > 0 else -1


def catalogue_choice(data: Mapping[str, Any]) -> dict[str, Any]:
    """The series and trim of vehicle values (`series`, `trim`: ids or rows; None or "": none),
    checked: a series that exists, a trim of that series (its series when only the trim is
    given). Returns {"series_id", "trim_id"} for the keys given, plus the series' brand and
    name under "_brand" and "_model" to fill empty text with. Errors at the fields."""
    out: dict[str, Any] = {}
    if "series" not in data and "trim" not in data:
        return out
    series_id = _id_of(data.get("series"))
    trim_id = _id_of(data.get("trim"))
    errors: dict[str, list[Any]] = {}
    ref = series_ref(series_id) if series_id and series_id > 0 else None
    if series_id is not None and ref is None:
        errors["series"] = [_("Choose a model from the catalogue.")]
    if trim_id is not None:
        of_trim = series_of_trim(trim_id) if trim_id > 0 else None
        if of_trim is None:
            errors["trim"] = [_("Choose a trim from the catalogue.")]
        elif series_id is None:
            series_id, ref = of_trim, series_ref(of_trim)
        elif of_trim != series_id:
            errors["trim"] = [_("This trim is not of the model chosen.")]
    if errors:
        raise ValidationError(errors)
    if "series" in data or trim_id is not None:
        out["series_id"] = series_id
    if "trim" in data:
        out["trim_id"] = trim_id
    if ref is not None:
        out["_brand"], out["_model"] = ref.brand, ref.name
    return out


def catalogue_set(vehicle: Vehicle, choice: Mapping[str, Any], *, text_changed: bool) -> None:
    """A series or trim a person picked (a changed series drops a trim of the old one; empty
    text is filled from the series). Without one, changed text is read again: the series it
    named before is dropped, and `vehicle_link_text` reads the new text after the save."""
    if "series_id" in choice:
        if choice["series_id"] != vehicle.series_id and "trim_id" not in choice:
            vehicle.trim_id = None
        vehicle.series_id = choice["series_id"]
    elif text_changed:
        vehicle.series_id = vehicle.trim_id = None
    if "trim_id" in choice:
        vehicle.trim_id = choice["trim_id"]
    if vehicle.series_id is not None and "_brand" in choice:
        vehicle.brand = vehicle.brand or choice["_brand"]
        vehicle.model_name = vehicle.model_name or choice["_model"]


def vehicle_link_text(vehicle: Vehicle) -> None:
    """A vehicle saved with free text and no series: the series its text names, if any."""
    if vehicle.series_id is not None or not (vehicle.brand or vehicle.model_name):
        return
    if vehicles_link_catalogue(dealer_id=vehicle.dealer_id, vehicle_ids=[vehicle.pk]):
        vehicle.refresh_from_db(fields=["series"])


# --- a manager's mapping of text no rule matched ----------------------------------------------


@transaction.atomic
def vehicle_texts_map(*, actor: Staff, brand: str, model_name: str, series: Series) -> int:
    """A manager says what a brand and model text the rules did not match means: the text
    becomes an alias of `series` (`catalogue.services.series_alias_create`; none when the rules
    give that series already), and the dealer's unlinked vehicles are linked at once (those
    of this text, and any other the alias now matches). Returns how many were linked."""
    if not can_map_vehicle_models(actor):
        raise PermissionDenied(_("Your role may not map models to the catalogue."))
    dealer_id = actor.dealer_id
    assert dealer_id is not None  # the policy allows dealer staff only
    unlinked = Vehicle.objects.filter(
        dealer_id=dealer_id, series__isnull=True, brand=brand, model_name=model_name
    )
    if not unlinked.exists():  # the catalogue is shared: only texts the dealer has are mapped
        raise ValidationError(_("No vehicle of this dealer has this model unlinked."))
    matcher = catalogue_matcher()
    already = matcher.match(brand, model_name)
    if already is not None and already != series.pk:
        raise ValidationError(
            {
                "series": _("The catalogue reads this value as %(series)s.")
                % {"series": series_ref(already)}
            }
        )
    if already is None:
        brand_id, text = matcher.alias_key(brand, model_name)
        series_alias_create(
            actor=actor,
            text=text,
            brand=Brand.objects.get(pk=brand_id) if brand_id is not None else None,
            series=series,
        )
        matcher = catalogue_matcher()
    return vehicles_link_catalogue(dealer_id=dealer_id, matcher=matcher)
