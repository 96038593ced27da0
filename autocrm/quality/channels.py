"""Usability of the customer data per marketing channel (domain.md §2, seed 000).

A record is usable for a channel when the data that channel needs is there and believable.
Each rule is one Q expression so the share is a single aggregate over a dealer's records.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from autocrm.customers.choices import AccuracyStatus


@dataclass(frozen=True)
class Channel:
    key: str
    label: Promise
    usable: Q
    rule: Promise  # what "usable" means, shown beside the figure


_phone_ok = ~Q(mobile="") & Q(mobile_flagged_wrong=False)
_not_wrong = ~Q(accuracy_status=AccuracyStatus.WRONG)

CHANNELS: tuple[Channel, ...] = (
    Channel(
        "statistical_analysis",
        _("Statistical analysis"),
        Q(accuracy_level="good") & _not_wrong,
        _("Accuracy good (name, mobile, address, purchase records) and not found wrong"),
    ),
    Channel(
        "direct_mail",
        _("Direct mail"),
        ~Q(name="")
        & ~Q(province="")
        & ~Q(city="")
        & ~Q(street="")
        & ~Q(house_number="")
        & _not_wrong,
        _("Name and an address down to the house number, not found wrong"),
    ),
    Channel("email", _("E-mail"), ~Q(email=""), _("An e-mail address")),
    Channel("sms", _("SMS"), _phone_ok, _("A mobile not found wrong by a call")),
    Channel(
        "telephone",
        _("Telephone marketing"),
        _phone_ok | ~Q(landline=""),
        _("A mobile not found wrong, or a landline"),
    ),
)


def channel_bounds() -> dict[str, tuple[float, float]]:
    return {k: (float(a), float(b)) for k, (a, b) in settings.QUALITY["CHANNEL_BOUNDS"].items()}


def usability_level(share: float, bounds: tuple[float, float]) -> str:
    """Seed 000: below the first bound poor, between fair, at or above the second good."""
    low, high = bounds
    if share >= high:
        return "good"
    if share >= low:
        return "fair"
    return "poor"
