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
from decimal import Decimal
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from autocrm.customers.choices import CustomerKind, MileageSource
from autocrm.customers.models import Contact, Customer, Interaction, MileageReading, Vehicle
from autocrm.customers.names import given_name, name_pinyin
from autocrm.imports import quality
from autocrm.imports.bulk import build, copy_insert, insert_with_history, refresh_statistics
from autocrm.imports.columns import auto_mapping, header_signature
from autocrm.imports.matching import (
    Matcher,
    Plan,
    Planned,
    plan_rows,
)
from autocrm.imports.models import ImportBatch, ImportChange, ImportSource, ImportStatus
from autocrm.imports.reader import ImportFileError, Sheet, read_sheet
from autocrm.imports.rows import RowError, RowValidator, ValidRow, date_orders_for
from autocrm.quality.scoring import VehicleFacts
from autocrm.tenancy.models import Dealer, Staff
from autocrm.tenancy.policies import can_import_customers

log = logging.getLogger(__name__)

#: Errors kept on the batch for the preview page (the rejected-rows file has them all).
MAX_STORED_ERRORS = 1000
WRITE_BATCH = 5000
#: Files with at least this many rows are validated in worker processes.
PARALLEL_MIN_ROWS = 20_000
PARALLEL_WORKERS = 4
PARALLEL_CHUNK = 5_000
PARALLEL_WARM_UP = 20
#: Statistics are refreshed when an import has written this many customers, then each time
#: it has written four times as many.
ANALYZE_FIRST = 5_000


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
    yield _validate_range(work, 0, PARALLEL_WARM_UP), PARALLEL_WARM_UP
    bounds = [(start, min(start + size, total)) for start in range(PARALLEL_WARM_UP, total, size)]
    _WORK = work
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for (start, stop), rows in zip(
                bounds, pool.imap(_validate_chunk, bounds, chunksize=1), strict=True
            ):
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


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in values.items():
        if isinstance(value, (date, datetime)):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out[key] = value
    return out


def _from_json(model: type, values: dict[str, Any]) -> dict[str, Any]:
    return {k: model._meta.get_field(k).to_python(v) for k, v in values.items()}


def _change_reason(batch: ImportBatch) -> str:
    return _("Import #%(id)d: %(file)s") % {"id": batch.pk, "file": batch.file_name}


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
        writer = _Writer(batch=batch, actor=actor, plan=plan)
        ImportBatch.objects.filter(pk=batch.pk).update(written_at=writer.now)
        batch.written_at = writer.now
        all_rows: list[ValidRow] = []
        done = 0
        analyze_at = ANALYZE_FIRST
        for chunk, width in chunks:
            all_rows += chunk
            plan_rows(chunk, matcher, plan)
            keys = writer.add(chunk)
            with transaction.atomic():
                writer.write(keys)
                done += width
                rows_done = round(batch.rows_total * done / covered) if covered else 0
                ImportBatch.objects.filter(pk=batch.pk).update(rows_done=rows_done)
            writer.settle(keys)
            if len(writer.customer_ids) >= analyze_at:
                # the tables have grown severalfold: let the planner know before the next
                # batch is matched against them
                refresh_statistics(Customer, "dealer", "mobile", "id_number")
                refresh_statistics(Vehicle, "dealer", "vin")
                analyze_at *= 4
        chunk = []
        result = _analysis(sheet, batch.mapping, all_rows, plan)
        _record_analysis(batch, result)
    except Exception as exc:  # noqa: BLE001 - any failure rolls the import back
        log.exception("import %s failed", batch.pk)
        numbers = [r.number for r in chunk if not r.errors]
        _rollback(batch)
        message = str(exc)
        if numbers:
            message = _("Failed while writing the rows from row %(row)d on: %(error)s") % {
                "row": min(numbers),
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


class _Writer:
    """Writes the planned customers and vehicles, chunk by chunk as the rows are planned.

    A customer or vehicle a later chunk changes again (the same person further down the file)
    is updated then, like any record that existed before the import."""

    def __init__(self, *, batch: ImportBatch, actor: Staff, plan: Plan) -> None:
        self.batch = batch
        self.actor = actor
        self.plan = plan
        self.reason = _change_reason(batch)
        self.dealer = Dealer.objects.get(pk=batch.dealer_id)
        self.now = timezone.now()
        self.customer_ids: dict[str, int] = {}
        self.vehicles_of: dict[str, list[tuple[str, Planned]]] = {}
        self.vehicle_ids: dict[str, int] = {}  # VIN → id of the vehicles this import created
        # rows per customer entity (for deriving pinyin and scores once per customer)
        self.rows_of: dict[str, list[int]] = {}
        self.derived_of: dict[int, dict[str, Any]] = {}

    def add(self, rows: Sequence[ValidRow]) -> list[str]:
        """Take in planned rows; returns the customers they have something to write for."""
        touched: dict[str, None] = {}
        for row in rows:
            if row.errors or row.number not in self.plan.statuses:
                continue
            key = row.entity
            planned = self.plan.customers[key]
            if planned.existing_id and key not in self.customer_ids:
                self.customer_ids[key] = planned.existing_id
            self.rows_of.setdefault(key, []).append(row.number)
            if row.derived is not None:
                self.derived_of[row.number] = row.derived
            touched[key] = None
            vin = row.vehicle.get("vin") if row.vehicle else None
            if vin:
                vehicle = self.plan.vehicles[vin]
                own = self.vehicles_of.setdefault(vehicle.owner, [])
                if all(v is not vehicle for _vin, v in own):
                    own.append((vin, vehicle))
                touched[vehicle.owner] = None
        return [k for k in touched if self._has_work(k, self.plan.customers[k])]

    def settle(self, keys: list[str]) -> None:
        """After a chunk is written: its records now exist as written, so a later row of the
        same customer or vehicle changes them like stored ones, and matching the next chunks
        against the database does not find them (`Matcher` knows only older records)."""
        for key in keys:
            planned = self.plan.customers[key]
            if planned.existing_id is None:
                planned.existing_id = self.customer_ids[key]
            planned.original = dict(planned.values)
            planned.changed = set()
            for vin, vehicle in self.vehicles_of.get(key, []):
                if vehicle.existing_id is None:
                    vehicle.existing_id = self.vehicle_ids[vin]
                vehicle.original = dict(vehicle.values)
                vehicle.changed = set()

    def _has_work(self, key: str, planned: Planned) -> bool:
        return (
            planned.existing_id is None
            or bool(planned.changed)
            or any(v.existing_id is None or v.changed for _vin, v in self.vehicles_of.get(key, []))
        )

    def write(self, keys: list[str]) -> None:
        changes: list[ImportChange] = []
        new_keys = [k for k in keys if self.plan.customers[k].existing_id is None]
        upd_keys = [
            k for k in keys if self.plan.customers[k].existing_id and self.plan.customers[k].changed
        ]
        # 1. new customers, scored before they are inserted
        created: list[Customer] = []
        for key in new_keys:
            planned = self.plan.customers[key]
            values = {
                "dealer_id": self.dealer.pk,
                "kind": CustomerKind.PERSON,
                "created_by_id": self.actor.pk,
                "created_at": self.now,
                "updated_at": self.now,
                "responsible_staff_id": self.actor.pk,
                **planned.values,
            }
            rows = self.rows_of[key]
            derived = self.derived_of.get(rows[0]) if len(rows) == 1 else None
            if derived is None:  # several rows make this customer: derive from them all
                derived = quality.new_customer_derived(
                    values,
                    dealer_province=self.dealer.province,
                    vehicles=[
                        VehicleFacts(vin, v.values.get("purchase_date"), False)
                        for vin, v in self.vehicles_of.get(key, [])
                    ],
                    now=self.now,
                )
            values.update(derived)
            created.append(build(Customer, values))
        if created:
            insert_with_history(
                Customer, created, user=self.actor, reason=self.reason, date=self.now
            )
            for key, customer in zip(new_keys, created, strict=True):
                self.customer_ids[key] = customer.pk
            changes.append(self._created("customer", [c.pk for c in created]))
        # 2. changed customers
        if upd_keys:
            by_id = Customer.objects.in_bulk([self.plan.customers[k].existing_id for k in upd_keys])
            fields: set[str] = {"updated_at"}
            objs = []
            for key in upd_keys:
                planned = self.plan.customers[key]
                customer = by_id[planned.existing_id]
                before = {f: getattr(customer, f) for f in (*planned.changed, "updated_at")}
                for name in planned.changed:
                    setattr(customer, name, planned.values[name])
                fields |= planned.changed
                if "name" in planned.changed:
                    customer.name_pinyin, customer.name_initials = name_pinyin(customer.name)
                    customer.given_name = given_name(customer.name)
                    fields |= {"name_pinyin", "name_initials", "given_name"}
                customer.updated_at = self.now
                objs.append(customer)
                changes.append(self._updated("customer", customer, before, planned))
            bulk_update_with_history(
                objs,
                Customer,
                sorted(fields),
                batch_size=1000,
                default_user=self.actor,
                default_change_reason=self.reason,
                default_date=self.now,
            )
        # 3. vehicles
        new_vehicles: list[Vehicle] = []
        new_vins: list[str] = []
        upd_vehicles: list[tuple[Vehicle, Planned]] = []
        for key in keys:
            for vin, planned in self.vehicles_of.get(key, []):
                if planned.existing_id is None:
                    new_vins.append(vin)
                    new_vehicles.append(
                        build(
                            Vehicle,
                            {
                                "dealer_id": self.dealer.pk,
                                "customer_id": self.customer_ids[key],
                                "created_at": self.now,
                                **planned.values,
                            },
                        )
                    )
                elif planned.changed:
                    upd_vehicles.append((Vehicle(pk=planned.existing_id), planned))
        if new_vehicles:
            insert_with_history(
                Vehicle, new_vehicles, user=self.actor, reason=self.reason, date=self.now
            )
            readings = [
                build(
                    MileageReading,
                    {
                        "dealer_id": self.dealer.pk,
                        "vehicle_id": v.pk,
                        "mileage_km": v.mileage_km,
                        "read_on": v.mileage_read_on or self.now.date(),
                        "source": MileageSource.IMPORT,
                        "recorded_by_id": self.actor.pk,
                    },
                )
                for v in new_vehicles
                if v.mileage_km is not None
            ]
            copy_insert(MileageReading, readings, set_pks=False)
            self.vehicle_ids.update(zip(new_vins, (v.pk for v in new_vehicles), strict=True))
            changes.append(self._created("vehicle", [v.pk for v in new_vehicles]))
        if upd_vehicles:
            by_id = Vehicle.objects.in_bulk([p.existing_id for _v, p in upd_vehicles])
            objs = []
            fields = set()
            for _stub, planned in upd_vehicles:
                vehicle = by_id[planned.existing_id]
                before = {f: getattr(vehicle, f) for f in planned.changed}
                for name in planned.changed:
                    setattr(vehicle, name, planned.values[name])
                fields |= planned.changed
                objs.append(vehicle)
                changes.append(self._updated("vehicle", vehicle, before, planned))
            bulk_update_with_history(
                objs,
                Vehicle,
                sorted(fields),
                batch_size=1000,
                default_user=self.actor,
                default_change_reason=self.reason,
                default_date=self.now,
            )
        # 4. scores of existing customers whose record or vehicles changed
        rescore = {
            self.customer_ids[k] for k in keys if self.plan.customers[k].existing_id is not None
        }
        quality.refresh_scores(rescore, now=self.now)
        copy_insert(ImportChange, changes, set_pks=False)

    def _created(self, model: str, pks: list[int]) -> ImportChange:
        return build(
            ImportChange,
            {
                "dealer_id": self.dealer.pk,
                "batch_id": self.batch.pk,
                "model": model,
                "object_id": None,
                "object_ids": pks,
                "action": "created",
            },
        )

    def _updated(
        self, model: str, obj: Any, before: dict[str, Any], planned: Planned
    ) -> ImportChange:
        after = {name: getattr(obj, name) for name in planned.changed}
        if model == "customer":
            after["updated_at"] = obj.updated_at
        return build(
            ImportChange,
            {
                "dealer_id": self.dealer.pk,
                "batch_id": self.batch.pk,
                "model": model,
                "object_id": obj.pk,
                "action": "updated",
                "before": _jsonable(before),
                "after": _jsonable(after),
            },
        )


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
                if model is Customer and "name" in before:
                    obj.name_pinyin, obj.name_initials = name_pinyin(obj.name)
                    obj.given_name = given_name(obj.name)
                    fields |= {"name_pinyin", "name_initials", "given_name"}
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
