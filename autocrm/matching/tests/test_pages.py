"""Review pages and their access rules: who may see and merge which pairs (the five actors of
autocrm.testing.access)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from autocrm.customers.models import Customer, Vehicle
from autocrm.matching import detection, services
from autocrm.matching.models import CandidateStatus, DuplicateCandidate, Merge
from autocrm.matching.tests.legacy import same_id_twin
from autocrm.tenancy.models import Dealer, Staff
from autocrm.tenancy.roles import Role
from autocrm.testing.access import ACTORS, MISSING_ID, assert_allowed, assert_denied, client_as

pytestmark = pytest.mark.django_db


def _client(staff: Staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def pair_a(cr_a: Staff, make_customer: Any, dealer_a: Dealer) -> DuplicateCandidate:
    make_customer(
        cr_a,
        name="任芳敏",
        mobile="13912345678",
        address="广东省广州市天河区天河路88号",
        id_type="resident_id",
        id_number="11010519491231002X",
    )
    make_customer(cr_a, name="任方敏", mobile="13912345679", address="广州市天河区天河路88号")
    with scope(dealer=dealer_a.pk):
        detection.duplicates_detect(dealer=dealer_a)
        return DuplicateCandidate.objects.get()


@pytest.fixture
def pair_b(make_staff: Any, make_customer: Any, dealer_b: Dealer) -> DuplicateCandidate:
    cr_b = make_staff(dealer_b, Role.CUSTOMER_RELATIONS)
    make_customer(cr_b, name="赵晓明", mobile="13812345678", address="广州市天河区天河路1号")
    make_customer(cr_b, name="赵明晓", mobile="13812345678", address="广州市天河区天河路1号")
    with scope(dealer=dealer_b.pk):
        detection.duplicates_detect(dealer=dealer_b)
        return DuplicateCandidate.objects.get()


def test_queue_and_pair_page_for_a_data_steward(
    cr_a: Staff, manager_a: Staff, pair_a: DuplicateCandidate, pair_b: DuplicateCandidate
) -> None:
    response = _client(cr_a).get(reverse("matching:queue"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "任方敏" in html and "赵晓明" not in html  # never another dealer's records
    page = _client(manager_a).get(reverse("matching:pair", args=[pair_a.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    # a manager sees mobiles but not ID numbers (tenancy.policies role table)
    assert "139 1234 5678" in text
    assert "11010519491231002X" not in text and "110105********002X" in text
    assert 'name="f_name"' in text and 'name="f_mobile"' in text


@pytest.mark.parametrize(
    "role", [Role.SALES_CONSULTANT, Role.SERVICE_ADVISOR, Role.GENERAL_MANAGER]
)
def test_roles_without_the_right_get_403(
    role: str, make_staff: Any, dealer_a: Dealer, pair_a: DuplicateCandidate, cr_a: Staff
) -> None:
    staff = make_staff(dealer_a, role)
    client = client_as("colleague", staff)  # of the same dealer: 403
    with scope(dealer=dealer_a.pk):
        merge = services.candidate_merge(
            actor=cr_a, candidate=pair_a, survivor_id=pair_a.customer_low_id, chosen={}
        )
    for name, args in (
        ("matching:queue", []),
        ("matching:pair", [pair_a.pk]),
        ("matching:history", []),
        ("matching:bulk", []),
        ("matching:hq", []),
    ):
        assert_denied(client.get(reverse(name, args=args)))
    for name, args in (
        ("matching:merge", [pair_a.pk]),
        ("matching:dismiss", [pair_a.pk]),
        ("matching:run", []),
        ("matching:undo", [merge.pk]),
        ("matching:bulk", []),
    ):
        assert_denied(client.post(reverse(name, args=args), {"survivor": "low"}))
    with scopes_disabled():
        assert Merge.objects.get().undone_at is None


@pytest.mark.parametrize("role", [Role.MANAGER, Role.CUSTOMER_RELATIONS])
def test_another_dealers_pair_and_merge_are_not_found(
    role: str, cr_a: Staff, make_staff: Any, pair_a: DuplicateCandidate,
    pair_b: DuplicateCandidate, dealer_b: Dealer,
) -> None:  # fmt: skip
    with scopes_disabled():
        merge = services.candidate_merge(
            actor=cr_a, candidate=pair_a, survivor_id=pair_a.customer_low_id, chosen={}
        )
    client = client_as("other_dealer", make_staff(dealer_b, role))  # a steward at dealer B

    def missing(method: str, name: str) -> Any:
        return getattr(client, method)(reverse(name, args=[MISSING_ID]))

    pair_page = client.get(reverse("matching:pair", args=[pair_a.pk]))
    assert_denied(pair_page, like=missing("get", "matching:pair"))  # 404, as for a missing id
    for name, pk in (
        ("matching:merge", pair_a.pk),
        ("matching:dismiss", pair_a.pk),
        ("matching:undo", merge.pk),
    ):
        assert_denied(client.post(reverse(name, args=[pk])), like=missing("post", name))
    with scopes_disabled():
        assert Merge.objects.get().undone_at is None
        assert DuplicateCandidate.objects.get(pk=pair_b.pk).status == CandidateStatus.OPEN


@pytest.mark.parametrize("who", ACTORS)
def test_who_may_open_the_review_pages(
    steward_actors: Any, who: str, pair_a: DuplicateCandidate
) -> None:
    """The dealer's data stewards; another dealer's steward sees their own (empty) queue and
    404 for the pair; HQ is sent from the queue to its own page and refused the rest."""
    client = steward_actors.client(who)
    pair = client.get(reverse("matching:pair", args=[pair_a.pk]))
    queue = client.get(reverse("matching:queue"))
    lists = [client.get(reverse(name)) for name in ("matching:history", "matching:bulk")]

    if who in ("owner", "colleague", "manager", "other_dealer"):
        for response in (queue, *lists):
            assert_allowed(response)
        assert ("任方敏" in queue.content.decode()) is (who != "other_dealer")
    elif who == "hq":
        assert queue.status_code == 302 and queue["Location"] == reverse("matching:hq")
        for response in lists:
            assert_denied(response)
    else:
        for response in (queue, *lists):
            assert_denied(response)
    if who in ("owner", "colleague", "manager"):
        assert_allowed(pair)
    else:
        assert_denied(pair)


@pytest.mark.parametrize("who", ["other_dealer", "hq", "anonymous"])
def test_refused_merge_dismiss_and_undo_change_nothing(
    steward_actors: Any, who: str, cr_a: Staff, pair_a: DuplicateCandidate, scoped: Any
) -> None:
    client = steward_actors.client(who)

    for name in ("matching:merge", "matching:dismiss"):
        assert_denied(client.post(reverse(name, args=[pair_a.pk]), {"survivor": "low"}))
    with scoped():
        assert DuplicateCandidate.objects.get(pk=pair_a.pk).status == CandidateStatus.OPEN
        assert not Merge.objects.exists()
        merge = services.candidate_merge(
            actor=cr_a, candidate=pair_a, survivor_id=pair_a.customer_low_id, chosen={}
        )
    assert_denied(client.post(reverse("matching:undo", args=[merge.pk])))
    with scoped():
        assert Merge.objects.get().undone_at is None


def test_merge_through_the_page_and_undo(
    cr_a: Staff, pair_a: DuplicateCandidate, dealer_a: Dealer
) -> None:
    client = _client(cr_a)
    response = client.post(
        reverse("matching:merge", args=[pair_a.pk]),
        {"survivor": "high", "f_name": "low", "f_mobile": "high"},
    )
    low, high = pair_a.customer_low_id, pair_a.customer_high_id
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:detail", args=[high])
    with scope(dealer=dealer_a.pk):
        survivor = Customer.objects.get(pk=high)
        assert survivor.name == "任芳敏" and survivor.mobile == "+8613912345679"
        assert Customer.objects.get(pk=low).merged_into_id == high
        assert DuplicateCandidate.objects.get().status == CandidateStatus.MERGED
    banner = client.get(reverse("customers:detail", args=[low])).content.decode()
    assert 'data-testid="merged-banner"' in banner
    assert reverse("customers:detail", args=[high]) in banner
    history = client.get(reverse("matching:history")).content.decode()
    assert "任芳敏" in history
    with scopes_disabled():
        merge = Merge.objects.get()
    assert client.post(reverse("matching:undo", args=[merge.pk])).status_code == 302
    with scope(dealer=dealer_a.pk):
        assert Customer.objects.get(pk=low).merged_into_id is None
        assert Customer.objects.get(pk=high).name == "任方敏"


def test_run_now_and_bulk_confirmation(cr_a: Staff, make_customer: Any, dealer_a: Dealer) -> None:
    make_customer(cr_a, name="王强", id_type="resident_id", id_number="11010519491231002X")
    same_id_twin(make_customer, cr_a, name="王蔷", id_number="11010519491231002X")
    client = _client(cr_a)
    assert client.post(reverse("matching:run")).status_code == 302
    queue = client.get(reverse("matching:queue")).content.decode()
    assert 'data-testid="last-run"' in queue and "王蔷" in queue
    page = client.get(reverse("matching:bulk")).content.decode()
    assert 'data-testid="bulk-count"' in page and 'value="1"' in page
    # a stale confirmation (the count changed) merges nothing
    client.post(reverse("matching:bulk"), {"expected": "5"})
    with scopes_disabled():
        assert not Merge.objects.exists()
    client.post(reverse("matching:bulk"), {"expected": "1"})
    with scopes_disabled():
        assert Merge.objects.filter(bulk=True).count() == 1


def test_hq_sees_only_de_identified_cross_dealer_pairs(
    cr_a: Staff, make_staff: Any, make_customer: Any, dealer_b: Dealer, hq_analyst: Staff
) -> None:
    cr_b = make_staff(dealer_b, Role.CUSTOMER_RELATIONS)
    make_customer(cr_a, name="赵晓明", mobile="13912345678", address="广州市天河区天河路1号")
    make_customer(cr_b, name="赵晓明", mobile="13912345678", address="广州市天河区天河路1号")
    client = _client(hq_analyst)
    assert client.get(reverse("matching:queue")).status_code == 302  # → the HQ page
    assert client.post(reverse("matching:hq")).status_code == 302
    html = client.get(reverse("matching:hq")).content.decode()
    assert "赵**" in html and "139****5678" in html
    assert "赵晓明" not in html and "13912345678" not in html and "1234 5678" not in html
    # HQ cannot open or merge a dealer's pairs
    assert_denied(client_as("hq", hq_analyst).get(reverse("matching:history")))  # 403
    assert_denied(client_as("owner", cr_a).get(reverse("matching:hq")))  # 403


def test_bulk_lists_each_group_with_its_survivor_and_never_merges_on_a_placeholder(
    cr_a: Staff, make_customer: Any, dealer_a: Dealer
) -> None:
    vin = "LSVAU218XN2183294"
    real = make_customer(cr_a, name="陈建华", mobile="13912345678")
    title = make_customer(cr_a, name="陈先生")
    boss = make_customer(cr_a, name="老板")
    nickname = make_customer(cr_a, name="老陈")
    buyer = make_customer(cr_a, name="林晓东")  # the same car sold on: another owner
    with scopes_disabled():
        for customer in (real, title, boss, nickname, buyer):
            Vehicle.objects.create(dealer=dealer_a, customer=customer, vin=vin)
    client = _client(cr_a)
    page = client.get(reverse("matching:bulk")).content.decode()
    assert 'data-testid="bulk-survivor"' in page and "陈建华" in page
    assert 'data-testid="bulk-left-out"' in page
    for name in ("陈先生", "老板", "老陈", "林晓东"):
        assert name in page  # listed, as left to review
    client.post(reverse("matching:bulk"), {"expected": "0"})
    with scopes_disabled():
        assert not Merge.objects.exists()


def test_the_queue_tells_a_homophone_from_the_same_name(
    cr_a: Staff, make_customer: Any, dealer_a: Dealer
) -> None:
    make_customer(cr_a, name="任芳敏", mobile="15820417369", address="广州市天河区天河路385号")
    make_customer(cr_a, name="任方敏", mobile="15820417369", address="广州市天河区天河路385号")
    make_customer(cr_a, name="赵晓明", mobile="13912345678", address="广州市天河区天河路1号")
    make_customer(cr_a, name="赵晓明", mobile="13912345678", address="广州市天河区天河路1号")
    client = _client(cr_a)
    client.post(reverse("matching:run"))
    queue = client.get(reverse("matching:queue")).content.decode()
    assert 'data-testid="badge-name" data-level="homophone"' in queue
    assert 'data-testid="badge-name" data-level="exact"' in queue
    assert "同音字" in queue  # the homophone's label, translated


def test_the_pair_page_defaults_each_field_to_the_best_value(
    cr_a: Staff, make_customer: Any, dealer_a: Dealer
) -> None:
    make_customer(cr_a, name="任女士", mobile="15820417369", address="广州市天河区天河路385号")
    make_customer(
        cr_a, name="任芳敏", mobile="15820417369", address="广东省广州市天河区天河路385号5栋1201室"
    )
    client = _client(cr_a)
    client.post(reverse("matching:run"))
    with scopes_disabled():
        candidate = DuplicateCandidate.objects.get()
    page = client.get(reverse("matching:pair", args=[candidate.pk])).content.decode()
    # the older record is kept, but the real name and the full address are the high record's
    assert 'value="high" checked data-testid="f-name-high"' in page
    assert 'value="high" checked data-testid="f-address-high"' in page
