from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from autocrm.imports.models import ImportSource
from autocrm.imports.reader import CSV_SUFFIXES, SPREADSHEET_SUFFIXES

MAX_UPLOAD_MB = 50


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "Excel (.xlsx, .xls) or CSV (UTF-8 or GBK), exported from Excel, Access or a DMS."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join((*SPREADSHEET_SUFFIXES, *CSV_SUFFIXES))}
        ),
    )
    source = forms.ModelChoiceField(
        label=_("Saved source"),
        queryset=ImportSource.objects.none(),
        required=False,
        empty_label=_("Recognise automatically"),
    )

    def __init__(self, *args: Any, dealer_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = ImportSource.objects.filter(dealer_id=dealer_id).order_by(
            "name"
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_MB}
            )
        return upload
