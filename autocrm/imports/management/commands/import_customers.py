"""python manage.py import_customers FILE --dealer CODE [--dry-run] [--errors OUT.xlsx]
[--user USERNAME] [--skip-problem-rows]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from autocrm.imports.analysis import Analysis
from autocrm.imports.export import rejected_rows_xlsx
from autocrm.imports.models import ImportBatch, ImportStatus
from autocrm.imports.policies import can_import_customers
from autocrm.imports.reader import ImportFileError
from autocrm.imports.rows import RowError
from autocrm.imports.services import import_file, import_preview
from autocrm.tenancy.models import Dealer, Staff

SHOW_ERRORS = 20


class Command(BaseCommand):
    help = "Import customers and vehicles from an .xlsx/.xls/.csv export into one dealer."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--dealer", required=True, help="dealer code")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument(
            "--errors",
            help="write the rejected rows and the rows with problems to this .xlsx file",
        )
        parser.add_argument(
            "--skip-problem-rows",
            action="store_true",
            help="leave out the rows with values that cannot be accepted (default: import "
            "them without those values, kept on the record and flagged)",
        )
        parser.add_argument(
            "--user", help="staff member recorded as importer (default: a data steward)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        dealer = Dealer.objects.filter(code=options["dealer"]).first()
        if dealer is None:
            raise CommandError(f"Unknown dealer code {options['dealer']!r}.")
        actor = self._actor(dealer, options.get("user"))
        with scope(dealer=dealer.pk):
            try:
                if options["dry_run"]:
                    batch, analysis = import_preview(
                        actor=actor, content=content, filename=path.name
                    )
                else:
                    # checked and written in one pass: chunks are written while the next
                    # ones are checked
                    batch, analysis = import_file(
                        actor=actor,
                        content=content,
                        filename=path.name,
                        skip_problem_rows=options["skip_problem_rows"],
                    )
            except ImportFileError as exc:
                raise CommandError(f"{path.name}: {exc}") from exc
            if analysis is not None:
                self._report(path, batch, analysis, options.get("errors"))
            if options["dry_run"]:
                self.stdout.write("dry run: nothing written")
                return
            if batch.status != ImportStatus.APPLIED:
                raise CommandError(f"Import #{batch.pk} failed: {batch.error_message}")
            self.stdout.write(self.style.SUCCESS(f"import #{batch.pk} applied"))
            if batch.count_new:
                self.stdout.write(f"created customers: /customers/?import={batch.pk}")

    def _report(
        self, path: Path, batch: ImportBatch, analysis: Analysis, errors_path: str | None
    ) -> None:
        out = self.stdout
        out.write(
            f"{path.name}: header in row {batch.header_row}, {batch.rows_total} rows — "
            f"new {batch.count_new}, updated {batch.count_updated}, "
            f"unchanged {batch.count_unchanged}, rejected {batch.count_rejected}"
        )
        written = batch.count_new + batch.count_updated
        out.write(
            f"rows written {written} (imported with problems {batch.count_problems}), "
            f"rejected {batch.count_rejected}"
        )
        mapped = [f"{h}→{k}" for h, k in zip(batch.headers, batch.mapping, strict=False) if k]
        out.write("columns: " + ", ".join(mapped))
        self._list("errors (rows rejected)", analysis.errors)
        self._list("problems (rows imported without these values)", analysis.problems)
        self._list("notes", analysis.notes)  # imported, but not everything in the row
        unknown = analysis.unknown_staff()
        if unknown:
            mapped_names = batch.staff_mapping
            out.write(f"consultants not known here ({len(unknown)}):")
            for name, rows in unknown.items():
                target = mapped_names.get(name)
                assigned = f"mapped to staff #{target}" if target else "left unassigned"
                out.write(f"  {name}: {rows} rows, {assigned}")
        if errors_path:
            Path(errors_path).write_bytes(rejected_rows_xlsx(analysis))
            out.write(f"rejected rows and rows with problems written to {errors_path}")

    def _list(self, title: str, found: list[RowError]) -> None:
        if not found:
            return
        out = self.stdout
        out.write(f"{title} ({len(found)}):")
        for item in found[:SHOW_ERRORS]:
            out.write(f"  row {item.row}, {item.column} «{item.value}»: {item.message}")
        if len(found) > SHOW_ERRORS:
            out.write(f"  … {len(found) - SHOW_ERRORS} more")

    def _actor(self, dealer: Dealer, username: str | None) -> Staff:
        staff = Staff.objects.filter(dealer=dealer, is_active=True)
        if username:
            actor = staff.filter(username=username).first()
            if actor is None:
                raise CommandError(f"No staff member {username!r} at dealer {dealer.code}.")
        else:
            actor = next((s for s in staff.order_by("id") if can_import_customers(s)), None)
            if actor is None:
                raise CommandError(
                    f"Dealer {dealer.code} has no staff member allowed to import; use --user."
                )
        if not can_import_customers(actor):
            raise CommandError(f"{actor.username} may not import customers.")
        return actor
