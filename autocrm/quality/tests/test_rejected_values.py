"""Values an import could not accept (Customer.rejected_values) are quality issues naming the
field, until someone corrects them (issue #12)."""

from __future__ import annotations

import pytest
from django_scopes import scope

from autocrm.rules.scoring import REJECTED

pytestmark = pytest.mark.django_db


def test_the_quality_refresh_flags_stored_rejected_values(cr_a, dealer_a, make_customer) -> None:
    from autocrm.customers.writes import customer_writes
    from autocrm.quality.refresh import quality_refresh

    customer = make_customer(cr_a, name="张伟", mobile="13912345678")
    with scope(dealer=dealer_a.pk):
        customer.rejected_values = [
            {"field": "email", "value": "zw@", "message": "", "batch": 1, "row": 2}
        ]
        with customer_writes(
            dealer_id=dealer_a.pk, actor=cr_a, reason="test", now=customer.updated_at
        ) as writes:
            writes.update_customers([customer], {"rejected_values"})
        quality_refresh(customer_ids=[customer.pk])
        customer.refresh_from_db()
    assert {"field": "email", "kind": REJECTED, "code": "value_rejected"} in (
        customer.quality_issues
    )
