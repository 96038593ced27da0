"""Duplicate detection on a generated dealer, scored against the generator's truth (the demo
sits above matching, so the test that needs both lives here)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from autocrm.customers.models import Customer
from autocrm.demo.models import DemoTruth
from autocrm.matching import detection
from autocrm.matching.models import DuplicateCandidate
from autocrm.tenancy.models import Dealer

pytestmark = pytest.mark.django_db(transaction=False)


def _true_pairs(dealer_id: int) -> set[tuple[int, int]]:
    by_person: dict[int, list[int]] = {}
    for cid, key in DemoTruth.objects.filter(dealer_id=dealer_id).values_list(
        "customer_id", "person_key"
    ):
        by_person.setdefault(key, []).append(cid)
    out = set()
    for ids in by_person.values():
        ids.sort()
        out |= {(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]}
    return out


def test_detection_on_a_generated_dealer_finds_its_duplicates() -> None:
    call_command(
        "demo", customers=1500, seed=11, skip_detection=True, stdout=StringIO(), stderr=StringIO()
    )
    with scopes_disabled():
        dealer = Dealer.objects.order_by("id").first()
        assert dealer is not None
        run = detection.duplicates_detect(dealer=dealer)
        found = set(
            DuplicateCandidate.objects.filter(dealer=dealer).values_list(
                "customer_low_id", "customer_high_id"
            )
        )
        other_dealers = DuplicateCandidate.objects.exclude(dealer=dealer).count()
        foreign = Customer.objects.exclude(dealer=dealer).values_list("id", flat=True)
    truth = _true_pairs(dealer.pk)
    assert run.status == "done" and run.records > 400 and run.pairs_compared >= len(found)
    assert len(truth) > 20
    hits = len(found & truth)
    precision, recall = hits / len(found), hits / len(truth)
    assert precision >= 0.9, (precision, recall)
    assert recall >= 0.85, (precision, recall)
    # another dealer's records never appear as candidates of this dealer
    assert other_dealers == 0
    assert not {i for pair in found for i in pair} & set(foreign)
