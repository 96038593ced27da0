"""Duplicate detection in the background: nightly for every dealer, and on demand."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_scopes import scope, scopes_disabled
from huey import crontab
from huey.api import Result
from huey.contrib.djhuey import db_periodic_task, db_task

from autocrm.matching import detection
from autocrm.tenancy.models import Dealer, Staff

#: When the nightly run starts (server time; the demo runs in Asia/Shanghai): 02:30.
NIGHTLY = getattr(settings, "MATCHING_NIGHTLY", {"hour": "2", "minute": "30"})


def finished_value(result: Any) -> Any:
    """What a task call returned if it has already run (huey's immediate mode, as in
    development, runs it inline and returns a result holding the value), else None (queued
    for the background worker)."""
    if isinstance(result, Result):
        return result.get(blocking=False)
    return result


@db_task()
def detect_duplicates(dealer_id: int, started_by_id: int | None = None) -> int:
    """One dealer's detection run; returns the run's id."""
    with scopes_disabled():
        dealer = Dealer.objects.get(pk=dealer_id)
        staff = Staff.objects.filter(pk=started_by_id).first() if started_by_id else None
    with scope(dealer=dealer_id):
        return detection.duplicates_detect(dealer=dealer, started_by=staff).pk


@db_task()
def detect_cross_dealer_duplicates(started_by_id: int | None = None) -> int:
    staff = Staff.objects.filter(pk=started_by_id).first() if started_by_id else None
    return detection.cross_dealer_duplicates_detect(started_by=staff).pk


@db_periodic_task(crontab(**NIGHTLY))
def nightly_duplicate_detection() -> None:
    """Every active dealer, then the cross-dealer (HQ) run. Re-running is harmless."""
    with scopes_disabled():
        dealer_ids = list(Dealer.objects.values_list("pk", flat=True))
    for dealer_id in dealer_ids:
        with scope(dealer=dealer_id):
            detection.duplicates_detect(dealer=Dealer.objects.get(pk=dealer_id))
    detection.cross_dealer_duplicates_detect()
