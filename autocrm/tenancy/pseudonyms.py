"""Stable pseudonymous ids for HQ (domain.md §9: HQ works on de-identified data).

A record is shown to HQ as, e.g., `C-7F3K9Q2M4A` instead of its id: the same record always
gets the same pseudonym (so a pair of duplicates or a record in two reports can be followed),
but the id cannot be read back from it without the server's secret key (an HMAC of the id)."""

from __future__ import annotations

import base64

from django.utils.crypto import salted_hmac

_PREFIXES = {"customer": "C", "vehicle": "V"}


def pseudonym(kind: str, pk: int) -> str:
    """`C-XXXXXXXXXX` for a customer, `V-…` for a vehicle: ten characters of base 32 of an HMAC
    of the record's kind and id (50 bits: a collision among a million records is unlikely)."""
    digest = salted_hmac("autocrm.tenancy.pseudonym", f"{kind}:{pk}", algorithm="sha256").digest()
    return f"{_PREFIXES[kind]}-{base64.b32encode(digest).decode()[:10]}"
