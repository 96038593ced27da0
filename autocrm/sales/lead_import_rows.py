"""A lead export's rows as leads to receive (`parse_file`), and what `lead_receive` will make
of each for the leads stored now (`classify`): new, a replay, a repeat, or refused."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from autocrm.customers.presenters import display_mobile
from autocrm.imports import normalize
from autocrm.imports.errors import ImportFileError
from autocrm.imports.normalize import CellError
from autocrm.imports.reader import Sheet, read_sheet
from autocrm.rules.identity import compare_names
from autocrm.sales import lead_import_columns as columns
from autocrm.sales.config import sales_settings_for
from autocrm.sales.leads import clean_lead
from autocrm.sales.models import Lead

#: A month of a busy dealer's platform leads is a few thousand rows; each costs about 50 ms
#: to receive, so 20,000 rows are a quarter of an hour of work: a larger file is split.
MAX_ROWS = 20_000
SYNTHETIC_PREFIX = "file-"

NEW, REPLAY, REPEAT, REFUSED = "new", "replay", "repeat", "refused"
OUTCOMES = (NEW, REPLAY, REPEAT, REFUSED)


@dataclass
class LeadRow:
    number: int  # as in the file: the header row counts
    data: dict[str, Any]  # what `lead_receive` gets
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    name: str = ""
    mobile: str = ""  # E.164 when valid
    at: datetime | None = None
    outcome: str = ""
    remark: str = ""


@dataclass
class ParsedFile:
    file_name: str
    sheet: Sheet
    mapping: list[str]
    rows: list[LeadRow]

    @property
    def ignored(self) -> list[str]:
        return [
            h for h, key in zip(self.sheet.headers, self.mapping, strict=False) if h and not key
        ]

    def column_of(self, key: str) -> str:
        """The file's header of a field (its first column), else the field's name."""
        for header, mapped in zip(self.sheet.headers, self.mapping, strict=False):
            if mapped == key:
                return header
        column = columns.COLUMNS_BY_KEY.get(key)
        return str(column.label) if column else key


def _cell_text(value: Any) -> Any:
    """A cell as JSON keeps it (calamine gives dates, times and durations too)."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (str, int, float)):
        return value
    return "" if value is None else str(value)


def synthetic_id(source: str, name: str, mobile: str, at: datetime | None) -> str:
    """The stable id of a row without one: see the module's docstring."""
    moment = at.astimezone(UTC).isoformat(timespec="seconds") if at else ""
    digest = hashlib.sha256("\x1f".join((source, name, mobile, moment)).encode()).hexdigest()
    return SYNTHETIC_PREFIX + digest[:32]


def _read(content: bytes, filename: str) -> tuple[Sheet, list[str]]:
    sheet = read_sheet(content, filename)
    if len(sheet.rows) > MAX_ROWS:
        raise ImportFileError(
            _("The file has %(rows)s rows; at most %(max)s leads are imported at once. Split it.")
            % {"rows": f"{len(sheet.rows):,}", "max": f"{MAX_ROWS:,}"}
        )
    mapping = columns.lead_mapping(sheet.headers, sheet.rows)
    for key, names in (("mobile", "手机号、电话、联系电话"), ("name", "姓名、客户姓名、用户名")):
        if key not in mapping:
            raise ImportFileError(
                _(
                    "No %(field)s column found in the header row (row %(row)s: %(headers)s). "
                    "Name it, for example, %(names)s."
                )
                % {
                    "field": columns.COLUMNS_BY_KEY[key].label,
                    "row": sheet.header_row_number,
                    "headers": "、".join(h for h in sheet.headers if h)[:200],
                    "names": names,
                }
            )
    return sheet, mapping


def parse_file(content: bytes, filename: str, *, source: str, dealer_id: int) -> ParsedFile:
    """The file's rows as leads to receive, each checked by the entry rules (ImportFileError
    when the file cannot be read or names no name or mobile column)."""
    sheet, mapping = _read(content, filename)
    parsed = ParsedFile(PurePath(filename).name, sheet, mapping, [])
    for index, cells in enumerate(sheet.rows):
        parsed.rows.append(_row(parsed, sheet.row_number(index), cells, source, dealer_id))
    return parsed


_READERS = {
    "external_id": columns.external_id,
    "mobile": columns.mobile,
    "received_at": columns.received_time,
}


def _row(
    parsed: ParsedFile, number: int, cells: Sequence[Any], source: str, dealer_id: int
) -> LeadRow:
    values: dict[str, Any] = {}
    notes: list[tuple[str, str]] = []
    row = LeadRow(number, {})
    unread: set[str] = set()  # fields whose cell could not be read (refused once, there)
    for header, key, cell in zip(parsed.sheet.headers, parsed.mapping, cells, strict=False):
        if not key:
            continue
        try:
            value = _READERS.get(key, normalize.text)(cell)
        except CellError as exc:
            row.errors.append((header, str(exc.message)))
            unread.add(key)
            continue
        if key in columns.SEVERAL:
            if value:
                notes.append((header, str(value)))
        else:
            values[key] = value
    row.data = {
        "source": source,
        "external_id": values.get("external_id", ""),
        "name": values.get("name", ""),
        "mobile": values.get("mobile", ""),
        "model_text": columns.joined(values.get("brand", ""), values.get("model_text", ""), " "),
        "city": columns.joined(values.get("province", ""), values.get("city", ""), ""),
        "received_at": values.get("received_at"),
        "note": notes[0][1] if len(notes) == 1 else "; ".join(f"{h}: {v}" for h, v in notes),
        "raw": {
            "file": parsed.file_name,
            "row": number,
            "cells": {
                h or f"#{i + 1}": _cell_text(c)
                for i, (h, c) in enumerate(zip(parsed.sheet.headers, cells, strict=False))
                if c not in (None, "")
            },
        },
    }
    try:
        # the model is matched to the catalogue when the lead is received, not here
        cleaned = clean_lead({**row.data, "model_text": ""}, dealer_id=dealer_id)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            if key not in unread:
                row.errors.extend((parsed.column_of(key), m) for m in messages)
        return row
    row.name, row.mobile, row.at = cleaned["name"], cleaned["mobile"], cleaned["received_at"]
    if not row.errors and not row.data["external_id"]:
        row.data["external_id"] = synthetic_id(source, row.name, row.mobile, row.at)
        row.data["raw"]["synthetic_id"] = True
    return row


# --- what each row will be -----------------------------------------------------------------------


def apply_order(rows: Sequence[LeadRow], now: datetime) -> list[LeadRow]:
    """The rows to receive, in the order the platform received them (a repeat follows its
    first lead); rows without a time are received now, after the others."""
    valid = [r for r in rows if not r.errors]
    return sorted(valid, key=lambda r: (r.at or now, r.number))


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def classify(parsed: ParsedFile, *, dealer_id: int, source: str) -> Counter[str]:
    """Set each row's outcome (new, replay, repeat, refused) as `lead_receive` will decide it
    for the leads stored now, and count them. Reads only."""
    now = timezone.now()
    ordered = apply_order(parsed.rows, now)
    known: set[str] = set()
    for chunk in chunks([r.data["external_id"] for r in ordered], 500):
        known.update(
            Lead.objects.filter(
                dealer_id=dealer_id, source=source, external_id__in=list(chunk)
            ).values_list("external_id", flat=True)
        )
    window = timedelta(days=sales_settings_for(dealer_id).repeat_window_days)
    firsts: dict[str, list[tuple[datetime, str, int | None]]] = {}  # mobile → (at, name, row)
    if window and ordered:
        earliest = min(r.at or now for r in ordered) - window
        latest = max(r.at or now for r in ordered)
        for chunk in chunks(sorted({r.mobile for r in ordered}), 500):
            for mobile, name, at in Lead.objects.filter(
                dealer_id=dealer_id,
                mobile__in=list(chunk),
                repeat_of__isnull=True,
                received_at__gte=earliest,
                received_at__lte=latest,
            ).values_list("mobile", "name", "received_at"):
                firsts.setdefault(mobile, []).append((at, name, None))
    seen: dict[str, int] = {}
    for row in ordered:
        at = row.at or now
        external = row.data["external_id"]
        if external in known or external in seen:
            row.outcome = REPLAY
            if external in seen:
                row.remark = _("The same lead as row %(row)s.") % {"row": seen[external]}
            continue
        seen[external] = row.number
        first = next(
            (
                f
                for f in firsts.get(row.mobile, ())
                if at - window <= f[0] <= at and compare_names(f[1], row.name).compatible
            ),
            None,
        )
        if window and first is not None:
            row.outcome = REPEAT
            row.remark = (
                _("Repeats row %(row)s.") % {"row": first[2]}
                if first[2] is not None
                else _("Repeats a lead received before.")
            )
            continue
        row.outcome = NEW
        firsts.setdefault(row.mobile, []).append((at, row.name, row.number))
    for row in parsed.rows:
        if row.errors:
            row.outcome = REFUSED
    return Counter(row.outcome for row in parsed.rows)


def column_message(column: str, message: str) -> str:
    """手机号 — 请输入有效的中国大陆手机号……"""
    return _("%(column)s — %(message)s") % {"column": column, "message": message}


def row_message(row: int, column: str, message: str) -> str:
    """第 7 行：手机号 — 请输入有效的中国大陆手机号……"""
    return _("Row %(row)s: %(column)s — %(message)s") % {
        "row": row,
        "column": column,
        "message": message,
    }


def shown(row: LeadRow) -> dict[str, Any]:
    at = row.at or row.data.get("received_at")
    return {
        "row": row.number,
        "outcome": row.outcome,
        "name": row.name or row.data["name"],
        "mobile": display_mobile(row.mobile) if row.mobile else row.data["mobile"],
        "model": row.data["model_text"],
        "city": row.data["city"],
        "at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if at else "",
        "messages": [column_message(c, m) for c, m in row.errors],
        "remark": row.remark,
    }
