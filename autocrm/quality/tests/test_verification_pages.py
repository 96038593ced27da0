"""Verification pages: who may open them (the five actors of autocrm.testing.access), and that
they work end to end on the server."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from autocrm.quality.models import VerificationSample
from autocrm.tenancy.roles import Role
from autocrm.testing.access import ACTORS, MISSING_ID, assert_allowed, assert_denied, client_as

pytestmark = pytest.mark.django_db

ADDRESS = "广东省广州市天河区天河路385号"


@pytest.fixture
def sample_a(cr_a: Any, make_customer: Any, scoped: Any) -> VerificationSample:
    from autocrm.quality.services import verification_sample_draw

    for i in range(3):
        make_customer(cr_a, name=f"客户{i}", mobile=f"1380013800{i}", address=ADDRESS)
    with scoped(cr_a):
        return verification_sample_draw(actor=cr_a, name="抽样", method="random", size=3, seed=1)


def _client(staff: Any) -> Client:
    client = Client()
    client.force_login(staff)
    return client


@pytest.mark.parametrize("who", ["consultant_a", "advisor_a", "gm_a", "hq_analyst"])
def test_roles_without_the_right_get_403(
    who: str, request: Any, sample_a: Any, scoped: Any
) -> None:
    staff = request.getfixturevalue(who)
    client = client_as("hq" if who == "hq_analyst" else "colleague", staff)  # both: 403
    with scoped(sample_a.dealer):
        call_id = sample_a.calls.first().pk
    for url in (
        reverse("quality:samples"),
        reverse("quality:sample", args=[sample_a.pk]),
        reverse("quality:call", args=[call_id]),
    ):
        assert_denied(client.get(url))
    response = client.post(reverse("quality:samples"), {"name": "x", "method": "random", "size": 1})
    assert_denied(response)
    assert_denied(client.post(reverse("quality:call", args=[call_id]), {"outcome": "busy"}))
    with scopes_disabled():
        assert not VerificationSample.objects.filter(name="x").exists()
    with scoped(sample_a.dealer):
        assert not sample_a.calls.exclude(outcome="").exists()


@pytest.mark.parametrize("role", [Role.CUSTOMER_RELATIONS, Role.MANAGER])
def test_another_dealers_sample_and_call_are_404(
    role: str, sample_a: Any, make_staff: Any, dealer_b: Any, scoped: Any
) -> None:
    client = client_as("other_dealer", make_staff(dealer_b, role))  # a steward at dealer B
    with scoped(sample_a.dealer):
        call_id = sample_a.calls.first().pk
    sample_url, missing_sample = (
        reverse("quality:sample", args=[pk]) for pk in (sample_a.pk, MISSING_ID)
    )
    call_url, missing_call = (reverse("quality:call", args=[pk]) for pk in (call_id, MISSING_ID))
    assert_denied(client.get(sample_url), like=client.get(missing_sample))  # 404
    assert_denied(client.get(call_url), like=client.get(missing_call))
    response = client.post(call_url, {"outcome": "busy"})
    assert_denied(response, like=client.post(missing_call, {"outcome": "busy"}))
    with scoped(sample_a.dealer):
        assert not sample_a.calls.exclude(outcome="").exists()


@pytest.mark.parametrize("who", ACTORS)
def test_who_may_open_the_verification_pages(
    steward_actors: Any, who: str, sample_a: Any, scoped: Any
) -> None:
    """Any data steward of the dealer (not only who drew the sample); another dealer's steward
    its own list and 404 for the sample and the call; HQ 403; anonymous the login page."""
    client = steward_actors.client(who)
    with scoped(sample_a.dealer):
        call_id = sample_a.calls.first().pk
    listing = client.get(reverse("quality:samples"))
    pages = [
        client.get(reverse("quality:sample", args=[sample_a.pk])),
        client.get(reverse("quality:call", args=[call_id])),
    ]

    stewards = ("owner", "colleague", "manager")
    if who in (*stewards, "other_dealer"):
        assert_allowed(listing)
        link = reverse("quality:sample", args=[sample_a.pk])
        assert (link in listing.content.decode()) is (who in stewards)
    else:
        assert_denied(listing)
    for response in pages:
        if who in stewards:
            assert_allowed(response)
        else:
            assert_denied(response)
    if who not in stewards:
        posted = client.post(reverse("quality:call", args=[call_id]), {"outcome": "busy"})
        assert_denied(posted)
        with scoped(sample_a.dealer):
            assert not sample_a.calls.exclude(outcome="").exists()


def test_draw_call_and_funnel_through_the_pages(cr_a: Any, sample_a: Any, scoped: Any) -> None:
    client = _client(cr_a)
    response = client.post(
        reverse("quality:samples"), {"name": "第二批", "method": "lowest", "size": "2"}
    )
    with scoped(cr_a):
        second = VerificationSample.objects.get(name="第二批")
        first_call = second.calls.order_by("id").first()
    assert response.status_code == 302 and response.url == reverse(
        "quality:sample", args=[second.pk]
    )
    page = client.get(reverse("quality:call", args=[first_call.pk]))
    assert page.status_code == 200
    assert "138" in page.content.decode()  # customer relations see the mobile in clear
    response = client.post(
        reverse("quality:call", args=[first_call.pk]),
        {"outcome": "reached", "name_ok": "on", "mobile_ok": "on", "address_ok": "on"},
    )
    assert response.status_code == 302  # on to the next record
    funnel = client.get(reverse("quality:sample", args=[second.pk])).content.decode()
    assert 'data-stage="fully_valid"' in funnel and "50.0%" in funnel


def test_bad_correction_is_shown_at_its_field(cr_a: Any, sample_a: Any, scoped: Any) -> None:
    with scoped(cr_a):
        call = sample_a.calls.first()
    response = _client(cr_a).post(
        reverse("quality:call", args=[call.pk]), {"outcome": "reached", "mobile": "12345"}
    )
    assert response.status_code == 200
    assert 'data-field-error="mobile"' in response.content.decode()
