"""Monthly quality snapshots per responsible employee: the trend of the quality reports."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from autocrm.customers.models import Customer
from autocrm.quality.models import QualitySnapshot
from autocrm.tenancy.models import Dealer


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_months(today: date, count: int) -> list[date]:
    """The first days of the `count` months before today's month, oldest first."""
    months: list[date] = []
    current = month_start(today)
    for _ in range(count):
        current = month_start(current - timedelta(days=1))
        months.append(current)
    return months[::-1]


def _rows(qs: QuerySet[Customer]) -> list[dict]:
    good, fair = settings.QUALITY["LEVEL_GOOD"], settings.QUALITY["LEVEL_FAIR"]
    return list(
        qs.values("responsible_staff_id", "responsible_staff__department")
        .annotate(
            records=Count("id"),
            accuracy_sum=Sum("accuracy_score"),
            completeness_sum=Sum("completeness_score"),
            accuracy_good=Count("id", filter=Q(accuracy_score__gte=good)),
            accuracy_poor=Count("id", filter=Q(accuracy_score__lt=fair)),
            completeness_good=Count("id", filter=Q(completeness_score__gte=good)),
        )
        .order_by()
    )


def _active(dealer: Dealer) -> QuerySet[Customer]:
    return Customer.objects.filter(dealer=dealer, is_active=True, merged_into__isnull=True)


@transaction.atomic
def quality_snapshot_take(*, dealer: Dealer, month: date | None = None) -> int:
    """Store this month's figures per employee (again: re-running replaces them)."""
    month = month_start(month or timezone.localdate())
    return _store(dealer, month, _rows(_active(dealer)), reconstructed=False)


@transaction.atomic
def quality_snapshot_reconstruct(*, dealer: Dealer, months: int = 12) -> int:
    """Rebuild the months before snapshots were taken, from the records that existed at each
    month's end with their current scores. Months with a real snapshot are left alone."""
    tz = timezone.get_current_timezone()
    taken = set(
        QualitySnapshot.objects.filter(dealer=dealer, reconstructed=False).values_list(
            "month", flat=True
        )
    )
    written = 0
    for month in previous_months(timezone.localdate(), months):
        if month in taken:
            continue
        next_month = month_start(month + timedelta(days=32))
        end = timezone.make_aware(datetime.combine(next_month, time.min), tz)
        rows = _rows(_active(dealer).filter(created_at__lt=end))
        written += _store(dealer, month, rows, reconstructed=True)
    return written


def _store(dealer: Dealer, month: date, rows: list[dict], *, reconstructed: bool) -> int:
    QualitySnapshot.objects.filter(dealer=dealer, month=month).delete()
    now = timezone.now()
    QualitySnapshot.objects.bulk_create(
        QualitySnapshot(
            dealer=dealer,
            month=month,
            staff_id=r["responsible_staff_id"],
            department=r["responsible_staff__department"] or "",
            records=r["records"],
            accuracy_sum=r["accuracy_sum"] or 0,
            completeness_sum=r["completeness_sum"] or 0,
            accuracy_good=r["accuracy_good"],
            accuracy_poor=r["accuracy_poor"],
            completeness_good=r["completeness_good"],
            reconstructed=reconstructed,
            taken_at=now,
        )
        for r in rows
    )
    return len(rows)
