"""The identity rules (domain.md §2) on hand-made cases: spouses, a parent and child, fleet
drivers, namesakes, a resold car, true duplicates with a typo."""

from __future__ import annotations

from datetime import date

import pytest

from autocrm.rules.identity import (
    NameAgreement,
    PersonFacts,
    Verdict,
    compare_names,
    household_link,
    organization_core,
    same_person,
    vehicle_owner_changed,
)

MOBILE = "+8613812345678"
OTHER = "+8613987654321"
ID_HUSBAND = "440305198501011234"
ID_WIFE = "440305198703154562"


def person(name: str, *, mobiles=(MOBILE,), id_number="", kind="person", **kw) -> PersonFacts:
    return PersonFacts(name=name, kind=kind, id_number=id_number, mobiles=frozenset(mobiles), **kw)


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("张伟", "张伟", NameAgreement.EXACT),
        ("张 伟", "张伟", NameAgreement.EXACT),  # a space padding a two-character name
        ("張偉", "张伟", NameAgreement.SCRIPT),
        ("陳麗華", "陈丽华", NameAgreement.SCRIPT),
        ("张明小", "张小明", NameAgreement.SWAPPED),
        ("任芳敏", "任方敏", NameAgreement.HOMOPHONE),
        ("Zhang Wei", "张伟", NameAgreement.SPELLING),
        ("WEI ZHANG", "张伟", NameAgreement.SPELLING),
        ("林峰", "凌峰", NameAgreement.NEAR_SOUND),
        ("王先生", "王建国", NameAgreement.SURNAME_ONLY),
        ("欧阳女士", "欧阳娜娜", NameAgreement.SURNAME_ONLY),
        ("David Zhang", "张伟", NameAgreement.SURNAME_ONLY),
        ("Li Tingjuan", "李婷娟", NameAgreement.SPELLING),
        ("Li Tingjuan", "李华", NameAgreement.DIFFERENT_GIVEN),  # pinyin of another name
        ("先生", "王建国", NameAgreement.UNKNOWN),
        ("", "王建国", NameAgreement.UNKNOWN),
        ("张伟", "张小明", NameAgreement.DIFFERENT_GIVEN),  # a parent and child
        ("张伟", "李娜", NameAgreement.DIFFERENT),  # spouses
        ("李女士", "王建国", NameAgreement.DIFFERENT),
        ("深圳市顺达物流有限公司", "张伟", NameAgreement.DIFFERENT),
    ],
)
def test_names_compare_as_chinese_names_are(a: str, b: str, level: NameAgreement) -> None:
    assert compare_names(a, b) is level
    assert compare_names(b, a) is level


def test_an_organization_is_known_by_its_name_without_place_and_legal_form() -> None:
    assert organization_core("深圳市腾飞科技有限公司") == "腾飞科技"
    assert compare_names("深圳市腾飞科技有限公司", "腾飞科技有限公司", kind_a="organization",
                         kind_b="organization").compatible  # fmt: skip
    # a row that does not say what it is, against the stored organization
    assert compare_names("深圳市腾飞科技有限公司", "腾飞科技", kind_b="").compatible
    assert not compare_names("深圳市腾飞科技有限公司", "顺达物流有限公司").compatible


def test_same_id_is_the_same_person_whatever_the_name() -> None:
    decision = same_person(person("张伟", id_number=ID_HUSBAND, mobiles=()),
                           person("Zhang W.", id_number=ID_HUSBAND, mobiles=(OTHER,)))  # fmt: skip
    assert decision.verdict is Verdict.SAME and decision.reason == "same_id"


def test_two_valid_id_numbers_are_two_people_even_under_one_name_and_mobile() -> None:
    # namesakes of one family (a father and son both 张伟) on the father's mobile
    decision = same_person(
        person("张伟", id_number=ID_HUSBAND), person("张伟", id_number="440305201001011237")
    )
    assert decision.verdict is Verdict.DIFFERENT and decision.reason == "different_id"


def test_spouses_on_one_mobile_are_a_household_not_a_duplicate() -> None:
    husband, wife = person("张伟"), person("李娜", id_number=ID_WIFE)
    decision = same_person(husband, wife)
    assert decision.verdict is Verdict.DIFFERENT
    assert household_link(husband, wife, decision) == MOBILE


def test_a_parent_and_child_on_one_mobile_are_two_people() -> None:
    decision = same_person(person("张伟"), person("张小明"))
    assert decision.verdict is Verdict.DIFFERENT and decision.reason == "different_name"


def test_a_fleet_driver_under_the_company_mobile_is_not_the_company() -> None:
    company = person("深圳市顺达物流有限公司", kind="organization", uscc="91440300MA5F0XXXX0")
    driver = person("刘强")
    decision = same_person(company, driver)
    assert decision.verdict is Verdict.DIFFERENT
    assert household_link(company, driver, decision) == MOBILE


def test_namesakes_without_a_shared_contact_point_are_for_review_not_merged() -> None:
    decision = same_person(person("王伟", mobiles=(MOBILE,)), person("王伟", mobiles=(OTHER,)))
    assert decision.verdict is Verdict.UNSURE


def test_a_placeholder_on_the_mobile_is_the_same_person_unless_the_title_says_otherwise() -> None:
    assert same_person(person("王先生"), person("王建国")).verdict is Verdict.SAME
    assert same_person(person("王女士"), person("王建国", gender="M")).verdict is Verdict.DIFFERENT


def test_a_true_duplicate_with_a_homophone_or_traditional_name_is_the_same_person() -> None:
    assert same_person(person("任芳敏"), person("任方敏")).verdict is Verdict.SAME
    assert same_person(person("張偉"), person("张伟")).verdict is Verdict.SAME


def test_different_birth_dates_are_different_people() -> None:
    a = person("张伟", birth_date=date(1985, 1, 1))
    b = person("张伟", birth_date=date(1990, 6, 1))
    assert same_person(a, b).verdict is Verdict.DIFFERENT


def test_a_made_up_mobile_shares_nothing() -> None:
    a, b = person("张伟", mobiles=("+8613800138000",)), person("张伟", mobiles=("+8613800138000",))
    assert same_person(a, b).verdict is Verdict.UNSURE


def test_a_resold_car_changes_owner_only_for_a_clearly_different_person() -> None:
    first_owner = person("陈明", id_number=ID_HUSBAND, mobiles=())
    buyer = person("赵磊", mobiles=(OTHER,))
    assert vehicle_owner_changed(first_owner, buyer)
    assert not vehicle_owner_changed(first_owner, person("陈先生", mobiles=()))
    assert not vehicle_owner_changed(first_owner, person("", mobiles=()))
