"""The analysis of an import file: every row cleaned, checked and matched, nothing written; and
what a batch keeps of it (counts, the first errors and notes)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.utils.translation import gettext as _

from autocrm.imports.matching import (
    Matcher,
    Plan,
    plan_rows,
)
from autocrm.imports.models import ImportBatch
from autocrm.imports.policies import import_masked_fields
from autocrm.imports.reader import ImportFileError, Sheet, read_sheet
from autocrm.imports.rows import RowError, ValidRow
from autocrm.imports.validation import leave_out_problem_rows, validate_rows, work_for

#: Errors kept on the batch for the preview page (the rejected-rows file has them all).
MAX_STORED_ERRORS = 1000


@dataclass
class Analysis:
    """The result of running the pipeline over a file (nothing written)."""

    sheet: Sheet
    mapping: list[str]
    rows: list[ValidRow]
    plan: Plan
    errors: list[RowError] = field(default_factory=list)
    notes: list[RowError] = field(default_factory=list)
    #: values left out of imported rows (the rows "imported with problems")
    problems: list[RowError] = field(default_factory=list)
    #: the consultant mapping the rows were checked with
    staff_mapping: dict[str, int | None] = field(default_factory=dict)
    #: an applied import's count of its checked rows (`rows` is then empty: each chunk's rows
    #: are let go once written, see `RowTally`)
    tally: RowTally | None = None

    def row_count(self) -> int:
        return self.tally.count if self.tally is not None else len(self.rows)

    def rows_with_problems(self) -> int:
        if self.tally is not None:
            return self.tally.with_problems
        return sum(1 for r in self.rows if r.problems and not r.errors)

    def unknown_staff(self) -> dict[str, int]:
        """Consultant names no staff member here has → their number of rows, most first."""
        if self.tally is not None:
            return dict(self.tally.unknown_staff.most_common())
        return dict(Counter(r.unknown_staff for r in self.rows if r.unknown_staff).most_common())


@dataclass
class RowTally:
    """What an applied import keeps of its checked rows, chunk by chunk, instead of the rows:
    their errors, notes and problems, and counts."""

    count: int = 0
    with_problems: int = 0
    unknown_staff: Counter[str] = field(default_factory=Counter)
    errors: list[RowError] = field(default_factory=list)
    notes: list[RowError] = field(default_factory=list)
    problems: list[RowError] = field(default_factory=list)

    def add(self, rows: Sequence[ValidRow]) -> None:
        self.count += len(rows)
        for r in rows:
            if r.errors:
                self.errors += r.errors
            else:
                self.notes += r.notes
                self.problems += r.problems
                if r.problems:
                    self.with_problems += 1
            if r.unknown_staff:
                self.unknown_staff[r.unknown_staff] += 1

    def analysis(self, sheet: Sheet, mapping: list[str], plan: Plan) -> Analysis:
        return Analysis(
            sheet=sheet, mapping=mapping, rows=[], plan=plan, errors=self.errors,
            notes=self.notes, problems=self.problems, tally=self,
        )  # fmt: skip


def full_mapping(sheet: Sheet, mapping: Sequence[str]) -> list[str]:
    return list(mapping) + [""] * (len(sheet.headers) - len(mapping))


def analyse(
    *,
    dealer_id: int,
    sheet: Sheet,
    mapping: Sequence[str],
    today: date | None = None,
    staff_mapping: Mapping[str, int | None] | None = None,
    skip_problem_rows: bool = False,
    progress: Callable[[int], None] | None = None,
    masked: frozenset[str] = frozenset(),
) -> Analysis:
    """Clean, validate and match every row (reads the database, writes nothing);
    `progress` is told the rows checked as the check goes, `masked` the fields the importer
    may not change on stored customers (`policies.import_masked_fields`)."""
    mapping = full_mapping(sheet, mapping)
    rows = validate_rows(
        work_for(dealer_id, sheet, mapping, today, staff_mapping=staff_mapping), progress
    )
    if skip_problem_rows:
        leave_out_problem_rows(rows)
    plan = plan_rows(rows, Matcher(dealer_id), Plan(masked=masked))
    result = analysis_of(sheet, mapping, rows, plan)
    result.staff_mapping = dict(staff_mapping or {})
    return result


def analysis_of(sheet: Sheet, mapping: list[str], rows: list[ValidRow], plan: Plan) -> Analysis:
    errors = [e for r in rows for e in r.errors]
    notes = [n for r in rows if not r.errors for n in r.notes]
    problems = [p for r in rows if not r.errors for p in r.problems]
    return Analysis(
        sheet=sheet,
        mapping=mapping,
        rows=rows,
        plan=plan,
        errors=errors,
        notes=notes,
        problems=problems,
    )


def record_analysis(batch: ImportBatch, analysis: Analysis) -> None:
    counts = analysis.plan.counts()
    batch.count_new = counts["new"]
    batch.count_updated = counts["updated"]
    batch.count_unchanged = counts["unchanged"]
    # rows left out at the user's choice are not imported either
    batch.count_rejected = counts["rejected"] + counts.get("skipped", 0)
    batch.count_problems = analysis.rows_with_problems()
    batch.unknown_staff = analysis.unknown_staff()
    batch.rows_total = analysis.row_count()
    batch.errors = [e.as_dict() for e in analysis.errors[:MAX_STORED_ERRORS]]
    batch.problems = [p.as_dict() for p in analysis.problems[:MAX_STORED_ERRORS]]
    batch.notes = [n.as_dict() for n in analysis.notes[:MAX_STORED_ERRORS]]


def batch_content(batch: ImportBatch) -> bytes:
    try:
        return Path(batch.stored_path).read_bytes()
    except OSError as exc:
        raise ImportFileError(_("The uploaded file is no longer available.")) from exc


def batch_sheet(batch: ImportBatch) -> Sheet:
    return read_sheet(batch_content(batch), batch.file_name)


def batch_analysis(batch: ImportBatch) -> Analysis:
    uploader = batch.uploaded_by
    return analyse(
        dealer_id=batch.dealer_id,
        sheet=batch_sheet(batch),
        mapping=batch.mapping,
        staff_mapping=batch.staff_mapping,
        skip_problem_rows=batch.skip_problem_rows,
        masked=import_masked_fields(uploader) if uploader is not None else frozenset(),
    )
