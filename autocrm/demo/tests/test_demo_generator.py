"""The demo data generator: the command, determinism, validity, dirt rates, quality scores.

N (--customers) is the total number of Customer rows, duplicates included.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from io import StringIO
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django_scopes import scopes_disabled

from autocrm.customers.models import Customer, Vehicle
from autocrm.demo.catalog_data import DEALERS
from autocrm.demo.columns import COLUMNS, CUSTOMER_COLUMNS, TABLES
from autocrm.demo.generator import DemoGenerator
from autocrm.demo.loader import MODELS, model_columns
from autocrm.demo.models import DemoTruth
from autocrm.demo.regions_data import GUANGDONG_OTHER, HUNAN_OTHER, OTHER_PROVINCES
from autocrm.demo.world import ANCHOR, synthetic_world
from autocrm.matching.models import DuplicateCandidate, MatchRun
from autocrm.quality.refresh import quality_refresh
from autocrm.rules.address import parse_address
from autocrm.rules.id_numbers import check_id_matches, validate_id_number, validate_uscc
from autocrm.rules.phones import normalize_mobile
from autocrm.rules.regions import id_region_province
from autocrm.rules.scoring import CustomerFacts, VehicleFacts, score_customer
from autocrm.rules.vehicles import validate_plate_number, validate_vin
from autocrm.tenancy.models import Dealer, Staff
from autocrm.tenancy.roles import Role

C = {name: i for i, name in enumerate(CUSTOMER_COLUMNS)}


def generate(n: int, seed: int) -> dict[str, list[tuple]]:
    rows: dict[str, list[tuple]] = {t: [] for t in TABLES}
    for chunk in DemoGenerator(synthetic_world(settings.QUALITY), seed).chunks(n):
        for table, table_rows in chunk.rows.items():
            rows[table].extend(table_rows)
    return rows


@pytest.fixture(scope="module")
def big() -> dict[str, list[tuple]]:
    """5,000 customers generated in memory (no database)."""
    return generate(5000, 11)


def tags(rows: dict[str, list[tuple]]) -> dict[int, set[str]]:
    return {t[0]: set(filter(None, t[3].split(","))) for t in rows["truth"]}


# --- the command -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_loads_the_demo_group() -> None:
    out = StringIO()
    call_command("demo", customers=300, seed=7, batch=120, stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "Demo logins (password: demo1234)" in text
    assert "gz_sales1" in text and "hq_analyst" in text and "cs_gm" in text
    with scopes_disabled():
        assert Dealer.objects.count() == 3
        assert len({d.brand for d in Dealer.objects.all()}) == 3
        assert {role for role in Staff.objects.values_list("role", flat=True)} == set(Role.values)
        for dealer in Dealer.objects.all():
            roles = Counter(Staff.objects.filter(dealer=dealer).values_list("role", flat=True))
            assert roles[Role.SALES_CONSULTANT] == 6 and roles[Role.SERVICE_ADVISOR] == 4
            assert roles[Role.MANAGER] == 2 and roles[Role.GENERAL_MANAGER] == 1
        hq = Staff.objects.get(username="hq_analyst")
        assert hq.dealer_id is None and hq.check_password("demo1234")
        assert Customer.objects.count() == 300
        assert DemoTruth.objects.count() == 300
        assert Vehicle.objects.count() > 200
        clusters = Counter(DemoTruth.objects.values_list("person_key", flat=True))
        assert any(count >= 2 for count in clusters.values())
        # each dealer's review queue is filled, as by the nightly detection
        runs = MatchRun.objects.filter(status="done")
        assert sorted(runs.values_list("dealer_id", flat=True)) == sorted(
            Dealer.objects.values_list("id", flat=True)
        )
        assert DuplicateCandidate.objects.count() == sum(r.candidates_found for r in runs) > 0
        # sequences were reset: the ORM can add rows after the explicit primary keys
        dealer = Dealer.objects.first()
        created = Customer.objects.create(dealer=dealer, name="新客户")
        assert created.pk > 300


@pytest.mark.django_db
def test_loaded_readings_and_interactions_are_on_the_timelines() -> None:
    """The loader writes them with COPY; their activities are written in the database, equal to
    what the services (and the backfill migration, which mirrors them) write."""
    import importlib

    from django.apps import apps

    from autocrm.core.models import Activity
    from autocrm.customers.models import Interaction, MileageReading

    backfill = importlib.import_module("autocrm.customers.migrations.0010_timeline_activities")
    call_command(
        "demo", customers=120, seed=3, skip_detection=True, stdout=StringIO(), stderr=StringIO()
    )

    def facts() -> set[tuple]:
        return {
            (
                a.dealer_id,
                a.customer_id,
                a.kind,
                a.actor_id,
                a.at,
                a.target_id,
                str(sorted(a.data.items())),
            )
            for a in Activity.objects.filter(kind__in=["mileage", "interaction"])
        }

    with scopes_disabled():
        loaded = facts()
        assert len(loaded) == MileageReading.objects.count() + Interaction.objects.count() > 0
        assert Activity.objects.filter(kind="verification_call").exists()  # the demo's calls
        Activity.objects.filter(kind__in=["mileage", "interaction"]).delete()
        backfill.backfill_activities(apps, None)
        assert facts() == loaded


@pytest.mark.django_db
def test_if_empty_and_replace() -> None:
    call_command("demo", customers=50, seed=1, stdout=StringIO(), stderr=StringIO())
    out = StringIO()
    call_command("demo", customers=80, seed=1, if_empty=True, stdout=out, stderr=StringIO())
    assert "Demo data already present" in out.getvalue()
    assert "gz_sales1" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("demo", customers=80, seed=1, stdout=StringIO(), stderr=StringIO())
    call_command(
        "demo",
        customers=80,
        seed=1,
        replace=True,
        keep_constraints=True,
        stdout=StringIO(),
        stderr=StringIO(),
    )
    with scopes_disabled():
        assert Customer.objects.count() == 80
        assert Dealer.objects.count() == 3


@pytest.mark.django_db
def test_stored_scores_are_those_of_the_quality_rules() -> None:
    call_command("demo", customers=300, seed=7, stdout=StringIO(), stderr=StringIO())
    fields = (
        "accuracy_score",
        "completeness_score",
        "accuracy_level",
        "completeness_level",
        "quality_issues",
    )
    with scopes_disabled(), mock.patch("django.utils.timezone.now", return_value=ANCHOR):
        sample = list(Customer.objects.select_related("dealer", "trade_relationship")[::3])
        assert len(sample) == 100
        for customer in sample:
            stored = [getattr(customer, f) for f in fields]
            quality_refresh(customer_ids=[customer.pk], instances=[customer])
            assert [getattr(customer, f) for f in fields] == stored, customer.pk


# --- generation in memory ----------------------------------------------------------------------


def test_columns_match_the_models() -> None:
    for table in TABLES:
        assert set(COLUMNS[table]) == model_columns(MODELS[table]), table


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    first, again, other = generate(1500, 7), generate(1500, 7), generate(1500, 8)
    assert first == again
    assert first["customer"] != other["customer"]
    assert len(first["customer"]) == 1500


def test_clean_records_are_valid(big: dict[str, list[tuple]]) -> None:
    dirt = tags(big)
    checked = Counter()
    for row in big["customer"]:
        if dirt[row[0]]:
            continue
        assert normalize_mobile(row[C["mobile_raw"]]) == row[C["mobile"]]
        assert row[C["mobile_last4"]] == row[C["mobile"]][-4:]
        assert not parse_address(row[C["address"]]).missing_parts(), row[C["address"]]
        if row[C["id_number"]]:
            resident = validate_id_number(row[C["id_number"]], today=ANCHOR.date())
            assert (
                check_id_matches(resident, birth_date=row[C["birth_date"]], gender=row[C["gender"]])
                == []
            )
            checked["id"] += 1
        if row[C["uscc"]]:
            assert validate_uscc(row[C["uscc"]]) == row[C["uscc"]]
            checked["uscc"] += 1
        checked["clean"] += 1
    assert checked["clean"] > 2000 and checked["id"] > 1000 and checked["uscc"] > 100
    prefixes = {i + 1: spec.city.plate_prefix for i, spec in enumerate(DEALERS)}
    for vehicle in big["vehicle"]:
        assert validate_vin(vehicle[3]) == vehicle[3]
        assert validate_plate_number(vehicle[4]) == vehicle[4]
        assert vehicle[4].startswith(prefixes[vehicle[1]])
    readings = defaultdict(list)
    for reading in big["reading"]:
        readings[reading[2]].append(reading)
    for vehicle in big["vehicle"]:
        history = sorted(readings[vehicle[0]], key=lambda r: (r[4], r[3]))
        assert 1 <= len(history) <= 4
        km = [r[3] for r in history]
        assert km == sorted(km) and vehicle[11] == km[-1] and vehicle[12] == history[-1][4]


def test_dirt_rates(big: dict[str, list[tuple]]) -> None:
    dirt = tags(big)
    n = len(dirt)
    rate = Counter(tag for record in dirt.values() for tag in record)

    def share(tag: str) -> float:
        return rate[tag] / n

    assert 0.075 < share("mobile_missing") < 0.125
    assert 0.03 < share("mobile_fake") < 0.07
    assert 0.06 < share("address_missing") < 0.10
    assert 0.06 < share("address_incomplete") < 0.11
    assert 0.03 < share("address_id_card_copy") < 0.07
    assert 0.015 < share("name_placeholder") < 0.045
    assert 0.12 < share("stale") < 0.18
    wrong = {
        "mobile_missing",
        "mobile_fake",
        "mobile_wrong",
        "address_missing",
        "address_incomplete",
        "address_id_card_copy",
    }
    assert 0.26 < sum(1 for record in dirt.values() if record & wrong) / n < 0.36
    kinds = {row[0]: row[C["kind"]] for row in big["customer"]}
    persons = {t[2] for t in big["truth"] if kinds[t[2]] == "person"}
    same_dealer = Counter((t[2], t[1]) for t in big["truth"])
    duplicated = {key for (key, _dealer), count in same_dealer.items() if count > 1}
    assert 0.06 < len(duplicated) / len(persons) < 0.10
    cross = {t[2] for t in big["truth"] if "duplicate_cross_dealer" in t[3]}
    assert 0.004 < len(cross) / len(persons) < 0.02


def test_duplicates_look_like_the_same_person(big: dict[str, list[tuple]]) -> None:
    rows = {row[0]: row for row in big["customer"]}
    vins = defaultdict(set)
    for vehicle in big["vehicle"]:
        vins[vehicle[2]].add(vehicle[3])
    for customer_id, _dealer, key, dirt in big["truth"]:
        if "duplicate" not in dirt.split(","):
            continue
        original, duplicate = rows[key], rows[customer_id]
        assert original[C["dealer_id"]] == duplicate[C["dealer_id"]]
        assert original[C["name"]][0] == duplicate[C["name"]][0]
        if "dup_same_vin" in dirt:
            assert vins[customer_id] <= vins[key]
        if "dup_mobile_typo" not in dirt and "mobile" not in rows[key][C["quality_issues"]]:
            assert duplicate[C["mobile"]] == original[C["mobile"]]


def test_scores_equal_a_full_rescoring(big: dict[str, list[tuple]]) -> None:
    """The cached, canonical scoring gives exactly what score_customer gives on the real facts
    (the facts built from the rows the way quality.refresh builds them)."""
    vehicles, hobbies, kinds, referral = defaultdict(list), Counter(), defaultdict(set), set()
    for v in big["vehicle"]:
        vehicles[v[2]].append(VehicleFacts(v[3], v[8], v[9]))
    for h in big["hobby"]:
        hobbies[h[1]] += 1
    for i in big["interaction"]:
        if i[8] or i[3] != "follow_up":
            kinds[i[2]].add(i[3])
    for c in big["contact"]:
        if c[3] in ("referrer", "potential_referrer"):
            referral.add(c[2])
    world = synthetic_world(settings.QUALITY)
    provinces = {ctx.id: ctx.spec.city.province for ctx in world.dealers}
    potential = {ctx.entries["trade_relationship"]["potential"] for ctx in world.dealers}
    referrers = {row[C["referred_by_id"]] for row in big["customer"]}
    for row in big["customer"][:2500]:
        cid = row[0]
        facts = CustomerFacts(
            kind=row[C["kind"]],
            name=row[C["name"]],
            mobile=row[C["mobile"]],
            mobile_flagged_wrong=row[C["mobile_flagged_wrong"]],
            address=row[C["address"]],
            province=row[C["province"]],
            dealer_province=provinces[row[C["dealer_id"]]],
            id_region_province=id_region_province(row[C["id_number"]]),
            is_prospect=row[C["trade_relationship_id"]] in potential,
            vehicles=tuple(vehicles[cid]),
            hobby_count=hobbies[cid],
            activity_level=row[C["activity_level"]],
            has_follow_up_result="follow_up" in kinds[cid],
            has_event_participation="event" in kinds[cid],
            has_referral=(
                row[C["referred_by_id"]] is not None
                or cid in referral
                or "referral" in kinds[cid]
                or cid in referrers
            ),
            last_verified_at=row[C["last_verified_at"]],
            updated_at=row[C["updated_at"]],
        )
        result = score_customer(facts, config=settings.QUALITY, now=ANCHOR)
        assert row[C["accuracy_score"]] == result.accuracy_score, cid
        assert row[C["completeness_score"]] == result.completeness_score, cid
        assert row[C["accuracy_level"]] == result.accuracy_level
        assert row[C["completeness_level"]] == result.completeness_level
        import json

        assert json.loads(row[C["quality_issues"]]) == [i.as_dict() for i in result.issues]


def test_most_records_are_poorly_complete(big: dict[str, list[tuple]]) -> None:
    levels = Counter(row[C["completeness_level"]] for row in big["customer"])
    assert levels["poor"] > 0.6 * len(big["customer"])
    assert levels["good"] > 0


def test_region_tables_are_valid() -> None:
    for region in GUANGDONG_OTHER + HUNAN_OTHER + OTHER_PROVINCES:
        first17 = f"{region.code}19900101001"
        from autocrm.rules.id_numbers import id_check_digit

        validate_id_number(first17 + id_check_digit(first17), today=ANCHOR.date())
        city = "" if region.city == region.province else region.city
        parsed = parse_address(f"{region.province}{city}{region.district}人民路8号")
        assert not parsed.missing_parts() and parsed.province == region.province, region


def test_vins_and_plates_belong_to_one_person(big: dict[str, list[tuple]]) -> None:
    person = {t[0]: t[2] for t in big["truth"]}
    owners: dict[str, set[int]] = defaultdict(set)
    for vehicle in big["vehicle"]:
        owners[vehicle[3]].add(person[vehicle[2]])
        owners[vehicle[4]].add(person[vehicle[2]])
    assert all(len(keys) == 1 for keys in owners.values())
