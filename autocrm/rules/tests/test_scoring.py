"""Unit tests of the quality rules in autocrm.rules.scoring (pure functions, no database).

Seed 000: *accuracy* is the minimum that must be correct — name, mobile phone, address down
to the house number, vehicle purchase and spending records; *completeness* is hobbies /
interests, activity level, follow-up results, event participation and referrals.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from autocrm.rules.scoring import (
    DOUBTFUL,
    MISSING,
    CustomerFacts,
    QualityIssue,
    VehicleFacts,
    check_address,
    check_mobile,
    check_name,
    check_stale,
    check_vehicles,
    completeness_checks,
    quality_level,
    score_customer,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)

#: The shipped configuration (settings.QUALITY), spelled out so the rules are tested alone.
CONFIG = {
    "ACCURACY_WEIGHTS": {"name": 25, "mobile": 30, "address": 25, "vehicles": 20},
    "COMPLETENESS_WEIGHTS": {
        "interests": 20,
        "activity_level": 20,
        "follow_up_results": 20,
        "event_participation": 20,
        "referrals": 20,
    },
    "LEVEL_GOOD": 80,
    "LEVEL_FAIR": 50,
    "STALE_AFTER_DAYS": 365,
}

PERFECT = CustomerFacts(
    kind="person",
    name="张伟",
    mobile="+8613812345678",
    mobile_flagged_wrong=False,
    address="广东省深圳市南山区科苑路15号",
    province="广东省",
    dealer_province="广东省",
    id_region_province="广东省",
    is_prospect=False,
    vehicles=(
        VehicleFacts(vin="LSVAM4187C2184847", purchase_date=date(2023, 5, 1), bought_here=True),
    ),
    hobby_count=2,
    activity_level="high",
    has_follow_up_result=True,
    has_event_participation=True,
    has_referral=True,
    last_verified_at=NOW - timedelta(days=30),
    updated_at=NOW - timedelta(days=10),
)


def facts(**changes: object) -> CustomerFacts:
    return dataclasses.replace(PERFECT, **changes)


def codes(result: object) -> list[str]:
    return [issue.code for issue in result.issues]  # type: ignore[attr-defined]


def test_settings_ship_the_documented_weights_and_bounds():
    """settings.QUALITY: accuracy 25/30/25/20, completeness 5 × 20, good ≥ 80, fair ≥ 50."""
    from django.conf import settings

    quality = getattr(settings, "QUALITY", None)
    if quality is None:
        pytest.skip("run without the project's settings")
    assert {k: v for k, v in quality.items() if k != "CHANNEL_BOUNDS"} == CONFIG


# --- the whole record -------------------------------------------------------------------------


def test_perfect_record_scores_100_100_good_without_issues():
    """Every accuracy item correct and every completeness item present (seed 000)."""
    result = score_customer(PERFECT, config=CONFIG, now=NOW)

    assert (result.accuracy_score, result.completeness_score) == (100, 100)
    assert (result.accuracy_level, result.completeness_level) == ("good", "good")
    assert result.issues == ()


@pytest.mark.parametrize(
    ("changes", "accuracy", "level", "issue"),
    [
        ({"mobile": ""}, 70, "fair", QualityIssue("mobile", MISSING, "mobile_missing")),
        ({"name": ""}, 75, "fair", QualityIssue("name", MISSING, "name_missing")),
        ({"address": ""}, 75, "fair", QualityIssue("address", MISSING, "address_missing")),
        ({"vehicles": ()}, 80, "good", QualityIssue("vehicles", MISSING, "vehicle_missing")),
    ],
)
def test_each_missing_accuracy_item_costs_its_weight(changes, accuracy, level, issue):
    """Accuracy (seed 000): name 25, mobile 30, address 25, vehicle records 20 of 100."""
    result = score_customer(facts(**changes), config=CONFIG, now=NOW)

    assert result.accuracy_score == accuracy
    assert result.accuracy_level == level
    assert result.completeness_score == 100
    assert result.issues == (issue,)


def test_mobile_and_address_missing_is_poor():
    """Name (25) and vehicles (20) alone: 45 of 100, below the fair bound of 50."""
    result = score_customer(facts(mobile="", address=""), config=CONFIG, now=NOW)

    assert result.accuracy_score == 45
    assert result.accuracy_level == "poor"
    assert codes(result) == ["mobile_missing", "address_missing"]


def test_prospect_without_vehicle_is_scored_over_80_weight():
    """A prospect has no vehicle yet: the vehicle check is not applicable, so accuracy is
    name + mobile + address out of 25 + 30 + 25 = 80."""
    prospect = facts(is_prospect=True, vehicles=())

    perfect = score_customer(prospect, config=CONFIG, now=NOW)
    no_address = score_customer(dataclasses.replace(prospect, address=""), config=CONFIG, now=NOW)

    assert perfect.accuracy_score == 100
    assert "vehicle_missing" not in codes(perfect)
    assert no_address.accuracy_score == 69  # 55 / 80 = 68.75
    assert codes(no_address) == ["address_missing"]


def test_prospect_with_a_vehicle_is_checked_like_anyone():
    prospect = facts(
        is_prospect=True,
        vehicles=(VehicleFacts(vin="LSVAM4187C2184847", purchase_date=None, bought_here=True),),
    )

    result = score_customer(prospect, config=CONFIG, now=NOW)

    assert result.accuracy_score == 80
    assert codes(result) == ["purchase_date_missing"]


def test_current_customer_without_vehicle_loses_the_vehicle_weight():
    result = score_customer(facts(is_prospect=False, vehicles=()), config=CONFIG, now=NOW)

    assert result.accuracy_score == 80
    assert codes(result) == ["vehicle_missing"]


@pytest.mark.parametrize(
    ("missing", "completeness", "level"),
    [
        ({"hobby_count": 0}, 80, "good"),
        ({"hobby_count": 0, "activity_level": ""}, 60, "fair"),
        ({"has_follow_up_result": False, "has_event_participation": False}, 60, "fair"),
        (
            {"hobby_count": 0, "activity_level": "", "has_referral": False},
            40,
            "poor",
        ),
        (
            {
                "hobby_count": 0,
                "activity_level": "",
                "has_follow_up_result": False,
                "has_event_participation": False,
                "has_referral": False,
            },
            0,
            "poor",
        ),
    ],
)
def test_completeness_counts_each_item_present(missing, completeness, level):
    """Completeness (seed 000): interests, activity level, follow-up results, event
    participation, referrals — 20 points each."""
    result = score_customer(facts(**missing), config=CONFIG, now=NOW)

    assert result.completeness_score == completeness
    assert result.completeness_level == level
    assert result.accuracy_score == 100


def test_missing_completeness_items_are_listed_as_issues_in_order():
    result = score_customer(
        facts(hobby_count=0, has_event_participation=False, has_referral=False),
        config=CONFIG,
        now=NOW,
    )

    assert [i.as_dict() for i in result.issues] == [
        {"field": "interests", "kind": "missing", "code": "interests_missing"},
        {"field": "event_participation", "kind": "missing", "code": "event_participation_missing"},
        {"field": "referrals", "kind": "missing", "code": "referrals_missing"},
    ]


def test_completeness_checks_names_the_five_items():
    """hobbies/interests, activity level, follow-up results, event participation, referrals."""
    assert completeness_checks(PERFECT) == {
        "interests": True,
        "activity_level": True,
        "follow_up_results": True,
        "event_participation": True,
        "referrals": True,
    }
    assert completeness_checks(facts(hobby_count=0, activity_level=""))["interests"] is False
    assert completeness_checks(facts(activity_level=""))["activity_level"] is False


# --- name ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["王先生", "李女士", "张总", "测试", "test123", "王", "   "])
def test_placeholder_or_empty_person_name_is_not_accurate(name):
    """Accuracy: the name must be correct (seed 000) — not "王先生", "test" or a surname."""
    issue = check_name(facts(name=name))

    expected = "name_missing" if not name.strip() else "name_placeholder"
    assert issue is not None
    assert issue.code == expected
    assert issue.kind == (MISSING if expected == "name_missing" else DOUBTFUL)


def test_placeholder_name_costs_the_name_weight():
    result = score_customer(facts(name="王先生"), config=CONFIG, now=NOW)

    assert result.accuracy_score == 75
    assert result.issues == (QualityIssue("name", DOUBTFUL, "name_placeholder"),)


@pytest.mark.parametrize(
    ("kind", "name", "code"),
    [
        ("person", "张伟", None),
        ("person", "欧阳娜娜", None),
        ("organization", "深圳市腾达科技有限公司", None),
        ("organization", "腾达", "name_placeholder"),  # fewer than 4 characters
    ],
)
def test_real_names_pass(kind, name, code):
    issue = check_name(facts(kind=kind, name=name))

    assert (issue.code if issue else None) == code


# --- mobile -------------------------------------------------------------------------------------


def test_missing_mobile():
    """Accuracy: the mobile phone must be correct (seed 000); missing is not accurate."""
    assert check_mobile(facts(mobile="")) == QualityIssue("mobile", MISSING, "mobile_missing")


@pytest.mark.parametrize("mobile", ["+8613800138000", "+8613333333333", "+8618688888888"])
def test_suspicious_mobile_is_doubtful(mobile):
    """A well-known fake number typed to get past a required field is not accurate."""
    assert check_mobile(facts(mobile=mobile)) == QualityIssue(
        "mobile", DOUBTFUL, "mobile_suspicious"
    )


def test_suspicious_mobile_costs_the_mobile_weight():
    result = score_customer(facts(mobile="+8613800138000"), config=CONFIG, now=NOW)

    assert result.accuracy_score == 70
    assert codes(result) == ["mobile_suspicious"]


def test_mobile_found_wrong_by_a_verification_call_is_doubtful():
    """A number a verification call (回访核实) found wrong is not accurate (seed 000)."""
    issue = check_mobile(facts(mobile_flagged_wrong=True))

    assert issue == QualityIssue("mobile", DOUBTFUL, "mobile_wrong")


def test_flagged_wrong_wins_over_suspicious():
    issue = check_mobile(facts(mobile="+8613800138000", mobile_flagged_wrong=True))

    assert issue is not None and issue.code == "mobile_wrong"


def test_ordinary_mobile_passes():
    assert check_mobile(PERFECT) is None


# --- address ------------------------------------------------------------------------------------


def test_missing_address():
    """Accuracy: the address must be correct down to the house number (seed 000)."""
    assert check_address(facts(address="  ")) == QualityIssue("address", MISSING, "address_missing")


@pytest.mark.parametrize("address", ["广东省深圳市南山区", "广东省深圳市南山区科苑路"])
def test_address_without_house_number_is_incomplete(address):
    """…down to the house number: a district or a street alone is incomplete."""
    assert check_address(facts(address=address)) == QualityIssue(
        "address", MISSING, "address_incomplete"
    )


def test_address_in_the_id_card_province_elsewhere_is_an_id_card_copy():
    """Staff copy the ID card's address (seed 000): in another province than the dealer and
    equal to the ID card's province of registration."""
    hunan = facts(
        address="湖南省长沙市岳麓区麓山南路2号",
        province="湖南省",
        dealer_province="广东省",
        id_region_province="湖南省",
    )

    assert check_address(hunan) == QualityIssue("address", DOUBTFUL, "address_id_card_copy")
    result = score_customer(hunan, config=CONFIG, now=NOW)
    assert result.accuracy_score == 75
    assert codes(result) == ["address_id_card_copy"]


@pytest.mark.parametrize("id_province", ["", "江西省"])
def test_address_in_another_province_is_out_of_area(id_province):
    other = facts(
        address="湖南省长沙市岳麓区麓山南路2号",
        province="湖南省",
        dealer_province="广东省",
        id_region_province=id_province,
    )

    assert check_address(other) == QualityIssue("address", DOUBTFUL, "address_out_of_area")


def test_province_compared_by_its_short_name():
    """广东 and 广东省 are the same province; the parsed province is used when none is stored."""
    assert check_address(facts(province="", dealer_province="广东")) is None
    assert check_address(facts(province="广东", dealer_province="广东省")) is None


def test_municipality_address_is_in_area_for_a_municipality_dealer():
    beijing = facts(
        address="北京市朝阳区建国路88号",
        province="北京市",
        dealer_province="北京市",
        id_region_province="广东省",
    )

    assert check_address(beijing) is None


# --- vehicles -----------------------------------------------------------------------------------


def test_vehicle_bought_here_needs_its_purchase_date():
    """Accuracy: vehicle purchase records must be correct (seed 000)."""
    undated = facts(
        vehicles=(
            VehicleFacts(vin="LSVAM4187C2184847", purchase_date=date(2023, 5, 1), bought_here=True),
            VehicleFacts(vin="LSVAU218XN2183294", purchase_date=None, bought_here=True),
        )
    )

    assert check_vehicles(undated) == QualityIssue("vehicles", MISSING, "purchase_date_missing")


def test_vehicle_bought_elsewhere_needs_no_purchase_date():
    elsewhere = facts(
        vehicles=(VehicleFacts(vin="LSVAM4187C2184847", purchase_date=None, bought_here=False),)
    )

    assert check_vehicles(elsewhere) is None


def test_no_vehicle_is_missing():
    assert check_vehicles(facts(vehicles=())) == QualityIssue(
        "vehicles", MISSING, "vehicle_missing"
    )


# --- staleness ----------------------------------------------------------------------------------


def test_record_neither_verified_nor_updated_for_a_year_is_stale():
    """Data goes stale (seed 000): nothing verified or updated within STALE_AFTER_DAYS."""
    old = facts(last_verified_at=None, updated_at=NOW - timedelta(days=366))

    result = score_customer(old, config=CONFIG, now=NOW)

    assert result.issues == (QualityIssue("record", DOUBTFUL, "record_stale"),)
    assert (result.accuracy_score, result.completeness_score) == (100, 100)


@pytest.mark.parametrize(
    ("verified_days_ago", "updated_days_ago", "stale"),
    [
        (None, 365, False),  # exactly the period: not yet stale
        (None, 366, True),
        (366, 366, True),
        (10, 400, False),  # a recent verification call keeps it fresh
        (400, 10, False),  # so does a recent update
        (None, None, False),  # nothing known: not flagged
    ],
)
def test_check_stale_uses_the_latest_of_verified_and_updated(
    verified_days_ago, updated_days_ago, stale
):
    def ago(days):
        return None if days is None else NOW - timedelta(days=days)

    record = facts(last_verified_at=ago(verified_days_ago), updated_at=ago(updated_days_ago))

    assert check_stale(record, now=NOW, stale_after_days=365) is stale


def test_stale_is_not_checked_without_now():
    old = facts(last_verified_at=None, updated_at=NOW - timedelta(days=1000))

    assert score_customer(old, config=CONFIG).issues == ()


def test_stale_period_comes_from_the_config():
    record = facts(last_verified_at=None, updated_at=NOW - timedelta(days=31))

    result = score_customer(record, config={**CONFIG, "STALE_AFTER_DAYS": 30}, now=NOW)

    assert codes(result) == ["record_stale"]


# --- levels and configuration -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "level"),
    [(100, "good"), (80, "good"), (79, "fair"), (50, "fair"), (49, "poor"), (0, "poor")],
)
def test_level_bounds(score, level):
    """At or above 80 good, at or above 50 fair, below poor (our default)."""
    assert quality_level(score, good=80, fair=50) == level


@pytest.mark.parametrize(
    ("weights", "accuracy", "level"),
    [
        ({"name": 21, "mobile": 79, "address": 0, "vehicles": 0}, 79, "fair"),
        ({"name": 20, "mobile": 80, "address": 0, "vehicles": 0}, 80, "good"),
        ({"name": 50, "mobile": 50, "address": 0, "vehicles": 0}, 50, "fair"),
        ({"name": 51, "mobile": 49, "address": 0, "vehicles": 0}, 49, "poor"),
    ],
)
def test_level_bounds_applied_to_the_score(weights, accuracy, level):
    """A placeholder name fails only the name check; the weights put the score at a bound."""
    config = {**CONFIG, "ACCURACY_WEIGHTS": weights}

    result = score_customer(facts(name="王先生"), config=config, now=NOW)

    assert result.accuracy_score == accuracy
    assert result.accuracy_level == level


def test_custom_accuracy_weights_are_honoured():
    config = {
        **CONFIG,
        "ACCURACY_WEIGHTS": {"name": 10, "mobile": 60, "address": 20, "vehicles": 10},
    }

    assert score_customer(facts(mobile=""), config=config, now=NOW).accuracy_score == 40
    assert score_customer(facts(address=""), config=config, now=NOW).accuracy_score == 80
    # a prospect without a vehicle: 10 + 60 + 20 = 90 applicable, name missing → 80 / 90
    prospect = facts(is_prospect=True, vehicles=(), name="")
    assert score_customer(prospect, config=config, now=NOW).accuracy_score == 89


def test_custom_completeness_weights_are_honoured():
    config = {
        **CONFIG,
        "COMPLETENESS_WEIGHTS": {
            "interests": 10,
            "activity_level": 10,
            "follow_up_results": 40,
            "event_participation": 20,
            "referrals": 20,
        },
    }

    result = score_customer(facts(has_follow_up_result=False), config=config, now=NOW)

    assert result.completeness_score == 60
    assert result.completeness_level == "fair"


def test_custom_level_bounds_are_honoured():
    config = {**CONFIG, "LEVEL_GOOD": 95, "LEVEL_FAIR": 75}

    result = score_customer(facts(name="王先生", hobby_count=0), config=config, now=NOW)

    assert (result.accuracy_score, result.accuracy_level) == (75, "fair")
    assert (result.completeness_score, result.completeness_level) == (80, "fair")
    assert score_customer(facts(mobile=""), config=config, now=NOW).accuracy_level == "poor"
