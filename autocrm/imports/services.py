"""The import's entry points: preview (nothing written to customers), a corrected mapping
(and its saved source), and the command line's one-pass import.

Checking the rows is `validation.py`, what a file holds `analysis.py`, writing it
`applying.py` (chunks in their own transactions, every created or changed record listed with
its values before the import in `ImportChange`), and undoing it `undo.py`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from autocrm.imports.analysis import (
    Analysis,
    analyse,
    batch_sheet,
    full_mapping,
    record_analysis,
)
from autocrm.imports.applying import WRITE_BATCH, apply_rows
from autocrm.imports.columns import auto_mapping, header_signature
from autocrm.imports.export import keep_report
from autocrm.imports.models import ImportBatch, ImportSource, ImportStatus
from autocrm.imports.policies import ensure_can_import, import_masked_fields
from autocrm.imports.reader import ImportFileError, Sheet, check_file_type, read_sheet
from autocrm.imports.validation import bulk_work
from autocrm.tenancy.models import Staff

log = logging.getLogger(__name__)


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


def import_preview(
    *,
    actor: Staff,
    content: bytes,
    filename: str,
    source: ImportSource | None = None,
    mapping: Sequence[str] | None = None,
) -> tuple[ImportBatch, Analysis]:
    """Read and check a file now (the command line's dry run); record a previewed batch.
    Customers are not touched.

    The column mapping is, in order: the one given, the chosen saved source's, the saved
    source recognised by the header row, else the automatic one from the header names.
    Raises ImportFileError when the file cannot be read (the batch is kept, failed).
    """
    batch = _uploaded(actor, content, filename, source)
    with bulk_work():
        analysis = _analyse(actor, batch, mapping=mapping)
    return batch, analysis


def import_upload(
    *, actor: Staff, content: bytes, filename: str, source: ImportSource | None = None
) -> ImportBatch:
    """Keep an uploaded file and have it checked in the background (`tasks`): the upload
    page answers at once and shows the check's progress; a file that cannot be read fails
    its batch with the reason. Raises ImportFileError for an empty file or a file type that
    cannot be imported."""
    check_file_type(content, filename)
    batch = _uploaded(actor, content, filename, source)
    _check_later(actor, batch)
    return batch


def import_check(*, actor: Staff, batch: ImportBatch) -> None:
    """Check a batch's file (the background task): read it, find its header row and mapping
    (the first time), check every row with the progress on the batch, and record the preview.
    A file that cannot be read fails the batch with the reason; nothing else is written."""
    if batch.dealer_id != actor.dealer_id:
        raise PermissionDenied
    try:
        with bulk_work():
            _analyse(actor, batch, mapping=None)
    except ImportFileError:
        pass  # recorded on the batch by `_analyse`
    except Exception as exc:  # noqa: BLE001 - any failure is the batch's, not the worker's
        log.exception("checking import %s failed", batch.pk)
        _failed(batch, _("The file could not be checked (%(error)s).") % {"error": exc})


def _uploaded(
    actor: Staff, content: bytes, filename: str, source: ImportSource | None
) -> ImportBatch:
    ensure_can_import(actor)
    if source is not None and source.dealer_id != actor.dealer_id:
        raise PermissionDenied
    digest = hashlib.sha256(content).hexdigest()
    return ImportBatch.objects.create(
        dealer_id=actor.own_dealer_id,
        uploaded_by=actor,
        file_name=PurePath(filename).name[:255],
        sha256=digest,
        stored_path=str(_store_file(content, filename, digest)),
        source=source,
        status=ImportStatus.ANALYSING,
        # the consultant names mapped for this source's earlier files
        staff_mapping=dict(source.staff_mapping) if source is not None else {},
    )


def _check_later(actor: Staff, batch: ImportBatch) -> None:
    """Mark the batch as being checked and queue its check (run at once when huey is
    immediate, as in the tests)."""
    from autocrm.imports.tasks import import_check_task

    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.ANALYSING, rows_done=0)
    batch.status, batch.rows_done = ImportStatus.ANALYSING, 0
    import_check_task(batch.pk, actor.pk)


def _failed(batch: ImportBatch, message: str) -> None:
    batch.status = ImportStatus.FAILED
    batch.error_message = message
    batch.finished_at = timezone.now()
    batch.save()


#: How often (in rows) the check's progress is written to the batch
PROGRESS_EVERY = 5_000


def _analyse(actor: Staff, batch: ImportBatch, *, mapping: Sequence[str] | None) -> Analysis:
    """Check the batch's file and record the preview on the batch (status previewed), the
    rows with errors and problems kept as the workbook to download."""
    try:
        sheet = batch_sheet(batch)
    except ImportFileError as exc:
        _failed(batch, str(exc))
        raise
    if not batch.headers or mapping is not None:  # the first check: header row and mapping
        source, chosen = _mapping_for(actor, sheet, batch.source, mapping)
        batch.source, batch.mapping = source, chosen
        batch.header_row, batch.headers = sheet.header_row_number, sheet.headers
        if source is not None and not batch.staff_mapping:
            batch.staff_mapping = dict(source.staff_mapping)
    batch.rows_total, batch.rows_done = len(sheet.rows), 0
    batch.save()
    reported = [0]

    def progress(done: int) -> None:
        if done - reported[0] >= PROGRESS_EVERY:
            reported[0] = done
            ImportBatch.objects.filter(pk=batch.pk).update(rows_done=done)

    analysis = analyse(
        dealer_id=batch.dealer_id,
        sheet=sheet,
        mapping=batch.mapping,
        staff_mapping=batch.staff_mapping,
        progress=progress,
        masked=import_masked_fields(actor),
    )
    batch.mapping = analysis.mapping
    record_analysis(batch, analysis)
    keep_report(batch, analysis)
    batch.status = ImportStatus.PREVIEWED
    batch.rows_done = batch.rows_total
    batch.save()
    return analysis


def _mapping_for(
    actor: Staff, sheet: Sheet, source: ImportSource | None, mapping: Sequence[str] | None
) -> tuple[ImportSource | None, list[str]]:
    """The column mapping (see `import_preview`) and the saved source it comes from."""
    if source is not None and source.dealer_id != actor.dealer_id:
        raise PermissionDenied
    if mapping is None:
        known = _source_for(actor.own_dealer_id, sheet.headers)
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
    return source, full_mapping(sheet, mapping)


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
        dealer_id=actor.own_dealer_id,
        uploaded_by=actor,
        file_name=PurePath(filename).name[:255],
        sha256=digest,
        stored_path=str(_store_file(content, filename, digest)),
        header_row=sheet.header_row_number,
        headers=sheet.headers,
        mapping=mapping,
        source=source,
        # the consultant names mapped for this source's earlier files
        staff_mapping=dict(source.staff_mapping) if source is not None else {},
    )


def import_file(
    *, actor: Staff, content: bytes, filename: str, skip_problem_rows: bool = False
) -> tuple[ImportBatch, Analysis | None]:
    """Check and write a file in one pass (the command line without --dry-run): the same
    checks and writes as a preview followed by `import_apply`, but the rows are written chunk
    by chunk while the next chunks are still being checked. Returns the batch (applied, or
    failed with nothing written) and what was found in the file; `skip_problem_rows` leaves
    the rows with problems out instead of importing them without the refused values.
    Raises ImportFileError when the file cannot be read."""
    ensure_can_import(actor)
    with bulk_work():
        sheet = read_sheet(content, filename)
        source, mapping = _mapping_for(actor, sheet, None, None)
        batch = _new_batch(actor, content, filename, sheet, mapping, source)
        batch.rows_total = len(sheet.rows)
        batch.skip_problem_rows = skip_problem_rows
        batch.save()
        return apply_rows(actor, batch, WRITE_BATCH, sheet=sheet)


def import_remap(
    *, actor: Staff, batch: ImportBatch, mapping: Sequence[str], save_as: str = ""
) -> ImportBatch:
    """Apply a corrected column mapping to a previewed batch, checked again in the
    background; optionally save it as a named source, reused automatically for files with
    the same header row."""
    _remap(actor, batch, mapping, save_as)
    _check_later(actor, batch)  # queued once the choice is stored
    return batch


@transaction.atomic
def _remap(actor: Staff, batch: ImportBatch, mapping: Sequence[str], save_as: str) -> ImportBatch:
    _ensure_previewed(actor, batch)
    mapping = list(mapping)
    used = [key for key in mapping if key]
    if len(used) != len(set(used)):
        raise ValidationError(_("Each field can be mapped to one column only."))
    batch.mapping = mapping
    if save_as.strip():
        source, _created = ImportSource.objects.update_or_create(
            dealer_id=batch.dealer_id,
            header_signature=header_signature(batch.headers),
            defaults={
                "name": save_as.strip()[:60],
                "headers": batch.headers,
                "mapping": mapping,
                "staff_mapping": batch.staff_mapping,
                "created_by": actor,
                "updated_at": timezone.now(),
            },
        )
        batch.source = source
    batch.save()
    return batch


def _ensure_previewed(actor: Staff, batch: ImportBatch) -> None:
    ensure_can_import(actor)
    if batch.dealer_id != actor.dealer_id or batch.status != ImportStatus.PREVIEWED:
        raise PermissionDenied


def import_staff_map(
    *, actor: Staff, batch: ImportBatch, staff_mapping: Mapping[str, int | None]
) -> ImportBatch:
    """Map consultant names of a previewed file that are not staff here (`_staff_map`); the
    rows are checked again in the background."""
    _staff_map(actor, batch, staff_mapping)
    _check_later(actor, batch)
    return batch


@transaction.atomic
def _staff_map(
    actor: Staff, batch: ImportBatch, staff_mapping: Mapping[str, int | None]
) -> ImportBatch:
    """Map consultant names of a previewed file that are not staff here: each to a staff
    member of the dealer, or to None (the customers stay unassigned, the name kept on the
    record). Saved on the batch and on its source, so the next file of that source comes
    mapped (a file without a saved source gets one, named after the file); the rows are
    checked again in the background."""
    _ensure_previewed(actor, batch)
    chosen = {str(name): staff_id for name, staff_id in staff_mapping.items()}
    wanted = {staff_id for staff_id in chosen.values() if staff_id is not None}
    known = set(
        Staff.objects.filter(dealer_id=batch.dealer_id, is_active=True, pk__in=wanted).values_list(
            "pk", flat=True
        )
    )
    if wanted - known:
        raise ValidationError(_("Choose a staff member of this dealer."))
    batch.staff_mapping = {**batch.staff_mapping, **chosen}
    source = batch.source
    if source is None:
        source, _created = ImportSource.objects.get_or_create(
            dealer_id=batch.dealer_id,
            header_signature=header_signature(batch.headers),
            defaults={
                "name": PurePath(batch.file_name).stem[:60] or batch.file_name[:60],
                "headers": batch.headers,
                "mapping": batch.mapping,
                "created_by": actor,
            },
        )
        batch.source = source
    source.staff_mapping = {**source.staff_mapping, **chosen}
    source.updated_at = timezone.now()
    source.save(update_fields=["staff_mapping", "updated_at"])
    batch.save()
    return batch


def import_choose_problem_rows(*, actor: Staff, batch: ImportBatch, leave_out: bool) -> ImportBatch:
    """The choice at preview for the rows with problems: imported without the refused values
    (kept on the records, flagged), or left out like rejected rows."""
    _ensure_previewed(actor, batch)
    batch.skip_problem_rows = leave_out
    batch.save(update_fields=["skip_problem_rows"])
    return batch
