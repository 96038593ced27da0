"""The managers' page of vehicle models the catalogue did not recognize: the dealer's brand and
model texts no series was found for, with their vehicle counts, and for each the series it
means (customers.catalogue_links.vehicle_texts_map)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy, ngettext

from autocrm.catalogue.models import Series
from autocrm.catalogue.selectors import catalogue_matcher, series_choices
from autocrm.core.permissions import permission_required
from autocrm.customers.catalogue_links import vehicle_texts_map
from autocrm.customers.catalogue_selectors import unmatched_vehicle_texts, unmatched_vehicle_totals
from autocrm.customers.forms import UnmatchedModelForm
from autocrm.customers.policies import can_map_vehicle_models

DENIED = gettext_lazy("Only the dealer's managers map vehicle models to the catalogue.")
#: The most frequent texts shown at a time (each row has its own select)
SHOWN = 50


@permission_required(can_map_vehicle_models, DENIED)
def unmatched_models(request: HttpRequest) -> HttpResponse:
    dealer_id = request.user.dealer_id
    choices = series_choices()
    posted: UnmatchedModelForm | None = None
    if request.method == "POST":
        posted = UnmatchedModelForm(request.POST, series=choices)
        if posted.is_valid():
            data = posted.cleaned_data
            try:
                linked = vehicle_texts_map(
                    actor=request.user,
                    brand=data["brand"],
                    model_name=data["model_name"],
                    series=Series.objects.select_related("brand").get(pk=data["series"]),
                )
            except ValidationError as exc:
                posted.apply_service_errors(exc)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(text)s mapped: %(n)d vehicle linked to the catalogue.",
                        "%(text)s mapped: %(n)d vehicles linked to the catalogue.",
                        linked,
                    )
                    % {"text": _text(data["brand"], data["model_name"]), "n": linked},
                )
                return redirect("customers:catalogue_unmatched")
    matcher = catalogue_matcher()
    names = {pk: f"{brand} {name}" for brand, group in choices for pk, name in group}
    rows = []
    for n, (brand, model, count) in enumerate(
        unmatched_vehicle_texts(dealer_id, limit=SHOWN), start=1
    ):
        brand_id, text = matcher.alias_key(brand, model)
        # a hint from the model text alone; preselected unless the brand text is one the
        # catalogue does not know (智己 L6 is not 理想 L6)
        suggestion = matcher.match(brand if brand_id else "", model or brand)
        is_posted = posted is not None and (
            posted.data.get("brand", "") == brand and posted.data.get("model_name", "") == model
        )
        form = (
            posted
            if is_posted
            else UnmatchedModelForm(
                initial={
                    "brand": brand,
                    "model_name": model,
                    "series": suggestion if brand_id or not brand else None,
                },
                series=choices,
                auto_id=f"id_%s_{n}",
            )
        )
        rows.append(
            {
                "brand": brand,
                "model_name": model,
                "vehicles": count,
                "mappable": bool(text),
                "suggestion": names.get(suggestion) if suggestion else "",
                "form": form,
            }
        )
    texts, vehicles = unmatched_vehicle_totals(dealer_id)
    refused = posted is not None and bool(posted.errors)
    context: dict[str, Any] = {
        "rows": rows,
        "texts": texts,
        "vehicles": vehicles,
        "shown": len(rows),
        "posted": posted if refused and not any(r["form"] is posted for r in rows) else None,
        "nav_active": "catalogue_unmatched",
    }
    return render(
        request,
        "customers/catalogue_unmatched.html",
        context,
        status=400 if refused else 200,  # refused input: 400, not 200
    )


def _text(brand: str, model: str) -> str:
    return " ".join(part for part in (brand, model) if part) or "—"
