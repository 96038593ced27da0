"""Import batches, their per-record change log (for undo) and saved column mappings."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from autocrm.tenancy.models import Dealer


class ImportStatus(models.TextChoices):
    ANALYSING = "analysing", _("Checking the file")
    PREVIEWED = "previewed", _("Previewed")
    APPLYING = "applying", _("Applying")
    APPLIED = "applied", _("Applied")
    FAILED = "failed", _("Failed")
    UNDONE = "undone", _("Undone")


class ImportSource(models.Model):
    """A saved column mapping for one kind of file (e.g. "DMS export"), recognised by its
    header row and reused automatically."""

    dealer = models.ForeignKey(Dealer, on_delete=models.CASCADE, verbose_name=_("dealer"))
    name = models.CharField(_("source name"), max_length=60)
    header_signature = models.CharField(max_length=40)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=list)  # one target key (or "") per column
    #: Consultant names of this source's files → staff id here (None: leave unassigned)
    staff_mapping = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(dealer="dealer")

    class Meta:
        verbose_name = _("import source")
        constraints = [
            models.UniqueConstraint(
                fields=["dealer", "header_signature"], name="import_source_signature"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    """One uploaded file: its preview, its application and possibly its undo."""

    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, verbose_name=_("dealer"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64)
    stored_path = models.CharField(max_length=500)
    header_row = models.PositiveIntegerField(default=1)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=list)
    source = models.ForeignKey(
        ImportSource, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    count_new = models.PositiveIntegerField(_("new"), default=0)
    count_updated = models.PositiveIntegerField(_("updated"), default=0)
    count_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    count_rejected = models.PositiveIntegerField(_("rejected"), default=0)
    #: Rows imported with a value left out (kept on the record, flagged): among new/updated/…
    count_problems = models.PositiveIntegerField(_("imported with problems"), default=0)
    #: Chosen at preview: consultant names in the file → staff id (None: unassigned)
    staff_mapping = models.JSONField(default=dict, blank=True)
    #: Consultant names in the file that no staff member here has → number of rows
    unknown_staff = models.JSONField(default=dict, blank=True)
    #: Chosen at preview: leave the rows with problems out instead of importing them
    skip_problem_rows = models.BooleanField(_("leave rows with problems out"), default=False)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # first errors, for the preview
    #: first non-blocking notes (e.g. vehicle columns dropped for want of a VIN)
    notes = models.JSONField(default=list, blank=True)
    #: first values left out of imported rows (the rows with problems), for the preview
    problems = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    #: The history date of every record this import wrote; a later history row is a later change.
    written_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("applied"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    error_message = models.TextField(blank=True)
    #: The rows with errors and problems of the last check, as the workbook to download
    #: (`export.keep_report`): kept, so that the download needs no second check of the file
    report_path = models.CharField(max_length=500, blank=True)

    objects = ScopedManager(dealer="dealer")

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["dealer", "-id"], name="import_dealer_id")]

    def __str__(self) -> str:
        return self.file_name

    @property
    def was_read(self) -> bool:
        """Whether the file was read (its header row found): a batch failed before is a
        file that could not be checked, with nothing written."""
        return bool(self.headers)

    @property
    def progress_percent(self) -> int:
        return round(100 * self.rows_done / self.rows_total) if self.rows_total else 100


class ImportChange(models.Model):
    """What one import did to its records, with the values before, so it can be undone.

    An update is one row per record (`object_id`, `before`, `after`); the records an import
    created are listed together, one row per model and write batch (`object_ids`), since
    undoing a creation needs nothing but the id.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")

    # db_index=False: read by batch only (import_change_batch)
    dealer = models.ForeignKey(Dealer, on_delete=models.CASCADE, db_index=False)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="changes", db_index=False
    )
    model = models.CharField(max_length=16)  # "customer" | "vehicle"
    object_id = models.BigIntegerField(null=True)  # updated: the record
    object_ids = models.JSONField(default=list)  # created: the records
    action = models.CharField(max_length=8, choices=Action.choices)
    before = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    after = models.JSONField(default=dict, encoder=DjangoJSONEncoder)

    objects = ScopedManager(dealer="dealer")

    class Meta:
        indexes = [models.Index(fields=["batch", "model"], name="import_change_batch")]

    def __str__(self) -> str:
        target = self.object_id if self.object_id is not None else f"×{len(self.object_ids)}"
        return f"{self.batch_id}: {self.action} {self.model} {target}"

    def ids(self) -> list[int]:
        """The records this entry is about."""
        return list(self.object_ids) if self.object_id is None else [self.object_id]


class ImportRow(models.Model):
    """What became of one sheet row: the customer (and vehicle) it went to, and its status.

    Written by the apply in bulk, with each chunk; it lists the customers an import created or
    touched and which rows it put into one customer, and keeps each row's result.
    """

    dealer = models.ForeignKey(Dealer, on_delete=models.CASCADE, db_index=False)
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="rows", db_index=False
    )
    number = models.PositiveIntegerField()  # the sheet's row number
    #: The customer the row went to as written (not moved by later merges)
    customer_id = models.BigIntegerField(null=True)
    vehicle_id = models.BigIntegerField(null=True)
    status = models.CharField(max_length=10)  # new | updated | unchanged | rejected | skipped
    problems = models.JSONField(null=True, blank=True)  # [{column, value, message}] or None

    objects = ScopedManager(dealer="dealer")

    class Meta:
        # Read by batch only (the customers an import created, the undo); an index by
        # customer would be written 100,000 times an import and read by nothing.
        indexes = [models.Index(fields=["batch", "number"], name="import_row_batch")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.number} {self.status}"
