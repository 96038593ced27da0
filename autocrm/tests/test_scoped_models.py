"""Every dealer-owned model fails closed: found by walking the models, not by listing them.

A model is dealer-owned when it has a `dealer` foreign key or a `dealer_id` column. Each must
have django-scopes managers only (`objects = ScopedManager(dealer="dealer")`), so a query
outside a scope raises instead of reading every dealer's rows. A new app's model cannot slip
through: it is found here, and either scoped or added to UNSCOPED with its reason.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django_scopes import ScopeError, scope, scopes_disabled

from autocrm.tenancy.models import Dealer
from autocrm.testing.access import dealer_owned_models

#: Dealer-owned models that are not scoped, each with the reason. The test asserts this is
#: exactly the set of unscoped dealer-owned models: an entry that gets scoped, or a new
#: unscoped model, fails it.
UNSCOPED = {
    "tenancy.Staff": (
        "the login itself: authentication loads the user before any scope exists, and the "
        "middleware opens the scope from it; staff lists filter on dealer_id explicitly"
    ),
    "demo.DemoTruth": (
        "the demo generator's ground truth (a plain dealer_id column), read only by the "
        "generator, the benchmarks and the tests; no page, API or task reads it"
    ),
    # simple-history builds these copies with its own HistoryManager. They are read only
    # through their scoped parents: `customer.history` of a customer got in scope, and
    # `Model.history.filter(customer_id=…)` / `(id__in=…)` with ids of rows read in scope
    # (customers.selectors.customer_timeline, imports.services undo conflicts), or written
    # beside their parents (core.bulk). No page or API lists them by themselves.
    "customers.HistoricalCustomer": "simple-history copy, read through its scoped Customer",
    "customers.HistoricalContact": "simple-history copy, read through its scoped Customer",
    "customers.HistoricalVehicle": "simple-history copy, read through its scoped Customer",
    # the split of wrong merges reads the customer and vehicle copies with an explicit
    # dealer_id filter (customers.splitting); these are never read by a page or the API
    "customers.HistoricalHousehold": "simple-history copy, never listed by itself",
    "customers.HistoricalHouseholdMember": "simple-history copy, never listed by itself",
    "customers.HistoricalVehicleOwnership": "simple-history copy, never listed by itself",
}

#: Models with a foreign key to Dealer under another name (not dealer-owned in the sense
#: above), each with the reason it needs no dealer scope.
OTHER_DEALER_KEYS = {
    "matching.CrossDealerCandidate": (
        "HQ's de-identified pair of two dealers' records (dealer_low, dealer_high): masked "
        "name and mobile only, read only by the HQ page (matching.selectors)"
    ),
}


def _label(model: type[models.Model]) -> str:
    return model._meta.label


def _dealer_field(model: type[models.Model]) -> str | None:
    """The name of the model's `dealer` foreign key or `dealer_id` column, if it has one."""
    for f in model._meta.concrete_fields:
        if f.column == "dealer_id" or (f.name == "dealer" and f.is_relation):
            return f.name
    return None


def _has_dealer(model: type[models.Model]) -> bool:
    return _dealer_field(model) is not None


def _is_scoped(manager: models.Manager) -> bool:
    cls = type(manager)
    return cls.__module__ == "django_scopes.manager" and cls.__qualname__.startswith(
        "ScopedManager."
    )


def scoped_models() -> list[type[models.Model]]:
    return [m for m in dealer_owned_models() if _label(m) not in UNSCOPED]


def test_dealer_owned_models_are_found() -> None:
    """The walk finds the models we know of (it is not vacuous) and only dealer-owned ones."""
    found = {_label(m) for m in dealer_owned_models()}
    every = apps.get_models(include_auto_created=True)
    assert found == {_label(m) for m in every if _has_dealer(m)}
    assert {"customers.Customer", "customers.Vehicle", "imports.ImportBatch"} <= found
    assert "matching.Merge" in found and "quality.VerificationCall" in found


def test_unscoped_dealer_owned_models_are_exactly_the_allowed_exceptions() -> None:
    unscoped = {
        _label(m)
        for m in dealer_owned_models()
        if not all(_is_scoped(manager) for manager in m._meta.managers)
    }
    assert unscoped == set(UNSCOPED), (
        "dealer-owned models without a django-scopes manager: "
        f"{sorted(unscoped - set(UNSCOPED))}; listed as exceptions but scoped or gone: "
        f"{sorted(set(UNSCOPED) - unscoped)}"
    )


def test_other_foreign_keys_to_dealer_are_known() -> None:
    """A model pointing at Dealer under another name is either dealer-owned or listed."""
    others = set()
    for model in apps.get_models(include_auto_created=True):
        if _has_dealer(model) or model is Dealer:
            continue
        if any(f.is_relation and f.related_model is Dealer for f in model._meta.concrete_fields):
            others.add(_label(model))
    assert others == set(OTHER_DEALER_KEYS)


@pytest.mark.parametrize("model", scoped_models(), ids=_label)
def test_every_manager_is_scoped_on_the_dealer(model: Any, db: None) -> None:
    managers = model._meta.managers
    assert managers and model._meta.default_manager in managers
    for manager in managers:
        assert _is_scoped(manager), f"{_label(model)}.{manager.name} is not a ScopedManager"
        # outside any scope (or in a scope of another dimension): the query refuses
        with pytest.raises(ScopeError):
            list(manager.all())
        with pytest.raises(ScopeError):
            manager.filter(pk=1).exists()
        with scope(tenant=1), pytest.raises(ScopeError):
            manager.count()
        # in a dealer's scope: filtered on the model's own dealer column, nothing else
        with scope(dealer=7):
            scoped_sql = str(manager.all().query)
        expected_sql = str(model._base_manager.filter(**{_dealer_field(model): 7}).query)
        assert scoped_sql == expected_sql, f"{_label(model)}.{manager.name} scopes on: {scoped_sql}"
        # HQ's scope (every dealer) and scopes_disabled() read without a dealer filter
        with scope(dealer=None):
            assert str(manager.all().query) == str(model._base_manager.all().query)
        with scopes_disabled():
            manager.count()
