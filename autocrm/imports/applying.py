"""Applying an import: the rows matched and written chunk by chunk, each chunk in a transaction of
its own (on PostgreSQL by a writer thread while the next chunk is planned); a failure undoes
what the earlier chunks wrote and marks the import failed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from autocrm.core.bulk import is_postgres
from autocrm.imports.analysis import Analysis, RowTally, batch_sheet, record_analysis
from autocrm.imports.export import keep_report
from autocrm.imports.matching import (
    Matcher,
    Plan,
    plan_rows,
)
from autocrm.imports.models import ImportBatch, ImportStatus
from autocrm.imports.policies import ensure_can_import, import_masked_fields
from autocrm.imports.reader import Sheet
from autocrm.imports.rows import ValidRow
from autocrm.imports.undo import import_rollback
from autocrm.imports.validation import (
    bulk_work,
    leave_out_problem_rows,
    validated_chunks,
    work_for,
)
from autocrm.imports.writing import (
    BatchWriter,
    WriteFailed,
    WriterThread,
    can_write_in_thread,
)
from autocrm.tenancy.models import Staff

log = logging.getLogger(__name__)

WRITE_BATCH = 5000


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
    ensure_can_import(actor)
    if batch.dealer_id != actor.dealer_id:
        raise PermissionDenied
    with bulk_work():
        return apply_rows(actor, batch, batch_size, analysis=analysis)[0]


def apply_rows(
    actor: Staff,
    batch: ImportBatch,
    batch_size: int,
    *,
    analysis: Analysis | None = None,
    sheet: Sheet | None = None,
) -> tuple[ImportBatch, Analysis | None]:
    """Apply a batch in its stages: 1. claim it (one apply at a time); 2. the checked rows,
    chunk by chunk (the preview's, or the stored file checked again); 3. match and write each
    chunk; 4. record what was found and mark the batch applied — or, on any failure, roll back
    what was written and mark it failed, naming the row."""
    _claim(batch)
    progress = _Progress()
    try:
        sheet, chunks, covered = _checked_chunks(batch, batch_size, analysis=analysis, sheet=sheet)
        tally, plan = _write_chunks(actor, batch, chunks, covered, batch_size, progress)
        result = tally.analysis(sheet, batch.mapping, plan)
        record_analysis(batch, result)
        keep_report(batch, result)
    except Exception as exc:  # noqa: BLE001 - any failure rolls the import back
        log.exception("import %s failed", batch.pk)
        _fail(batch, exc, progress)
        return batch, None
    batch.status = ImportStatus.APPLIED
    batch.rows_done = batch.rows_total
    batch.finished_at = timezone.now()
    batch.save()
    return batch, result


@dataclass
class _Progress:
    """The chunk being planned (to name its first row when planning it fails)."""

    chunk: list[ValidRow] = field(default_factory=list)


def _claim(batch: ImportBatch) -> None:
    """1. A previewed batch becomes applying; a second apply of the same batch is refused."""
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.PREVIEWED).update(
        status=ImportStatus.APPLYING, rows_done=0
    )
    if not claimed:
        raise ValidationError(_("This import has already been applied."))
    batch.refresh_from_db()


def _checked_chunks(
    batch: ImportBatch, batch_size: int, *, analysis: Analysis | None, sheet: Sheet | None
) -> tuple[Sheet, Iterator[tuple[list[ValidRow], int]], int]:
    """2. The checked rows in chunks of `batch_size`, each with the sheet rows it covers: the
    preview's when it is given with the batch's mapping, else the file checked again, chunk
    by chunk, while the chunks already checked are written."""
    if (
        analysis is not None
        and analysis.mapping == batch.mapping
        and analysis.staff_mapping == batch.staff_mapping
    ):
        rows = analysis.rows
        parts = (rows[i : i + batch_size] for i in range(0, len(rows), batch_size))
        return analysis.sheet, ((p, len(p)) for p in parts), len(rows)
    if sheet is None:
        sheet = batch_sheet(batch)
    work = work_for(batch.dealer_id, sheet, batch.mapping, staff_mapping=batch.staff_mapping)
    return sheet, validated_chunks(work, batch_size), len(sheet.rows)


def _write_chunks(
    actor: Staff,
    batch: ImportBatch,
    chunks: Iterator[tuple[list[ValidRow], int]],
    covered: int,
    batch_size: int,
    progress: _Progress,
) -> tuple[RowTally, Plan]:
    """3. Each chunk matched against the records as they are now and written in its own
    transaction: on PostgreSQL by a writer thread while the next chunk is planned."""
    plan = Plan(masked=import_masked_fields(actor))
    matcher = Matcher(batch.dealer_id)
    threaded = can_write_in_thread() and covered > batch_size
    writer = BatchWriter(batch=batch, actor=actor, plan=plan, reserve_ids=is_postgres())
    ImportBatch.objects.filter(pk=batch.pk).update(written_at=writer.now)
    batch.written_at = writer.now
    # what the end needs of each row (not the rows: a million of them do not fit)
    tally = RowTally()
    done = 0
    thread: WriterThread | None = None
    try:
        for chunk, width in chunks:
            progress.chunk = chunk
            if batch.skip_problem_rows:  # chosen at preview: they come to matching rejected
                leave_out_problem_rows(chunk)
            tally.add(chunk)
            plan_rows(chunk, matcher, plan)
            done += width
            rows_done = round(batch.rows_total * done / covered) if covered else 0
            job = writer.take(writer.add(chunk), chunk, rows_done)
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
    progress.chunk = []
    writer.finish()
    return tally, plan


def _fail(batch: ImportBatch, exc: Exception, progress: _Progress) -> None:
    """4'. Undo what was written and mark the batch failed, naming the first row of the chunk
    that failed."""
    first_row = min((r.number for r in progress.chunk if not r.errors), default=None)
    cause: BaseException = exc
    if isinstance(exc, WriteFailed):
        first_row, cause = exc.job.first_row, exc.__cause__ or exc
    import_rollback(batch)
    message = str(cause)
    if first_row is not None:
        message = _("Failed while writing the rows from row %(row)d on: %(error)s") % {
            "row": first_row,
            "error": cause,
        }
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.FAILED, error_message=message[:2000], finished_at=timezone.now()
    )
    batch.refresh_from_db()
