"""Every write of the import: preview (nothing written to customers), apply, undo, sources.

Apply writes in batches, each inside `transaction.atomic`, and records every created or
changed record with its values before the import (`ImportChange`), so an import can be undone
and a failed one is rolled back completely.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import multiprocessing
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from autocrm.core.bulk import is_postgres
from autocrm.customers.models import Contact, Customer, Interaction, Vehicle
from autocrm.customers.names import set_name_search_fields
from autocrm.imports import quality
from autocrm.imports.columns import auto_mapping, header_signature
from autocrm.imports.matching import (
    Matcher,
    Plan,
    plan_rows,
)
from autocrm.imports.models import ImportBatch, ImportChange, ImportSource, ImportStatus
from autocrm.imports.policies import can_import_customers
from autocrm.imports.reader import ImportFileError, Sheet, read_sheet
from autocrm.imports.rows import RowError, RowValidator, ValidRow, date_orders_for
from autocrm.imports.writing import (
    BatchWriter,
    WriteFailed,
    WriterThread,
    can_write_in_thread,
)
from autocrm.rules.names import NAME_SEARCH_FIELDS
from autocrm.rules.scoring import VehicleFacts
from autocrm.tenancy.models import Dealer, Staff

log = logging.getLogger(__name__)

#: Errors kept on the batch for the preview page (the rejected-rows file has them all).
MAX_STORED_ERRORS = 1000
WRITE_BATCH = 5000
#: Files with at least this many rows are validated in worker processes.
PARALLEL_MIN_ROWS = 20_000
PARALLEL_WORKERS = 4
PARALLEL_CHUNK = 5_000
PARALLEL_WARM_UP = 20
#: Validation workers run at a lower CPU priority: they run ahead of the writing, which (with
#: PostgreSQL) is what the import waits for at the end; ahead at equal priority, they take the
#: cores the writing needs (1.8 s of 19.6 s on 100,000 rows, 2 cores).
VALIDATION_NICENESS = 10


@dataclass
class Analysis:
    """The result of running the pipeline over a file (nothing written)."""

    sheet: Sheet
    mapping: list[str]
    rows: list[ValidRow]
    plan: Plan
    errors: list[RowError] = field(default_factory=list)
    notes: list[RowError] = field(default_factory=list)


def _ensure_can_import(actor: Staff) -> None:
    if not can_import_customers(actor):
        raise PermissionDenied(_("Your role may not import customers."))


def staff_names(dealer_id: int) -> dict[str, int]:
    """Display names and user names of the dealer's staff → id (for the 顾问 column)."""
    names: dict[str, int] = {}
    for pk, username, display in Staff.objects.filter(dealer_id=dealer_id).values_list(
        "id", "username", "display_name"
    ):
        for name in (display, username, username.lower()):
            if name:
                names.setdefault(name, pk)
    return names


@dataclass(frozen=True)
class _Work:
    """What validating a range of rows needs (inherited by forked workers, not pickled)."""

    validator: RowValidator
    sheet: Sheet
    dealer_province: str
    now: datetime


def _validate_range(work: _Work, start: int, stop: int) -> list[ValidRow]:
    """Validate rows; a valid row also gets what its customer would store if it were a new
    record of its own (pinyin, scores), so the writer does not compute it one row at a time."""
    rows = []
    sheet, validator = work.sheet, work.validator
    for index in range(start, stop):
        cells = sheet.rows[index]
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        row = validator.validate(sheet.row_number(index), cells)
        if not row.errors:
            vin = row.vehicle.get("vin") if row.vehicle else None
            row.derived = quality.new_customer_derived(
                row.customer,
                dealer_province=work.dealer_province,
                vehicles=[VehicleFacts(vin, row.vehicle.get("purchase_date"), False)]
                if vin
                else [],
                now=work.now,
            )
        rows.append(row)
    return rows


#: What forked validation workers read (set just before the pool forks, so the rows are
#: inherited by the children instead of being pickled to them).
_WORK: _Work | None = None


def _validate_chunk(bounds: tuple[int, int]) -> list[ValidRow]:
    assert _WORK is not None
    return _validate_range(_WORK, *bounds)


def _workers() -> int:
    """Worker processes for validation: one per core, but none where forking is unsafe (no
    fork on this platform, or other threads running — e.g. a threaded web server — whose
    locks a forked child could inherit held)."""
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return 1
    return min(PARALLEL_WORKERS, os.cpu_count() or 1)


def validate_rows(work: _Work) -> list[ValidRow]:
    """Validate every non-empty row, in file order.

    Validation is pure Python work without database access, so a large file is split into
    chunks validated by forked worker processes (one per core); the results are the same as
    validating row by row in this process."""
    total = len(work.sheet.rows)
    workers = _workers()
    step = max(1, min(PARALLEL_CHUNK, -(-(total - PARALLEL_WARM_UP) // max(workers, 1))))
    return [row for rows, _done in validated_chunks(work, step) for row in rows]


def validated_chunks(work: _Work, size: int) -> Iterator[tuple[list[ValidRow], int]]:
    """The rows validated chunk by chunk in file order, each chunk with the number of sheet
    rows it covered (for progress). A large file's chunks are validated by forked worker
    processes that run ahead while the caller works on the chunks already done — applying
    an import writes one chunk while the next ones are checked."""
    global _WORK
    total = len(work.sheet.rows)
    workers = _workers()
    if total < max(PARALLEL_MIN_ROWS, 2 * PARALLEL_WARM_UP) or workers < 2:
        for start in range(0, total, size):
            stop = min(start + size, total)
            yield _validate_range(work, start, stop), stop - start
        return
    # The first rows here: loads the lazily built lookup tables (regions, phone metadata)
    # once, before the fork, instead of once in every worker.
    warm_up = _validate_range(work, 0, PARALLEL_WARM_UP)
    bounds = [(start, min(start + size, total)) for start in range(PARALLEL_WARM_UP, total, size)]
    _WORK = work
    try:
        with multiprocessing.get_context("fork").Pool(
            workers, initializer=os.nice, initargs=(VALIDATION_NICENESS,)
        ) as pool:
            # forked before the caller gets any rows, so before it starts threads of its own
            results = pool.imap(_validate_chunk, bounds, chunksize=1)
            yield warm_up, PARALLEL_WARM_UP
            for (start, stop), rows in zip(bounds, results, strict=True):
                yield rows, stop - start
    finally:
        _WORK = None


@contextlib.contextmanager
def _bulk_work() -> Iterator[None]:
    """No cyclic garbage collection while an import builds its millions of short-lived
    objects (cells, rows, values): each collection would walk them all again, which cost a
    100,000-row file a sixth of its time. Reference counting still frees them; the next
    automatic collection picks up the few cycles (an explicit one here would walk the whole
    heap once more, 1.3 s after a 100,000-row import)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # What the import made and still holds (the rows, the plan) sits in the youngest
            # generation: the first collection after enabling would walk all of it (0.9 s
            # after a 100,000-row file). Frozen and unfrozen, it moves to the oldest
            # generation unwalked, as if it had survived collections; reference counting
            # frees it as usual. Not in a process that froze objects of its own (a pre-fork
            # server): unfreezing would release those too.
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _work_for(
    dealer_id: int, sheet: Sheet, mapping: Sequence[str], today: date | None = None
) -> _Work:
    validator = RowValidator(
        sheet.headers,
        mapping,
        staff_by_name=staff_names(dealer_id),
        today=today or timezone.localdate(),
        date_orders=date_orders_for(sheet.rows, mapping),
    )
    province = Dealer.objects.filter(pk=dealer_id).values_list("province", flat=True).first()
    return _Work(validator, sheet, province or "", timezone.now())


def _full_mapping(sheet: Sheet, mapping: Sequence[str]) -> list[str]:
    return list(mapping) + [""] * (len(sheet.headers) - len(mapping))


def analyse(
    *, dealer_id: int, sheet: Sheet, mapping: Sequence[str], today: date | None = None
) -> Analysis:
    """Clean, validate and match every row (reads the database, writes nothing)."""
    mapping = _full_mapping(sheet, mapping)
    rows = validate_rows(_work_for(dealer_id, sheet, mapping, today))
    plan = plan_rows(rows, Matcher(dealer_id))
    return _analysis(sheet, mapping, rows, plan)


def _analysis(sheet: Sheet, mapping: list[str], rows: list[ValidRow], plan: Plan) -> Analysis:
    errors = [e for r in rows for e in r.errors]
    notes = [n for r in rows if not r.errors for n in r.notes]
    return Analysis(sheet=sheet, mapping=mapping, rows=rows, plan=plan, errors=errors, notes=notes)


def _store_file(content: bytes, filename: str, digest: str) -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}{PurePath(filename).suffix.lower()}"
    if not path.exists():
        path.write_bytes(content)
    return path


def _source_for(dealer_id: int, headers: Sequence[str]) -> ImportSource | None:
    return ImportSource.objects.filter(
        dealer_id=dealer_id, header_signature=header_signature(headers)
    ).first()


def _record_analysis(batch: ImportBatch, analysis: Analysis) -> None:
    counts = analysis.plan.counts()
    batch.count_new = counts["new"]
    batch.count_updated = counts["updated"]
    batch.count_unchanged = counts["unchanged"]
    batch.count_rejected = counts["rejected"]
    batch.rows_total = len(analysis.rows)
    batch.errors = [e.as_dict() for e in analysis.errors[:MAX_STORED_ERRORS]]
    batch.notes = [n.as_dict() for n in analysis.notes[:MAX_STORED_ERRORS]]


def import_preview(
    *,
    actor: Staff,
    content: bytes,
    filename: str,
    source: ImportSource | None = None,
    mapping: Sequence[str] | None = None,
) -> tuple[ImportBatch, Analysis]:
    """Read and check a file; record a previewed batch. Customers are not touched.

    The column mapping is, in order: the one given, the chosen saved source's, the saved
    source recognised by the header row, else the automatic one from the header names.
    Raises ImportFileError when the file cannot be read.
    """
    _ensure_can_import(actor)
    with _bulk_work():
        return _preview(actor, content, filename, source, mapping)


def _preview(
    actor: Staff,
    content: bytes,
    filename: str,
    source: ImportSource | None,
    mapping: Sequence[str] | None,
) -> tuple[ImportBatch, Analysis]:
    sheet = read_sheet(content, filename)
    source, mapping = _mapping_for(actor, sheet, source, mapping)
    analysis = analyse(dealer_id=actor.dealer_id, sheet=sheet, mapping=mapping)
    batch = _new_batch(actor, content, filename, sheet, analysis.mapping, source)
    _record_analysis(batch, analysis)
    batch.save()
    return batch, analysis


def _mapping_for(
    actor: Staff, sheet: Sheet, source: ImportSource | None, mapping: Sequence[str] | None
) -> tuple[ImportSource | None, list[str]]:
    """The column mapping (see `import_preview`) and the saved source it comes from."""
    if source is not None and source.dealer_id != actor.dealer_id:
        raise PermissionDenied
    if mapping is None:
        known = _source_for(actor.dealer_id, sheet.headers)
        if source is not None and known != source:
            # A chosen source whose header row differs: map the columns it knows by name.
            by_header = dict(zip(source.headers, source.mapping, strict=False))
            automatic = auto_mapping(sheet.headers, sheet.rows)
            mapping = [
                by_header.get(h, auto) for h, auto in zip(sheet.headers, automatic, strict=True)
            ]
            used = [key for key in mapping if key]
            if len(used) != len(set(used)):
                mapping = [by_header.get(h, "") for h in sheet.headers]
        elif known is not None:
            source, mapping = known, known.mapping
        else:
            mapping = auto_mapping(sheet.headers, sheet.rows)
    return source, _full_mapping(sheet, mapping)


def _new_batch(
    actor: Staff,
    content: bytes,
    filename: str,
    sheet: Sheet,
    mapping: list[str],
    source: ImportSource | None,
) -> ImportBatch:
    digest = hashlib.sha256(content).hexdigest()
    return ImportBatch(
        dealer_id=actor.dealer_id,
        uploaded_by=actor,
        file_name=PurePath(filename).name[:255],
        sha256=digest,
        stored_path=str(_store_file(content, filename, digest)),
        header_row=sheet.header_row_number,
        headers=sheet.headers,
        mapping=mapping,
        source=source,
    )


def import_file(*, actor: Staff, content: bytes, filename: str) -> tuple[ImportBatch, Analysis]:
    """Check and write a file in one pass (the command line without --dry-run): the same
    checks and writes as a preview followed by `import_apply`, but the rows are written chunk
    by chunk while the next chunks are still being checked. Returns the batch (applied, or
    failed with nothing written) and what was found in the file.
    Raises ImportFileError when the file cannot be read."""
    _ensure_can_import(actor)
    with _bulk_work():
        sheet = read_sheet(content, filename)
        source, mapping = _mapping_for(actor, sheet, None, None)
        batch = _new_batch(actor, content, filename, sheet, mapping, source)
        batch.rows_total = len(sheet.rows)
        batch.save()
        return _apply(actor, batch, WRITE_BATCH, sheet=sheet)


def batch_content(batch: ImportBatch) -> bytes:
    try:
        return Path(batch.stored_path).read_bytes()
    except OSError as exc:
        raise ImportFileError(_("The uploaded file is no longer available.")) from exc


def batch_sheet(batch: ImportBatch) -> Sheet:
    return read_sheet(batch_content(batch), batch.file_name)


def batch_analysis(batch: ImportBatch) -> Analysis:
    return analyse(dealer_id=batch.dealer_id, sheet=batch_sheet(batch), mapping=batch.mapping)


@transaction.atomic
def import_remap(
    *, actor: Staff, batch: ImportBatch, mapping: Sequence[str], save_as: str = ""
) -> tuple[ImportBatch, Analysis]:
    """Apply a corrected column mapping to a previewed batch; optionally save it as a named
    source, reused automatically for files with the same header row."""
    _ensure_can_import(actor)
    if batch.dealer_id != actor.dealer_id or batch.status != ImportStatus.PREVIEWED:
        raise PermissionDenied
    mapping = list(mapping)
    used = [key for key in mapping if key]
    if len(used) != len(set(used)):
        raise ValidationError(_("Each field can be mapped to one column only."))
    batch.mapping = mapping
    analysis = batch_analysis(batch)
    _record_analysis(batch, analysis)
    if save_as.strip():
        source, _created = ImportSource.objects.update_or_create(
            dealer_id=batch.dealer_id,
            header_signature=header_signature(batch.headers),
            defaults={
                "name": save_as.strip()[:60],
                "headers": batch.headers,
                "mapping": mapping,
                "created_by": actor,
                "updated_at": timezone.now(),
            },
        )
        batch.source = source
    batch.save()
    return batch, analysis


# --- apply ------------------------------------------------------------------------------


def _from_json(model: type, values: dict[str, Any]) -> dict[str, Any]:
    return {k: model._meta.get_field(k).to_python(v) for k, v in values.items()}


class ApplyError(Exception):
    pass


def import_apply(
    *,
    actor: Staff,
    batch: ImportBatch,
    batch_size: int = WRITE_BATCH,
    analysis: Analysis | None = None,
) -> ImportBatch:
    """Write a previewed import. The rows are matched and written `batch_size` rows at a time,
    each write batch atomic; when one fails, what the earlier batches wrote is undone and the
    import is marked failed, so nothing stays half-written.

    `analysis` may pass the preview's checked rows when applying right after it in the same
    process; otherwise the stored file is read and checked again (chunk by chunk, while the
    chunks already checked are written). Either way the rows are matched against the records
    as they are now."""
    _ensure_can_import(actor)
    if batch.dealer_id != actor.dealer_id:
        raise PermissionDenied
    with _bulk_work():
        return _apply(actor, batch, batch_size, analysis=analysis)[0]


def _apply(
    actor: Staff,
    batch: ImportBatch,
    batch_size: int,
    *,
    analysis: Analysis | None = None,
    sheet: Sheet | None = None,
) -> tuple[ImportBatch, Analysis | None]:
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.PREVIEWED).update(
        status=ImportStatus.APPLYING, rows_done=0
    )
    if not claimed:
        raise ValidationError(_("This import has already been applied."))
    batch.refresh_from_db()
    chunk: list[ValidRow] = []
    result: Analysis | None = None
    try:
        if analysis is not None and analysis.mapping == batch.mapping:
            sheet = analysis.sheet
            rows = analysis.rows
            parts = (rows[i : i + batch_size] for i in range(0, len(rows), batch_size))
            chunks: Iterator[tuple[list[ValidRow], int]] = ((p, len(p)) for p in parts)
            covered = len(rows)
        else:
            if sheet is None:
                sheet = batch_sheet(batch)
            work = _work_for(batch.dealer_id, sheet, batch.mapping)
            chunks = validated_chunks(work, batch_size)
            covered = len(sheet.rows)
        plan = Plan()
        matcher = Matcher(batch.dealer_id)
        threaded = can_write_in_thread() and covered > batch_size
        writer = BatchWriter(batch=batch, actor=actor, plan=plan, reserve_ids=is_postgres())
        ImportBatch.objects.filter(pk=batch.pk).update(written_at=writer.now)
        batch.written_at = writer.now
        all_rows: list[ValidRow] = []
        done = 0
        thread: WriterThread | None = None
        try:
            for chunk, width in chunks:
                all_rows += chunk
                plan_rows(chunk, matcher, plan)
                done += width
                rows_done = round(batch.rows_total * done / covered) if covered else 0
                job = writer.take(
                    writer.add(chunk), chunk, rows_done, lookups_follow=matcher.looks_up_keys
                )
                if threaded:  # written while the next chunk is planned
                    # started once the first chunk is here: validation has forked its workers
                    thread = thread or WriterThread(writer)
                    writer.settle(job)
                    thread.submit(job)
                    continue
                try:
                    writer.write(job)
                except Exception as exc:
                    raise WriteFailed(job) from exc
                writer.settle(job)
        finally:
            if thread is not None:
                thread.close()  # raises the WriteFailed of a failed job
        chunk = []
        result = _analysis(sheet, batch.mapping, all_rows, plan)
        _record_analysis(batch, result)
    except Exception as exc:  # noqa: BLE001 - any failure rolls the import back
        log.exception("import %s failed", batch.pk)
        first_row = min((r.number for r in chunk if not r.errors), default=None)
        if isinstance(exc, WriteFailed):
            first_row, exc = exc.job.first_row, exc.__cause__ or exc
        _rollback(batch)
        message = str(exc)
        if first_row is not None:
            message = _("Failed while writing the rows from row %(row)d on: %(error)s") % {
                "row": first_row,
                "error": exc,
            }
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportStatus.FAILED, error_message=message[:2000], finished_at=timezone.now()
        )
        batch.refresh_from_db()
        return batch, result
    batch.status = ImportStatus.APPLIED
    batch.rows_done = batch.rows_total
    batch.finished_at = timezone.now()
    batch.save()
    return batch, result


# --- undo -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    """One record an import created or changed (an `ImportChange` lists several creations)."""

    model: str
    object_id: int
    action: str
    before: dict[str, Any]


def _entries(batch: ImportBatch) -> list[_Entry]:
    return [
        _Entry(change.model, pk, change.action, change.before)
        for change in ImportChange.objects.filter(batch=batch).order_by("id")
        for pk in change.ids()
    ]


@dataclass
class UndoConflict:
    model: str
    object_id: int
    label: str
    reason: str


def _conflicts(batch: ImportBatch) -> list[UndoConflict]:
    conflicts: list[UndoConflict] = []
    changes = _entries(batch)
    created_vehicles = {
        c.object_id for c in changes if c.model == "vehicle" and c.action == "created"
    }
    for model_name, model in (("customer", Customer), ("vehicle", Vehicle)):
        ids = [c.object_id for c in changes if c.model == model_name]
        later: set[int] = set()
        existing: set[int] = set()
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            existing |= set(model.objects.filter(pk__in=chunk).values_list("pk", flat=True))
            later |= set(
                model.history.filter(id__in=chunk, history_date__gt=batch.written_at)
                .values_list("id", flat=True)
                .distinct()
            )
        for change in changes:
            if change.model != model_name:
                continue
            if change.object_id not in existing and change.action == "updated":
                reason = _("deleted since the import")
            elif change.object_id in later and change.object_id in existing:
                reason = _("changed since the import")
            else:
                continue
            conflicts.append(UndoConflict(model_name, change.object_id, "", reason))
    labels = dict(
        Customer.objects.filter(
            pk__in=[c.object_id for c in conflicts if c.model == "customer"][:10]
        ).values_list("pk", "name")
    )
    for conflict in conflicts:
        conflict.label = labels.get(conflict.object_id) or f"#{conflict.object_id}"
    created_customers = [
        c.object_id for c in changes if c.model == "customer" and c.action == "created"
    ]
    extra = (
        set(
            Vehicle.objects.filter(customer_id__in=created_customers)
            .exclude(pk__in=created_vehicles)
            .values_list("customer_id", flat=True)
        )
        | set(
            Contact.objects.filter(customer_id__in=created_customers).values_list(
                "customer_id", flat=True
            )
        )
        | set(
            Interaction.objects.filter(customer_id__in=created_customers).values_list(
                "customer_id", flat=True
            )
        )
    )
    for customer in Customer.objects.filter(pk__in=extra):
        conflicts.append(
            UndoConflict("customer", customer.pk, str(customer), _("has records added since"))
        )
    return conflicts


def _rollback(batch: ImportBatch) -> None:
    """Remove what the import wrote, without checks (used when applying failed)."""
    with transaction.atomic():
        _revert(batch, actor=None, reason=_("Rolled back failed import #%(id)d") % {"id": batch.pk})


def _revert(batch: ImportBatch, *, actor: Staff | None, reason: str) -> dict[str, int]:
    changes = _entries(batch)
    result = {"deleted": 0, "restored": 0}
    for model_name, model in (("vehicle", Vehicle), ("customer", Customer)):
        mine = [c for c in changes if c.model == model_name]
        created = [c.object_id for c in mine if c.action == "created"]
        for start in range(0, len(created), 1000):
            deleted, _detail = model.objects.filter(pk__in=created[start : start + 1000]).delete()
            result["deleted"] += len(created[start : start + 1000])
        # A record the import changed more than once (the same customer in several write
        # batches) gets, per field, its value from before the first change.
        before_of: dict[int, dict[str, Any]] = {}
        for change in mine:
            if change.action == "updated":
                earliest = before_of.setdefault(change.object_id, {})
                for key, value in change.before.items():
                    earliest.setdefault(key, value)
        if before_of:
            current = model.objects.in_bulk(list(before_of))
            objs, fields = [], set()
            for object_id, before in before_of.items():
                obj = current.get(object_id)
                if obj is None:
                    continue
                for key, value in _from_json(model, before).items():
                    setattr(obj, key, value)
                    fields.add(key)
                if model is Customer and ("name" in before or "kind" in before):
                    set_name_search_fields(obj)
                    fields |= set(NAME_SEARCH_FIELDS)
                objs.append(obj)
            if objs:
                bulk_update_with_history(
                    objs, model, sorted(fields), batch_size=1000,
                    default_user=actor, default_change_reason=reason,
                )  # fmt: skip
                result["restored"] += len(objs)
    touched = {
        c.object_id for c in changes if c.model == "customer" and c.action == "updated"
    } | set(
        Vehicle.objects.filter(
            pk__in=[c.object_id for c in changes if c.model == "vehicle"]
        ).values_list("customer_id", flat=True)
    )
    quality.refresh_scores(touched, now=timezone.now())
    ImportChange.objects.filter(batch=batch).delete()
    return result


@transaction.atomic
def import_undo(*, actor: Staff, batch: ImportBatch) -> dict[str, int]:
    """Undo an applied import: created customers and vehicles are deleted, changed fields get
    their values from before the import. Refused, naming the records, when any of them was
    changed after the import (undoing would throw that work away)."""
    _ensure_can_import(actor)
    if batch.dealer_id != actor.dealer_id:
        raise PermissionDenied
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportStatus.APPLIED:
        raise ValidationError(_("Only an applied import can be undone."))
    conflicts = _conflicts(batch)
    if conflicts:
        names = "、".join(f"{c.label}（{c.reason}）" for c in conflicts[:10])
        more = len(conflicts) - 10
        message = _("Cannot undo: %(n)d records were changed after the import: %(names)s") % {
            "n": len(conflicts),
            "names": names,
        }
        if more > 0:
            message += " …"
        raise ValidationError(message)
    result = _revert(batch, actor=actor, reason=_("Undo import #%(id)d") % {"id": batch.pk})
    batch.status = ImportStatus.UNDONE
    batch.undone_at = timezone.now()
    batch.undone_by = actor
    batch.save(update_fields=["status", "undone_at", "undone_by"])
    return result
