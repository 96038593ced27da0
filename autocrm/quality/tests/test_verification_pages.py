"""Verification pages: who may open them, and that they work end to end on the server."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from autocrm.quality.models import VerificationSample

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
def test_roles_without_the_right_get_403(who: str, request: Any, sample_a: Any) -> None:
    client = _client(request.getfixturevalue(who))
    for url in (
        reverse("quality:samples"),
        reverse("quality:sample", args=[sample_a.pk]),
    ):
        assert client.get(url).status_code == 403
    response = client.post(reverse("quality:samples"), {"name": "x", "method": "random", "size": 1})
    assert response.status_code == 403
    with scopes_disabled():
        assert not VerificationSample.objects.filter(name="x").exists()


def test_another_dealers_sample_and_call_are_404(
    sample_a: Any, make_staff: Any, dealer_b: Any, scoped: Any
) -> None:
    cr_b = make_staff(dealer_b, "customer_relations")
    client = _client(cr_b)
    with scoped(sample_a.dealer):
        call_id = sample_a.calls.first().pk
    assert client.get(reverse("quality:sample", args=[sample_a.pk])).status_code == 404
    assert client.get(reverse("quality:call", args=[call_id])).status_code == 404
    response = client.post(reverse("quality:call", args=[call_id]), {"outcome": "busy"})
    assert response.status_code == 404
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
