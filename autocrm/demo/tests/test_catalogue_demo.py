"""The demo and the model catalogue: every car the demo dealers sell is in the catalogue, with
guide prices in the demo's price ranges, and after `manage.py demo` every vehicle is linked."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from autocrm.catalogue.catalogue_data import CATALOGUE
from autocrm.catalogue.models import Series
from autocrm.customers.catalogue_selectors import unmatched_vehicle_texts
from autocrm.customers.models import Vehicle
from autocrm.demo.catalog_data import DEALERS
from autocrm.rules.catalogue_text import BrandNames, CatalogueMatcher, SeriesNames


def test_every_demo_series_is_in_the_catalogue_with_prices_in_its_range() -> None:
    shipped = {brand.name: {s.name: s for s in brand.series} for brand in CATALOGUE}
    for dealer in DEALERS:
        for model in dealer.models:
            spec = shipped[dealer.brand][model.name]
            assert 2 <= len(spec.trims) <= 4, model.name
            assert spec.is_new_energy == (model.new_energy > 0.5), model.name
            for trim in spec.trims:
                assert trim.guide_price is not None
                low = Decimal(str(model.price_low)) * 10_000  # 10,000 CNY
                high = Decimal(str(model.price_high)) * 10_000
                assert low <= trim.guide_price <= high, (model.name, trim.name)


def test_every_demo_text_matches_its_series() -> None:
    """What the generator writes (the dealer's brand, the model's name) matches the series of
    that name, by the rules alone (no database)."""
    brands, series, ids = [], [], {}
    for b, brand in enumerate(CATALOGUE, start=1):
        brands.append(BrandNames(b, (brand.name, brand.name_en, brand.maker, *brand.aliases)))
        for s, item in enumerate(brand.series, start=1):
            ids[(brand.name, item.name)] = b * 1000 + s
            series.append(SeriesNames(b * 1000 + s, b, (item.name, *item.aliases)))
    matcher = CatalogueMatcher(brands, series)
    for dealer in DEALERS:
        for model in dealer.models:
            assert matcher.match(dealer.brand, model.name) == ids[(dealer.brand, model.name)]


@pytest.mark.django_db
def test_after_the_demo_every_vehicle_is_linked_but_the_typos() -> None:
    call_command("demo", customers=600, seed=3, stdout=StringIO(), stderr=StringIO())
    with scopes_disabled():
        everything = Vehicle.objects.all()
        assert everything.count() > 300
        typed = {m.name for d in DEALERS for m in d.models}
        vehicles = everything.filter(model_name__in=typed)
        assert not vehicles.filter(series__isnull=True).exists()
        # the service lane's typos stay unlinked, listed for the manager (a few per dealer)
        unlinked = everything.filter(series__isnull=True)
        assert unlinked.exists() and not unlinked.filter(bought_here=True).exists()
        assert unlinked.count() < everything.count() * 0.03
        for dealer in DEALERS:
            names = set(
                vehicles.filter(dealer__code=dealer.code).values_list("brand", "series__name")
            )
            assert {brand for brand, _name in names} == {dealer.brand}
            assert {name for _brand, name in names} <= {m.name for m in dealer.models}
        # the text stays as generated, beside the link
        for vehicle in vehicles.select_related("series__brand")[:50]:
            assert (vehicle.brand, vehicle.model_name) == (
                vehicle.series.brand.name,
                vehicle.series.name,
            )
        listed = {
            (brand, text)
            for dealer_id in everything.values_list("dealer_id", flat=True).distinct()
            for brand, text, _count in unmatched_vehicle_texts(dealer_id)
        }
        assert listed == set(unlinked.values_list("brand", "model_name"))
    assert Series.objects.filter(brand__name="丰田", name="凯美瑞").exists()
