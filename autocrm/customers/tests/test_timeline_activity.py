"""The timeline on the activity record: customers' services write their activities in their
transaction, kinds registered by other apps render without customers knowing them, the backfill
migration writes what the services write, and another dealer's activities never show."""

from __future__ import annotations

import copy
import importlib
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from django_scopes import scopes_disabled

from autocrm.core import registry
from autocrm.core.activity import activities_record_bulk, activity_record
from autocrm.core.models import Activity
from autocrm.core.registry import CustomerPanel, TimelineKind
from autocrm.customers.activity import mileage_activity_row
from autocrm.customers.models import Customer, Interaction, MileageReading, Vehicle
from autocrm.customers.selectors import customer_timeline
from autocrm.customers.services import interaction_record, mileage_record, vehicle_add
from autocrm.customers.timeline_display import timeline_rows
from autocrm.tenancy.roles import Role

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
VIN = "LSVAM4187C2184847"
backfill = importlib.import_module("autocrm.customers.migrations.0010_timeline_activities")


@pytest.fixture
def customer(make_customer: Any, consultant_a: Any, scoped: Any) -> Customer:
    """李娜 with a car (a reading at sale), a workshop reading and a paid event."""
    customer = make_customer(consultant_a, name="李娜", mobile="13812345678")
    with scoped(consultant_a):
        vehicle = vehicle_add(
            actor=consultant_a,
            customer=customer,
            data={
                "vin": VIN,
                "plate_number": "粤B12345",
                "mileage_km": 12000,
                "mileage_read_on": date(2024, 1, 10),
                "bought_here": True,
            },
        )
        mileage_record(
            actor=consultant_a,
            vehicle=vehicle,
            mileage_km=20000,
            read_on=date(2024, 6, 1),
            source="workshop",
        )
        interaction_record(
            actor=consultant_a,
            customer=customer,
            data={
                "kind": "event",
                "channel": "in_person",
                "summary": "试驾会",
                "cost": 120,
                "occurred_at": datetime(2024, 6, 2, 10, 30, tzinfo=SHANGHAI),
            },
        )
    return customer


def rows_for(viewer: Any, customer: Customer, scoped: Any, language: str = "en") -> list[Any]:
    with scoped(viewer), translation.override(language):
        fresh = Customer.objects.get(pk=customer.pk)
        entries = customer_timeline(fresh, viewer=viewer)
        return timeline_rows(entries, viewer=viewer, customer=fresh)


def test_services_record_their_activity(customer: Customer, consultant_a: Any, scoped: Any):
    with scoped(consultant_a):
        activities = list(Activity.objects.filter(customer_id=customer.pk).order_by("id"))
        readings = list(MileageReading.objects.order_by("id"))
        interaction = Interaction.objects.get()

    assert [a.kind for a in activities] == ["mileage", "mileage", "interaction"]
    assert {a.actor_id for a in activities} == {consultant_a.pk}
    assert {a.dealer_id for a in activities} == {customer.dealer_id}
    at_sale, workshop, event = activities
    assert at_sale.target == readings[0] and workshop.target == readings[1]
    assert event.target == interaction
    # a reading has a date: it stands at that day's midnight UTC, as the timeline always had it
    assert workshop.at == datetime.combine(date(2024, 6, 1), time.min, tzinfo=UTC)
    assert workshop.data == {
        "vehicle_id": readings[1].vehicle_id,
        "vehicle": "粤B12345",
        "mileage_km": 20000,
        "source": "workshop",
    }
    assert event.at == datetime(2024, 6, 2, 10, 30, tzinfo=SHANGHAI)
    assert event.data == {
        "kind": "event",
        "channel": "in_person",
        "summary": "试驾会",
        "outcome": "",
        "cost": "120.00",
    }


def test_entries_read_as_before(customer: Customer, consultant_a: Any, scoped: Any) -> None:
    rows = rows_for(consultant_a, customer, scoped)
    shown = [(r.kind, r.title, r.detail) for r in rows if r.kind in ("mileage", "interaction")]

    assert shown == [
        (
            "interaction",
            "Contact with the customer · Event participation",
            "试驾会 · In person · ¥120.00",
        ),
        ("mileage", "Mileage reading · 粤B12345", "20000 km · Workshop visit"),
        ("mileage", "Mileage reading · 粤B12345", "12000 km · At sale"),
    ]
    zh = rows_for(consultant_a, customer, scoped, "zh-hans")
    assert [r.title for r in zh if r.kind == "mileage"] == ["里程记录 · 粤B12345"] * 2


def test_a_refused_action_records_no_activity(customer, consultant_a, scoped) -> None:
    with scoped(consultant_a):
        vehicle = Vehicle.objects.get()
        before = Activity.objects.count()
        with pytest.raises(ValidationError):
            mileage_record(  # lower than the 20000 km read in June
                actor=consultant_a,
                vehicle=vehicle,
                mileage_km=15000,
                read_on=date(2024, 7, 1),
                source="workshop",
            )
        with pytest.raises(ValidationError):
            interaction_record(actor=consultant_a, customer=customer, data={"kind": "visit"})
        assert Activity.objects.count() == before


def test_a_kind_registered_by_another_app_renders(
    customer: Customer, consultant_a: Any, manager_a: Any, scoped: Any, monkeypatch: Any
) -> None:
    """As an app above customers would in its ready(): customers imports nothing of it."""

    def detail(entry: Any, viewer: Any) -> str:
        return f"{entry.data['parts']} parts · seen by {viewer.username}"

    monkeypatch.setitem(
        registry._kinds,
        "parts_ordered",
        TimelineKind(
            key="parts_ordered",
            title="Parts ordered for %(order)s",
            icon="box",
            detail=detail,
            show_subject=False,
        ),
    )
    monkeypatch.setitem(
        registry._kinds,
        "complaint_noted",
        TimelineKind(
            key="complaint_noted",
            title="Complaint",
            visible=lambda viewer: viewer.role == Role.MANAGER,
        ),
    )
    for kind, data in (("parts_ordered", {"order": "RO-7", "parts": 3}), ("complaint_noted", {})):
        activity_record(
            dealer_id=customer.dealer_id,
            customer_id=customer.pk,
            kind=kind,
            actor=manager_a,
            data=data,
        )

    rows = rows_for(consultant_a, customer, scoped)
    (parts,) = [r for r in rows if r.kind == "parts_ordered"]
    assert parts.title == "Parts ordered for RO-7"
    assert parts.detail == "3 parts · seen by consultant_a"
    assert parts.actor == str(manager_a) and parts.icon == "box"
    assert not [r for r in rows if r.kind == "complaint_noted"]  # not for a consultant
    manager_rows = rows_for(manager_a, customer, scoped)
    assert [r.title for r in manager_rows if r.kind == "complaint_noted"] == ["Complaint"]


def test_another_dealers_activity_never_shows(
    customer: Customer, consultant_a: Any, dealer_b: Any, scoped: Any
) -> None:
    activity_record(
        dealer_id=dealer_b.pk,
        customer_id=customer.pk,  # the same id, in another dealer's rows
        kind="interaction",
        actor=None,
        data={"kind": "visit", "summary": "外店记录"},
    )
    for viewer in (consultant_a, None):  # the dealer's scope, and no scope at all
        with scopes_disabled() if viewer is None else scoped(viewer):
            fresh = Customer.objects.get(pk=customer.pk)
            summaries = [e.data.get("summary") for e in customer_timeline(fresh)]
        assert "外店记录" not in summaries
        assert "试驾会" in summaries


def test_backfill_migration_writes_what_the_services_write(
    customer: Customer, consultant_a: Any, gm_a: Any, scoped: Any
) -> None:
    before = {who: rows_for(who, customer, scoped) for who in (consultant_a, gm_a)}
    with scopes_disabled():
        written = {
            (a.kind, a.customer_id, a.actor_id, a.at, a.target_type_id, a.target_id, str(a.data))
            for a in Activity.objects.all()
        }
        Activity.objects.all().delete()  # the database as it was before the activity record
    assert len(rows_for(consultant_a, customer, scoped)) == len(before[consultant_a]) - 3

    backfill.backfill_activities(apps, None)

    with scopes_disabled():
        restored = {
            (a.kind, a.customer_id, a.actor_id, a.at, a.target_type_id, a.target_id, str(a.data))
            for a in Activity.objects.all()
        }
    assert restored == written
    for who, rows in before.items():
        assert rows_for(who, customer, scoped) == rows

    backfill.remove_backfilled(apps, None)
    with scopes_disabled():
        assert not Activity.objects.exists()


def test_backfill_puts_a_merged_vehicles_reading_on_its_current_owner(
    customer: Customer, make_customer: Any, consultant_a: Any, scoped: Any
) -> None:
    other = make_customer(consultant_a, name="王芳")
    with scopes_disabled():
        Vehicle.objects.update(customer=other)  # as a merge moves it
        Activity.objects.all().delete()
    backfill.backfill_activities(apps, None)
    with scopes_disabled():
        owners = set(Activity.objects.filter(kind="mileage").values_list("customer_id", flat=True))
    assert owners == {other.pk}


def test_the_profile_page_shows_registered_panels(
    customer: Customer, consultant_a: Any, monkeypatch: Any, settings: Any, tmp_path: Any
) -> None:
    """customers renders what an app registers for the 360 page, and only that app's panel."""
    (tmp_path / "test_panel.html").write_text(
        '<div class="card" data-testid="test-panel">{{ greeting }}</div>', encoding="utf-8"
    )
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path]
    settings.TEMPLATES = templates
    panel = CustomerPanel(
        key="test_panel",
        template="test_panel.html",
        context=lambda request, customer: {"greeting": f"Hello {customer.name}"},
        order=10,
        column="side",
    )
    monkeypatch.setitem(registry._panels.entries, panel.key, panel)

    client = Client(headers={"accept-language": "en"})
    client.force_login(consultant_a)
    response = client.get(f"/customers/{customer.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="card" data-testid="test-panel">Hello 李娜</div>' in html
    assert "Mileage reading · 粤B12345" in html


def test_a_bulk_writers_reading_reads_like_the_services(
    customer: Customer, consultant_a: Any, scoped: Any
) -> None:
    """What the import writer is to do for the readings it writes without mileage_record."""
    with scoped(consultant_a):
        vehicle = Vehicle.objects.get()
        reading = MileageReading.objects.create(
            dealer_id=vehicle.dealer_id,
            vehicle=vehicle,
            mileage_km=25000,
            read_on=date(2024, 8, 1),
            source="import",
            recorded_by=consultant_a,
        )
    activities_record_bulk(
        [mileage_activity_row(actor=consultant_a, reading=reading, vehicle=vehicle)]
    )

    (imported,) = [r for r in rows_for(consultant_a, customer, scoped) if "25000" in r.detail]
    assert (imported.kind, imported.title) == ("mileage", "Mileage reading · 粤B12345")
    assert imported.detail == "25000 km · Import"
    assert imported.at == datetime(2024, 8, 1, tzinfo=UTC)


def test_an_imports_readings_are_on_the_timeline_without_activity_rows(
    customer: Customer, consultant_a: Any, scoped: Any
) -> None:
    """An import writes its readings in bulk, without an activity row each: they are read from
    the readings table (customers' "imported_readings" source), once."""
    with scoped(consultant_a):
        vehicle = Vehicle.objects.get()
        MileageReading.objects.create(
            dealer_id=vehicle.dealer_id,
            vehicle=vehicle,
            mileage_km=31000,
            read_on=date(2024, 9, 1),
            source="import",
            recorded_by=consultant_a,
        )
    imported = [r for r in rows_for(consultant_a, customer, scoped) if "31000" in r.detail]
    assert [(r.kind, r.title, r.detail) for r in imported] == [
        ("mileage", "Mileage reading · 粤B12345", "31000 km · Import")
    ]
    assert imported[0].at == datetime(2024, 9, 1, tzinfo=UTC)
