"""Import pages: history, upload, preview (mapping + errors), progress, result, undo."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from autocrm.core.permissions import permission_required
from autocrm.imports import services
from autocrm.imports.analysis import MAX_STORED_ERRORS, batch_analysis
from autocrm.imports.columns import TARGETS, target_choices
from autocrm.imports.export import (
    kept_report,
    rejected_rows_xlsx,
    template_filename,
    template_xlsx,
)
from autocrm.imports.forms import UploadForm
from autocrm.imports.models import ImportBatch, ImportStatus
from autocrm.imports.policies import can_import_customers, import_masked_fields
from autocrm.imports.reader import ImportFileError
from autocrm.imports.selectors import import_get, import_history
from autocrm.imports.shown import shown_entries, shown_report
from autocrm.imports.tasks import import_apply_task
from autocrm.imports.undo import import_undo
from autocrm.tenancy.models import Staff

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_PER_PAGE = 50
#: Notes (rows imported with a remark, e.g. vehicle columns without VIN) shown on the preview.
#: Rows with problems and notes shown on the preview (the download has every one)
MAX_SHOWN_NOTES = 50


importer_required = permission_required(
    can_import_customers, gettext_lazy("Your role may not import customers.")
)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@importer_required
def history(request: HttpRequest) -> HttpResponse:
    page = Paginator(import_history(actor=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "imports/history.html", {"page": page, "nav_active": "imports"})


@importer_required
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, dealer_id=request.user.dealer_id)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            batch = services.import_upload(
                actor=request.user,
                content=upload_file.read(),
                filename=upload_file.name,
                source=form.cleaned_data["source"],
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("imports:checking", pk=batch.pk)
    return render(request, "imports/upload.html", {"form": form, "nav_active": "imports"})


@importer_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = import_get(actor=request.user, pk=pk)
    if batch.status == ImportStatus.ANALYSING:
        return redirect("imports:checking", pk=batch.pk)
    if batch.status != ImportStatus.PREVIEWED:
        return redirect("imports:detail", pk=batch.pk)
    if request.method == "POST":
        mapping = [request.POST.get(f"col{i}", "") for i in range(len(batch.headers))]
        valid = {t.key for t in TARGETS}
        mapping = [key if key in valid else "" for key in mapping]
        try:
            services.import_remap(
                actor=request.user,
                batch=batch,
                mapping=mapping,
                save_as=request.POST.get("save_as", ""),
            )
        except (ValidationError, ImportFileError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Column mapping applied."))
            return redirect("imports:checking", pk=batch.pk)
        return redirect("imports:preview", pk=batch.pk)
    columns = [
        {"index": i, "header": header, "key": key}
        for i, (header, key) in enumerate(zip(batch.headers, batch.mapping, strict=False))
    ]
    viewer = request.user
    errors = Paginator(shown_entries(viewer, batch, batch.errors), ERRORS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    masked = import_masked_fields(request.user)
    context = {
        "batch": batch,
        # rows that carry only a name match no one: applying the same file twice makes them
        # twice, so say when this very file was applied already
        "applied_before": ImportBatch.objects.filter(
            dealer_id=batch.dealer_id, sha256=batch.sha256, status=ImportStatus.APPLIED
        )
        .exclude(pk=batch.pk)
        .order_by("-id")
        .first(),
        "columns": columns,
        "masked_columns": [c["header"] for c in columns if c["key"] in masked],
        "masks_id_numbers": "id_number" in masked and "id_number" in batch.mapping,
        "unknown_staff": [
            {"index": i, "name": name, "rows": rows, "staff_id": batch.staff_mapping.get(name)}
            for i, (name, rows) in enumerate(
                sorted(batch.unknown_staff.items(), key=lambda item: (-item[1], item[0]))
            )
        ],
        "staff": Staff.objects.filter(dealer_id=batch.dealer_id, is_active=True).order_by(
            "display_name", "username"
        ),
        "problems": shown_entries(viewer, batch, list(batch.problems)[:MAX_SHOWN_NOTES]),
        "choices": target_choices(),
        "errors": errors,
        "errors_capped": batch.count_rejected and len(batch.errors) >= MAX_STORED_ERRORS,
        # RowError objects or their as_dict() form, when the batch keeps them
        "notes": shown_entries(
            viewer, batch, list(getattr(batch, "notes", None) or [])[:MAX_SHOWN_NOTES]
        ),
        "problems_more": max(0, len(batch.problems) - MAX_SHOWN_NOTES),
        "notes_more": max(0, len(getattr(batch, "notes", None) or []) - MAX_SHOWN_NOTES),
        "nav_active": "imports",
    }
    return render(request, "imports/preview.html", context)


@importer_required
@require_POST
def staff_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview's consultant mapping: each name not known here to a staff member or to
    nobody (""), saved for the file's source; the rows are checked again."""
    batch = import_get(actor=request.user, pk=pk)
    if batch.status != ImportStatus.PREVIEWED:
        return redirect("imports:detail", pk=batch.pk)
    chosen: dict[str, int | None] = {}
    for i in range(len(batch.unknown_staff)):
        name = request.POST.get(f"name{i}")
        if name in batch.unknown_staff:
            chosen[name] = _int(request.POST.get(f"staff{i}"))
    try:
        services.import_staff_map(actor=request.user, batch=batch, staff_mapping=chosen)
    except (ValidationError, ImportFileError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Consultant mapping saved."))
        return redirect("imports:checking", pk=batch.pk)
    return redirect("imports:preview", pk=batch.pk)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@importer_required
@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    batch = import_get(actor=request.user, pk=pk)
    if batch.status != ImportStatus.PREVIEWED:
        messages.error(request, _("This import has already been applied."))
    else:
        services.import_choose_problem_rows(
            actor=request.user,
            batch=batch,
            leave_out=request.POST.get("skip_problem_rows") == "on",
        )
        import_apply_task(batch.pk, request.user.pk)
    return redirect("imports:detail", pk=batch.pk)


@importer_required
def checking(request: HttpRequest, pk: int) -> HttpResponse:
    """The check of an uploaded file, in the background: its progress until the preview is
    ready (then the preview), or why the file could not be read."""
    batch = import_get(actor=request.user, pk=pk)
    if batch.status == ImportStatus.PREVIEWED:
        done = reverse("imports:preview", args=[batch.pk])
    elif batch.status != ImportStatus.ANALYSING and batch.was_read:
        done = reverse("imports:detail", args=[batch.pk])
    else:
        done = ""
    polled = bool(request.headers.get("HX-Request"))
    if done:  # the page itself, not the partial it polls, goes on
        if polled:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = done
            return response
        return redirect(done)
    context = {"batch": batch, "nav_active": "imports"}
    template = "imports/_checking.html" if polled else "imports/checking.html"
    return render(request, template, context)


@importer_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = import_get(actor=request.user, pk=pk)
    if batch.status == ImportStatus.ANALYSING or not batch.was_read:
        return redirect("imports:checking", pk=batch.pk)
    context = {
        "batch": batch,
        "nav_active": "imports",
        "rows_written": batch.count_new + batch.count_updated,
    }
    if request.headers.get("HX-Request"):
        response = render(request, "imports/_progress.html", context)
        if batch.status not in (ImportStatus.APPLYING, ImportStatus.PREVIEWED):
            response["HX-Refresh"] = "true"
        return response
    return render(request, "imports/detail.html", context)


@importer_required
def rejected(request: HttpRequest, pk: int) -> HttpResponse:
    batch = import_get(actor=request.user, pk=pk)
    stem = batch.file_name.rsplit(".", 1)[0]
    content = kept_report(batch)
    if content is None:  # checked before the reports were kept: check the file again
        try:
            content = rejected_rows_xlsx(batch_analysis(batch))
        except ImportFileError as exc:
            messages.error(request, str(exc))
            return redirect("imports:detail", pk=batch.pk)
    return _xlsx(shown_report(request.user, batch, content), f"{stem}-{_('rejected')}.xlsx")


@importer_required
@require_POST
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    batch = import_get(actor=request.user, pk=pk)
    try:
        result = import_undo(actor=request.user, batch=batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "Import undone: %(customers_deleted)d customers and %(vehicles_deleted)d "
                "vehicles deleted, %(customers_restored)d customers and %(vehicles_restored)d "
                "vehicles restored."
            )
            % result,
        )
    return redirect("imports:detail", pk=batch.pk)


@importer_required
def template(request: HttpRequest) -> HttpResponse:
    return _xlsx(template_xlsx(), template_filename())
