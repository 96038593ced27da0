"""Detection on a real database with hand-made families (issue #12, part 7): which pairs are
candidates and which are not.

Families share a mobile and an address: spouses, a parent and child, fleet drivers entered
under the manager's mobile. Namesakes share a name. None of them is a duplicate. A true
duplicate with a mistyped mobile and the address written another way is one; so is a second
record found only through a second number, a placeholder name or the landline.
"""

from __future__ import annotations

from typing import Any

import pytest
from django_scopes import scope, scopes_disabled

from autocrm.customers.models import ContactPoint, Customer
from autocrm.matching import detection
from autocrm.matching.models import DuplicateCandidate
from autocrm.rules.id_numbers import id_check_digit
from autocrm.rules.identity import PersonFacts, Verdict, same_person
from autocrm.tenancy.models import Dealer, Staff

pytestmark = pytest.mark.django_db(transaction=False)

HOME = "广东省广州市海珠区新港中路397号28栋1504室"


def resident_id(first17: str) -> str:
    return first17 + id_check_digit(first17)


@pytest.fixture
def people(cr_a: Staff, make_customer: Any, dealer_a: Dealer) -> dict[str, Customer]:
    def add(key: str, name: str, mobile: str = "", **data: Any) -> tuple[str, Customer]:
        return key, make_customer(cr_a, name=name, mobile=mobile, **data)

    out = dict(
        [
            # spouses: one mobile, one home, another surname
            add("husband", "张伟", "13925556666", address=HOME),
            add("wife", "李娜", "13925556666", address=HOME),
            # parent and child: one mobile, one home, the same surname
            add("father", "王建国", "13631234567", address="广州市越秀区中山五路33号"),
            add("son", "王子豪", "13631234567", address="广东省广州市越秀区中山五路33号"),
            # a fleet: the manager's mobile on every driver
            add("manager", "周建华", "13302461357", address="广州市白云区机场路88号"),
            add("driver1", "刘强", "13302461357", address="广州市白云区机场路88号"),
            add("driver2", "陈明", "13302461357", address="广州市白云区机场路88号"),
            add("driver3", "赵磊", "13302461357", address="广州市白云区机场路88号"),
            # namesakes: one name, one district, two valid ID numbers
            add(
                "namesake1",
                "黄志强",
                "13800001111",
                address="广州市天河区天河路100号",
                id_type="resident_id",
                id_number=resident_id("44010619800101123"),
            ),
            add(
                "namesake2",
                "黄志强",
                "13800002222",
                address="广州市天河区天河北路200号",
                id_type="resident_id",
                id_number=resident_id("44010619920505345"),
            ),
            # a true duplicate: a homophone, one digit of the mobile, the address rewritten
            add(
                "original",
                "任芳敏",
                "15820417369",
                address="广东省广州市天河区天河路385号5栋1201室",
            ),
            add("copy", "任方敏", "15820417368", address="广州天河区天河路385号院5-1201"),
            # a placeholder name on the same mobile: the salesperson wrote 吴先生
            add("full", "吴建军", "13512345678", address="广州市荔湾区龙津西路12号"),
            add("title", "吴先生", "13512345678"),
            # found through a second number only: a contact point of the other record
            add("first", "郭静怡", "18612345678", address="广州市番禺区市桥街大北路18号"),
            add("second", "郭靜怡", "18798765432", address="广州市番禺区市桥街大北路18号"),
            # the landline alone, no mobile
            add("desk1", "梁国栋", landline="020-38881234", address="广州市天河区体育东路8号"),
            add("desk2", "梁国栋", landline="02038881234"),
        ]
    )
    with scopes_disabled():
        ContactPoint.objects.create(
            dealer=dealer_a, customer=out["second"], kind="mobile", number="+8618612345678",
            source="entry",
        )  # fmt: skip
    return out


def _pairs(dealer: Dealer) -> dict[frozenset[int], DuplicateCandidate]:
    with scope(dealer=dealer.pk):
        detection.duplicates_detect(dealer=dealer)
        return {
            frozenset((c.customer_low_id, c.customer_high_id)): c
            for c in DuplicateCandidate.objects.all()
        }


def _pair(people: dict[str, Customer], a: str, b: str) -> frozenset[int]:
    return frozenset((people[a].pk, people[b].pk))


def test_true_duplicates_are_candidates(people: dict[str, Customer], dealer_a: Dealer) -> None:
    found = _pairs(dealer_a)
    for a, b in (("original", "copy"), ("full", "title"), ("first", "second"),
                 ("desk1", "desk2")):  # fmt: skip
        assert _pair(people, a, b) in found, (a, b)
    copy = found[_pair(people, "original", "copy")]
    assert copy.fields["name"] == "homophone"
    assert copy.fields["mobile"] == "typo"
    assert copy.fields["address"] in ("exact", "same_house")
    assert found[_pair(people, "first", "second")].fields["mobile"] == "shared"
    assert found[_pair(people, "first", "second")].fields["name"] == "script"
    assert found[_pair(people, "desk1", "desk2")].fields["landline"] == "exact"


def test_families_fleets_and_namesakes_are_not(
    people: dict[str, Customer], dealer_a: Dealer
) -> None:
    found = _pairs(dealer_a)
    apart = [("husband", "wife"), ("father", "son"), ("namesake1", "namesake2")]
    fleet = ["manager", "driver1", "driver2", "driver3"]
    apart += [(a, b) for i, a in enumerate(fleet) for b in fleet[i + 1 :]]
    for a, b in apart:
        assert _pair(people, a, b) not in found, (a, b)
    assert len(found) == 4


def test_detection_agrees_with_the_identity_rules(
    people: dict[str, Customer], dealer_a: Dealer
) -> None:
    """No candidate is a pair `same_person` calls two people."""
    found = _pairs(dealer_a)
    by_id = {c.pk: c for c in people.values()}
    for pair in found:
        a, b = (by_id[pk] for pk in sorted(pair))
        facts = [
            PersonFacts(name=c.name, id_number=c.id_number, mobiles=frozenset([c.mobile]) - {""})
            for c in (a, b)
        ]
        assert same_person(*facts).verdict is not Verdict.DIFFERENT


def test_probabilities_order_the_queue(people: dict[str, Customer], dealer_a: Dealer) -> None:
    found = _pairs(dealer_a)
    assert all(0.5 <= c.probability <= 1 for c in found.values())
    # a placeholder on one mobile, nothing else, is less sure than a copy agreeing on all
    weaker = found[_pair(people, "full", "title")]
    stronger = found[_pair(people, "original", "copy")]
    assert weaker.match_weight < stronger.match_weight
    assert weaker.probability < stronger.probability
