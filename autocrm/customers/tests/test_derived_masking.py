"""Values read from a masked field are masked with it (issue #13).

The attack it stops: the edit form showed the birth date in clear beside 440105********5896,
and the hidden digits are exactly that date; an API PATCH of `birth_date` answered "does not
match the ID number" for a wrong guess and 200 for the right one. Tried for every role that
sees the ID number masked, on the profile page, the edit form, the API and the timeline.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_scopes import scope

from autocrm.customers.models import Customer
from autocrm.customers.services import customer_update

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"  # born 1949-12-31, a woman (digit 17 is even)
BIRTH = "1949-12-31"
WRONG = "1950-01-01"
with translation.override(settings.LANGUAGE_CODE):
    REFUSED = str(_("Your role may not change this field."))

#: Who sees consultant_a2's customer's ID number masked, and whether the role may edit it
MASKED_ROLES = {
    "consultant_a": False,
    "advisor_a": True,
    "cr_a": True,
    "manager_a": True,
    "gm_a": False,
}  # HQ opens no record page (test_hq_deidentified)


@pytest.fixture
def target(make_customer: Any, consultant_a2: Any) -> Customer:
    customer = make_customer(consultant_a2, name="赵敏", id_number=ID_NUMBER)
    with scope(dealer=consultant_a2.dealer_id):
        # a change of the birth date's field in the history (it shows on the timeline)
        customer_update(actor=consultant_a2, customer=customer, data={"remarks": "老客户"})
    customer.refresh_from_db()
    assert (customer.birth_date.isoformat(), customer.gender) == (BIRTH, "F")
    return customer


def _leaks(html: str) -> list[str]:
    return [text for text in (BIRTH, "1949-", "19491231", "1949年") if text in html]


@pytest.mark.parametrize("role", sorted(MASKED_ROLES))
def test_pages_show_neither_the_birth_date_nor_the_sex(
    request: Any, target: Customer, role: str
) -> None:
    viewer = request.getfixturevalue(role)
    client = Client()
    client.force_login(viewer)
    detail = client.get(reverse("customers:detail", args=[target.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert not _leaks(html)
    assert "****-**-**" in html
    assert "女 ·" not in html and "* · ****-**-**" in html
    if MASKED_ROLES[role]:
        edit = client.get(reverse("customers:edit", args=[target.pk]))
        assert edit.status_code == 200
        assert not _leaks(edit.content.decode())


@pytest.mark.parametrize("role", sorted(MASKED_ROLES))
def test_the_api_shows_neither(request: Any, api_client_for: Any, target: Customer, role: str):
    body = api_client_for(request.getfixturevalue(role)).get(f"/api/customers/{target.pk}/")
    assert body.status_code == 200
    data = body.json()
    assert (data["birth_date"], data["gender"], data["id_number"]) == (
        "****-**-**",
        "*",
        "110105********002X",
    )


@pytest.mark.parametrize("role", [r for r, edits in MASKED_ROLES.items() if edits])
def test_a_patch_is_no_oracle(request: Any, api_client_for: Any, target: Customer, role: str):
    """A wrong and a right guess get the same answer, and neither changes anything."""
    client = api_client_for(request.getfixturevalue(role))
    url = f"/api/customers/{target.pk}/"
    answers = []
    for data in (
        {"birth_date": WRONG},
        {"birth_date": BIRTH},
        {"gender": "M"},
        {"gender": "F"},
    ):
        response = client.patch(url, data, format="json")
        answers.append((response.status_code, response.json()))
    assert {status for status, _body in answers} == {400}
    birth_answers = {str(body) for _status, body in answers[:2]}
    gender_answers = {str(body) for _status, body in answers[2:]}
    assert len(birth_answers) == 1 and len(gender_answers) == 1
    assert answers[0][1]["birth_date"] == [REFUSED]
    target.refresh_from_db()
    assert (target.birth_date.isoformat(), target.gender) == (BIRTH, "F")


@pytest.mark.parametrize("role", [r for r, edits in MASKED_ROLES.items() if edits])
def test_the_edit_form_is_no_oracle(request: Any, target: Customer, role: str) -> None:
    """The form's birth date and sex are shown masked and disabled: a posted guess is
    ignored, right or wrong."""
    client = Client()
    client.force_login(request.getfixturevalue(role))
    url = reverse("customers:edit", args=[target.pk])
    form = client.get(url).context["form"]
    assert form.fields["birth_date"].disabled and form.fields["gender"].disabled
    posted = {
        name: value
        for name, value in form.initial.items()
        if value not in (None, "") and not isinstance(value, list | tuple)
    }
    posted.update(kind="person", name="赵敏")
    answers = []
    for guess in (WRONG, BIRTH):
        response = client.post(url, {**posted, "birth_date": guess, "gender": "M"})
        answers.append(response.status_code)
        target.refresh_from_db()
        assert (target.birth_date.isoformat(), target.gender) == (BIRTH, "F")
    assert answers[0] == answers[1]


def test_the_timeline_hides_the_derived_values(cr_a: Any, target: Customer) -> None:
    client = Client()
    client.force_login(cr_a)
    html = client.get(reverse("customers:detail", args=[target.pk])).content.decode()
    assert not _leaks(html)


def test_a_role_that_sees_the_id_number_gets_the_strict_check(
    api_client_for: Any, consultant_a2: Any, target: Customer
) -> None:
    """The owner sees the number: its edits are checked against it as before."""
    client = api_client_for(consultant_a2)
    url = f"/api/customers/{target.pk}/"
    wrong = client.patch(url, {"birth_date": WRONG}, format="json")
    assert wrong.status_code == 400 and "birth_date" in wrong.json()
    assert wrong.json()["birth_date"] != [REFUSED]
    body = client.get(url).json()
    assert (body["birth_date"], body["gender"]) == (BIRTH, "F")


def test_without_an_id_number_the_sex_is_no_secret(
    api_client_for: Any, make_customer: Any, consultant_a2: Any, manager_a: Any
) -> None:
    customer = make_customer(consultant_a2, name="钱伟", gender="M")
    body = api_client_for(manager_a).get(f"/api/customers/{customer.pk}/").json()
    assert body["gender"] == "M"
