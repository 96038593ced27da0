"""The business calendar page (/settings/calendar/): who may see and change it, and that a
change moves the clocks."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from autocrm.core.calendar import business_hours_for
from autocrm.core.calendar_models import BusinessCalendar, CalendarDay
from autocrm.rules.business_time import SHANGHAI, add_business_time
from autocrm.testing.access import assert_allowed, assert_denied, assert_login_required, client_as

pytestmark = pytest.mark.django_db

URL = "/settings/calendar/"
FIFTEEN = timedelta(minutes=15)


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def hours_post(days: dict[int, tuple[str, str, str, str]] | None = None, **extra: str) -> dict:
    """The weekly form's POST: every day 08:30–12:00 and 13:30–18:00 unless `days` says
    otherwise (weekday → morning opens, closes, afternoon opens, closes)."""
    data = {"action": "hours", "closes_on_public_holidays": "on"}
    for weekday in range(7):
        values = (days or {}).get(weekday, ("08:30", "12:00", "13:30", "18:00"))
        for name, value in zip(("am_start", "am_end", "pm_start", "pm_end"), values, strict=True):
            data[f"d{weekday}_{name}"] = value
    data.update(extra)
    return data


def stored(dealer: Any) -> tuple[list, list]:
    with scopes_disabled():
        calendars = list(BusinessCalendar.objects.filter(dealer=dealer).values_list("weekly_hours"))
        days = list(CalendarDay.objects.filter(dealer=dealer).values_list("day", "is_open"))
    return calendars, days


def test_the_url_and_its_name() -> None:
    assert reverse("core:business_calendar") == URL


def test_a_manager_changes_the_hours_and_adds_a_closed_day(dealer_a: Any, manager_a: Any) -> None:
    client = client_as("manager", manager_a)
    response = client.get(URL)
    assert_allowed(response)
    body = response.content.decode()
    assert 'data-testid="hours-form"' in body and 'data-testid="day-form"' in body
    year = timezone.localdate().year  # this year's and next year's statutory holidays
    assert f'data-testid="holidays-{year}"' in body and f'data-testid="holidays-{year + 1}"' in body
    before = business_hours_for(dealer_a.pk, years=[2026])
    assert add_business_time(before, sh(2026, 6, 1, 11, 55), FIFTEEN) == sh(2026, 6, 1, 13, 40)

    # no lunch break on Mondays any more
    response = client.post(URL, hours_post({0: ("08:30", "18:00", "", "")}))
    assert response.status_code == 302 and response["Location"] == URL
    after = business_hours_for(dealer_a.pk, years=[2026])
    assert add_business_time(after, sh(2026, 6, 1, 11, 55), FIFTEEN) == sh(2026, 6, 1, 12, 10)

    # closed on Tuesday 2 June (店庆): Monday evening's lead is due on Wednesday
    assert add_business_time(after, sh(2026, 6, 1, 17, 55), FIFTEEN) == sh(2026, 6, 2, 8, 40)
    response = client.post(
        URL, {"action": "day", "day": "2026-06-02", "is_open": "0", "name": "店庆"}
    )
    assert response.status_code == 302
    closed = business_hours_for(dealer_a.pk, years=[2026])
    assert add_business_time(closed, sh(2026, 6, 1, 17, 55), FIFTEEN) == sh(2026, 6, 3, 8, 40)

    # the page lists the dealer's days of this year on; a removed one follows the week again
    soon = timezone.localdate() + timedelta(days=7)
    client.post(URL, {"action": "day", "day": soon.isoformat(), "is_open": "0", "name": "盘点"})
    body = client.get(URL).content.decode()
    assert f'data-day="{soon.isoformat()}"' in body and "盘点" in body
    response = client.post(URL, {"action": "remove", "day": soon.isoformat()})
    assert response.status_code == 302
    assert stored(dealer_a)[1] == [(date(2026, 6, 2), False)]
    assert f'data-day="{soon.isoformat()}"' not in client.get(URL).content.decode()


def test_a_general_manager_opens_on_a_holiday_with_own_hours(dealer_a: Any, gm_a: Any) -> None:
    client = client_as("manager", gm_a)
    holiday_sales = {"action": "day", "day": "2026-10-03", "is_open": "1", "name": "国庆车展",
                     "am_start": "09:00", "am_end": "12:00"}  # fmt: skip
    response = client.post(URL, holiday_sales)
    assert response.status_code == 302
    hours = business_hours_for(dealer_a.pk, years=[2026])
    assert add_business_time(hours, sh(2026, 9, 30, 17, 55), FIFTEEN) == sh(2026, 10, 3, 9, 10)
    # and stays open on every public holiday
    response = client.post(URL, hours_post(closes_on_public_holidays=""))
    assert response.status_code == 302
    hours = business_hours_for(dealer_a.pk, years=[2026])
    assert add_business_time(hours, sh(2026, 9, 30, 17, 55), FIFTEEN) == sh(2026, 10, 1, 8, 40)
    assert 'data-testid="open-on-holidays"' in client.get(URL).content.decode()


@pytest.mark.parametrize("who", ["consultant_a", "cr_a", "advisor_a"])
def test_the_dealers_other_staff_see_it_read_only(who: str, request: Any, dealer_a: Any) -> None:
    client = client_as("colleague", request.getfixturevalue(who))
    response = client.get(URL)
    assert_allowed(response)
    body = response.content.decode()
    assert 'data-testid="read-only"' in body
    assert 'data-testid="day-form"' not in body and 'data-testid="save-hours"' not in body
    assert "08:30" in body  # the hours, as text
    for data in (
        hours_post(),
        {"action": "day", "day": "2026-06-02", "is_open": "0"},
        {"action": "remove", "day": "2026-06-02"},
        {"action": "anything"},
    ):
        assert_denied(client.post(URL, data))  # 403
    assert stored(dealer_a) == ([], [])


def test_hq_has_no_calendar(hq_analyst: Any, dealer_a: Any) -> None:
    client = client_as("hq", hq_analyst)
    assert_denied(client.get(URL))
    assert_denied(client.post(URL, hours_post()))
    assert stored(dealer_a) == ([], [])


def test_nobody_signed_in_is_sent_to_the_login(db: None) -> None:
    client = client_as("anonymous", AnonymousUser())
    assert_login_required(client.get(URL))
    assert_login_required(client.post(URL, hours_post()))


def test_another_dealers_manager_changes_only_their_own_calendar(
    dealer_a: Any, dealer_b: Any, manager_a: Any, manager_b: Any
) -> None:
    client = client_as("other_dealer", manager_b)
    assert client.post(URL, hours_post({0: ("", "", "", "")})).status_code == 302
    day = {"action": "day", "day": "2026-06-02", "is_open": "0"}
    assert client.post(URL, day).status_code == 302
    assert stored(dealer_a) == ([], [])
    calendars, days = stored(dealer_b)
    assert calendars[0][0][0] == [] and days == [(date(2026, 6, 2), False)]
    # dealer A's page shows dealer A's default hours, not dealer B's
    body = client_as("manager", manager_a).get(URL).content.decode()
    assert 'value="08:30" name="d0_am_start"' in body or 'name="d0_am_start" value="08:30"' in body


@pytest.mark.parametrize(
    ("monday", "field"),
    [
        (("25:00", "12:00", "13:30", "18:00"), "d0_am_start"),
        (("08:30", "12:00", "13:30", "abc"), "d0_pm_end"),
        (("12:00", "08:30", "13:30", "18:00"), "d0_am_end"),  # closes before it opens
        (("08:30", "14:00", "13:30", "18:00"), "d0_pm_start"),  # overlaps the morning
        (("08:30", "", "13:30", "18:00"), "d0_am_end"),  # half an opening
    ],
)
def test_bad_hours_are_shown_at_their_field(
    dealer_a: Any, manager_a: Any, monday: tuple[str, str, str, str], field: str
) -> None:
    response = client_as("manager", manager_a).post(URL, hours_post({0: monday}))
    assert response.status_code == 400
    assert list(response.context["hours_form"].errors) == [field]
    assert f'data-field-error="{field}"' in response.content.decode()
    assert stored(dealer_a) == ([], [])


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"day": "2026-13-01", "is_open": "0"}, "day"),
        ({"day": "1999-12-31", "is_open": "0"}, "day"),
        ({"day": "2026-06-02", "is_open": "1", "am_start": "25:00", "am_end": "12:00"}, "am_start"),
        ({"day": "2026-06-02", "is_open": "1", "am_start": "12:00", "am_end": "09:00"}, "am_end"),
        ({"day": "2026-06-02", "is_open": "1", "am_start": "09:00", "am_end": "14:00",
          "pm_start": "13:00", "pm_end": "18:00"}, "pm_start"),
        ({"day": "2026-06-02", "is_open": "2"}, "is_open"),
        ({"day": "2026-06-02", "is_open": "0", "name": "长" * 51}, "name"),
    ],
)  # fmt: skip
def test_a_bad_day_is_shown_at_its_field(
    dealer_a: Any, manager_a: Any, data: dict[str, str], field: str
) -> None:
    response = client_as("manager", manager_a).post(URL, {"action": "day", **data})
    assert response.status_code == 400
    assert list(response.context["day_form"].errors) == [field]
    assert stored(dealer_a) == ([], [])


def test_removing_a_day_that_is_not_there_says_so(dealer_a: Any, manager_a: Any) -> None:
    client = client_as("manager", manager_a)
    response = client.post(URL, {"action": "remove", "day": "2026-06-02"}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    response = client.post(URL, {"action": "remove", "day": "not a day"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


@pytest.mark.parametrize(
    ("who", "shown"),
    [("manager_a", True), ("gm_a", True), ("consultant_a", False), ("cr_a", False),
     ("hq_analyst", False)],
)  # fmt: skip
def test_the_menu_entry_is_for_those_who_set_the_calendar(
    who: str, shown: bool, request: Any
) -> None:
    client = client_as("owner", request.getfixturevalue(who))
    keys = [item["key"] for item in client.get(reverse("home")).context["nav_items"]]
    assert ("business_calendar" in keys) is shown
