"""Duplicate detection and merge: runs, candidate pairs, merges (with everything to undo them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from autocrm.customers.models import Customer
from autocrm.tenancy.models import Dealer


class RunStatus(models.TextChoices):
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class RunStage(models.TextChoices):
    """What a running detection is doing (shown as its progress)."""

    READING = "reading", _("reading the customer records")
    COMPARING = "comparing", _("comparing likely pairs")
    SAVING = "saving", _("saving the candidate pairs")


class CandidateStatus(models.TextChoices):
    OPEN = "open", _("open")
    MERGED = "merged", _("merged")
    DISMISSED = "dismissed", _("not the same person")


class MatchRun(models.Model):
    """One run of the duplicate model: for a dealer, or across dealers for HQ (dealer empty)."""

    dealer = models.ForeignKey(
        Dealer, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("dealer")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stage = models.CharField(_("stage"), max_length=10, choices=RunStage.choices, blank=True)
    records = models.PositiveIntegerField(_("records"), default=0)
    pairs_compared = models.BigIntegerField(_("pairs compared"), default=0)
    candidates_found = models.PositiveIntegerField(_("candidates found"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)
    error = models.TextField(blank=True)

    objects = ScopedManager(dealer="dealer")

    class Meta:
        verbose_name = _("duplicate detection run")
        verbose_name_plural = _("duplicate detection runs")
        indexes = [models.Index(fields=["dealer", "-started_at"], name="matchrun_dealer")]

    def __str__(self) -> str:
        return f"{self.dealer or 'HQ'} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def step(self) -> int:
        """1-based number of the running stage among `RunStage` (0 before the first)."""
        stages = list(RunStage.values)
        return stages.index(self.stage) + 1 if self.stage in stages else 0

    @property
    def steps(self) -> int:
        return len(RunStage.values)

    @property
    def progress_percent(self) -> int:
        """Stages finished, as a share (a running stage counts half)."""
        if self.status == RunStatus.DONE:
            return 100
        return round(100 * max(self.step - 0.5, 0) / self.steps)


class DuplicateCandidate(models.Model):
    """A pair of one dealer's customers the model thinks may be the same person."""

    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, verbose_name=_("dealer"))
    customer_low = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    customer_high = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(
        MatchRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    probability = models.FloatField(_("match probability"))
    match_weight = models.FloatField(_("match weight"))
    #: Per field, how the two records compare: {"name": "same_pinyin", "mobile": "typo", …}.
    fields = models.JSONField(default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(dealer="dealer")

    class Meta:
        verbose_name = _("duplicate candidate")
        verbose_name_plural = _("duplicate candidates")
        constraints = [
            models.UniqueConstraint(fields=["customer_low", "customer_high"], name="dup_pair"),
            models.CheckConstraint(
                condition=models.Q(customer_low__lt=models.F("customer_high")),
                name="dup_pair_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["dealer", "status", "-probability"], name="dup_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_low_id} ~ {self.customer_high_id} ({self.probability:.3f})"


class CrossDealerCandidate(models.Model):
    """A person two dealers both hold (撞单), for HQ: de-identified, no personal data in clear.

    Only the customers' record numbers (for the dealers to settle it), the dealers, a masked
    name (张**), a masked mobile (138****5678) and the model's figures are kept.
    """

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="+")
    dealer_low = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="+")
    dealer_high = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="+")
    customer_low_id = models.BigIntegerField()
    customer_high_id = models.BigIntegerField()
    masked_name_low = models.CharField(max_length=20, blank=True)
    masked_name_high = models.CharField(max_length=20, blank=True)
    masked_mobile_low = models.CharField(max_length=16, blank=True)
    masked_mobile_high = models.CharField(max_length=16, blank=True)
    probability = models.FloatField(_("match probability"))
    fields = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("cross-dealer duplicate")
        verbose_name_plural = _("cross-dealer duplicates")
        indexes = [models.Index(fields=["run", "-probability"], name="xdup_run")]

    def __str__(self) -> str:
        return f"{self.dealer_low_id}:{self.customer_low_id} ~ {self.dealer_high_id}"


class Merge(models.Model):
    """One merge of a record into a survivor, with everything needed to undo it completely.

    `before` holds both customers' rows as they were; `moved` lists, per relation
    ("app_label.Model.field"), the primary keys of the rows re-pointed to the survivor, and
    `removed` the full rows deleted because the survivor already had them (a hobby both had),
    `rewrites` the vehicles joined by VIN and the numbers kept as contact points.
    """

    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, verbose_name=_("dealer"))
    survivor = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(
        DuplicateCandidate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    chosen = models.JSONField(_("chosen values"), default=dict)
    before = models.JSONField(default=dict)
    moved = models.JSONField(default=dict)
    removed = models.JSONField(default=dict)
    #: What the merge rewrote beyond moving rows (`customers.merging.rewrites_undo` logs):
    #: vehicles of one VIN joined, numbers kept as contact points of the survivor.
    rewrites = models.JSONField(default=list)
    bulk = models.BooleanField(_("bulk merge"), default=False)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    merged_at = models.DateTimeField(_("merged"), default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)

    objects = ScopedManager(dealer="dealer")

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        indexes = [models.Index(fields=["dealer", "-merged_at"], name="merge_dealer")]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"
