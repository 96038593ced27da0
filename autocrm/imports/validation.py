"""Checking an import's rows with the manual-entry rules: in this process for a small file,
in forked worker processes (one per core, at a lower priority) for a large one, chunk by
chunk so that applying writes a chunk while the next ones are checked."""

from __future__ import annotations

import collections
import contextlib
import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from autocrm.imports.derived import new_customer_derived
from autocrm.imports.reader import Sheet
from autocrm.imports.rows import RowError, RowValidator, ValidRow, date_orders_for
from autocrm.rules.scoring import VehicleFacts
from autocrm.tenancy.models import Dealer, Staff

#: Files with at least this many rows are validated in worker processes.
PARALLEL_MIN_ROWS = 20_000


PARALLEL_WORKERS = 4


PARALLEL_CHUNK = 5_000


PARALLEL_WARM_UP = 20


#: Chunks each validation worker may have checked ahead of the writing.
AHEAD_CHUNKS = 3


#: Validation workers run at a lower CPU priority: they run ahead of the writing, which (with
#: PostgreSQL) is what the import waits for at the end; ahead at equal priority, they take the
#: cores the writing needs (1.8 s of 19.6 s on 100,000 rows, 2 cores).
VALIDATION_NICENESS = 10


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
class ValidationWork:
    """What validating a range of rows needs (inherited by forked workers, not pickled)."""

    validator: RowValidator
    sheet: Sheet
    dealer_province: str
    now: datetime


def validate_range(work: ValidationWork, start: int, stop: int) -> list[ValidRow]:
    """Validate rows; a valid row also gets what its customer would store if it were a new
    record of its own (pinyin, scores), so the writer does not compute it one row at a time."""
    rows = []
    sheet, validator = work.sheet, work.validator
    for index in range(start, stop):
        cells = sheet.rows[index]
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        row = validator.validate(sheet.row_number(index), cells)
        if not row.errors:  # rows with problems too: they are imported
            vin = row.vehicle.get("vin") if row.vehicle else None
            row.derived = new_customer_derived(
                row.customer,
                dealer_province=work.dealer_province,
                vehicles=[VehicleFacts(vin, row.vehicle.get("purchase_date"), False)]
                if vin and row.vehicle
                else [],
                now=work.now,
            )
        rows.append(row)
    return rows


#: What forked validation workers read (set just before the pool forks, so the rows are
#: inherited by the children instead of being pickled to them).
_WORK: ValidationWork | None = None


def _validate_chunk(bounds: tuple[int, int]) -> list[ValidRow]:
    assert _WORK is not None
    # The cycles the previous chunk left, freed before this one starts: its rows have been
    # sent and dropped by now, so the collection walks little besides the garbage (walked
    # after validating, it went through every live object of the chunk's rows: 6% of the
    # workers' time).
    collect_young()
    return validate_range(_WORK, *bounds)


def _start_worker() -> None:
    """A validation worker: at a lower priority, and with what it inherited from the import
    frozen, so that `collect_young` never walks it."""
    os.nice(VALIDATION_NICENESS)
    gc.freeze()


def collect_young() -> None:
    """While an import runs without automatic garbage collection (`bulk_work`): free the
    reference cycles made since the last call. Only the youngest generation is walked: what
    survives moves on and is not walked again. A validation worker calls it before each
    chunk, when the previous chunk's rows are gone.

    Few cycles are left to free: a Django ValidationError holds itself (`error_list`), a
    small cycle. The cycles that mattered — kept errors whose tracebacks held their frames,
    and through the frames' callers a whole chunk of rows, 4.7 MB per 1,000 rows checked —
    are broken where the errors are kept (`FieldErrors.add`, `RowValidator.clean`)."""
    if not gc.isenabled():
        gc.collect(0)


def worker_count() -> int:
    """Worker processes for validation: one per core, but none where forking is unsafe (no
    fork on this platform, or other threads running — e.g. a threaded web server — whose
    locks a forked child could inherit held)."""
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return 1
    return min(PARALLEL_WORKERS, os.cpu_count() or 1)


def validate_rows(
    work: ValidationWork, progress: Callable[[int], None] | None = None
) -> list[ValidRow]:
    """Validate every non-empty row, in file order; `progress` is told the sheet rows done
    after each chunk.

    Validation is pure Python work without database access, so a large file is split into
    chunks validated by forked worker processes (one per core); the results are the same as
    validating row by row in this process."""
    total = len(work.sheet.rows)
    workers = worker_count()
    step = max(1, min(PARALLEL_CHUNK, -(-(total - PARALLEL_WARM_UP) // max(workers, 1))))
    valid: list[ValidRow] = []
    done = 0
    for rows, covered in validated_chunks(work, step):
        valid.extend(rows)
        done += covered
        if progress is not None:
            progress(done)
    return valid


def validated_chunks(work: ValidationWork, size: int) -> Iterator[tuple[list[ValidRow], int]]:
    """The rows validated chunk by chunk in file order, each chunk with the number of sheet
    rows it covered (for progress). A large file's chunks are validated by forked worker
    processes that run ahead while the caller works on the chunks already done — applying
    an import writes one chunk while the next ones are checked."""
    global _WORK
    total = len(work.sheet.rows)
    workers = worker_count()
    if total < max(PARALLEL_MIN_ROWS, 2 * PARALLEL_WARM_UP) or workers < 2:
        for start in range(0, total, size):
            stop = min(start + size, total)
            # no collection here: it would walk the live rows the caller holds, for the few
            # small cycles the rows leave (see `collect_young`)
            yield validate_range(work, start, stop), stop - start
        return
    # The first rows here: loads the lazily built lookup tables (regions, phone metadata)
    # once, before the fork, instead of once in every worker.
    warm_up = validate_range(work, 0, PARALLEL_WARM_UP)
    bounds = chunk_bounds(PARALLEL_WARM_UP, total, size, workers)
    _WORK = work
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_start_worker) as pool:
            # forked before the caller gets any rows, so before it starts threads of its own.
            # At most AHEAD_CHUNKS per worker are checked ahead of the caller: unbounded, the
            # workers' results for the whole file piled up while the caller wrote (a million
            # rows of checked values in memory).
            ahead = max(1, AHEAD_CHUNKS * workers)
            pending = collections.deque(
                pool.apply_async(_validate_chunk, (b,)) for b in bounds[:ahead]
            )
            queued = len(pending)
            yield warm_up, PARALLEL_WARM_UP
            for start, stop in bounds:
                rows = pending.popleft().get()
                if queued < len(bounds):
                    pending.append(pool.apply_async(_validate_chunk, (bounds[queued],)))
                    queued += 1
                yield rows, stop - start
    finally:
        _WORK = None


#: The last chunks of a file checked in parallel are this many times smaller
TAIL_SPLIT = 4


def chunk_bounds(start: int, stop: int, size: int, workers: int) -> list[tuple[int, int]]:
    """The rows from `start` to `stop` in chunks of `size`, but the last `workers` chunks' worth
    in chunks `TAIL_SPLIT` times smaller. The writing of the last chunks checked is what an
    import waits for at its end, with nothing left to overlap it: 1.7 s of a 100,000-row
    import, two chunks of 5,000 rows written one after the other once the workers were done."""
    tail = max(start, stop - workers * size)
    bounds = [(first, min(first + size, tail)) for first in range(start, tail, size)]
    small = max(1, size // TAIL_SPLIT)
    bounds += [(first, min(first + small, stop)) for first in range(tail, stop, small)]
    return bounds


@contextlib.contextmanager
def bulk_work() -> Iterator[None]:
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


def leave_out_problem_rows(rows: Iterable[ValidRow]) -> None:
    """The choice at preview to leave the rows with problems out: each such row gets its
    problems as errors (so matching does not import it) and keeps them in `problems` (so
    it is told from a row rejected for want of an identity: status "skipped")."""
    for row in rows:
        if row.problems and not row.errors:
            row.errors = [
                RowError(p.row, p.column, p.value, _("Left out (row with problems): %(message)s")
                         % {"message": p.message})
                for p in row.problems
            ]  # fmt: skip


def work_for(
    dealer_id: int,
    sheet: Sheet,
    mapping: Sequence[str],
    today: date | None = None,
    *,
    staff_mapping: Mapping[str, int | None] | None = None,
) -> ValidationWork:
    """What validating the rows of `sheet` needs; `staff_mapping` is the preview's choice
    for consultant names that are not staff here (ImportBatch.staff_mapping)."""
    province = Dealer.objects.filter(pk=dealer_id).values_list("province", flat=True).first()
    validator = RowValidator(
        sheet.headers,
        mapping,
        staff_by_name=staff_names(dealer_id),
        today=today or timezone.localdate(),
        date_orders=date_orders_for(sheet.rows, mapping),
        staff_mapping=staff_mapping,
        near_province=province or "",
    )
    return ValidationWork(validator, sheet, province or "", timezone.now())
