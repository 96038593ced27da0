"""The page forms of sales. They parse what the browser sent; the services hold the rules and
their errors come back at the fields (StyledForm.apply_service_errors)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from autocrm.catalogue.models import Series
from autocrm.core.forms import DateInput, StyledForm
from autocrm.dictionaries.models import DictionaryEntry
from autocrm.sales.models import (
    AGE_BAND_CHOICES,
    STAGE_CHOICES,
    ActivityKind,
    ActivityOutcome,
    CallResult,
    Drive,
    LeadSource,
    PurchaseTime,
    PurchaseWay,
    Temperature,
)
from autocrm.sales.selectors import team

BLANK = [("", "—")]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def series_choices() -> list[tuple[Any, Any]]:
    """The catalogue's models grouped by brand, for a select."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for series in (
        Series.objects.filter(is_active=True)
        .select_related("brand")
        .order_by("brand__sort_order", "brand__name", "sort_order", "name")
    ):
        groups.setdefault(series.brand.name, []).append((series.pk, series.name))
    return [("", "—"), *groups.items()]


def own_brand_first(choices: list[tuple[Any, Any]], brand: str) -> list[tuple[Any, Any]]:
    blank, rest = choices[:1], choices[1:]
    return blank + sorted(rest, key=lambda g: g[0] != brand)


def entry_choices(dealer_id: int, kind: str) -> list[tuple[Any, str]]:
    return [
        (e.pk, e.label)
        for e in DictionaryEntry.objects.filter(dealer_id=dealer_id, kind=kind, is_active=True)
    ]


class PlanFields(StyledForm):
    plan_kind = forms.ChoiceField(label=_("Next activity"), choices=ActivityKind.choices)
    plan_due_at = forms.DateTimeField(label=_("Due"), widget=DateTimeInput())
    plan_note = forms.CharField(label=_("Plan"), max_length=300, required=False)


class LeadForm(StyledForm):
    source = forms.ChoiceField(label=_("Source"), choices=LeadSource.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    mobile = forms.CharField(label=_("Mobile"), max_length=40)
    series = forms.ChoiceField(label=_("Intended model"), required=False)
    city = forms.CharField(label=_("City"), max_length=30, required=False)
    info_source = forms.ChoiceField(label=_("Information source"), required=False)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["series"].choices = own_brand_first(series_choices(), viewer.dealer.brand)
        self.fields["info_source"].choices = BLANK + entry_choices(viewer.dealer_id, "info_source")


class BackgroundFields(StyledForm):
    """The prospect's background (seed 002's prospect analysis) and the opportunity."""

    series = forms.ChoiceField(label=_("Intended model"))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=999, initial=1)
    temperature = forms.ChoiceField(
        label=_("Temperature"), choices=Temperature.choices, initial="B"
    )
    drive = forms.ChoiceField(label=_("State"), choices=Drive.choices, initial="pull")
    expected_amount = forms.DecimalField(
        label=_("Expected amount (CNY)"), min_value=0, max_digits=12, decimal_places=2
    )
    expected_close_on = forms.DateField(label=_("Expected close date"), widget=DateInput())
    info_source = forms.ChoiceField(label=_("Information source"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    position = forms.ChoiceField(label=_("Position"), required=False)
    age_band = forms.ChoiceField(
        label=_("Age band"), choices=BLANK + AGE_BAND_CHOICES, required=False
    )
    hobbies = forms.MultipleChoiceField(
        label=_("Hobbies (up to three)"), widget=forms.CheckboxSelectMultiple, required=False
    )
    purchase_time = forms.ChoiceField(
        label=_("Expected purchase time"), choices=BLANK + PurchaseTime.choices, required=False
    )
    purchase_way = forms.ChoiceField(
        label=_("Purchase way"), choices=BLANK + PurchaseWay.choices, required=False
    )
    current_series = forms.ChoiceField(label=_("Drives now"), required=False)

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        models = series_choices()
        self.fields["series"].choices = own_brand_first(models, viewer.dealer.brand)
        self.fields["current_series"].choices = models
        for field in ("info_source", "industry", "position"):
            self.fields[field].choices = BLANK + entry_choices(viewer.dealer_id, field)
        self.fields["hobbies"].choices = entry_choices(viewer.dealer_id, "hobby")


class OpportunityOpenForm(BackgroundFields, PlanFields):
    stage = forms.ChoiceField(label=_("Stage"), choices=STAGE_CHOICES[:-1], required=False)
    consultant = forms.ChoiceField(label=_("Consultant"), required=False)

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, viewer=viewer, **kwargs)
        self.fields["consultant"].choices = BLANK + [(s.pk, str(s)) for s in team(viewer)]
        self.fields["expected_close_on"].initial = timezone.localdate() + timedelta(days=30)


class ProspectForm(OpportunityOpenForm):
    """留档: a walk-in who leaves their details."""

    name = forms.CharField(label=_("Name"), max_length=100)
    mobile = forms.CharField(label=_("Mobile"), max_length=40)


class OpportunityEditForm(BackgroundFields):
    pass


class WinForm(StyledForm):
    vin = forms.CharField(label=_("VIN"), max_length=17)
    plate_number = forms.CharField(label=_("Plate number"), max_length=10, required=False)
    color = forms.CharField(label=_("Colour"), max_length=20, required=False)
    sale_price = forms.DecimalField(
        label=_("Sale price (CNY)"), min_value=0, max_digits=12, decimal_places=2
    )
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DateInput())
    payment_method = forms.ChoiceField(label=_("Payment method"), required=False)

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["payment_method"].choices = BLANK + entry_choices(
            viewer.dealer_id, "payment_method"
        )
        self.fields["delivered_on"].initial = timezone.localdate()


class OutcomeForm(PlanFields):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ActivityOutcome.choices)
    outcome_note = forms.CharField(label=_("What happened"), max_length=500, required=False)

    def __init__(self, *args: Any, needs_next: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("plan_kind", "plan_due_at"):
            self.fields[name].required = needs_next


class LostRequestForm(StyledForm):
    reason = forms.ChoiceField(label=_("Reason"))
    competitor_series = forms.ChoiceField(label=_("Bought instead"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300)

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = BLANK + entry_choices(viewer.dealer_id, "lost_reason")
        self.fields["competitor_series"].choices = series_choices()


class DecisionForm(StyledForm):
    note = forms.CharField(label=_("Director's note"), max_length=300, required=False)


class LostCallForm(StyledForm):
    result = forms.ChoiceField(label=_("What the call found"), choices=CallResult.choices)
    note = forms.CharField(label=_("What the customer said"), max_length=500, required=False)


class ReopenForm(PlanFields):
    pass
