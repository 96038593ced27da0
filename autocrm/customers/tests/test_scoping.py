"""Tenancy fails closed: every dealer-owned query runs inside a django-scopes scope, and a
dealer's staff never see another dealer's rows (tenancy/scoping.py, middleware.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django_scopes import ScopeError, scope, scopes_disabled

from autocrm.customers.models import Contact, Customer, Interaction, MileageReading, Vehicle
from autocrm.tenancy.middleware import DealerScopeMiddleware
from autocrm.tenancy.models import Staff
from autocrm.tenancy.roles import Role
from autocrm.tenancy.scoping import scope_kwargs_for, staff_scope

# --- scope_kwargs_for (no database) -------------------------------------------------------------


def test_anonymous_gets_an_empty_dealer_list():
    assert scope_kwargs_for(AnonymousUser()) == {"dealer": []}


def test_none_gets_an_empty_dealer_list():
    assert scope_kwargs_for(None) == {"dealer": []}


def test_hq_analyst_gets_every_dealer():
    assert scope_kwargs_for(Staff(pk=1, role=Role.HQ_ANALYST, dealer_id=None)) == {"dealer": None}


@pytest.mark.parametrize("role", [r for r in Role if r != Role.HQ_ANALYST], ids=lambda r: str(r))
def test_dealer_staff_get_their_dealer(role):
    assert scope_kwargs_for(Staff(pk=1, role=role, dealer_id=42)) == {"dealer": 42}


def test_bare_superuser_gets_an_empty_dealer_list():
    operator = Staff(pk=1, is_superuser=True, role="", dealer_id=None)

    assert scope_kwargs_for(operator) == {"dealer": []}


def test_superuser_attached_to_a_dealer_gets_that_dealer():
    assert scope_kwargs_for(Staff(pk=1, is_superuser=True, role="", dealer_id=5)) == {"dealer": 5}


# --- queries ------------------------------------------------------------------------------------


@pytest.fixture
def two_customers(make_customer, consultant_a, consultant_b):
    a = make_customer(consultant_a, name="李娜", mobile="13812345678")
    b = make_customer(consultant_b, name="王芳", mobile="13912345678")
    return a, b


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Customer, Contact, Vehicle, MileageReading, Interaction])
def test_query_outside_a_scope_fails_closed(model, two_customers):
    with pytest.raises(ScopeError):
        list(model.objects.all())
    with pytest.raises(ScopeError):
        model.objects.filter(pk=1).exists()
    with pytest.raises(ScopeError):
        model.objects.count()


@pytest.mark.django_db
def test_get_by_pk_outside_a_scope_fails_closed(two_customers):
    a, _b = two_customers

    with pytest.raises(ScopeError):
        Customer.objects.get(pk=a.pk)


@pytest.mark.django_db
def test_dealer_scope_hides_the_other_dealers_rows(two_customers, dealer_a, dealer_b):
    a, b = two_customers

    with scope(dealer=dealer_b.pk):
        assert list(Customer.objects.values_list("name", flat=True)) == ["王芳"]
        assert not Customer.objects.filter(pk=a.pk).exists()
        assert not Customer.objects.filter(mobile="+8613812345678").exists()
        with pytest.raises(Customer.DoesNotExist):
            Customer.objects.get(pk=a.pk)
    with scope(dealer=dealer_a.pk):
        assert list(Customer.objects.values_list("name", flat=True)) == ["李娜"]
        assert not Customer.objects.filter(pk=b.pk).exists()


@pytest.mark.django_db
def test_dealer_scope_hides_the_other_dealers_vehicles(
    two_customers, consultant_a, dealer_a, dealer_b, scoped
):
    from autocrm.customers.services import vehicle_add

    a, _b = two_customers
    with scoped(dealer_a):
        vehicle_add(actor=consultant_a, customer=a, data={"vin": "LSVAM4187C2184847"})
        assert Vehicle.objects.count() == 1
    with scope(dealer=dealer_b.pk):
        assert Vehicle.objects.count() == 0
        assert not Vehicle.objects.filter(vin="LSVAM4187C2184847").exists()


@pytest.mark.django_db
def test_scopes_of_each_kind_of_user(two_customers, consultant_a, consultant_b, hq_analyst):
    expected = {consultant_a: ["李娜"], consultant_b: ["王芳"], hq_analyst: ["李娜", "王芳"]}

    for user, names in expected.items():
        with staff_scope(user):
            assert sorted(Customer.objects.values_list("name", flat=True)) == names
    with staff_scope(AnonymousUser()):
        assert Customer.objects.count() == 0
    operator = Staff.objects.create(username="ops", is_superuser=True, role="")
    with staff_scope(operator):
        assert Customer.objects.count() == 0


@pytest.mark.django_db
def test_scopes_disabled_sees_every_dealer(two_customers):
    with scopes_disabled():
        assert Customer.objects.count() == 2


# --- middleware ----------------------------------------------------------------------------------


def _names_view(request):
    return HttpResponse(",".join(sorted(Customer.objects.values_list("name", flat=True))))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "body"),
    [
        ("consultant_a", "李娜"),
        ("consultant_b", "王芳"),
        ("hq_analyst", "李娜,王芳"),
        ("anonymous", ""),
    ],
)
def test_middleware_runs_the_request_in_the_users_scope(request, two_customers, who, body):
    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    http_request = RequestFactory().get("/")
    http_request.user = user

    response = DealerScopeMiddleware(_names_view)(http_request)

    assert response.content.decode() == body


@pytest.mark.django_db
def test_middleware_resolves_a_token_before_drf_does(api_client_for, consultant_b, two_customers):
    from autocrm.core.tokens import issue_token

    _record, token = issue_token(consultant_b)
    http_request = RequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {token}")
    http_request.user = AnonymousUser()

    response = DealerScopeMiddleware(_names_view)(http_request)

    assert response.content.decode() == "王芳"


@pytest.mark.django_db
def test_middleware_with_a_bad_token_gets_the_empty_scope(two_customers):
    http_request = RequestFactory().get("/", HTTP_AUTHORIZATION="Token not-a-real-token")
    http_request.user = AnonymousUser()

    response = DealerScopeMiddleware(_names_view)(http_request)

    assert response.content.decode() == ""


def test_middleware_leaves_no_scope_behind():
    http_request = RequestFactory().get("/")
    http_request.user = AnonymousUser()

    DealerScopeMiddleware(lambda r: HttpResponse("ok"))(http_request)

    with pytest.raises(ScopeError):
        Customer.objects.count()
