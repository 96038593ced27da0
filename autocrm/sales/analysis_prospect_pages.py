"""What the prospect, lost-sale, buyer, conversion-cycle and lead-response pages show (the
traffic pages and the shared pieces are in `analysis_pages`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.utils.translation import gettext as _

from autocrm.sales import analysis_prospect_selectors as prospects
from autocrm.sales import analysis_response_selectors as responses
from autocrm.sales.analysis_pages import (
    Chart,
    Figure,
    Page,
    Params,
    Spec,
    as_percent,
    bars,
    one,
    pct,
    pie,
    share_table,
    table,
)


def _pie(rows: list[prospects.Share]) -> dict[str, Any]:
    return pie([(r.label, r.count) for r in rows])


def _share_bar(rows: list[prospects.Share], name: str) -> dict[str, Any]:
    return bars(
        [r.label for r in rows], [(name, [as_percent(r.share) for r in rows])], percent=True
    )


# --- 5. prospects -----------------------------------------------------------------------------


def prospects_page(dealer_id: int, p: Params) -> Page:
    r = prospects.prospect_analysis(dealer_id, p.start, p.end, p.series_id)
    counted = _("Prospects")
    source_specs: list[Spec] = [
        (counted, "int", "registered"),
        (_("Share"), "pct", "share"),
        (_("Won"), "int", "won"),
        (_("Conversion rate"), "pct", "conversion"),
    ]
    whole = prospects.SourceRow("", _("Total"), "", r.registered, r.won, 1.0 if r.registered else 0)
    source_chart = bars(
        [s.label for s in r.sources],
        [(_("Conversion rate"), [as_percent(s.conversion) for s in r.sources])],
        percent=True,
    )
    return Page(
        figures=[
            Figure(_("Registered prospects"), str(r.registered), "", "registered"),
            Figure(_("Won in the period"), str(r.won), "", "won"),
            Figure(_("Conversion rate"), pct(r.conversion), _("won / registered"), "conversion"),
        ],
        charts=[
            Chart(
                _("Information source"),
                pie([(s.label, s.registered) for s in r.sources]),
                "chart-source",
            ),
            Chart(_("Conversion rate per information source"), source_chart, "chart-conversion"),
            Chart(_("Industry"), _pie(r.industries), "chart-industry"),
            Chart(_("Position"), _pie(r.positions), "chart-position"),
            Chart(_("Age band"), _share_bar(r.age_bands, counted), "chart-age"),
            Chart(_("Hobbies"), _share_bar(r.hobbies, _("Mentions")), "chart-hobby"),
        ],
        tables=[
            table(
                "source",
                _("Information source (standard options)"),
                [(_("Information source"), "text", "label"), *source_specs],
                r.sources,
                foot=whole,
            ),
            table(
                "own_source",
                _("Information source (the dealer's options)"),
                [
                    (_("Option"), "text", "label"),
                    (_("Standard option"), "text", "standard"),
                    *source_specs,
                ],
                r.own_sources,
            ),
            share_table("industry", _("Industry"), r.industries, _("Industry"), counted),
            share_table("position", _("Position"), r.positions, _("Position"), counted),
            share_table("age", _("Age band"), r.age_bands, _("Age band"), counted),
            share_table("hobby", _("Hobbies"), r.hobbies, _("Hobby"), _("Mentions")),
        ],
        notes=[
            _(
                "Prospects: the opportunities registered in the period. A source's conversion "
                "rate: its opportunities won in the period over those registered in it. The "
                "dealer's own options count under the standard option they map to. Each of a "
                "prospect's hobbies (up to three) counts once."
            ),
        ],  # fmt: skip
    )


# --- 6. lost reasons --------------------------------------------------------------------------


def lost_page(dealer_id: int, p: Params) -> Page:
    r = prospects.lost_analysis(dealer_id, p.start, p.end, p.series_id)
    reasons, models = r.reasons, r.models

    def name(m: prospects.ModelLost) -> str:
        return f"{m.label}*" if m.small_sample else m.label

    stacked = bars(
        [name(m) for m in models],
        [(x.label, [as_percent(m.shares.get(x.code, 0.0)) for m in models]) for x in reasons],
        percent=True,
        stacked=True,
        horizontal=True,
    )
    competitors = bars(
        [c.label for c in r.competitors],
        [(_("Lost sales"), [c.count for c in r.competitors])],
        horizontal=True,
    )

    def reason_share(code: str) -> Any:
        return lambda m: m.shares.get(code, 0.0)

    specs: list[Spec] = [
        (_("Model"), "text", name),
        (_("Lost sales"), "int", "total"),
        *[(x.label, "pct", reason_share(x.code)) for x in reasons],
    ]
    overall = prospects.ModelLost(0, _("Every model"), {x.code: x.count for x in reasons})
    main = max((x for x in reasons if x.code), key=lambda x: x.count, default=None)
    return Page(
        figures=[
            Figure(_("Lost sales"), str(r.lost), "", "lost"),
            Figure(
                _("Main reason"),
                main.label if main else "—",
                pct(main.share) if main else "",
                "main",
            ),
        ],
        charts=[
            Chart(_("Lost reasons by model (100%)"), stacked, "chart-model", wide=True),
            Chart(_("Lost reasons"), _pie(reasons), "chart-reasons"),
            Chart(_("Bought instead"), competitors, "chart-competitors"),
        ],
        tables=[
            table("model", _("Lost reasons by model"), specs, models, foot=overall),
            share_table("reason", _("Lost reasons"), reasons, _("Reason"), _("Lost sales")),
            share_table(
                "competitor", _("Bought instead"), r.competitors, _("Model"), _("Lost sales")
            ),
        ],
        notes=[
            _(
                "Opportunities closed as lost in the period (approved lost requests). * fewer "
                "than %(n)s lost sales: too small a sample to compare."
            )
            % {"n": prospects.SMALL_SAMPLE},
        ],  # fmt: skip
    )


# --- 7. buyers --------------------------------------------------------------------------------


def buyers_page(dealer_id: int, p: Params) -> Page:
    r = prospects.buyer_analysis(dealer_id, p.start, p.end, p.series_id)
    ages = bars(
        [a.label for a in r.ages],
        [
            (_("Prospects"), [as_percent(a.prospect_share) for a in r.ages]),
            (_("Buyers"), [as_percent(a.buyer_share) for a in r.ages]),
        ],
        percent=True,
    )
    specs: list[Spec] = [
        (_("Age band"), "text", "label"),
        (_("Prospects"), "int", "prospects"),
        (_("Share of prospects"), "pct", "prospect_share"),
        (_("Buyers"), "int", "buyers"),
        (_("Share of buyers"), "pct", "buyer_share"),
    ]
    whole = prospects.AgeCompare(
        "", _("Total"), r.prospects, 1.0 if r.prospects else 0, r.buyers, 1.0 if r.buyers else 0
    )
    return Page(
        figures=[
            Figure(_("Buyers"), str(r.buyers), _("%(n)s units") % {"n": r.units}, "buyers"),
            Figure(_("Registered prospects"), str(r.prospects), "", "prospects"),
        ],
        charts=[
            Chart(_("Payment method"), _pie(r.payments), "chart-payment"),
            Chart(_("Age band: buyers and prospects"), ages, "chart-age"),
        ],
        tables=[
            share_table(
                "payment", _("Payment method"), r.payments, _("Payment method"), _("Buyers")
            ),
            table("age", _("Age band: buyers and prospects"), specs, r.ages, foot=whole),
        ],
        notes=[
            _(
                "Buyers: the opportunities won (car delivered) in the period; prospects: those "
                "registered in it."
            ),
        ],  # fmt: skip
    )


# --- 8. conversion cycle ----------------------------------------------------------------------


def cycle_page(dealer_id: int, p: Params) -> Page:
    r = prospects.conversion_cycle(dealer_id, p.start, p.end, p.series_id)
    chart = _share_bar(r.months, _("Deals"))
    chart["xAxis"]["name"] = _("months")
    title = _("Months from registration to the deal")
    return Page(
        figures=[
            Figure(_("Deals"), str(r.won), "", "won"),
            Figure(
                _("In the month of registration"),
                pct(r.within_the_month if r.won else None),
                "",
                "month-zero",
            ),
            Figure(
                _("Six months or more after"),
                pct(r.six_months_or_more if r.won else None),
                "",
                "six-plus",
            ),
        ],
        charts=[Chart(title, chart, "chart-cycle", wide=True)],
        tables=[share_table("cycle", title, r.months, _("Months"), _("Deals"))],
        notes=[
            _(
                "Whole calendar months from registration to the deal of the opportunities won "
                "in the period (12+: a year or more). Deals long after registration are why old "
                "prospects are worth following."
            ),
        ],  # fmt: skip
    )


# --- 9. lead first response -------------------------------------------------------------------


def _response_specs(first: str) -> list[Spec]:
    def share(band: str) -> Any:
        return lambda r: r.shares[band] if r.clocked else None

    return [
        (first, "text", "label"),
        (_("Clocked leads"), "int", "clocked"),
        (_("Answered"), "int", "answered"),
        (_("On time"), "int", "on_time"),
        (_("Late"), "int", "late"),
        (_("Missed"), "int", "missed"),
        (_("Waiting"), "int", "waiting"),
        (_("On time share"), "pct", share("on_time")),
        (_("Late share"), "pct", share("late")),
        (_("Missed share"), "pct", share("missed")),
        (_("Median minutes"), "num", "median_minutes"),
    ]


#: On time green, late amber, missed red, waiting grey.
BAND_COLOURS = ["#17a673", "#f0a030", "#e0525a", "#8a94a6"]


def _band_bars(rows: list[responses.ResponseRow]) -> dict[str, Any]:
    option = bars(
        [r.label for r in rows],
        [
            (_("On time"), [r.on_time for r in rows]),
            (_("Late"), [r.late for r in rows]),
            (_("Missed"), [r.missed for r in rows]),
            (_("Waiting"), [r.waiting for r in rows]),
        ],
        stacked=True,
    )
    option["color"] = BAND_COLOURS
    return option


def response_page(dealer_id: int, p: Params) -> Page:
    r = responses.response_analysis(dealer_id, p.start, p.end, p.series_id)
    t = replace(r.total, label=_("Total"))
    people = [
        c if c.key is not None else replace(c, label=_("Unassigned")) for c in r.by_consultant
    ]
    on_time = t.shares["on_time"] if t.clocked else None
    missed = t.shares["missed"] if t.clocked else None
    return Page(
        figures=[
            Figure(
                _("Clocked leads"),
                str(t.clocked),
                _("%(n)s answered") % {"n": t.answered},
                "clocked",
            ),
            Figure(_("On time"), pct(on_time), "", "on-time"),
            Figure(_("Missed"), pct(missed), "", "missed"),
            Figure(_("Median minutes"), one(t.median_minutes), _("business time"), "median"),
        ],
        charts=[
            Chart(_("First response by source"), _band_bars(r.by_source), "chart-source"),
            Chart(_("First response by consultant"), _band_bars(people), "chart-consultant"),
        ],
        tables=[
            table(
                "source",
                _("First response by source"),
                _response_specs(_("Source")),
                r.by_source,
                foot=t,
            ),
            table(
                "consultant",
                _("First response by consultant"),
                _response_specs(_("Consultant")),
                people,
                foot=t,
            ),
        ],
        notes=[
            _(
                "Phoned-in, online and OEM leads received in the period, each person once "
                "(repeats are left out). Minutes in business hours; on time, late and missed by "
                "the dealer's bounds; a lead not answered past its missed bound counts as "
                "missed, one still within it as waiting. The lost-sale audit is on the lost "
                "requests page."
            ),
        ],  # fmt: skip
    )
