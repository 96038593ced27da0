"""A dealer's business calendar: its weekly opening hours, whether it closes on the statutory
holidays, and its own exception days. Read as a `rules.business_time.BusinessHours` value by
`autocrm.core.calendar`; written only by `autocrm.core.calendar_services`.

Hours are stored as JSON lists of ["HH:MM", "HH:MM"] pairs (opens, closes), sorted and not
overlapping; the services check them before saving.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from autocrm.tenancy.models import Dealer

#: Our default day: 08:30–12:00 and 13:30–18:00 (the gap is the lunch break).
DEFAULT_DAY_HOURS = (("08:30", "12:00"), ("13:30", "18:00"))


def default_weekly_hours() -> list[list[list[str]]]:
    """Our default week: a 4S store is open seven days a week, every day DEFAULT_DAY_HOURS."""
    return [[list(pair) for pair in DEFAULT_DAY_HOURS] for _day in range(7)]


class BusinessCalendar(models.Model):
    """One dealer's opening hours. A dealer without a row has the default (no row needed)."""

    dealer = models.OneToOneField(
        Dealer,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("dealer"),
    )
    #: 7 lists (Monday first) of ["HH:MM", "HH:MM"] pairs; an empty list is a closed weekday.
    weekly_hours = models.JSONField(_("weekly hours"), default=default_weekly_hours)
    closes_on_public_holidays = models.BooleanField(_("closed on public holidays"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,  # never looked up by who changed it
        related_name="+",
        verbose_name=_("updated by"),
    )

    objects = ScopedManager(dealer="dealer")  # type: ignore[django-manager-missing]  # built at run time by django-scopes

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return f"business calendar of dealer #{self.dealer_id}"


class CalendarDay(models.Model):
    """A day of one dealer that differs from its weekly hours and the statutory holidays:
    closed (店庆, a training day), or open with its own hours, including a public holiday it
    opens on. An open day with no hours has the hours of its weekday."""

    dealer = models.ForeignKey(
        Dealer,
        on_delete=models.CASCADE,
        db_index=False,  # the unique (dealer, day) index leads with it
        related_name="+",
        verbose_name=_("dealer"),
    )
    day = models.DateField(_("day"))
    is_open = models.BooleanField(_("open on the day"), default=False)
    #: ["HH:MM", "HH:MM"] pairs; empty: the hours of the day's weekday.
    hours = models.JSONField(_("opening hours"), default=list, blank=True)
    name = models.CharField(_("occasion"), max_length=50, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("updated by"),
    )

    objects = ScopedManager(dealer="dealer")  # type: ignore[django-manager-missing]  # built at run time by django-scopes

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["dealer", "day"], name="calendar_day_unique"),
        ]

    def __str__(self) -> str:
        state = "open" if self.is_open else "closed"
        return f"{self.day:%Y-%m-%d} {state} {self.name}".strip()
