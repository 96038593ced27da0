"""Verification samples and calls (回访核实), domain.md §2."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from autocrm.customers.models import Customer
from autocrm.quality.verification import CallOutcome
from autocrm.tenancy.models import Dealer


class SampleMethod(models.TextChoices):
    RANDOM = "random", _("Random sample")
    LOWEST = "lowest", _("Lowest-scoring records")


class VerificationSample(models.Model):
    """A set of records drawn for customer relations to phone and verify."""

    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, verbose_name=_("dealer"))
    name = models.CharField(_("name"), max_length=100)
    method = models.CharField(_("method"), max_length=10, choices=SampleMethod.choices)
    size = models.PositiveIntegerField(_("sample size"))
    seed = models.PositiveIntegerField(_("random seed"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("drawn by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ScopedManager(dealer="dealer")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("verification sample")

    def __str__(self) -> str:
        return self.name


class VerificationCall(models.Model):
    """One sampled record and the outcome of phoning it (blank outcome = still to call)."""

    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, verbose_name=_("dealer"))
    sample = models.ForeignKey(VerificationSample, on_delete=models.CASCADE, related_name="calls")
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="verification_calls"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=CallOutcome.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    name_ok = models.BooleanField(_("name confirmed"), default=False)
    mobile_ok = models.BooleanField(_("mobile confirmed"), default=False)
    address_ok = models.BooleanField(_("address confirmed"), default=False)
    direct_mail_ok = models.BooleanField(_("valid for direct mail"), default=False)
    accepted_interview = models.BooleanField(_("accepted the interview"), default=False)
    fully_valid = models.BooleanField(_("fully valid"), default=False)
    valid_for_direct_mail = models.BooleanField(_("valid for direct mail"), default=False)
    corrections = models.JSONField(_("corrections"), default=dict, blank=True)
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("called by"),
    )
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)

    objects = ScopedManager(dealer="dealer")

    class Meta:
        ordering = ["id"]
        verbose_name = _("verification call")
        constraints = [
            models.UniqueConstraint(fields=["sample", "customer"], name="verification_once"),
        ]
        indexes = [models.Index(fields=["sample", "outcome"], name="verif_sample_outcome")]

    def __str__(self) -> str:
        return f"{self.sample_id}/{self.customer_id}: {self.outcome or '-'}"


class QualitySnapshot(models.Model):
    """One month's quality figures of one responsible employee (staff None: unassigned).

    Taken nightly for the current month (the last run of a month is its final figure).
    `reconstructed` rows were rebuilt afterwards from the records' creation dates with their
    current scores, for months before snapshots were taken.
    """

    dealer = models.ForeignKey(Dealer, on_delete=models.CASCADE, verbose_name=_("dealer"))
    month = models.DateField(_("month"))  # first day of the month
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    department = models.CharField(_("department"), max_length=20, blank=True)
    records = models.PositiveIntegerField(_("records"))
    accuracy_sum = models.BigIntegerField(default=0)
    completeness_sum = models.BigIntegerField(default=0)
    accuracy_good = models.PositiveIntegerField(default=0)
    accuracy_poor = models.PositiveIntegerField(default=0)
    completeness_good = models.PositiveIntegerField(default=0)
    reconstructed = models.BooleanField(default=False)
    taken_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(dealer="dealer")

    class Meta:
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "month", "staff"],
                name="quality_snapshot_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dealer_id} {self.month:%Y-%m} staff {self.staff_id}: {self.records}"
