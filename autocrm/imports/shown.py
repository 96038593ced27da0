"""What a viewer may read of a file's values on the import pages (issue #13): a column mapped
to a field the viewer sees masked shows masked, in the preview's lists and in the workbook of
rows with errors, whoever uploaded the file."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from autocrm.imports.export import ERROR_HEADER, PROBLEM_MARK, RESULT_HEADER, _write
from autocrm.imports.policies import import_masked_fields
from autocrm.imports.reader import read_cells
from autocrm.tenancy.masking import MASK, MASKERS, mask_address, mask_birth_date


def masked_headers(viewer: Any, batch: Any) -> dict[str, str]:
    """The file's columns (by header) mapped to a field the viewer sees masked → that field."""
    masked = import_masked_fields(viewer)
    return {
        header: key
        for header, key in zip(batch.headers, batch.mapping, strict=False)
        if key in masked
    }


def shown_value(field: str, value: Any) -> str:
    """A file's value of a field the viewer sees masked, masked as that field is."""
    text = "" if value is None else str(value)
    if not text:
        return ""
    if field in MASKERS:
        digits = "".join(c for c in text if c.isdigit())
        source = f"+86{digits}" if field == "mobile" and len(digits) == 11 else text
        return MASKERS[field](source)
    if field == "address":
        return mask_address(text)
    if field == "birth_date":
        return mask_birth_date(text)
    return MASK * 3


def shown_entries(
    viewer: Any, batch: Any, entries: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The preview's errors, problems or notes ({row, column, value, message}) as the viewer
    may read them."""
    hidden = masked_headers(viewer, batch)
    shown = []
    for entry in entries:
        item = dict(entry)
        field = hidden.get(str(item.get("column", "")))
        if field is not None:
            item["value"] = shown_value(field, item.get("value"))
        shown.append(item)
    return shown


def shown_report(viewer: Any, batch: Any, content: bytes) -> bytes:
    """The workbook of rows with errors as the viewer may read it: the kept one when the viewer
    sees every mapped column, else written again with those columns masked."""
    hidden = masked_headers(viewer, batch)
    if not hidden:
        return content
    rows = read_cells(content, "report.xlsx")
    if not rows:
        return content
    header = ["" if c is None else str(c) for c in rows[0]]
    masked_at = {i: hidden[h] for i, h in enumerate(header) if h in hidden}
    body = []
    warning_rows = set()
    result_at = header.index(RESULT_HEADER) if RESULT_HEADER in header else None
    for index, cells in enumerate(rows[1:]):
        cells = list(cells) + [""] * (len(header) - len(cells))
        for i, field in masked_at.items():
            cells[i] = shown_value(field, cells[i])
        if result_at is not None and cells[result_at] == PROBLEM_MARK:
            warning_rows.add(index)
        body.append(cells)
    error_col = header.index(ERROR_HEADER) if ERROR_HEADER in header else None
    return _write(
        body, header_row=header, error_col=error_col, warning_rows=frozenset(warning_rows)
    )
