"""Lead import pages: upload a platform export, its preview, the apply's progress and result,
the refused rows as a workbook (services in `lead_import`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from autocrm.core.forms import StyledForm
from autocrm.core.permissions import permission_required
from autocrm.imports.errors import ImportFileError
from autocrm.imports.reader import CSV_SUFFIXES, SPREADSHEET_SUFFIXES
from autocrm.sales import lead_import as service
from autocrm.sales.models import LeadSource
from autocrm.sales.policies import can_receive_leads
from autocrm.sales.tasks import lead_import_apply_task

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_MB = 10  # a month of a dealer's platform leads is well under 1 MB
ROWS_PER_PAGE = 100
SHOWN_REFUSALS = 200
SESSION_KEY = "lead_imports"

receiver_required = permission_required(
    can_receive_leads, gettext_lazy("Your role may not receive leads.")
)

#: How the upload page names the sources of an export.
SOURCE_LABELS = {
    LeadSource.AUTOHOME: gettext_lazy("汽车之家 (Autohome)"),
    LeadSource.DONGCHEDI: gettext_lazy("懂车帝 (Dongchedi)"),
    LeadSource.YICHE: gettext_lazy("易车 (Yiche)"),
    LeadSource.OEM: gettext_lazy("OEM下发 (leads sent by the manufacturer)"),
    LeadSource.OTHER: gettext_lazy("Other"),
}


class LeadImportForm(StyledForm):
    source = forms.ChoiceField(
        label=gettext_lazy("Platform"),
        choices=[("", "—"), *((s.value, SOURCE_LABELS[s]) for s in service.IMPORT_SOURCES)],
    )
    file = forms.FileField(
        label=gettext_lazy("Export file"),
        help_text=gettext_lazy(
            "The platform's lead export as it was downloaded: Excel (.xlsx, .xls) or CSV "
            "(UTF-8 or GBK)."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join((*SPREADSHEET_SUFFIXES, *CSV_SUFFIXES))}
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_MB}
            )
        return upload


def _user(request: HttpRequest) -> Any:
    """The signed-in staff member (the views are behind `receiver_required`)."""
    return request.user


def _recent(request: HttpRequest) -> list[service.LeadUpload]:
    """The uploads this session made that are still kept, newest first."""
    found = []
    for upload_id in reversed(request.session.get(SESSION_KEY, [])):
        try:
            found.append(service.lead_upload_get(actor=_user(request), upload_id=upload_id))
        except (Http404, PermissionDenied, ValueError):  # gone, or not theirs
            continue
    return found


def _remember(request: HttpRequest, upload_id: str) -> None:
    kept = [i for i in request.session.get(SESSION_KEY, []) if i != upload_id]
    request.session[SESSION_KEY] = [*kept, upload_id][-10:]


@receiver_required
def lead_import(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = LeadImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            upload = service.lead_import_upload(
                actor=user,
                content=uploaded.read(),
                filename=uploaded.name,
                source=form.cleaned_data["source"],
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            form.mark_invalid()
        except ValidationError as exc:
            form.apply_service_errors(exc)
        else:
            _remember(request, upload.id)
            return redirect("sales:lead_import_detail", upload_id=upload.id)
    context = {
        "form": form,
        "recent": _recent(request),
        "max_rows": service.MAX_ROWS,
        "nav_active": "leads",
    }
    return render(request, "sales/lead_import.html", context)


def _context(upload: service.LeadUpload) -> dict[str, Any]:
    state = upload.state
    return {
        "upload": upload,
        "state": state,
        "source_label": SOURCE_LABELS.get(state["source"], state["source"]),
        "preview": state.get("preview", {}),
        "result": state.get("result", {}),
        "refusals": [
            service.row_message(e["row"], e["column"], e["message"])
            for e in state.get("refused", [])[:SHOWN_REFUSALS]
        ],
        "refusals_more": max(0, len(state.get("refused", [])) - SHOWN_REFUSALS),
        "nav_active": "leads",
    }


@receiver_required
def lead_import_detail(request: HttpRequest, upload_id: str) -> HttpResponse:
    """The preview of a checked upload; once applied (or being applied), its progress and
    result (the progress is polled with htmx while the work runs)."""
    upload = service.lead_upload_get(actor=_user(request), upload_id=upload_id)
    context = _context(upload)
    if request.headers.get("HX-Request"):
        response = render(request, "sales/lead_import_progress.html", context)
        if upload.status not in (service.QUEUED, service.APPLYING):
            response["HX-Refresh"] = "true"
        return response
    if upload.status != service.PREVIEWED:
        return render(request, "sales/lead_import_result.html", context)
    show = request.GET.get("show", "")
    rows = upload.rows()
    if show in service.OUTCOMES:
        rows = [r for r in rows if r["outcome"] == show]
    preview = context["preview"]
    context.update(
        show=show,
        outcomes=[
            (service.NEW, _("New leads")),
            (service.REPEAT, _("Repeats")),
            (service.REPLAY, _("Received before")),
            (service.REFUSED, _("Refused")),
        ],
        page=Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page")),
        query=f"show={show}" if show else "",
        to_receive=preview.get(service.NEW, 0) + preview.get(service.REPEAT, 0),
    )
    return render(request, "sales/lead_import_preview.html", context)


@require_POST
@receiver_required
def lead_import_apply(request: HttpRequest, upload_id: str) -> HttpResponse:
    upload = service.lead_upload_get(actor=_user(request), upload_id=upload_id)
    claim = service.lead_import_claim(actor=_user(request), upload=upload)
    if claim:
        lead_import_apply_task(upload.id, request.user.pk, claim)
    else:
        messages.info(request, _("This upload is applied or being applied already."))
    return redirect("sales:lead_import_detail", upload_id=upload.id)


@receiver_required
def lead_import_refused(request: HttpRequest, upload_id: str) -> HttpResponse:
    upload = service.lead_upload_get(actor=_user(request), upload_id=upload_id)
    try:
        content = service.lead_import_refused_xlsx(upload)
    except ImportFileError as exc:  # the kept file no longer reads (it was checked at upload)
        messages.error(request, str(exc))
        return redirect("sales:lead_import_detail", upload_id=upload.id)
    stem = upload.state["file_name"].rsplit(".", 1)[0]
    response = HttpResponse(content, content_type=XLSX)
    refused = _("refused")
    filename = f"{stem}-{refused}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@require_POST
@receiver_required
def lead_import_discard(request: HttpRequest, upload_id: str) -> HttpResponse:
    upload = service.lead_upload_get(actor=_user(request), upload_id=upload_id)
    try:
        service.lead_import_discard(actor=_user(request), upload=upload)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("sales:lead_import_detail", upload_id=upload.id)
    messages.success(request, _("The upload was discarded: its file is deleted."))
    return redirect("sales:lead_import")
