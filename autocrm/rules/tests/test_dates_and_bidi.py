"""Input hygiene (issue #13, item 9): bidirectional controls dropped like zero-width
characters; dates no record can carry refused."""

from __future__ import annotations

from datetime import date

import pytest

from autocrm.rules.dates import (
    MAX_KM_PER_DAY,
    implausible_distance,
    is_plausible_birth_date,
    is_plausible_event_year,
)
from autocrm.rules.text import clean_text


@pytest.mark.parametrize("control", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066",
                                     "\u2067", "\u2068", "\u2069"])  # fmt: skip
def test_bidirectional_controls_are_dropped(control: str) -> None:
    assert clean_text(f"张{control}伟 13812345678{control}") == "张伟 13812345678"


def test_right_to_left_text_itself_is_kept() -> None:
    assert clean_text("مرحبا") == "مرحبا"


@pytest.mark.parametrize(
    ("value", "plausible"),
    [(date(1, 1, 1), False), (date(1899, 12, 31), False), (date(1900, 1, 1), True),
     (date(1990, 5, 17), True), (date(9999, 12, 31), False)],
)  # fmt: skip
def test_birth_dates(value: date, plausible: bool) -> None:
    assert is_plausible_birth_date(value, today=date(2026, 12, 4)) is plausible


@pytest.mark.parametrize(
    ("year", "plausible"),
    [(1, False), (416, False), (1969, False), (1970, True), (2026, True), (9999, False)],
)
def test_event_years(year: int, plausible: bool) -> None:
    assert is_plausible_event_year(year) is plausible


def test_distance_per_day() -> None:
    assert not implausible_distance(MAX_KM_PER_DAY, 0, 1)
    assert implausible_distance(MAX_KM_PER_DAY + 1, 0, 1)
    assert implausible_distance(522_002, 0, 4)
    assert not implausible_distance(30_000, 10_000, 365)
    assert not implausible_distance(1500, 1000, 0)  # the same day counts as one
