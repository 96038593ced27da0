"""Forms parse what the page posted; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from autocrm.catalogue.selectors import series_choices, trim_choices
from autocrm.core.forms import DateInput, StyledForm
from autocrm.customers.choices import (
    ActivityLevel,
    Channel,
    ContactType,
    CreditRating,
    CustomerKind,
    Education,
    Gender,
    IdType,
    IncomeBand,
    InteractionKind,
    MileageSource,
)
from autocrm.customers.policies import customer_masked_fields
from autocrm.customers.presenters import birth_date_display, gender_display, personal_value
from autocrm.dictionaries.models import DictionaryEntry
from autocrm.tenancy.models import Staff
from autocrm.tenancy.policies import PERSONAL_FIELDS

#: How a masked value read from another field shows in the form
MASKED_DISPLAY = {"birth_date": birth_date_display, "gender": gender_display}


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


def _dict_field(kind: str, label: Any) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        queryset=DictionaryEntry.objects.none(),
        required=False,
        label=label,
        empty_label="—",
    )
    field.dictionary_kind = kind  # type: ignore[attr-defined]
    return field


class CustomerForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("Customer type"),
        choices=CustomerKind.choices,
        initial=CustomerKind.PERSON,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    gender = forms.ChoiceField(label=_("Gender"), choices=_blank(Gender.choices), required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DateInput)
    id_type = forms.ChoiceField(label=_("ID type"), choices=_blank(IdType.choices), required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=40, required=False)
    mobile = forms.CharField(label=_("Mobile"), max_length=40, required=False)
    landline = forms.CharField(label=_("Landline"), max_length=40, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    address = forms.CharField(
        label=_("Address"),
        max_length=200,
        required=False,
        help_text=_("Province, city, district, street and house number."),
    )
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=30, required=False)
    industry = _dict_field("industry", _("Industry"))
    employer = forms.CharField(label=_("Employer"), max_length=100, required=False)
    position = forms.CharField(label=_("Position"), max_length=50, required=False)
    annual_income_band = forms.ChoiceField(
        label=_("Annual income"), choices=_blank(IncomeBand.choices), required=False
    )
    education = forms.ChoiceField(
        label=_("Education"), choices=_blank(Education.choices), required=False
    )
    native_place = forms.CharField(label=_("Native place"), max_length=50, required=False)
    trade_relationship = _dict_field("trade_relationship", _("Trade relationship"))
    nature = _dict_field("customer_nature", _("Customer nature"))
    product_line = _dict_field("product_line", _("Product line"))
    info_source = _dict_field("info_source", _("Information source"))
    hobbies = forms.ModelMultipleChoiceField(
        queryset=DictionaryEntry.objects.none(),
        required=False,
        label=_("Interests (up to three)"),
        widget=forms.CheckboxSelectMultiple,
    )
    activity_level = forms.ChoiceField(
        label=_("Activity level"), choices=_blank(ActivityLevel.choices), required=False
    )
    credit_rating = forms.ChoiceField(
        label=_("Credit rating"), choices=_blank(CreditRating.choices), required=False
    )
    responsible_staff = forms.ModelChoiceField(
        queryset=Staff.objects.none(),
        required=False,
        label=_("Responsible staff"),
        empty_label="—",
    )
    former_reason = forms.CharField(label=_("Reason for leaving"), max_length=200, required=False)
    remarks = forms.CharField(
        label=_("Remarks"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, viewer: Staff, customer: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            kind = getattr(field, "dictionary_kind", None)
            if kind:
                field.queryset = DictionaryEntry.objects.filter(kind=kind, is_active=True)
        self.fields["hobbies"].queryset = DictionaryEntry.objects.filter(
            kind="hobby", is_active=True
        )
        self.viewer = viewer
        self.customer = customer
        self.fields["responsible_staff"].queryset = Staff.objects.filter(
            dealer_id=viewer.dealer_id, is_active=True
        ).order_by("role", "username")
        # Whoever enters a new customer types every field; on an existing customer the
        # fields the role only sees masked are shown masked and cannot be changed.
        # The birth date and sex read from a masked ID number are hidden with it.
        masked = customer_masked_fields(viewer, customer) if customer is not None else ()
        self.masked_fields = [f for f in self.fields if f in masked]
        if customer is None:
            self.initial.setdefault("responsible_staff", viewer.pk)
        for name in self.masked_fields:
            if name in PERSONAL_FIELDS:
                self.initial[name] = personal_value(viewer, customer, name)
            else:  # shown as text: a date or choice widget cannot hold a mask
                shown = MASKED_DISPLAY[name](viewer, customer)
                self.fields[name] = forms.CharField(
                    label=self.fields[name].label,
                    required=False,
                    initial=shown,
                    widget=forms.TextInput(attrs={"class": "form-control"}),
                )
                self.initial[name] = shown
            self.fields[name].disabled = True
            self.fields[name].help_text = _("Hidden for your role.")

    def changed_data_for_service(self) -> dict[str, Any]:
        """The cleaned values, without fields the viewer may not change."""
        data = dict(self.cleaned_data)
        for name in self.masked_fields:
            data.pop(name, None)
        for key in (
            "gender",
            "id_type",
            "annual_income_band",
            "education",
            "activity_level",
            "credit_rating",
        ):
            data[key] = data.get(key) or ""
        return data


def _catalogue_field(label: Any, help_text: Any = "") -> forms.TypedChoiceField:
    """A select of catalogue rows by id, grouped (its choices are set when the form is made)."""
    return forms.TypedChoiceField(
        label=label, coerce=int, empty_value=None, required=False, help_text=help_text
    )


class VehicleForm(StyledForm):
    vin = forms.CharField(label=_("VIN"), max_length=30)
    plate_number = forms.CharField(label=_("Plate number"), max_length=12, required=False)
    series = _catalogue_field(
        _("Model (catalogue)"),
        _("Pick the model, or type the brand and model below: they are matched to the catalogue."),
    )
    trim = _catalogue_field(_("Trim"))
    brand = forms.CharField(label=_("Brand"), max_length=30, required=False)
    model_name = forms.CharField(label=_("Model"), max_length=50, required=False)
    color = forms.CharField(label=_("Colour"), max_length=20, required=False)
    purchase_date = forms.DateField(label=_("Purchase date"), required=False, widget=DateInput)
    bought_here = forms.BooleanField(label=_("Bought at this dealer"), required=False)
    purchase_price = forms.DecimalField(
        label=_("Purchase price (CNY)"), required=False, max_digits=12, decimal_places=2
    )
    mileage_km = forms.IntegerField(label=_("Mileage (km)"), required=False, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["series"].choices = _blank(series_choices())
        self.fields["trim"].choices = _blank(trim_choices())


class UnmatchedModelForm(StyledForm):
    """One unmatched brand and model text (as stored, in hidden fields) and the series it
    means."""

    # as stored, spaces included: the vehicles are found by these exact values
    brand = forms.CharField(max_length=30, required=False, strip=False, widget=forms.HiddenInput)
    model_name = forms.CharField(
        max_length=50, required=False, strip=False, widget=forms.HiddenInput
    )
    series = forms.TypedChoiceField(label=_("Model (catalogue)"), coerce=int, empty_value=None)

    def __init__(self, *args: Any, series: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["series"].choices = _blank(series)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("brand") and not data.get("model_name") and not self.errors:
            raise forms.ValidationError(_("There is no model in this value to map."))
        return data


class MileageForm(StyledForm):
    mileage_km = forms.IntegerField(label=_("Mileage (km)"), min_value=0, max_value=2_000_000)
    read_on = forms.DateField(label=_("Read on"), widget=DateInput)
    source = forms.ChoiceField(label=_("Source"), choices=MileageSource.choices)
    odometer_replaced = forms.BooleanField(
        label=_("The odometer was replaced (this reading may be lower than the earlier ones)"),
        required=False,
    )


class ContactForm(StyledForm):
    contact_type = forms.ChoiceField(label=_("Contact type"), choices=ContactType.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    mobile = forms.CharField(label=_("Mobile"), max_length=40, required=False)
    landline = forms.CharField(label=_("Landline"), max_length=40, required=False)
    relation = forms.CharField(label=_("Relation"), max_length=50, required=False)
    remarks = forms.CharField(label=_("Remarks"), max_length=200, required=False)


class InteractionForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=InteractionKind.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=_blank(Channel.choices), required=False)
    occurred_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    summary = forms.CharField(label=_("Summary"), max_length=500)
    outcome = forms.CharField(label=_("Result"), max_length=200, required=False)
    cost = forms.DecimalField(
        label=_("Cost (CNY)"), required=False, max_digits=10, decimal_places=2
    )
