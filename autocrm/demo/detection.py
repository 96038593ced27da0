"""Duplicate detection over the demo dealers after loading, as the nightly run would do it, so
each dealer's review queue holds candidate pairs at the first login."""

from __future__ import annotations

from django_scopes import scope, scopes_disabled

from autocrm.matching.detection import duplicates_detect
from autocrm.tenancy.models import Dealer


def demo_duplicate_detection() -> int:
    """Each dealer's duplicate detection; the candidate pairs found."""
    with scopes_disabled():
        dealers = list(Dealer.objects.order_by("id"))
    found = 0
    for dealer in dealers:
        with scope(dealer=dealer.pk):
            found += duplicates_detect(dealer=dealer).candidates_found
    return found
