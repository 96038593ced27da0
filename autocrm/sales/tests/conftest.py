"""Fixtures of the sales tests: the catalogue's models, a lead and an opportunity made through
the services, times inside the default business hours."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_scopes import scope

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def series(db: None) -> Any:
    from autocrm.catalogue.models import Series
    from autocrm.catalogue.services import catalogue_load

    catalogue_load()  # a browser test's flush empties the migration's rows
    return Series.objects.select_related("brand").get(brand__name="大众", name="朗逸")


@pytest.fixture
def other_series(series: Any) -> Any:
    from autocrm.catalogue.models import Series

    return Series.objects.select_related("brand").get(brand__name="丰田", name="凯美瑞")


def entry(dealer: Any, kind: str, code: str) -> Any:
    from autocrm.dictionaries.models import DictionaryEntry

    with scope(dealer=dealer.pk):
        return DictionaryEntry.objects.get(dealer=dealer, kind=kind, code=code)


@pytest.fixture
def receive() -> Callable[..., Any]:
    """`receive(actor, **data)`: a lead through `lead_receive` (a phoned-in one by default)."""
    from autocrm.sales.leads import lead_receive

    def _receive(actor: Any, **data: Any) -> Any:
        data.setdefault("source", "phone")
        data.setdefault("name", "王建国")
        data.setdefault("mobile", "13912345678")
        with scope(dealer=actor.dealer_id):
            return lead_receive(actor=actor, data=data)

    return _receive


def plan_data(days: int = 1) -> dict[str, Any]:
    return {"plan_kind": "call", "plan_due_at": timezone.now() + timedelta(days=days)}


@pytest.fixture
def open_opportunity(series: Any) -> Callable[..., Any]:
    """`open_opportunity(actor, customer, **data)`: an opportunity with its first plan."""
    from autocrm.sales.opportunities import opportunity_open

    def _open(actor: Any, customer: Any, **data: Any) -> Any:
        values = {
            "series": series.pk,
            "expected_amount": "150000",
            "expected_close_on": (timezone.localdate() + timedelta(days=20)).isoformat(),
            **plan_data(),
            **data,
        }
        with scope(dealer=actor.dealer_id):
            return opportunity_open(actor=actor, customer=customer, data=values)

    return _open


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]
