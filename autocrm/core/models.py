"""The activity record: one row per business action on a customer, the timeline's store.

Written only by `autocrm.core.activity` (called by each action's service, in its transaction);
read by the timeline source in `autocrm.core.selectors`. See docs/adr/0007-activity-timeline.md.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from autocrm.tenancy.models import Dealer


class CustomerIdField(models.BigIntegerField):
    """A customer's id kept without a foreign key, by an app below `customers` (which may not
    reference it). Customers are never deleted, only merged; a merge moves these columns like
    the foreign keys to a customer (customers.merging.customer_references), looking them up
    with the model's `dealer_id` beside them (index them after the dealer)."""


class Activity(models.Model):
    """Who did what to which customer, when: a verification call, a merge, a mileage reading…

    `kind` is a registered timeline kind (core.registry); `data` holds the facts its renderer
    needs. Personal data appears in `data` only where the kind's renderer masks it per viewer.
    """

    dealer = models.ForeignKey(
        Dealer,
        on_delete=models.PROTECT,
        db_index=False,  # the (dealer, customer_id, at) index leads with it
        related_name="+",
        verbose_name=_("dealer"),
    )
    customer_id = CustomerIdField(_("customer"))
    kind = models.CharField(_("kind"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,  # never looked up by actor
        related_name="+",
        verbose_name=_("staff"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    target_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = ScopedManager(dealer="dealer")  # type: ignore[django-manager-missing]  # built at run time by django-scopes

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["dealer", "customer_id", "at"], name="activity_timeline")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.customer_id} @ {self.at:%Y-%m-%d %H:%M}"


# The business calendar's models live in their own module (split by purpose); imported here so
# Django finds them in core's models.
from autocrm.core.calendar_models import BusinessCalendar, CalendarDay  # noqa: E402

__all__ = ["Activity", "BusinessCalendar", "CalendarDay", "CustomerIdField"]
