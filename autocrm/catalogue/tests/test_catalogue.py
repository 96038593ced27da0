"""The model catalogue: the shipped data and its loader, the pick lists, the aliases managers
write, and the back office's pages."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client

from autocrm.catalogue.catalogue_data import CATALOGUE
from autocrm.catalogue.models import Brand, Segment, Series, SeriesAlias, Trim
from autocrm.catalogue.selectors import (
    catalogue_matcher,
    series_by_name,
    series_choices,
    trim_choices,
)
from autocrm.catalogue.services import catalogue_load, series_alias_create
from autocrm.rules.catalogue_text import normalize_catalogue_text

pytestmark = pytest.mark.django_db

#: The competitors the issue names, at least (brand → series).
COMPETITORS = {
    "本田": {"雅阁", "思域", "CR-V", "皓影"},
    "日产": {"轩逸", "天籁", "奇骏"},
    "别克": {"英朗", "君威", "GL8"},
    "吉利": {"星瑞", "博越"},
    "长安": {"CS75 PLUS", "逸动"},
    "哈弗": {"H6"},
    "特斯拉": {"Model 3", "Model Y"},
    "理想": {"L6"},
    "小鹏": {"P7"},
    "奥迪": {"A4L"},
    "宝马": {"3系"},
    "奔驰": {"C级"},
}


@pytest.fixture(autouse=True)
def catalogue() -> None:
    catalogue_load()


def test_the_shipped_data_is_well_formed() -> None:
    names = [b.name for b in CATALOGUE]
    assert len(names) == len(set(names))
    for brand in CATALOGUE:
        series = [s.name for s in brand.series]
        assert len(series) == len(set(series)), brand.name
        for item in brand.series:
            assert item.segment in Segment.values, item.name
            trims = [(t.model_year, t.name) for t in item.trims]
            assert len(trims) == len(set(trims)), item.name
            assert all(t.guide_price is None or t.guide_price > 0 for t in item.trims)
    shipped = {b.name: {s.name for s in b.series} for b in CATALOGUE}
    for brand, series in COMPETITORS.items():
        assert series <= shipped[brand], brand
    assert {"马自达", "现代", "起亚", "五菱", "大众"} <= set(shipped)


def test_a_fresh_database_has_the_catalogue_and_loading_again_adds_nothing() -> None:
    """The migration loaded it (or the fixture did, after a flush); the loader is idempotent
    and leaves what the back office edited alone."""
    counts = (Brand.objects.count(), Series.objects.count(), Trim.objects.count())
    assert counts == (
        len(CATALOGUE),
        sum(len(b.series) for b in CATALOGUE),
        sum(len(s.trims) for b in CATALOGUE for s in b.series),
    )
    Brand.objects.filter(name="丰田").update(name_en="TOYOTA (edited)")
    out = StringIO()
    call_command("catalogue_load", stdout=out)
    assert "0 brands, 0 series, 0 trims and 0 aliases added" in out.getvalue()
    assert Brand.objects.get(name="丰田").name_en == "TOYOTA (edited)"
    Trim.objects.filter(series__name="凯美瑞").delete()
    assert catalogue_load()["trims"] == 4


def test_the_dealers_brands_have_trims_with_guide_prices() -> None:
    camry = Series.objects.get(brand__name="丰田", name="凯美瑞")
    assert camry.segment == Segment.SEDAN and not camry.is_new_energy
    assert 2 <= camry.trims.count() <= 4
    assert camry.trims.filter(guide_price=Decimal("179800.00")).exists()
    assert Series.objects.get(name="汉").is_new_energy
    assert str(camry) == "丰田 凯美瑞"
    trim = camry.trims.get(name="2.0E 精英版")
    assert str(trim) in ("2024款 2.0E 精英版", "2024 model 2.0E 精英版")


def test_series_choices_are_grouped_by_brand_in_order() -> None:
    choices = series_choices()
    assert [brand for brand, _group in choices][:3] == ["丰田", "大众", "比亚迪"]
    toyota = dict(choices)["丰田"]
    assert [name for _pk, name in toyota][:2] == ["凯美瑞", "雷凌"]
    Series.objects.filter(name="雷凌").update(is_active=False)
    assert "雷凌" not in {name for _pk, name in dict(series_choices())["丰田"]}
    vw = Brand.objects.get(name="大众")
    assert [brand for brand, _group in series_choices(brand_ids=[vw.pk])] == ["大众"]
    trims = dict(trim_choices())
    assert len(trims["丰田 凯美瑞"]) == 4


def test_series_by_name() -> None:
    assert series_by_name("凯美瑞").brand.name == "丰田"
    assert series_by_name("凯美瑞", brand="大众") is None
    assert series_by_name("没有") is None


def test_the_matcher_reads_the_whole_catalogue() -> None:
    matcher = catalogue_matcher()
    camry = Series.objects.get(name="凯美瑞")
    assert matcher.match("", "Camry 2.5Q") == camry.pk  # a shipped alias
    Series.objects.filter(pk=camry.pk).update(is_active=False)
    assert catalogue_matcher().match("丰田", "凯美瑞") == camry.pk  # old cars keep their series


# --- aliases a manager writes ------------------------------------------------------------------


def test_an_alias_is_stored_normalized_once(manager_a: Any) -> None:
    camry = Series.objects.get(name="凯美瑞")
    alias = series_alias_create(actor=manager_a, text=" 小 凯 ", brand=None, series=camry)
    assert (alias.text, alias.brand, alias.created_by) == ("小凯", None, manager_a)
    again = series_alias_create(actor=manager_a, text="小凯", brand=None, series=camry)
    assert again.pk == alias.pk
    levin = Series.objects.get(name="雷凌")
    with pytest.raises(ValidationError) as refused:
        series_alias_create(actor=manager_a, text="小凯", brand=None, series=levin)
    assert list(refused.value.message_dict) == ["series"]
    # the same text under a brand is another alias
    toyota = Brand.objects.get(name="丰田")
    assert series_alias_create(actor=manager_a, text="小凯", brand=toyota, series=levin).pk
    with pytest.raises(ValidationError):
        series_alias_create(actor=manager_a, text=" - ", brand=None, series=camry)
    assert normalize_catalogue_text("小凯") == "小凯"


@pytest.mark.parametrize("who", ["consultant_a", "cr_a", "hq_analyst"])
def test_only_managers_write_aliases(request: Any, who: str) -> None:
    camry = Series.objects.get(name="凯美瑞")
    with pytest.raises(PermissionDenied):
        series_alias_create(
            actor=request.getfixturevalue(who), text="小凯", brand=None, series=camry
        )
    assert not SeriesAlias.objects.filter(text="小凯").exists()


def test_the_general_manager_writes_aliases(gm_a: Any) -> None:
    camry = Series.objects.get(name="凯美瑞")
    assert series_alias_create(actor=gm_a, text="小凯", brand=None, series=camry).pk


# --- the back office ---------------------------------------------------------------------------


def test_the_back_office_edits_the_catalogue(make_staff: Any) -> None:
    operator = make_staff(None, "hq_analyst", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(operator)
    camry = Series.objects.get(name="凯美瑞")
    for url in (
        "/admin/catalogue/brand/",
        "/admin/catalogue/series/",
        "/admin/catalogue/trim/",
        "/admin/catalogue/seriesalias/",
        f"/admin/catalogue/series/{camry.pk}/change/",
        f"/admin/catalogue/brand/{camry.brand_id}/change/",
    ):
        assert client.get(url).status_code == 200, url
