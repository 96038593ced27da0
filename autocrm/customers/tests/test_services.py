"""Customer-profile services on the real database: validation, normalization, history,
permissions and the quality scores each service stores (customers/services.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled

from autocrm.customers.models import Contact, Customer, Interaction, MileageReading, Vehicle
from autocrm.customers.services import (
    contact_add,
    customer_create,
    customer_update,
    interaction_record,
    mileage_record,
    vehicle_add,
    vehicle_update,
)

pytestmark = pytest.mark.django_db

MOBILE = "13812345678"
E164 = "+8613812345678"
ID_MALE_1990 = "44030519900101123X"  # 深圳市南山区, born 1990-01-01, sequence 123: male
ID_FEMALE_HUNAN = "430104198503150025"  # 长沙市, born 1985-03-15, sequence 002: female
ADDRESS = "广东省深圳市南山区科苑路15号"
VIN = "LSVAM4187C2184847"
VIN_2 = "LSVAU218XN2183294"
VIN_BAD_CHECK = "LSVAM4187C2184848"  # position 9 should be 7 for this tail


def stored(customer: Customer) -> Customer:
    """The row as the database has it now."""
    with scopes_disabled():
        return Customer.objects.get(pk=customer.pk)


def counts() -> tuple[int, ...]:
    with scopes_disabled():
        return (
            Customer.objects.count(),
            Customer.history.count(),
            Contact.objects.count(),
            Vehicle.objects.count(),
            MileageReading.objects.count(),
            Interaction.objects.count(),
        )


def error_keys(excinfo: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(excinfo.value.message_dict)


def error_codes(excinfo: pytest.ExceptionInfo[ValidationError], field: str) -> list[str]:
    return [e.code for e in excinfo.value.error_dict[field]]


def quality(customer: Customer) -> tuple[int, str, int, str]:
    row = stored(customer)
    return (
        row.accuracy_score,
        row.accuracy_level,
        row.completeness_score,
        row.completeness_level,
    )


def issue_codes(customer: Customer) -> list[str]:
    return [i["code"] for i in stored(customer).quality_issues]


# --- customer_create --------------------------------------------------------------------------


def test_create_normalizes_and_derives(make_customer, consultant_a, dealer_a):
    customer = make_customer(
        consultant_a,
        name=" 张伟 ",
        mobile="138 1234 5678",
        id_number="44030519900101123x",
        address=ADDRESS,
    )

    row = stored(customer)
    assert row.dealer_id == dealer_a.pk
    assert row.name == "张伟"
    assert row.mobile == E164
    assert row.mobile_raw == "138 1234 5678"
    assert row.mobile_last4 == "5678"
    assert (row.name_pinyin, row.name_initials) == ("zhangwei", "zw")
    assert row.id_type == "resident_id"
    assert row.id_number == ID_MALE_1990
    assert row.birth_date == date(1990, 1, 1)
    assert row.gender == "M"
    assert (row.province, row.city, row.district) == ("广东省", "深圳市", "南山区")
    assert (row.street, row.house_number) == ("科苑路", "15号")
    assert row.responsible_staff_id == consultant_a.pk
    assert row.created_by_id == consultant_a.pk


@pytest.mark.parametrize(
    ("typed", "stored_as"),
    [
        ("张\u3000伟", "张伟"),
        ("欧阳 娜娜", "欧阳娜娜"),
        ("Tom  Li", "Tom Li"),
        ("Tom 李", "Tom 李"),
    ],
)
def test_spaces_between_chinese_characters_of_a_name_are_dropped(
    make_customer, consultant_a, typed, stored_as
):
    """张　伟: a two-character name padded to line up with three-character ones."""
    assert stored(make_customer(consultant_a, name=typed)).name == stored_as


@pytest.mark.parametrize(
    "typed", ["+86 138-1234-5678", "0086 13812345678", "(138) 1234.5678", "１３８１２３４５６７８"]
)
def test_create_accepts_every_common_way_of_typing_a_mobile(make_customer, consultant_a, typed):
    customer = make_customer(consultant_a, mobile=typed)

    row = stored(customer)
    assert (row.mobile, row.mobile_last4) == (E164, "5678")
    assert row.mobile_raw == typed.replace("１３８１２３４５６７８", MOBILE)  # NFKC: half-width


def test_create_with_a_female_id_fills_female(make_customer, consultant_a):
    customer = make_customer(consultant_a, name="李娜", id_number=ID_FEMALE_HUNAN)

    assert (stored(customer).gender, stored(customer).birth_date) == ("F", date(1985, 3, 15))


def test_create_accepts_a_matching_gender_and_birth_date(make_customer, consultant_a):
    customer = make_customer(
        consultant_a, id_number=ID_MALE_1990, gender="M", birth_date=date(1990, 1, 1)
    )

    assert stored(customer).gender == "M"


def test_create_refuses_a_gender_contradicting_the_id(consultant_a, scoped):
    before = counts()

    with scoped(consultant_a), pytest.raises(ValidationError) as excinfo:
        customer_create(
            actor=consultant_a, data={"name": "张伟", "id_number": ID_MALE_1990, "gender": "F"}
        )

    assert error_keys(excinfo) == {"gender"}
    assert counts() == before


def test_create_refuses_a_birth_date_contradicting_the_id(consultant_a, scoped):
    before = counts()

    with scoped(consultant_a), pytest.raises(ValidationError) as excinfo:
        customer_create(
            actor=consultant_a,
            data={"name": "张伟", "id_number": ID_MALE_1990, "birth_date": date(1990, 1, 2)},
        )

    assert error_keys(excinfo) == {"birth_date"}
    assert counts() == before


def test_create_reports_every_bad_field_at_once(consultant_a, scoped):
    before = counts()

    with scoped(consultant_a), pytest.raises(ValidationError) as excinfo:
        customer_create(
            actor=consultant_a,
            data={
                "name": "",
                "mobile": "12345",
                "email": "not-an-email",
                "postcode": "51800",
                "id_number": "440305199001011230",  # wrong check digit
                "address": "广东省深圳市南山区",  # no street or house number
            },
        )

    assert error_keys(excinfo) == {"name", "mobile", "email", "postcode", "id_number", "address"}
    assert error_codes(excinfo, "mobile") == ["invalid_mobile"]
    assert error_codes(excinfo, "address") == ["address_incomplete"]
    assert counts() == before


def test_create_refuses_more_than_three_hobbies(consultant_a, dealer_a, scoped):
    from autocrm.dictionaries.models import DictionaryEntry

    with scoped(dealer_a):
        hobbies = list(DictionaryEntry.objects.filter(kind="hobby")[:4])
    before = counts()

    with scoped(consultant_a), pytest.raises(ValidationError) as excinfo:
        customer_create(actor=consultant_a, data={"name": "张伟", "hobbies": hobbies})

    assert error_keys(excinfo) == {"hobbies"}
    assert counts() == before


def test_create_accepts_three_hobbies(consultant_a, dealer_a, scoped):
    from autocrm.dictionaries.models import DictionaryEntry

    with scoped(dealer_a):
        hobbies = list(DictionaryEntry.objects.filter(kind="hobby")[:3])
        customer = customer_create(actor=consultant_a, data={"name": "张伟", "hobbies": hobbies})
        assert set(customer.hobbies.values_list("pk", flat=True)) == {h.pk for h in hobbies}


def test_create_refuses_another_dealers_dictionary_entry(
    consultant_a, dealer_b, dict_entry, scoped
):
    foreign = dict_entry(dealer_b, "trade_relationship", "long_term")
    foreign_hobby = dict_entry(dealer_b, "hobby", "golf")
    before = counts()

    with scoped(consultant_a), pytest.raises(ValidationError) as excinfo:
        customer_create(
            actor=consultant_a,
            data={"name": "张伟", "trade_relationship": foreign, "hobbies": [foreign_hobby]},
        )

    assert error_keys(excinfo) == {"trade_relationship", "hobbies"}
    assert counts() == before


def test_create_refuses_another_dealers_dictionary_id(consultant_a, dealer_b, dict_entry, scoped):
    foreign = dict_entry(dealer_b, "customer_nature", "individual")

    with scoped(consultant_a), pytest.raises(ValidationError) as excinfo:
        customer_create(actor=consultant_a, data={"name": "张伟", "nature": foreign.pk})

    assert error_keys(excinfo) == {"nature"}


def test_create_refuses_an_entry_of_the_wrong_list(consultant_a, dealer_a, dict_entry, scoped):
    hobby = dict_entry(dealer_a, "hobby", "golf")

    with scoped(consultant_a), pytest.raises(ValidationError) as excinfo:
        customer_create(actor=consultant_a, data={"name": "张伟", "trade_relationship": hobby})

    assert error_keys(excinfo) == {"trade_relationship"}


def test_create_refuses_responsible_staff_of_another_dealer(consultant_a, consultant_b, scoped):
    with scoped(consultant_a), pytest.raises(ValidationError) as excinfo:
        customer_create(
            actor=consultant_a, data={"name": "张伟", "responsible_staff": consultant_b}
        )

    assert error_keys(excinfo) == {"responsible_staff"}


def test_create_with_a_colleague_responsible(make_customer, consultant_a, consultant_a2):
    customer = make_customer(consultant_a, responsible_staff=consultant_a2.pk)

    row = stored(customer)
    assert (row.responsible_staff_id, row.created_by_id) == (consultant_a2.pk, consultant_a.pk)


@pytest.mark.parametrize("who", ["gm_a", "hq_analyst"])
def test_create_is_refused_to_roles_that_do_not_edit(request, who, scoped):
    actor = request.getfixturevalue(who)
    before = counts()

    with scoped(actor), pytest.raises(PermissionDenied):
        customer_create(actor=actor, data={"name": "张伟"})

    assert counts() == before


def test_create_writes_a_history_row_by_the_actor(make_customer, consultant_a):
    customer = make_customer(consultant_a, mobile=MOBILE)

    records = list(customer.history.all())
    assert [(r.history_type, r.history_user_id) for r in records] == [("+", consultant_a.pk)]
    assert records[0].mobile == E164


# --- customer_update --------------------------------------------------------------------------


def test_update_writes_history_with_actor_and_old_new(make_customer, consultant_a, scoped):
    customer = make_customer(consultant_a, mobile=MOBILE)

    with scoped(consultant_a):
        customer_update(actor=consultant_a, customer=customer, data={"mobile": "139 8765 4321"})

    latest, created = customer.history.order_by("-history_date", "-history_id")[:2]
    assert latest.history_type == "~"
    assert latest.history_user_id == consultant_a.pk
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(created).changes}
    assert changes == {
        "mobile": (E164, "+8613987654321"),
        "mobile_raw": (MOBILE, "139 8765 4321"),
    }
    row = stored(customer)
    assert (row.mobile, row.mobile_last4) == ("+8613987654321", "4321")


def test_update_by_a_colleague_with_edit_rights_records_that_colleague(
    make_customer, consultant_a, cr_a, scoped
):
    customer = make_customer(consultant_a, mobile=MOBILE)

    with scoped(cr_a):
        customer_update(actor=cr_a, customer=customer, data={"address": ADDRESS})

    latest = customer.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user_id == cr_a.pk
    assert latest.address == ADDRESS


def test_update_without_a_change_writes_no_history(make_customer, consultant_a, scoped):
    customer = make_customer(consultant_a, mobile=MOBILE)

    with scoped(consultant_a):
        customer_update(actor=consultant_a, customer=customer, data={"mobile": "138-1234-5678"})
        customer_update(actor=consultant_a, customer=customer, data={"name": "张伟"})

    assert customer.history.count() == 2  # created + the changed mobile_raw
    with scoped(consultant_a):
        customer_update(actor=consultant_a, customer=customer, data={"mobile": "138-1234-5678"})
    assert customer.history.count() == 2


def test_update_of_the_name_recomputes_pinyin(make_customer, consultant_a, scoped):
    customer = make_customer(consultant_a, name="张伟")

    with scoped(consultant_a):
        customer_update(actor=consultant_a, customer=customer, data={"name": "单丽"})

    row = stored(customer)
    assert (row.name_pinyin, row.name_initials) == ("shanli", "sl")


def test_an_organization_has_no_given_name(make_customer, consultant_a, scoped):
    """A given-name search must not find 深圳市某某科技有限公司 under 圳市…."""
    company = make_customer(
        consultant_a, name="深圳市合力科技有限公司", kind="organization", uscc="91440300MA5D000103"
    )
    assert stored(company).given_name == ""
    person = make_customer(consultant_a, name="欧阳娜娜")
    assert stored(person).given_name == "娜娜"
    with scoped(consultant_a):  # the type changes, the name does not
        customer_update(actor=consultant_a, customer=person, data={"kind": "organization"})
    assert stored(person).given_name == ""


def test_update_of_birth_date_alone_is_checked_against_the_stored_id(
    make_customer, consultant_a, scoped
):
    customer = make_customer(consultant_a, id_number=ID_MALE_1990)
    history_before = customer.history.count()

    with scoped(consultant_a), pytest.raises(ValidationError) as excinfo:
        customer_update(
            actor=consultant_a, customer=customer, data={"birth_date": date(1991, 1, 1)}
        )

    assert error_keys(excinfo) == {"birth_date"}
    assert stored(customer).birth_date == date(1990, 1, 1)
    assert customer.history.count() == history_before


def test_update_of_gender_alone_is_checked_against_the_stored_id(
    make_customer, consultant_a, scoped
):
    customer = make_customer(consultant_a, id_number=ID_MALE_1990)

    with scoped(consultant_a), pytest.raises(ValidationError) as excinfo:
        customer_update(actor=consultant_a, customer=customer, data={"gender": "F"})

    assert error_keys(excinfo) == {"gender"}
    assert stored(customer).gender == "M"


def test_update_of_birth_date_without_an_id_is_free(make_customer, consultant_a, scoped):
    customer = make_customer(consultant_a)

    with scoped(consultant_a):
        customer_update(
            actor=consultant_a, customer=customer, data={"birth_date": date(1991, 1, 1)}
        )

    assert stored(customer).birth_date == date(1991, 1, 1)


def test_consultant_may_not_update_a_colleagues_customer(
    make_customer, consultant_a, consultant_a2, scoped
):
    customer = make_customer(consultant_a, mobile=MOBILE)
    before = counts()

    with scoped(consultant_a2), pytest.raises(PermissionDenied):
        customer_update(actor=consultant_a2, customer=customer, data={"name": "张三"})

    assert stored(customer).name == "张伟"
    assert counts() == before


@pytest.mark.parametrize("who", ["gm_a", "hq_analyst", "consultant_b"])
def test_update_is_refused_to_non_editors_and_other_dealers(
    request, make_customer, consultant_a, who, scoped
):
    customer = make_customer(consultant_a)
    actor = request.getfixturevalue(who)

    with scoped(customer.dealer), pytest.raises(PermissionDenied):
        customer_update(actor=actor, customer=customer, data={"name": "张三"})

    assert stored(customer).name == "张伟"


@pytest.mark.parametrize("field", ["address", "email", "id_number"])
def test_service_advisor_may_not_change_a_field_masked_for_the_role(
    make_customer, consultant_a, advisor_a, scoped, field
):
    customer = make_customer(consultant_a, address=ADDRESS)
    values = {"address": "广东省深圳市福田区深南大道1001号", "email": "a@b.cn", "id_number": ""}
    before = counts()

    with scoped(advisor_a), pytest.raises(ValidationError) as excinfo:
        customer_update(actor=advisor_a, customer=customer, data={field: values[field]})

    assert error_keys(excinfo) == {field}
    assert error_codes(excinfo, field) == ["masked"]
    assert stored(customer).address == ADDRESS
    assert counts() == before


def test_service_advisor_may_change_the_mobile(make_customer, consultant_a, advisor_a, scoped):
    customer = make_customer(consultant_a, mobile=MOBILE)

    with scoped(advisor_a):
        customer_update(actor=advisor_a, customer=customer, data={"mobile": "13987654321"})

    assert stored(customer).mobile == "+8613987654321"


def test_consultant_may_change_own_customers_address(make_customer, consultant_a, scoped):
    customer = make_customer(consultant_a, address=ADDRESS)

    with scoped(consultant_a):
        customer_update(
            actor=consultant_a,
            customer=customer,
            data={"address": "广东省深圳市福田区深南大道1001号"},
        )

    row = stored(customer)
    assert (row.district, row.street, row.house_number) == ("福田区", "深南大道", "1001号")


def test_update_refuses_more_than_three_hobbies(make_customer, consultant_a, dealer_a, scoped):
    from autocrm.dictionaries.models import DictionaryEntry

    customer = make_customer(consultant_a)
    with scoped(dealer_a):
        hobbies = list(DictionaryEntry.objects.filter(kind="hobby")[:4])
        with pytest.raises(ValidationError) as excinfo:
            customer_update(actor=consultant_a, customer=customer, data={"hobbies": hobbies})
        assert customer.hobbies.count() == 0

    assert error_keys(excinfo) == {"hobbies"}


def test_update_refuses_another_dealers_dictionary_entry(
    make_customer, consultant_a, dealer_b, dict_entry, scoped
):
    customer = make_customer(consultant_a)
    foreign = dict_entry(dealer_b, "industry", "finance")

    with scoped(consultant_a), pytest.raises(ValidationError) as excinfo:
        customer_update(actor=consultant_a, customer=customer, data={"industry": foreign.pk})

    assert error_keys(excinfo) == {"industry"}
    assert stored(customer).industry_id is None


# --- vehicles and mileage ---------------------------------------------------------------------


@pytest.fixture
def customer_a(make_customer, consultant_a):
    return make_customer(consultant_a, name="李娜", mobile=MOBILE, address=ADDRESS)


def test_vehicle_add_validates_vin_and_plate_together(customer_a, consultant_a, scoped):
    before = counts()

    with scoped(consultant_a), pytest.raises(ValidationError) as excinfo:
        vehicle_add(
            actor=consultant_a,
            customer=customer_a,
            data={"vin": VIN_BAD_CHECK, "plate_number": "粤B1234", "mileage_km": -1},
        )

    assert error_keys(excinfo) == {"vin", "plate_number", "mileage_km"}
    assert error_codes(excinfo, "vin") == ["vin_check_digit"]
    assert error_codes(excinfo, "plate_number") == ["invalid_plate_number"]
    assert counts() == before


def test_vehicle_add_normalizes_and_records_the_mileage(customer_a, consultant_a, scoped):
    with scoped(consultant_a):
        vehicle = vehicle_add(
            actor=consultant_a,
            customer=customer_a,
            data={
                "vin": "lsvam 4187c 2184847",
                "plate_number": "粤b·12345",
                "mileage_km": 12000,
                "bought_here": True,
                "purchase_date": date(2024, 1, 10),
            },
        )
        readings = list(MileageReading.objects.filter(vehicle=vehicle).values())

    assert (vehicle.vin, vehicle.plate_number) == (VIN, "粤B12345")
    assert (vehicle.mileage_km, vehicle.mileage_read_on) == (12000, timezone.localdate())
    assert len(readings) == 1
    assert readings[0]["mileage_km"] == 12000
    assert readings[0]["read_on"] == timezone.localdate()
    assert readings[0]["source"] == "sale"
    assert readings[0]["recorded_by_id"] == consultant_a.pk
    assert readings[0]["dealer_id"] == customer_a.dealer_id


def test_vehicle_add_mileage_reported_by_the_customer(customer_a, consultant_a, scoped):
    with scoped(consultant_a):
        vehicle = vehicle_add(
            actor=consultant_a,
            customer=customer_a,
            data={"vin": VIN, "mileage_km": 5000, "mileage_read_on": date(2024, 3, 1)},
        )
        reading = MileageReading.objects.get(vehicle=vehicle)

    assert (reading.source, reading.read_on) == ("customer", date(2024, 3, 1))


def test_vehicle_add_without_mileage_records_no_reading(customer_a, consultant_a, scoped):
    with scoped(consultant_a):
        vehicle = vehicle_add(actor=consultant_a, customer=customer_a, data={"vin": VIN})
        assert MileageReading.objects.filter(vehicle=vehicle).count() == 0

    assert (vehicle.mileage_km, vehicle.mileage_read_on) == (None, None)


def test_vehicle_add_refuses_a_vin_already_on_file_at_the_dealer(
    customer_a, make_customer, consultant_a, scoped
):
    other = make_customer(consultant_a, name="王芳")
    with scoped(consultant_a):
        vehicle_add(actor=consultant_a, customer=customer_a, data={"vin": VIN})
    before = counts()

    with scoped(consultant_a), pytest.raises(ValidationError) as excinfo:
        vehicle_add(actor=consultant_a, customer=other, data={"vin": VIN.lower()})

    assert error_keys(excinfo) == {"vin"}
    assert error_codes(excinfo, "vin") == ["vin_exists"]
    assert "李娜" in excinfo.value.messages[0]
    assert counts() == before


def test_vehicle_add_accepts_a_vin_on_file_at_another_dealer(
    customer_a, make_customer, consultant_a, consultant_b, scoped
):
    with scoped(consultant_a):
        vehicle_add(actor=consultant_a, customer=customer_a, data={"vin": VIN})
    customer_b = make_customer(consultant_b, name="王芳")

    with scoped(consultant_b):
        vehicle = vehicle_add(actor=consultant_b, customer=customer_b, data={"vin": VIN})

    assert vehicle.dealer_id == consultant_b.dealer_id


def test_vehicle_add_is_refused_to_a_colleague_consultant(customer_a, consultant_a2, scoped):
    with scoped(consultant_a2), pytest.raises(PermissionDenied):
        vehicle_add(actor=consultant_a2, customer=customer_a, data={"vin": VIN})


def test_vehicle_update_refuses_a_vin_of_another_vehicle(customer_a, consultant_a, scoped):
    with scoped(consultant_a):
        vehicle_add(actor=consultant_a, customer=customer_a, data={"vin": VIN})
        second = vehicle_add(actor=consultant_a, customer=customer_a, data={"vin": VIN_2})
        with pytest.raises(ValidationError) as excinfo:
            vehicle_update(actor=consultant_a, vehicle=second, data={"vin": VIN})

    assert error_keys(excinfo) == {"vin"}


@pytest.fixture
def vehicle_a(customer_a, consultant_a, scoped):
    with scoped(consultant_a):
        return vehicle_add(
            actor=consultant_a,
            customer=customer_a,
            data={"vin": VIN, "mileage_km": 10000, "mileage_read_on": date(2024, 1, 10)},
        )


def readings_of(vehicle: Vehicle) -> list[tuple[date, int]]:
    with scopes_disabled():
        return list(
            MileageReading.objects.filter(vehicle=vehicle)
            .order_by("read_on", "id")
            .values_list("read_on", "mileage_km")
        )


def test_mileage_record_updates_the_vehicle(vehicle_a, consultant_a, scoped):
    with scoped(consultant_a):
        reading = mileage_record(
            actor=consultant_a,
            vehicle=vehicle_a,
            mileage_km=20000,
            read_on=date(2024, 6, 1),
            source="workshop",
        )
        vehicle = Vehicle.objects.get(pk=vehicle_a.pk)

    assert (reading.mileage_km, reading.source, reading.recorded_by_id) == (
        20000,
        "workshop",
        consultant_a.pk,
    )
    assert (vehicle.mileage_km, vehicle.mileage_read_on) == (20000, date(2024, 6, 1))
    assert readings_of(vehicle_a) == [(date(2024, 1, 10), 10000), (date(2024, 6, 1), 20000)]


def test_mileage_record_refuses_a_reading_below_an_earlier_one(vehicle_a, consultant_a, scoped):
    with scoped(consultant_a), pytest.raises(ValidationError) as excinfo:
        mileage_record(
            actor=consultant_a,
            vehicle=vehicle_a,
            mileage_km=9999,
            read_on=date(2024, 6, 1),
            source="workshop",
        )

    assert error_keys(excinfo) == {"mileage_km"}
    assert "10000" in excinfo.value.messages[0]
    assert readings_of(vehicle_a) == [(date(2024, 1, 10), 10000)]


def test_mileage_record_accepts_an_equal_reading(vehicle_a, consultant_a, scoped):
    with scoped(consultant_a):
        mileage_record(
            actor=consultant_a,
            vehicle=vehicle_a,
            mileage_km=10000,
            read_on=date(2024, 1, 10),
            source="customer",
        )

    assert readings_of(vehicle_a) == [(date(2024, 1, 10), 10000), (date(2024, 1, 10), 10000)]


def test_mileage_record_refuses_a_future_date(vehicle_a, consultant_a, scoped):
    tomorrow = timezone.localdate() + timedelta(days=1)

    with scoped(consultant_a), pytest.raises(ValidationError) as excinfo:
        mileage_record(
            actor=consultant_a,
            vehicle=vehicle_a,
            mileage_km=30000,
            read_on=tomorrow,
            source="customer",
        )

    assert error_keys(excinfo) == {"read_on"}
    assert readings_of(vehicle_a) == [(date(2024, 1, 10), 10000)]


def test_mileage_record_refuses_a_negative_reading(vehicle_a, consultant_a, scoped):
    with scoped(consultant_a), pytest.raises(ValidationError) as excinfo:
        mileage_record(
            actor=consultant_a,
            vehicle=vehicle_a,
            mileage_km=-5,
            read_on=date(2024, 6, 1),
            source="customer",
        )

    assert error_keys(excinfo) == {"mileage_km"}


def test_backdated_reading_keeps_the_latest_on_the_vehicle(vehicle_a, consultant_a, scoped):
    with scoped(consultant_a):
        mileage_record(
            actor=consultant_a,
            vehicle=vehicle_a,
            mileage_km=20000,
            read_on=date(2024, 6, 1),
            source="workshop",
        )
        mileage_record(
            actor=consultant_a,
            vehicle=vehicle_a,
            mileage_km=15000,
            read_on=date(2024, 3, 1),
            source="customer",
        )
        vehicle = Vehicle.objects.get(pk=vehicle_a.pk)

    assert (vehicle.mileage_km, vehicle.mileage_read_on) == (20000, date(2024, 6, 1))
    assert [km for _d, km in readings_of(vehicle_a)] == [10000, 15000, 20000]


def test_backdated_reading_above_a_later_one_is_refused(vehicle_a, consultant_a, scoped):
    with scoped(consultant_a):
        mileage_record(
            actor=consultant_a,
            vehicle=vehicle_a,
            mileage_km=20000,
            read_on=date(2024, 6, 1),
            source="workshop",
        )
        with pytest.raises(ValidationError) as excinfo:
            mileage_record(
                actor=consultant_a,
                vehicle=vehicle_a,
                mileage_km=30000,
                read_on=date(2024, 3, 1),
                source="customer",
            )

    assert error_keys(excinfo) == {"mileage_km"}
    assert [km for _d, km in readings_of(vehicle_a)] == [10000, 20000]


# --- interactions, contacts and the stored quality scores --------------------------------------


def test_follow_up_with_a_result_raises_completeness(customer_a, consultant_a, scoped):
    assert quality(customer_a)[2:] == (0, "poor")

    with scoped(consultant_a):
        interaction = interaction_record(
            actor=consultant_a,
            customer=customer_a,
            data={
                "kind": "follow_up",
                "channel": "phone",
                "summary": "交车三日回访",
                "outcome": "满意",
            },
        )

    assert (interaction.staff_id, interaction.dealer_id) == (consultant_a.pk, customer_a.dealer_id)
    assert quality(customer_a)[2:] == (20, "poor")
    assert "follow_up_results_missing" not in issue_codes(customer_a)


def test_follow_up_without_a_result_does_not_count(customer_a, consultant_a, scoped):
    with scoped(consultant_a):
        interaction_record(
            actor=consultant_a,
            customer=customer_a,
            data={"kind": "follow_up", "channel": "phone", "summary": "无人接听"},
        )

    assert quality(customer_a)[2] == 0
    assert "follow_up_results_missing" in issue_codes(customer_a)


def test_event_participation_counts(customer_a, consultant_a, scoped):
    with scoped(consultant_a):
        interaction_record(
            actor=consultant_a,
            customer=customer_a,
            data={"kind": "event", "summary": "参加自驾游活动"},
        )

    assert quality(customer_a)[2] == 20
    assert "event_participation_missing" not in issue_codes(customer_a)


def test_interaction_record_validates_everything(customer_a, consultant_a, scoped):
    before = counts()

    with scoped(consultant_a), pytest.raises(ValidationError) as excinfo:
        interaction_record(
            actor=consultant_a,
            customer=customer_a,
            data={
                "kind": "gossip",
                "channel": "pigeon",
                "summary": "  ",
                "occurred_at": timezone.now() + timedelta(hours=1),
            },
        )

    assert error_keys(excinfo) == {"kind", "channel", "summary", "occurred_at"}
    assert counts() == before


@pytest.mark.parametrize("who", ["consultant_b", "gm_a"])
def test_interaction_record_is_refused_to_other_dealers_and_non_editors(
    request, customer_a, who, scoped
):
    actor = request.getfixturevalue(who)

    with scoped(customer_a.dealer), pytest.raises(PermissionDenied):
        interaction_record(
            actor=actor, customer=customer_a, data={"kind": "note", "summary": "备注"}
        )


@pytest.mark.parametrize(
    ("contact_type", "has_referral"),
    [("referrer", True), ("potential_referrer", True), ("private", False)],
)
def test_contact_add_of_a_referrer_makes_referrals_present(
    customer_a, consultant_a, scoped, contact_type, has_referral
):
    assert "referrals_missing" in issue_codes(customer_a)

    with scoped(consultant_a):
        contact = contact_add(
            actor=consultant_a,
            customer=customer_a,
            data={"contact_type": contact_type, "name": "赵强", "mobile": "139 8765 4321"},
        )

    assert contact.mobile == "+8613987654321"
    assert ("referrals_missing" not in issue_codes(customer_a)) is has_referral
    assert quality(customer_a)[2] == (20 if has_referral else 0)


def test_contact_add_refuses_an_unknown_type_and_a_bad_mobile(customer_a, consultant_a, scoped):
    with scoped(consultant_a), pytest.raises(ValidationError) as excinfo:
        contact_add(
            actor=consultant_a,
            customer=customer_a,
            data={"contact_type": "friend", "name": "赵强"},
        )
    assert error_keys(excinfo) == {"contact_type"}

    with scoped(consultant_a), pytest.raises(ValidationError) as excinfo:
        contact_add(
            actor=consultant_a,
            customer=customer_a,
            data={"contact_type": "private", "name": "", "mobile": "123"},
        )
    assert error_keys(excinfo) == {"name", "mobile"}


def test_referred_by_makes_referrals_present(customer_a, make_customer, consultant_a):
    referred = make_customer(consultant_a, name="王芳", referred_by=customer_a)

    assert "referrals_missing" not in issue_codes(referred)
    assert quality(referred)[2] == 20


def test_scores_are_recomputed_and_stored_after_each_service(
    make_customer, consultant_a, dealer_a, scoped
):
    """Accuracy: name 25, mobile 30, address 25, vehicles 20; completeness 5 × 20."""
    from autocrm.dictionaries.models import DictionaryEntry

    customer = make_customer(consultant_a, name="张伟")
    assert quality(customer) == (25, "poor", 0, "poor")

    steps = [
        (lambda: customer_update(actor=consultant_a, customer=customer, data={"mobile": MOBILE}),
         (55, "fair", 0, "poor")),
        (lambda: customer_update(actor=consultant_a, customer=customer, data={"address": ADDRESS}),
         (80, "good", 0, "poor")),
        (lambda: vehicle_add(actor=consultant_a, customer=customer,
                             data={"vin": VIN, "bought_here": True}),
         (80, "good", 0, "poor")),  # bought here without purchase date: still missing
        (lambda: vehicle_add(actor=consultant_a, customer=customer,
                             data={"vin": VIN_2, "bought_here": False}),
         (80, "good", 0, "poor")),
        (lambda: customer_update(actor=consultant_a, customer=customer,
                                 data={"activity_level": "high"}),
         (80, "good", 20, "poor")),
        (lambda: customer_update(
            actor=consultant_a, customer=customer,
            data={"hobbies": list(DictionaryEntry.objects.filter(kind="hobby")[:1])}),
         (80, "good", 40, "poor")),
        (lambda: interaction_record(actor=consultant_a, customer=customer,
                                    data={"kind": "follow_up", "summary": "回访",
                                          "outcome": "满意"}),
         (80, "good", 60, "fair")),
        (lambda: interaction_record(actor=consultant_a, customer=customer,
                                    data={"kind": "event", "summary": "试驾会"}),
         (80, "good", 80, "good")),
        (lambda: contact_add(actor=consultant_a, customer=customer,
                             data={"contact_type": "referrer", "name": "赵强"}),
         (80, "good", 100, "good")),
        (lambda: customer_update(actor=consultant_a, customer=customer,
                                 data={"name": "王先生"}),
         (55, "fair", 100, "good")),
    ]  # fmt: skip
    with scoped(dealer_a):
        for number, (action, expected) in enumerate(steps):
            action()
            assert quality(customer) == expected, f"step {number}"


def test_vehicle_update_with_the_purchase_date_completes_accuracy(customer_a, consultant_a, scoped):
    with scoped(consultant_a):
        vehicle = vehicle_add(
            actor=consultant_a, customer=customer_a, data={"vin": VIN, "bought_here": True}
        )
        assert issue_codes(customer_a)[0] == "purchase_date_missing"
        assert quality(customer_a)[0] == 80
        vehicle_update(
            actor=consultant_a, vehicle=vehicle, data={"purchase_date": date(2024, 1, 10)}
        )

    assert quality(customer_a)[:2] == (100, "good")


def test_prospect_without_vehicle_is_fully_accurate(
    make_customer, consultant_a, dealer_a, dict_entry
):
    potential = dict_entry(dealer_a, "trade_relationship", "potential")

    customer = make_customer(
        consultant_a, mobile=MOBILE, address=ADDRESS, trade_relationship=potential
    )

    assert quality(customer)[:2] == (100, "good")
    assert "vehicle_missing" not in issue_codes(customer)


def test_address_copied_from_an_id_card_of_another_province_is_flagged(make_customer, consultant_a):
    customer = make_customer(
        consultant_a,
        name="李娜",
        mobile=MOBILE,
        id_number=ID_FEMALE_HUNAN,
        address="湖南省长沙市岳麓区麓山南路2号",
    )

    assert "address_id_card_copy" in issue_codes(customer)
    assert quality(customer)[0] == 55  # name 25 + mobile 30 (no vehicle, no address)


def test_fake_mobile_is_stored_as_doubtful(make_customer, consultant_a):
    customer = make_customer(consultant_a, mobile="13800138000", address=ADDRESS)

    assert issue_codes(customer)[:2] == ["mobile_suspicious", "vehicle_missing"]
    assert quality(customer)[0] == 50
