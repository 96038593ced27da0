"""The unassigned customers a manager hands out (issue #12: imported customers without a known
consultant stay unassigned): the list's "unassigned" filter and the bulk "assign to…" through
`customers_assign` (the list of an import's new customers is tested in imports)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from autocrm.customers.models import Customer
from autocrm.customers.services import customers_assign
from autocrm.customers.writes import customer_writes

pytestmark = pytest.mark.django_db


def unassigned(make_customer, actor, name: str, mobile: str) -> Customer:
    customer = make_customer(actor, name=name, mobile=mobile)
    with scope(dealer=actor.dealer_id):
        customer.responsible_staff = None
        with customer_writes(
            dealer_id=actor.dealer_id, actor=actor, reason="test", now=timezone.now()
        ) as writes:
            writes.update_customers([customer], {"responsible_staff"})
    return customer


@pytest.fixture
def handed_out(make_customer, manager_a, manager_b):
    return {
        "zhang": unassigned(make_customer, manager_a, "张伟", "13912345678"),
        "li": unassigned(make_customer, manager_a, "李娜", "13912345679"),
        "mine": make_customer(manager_a, name="王芳", mobile="13912345600"),
        "other": unassigned(make_customer, manager_b, "赵六", "13912345601"),
    }


def client_for(staff) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(staff)
    return client


def test_a_manager_assigns_unassigned_customers_with_history(
    manager_a, consultant_a, handed_out
) -> None:
    ids = [handed_out["zhang"].pk, handed_out["li"].pk]
    with scope(dealer=manager_a.dealer_id):
        assert customers_assign(actor=manager_a, customer_ids=ids, staff=consultant_a) == 2
        zhang = Customer.objects.get(pk=ids[0])
        assert zhang.responsible_staff_id == consultant_a.pk
        last = zhang.history.first()
        assert last.history_user_id == manager_a.pk
        assert str(consultant_a) in last.history_change_reason
        assert last.responsible_staff_id == consultant_a.pk


def test_a_consultant_may_not_assign(consultant_a, consultant_a2, handed_out) -> None:
    with scope(dealer=consultant_a.dealer_id), pytest.raises(PermissionDenied):
        customers_assign(
            actor=consultant_a, customer_ids=[handed_out["zhang"].pk], staff=consultant_a2
        )
    response = client_for(consultant_a).post(
        reverse("customers:assign"),
        {"customer": [handed_out["zhang"].pk], "staff": consultant_a.pk},
    )
    assert response.status_code == 403
    with scopes_disabled():
        assert Customer.objects.get(pk=handed_out["zhang"].pk).responsible_staff_id is None


def test_another_dealers_customers_and_staff_are_not_touched(
    manager_a, consultant_a, consultant_b, handed_out
) -> None:
    other = handed_out["other"]
    with scope(dealer=manager_a.dealer_id):
        assert customers_assign(actor=manager_a, customer_ids=[other.pk], staff=consultant_a) == 0
        with pytest.raises(ValidationError):
            customers_assign(
                actor=manager_a, customer_ids=[handed_out["zhang"].pk], staff=consultant_b
            )
    client_for(manager_a).post(
        reverse("customers:assign"), {"customer": [other.pk], "staff": consultant_a.pk}
    )
    with scopes_disabled():
        assert Customer.objects.get(pk=other.pk).responsible_staff_id is None
        assert Customer.objects.get(pk=handed_out["zhang"].pk).responsible_staff_id is None


def test_the_unassigned_filter_and_the_bulk_action_on_the_list(
    manager_a, consultant_a, handed_out
) -> None:
    client = client_for(manager_a)
    page = client.get(reverse("customers:list"), {"staff": "none"}).content.decode()
    assert "张伟" in page and "李娜" in page
    assert "王芳" not in page and "赵六" not in page  # assigned; another dealer's
    assert 'data-testid="assign-bar"' in page and '<option value="none" selected>' in page
    response = client.post(
        reverse("customers:assign"),
        {
            "customer": [handed_out["zhang"].pk, handed_out["li"].pk],
            "staff": consultant_a.pk,
            "next": "/customers/?staff=none",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/customers/?staff=none"
    assert "2 customers assigned to" in response.content.decode()
    with scopes_disabled():
        assert not Customer.objects.filter(
            dealer_id=manager_a.dealer_id, responsible_staff__isnull=True
        ).exists()


def test_a_consultant_sees_no_unassigned_filter(consultant_a, handed_out) -> None:
    page = client_for(consultant_a).get(reverse("customers:list"), {"staff": "none"})
    html = page.content.decode()
    assert 'value="none"' not in html and 'data-testid="assign-bar"' not in html
