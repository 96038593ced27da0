"""The traffic analyses' pages (seed 002, "集客量的使用", "留档率的使用"): the trend with the
month's traffic target, media effectiveness, the registration rate per consultant and
weekday, and the consultants an expected traffic needs."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from autocrm.rules.sales import consultants_needed
from autocrm.sales import analysis as traffic
from autocrm.sales import charts
from autocrm.sales.analysis_pages import (
    Chart,
    Field,
    Figure,
    Page,
    Params,
    Spec,
    as_percent,
    bars,
    one,
    parse_day,
    parse_int,
    parse_number,
    pct,
    table,
    weekday_name,
)
from autocrm.sales.exports import Table

MEDIA_DAYS, MEDIA_MAX_DAYS, MEDIA_DEFAULT_AGO = 7, 30, 30


def _traffic_specs(first: Spec) -> list[Spec]:
    return [
        first,
        (_("Days"), "int", "days"),
        (_("Unregistered walk-ins"), "int", "unregistered"),
        (_("Registered prospects"), "int", "registered"),
        (_("Traffic"), "int", "traffic"),
        (_("Average per day"), "num", "daily_average"),
        (_("Registration rate"), "pct", "registration_rate"),
    ]


def _weekday_of(t: traffic.TrafficTotal) -> str:
    return weekday_name(t.key) if isinstance(t.key, int) else str(t.key)


def _daily_table(days: list[traffic.TrafficTotal]) -> Table:
    specs: list[Spec] = [
        (_("Day"), "date", "key"),
        (_("Weekday"), "text", lambda d: weekday_name(d.key.weekday())),
        (_("Unregistered walk-ins"), "int", "unregistered"),
        (_("Registered prospects"), "int", "registered"),
        (_("Traffic"), "int", "traffic"),
        (_("Registration rate"), "pct", "registration_rate"),
    ]
    return table("daily", _("Daily traffic"), specs, days, collapsed=True)


def _month(t: traffic.TrafficTotal) -> str:
    return t.key.strftime("%Y-%m") if isinstance(t.key, date) else str(t.key)


# --- 1. traffic trend -------------------------------------------------------------------------


def traffic_page(dealer_id: int, p: Params) -> Page:
    days = traffic.daily_traffic(dealer_id, p.start, p.end, p.series_id)
    weekdays, weeks, months = (
        traffic.by_weekday(days),
        traffic.by_week(days),
        traffic.by_month(days),
    )
    whole = traffic.total(days, key=_("Total"))
    target = traffic.traffic_target(dealer_id)
    month = target.month.strftime("%Y-%m")
    trend = charts.lines(
        [d.key.isoformat() for d in days],
        [
            (_("Unregistered walk-ins"), [d.unregistered for d in days]),
            (_("Registered prospects"), [d.registered for d in days]),
            (_("Traffic"), [d.traffic for d in days]),
        ],
    )
    periodicity = bars(
        [weekday_name(w.key) for w in weekdays],
        [(_("Average traffic per day"), [round(w.daily_average or 0, 1) for w in weekdays])],
    )
    per_month = bars(
        [_month(m) for m in months],
        [
            (_("Unregistered walk-ins"), [m.unregistered for m in months]),
            (_("Registered prospects"), [m.registered for m in months]),
        ],
        stacked=True,
    )
    how = _("%(units)s cars ÷ (registration %(r)s × conversion %(c)s) of %(a)s – %(b)s") % {
        "units": target.sales_target,
        "r": pct(target.registration_rate),
        "c": pct(target.conversion_rate),
        "a": target.window_start.isoformat(),
        "b": target.window_end.isoformat(),
    }
    target_specs: list[Spec] = [
        (_("Month"), "text", lambda t: month),
        (_("Sales target (units)"), "int", "sales_target"),
        (_("Rates from"), "date", "window_start"),
        (_("Rates to"), "date", "window_end"),
        (_("Traffic"), "int", "window.traffic"),
        (_("Registered prospects"), "int", "window.registered"),
        (_("Won"), "int", "won"),
        (_("Registration rate"), "pct", "registration_rate"),
        (_("Conversion rate"), "pct", "conversion_rate"),
        (_("Traffic target"), "int", "target"),
        (_("Traffic so far"), "int", "so_far.traffic"),
    ]
    return Page(
        figures=[
            Figure(
                _("Traffic"), str(whole.traffic), _("%(n)s days") % {"n": whole.days}, "traffic"
            ),
            Figure(_("Registered prospects"), str(whole.registered), "", "registered"),
            Figure(_("Registration rate"), pct(whole.registration_rate), "", "registration-rate"),
            Figure(
                _("Traffic target for %(month)s") % {"month": month},
                "—" if target.target is None else str(target.target),
                how if target.sales_target is not None else _("No sales target set for this month"),
                "traffic-target",
            ),
            Figure(
                _("Traffic so far this month"),
                str(target.so_far.traffic),
                _("sales it should bring: %(n)s") % {"n": one(target.sales_from_traffic_so_far)},
                "traffic-so-far",
            ),
        ],
        charts=[
            Chart(_("Daily traffic"), trend, "chart-trend", wide=True),
            Chart(_("Traffic per weekday (average per day)"), periodicity, "chart-weekday"),
            Chart(_("Traffic per month"), per_month, "chart-month"),
        ],
        tables=[
            table("target", _("Monthly traffic target"), target_specs, [target]),
            table(
                "weekday",
                _("Traffic per weekday"),
                _traffic_specs((_("Weekday"), "text", _weekday_of)),
                weekdays,
            ),
            table(
                "week",
                _("Traffic per week"),
                _traffic_specs((_("Week from"), "date", "key")),
                weeks,
                foot=whole,
            ),
            table(
                "month",
                _("Traffic per month"),
                _traffic_specs((_("Month"), "text", _month)),
                months,
                foot=whole,
            ),
            _daily_table(days),
        ],
        notes=[
            _(
                "Traffic = unregistered walk-ins + the prospects registered that day; "
                "registration rate = registered / traffic."
            ),
            _(
                "The traffic target is the month's sales target of the dealer (sales setup) "
                "over the registration and conversion rates of the last three whole months, "
                "every model."
            ),
        ],  # fmt: skip
    )


# --- 2. media effectiveness -------------------------------------------------------------------


def media_page(dealer_id: int, p: Params) -> Page:
    today = timezone.localdate()
    day = parse_day(p.query.get("day")) or today - timedelta(days=MEDIA_DEFAULT_AGO)
    n = parse_int(p.query.get("n"), low=1, high=MEDIA_MAX_DAYS) or MEDIA_DAYS
    result = traffic.media_analysis(dealer_id, day, n, p.series_id)
    effect = result.effect
    lag = bars(
        [f"{offset:+d}" if offset else "0" for offset, _d, _n in result.profile],
        [(_("Traffic"), [v for _o, _d, v in result.profile])],
        highlight=lambda i: i == n,
    )
    lag["series"][0]["markLine"] = {
        "symbol": "none",
        "data": [{"xAxis": "0"}],
        "label": {"formatter": day.isoformat()},
    }
    days = traffic.daily_traffic(dealer_id, p.start, p.end, p.series_id)
    context = charts.lines(
        [d.key.isoformat() for d in days],
        [(_("Traffic"), [d.traffic for d in days])],
        mark_x=day.isoformat() if p.start <= day <= p.end else None,
    )
    effect_specs: list[Spec] = [
        (_("Day"), "date", "day"),
        (_("Days before and after"), "int", "days"),
        (_("Traffic before"), "int", "before"),
        (_("Traffic after"), "int", "after"),
        (_("Growth"), "pct", "growth"),
    ]
    lag_specs: list[Spec] = [
        (_("Offset (days)"), "int", lambda r: r[0]),
        (_("Day"), "date", lambda r: r[1]),
        (_("Traffic"), "int", lambda r: r[2]),
    ]
    return Page(
        fields=[
            Field("day", _("Day of the ad or event"), day.isoformat(), "date"),
            Field("n", _("Days before and after"), n, "number", 1, MEDIA_MAX_DAYS),
        ],
        figures=[
            Figure(_("Traffic %(n)s days before") % {"n": n}, str(effect.before), "", "before"),
            Figure(_("Traffic %(n)s days after") % {"n": n}, str(effect.after), "", "after"),
            Figure(_("Growth"), pct(effect.growth), _("after / before − 1"), "growth"),
        ],
        charts=[
            Chart(_("Traffic around the day (the lag)"), lag, "chart-lag", wide=True),
            Chart(_("Daily traffic in the period"), context, "chart-context", wide=True),
        ],
        tables=[
            table("effect", _("Media effect"), effect_specs, [effect]),
            table("lag", _("Traffic per day around the day"), lag_specs, result.profile),
        ],
        notes=[
            _(
                "The day itself belongs to neither side. Watch where the rise starts and how "
                "long it lasts (the lag) to time the next campaign."
            ),
        ],  # fmt: skip
    )


# --- 3. registration rate ---------------------------------------------------------------------


def registration_page(dealer_id: int, p: Params) -> Page:
    people = traffic.traffic_by_consultant(dealer_id, p.start, p.end, p.series_id)
    days = traffic.daily_traffic(dealer_id, p.start, p.end, p.series_id)
    weekdays = traffic.by_weekday(days)
    whole = traffic.total(people)
    team = traffic.ConsultantTraffic(None, 0, whole.unregistered, whole.registered, _("Team"))
    rated = [w for w in weekdays if w.registration_rate is not None]
    low = min(rated, key=lambda w: w.registration_rate or 0) if rated else None
    rate = _("Registration rate")
    people_specs: list[Spec] = [
        (_("Consultant"), "text", "name"),
        (_("Unregistered walk-ins"), "int", "unregistered"),
        (_("Registered prospects"), "int", "registered"),
        (_("Traffic"), "int", "traffic"),
        (rate, "pct", "registration_rate"),
    ]
    return Page(
        figures=[
            Figure(rate, pct(whole.registration_rate), "", "registration-rate"),
            Figure(
                _("Lowest weekday"),
                weekday_name(low.key) if low else "—",
                pct(low.registration_rate) if low else "",
                "lowest-weekday",
            ),
        ],
        charts=[
            Chart(
                _("Registration rate per consultant"),
                bars(
                    [c.name for c in people],
                    [(rate, [as_percent(c.registration_rate) for c in people])],
                    percent=True,
                ),
                "chart-consultant",
            ),
            Chart(
                _("Registration rate per weekday"),
                bars(
                    [weekday_name(w.key) for w in weekdays],
                    [(rate, [as_percent(w.registration_rate) for w in weekdays])],
                    percent=True,
                    highlight=lambda i: low is not None and i == low.key,
                ),
                "chart-weekday",
            ),
            Chart(
                _("Registration rate per day (the lowest weekday marked)"),
                bars(
                    [d.key.strftime("%m-%d") for d in days],
                    [(rate, [as_percent(d.registration_rate) for d in days])],
                    percent=True,
                    highlight=lambda i: low is not None and days[i].key.weekday() == low.key,
                ),
                "chart-day",
                wide=True,
            ),
        ],  # fmt: skip
        tables=[
            table(
                "consultant", _("Registration rate per consultant"), people_specs, people, foot=team
            ),
            table(
                "weekday",
                _("Registration rate per weekday"),
                _traffic_specs((_("Weekday"), "text", _weekday_of)),
                weekdays,
            ),
            _daily_table(days),
        ],  # fmt: skip
        notes=[
            _(
                "A consultant's registrations are the prospects whose opportunity is theirs. A "
                "weekday well below the others points at lax showroom management that day."
            ),
        ],  # fmt: skip
    )


# --- 4. consultants needed --------------------------------------------------------------------


def consultants_page(dealer_id: int, p: Params) -> Page:
    result = traffic.capacity_analysis(dealer_id, p.start, p.end)
    typed = parse_int(p.query.get("expected"), low=0, high=100_000)
    growth = parse_number(p.query.get("growth"), low=-100, high=1000)
    last, busiest = result.last_month, result.busiest_day
    expected: float
    if typed is not None:
        expected, basis = typed, _("as entered")
    elif growth is not None:
        expected = round((last.daily_average or 0) * (1 + growth / 100), 1)
        basis = _("last month's daily average %(avg)s, %(g)s%%") % {
            "avg": one(last.daily_average),
            "g": f"{growth:+g}",
        }
    elif busiest is not None:
        expected = busiest.traffic
        basis = _("the busiest day of the period, %(day)s") % {"day": busiest.key.isoformat()}
    else:
        expected, basis = 0, _("no traffic in the period")
    team = result.team_capacity
    needed = consultants_needed(expected, team) if team else None
    people = result.consultants
    capacity = _("Capacity (90th percentile)")
    specs: list[Spec] = [
        (_("Consultant"), "text", "name"),
        (_("Days worked"), "int", "days_worked"),
        (_("Traffic"), "int", "traffic"),
        (_("Average per day"), "num", "daily_average"),
        (_("Busiest day"), "int", "busiest"),
        (capacity, "int", "capacity"),
    ]
    need_specs: list[Spec] = [
        (_("Typical capacity per consultant"), "num", lambda r: team),
        (_("Last month's daily average"), "num", lambda r: last.daily_average),
        (_("Expected traffic"), "num", lambda r: float(expected)),
        (_("Consultants needed"), "int", lambda r: needed),
    ]
    chart = bars(
        [c.name for c in people],
        [
            (_("Average per day"), [round(c.daily_average or 0, 1) for c in people]),
            (capacity, [c.capacity for c in people]),
            (_("Busiest day"), [c.busiest for c in people]),
        ],
    )
    return Page(
        fields=[
            Field("expected", _("Expected traffic a day"), "" if typed is None else typed, low=0),
            Field(
                "growth",
                _("or growth on last month (%)"),
                "" if growth is None else growth,
                low=-100,
                high=1000,
                step="any",
            ),
        ],  # fmt: skip
        figures=[
            Figure(
                _("Typical capacity per consultant"),
                one(team),
                _("walk-ins a day"),
                "team-capacity",
            ),
            Figure(_("Expected traffic"), one(expected), basis, "expected"),
            Figure(_("Consultants needed"), "—" if needed is None else str(needed), "", "needed"),
        ],  # fmt: skip
        charts=[Chart(_("Daily reception per consultant"), chart, "chart-capacity", wide=True)],
        tables=[
            table("capacity", _("Daily reception per consultant"), specs, people),
            table("needed", _("Consultants needed"), need_specs, [None]),
        ],
        notes=[
            _(
                "A consultant's daily reception is their walk-ins plus the prospects they "
                "registered that day, over the days they worked; their capacity is the 90th "
                "percentile of those days (the busiest day is often an outlier: a motor show, a "
                "count entered late). The team's typical capacity is the median capacity of the "
                "consultants who worked at least %(n)s days. Every model counts."
            )
            % {"n": traffic.MIN_WORKED_DAYS},
        ],  # fmt: skip
    )
