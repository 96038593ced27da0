"""E-mail addresses."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email as django_validate_email
from django.utils.translation import gettext_lazy as _

from autocrm.rules.text import clean_text


def validate_email(value: str) -> str:
    """Validate an e-mail address and return it trimmed with the domain lower-cased.

    Rule: Django's ``EmailValidator`` (RFC 5322 dot-atom / quoted local part, RFC 1034 domain,
    IDN allowed) after NFKC (so a full-width ``＠`` works); the local part keeps its case (it is
    case-sensitive per RFC 5321 section 2.4), the domain is lower-cased. A domain without a dot
    (e.g. ``localhost``, which Django allows) is rejected: customers do not have such addresses.
    """
    local, at, domain = clean_text(value).rpartition("@")
    normalised = f"{local}@{domain.lower()}"
    try:
        if not at or not local or "." not in domain:
            raise ValidationError("")
        django_validate_email(normalised)
    except ValidationError:
        raise ValidationError(_("Enter a valid e-mail address."), code="invalid_email") from None
    return normalised
