"""Forms of the verification workflow."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from autocrm.core.forms import StyledForm
from autocrm.quality.models import SampleMethod
from autocrm.quality.services import MAX_SAMPLE_SIZE
from autocrm.quality.verification import CallOutcome

#: The largest seed stored (VerificationSample.seed is a PositiveIntegerField)
MAX_SEED = 2**31 - 1


class SampleDrawForm(StyledForm):
    name = forms.CharField(label=_("Sample name"), max_length=100)
    method = forms.ChoiceField(
        label=_("Method"), choices=SampleMethod.choices, initial=SampleMethod.RANDOM
    )
    size = forms.IntegerField(
        label=_("Sample size"), min_value=1, max_value=MAX_SAMPLE_SIZE, initial=100
    )
    seed = forms.IntegerField(
        label=_("Random seed"),
        min_value=0,
        max_value=MAX_SEED,
        required=False,
        help_text=_("Leave empty for a new random draw; the same seed draws the same records."),
    )


class CallForm(StyledForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=CallOutcome.choices, widget=forms.RadioSelect
    )
    name_ok = forms.BooleanField(label=_("Name confirmed"), required=False)
    mobile_ok = forms.BooleanField(label=_("Mobile confirmed"), required=False)
    address_ok = forms.BooleanField(label=_("Address confirmed"), required=False)
    direct_mail_ok = forms.BooleanField(label=_("Address good for direct mail"), required=False)
    name = forms.CharField(label=_("Corrected name"), required=False, max_length=100)
    mobile = forms.CharField(label=_("Corrected mobile"), required=False, max_length=40)
    address = forms.CharField(label=_("Corrected address"), required=False, max_length=200)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def corrections(self) -> dict[str, str]:
        return {
            f: self.cleaned_data[f].strip()
            for f in ("name", "mobile", "address")
            if self.cleaned_data.get(f, "").strip()
        }
