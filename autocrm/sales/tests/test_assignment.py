"""Lead assignment over a simulated month: fair over time, within capacity, and a consultant
back from leave is not flooded with the leads they missed."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django_scopes import scope

from autocrm.sales.assignment import round_robin
from autocrm.sales.models import Absence, Lead, SalesSettings
from autocrm.sales.tests.conftest import SHANGHAI

pytestmark = pytest.mark.django_db

MONTH = date(2026, 11, 1)
LEADS_PER_DAY = 18


def test_a_month_of_leads_is_shared_fairly(
    make_staff: Any, dealer_a: Any, make_customer: Any, consultant_a: Any
) -> None:
    team = [consultant_a, *(make_staff(dealer_a, "sales_consultant") for _ in range(3))]
    away = team[3]
    customer = make_customer(consultant_a, name="试算", mobile="13500000000")
    per_day: dict[date, Counter[int]] = {}
    with scope(dealer=dealer_a.pk):
        SalesSettings.objects.create(dealer=dealer_a, daily_lead_capacity=8)
        Absence.objects.create(
            dealer=dealer_a,
            consultant=away,
            starts_on=MONTH + timedelta(days=9),
            ends_on=MONTH + timedelta(days=14),
            reason="leave",
        )
        for offset in range(30):
            day = MONTH + timedelta(days=offset)
            counts: Counter[int] = Counter()
            for i in range(LEADS_PER_DAY):
                at = datetime.combine(day, time(9, 0), tzinfo=SHANGHAI) + timedelta(minutes=20 * i)
                staff = round_robin(dealer_a.pk, at)
                if staff is not None:
                    counts[staff.pk] += 1
                Lead.objects.create(
                    dealer=dealer_a,
                    source="phone",
                    name="试算",
                    mobile="+8613500000000",
                    customer=customer,
                    match="known",
                    consultant=staff,
                    received_at=at,
                    assigned_at=at if staff is not None else None,
                )
            per_day[day] = counts
    leave = {MONTH + timedelta(days=d) for d in range(9, 15)}
    for day, counts in per_day.items():
        on_duty = [s for s in team if not (s is away and day in leave)]
        shares = [counts[s.pk] for s in on_duty]
        assert sum(shares) == min(LEADS_PER_DAY, 8 * len(on_duty))
        assert max(shares) - min(shares) <= 1, (day, shares)  # level every day
        assert all(c <= 8 for c in shares)  # capacity
        if day in leave:
            assert counts[away.pk] == 0
    # back from leave on the 16th: an equal share that day, not the 36 leads they missed
    back = MONTH + timedelta(days=15)
    assert per_day[back][away.pk] <= LEADS_PER_DAY // len(team) + 1
    # over the month each consultant's total follows the days they were on duty
    totals = Counter({s.pk: sum(c[s.pk] for c in per_day.values()) for s in team})
    present = [totals[s.pk] for s in team if s is not away]
    assert max(present) - min(present) <= 30  # at most one lead a day apart
    assert totals[away.pk] < min(present)
