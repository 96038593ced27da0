"""Writes to the dealer's dictionaries."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from autocrm.dictionaries.defaults import DEFAULT_ENTRIES
from autocrm.dictionaries.models import DictionaryEntry, DictionaryKind
from autocrm.tenancy.models import Dealer


@transaction.atomic
def dictionaries_seed_defaults(*, dealer: Dealer, product_lines: list[str] | None = None) -> int:
    """Give a dealer the standard options (idempotent). Returns how many rows were added."""
    existing = set(DictionaryEntry.objects.filter(dealer=dealer).values_list("kind", "code"))
    rows: list[DictionaryEntry] = []
    entries = dict(DEFAULT_ENTRIES)
    if product_lines:
        entries[DictionaryKind.PRODUCT_LINE] = [(p, p) for p in product_lines]
    for kind, options in entries.items():
        for order, (code, label) in enumerate(options):
            if (kind, code) not in existing:
                rows.append(
                    DictionaryEntry(
                        dealer=dealer,
                        kind=kind,
                        code=code,
                        label=label,
                        standard_code=code,
                        sort_order=order * 10,
                    )
                )
    DictionaryEntry.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def dictionary_entry_create(
    *, dealer: Dealer, kind: str, label: str, standard_code: str
) -> DictionaryEntry:
    """Add a dealer option mapped to a standard one (e.g. 羊城晚报 → newspaper)."""
    label = label.strip()
    if not label:
        raise ValidationError({"label": _("Enter a label.")})
    standards = {code for code, _label in DEFAULT_ENTRIES.get(kind, [])}
    if standards and standard_code not in standards:
        raise ValidationError({"standard_code": _("Choose one of the standard options.")})
    count = DictionaryEntry.objects.filter(dealer=dealer, kind=kind).count()
    entry = DictionaryEntry(
        dealer=dealer,
        kind=kind,
        code=f"{standard_code or 'custom'}_{count + 1}",
        label=label,
        standard_code=standard_code or "other",
        sort_order=(count + 1) * 10,
    )
    entry.full_clean()
    entry.save()
    return entry
