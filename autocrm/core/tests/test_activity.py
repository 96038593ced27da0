"""The activity record: written only for registered kinds, read only within the dealer's scope.

core sits below customers, so these tests use bare customer ids (Activity.customer_id is a plain
integer) and a kind registered by the test itself, as an app would in its ready().
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django_scopes import ScopeError

from autocrm.core import registry
from autocrm.core.activity import ActivityRow, activities_record_bulk, activity_record
from autocrm.core.models import Activity
from autocrm.core.registry import TimelineKind
from autocrm.core.selectors import activity_entries

pytestmark = pytest.mark.django_db

KIND = "test_called_back"


@pytest.fixture(autouse=True)
def test_kind(monkeypatch: pytest.MonkeyPatch) -> TimelineKind:
    kind = TimelineKind(key=KIND, title="Called back")
    monkeypatch.setitem(registry._kinds, KIND, kind)
    return kind


def _record(dealer: Any, customer_id: int, **kwargs: Any) -> Activity:
    values: dict[str, Any] = {"kind": KIND, "actor": None, **kwargs}
    return activity_record(dealer_id=dealer.pk, customer_id=customer_id, **values)


def test_an_unregistered_kind_is_refused(dealer_a: Any, scoped: Any) -> None:
    with pytest.raises(ValueError, match="Unregistered timeline kind 'no_such_kind'"):
        _record(dealer_a, 1, kind="no_such_kind")
    rows = [
        ActivityRow(dealer_id=dealer_a.pk, customer_id=1, kind=KIND),
        ActivityRow(dealer_id=dealer_a.pk, customer_id=2, kind="no_such_kind"),
    ]
    with pytest.raises(ValueError, match="no_such_kind"):
        activities_record_bulk(rows)
    with scoped():
        assert not Activity.objects.exists()  # not even the registered row of the batch


def test_a_naive_time_is_refused(dealer_a: Any) -> None:
    with pytest.raises(ValueError, match="aware"):
        _record(dealer_a, 1, at=datetime(2024, 6, 1, 9, 0))  # naive


def test_record_keeps_who_when_what_and_the_target(
    dealer_a: Any, consultant_a: Any, scoped: Any
) -> None:
    at = datetime(2024, 6, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    activity = _record(
        dealer_a, 42, actor=consultant_a, target=consultant_a, at=at, data={"minutes": 5}
    )
    with scoped(dealer_a):
        stored = Activity.objects.get(pk=activity.pk)
    assert (stored.dealer_id, stored.customer_id, stored.kind) == (dealer_a.pk, 42, KIND)
    assert stored.actor_id == consultant_a.pk and stored.at == at
    assert stored.target == consultant_a  # a generic reference: any model
    assert stored.target_type == ContentType.objects.get_for_model(consultant_a)
    assert stored.data == {"minutes": 5}


def test_bulk_record_writes_every_row_with_one_now(dealer_a: Any, scoped: Any) -> None:
    rows = [ActivityRow(dealer_id=dealer_a.pk, customer_id=i, kind=KIND) for i in range(1, 6)]
    assert activities_record_bulk(rows, batch_size=2) == 5
    assert activities_record_bulk([]) == 0
    with scoped(dealer_a):
        stored = list(Activity.objects.order_by("customer_id"))
    assert [a.customer_id for a in stored] == [1, 2, 3, 4, 5]
    assert len({a.at for a in stored}) == 1


def test_the_manager_is_scoped_to_the_dealer(dealer_a: Any, dealer_b: Any, scoped: Any) -> None:
    mine = _record(dealer_a, 7)
    _record(dealer_b, 7)  # another dealer's row with the same customer id (forged or not)

    with pytest.raises(ScopeError):
        list(Activity.objects.all())  # no scope: nothing is read
    with scoped(dealer_a):
        assert list(Activity.objects.all()) == [mine]
        customer = SimpleNamespace(pk=7, dealer_id=dealer_a.pk)
        assert [e.obj for e in activity_entries(customer)] == [mine]
        # even asked for the other dealer's customer, dealer A's scope reads none of its rows
        other = SimpleNamespace(pk=7, dealer_id=dealer_b.pk)
        assert activity_entries(other) == []


def test_entries_are_newest_first_and_limited(dealer_a: Any, scoped: Any) -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    for day in (3, 1, 2):
        _record(dealer_a, 9, at=datetime(2024, 6, day, tzinfo=shanghai), data={"day": day})
    customer = SimpleNamespace(pk=9, dealer_id=dealer_a.pk)
    with scoped(dealer_a):
        entries = activity_entries(customer, limit=2)
    assert [e.data["day"] for e in entries] == [3, 2]
    assert all(e.kind == KIND and e.customer is customer for e in entries)


def test_a_title_names_facts_of_the_data() -> None:
    kind = TimelineKind(key="k", title="Imported from %(file)s", show_subject=False)
    entry = registry.TimelineEntry(at=datetime.now(tz=ZoneInfo("UTC")), actor=None, kind="k")
    entry.data = {"file": "客户.xlsx"}
    assert kind.heading(entry) == "Imported from 客户.xlsx"
    entry.data = {}
    assert kind.heading(entry) == "Imported from ?"  # a missing fact does not break the page
