"""Reading the search box and listing customers (rules/search_terms.py, selectors.py)."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from autocrm.customers import selectors
from autocrm.customers.models import Customer
from autocrm.customers.selectors import customer_page, customer_queryset
from autocrm.rules.search_terms import SearchTerm, classify_search

VIN = "LSVAM4187C2184847"

# --- classify_search (no database) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kind", "value"),
    [
        ("5678", "mobile_last4", "5678"),
        (" 5678 ", "mobile_last4", "5678"),
        ("13812345678", "mobile", "+8613812345678"),
        ("+86 138 1234 5678", "mobile", "+8613812345678"),
        ("0086-138-1234-5678", "mobile", "+8613812345678"),
        ("138 1234 5678", "mobile", "+8613812345678"),
        ("１３８１２３４５６７８", "mobile", "+8613812345678"),  # full-width digits
        ("LSVAM4187C2184847", "vin", VIN),
        ("lsvam4187c2184847", "vin", VIN),
        ("粤B12345", "plate", "粤B12345"),
        ("粤b 12345", "plate", "粤B12345"),
        ("粤B", "plate", "粤B"),
        ("zw", "pinyin", "zw"),
        ("ZhangWei", "pinyin", "zhangwei"),
        ("zhang wei", "pinyin", "zhangwei"),
        ("张", "name", "张"),
        ("张伟", "name", "张伟"),
        ("184847", "digits", "184847"),  # part of a mobile or the end of a VIN
        ("12345", "mobile_fragment", "12345"),
        ("1381234567", "mobile_fragment", "1381234567"),
        ("C2184847", "vin_fragment", "C2184847"),
        ("c2184847", "vin_fragment", "C2184847"),
        ("B12345", "plate_or_vin", "B12345"),  # a plate without its province, or a VIN tail
        ("123", "name", "123"),
    ],
)
def test_classify_search(typed, kind, value):
    assert classify_search(typed) == SearchTerm(kind, value)


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_classify_empty_search(typed):
    assert classify_search(typed) is None


# --- customer_queryset ------------------------------------------------------------------------


@pytest.fixture
def people(make_customer, consultant_a, consultant_a2, consultant_b, dict_entry, scoped):
    """Dealer A: 张伟 (full record, a vehicle), 李娜 (same last 4), 张小明 (consultant_a2's,
    long-term customer), 王芳 (name only). Dealer B: 张伟 with the same mobile."""
    from autocrm.customers.services import vehicle_add

    long_term = dict_entry(consultant_a.dealer, "trade_relationship", "long_term")
    zhang_wei = make_customer(
        consultant_a, name="张伟", mobile="13812345678", address="广东省深圳市南山区科苑路15号"
    )
    li_na = make_customer(consultant_a, name="李娜", mobile="13987655678")
    xiao_ming = make_customer(
        consultant_a2, name="张小明", mobile="13700001111", trade_relationship=long_term
    )
    wang_fang = make_customer(consultant_a, name="王芳")
    with scoped(consultant_a):
        vehicle_add(
            actor=consultant_a,
            customer=zhang_wei,
            data={"vin": VIN, "plate_number": "粤B12345"},
        )
    other_dealer = make_customer(consultant_b, name="张伟", mobile="13812345678")
    return {
        "张伟": zhang_wei,
        "李娜": li_na,
        "张小明": xiao_ming,
        "王芳": wang_fang,
        "B": other_dealer,
        "long_term": long_term,
    }


def names(people, dealer, scoped, **kwargs) -> set[str]:
    with scoped(dealer):
        qs, _term = customer_queryset(viewer=dealer, **kwargs)
        return {c.name for c in qs}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("张", {"张伟", "张小明"}),  # name fragment
        ("伟", {"张伟"}),
        ("小明", {"张小明"}),
        ("zw", {"张伟"}),  # initials
        ("zxm", {"张小明"}),
        ("ZX", {"张小明"}),
        ("zhang", {"张伟", "张小明"}),  # full pinyin prefix
        ("zhangwei", {"张伟"}),
        ("lina", {"李娜"}),
        ("5678", {"张伟", "李娜"}),  # last 4 of the mobile
        ("1111", {"张小明"}),
        ("13812345678", {"张伟"}),  # full mobile, however typed
        ("+86 138 1234 5678", {"张伟"}),
        ("12345", {"张伟"}),  # part of a mobile
        ("粤B123", {"张伟"}),  # plate fragment
        ("粤B12345", {"张伟"}),
        (VIN, {"张伟"}),  # VIN
        (VIN.lower(), {"张伟"}),
        ("C2184847", {"张伟"}),  # end of the VIN
        ("0000", set()),
        ("赵", set()),
        ("", {"张伟", "李娜", "张小明", "王芳"}),
    ],
)
def test_search(people, consultant_a, scoped, q, expected):
    assert names(people, consultant_a, scoped, q=q) == expected


@pytest.mark.django_db
def test_search_returns_the_term(people, consultant_a, scoped):
    with scoped(consultant_a):
        _qs, term = customer_queryset(viewer=consultant_a, q="5678")

    assert term == SearchTerm("mobile_last4", "5678")


@pytest.mark.django_db
def test_search_by_the_last_six_digits_of_the_vin(people, consultant_a, scoped):
    assert names(people, consultant_a, scoped, q="184847") == {"张伟"}


@pytest.mark.django_db
def test_search_by_plate_without_province(people, consultant_a, scoped):
    assert names(people, consultant_a, scoped, q="B12345") == {"张伟"}


@pytest.mark.django_db
def test_search_never_crosses_the_dealer(people, consultant_a, consultant_b, scoped):
    assert names(people, consultant_b, scoped, q="5678") == {"张伟"}
    with scoped(consultant_b):
        qs, _term = customer_queryset(viewer=consultant_b, q="13812345678")
        assert list(qs.values_list("pk", flat=True)) == [people["B"].pk]
        assert not customer_queryset(viewer=consultant_b, q=VIN)[0].exists()
        assert not customer_queryset(viewer=consultant_b, q="粤B12345")[0].exists()


@pytest.mark.django_db
def test_filters(people, consultant_a, consultant_a2, scoped):
    def find(**kwargs):
        return names(people, consultant_a, scoped, **kwargs)

    assert find(trade_relationship=people["long_term"].pk) == {"张小明"}
    assert find(responsible_staff=consultant_a2.pk) == {"张小明"}
    assert find(responsible_staff=consultant_a.pk) == {"张伟", "李娜", "王芳"}
    assert find(accuracy_level="good") == {"张伟"}  # 100: name, mobile, address, vehicle
    assert find(accuracy_level="fair") == {"李娜", "张小明"}  # 55: name and mobile
    assert find(accuracy_level="poor") == {"王芳"}  # 25: the name alone
    assert find(q="张", accuracy_level="fair") == {"张小明"}
    assert find(q="张", responsible_staff=consultant_a.pk) == {"张伟"}
    assert find(completeness_level="poor") == {"张伟", "李娜", "张小明", "王芳"}
    assert find(accuracy_status="verified") == set()
    assert find(accuracy_status="unverified") == {"张伟", "李娜", "张小明", "王芳"}


@pytest.mark.django_db
def test_inactive_customers_are_left_out_unless_asked(people, consultant_a, scoped):
    from autocrm.customers.services import customer_update

    with scoped(consultant_a):
        customer_update(actor=consultant_a, customer=people["王芳"], data={"is_active": False})

    assert names(people, consultant_a, scoped) == {"张伟", "李娜", "张小明"}
    assert "王芳" in names(people, consultant_a, scoped, include_inactive=True)


@pytest.mark.django_db
def test_page_rows_carry_their_plates(people, consultant_a, scoped):
    with scoped(consultant_a):
        qs, term = customer_queryset(viewer=consultant_a, q="zhang")
        page = customer_page(qs, term=term)

    assert [(c.name, c.plates) for c in page.rows] == [("张小明", []), ("张伟", ["粤B12345"])]
    assert page.term == SearchTerm("pinyin", "zhang")
    assert (page.count, page.count_capped) == (2, False)
    assert (page.next_cursor, page.prev_cursor) == (None, None)


# --- keyset pagination ------------------------------------------------------------------------


@pytest.fixture
def sixty(dealer_a, dealer_b):
    """60 customers of dealer A (and 5 of dealer B that must never show)."""
    with scopes_disabled():
        Customer.objects.bulk_create(
            [Customer(dealer=dealer_a, name=f"顾客甲{i:02d}") for i in range(60)]
            + [Customer(dealer=dealer_b, name=f"顾客乙{i:02d}") for i in range(5)]
        )
        return list(
            Customer.objects.filter(dealer=dealer_a).order_by("-id").values_list("pk", flat=True)
        )


def ids(page) -> list[int]:
    return [c.pk for c in page.rows]


@pytest.mark.django_db
def test_three_pages_forward_without_duplicates_or_omissions(sixty, dealer_a, scoped):
    with scoped(dealer_a):
        qs, _term = customer_queryset(viewer=None)
        first = customer_page(qs, page_size=25)
        second = customer_page(qs, after=first.next_cursor, page_size=25)
        third = customer_page(qs, after=second.next_cursor, page_size=25)

    assert (len(first.rows), len(second.rows), len(third.rows)) == (25, 25, 10)
    assert ids(first) + ids(second) + ids(third) == sixty  # newest first, each once
    assert (first.prev_cursor, first.next_cursor) == (None, sixty[24])
    assert (second.prev_cursor, second.next_cursor) == (sixty[25], sixty[49])
    assert (third.prev_cursor, third.next_cursor) == (sixty[50], None)
    assert {p.count for p in (first, second, third)} == {60}
    assert not any(p.count_capped for p in (first, second, third))


@pytest.mark.django_db
def test_prev_cursor_returns_the_previous_page(sixty, dealer_a, scoped):
    with scoped(dealer_a):
        qs, _term = customer_queryset(viewer=None)
        first = customer_page(qs)
        second = customer_page(qs, after=first.next_cursor)
        third = customer_page(qs, after=second.next_cursor)
        back_to_second = customer_page(qs, before=third.prev_cursor)
        back_to_first = customer_page(qs, before=back_to_second.prev_cursor)

    assert ids(back_to_second) == ids(second)
    assert (back_to_second.prev_cursor, back_to_second.next_cursor) == (
        second.prev_cursor,
        second.next_cursor,
    )
    assert ids(back_to_first) == ids(first)
    assert (back_to_first.prev_cursor, back_to_first.next_cursor) == (None, first.next_cursor)


@pytest.mark.django_db
def test_default_page_size_is_25(sixty, dealer_a, scoped):
    with scoped(dealer_a):
        page = customer_page(customer_queryset(viewer=None)[0])

    assert selectors.PAGE_SIZE == 25
    assert ids(page) == sixty[:25]


@pytest.mark.django_db
def test_page_of_exactly_page_size_has_no_next(sixty, dealer_a, scoped):
    with scoped(dealer_a):
        page = customer_page(customer_queryset(viewer=None)[0], page_size=60)

    assert len(page.rows) == 60
    assert page.next_cursor is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cap", "count", "capped"), [(50, 50, True), (59, 59, True), (60, 60, False)]
)
def test_count_is_capped(sixty, dealer_a, scoped, monkeypatch, cap, count, capped):
    monkeypatch.setattr(selectors, "COUNT_CAP", cap)

    with scoped(dealer_a):
        page = customer_page(customer_queryset(viewer=None)[0])

    assert (page.count, page.count_capped) == (count, capped)
    assert len(page.rows) == 25
