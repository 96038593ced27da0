"""The profile's timeline: every change (who, when, old → new) and every contact, with personal
values masked for viewers who may not see them (selectors.customer_timeline,
timeline_display.timeline_rows)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation
from django_scopes import scopes_disabled

from autocrm.customers.models import Customer
from autocrm.customers.selectors import customer_timeline
from autocrm.customers.services import (
    contact_add,
    customer_update,
    interaction_record,
    mileage_record,
    vehicle_add,
)
from autocrm.customers.timeline_display import ChangeRow, timeline_rows

pytestmark = pytest.mark.django_db

VIN = "LSVAM4187C2184847"


@pytest.fixture
def customer(make_customer, consultant_a, dict_entry, scoped):
    """李娜, entered by consultant_a, then changed, given a car, a reading, a call, a contact."""
    customer = make_customer(consultant_a, name="李娜", mobile="13812345678")
    long_term = dict_entry(consultant_a.dealer, "trade_relationship", "long_term")
    with scoped(consultant_a):
        customer_update(
            actor=consultant_a,
            customer=customer,
            data={"mobile": "13987654321", "trade_relationship": long_term},
        )
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
                "kind": "follow_up",
                "channel": "phone",
                "summary": "交车回访",
                "outcome": "满意",
            },
        )
        contact_add(
            actor=consultant_a,
            customer=customer,
            data={"contact_type": "referrer", "name": "赵强"},
        )
    return customer


def rows_for(viewer, customer, scoped, language="en"):
    with scoped(viewer), translation.override(language):
        fresh = Customer.objects.get(pk=customer.pk)
        return timeline_rows(customer_timeline(fresh), viewer=viewer, customer=fresh)


def rows_of_kind(rows, kind):
    return [r for r in rows if r.kind == kind]


def test_timeline_has_every_kind_of_entry(customer, consultant_a, scoped):
    rows = rows_for(consultant_a, customer, scoped)

    assert sorted(r.kind for r in rows) == sorted(
        [
            "customer_created",
            "customer_changed",
            "vehicle_created",
            "vehicle_changed",  # the reading moved the vehicle's current mileage
            "mileage",
            "mileage",
            "interaction",
            "contact_created",
        ]
    )
    assert [r.at for r in rows] == sorted((r.at for r in rows), reverse=True)  # newest first
    assert {r.actor for r in rows} == {str(consultant_a)}


def test_created_entry(customer, consultant_a, scoped):
    (created,) = rows_of_kind(rows_for(consultant_a, customer, scoped), "customer_created")

    assert created.title == "Profile created"
    assert created.actor == str(consultant_a)
    assert created.changes == []


def test_changed_entry_shows_label_old_and_new(customer, consultant_a, scoped):
    (changed,) = rows_of_kind(rows_for(consultant_a, customer, scoped), "customer_changed")

    assert changed.title == "Profile changed"
    assert changed.actor == str(consultant_a)
    assert changed.changes == [
        ChangeRow(label="mobile", old="+8613812345678", new="+8613987654321"),
        ChangeRow(label="trade relationship", old="—", new="老客户"),
    ]  # the typed form of the mobile (mobile_raw) is not repeated


def test_changed_entry_in_chinese(customer, consultant_a, scoped):
    (changed,) = rows_of_kind(
        rows_for(consultant_a, customer, scoped, "zh-hans"), "customer_changed"
    )

    assert changed.title == "档案已修改"
    assert [c.label for c in changed.changes] == ["手机", "客户关系类型"]


def test_vehicle_mileage_interaction_and_contact_entries(customer, consultant_a, scoped):
    rows = rows_for(consultant_a, customer, scoped)

    (vehicle,) = rows_of_kind(rows, "vehicle_created")
    assert vehicle.title == "Vehicle added · 粤B12345"
    (moved,) = rows_of_kind(rows, "vehicle_changed")
    assert moved.changes == [
        ChangeRow(label="mileage (km)", old="12000", new="20000"),
        ChangeRow(label="mileage read on", old="2024-01-10", new="2024-06-01"),
    ]
    mileage = rows_of_kind(rows, "mileage")
    assert [(m.title, m.detail) for m in mileage] == [
        ("Mileage reading · 粤B12345", "20000 km · Workshop visit"),
        ("Mileage reading · 粤B12345", "12000 km · At sale"),
    ]
    assert [m.at.date() for m in mileage] == [date(2024, 6, 1), date(2024, 1, 10)]
    (interaction,) = rows_of_kind(rows, "interaction")
    assert interaction.title == "Contact with the customer · Follow-up call"
    assert interaction.detail == "交车回访 · Result: 满意 · Telephone"
    (contact,) = rows_of_kind(rows, "contact_created")
    assert contact.title == "Contact added · 赵强"


def test_vehicle_change_is_shown(customer, consultant_a, scoped):
    from autocrm.customers.models import Vehicle
    from autocrm.customers.services import vehicle_update

    with scoped(consultant_a):
        vehicle = Vehicle.objects.get(vin=VIN)
        vehicle_update(actor=consultant_a, vehicle=vehicle, data={"color": "白色"})

    changed = rows_of_kind(rows_for(consultant_a, customer, scoped), "vehicle_changed")[0]
    assert changed.title == "Vehicle changed · 粤B12345"
    assert changed.changes == [ChangeRow(label="colour", old="—", new="白色")]


def test_hobbies_change_shows_the_labels(customer, consultant_a, dict_entry, scoped):
    travel = dict_entry(consultant_a.dealer, "hobby", "travel")
    golf = dict_entry(consultant_a.dealer, "hobby", "golf")
    with scoped(consultant_a):
        customer_update(actor=consultant_a, customer=customer, data={"hobbies": [travel, golf]})

    changes = [
        c
        for r in rows_of_kind(rows_for(consultant_a, customer, scoped), "customer_changed")
        for c in r.changes
        if c.label == "interests"
    ]
    assert len(changes) == 1
    assert changes[0].old == "—"
    assert sorted(changes[0].new.split("、")) == sorted(["旅游", "高尔夫"])


@pytest.mark.parametrize(
    ("who", "old", "new"),
    [
        ("consultant_a", "+8613812345678", "+8613987654321"),  # responsible: clear
        ("cr_a", "+8613812345678", "+8613987654321"),  # customer relations: clear
        ("advisor_a", "+8613812345678", "+8613987654321"),  # service advisor: clear
        ("consultant_a2", "138****5678", "139****4321"),  # a colleague: masked
        ("gm_a", "138****5678", "139****4321"),  # general manager: masked
        ("hq_analyst", "138****5678", "139****4321"),  # HQ: masked
    ],
)
def test_mobile_change_is_masked_per_role(request, customer, scoped, who, old, new):
    viewer = request.getfixturevalue(who)

    (changed,) = rows_of_kind(rows_for(viewer, customer, scoped), "customer_changed")

    assert changed.changes[0] == ChangeRow(label="mobile", old=old, new=new)


def test_gm_never_sees_the_clear_number_anywhere(customer, gm_a, scoped):
    rows = rows_for(gm_a, customer, scoped)

    text = repr(rows)
    for clear in ("13812345678", "13987654321", "8765", "1234 5678"):
        assert clear not in text


@pytest.mark.parametrize(
    ("who", "old", "new"),
    [
        ("cr_a", "—", "广东省深圳市南山区科苑路15号"),
        ("gm_a", "—", "广东省深圳市****"),
        ("manager_a", "—", "广东省深圳市****"),
    ],
)
def test_address_change_is_masked_per_role(request, customer, consultant_a, scoped, who, old, new):
    with scoped(consultant_a):
        customer_update(
            actor=consultant_a, customer=customer, data={"address": "广东省深圳市南山区科苑路15号"}
        )
    viewer = request.getfixturevalue(who)

    latest = rows_of_kind(rows_for(viewer, customer, scoped), "customer_changed")[0]

    assert latest.changes == [ChangeRow(label="address", old=old, new=new)]  # parts hidden


def test_email_and_id_number_changes_are_masked_for_the_gm(customer, consultant_a, gm_a, scoped):
    with scoped(consultant_a):
        customer_update(
            actor=consultant_a,
            customer=customer,
            data={"email": "li.na@qq.com", "id_number": "44030519900101123X"},
        )

    latest = rows_of_kind(rows_for(gm_a, customer, scoped), "customer_changed")[0]
    shown = {c.label: c.new for c in latest.changes}

    assert shown["e-mail"] == "l***@qq.com"
    assert shown["ID number"] == "440305********123X"


def test_birth_date_change_is_masked_for_the_gm(customer, consultant_a, gm_a, scoped):
    with scoped(consultant_a):
        customer_update(
            actor=consultant_a, customer=customer, data={"birth_date": date(1990, 1, 1)}
        )

    latest = rows_of_kind(rows_for(gm_a, customer, scoped), "customer_changed")[0]

    assert "1990-01-01" not in repr(latest.changes)


def test_contact_mobile_follows_the_customer_mobile_rule(customer, consultant_a, gm_a, scoped):
    from autocrm.customers.models import Contact

    with scoped(consultant_a):
        contact = Contact.objects.get(customer=customer)
        contact.mobile = "+8613511112222"
        contact._history_user = consultant_a
        contact.save()

    (gm_row,) = rows_of_kind(rows_for(gm_a, customer, scoped), "contact_changed")
    (own_row,) = rows_of_kind(rows_for(consultant_a, customer, scoped), "contact_changed")
    assert gm_row.changes == [ChangeRow(label="mobile", old="—", new="135****2222")]
    assert own_row.changes == [ChangeRow(label="mobile", old="—", new="+8613511112222")]


def test_customer_without_history_still_has_its_created_entry(consultant_a, dealer_a, scoped):
    with scopes_disabled():
        (imported,) = Customer.objects.bulk_create(  # no signal, so no history row
            [Customer(dealer=dealer_a, name="王芳", created_by=consultant_a)]
        )

    rows = rows_for(consultant_a, imported, scoped)

    assert [(r.kind, r.actor) for r in rows] == [("customer_created", str(consultant_a))]
