"""Forms of the household and vehicle-owner pages (customers.identity_views)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from autocrm.core.forms import DateInput, StyledForm
from autocrm.customers.choices import HouseholdRelation, OwnershipHow

#: What staff choose when adding a member ("shares a contact number" is what an import links).
MEMBER_RELATIONS = [c for c in HouseholdRelation.choices if c[0] != HouseholdRelation.UNKNOWN]


class HouseholdMemberForm(StyledForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        help_text=_("Not needed when you link a customer."),
    )
    relation = forms.ChoiceField(label=_("Relation"), choices=MEMBER_RELATIONS)
    shared_number = forms.CharField(
        label=_("Shared number"),
        max_length=40,
        required=False,
        help_text=_("The mobile or landline they share, if any."),
    )
    member = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class VehicleTransferForm(StyledForm):
    new_owner = forms.IntegerField(label=_("New owner (customer number)"), min_value=1)
    on = forms.DateField(label=_("Date of the transfer"), widget=DateInput)
    how = forms.ChoiceField(
        label=_("How"),
        choices=[
            (OwnershipHow.TRANSFERRED, OwnershipHow.TRANSFERRED.label),
            (OwnershipHow.BOUGHT_HERE, OwnershipHow.BOUGHT_HERE.label),
        ],  # fmt: skip
        initial=OwnershipHow.TRANSFERRED,
    )
