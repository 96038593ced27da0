"""Nightly quality snapshot of every dealer (idempotent: a re-run replaces the month)."""

from __future__ import annotations

from django_scopes import scope, scopes_disabled
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from autocrm.quality.snapshots import quality_snapshot_take
from autocrm.tenancy.models import Dealer


@db_periodic_task(crontab(hour="1", minute="15"))
def nightly_quality_snapshot() -> None:
    with scopes_disabled():
        dealers = list(Dealer.objects.all())
    for dealer in dealers:
        with scope(dealer=dealer.pk):
            quality_snapshot_take(dealer=dealer)
