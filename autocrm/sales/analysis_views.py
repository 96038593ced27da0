"""The analysis pages of the sales director and the general manager (issue #14, item 6): an
index, then one page per analysis with its ECharts charts and, with `?format=xlsx` on the same
URL, the workbook of the tables it shows.

Every page reads the viewer's own dealer only, over `?start=&end=` (default the last 90 days)
and, where it makes sense, `?series=`; `analysis_pages.parse_params` says how a value that
does not parse falls back to the default. Thin: the figures come from `analysis_pages` and
`analysis_prospect_pages`, which call the selectors of `sales.analysis*`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from autocrm.catalogue.selectors import series_choices, series_ref
from autocrm.core.permissions import permission_required
from autocrm.sales import analysis_pages as pages
from autocrm.sales import analysis_prospect_pages as prospect_pages
from autocrm.sales import analysis_traffic_pages as traffic_pages
from autocrm.sales.exports import workbook, xlsx_response
from autocrm.sales.policies import can_view_analysis


@dataclass(frozen=True)
class Analysis:
    slug: str
    title: Promise
    description: Promise
    build: Callable[[int, pages.Params], pages.Page]
    ascii_name: str  # the download's plain filename, for the clients that ignore filename*
    series: bool = True  # takes the model filter

    @property
    def url_name(self) -> str:
        return f"analysis_{self.slug}"


ANALYSES = (
    Analysis(
        "traffic",
        gettext_lazy("Showroom traffic trend"),
        gettext_lazy("Daily traffic, its weekly rhythm, weekly and monthly totals, and this "
                     "month's traffic target."),
        traffic_pages.traffic_page,
        "traffic-trend",
    ),
    Analysis(
        "media",
        gettext_lazy("Media effectiveness"),
        gettext_lazy("Traffic N days before and after an ad or an event: the growth and the lag."),
        traffic_pages.media_page,
        "media-effect",
    ),
    Analysis(
        "registration",
        gettext_lazy("Registration rate"),
        gettext_lazy("The registration rate per consultant, per weekday and per day."),
        traffic_pages.registration_page,
        "registration-rate",
    ),
    Analysis(
        "consultants",
        gettext_lazy("Consultants needed"),
        gettext_lazy("Each consultant's daily reception, and the consultants an expected traffic "
                     "needs."),
        traffic_pages.consultants_page,
        "consultants-needed",
        series=False,
    ),
    Analysis(
        "prospects",
        gettext_lazy("Prospect background"),
        gettext_lazy("Prospects by information source (with its conversion), industry, position, "
                     "age band and hobby."),
        prospect_pages.prospects_page,
        "prospects",
    ),
    Analysis(
        "lost",
        gettext_lazy("Lost reasons by model"),
        gettext_lazy("Why sales were lost, model by model, and the models bought instead."),
        prospect_pages.lost_page,
        "lost-reasons",
    ),
    Analysis(
        "buyers",
        gettext_lazy("Buyer background"),
        gettext_lazy("The buyers' payment methods, and their age bands beside the prospects'."),
        prospect_pages.buyers_page,
        "buyers",
    ),
    Analysis(
        "cycle",
        gettext_lazy("Conversion cycle"),
        gettext_lazy("Months from registration to the deal of the cars sold."),
        prospect_pages.cycle_page,
        "conversion-cycle",
    ),
    Analysis(
        "response",
        gettext_lazy("Lead first response"),
        gettext_lazy("First-response times of the clocked leads, by source and by consultant."),
        prospect_pages.response_page,
        "lead-response",
    ),
)  # fmt: skip


def _about(analysis: Analysis, request: HttpRequest, p: pages.Params) -> list[tuple[str, str]]:
    user: Any = request.user
    model = series_ref(p.series_id) if p.series_id is not None else None
    return [
        (_("Analysis"), str(analysis.title)),
        (_("Dealer"), str(user.dealer)),
        (_("From"), p.start.isoformat()),
        (_("To"), p.end.isoformat()),
        (_("Model"), str(model) if model else _("Every model")),
        (_("Made"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
    ]


def _page_view(analysis: Analysis) -> Callable[[HttpRequest], HttpResponse]:
    def view(request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        p = pages.parse_params(request.GET, series=analysis.series)
        page = analysis.build(user.dealer_id, p)
        if request.GET.get("format") == "xlsx":
            span = f"{p.start.isoformat()}_{p.end.isoformat()}"
            return xlsx_response(
                workbook(page.tables, _about(analysis, request, p), _("About")),
                f"{analysis.title}_{span}.xlsx",
                f"{analysis.ascii_name}_{span}.xlsx",
            )
        query = request.GET.copy()
        query["format"] = "xlsx"
        context = {
            "analysis": analysis,
            "analyses": ANALYSES,
            "page": page,
            "params": p,
            "series_choices": series_choices() if analysis.series else [],
            "xlsx_query": query.urlencode(),
            "nav_active": "sales_analysis",
        }
        return render(request, "sales/analysis/page.html", context)

    view.__name__ = view.__qualname__ = f"{analysis.slug}_analysis"
    return permission_required(can_view_analysis)(view)


PAGE_VIEWS = {a.slug: _page_view(a) for a in ANALYSES}


@permission_required(can_view_analysis)
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "sales/analysis/index.html",
        {"analyses": ANALYSES, "nav_active": "sales_analysis"},
    )
