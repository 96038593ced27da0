"""The writer's shortcuts give what the general rules give."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest
from django_scopes import scope

from autocrm.imports import matching, services, writing
from autocrm.imports.planned import CUSTOMER_FIELDS, VEHICLE_FIELDS, Planned
from autocrm.imports.tests.files import xlsx


@pytest.mark.parametrize("spec", [CUSTOMER_FIELDS, VEHICLE_FIELDS], ids=["customer", "vehicle"])
def test_first_row_of_a_new_record_is_taken_as_the_general_rule_takes_it(spec) -> None:
    rng = random.Random(7)
    pool = [None, "", "x", "y", 0, 5, -1, 1200, Decimal("1.5"), date(2020, 1, 1)]
    names = [n for main, deps in spec.items() for n in (main, *deps)]
    for _ in range(3000):
        incoming = {n: rng.choice(pool) for n in names if rng.random() < 0.7}
        if "mileage_km" in incoming:
            incoming["mileage_km"] = rng.choice([None, "", 0, 5, 1200])
        fast, general = Planned(None, {}, {}), Planned(None, {}, {})
        touched = fast.apply(incoming, spec)
        general.existing_id = 0  # not None: the general path, with nothing stored
        general_touched = general.apply(incoming, spec)
        assert (touched, fast.values, fast.locked, fast.changed) == (
            general_touched,
            general.values,
            general.locked,
            general.changed,
        ), incoming


@pytest.mark.django_db
@pytest.mark.parametrize("whole_dealer", [False, True], ids=["key_lookups", "whole_dealer"])
def test_statistics_of_every_grown_table_are_refreshed(
    cr_a, dealer_a, monkeypatch, whole_dealer
) -> None:
    """Whether or not the matching still looks keys up: the writes' own foreign-key checks
    are planned from the statistics too (issue #13: they were left stale when the dealer's
    few records were loaded at once, and a young database's import went quadratic)."""
    refreshed: list[str] = []
    monkeypatch.setattr(
        writing, "refresh_statistics", lambda model, *f: refreshed.append(model.__name__)
    )
    monkeypatch.setattr(writing, "ANALYZE_FIRST", 4)
    monkeypatch.setattr(services, "WRITE_BATCH", 5)
    if whole_dealer:  # every record of the dealer is loaded at once: no lookups follow
        monkeypatch.setattr(matching, "WHOLE_DEALER_MIN_KEYS", 0)
    rows = [["客户姓名", "手机号码"]] + [[f"客户{i}", f"139{i:08d}"] for i in range(30)]
    with scope(dealer=dealer_a.pk):
        batch, _ = services.import_file(actor=cr_a, content=xlsx(rows), filename="x.xlsx")
    assert batch.count_new == 30
    grown = [model.__name__ for model, _columns in writing.grown_tables()]
    assert {"Customer", "Vehicle", "MileageReading", "VehicleOwnership", "ImportRow"} <= set(grown)
    # after the first chunk (5 created, at least 4), then at 20 (at least 16), in chunks of 5
    assert refreshed == grown * 2
