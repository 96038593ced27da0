"""A first-generation 15-digit ID number and its 18-digit successor (GB 11643-1999)."""

from __future__ import annotations

from autocrm.rules.id_numbers import upgraded_id_number, validate_id_number


def test_a_15_digit_number_becomes_the_18_digit_number_of_the_same_card_holder() -> None:
    upgraded = upgraded_id_number("440305 850101 123")
    assert upgraded == "440305198501011231"
    resident = validate_id_number(upgraded)
    assert (str(resident.birth_date), resident.gender) == ("1985-01-01", "M")


def test_anything_but_a_15_digit_number_is_not_upgraded() -> None:
    assert upgraded_id_number("440305198501011231") == ""
    assert upgraded_id_number("44030585010112") == ""
    assert upgraded_id_number("") == ""
