"""Leads from an uploaded platform export (issue #14, the upload channel): upload → preview →
apply, every row through `leads.lead_receive`.

* **Reading** is the import pipeline's: `imports.reader.read_sheet` (.xlsx/.xls/.csv in UTF-8,
  UTF-8 with BOM, GBK/GB18030; the upload limits of `imports.limits` checked before the file is
  parsed; the header row found below a title row) and its cell cleaning (`imports.normalize`).
  The header names a lead field by the table of `lead_import_columns`; the rows are read and
  told apart in `lead_import_rows`, the upload kept by `lead_import_store`.
* **Preview** (at upload, nothing written): each row is checked by the entry rules
  (`leads.clean_lead`) and told apart as a new lead, a replay (the same source and external id
  was received before, or earlier in the file: nothing changes), a repeat of a recent lead of
  the same person (the same mobile and a compatible name within the dealer's window: saved,
  counted once), or refused (row number as in the file, the column named).
* **Apply** (a huey task, with its progress on the page): the rows in the order they were
  received, each through `lead_receive` (identity matching, repeats, assignment and the
  first-response clock), in one transaction per `CHUNK_ROWS` rows. A chunk that fails is
  rolled back and the import stops there; applying again resumes it, since the rows already
  saved are replays.
* **Synthetic ids.** A row without an external id gets `file-` + the first 32 hex digits of
  SHA-256 over its source, cleaned name, mobile (E.164) and received time (UTC, to the second;
  empty without one). Importing the same rows again, from this file or another export, finds
  the same id and changes nothing. Two rows of one file that agree on all four are one lead.
* **Where the upload is kept**: `MEDIA_ROOT/lead_imports/<32 random hex digits>/` (the file,
  `state.json`, `rows.json`; no model); only its uploader opens it (another dealer's staff are
  told it does not exist); removed with the discard button or after `KEEP_DAYS`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import shutil
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from autocrm.imports.export import rejected_rows_xlsx
from autocrm.imports.reader import Sheet, check_file_type, read_sheet
from autocrm.sales import lead_import_columns as columns
from autocrm.sales.lead_import_rows import (
    MAX_ROWS,
    NEW,
    OUTCOMES,
    REFUSED,
    REPEAT,
    REPLAY,
    SYNTHETIC_PREFIX,
    LeadRow,
    apply_order,
    chunks,
    classify,
    column_message,
    parse_file,
    row_message,
    shown,
)
from autocrm.sales.lead_import_store import (
    APPLIED,
    APPLYING,
    FAILED,
    KEEP_DAYS,
    PREVIEWED,
    QUEUED,
    STALLED_MINUTES,
    LeadUpload,
    lead_upload_get,
    new_upload,
)
from autocrm.sales.leads import lead_receive
from autocrm.sales.models import LeadSource, LeadStatus
from autocrm.sales.policies import can_receive_leads
from autocrm.tenancy.models import Staff

__all__ = [
    "APPLIED", "APPLYING", "CHUNK_ROWS", "FAILED", "IMPORT_SOURCES", "KEEP_DAYS", "MAX_ROWS",
    "NEW", "OUTCOMES", "PREVIEWED", "QUEUED", "REFUSED", "REPEAT", "REPLAY", "STALLED_MINUTES",
    "SYNTHETIC_PREFIX", "LeadUpload", "column_message", "lead_import_apply", "lead_import_claim",
    "lead_import_discard", "lead_import_refused_xlsx", "lead_import_upload", "lead_upload_get",
    "row_message",
]  # fmt: skip

log = logging.getLogger(__name__)

#: The sources a platform export comes from (the upload page's choice).
IMPORT_SOURCES = (
    LeadSource.AUTOHOME,
    LeadSource.DONGCHEDI,
    LeadSource.YICHE,
    LeadSource.OEM,
    LeadSource.OTHER,
)
CHUNK_ROWS = 500


def _ensure_can(actor: Staff) -> None:
    if not can_receive_leads(actor):
        raise PermissionDenied(_("Your role may not receive leads."))


def lead_import_upload(*, actor: Staff, content: bytes, filename: str, source: str) -> LeadUpload:
    """Read and check an uploaded export, and keep it with its preview (nothing else is
    written). Raises ImportFileError, naming the problem, for a file that cannot be imported."""
    _ensure_can(actor)
    dealer_id = actor.own_dealer_id
    if source not in IMPORT_SOURCES:
        raise ValidationError({"source": [_("Choose where the export comes from.")]})
    check_file_type(content, filename)
    started = time.perf_counter()
    parsed = parse_file(content, filename, source=source, dealer_id=dealer_id)
    counts = classify(parsed, dealer_id=dealer_id, source=source)
    name = PurePath(filename)
    suffix = name.suffix.lower()
    ordered = sorted(parsed.rows, key=_number)
    upload = new_upload(content, suffix, [shown(row) for row in ordered])
    upload.save(
        dealer_id=dealer_id,
        staff_id=actor.pk,
        source=source,
        file_name=name.stem[:150] + name.suffix,  # the suffix tells how to read it
        suffix=suffix,
        sha256=hashlib.sha256(content).hexdigest(),
        created_at=timezone.now().isoformat(),
        status=PREVIEWED,
        header_row=parsed.sheet.header_row_number,
        columns=[
            {"header": h, "field": str(columns.COLUMNS_BY_KEY[k].label) if k else ""}
            for h, k in zip(parsed.sheet.headers, parsed.mapping, strict=False)
            if h or k
        ],
        ignored=parsed.ignored,
        total=len(parsed.rows),
        preview={outcome: counts.get(outcome, 0) for outcome in OUTCOMES},
        check_seconds=round(time.perf_counter() - started, 2),
        done=0,
        result={},
        refused=[
            {"row": row.number, "column": c, "message": m} for row in ordered for c, m in row.errors
        ],
        error_message="",
    )
    return upload


def _number(row: LeadRow) -> int:
    return row.number


def lead_import_claim(*, actor: Staff, upload: LeadUpload) -> str:
    """Claim a previewed (or failed, or stalled) upload for applying: the claim's token, for
    `lead_import_apply`; "" when it is applied or being applied already (a second click, a
    second tab)."""
    _ensure_can(actor)
    if upload.staff_id != actor.pk:
        raise PermissionDenied
    claim = upload.folder / "claim"
    if upload.stalled:  # its worker died: the rows it saved are replays for the next one
        claim.unlink(missing_ok=True)
    elif upload.status not in (PREVIEWED, FAILED):
        return ""
    try:
        os.close(os.open(claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return ""
    token = secrets.token_hex(8)
    upload.save(status=QUEUED, claim=token, error_message="")
    return token


def _messages(error: ValidationError) -> list[tuple[str, str]]:
    if hasattr(error, "error_dict"):
        return [(key, m) for key, items in error.message_dict.items() for m in items]
    return [("", m) for m in error.messages]


def lead_import_apply(
    *, actor: Staff, upload: LeadUpload, claim: str, chunk_size: int = CHUNK_ROWS
) -> None:
    """Receive the upload's rows, claimed by `lead_import_claim` (a claim no longer current,
    replaced after its worker stalled, does nothing): the file read again, its rows in the
    order they were received, `chunk_size` rows per transaction, the progress and the counts
    kept on the upload after each chunk. A failure stops the import at its chunk (rolled
    back) and marks it failed; applying again resumes it (the saved rows are replays)."""
    _ensure_can(actor)
    if upload.dealer_id != actor.dealer_id or upload.staff_id != actor.pk:
        raise PermissionDenied
    upload.reload()
    if not claim or upload.state.get("claim") != claim or upload.status != QUEUED:
        log.warning("lead import %s: claim %s is not current", upload.id, claim)
        return
    source = upload.state["source"]
    started = time.perf_counter()
    upload.save(status=APPLYING, done=0, started_at=timezone.now().isoformat())
    tally: Counter[str] = Counter()
    refused: list[dict[str, Any]] = []
    chunk: Sequence[LeadRow] = ()
    try:
        parsed = parse_file(
            upload.content(), upload.state["file_name"], source=source, dealer_id=upload.dealer_id
        )
        for row in parsed.rows:
            if row.errors:
                refused.extend(
                    {"row": row.number, "column": c, "message": m} for c, m in row.errors
                )
        tally[REFUSED] = sum(1 for row in parsed.rows if row.errors)
        done = tally[REFUSED]
        for chunk in chunks(apply_order(parsed.rows, timezone.now()), chunk_size):
            part: Counter[str] = Counter()
            part_refused: list[dict[str, Any]] = []
            with transaction.atomic():
                for row in chunk:
                    try:
                        receipt = lead_receive(actor=actor, data=row.data)
                    except ValidationError as exc:
                        part[REFUSED] += 1
                        part_refused.extend(
                            {"row": row.number, "column": parsed.column_of(k), "message": m}
                            for k, m in _messages(exc)
                        )
                        continue
                    lead = receipt.lead
                    if not receipt.created:
                        part[REPLAY] += 1
                    elif lead.status == LeadStatus.REPEAT:
                        part[REPEAT] += 1
                    else:
                        part[NEW] += 1
                        part[f"match_{lead.match}"] += 1
            tally.update(part)
            refused.extend(part_refused)
            done += len(chunk)
            upload.save(done=done, result=dict(tally), refused=refused)
    except Exception as exc:  # noqa: BLE001 - any failure is the upload's, not the worker's
        log.exception("lead import %s failed", upload.id)
        first = chunk[0].number if chunk else None
        message = (
            _(
                "Stopped at the rows from row %(row)s on (%(error)s): the rows before were "
                "saved, these were not. Apply again to go on; the saved rows are not received "
                "twice."
            )
            % {"row": first, "error": exc}
            if first is not None
            else _("The file could not be read again (%(error)s).") % {"error": exc}
        )
        (upload.folder / "claim").unlink(missing_ok=True)
        upload.save(status=FAILED, result=dict(tally), refused=refused, error_message=message)
        return
    upload.save(
        status=APPLIED,
        done=len(parsed.rows),
        finished_at=timezone.now().isoformat(),
        apply_seconds=round(time.perf_counter() - started, 1),
    )


def lead_import_refused_xlsx(upload: LeadUpload) -> bytes:
    """The refused rows of the file (those the preview or the apply refused), with their own
    columns and values and an error column naming the column and the rule: what the uploader
    sent, and nothing from the dealer's records."""
    sheet = read_sheet(upload.content(), upload.state["file_name"])
    entries = upload.state.get("refused") or []
    errors = [_RowError(e["row"], e["column"], e["message"]) for e in entries]
    return rejected_rows_xlsx(_Refused(errors, sheet))


@dataclass(frozen=True)
class _RowError:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class _Refused:
    """What `imports.export.rejected_rows_xlsx` reads: the errors and the sheet."""

    errors: list[_RowError]
    sheet: Sheet
    problems: tuple[()] = ()


def lead_import_discard(*, actor: Staff, upload: LeadUpload) -> None:
    """Delete the kept file and its preview (not while it is being applied)."""
    if upload.staff_id != actor.pk:
        raise PermissionDenied
    if upload.status in (QUEUED, APPLYING) and not upload.stalled:
        raise ValidationError(_("The upload is being applied; discard it when it is done."))
    shutil.rmtree(upload.folder, ignore_errors=True)
