"""Quality reports: channel usability, departments, snapshots and who sees what."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from autocrm.customers.models import Customer
from autocrm.quality.channels import channel_bounds, usability_level
from autocrm.quality.models import QualitySnapshot
from autocrm.quality.report_selectors import (
    channel_usability,
    departments_from_staff,
)
from autocrm.quality.selectors import quality_by_staff
from autocrm.quality.snapshots import (
    previous_months,
    quality_snapshot_reconstruct,
    quality_snapshot_take,
)
from autocrm.testing.access import assert_allowed, assert_denied, client_as

ADDRESS = "广东省广州市天河区天河路385号"


@pytest.mark.parametrize(
    ("share", "level"), [(0, "poor"), (29.9, "poor"), (30, "fair"), (59.9, "fair"), (60, "good")]
)
def test_usability_bounds_sms(share: float, level: str, settings: Any) -> None:
    # seed 000 as read in domain.md: SMS 30% / 60%
    assert usability_level(share, channel_bounds()["sms"]) == level


def test_seed_bounds_are_the_defaults() -> None:
    assert channel_bounds() == {
        "statistical_analysis": (50, 80),
        "direct_mail": (50, 80),
        "email": (20, 60),
        "sms": (30, 60),
        "telephone": (30, 70),
    }


def test_bounds_are_configurable(settings: Any) -> None:
    settings.QUALITY = {**settings.QUALITY, "CHANNEL_BOUNDS": {"sms": (10, 20)}}
    assert usability_level(15, channel_bounds()["sms"]) == "fair"


@pytest.mark.django_db
def test_channel_usability_counts(cr_a: Any, make_customer: Any, scoped: Any) -> None:
    make_customer(cr_a, name="王芳", mobile="13800138000", address=ADDRESS, email="a@b.cn")
    make_customer(cr_a, name="李明", mobile="13900139000")
    make_customer(cr_a, name="赵强", landline="020-87654321")
    flagged = make_customer(cr_a, name="钱多", mobile="13700137000", address=ADDRESS)
    with scoped(cr_a):
        Customer.objects.filter(pk=flagged.pk).update(
            mobile_flagged_wrong=True, accuracy_status="wrong"
        )
        report = channel_usability(Customer.objects.all())
    by = {c["key"]: c for c in report["channels"]}
    assert report["total"] == 4
    assert by["email"]["count"] == 1 and by["email"]["share"] == 25.0
    assert by["sms"]["count"] == 2  # the flagged mobile is not usable
    assert by["telephone"]["count"] == 3  # plus the landline
    assert by["direct_mail"]["count"] == 1  # the other full address was found wrong
    assert by["sms"]["level"] == "fair" and by["email"]["level"] == "fair"


@pytest.mark.django_db
def test_department_figures(consultant_a: Any, advisor_a: Any, make_customer, scoped) -> None:
    make_customer(consultant_a, name="王芳", mobile="13800138000", responsible_staff=consultant_a)
    make_customer(consultant_a, name="李明", responsible_staff=consultant_a)
    make_customer(advisor_a, name="赵强", mobile="13900139000", responsible_staff=advisor_a)
    with scoped(consultant_a):
        by_staff = quality_by_staff(Customer.objects.all())
        rows = {r["department"]: r for r in departments_from_staff(by_staff)}
        poor = Customer.objects.filter(accuracy_level="poor").count()
        scores = {
            dep: sorted(
                Customer.objects.filter(responsible_staff__department=dep).values_list(
                    "accuracy_score", flat=True
                )
            )
            for dep in ("sales", "service")
        }
    assert sum(r["poor"] for r in rows.values()) == poor
    assert rows["sales"]["n"] == 2 and rows["service"]["n"] == 1
    assert rows["sales"]["accuracy"] == round(sum(scores["sales"]) / 2, 1)
    assert rows["service"]["accuracy"] == scores["service"][0]


@pytest.mark.django_db
def test_snapshots_are_idempotent(consultant_a: Any, make_customer: Any, scoped: Any) -> None:
    make_customer(consultant_a, name="王芳", mobile="13800138000", responsible_staff=consultant_a)
    dealer = consultant_a.dealer
    with scoped(dealer):
        quality_snapshot_take(dealer=dealer)
        first = list(QualitySnapshot.objects.values("month", "staff_id", "records", "accuracy_sum"))
        quality_snapshot_take(dealer=dealer)
        second = list(
            QualitySnapshot.objects.values("month", "staff_id", "records", "accuracy_sum")
        )
        assert first == second and len(first) == 1
        quality_snapshot_reconstruct(dealer=dealer, months=3)
        months = list(
            QualitySnapshot.objects.filter(reconstructed=True).values_list("month", flat=True)
        )
    # the customer was created today: earlier months have no records, so no rows
    assert months == []


def test_previous_months() -> None:
    from datetime import date

    assert previous_months(date(2026, 1, 15), 3) == [
        date(2025, 10, 1),
        date(2025, 11, 1),
        date(2025, 12, 1),
    ]


@pytest.mark.django_db
def test_consultant_sees_only_own_figures(actors: Any, make_customer: Any) -> None:
    owner, colleague = actors.owner, actors.colleague  # consultant_a, consultant_a2
    make_customer(owner, name="王芳", responsible_staff=owner)
    make_customer(colleague, name="李明", responsible_staff=colleague)
    make_customer(colleague, name="赵强", responsible_staff=colleague)
    response = client_as("owner", owner).get(reverse("quality:overview"))
    html = response.content.decode()
    assert 'data-testid="staff-table"' not in html
    assert 'data-testid="department-table"' not in html
    assert colleague.display_name not in html
    assert response.context["total"] == 1  # the colleague's two records are not counted


@pytest.mark.django_db
def test_manager_sees_the_team(actors: Any, make_customer: Any) -> None:
    make_customer(actors.owner, name="王芳", responsible_staff=actors.owner)
    html = client_as("manager", actors.manager).get(reverse("quality:overview")).content.decode()
    assert 'data-testid="staff-table"' in html and actors.owner.display_name in html
    assert 'data-channel="telephone"' in html


@pytest.fixture
def fresh_report_cache() -> Any:
    """The overview caches its figures for 60 s per dealer and viewer: start and end empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "total", "team"),
    [
        ("owner", 1, False),  # their own record
        ("colleague", 2, False),  # their own two
        ("manager", 3, True),  # the dealer's team
        ("other_dealer", 0, False),  # nothing of dealer A
        ("hq", 3, True),  # every dealer, by dealer, no one's name
        ("anonymous", None, None),
    ],
)
def test_who_sees_which_figures(
    actors: Any, make_customer: Any, fresh_report_cache: None, who: str, total: Any, team: Any
) -> None:
    make_customer(actors.owner, name="王芳", responsible_staff=actors.owner)
    make_customer(actors.colleague, name="李明", responsible_staff=actors.colleague)
    make_customer(actors.colleague, name="赵强", responsible_staff=actors.colleague)
    response = client_as(who, actors[who]).get(reverse("quality:overview"))
    if total is None:
        assert_denied(response)  # the login page
        return
    assert_allowed(response)
    html = response.content.decode()
    assert (response.context["total"], response.context["team"]) == (total, team)
    staff_table = 'data-testid="staff-table"' in html
    assert staff_table is (who == "manager")
    if who != "manager":
        for staff in (actors.owner, actors.colleague):
            if staff is not actors[who]:
                assert staff.display_name not in html, staff


@pytest.mark.django_db
def test_summary_matches_the_distribution(consultant_a: Any, make_customer: Any, scoped) -> None:
    from django.db.models import Avg

    from autocrm.quality.selectors import LEVELS, quality_summary

    make_customer(consultant_a, name="王芳", mobile="13800138000", address=ADDRESS)
    make_customer(consultant_a, name="李明", mobile="13912345678")
    make_customer(consultant_a, name="先生")
    with scoped(consultant_a):
        qs = Customer.objects.all()
        summary = quality_summary(qs)
        assert summary["distribution"] == {
            kind: {lv: qs.filter(**{f"{kind}_level": lv}).count() for lv in LEVELS}
            for kind in ("accuracy", "completeness")
        }
        expected = qs.aggregate(a=Avg("accuracy_score"))["a"]
    assert summary["accuracy"] == round(expected, 1)


@pytest.mark.django_db
def test_one_pass_report_equals_the_records_counted_one_by_one(
    consultant_a: Any, advisor_a: Any, make_customer, scoped
) -> None:
    """The report's figures come from one grouped pass (`report_pass`); counted here record
    by record in Python, per employee, for the whole dealer and per channel."""
    from autocrm.quality.channels import CHANNELS
    from autocrm.quality.report_selectors import channels_of
    from autocrm.quality.selectors import LEVELS, distribution_of, report_pass, staff_rows

    make_customer(consultant_a, name="王芳", mobile="13800138000", address=ADDRESS)
    make_customer(consultant_a, name="李明", email="lm@example.com")
    make_customer(consultant_a, name="先生", landline="020-38881234")
    make_customer(advisor_a, name="赵强", mobile="13900139000", responsible_staff=advisor_a)
    make_customer(advisor_a, name="钱进", address=ADDRESS, responsible_staff=advisor_a)
    with scoped(consultant_a):
        qs = Customer.objects.all()
        records = list(qs)
        rows = report_pass(qs, "responsible_staff_id")
        by_staff = {r["staff_id"]: r for r in staff_rows(rows)}
        distribution = distribution_of(rows)
        channels = {c["key"]: c["count"] for c in channels_of(rows)["channels"]}
        usable = {c.key: set(qs.filter(c.usable).values_list("id", flat=True)) for c in CHANNELS}
    for staff in (consultant_a, advisor_a):
        mine = [c for c in records if c.responsible_staff_id == staff.pk]
        row = by_staff[staff.pk]
        assert row["n"] == len(mine)
        assert row["accuracy"] == round(sum(c.accuracy_score for c in mine) / len(mine), 1)
        assert row["poor"] == sum(c.accuracy_level == "poor" for c in mine)
        assert row["good"] == sum(c.accuracy_level == "good" for c in mine)
    for lv in LEVELS:
        assert distribution["accuracy"][lv] == sum(c.accuracy_level == lv for c in records)
        assert distribution["completeness"][lv] == sum(c.completeness_level == lv for c in records)
    assert channels == {key: len(ids) for key, ids in usable.items()}
    assert list(by_staff) == sorted(
        by_staff, key=lambda k: by_staff[k]["accuracy_sum"] / by_staff[k]["n"]
    )
