"""The data stewards' page of wrong merges: the customers earlier imports merged wrongly, with
the reasons, and the split of one after a confirmation (customers.splitting)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from autocrm.core.permissions import permission_required
from autocrm.customers.models import Customer
from autocrm.customers.policies import can_split_customers
from autocrm.customers.presenters import display_mobile
from autocrm.customers.splitting import (
    Person,
    WrongMerge,
    customer_split,
    vehicles_brought,
    wrong_merges,
)
from autocrm.tenancy.masking import MASKERS
from autocrm.tenancy.policies import can_view_personal

DENIED = gettext_lazy("Only customer relations and managers repair wrong merges.")


def _shown(viewer: Any, customer: Customer, person: Person) -> dict[str, Any]:
    values = person.values
    out: dict[str, Any] = {"name": person.name}
    for f in ("mobile", "id_number"):
        value = str(values.get(f) or "")
        visible = can_view_personal(viewer, f, responsible_staff_id=customer.responsible_staff_id)
        out[f] = value if visible or not value else MASKERS[f](value)
    out["mobile"] = display_mobile(out["mobile"])
    return out


def _row(viewer: Any, merge: WrongMerge) -> dict[str, Any]:
    return {
        "customer": merge.customer,
        "people": [_shown(viewer, merge.customer, p) for p in merge.people],
        "reasons": merge.reasons,
    }


@permission_required(can_split_customers, DENIED)
def split_list(request: HttpRequest) -> HttpResponse:
    merges = wrong_merges(dealer_id=request.user.dealer_id)
    return render(
        request,
        "customers/split_list.html",
        {"rows": [_row(request.user, m) for m in merges], "nav_active": "wrong_merges"},
    )


@permission_required(can_split_customers, DENIED)
def split_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk, merged_into__isnull=True)
    merges = wrong_merges(dealer_id=request.user.dealer_id, customer_ids=[customer.pk])
    if request.method == "POST":
        try:
            made = customer_split(actor=request.user, customer=customer)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("customers:split_list")
        messages.success(
            request,
            _("Split: %(names)s have their own profiles again.")
            % {"names": "、".join(c.name for c in made)},
        )
        return redirect("customers:detail", pk=customer.pk)
    if not merges:
        # nothing to split (any more): said on the page, which offers no split
        return render(
            request,
            "customers/split_confirm.html",
            {"customer": customer, "nothing": True, "nav_active": "wrong_merges"},
        )
    merge = merges[0]
    people = [
        {**_shown(request.user, customer, p), "vehicles": vehicles_brought(customer, p)}
        for p in merge.people
    ]
    return render(
        request,
        "customers/split_confirm.html",
        {
            "customer": customer,
            "original": people[0],
            "others": people[1:],
            "reasons": merge.reasons,
            "nav_active": "wrong_merges",
        },
    )
