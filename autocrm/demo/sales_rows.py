"""The rows of a demo dealer's sales year, as the services would have stored them: leads,
walk-in counts, opportunities with their background and hobbies, stage changes, plans, lost
requests, targets, absences, capacities, and the timeline activity of each action (the kinds
and the data of sales.leads, sales.opportunities and sales.lost)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from autocrm.demo import sales_data as S
from autocrm.demo.sales import LeadDraft, Prospect, SalesYear
from autocrm.demo.sales_columns import OPPORTUNITY, TABLES
from autocrm.demo.sales_shape import Quota, add_months
from autocrm.dictionaries.defaults import DEFAULT_ENTRIES
from autocrm.rules.sales import age_band, age_on, win_probability

if TYPE_CHECKING:
    from autocrm.demo.sales_life import Life, LostDraft

LABELS = {kind: dict(options) for kind, options in DEFAULT_ENTRIES.items()}


class RowMaker:
    def __init__(self, year: SalesYear) -> None:
        self.y = year
        self.rng = year.rng
        self.out: dict[str, list[tuple]] = {t: [] for t in TABLES}
        self.lost_requests: list[LostDraft] = []

    def take(self, table: str) -> int:
        return self.y.ids.take(table)

    def cr(self) -> int:
        return self.rng.choice(self.y.d.cr_ids) if self.y.d.cr_ids else self.y.d.manager_id

    def label(self, kind: str, code: str) -> str:
        return str(LABELS.get(kind, {}).get(code, code))

    def name(self, staff: int | None) -> str:
        return self.y.d.names.get(staff, "") if staff else ""

    def activity(
        self,
        who: Prospect | LeadDraft,
        kind: str,
        actor: int | None,
        at: datetime,
        target: str,
        target_id: int,
        data: dict[str, Any],
    ) -> None:
        customer = who.customer
        assert customer is not None
        self.out["activity"].append(
            (
                self.take("activity"),
                self.y.d.dealer_id,
                customer.id,
                kind,
                actor,
                at,
                self.y.d.types[target],
                target_id,
                data,
            )
        )

    # --- opportunities ------------------------------------------------------------------------
    def opportunity_rows(self, p: Prospect, life: Life) -> None:
        y, rng, out = self.y, self.rng, self.out
        dealer, series = y.d.dealer_id, p.series
        first = life.changes[0][2]
        self.activity(
            p,
            "opportunity_opened",
            p.consultant,
            p.at,
            "opportunity",
            p.id,
            {
                "series": series.name,
                "stage": S.STAGES[first],
                "consultant": self.name(p.consultant),
            },
        )
        for at, frm, to in life.changes:
            out["stage_change"].append(
                (
                    self.take("stage_change"),
                    dealer,
                    p.id,
                    S.STAGES[frm] if frm >= 0 else "",
                    S.STAGES[to],
                    at,
                    p.consultant,
                )
            )
            if frm >= 0:
                self.activity(
                    p,
                    "opportunity_stage",
                    p.consultant,
                    at,
                    "opportunity",
                    p.id,
                    {"from": S.STAGES[frm], "to": S.STAGES[to], "series": series.name},
                )
        next_due = None
        for plan_id, kind, due, done, outcome, note, created in life.plans:
            stored, stored_note = outcome, note
            if outcome == "auto_done":
                stored, stored_note = "done", "已交车"
            out["plan"].append(
                (
                    plan_id,
                    dealer,
                    p.id,
                    kind,
                    due,
                    p.consultant,
                    rng.choice(S.PLAN_NOTES[kind]),
                    done,
                    stored,
                    stored_note,
                    created,
                )
            )
            if done is None:
                next_due = due if next_due is None else min(next_due, due)
            elif outcome not in ("auto_done", "cancelled"):
                self.activity(
                    p,
                    "follow_up_done",
                    p.consultant,
                    done,
                    "plan",
                    plan_id,
                    {"kind": kind, "outcome": outcome, "note": note, "series": series.name},
                )
        customer = p.customer
        trim_id, amount = None, _guide(series.model.price_low, series.model.price_high, rng)
        if series.trims and rng.random() < 0.55:
            trim_id, amount = rng.choice(series.trims)
        quantity = rng.randint(2, 4) if customer.organization and rng.random() < 0.3 else 1
        horizon, days = S.PURCHASE_TIME(rng)
        close = p.day + timedelta(days=int(days * rng.uniform(0.5, 1.3)))
        if life.status == "won":
            assert p.win_day is not None
            close = p.win_day + timedelta(days=rng.randint(-12, 8))
        elif life.status in ("open", "pending") and close < y.today:
            close = y.today + timedelta(days=rng.randint(2, 75))
        drives = customer.drives_series_id
        way = (
            ("replacement" if rng.random() < 0.6 else "additional")
            if drives
            else ("first" if rng.random() < 0.85 else "additional")
        )
        current = drives if drives and rng.random() < 0.6 else None
        band = ""
        if customer.birth_date is not None:
            band = age_band(max(0, age_on(customer.birth_date, p.day)))
        elif rng.random() < 0.7:
            band = S.AGE_BANDS(rng)
        industry = customer.industry_id
        if industry is None and rng.random() < 0.55:
            industry = rng.choice(tuple(y.d.entries.get("industry", {}).values()) or (None,))
        position = y.entry("position", S.POSITIONS(rng)) if rng.random() < 0.6 else None
        hobbies = list(customer.hobbies[:3])
        if not hobbies and rng.random() < 0.6:
            wanted = {S.HOBBIES(rng) for _ in range(rng.randint(1, 3))}
            hobbies = [h for h in (y.entry("hobby", code) for code in sorted(wanted)) if h]
        for hobby in hobbies:
            out["opportunity_hobby"].append((self.take("opportunity_hobby"), p.id, hobby))
        stage = life.stage
        temperature = _temperature(stage, life.status, (y.now - p.at).days, rng)
        drive = S.DRIVES(rng)
        if life.status == "lost" and rng.random() < 0.5:
            drive = "drop"
        out["opportunity"].append(
            (
                p.id,
                dealer,
                customer.id,
                p.consultant,
                p.lead.id,
                series.id,
                trim_id,
                quantity,
                S.STAGES[stage],
                temperature,
                drive,
                amount * quantity,
                close,
                life.status if life.status != "pending" else "lost_requested",
                p.day,
                p.walk_in,
                p.info_source_id,
                industry,
                position,
                band,
                horizon,
                way,
                current,
                life.since,
                life.furthest,
                life.closed_on,
                y.entry("lost_reason", life.lost_reason) if life.lost_reason else None,
                life.lost_to,
                life.lost_note,
                life.payment,
                life.vehicle_id,
                life.sale_price,
                life.delivered_at,
                next_due,
                p.at,
                p.consultant,
            )
        )

    # --- leads --------------------------------------------------------------------------------
    def lead_rows(self) -> None:
        y, rng = self.y, self.rng
        brand, city = y.d.spec.brand, y.d.spec.city.short
        referrers = [c.id for c in y.d.pool[:500]]
        for lead in y.leads:
            customer = lead.customer
            assert customer is not None
            platform = S.PLATFORMS.get(lead.source, "")
            model_text = f"{brand} {lead.series.name}" if lead.external_id else ""
            raw: dict[str, Any] = {}
            if lead.external_id:
                raw = {
                    "platform": platform or "OEM",
                    "clue_id": lead.external_id,
                    "model": model_text,
                    "city": city,
                }
            referrer = None
            if lead.source == "referral" and referrers:
                referrer = rng.choice(referrers)
                referrer = None if referrer == customer.id else referrer
            repeat = lead.repeat_of is not None
            self.out["lead"].append(
                (
                    lead.id,
                    y.d.dealer_id,
                    lead.source,
                    lead.external_id,
                    lead.at,
                    customer.name,
                    customer.mobile,
                    customer.mobile[3:],
                    lead.series.id,
                    model_text,
                    city if lead.external_id else "",
                    lead.note,
                    lead.info_source_id,
                    referrer,
                    customer.id,
                    lead.match,
                    lead.consultant,
                    None if repeat else lead.at,
                    lead.status,
                    lead.due_at,
                    lead.missed_at,
                    lead.responded_at,
                    lead.seconds,
                    lead.band,
                    lead.repeat_of.id if lead.repeat_of else None,
                    lead.repeats,
                    lead.created_by,
                    raw,
                )
            )
            self.activity(
                lead,
                "lead_received",
                lead.created_by,
                lead.at,
                "lead",
                lead.id,
                {
                    "source": lead.source,
                    "series": lead.series.name,
                    "match": lead.match,
                    "repeat": repeat,
                    "consultant": self.name(lead.consultant),
                },
            )
            answered = lead.responded_at
            if (
                answered is not None
                and lead.source != "walk_in"
                and (lead.prospect is None or answered < lead.prospect.at)
            ):
                self.activity(
                    lead,
                    "lead_answered",
                    lead.consultant,
                    answered,
                    "lead",
                    lead.id,
                    {"band": lead.band, "seconds": lead.seconds, "note": ""},
                )
            if lead.status == "closed" and answered is not None:
                at = min(answered + timedelta(minutes=rng.randint(2, 600)), y.now)
                self.activity(
                    lead,
                    "lead_closed",
                    lead.consultant,
                    at,
                    "lead",
                    lead.id,
                    {"note": lead.closed_note},
                )

    def walk_in_rows(self) -> None:
        for (consultant, day, series), count in sorted(
            self.y.walk_in_counts.items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2] or 0)
        ):
            self.out["walk_in"].append(
                (self.take("walk_in"), self.y.d.dealer_id, consultant, day, series, count)
            )

    # --- lost requests, targets, absences -----------------------------------------------------
    def month_outlook(self, month: date) -> float:
        """The month's units won so far and expected (open ones weighted by their stage)."""
        end = add_months(month, 1)
        won = expected = 0.0
        for row in self.out["opportunity"]:
            status, close, closed = row[_STATUS], row[_CLOSE], row[_CLOSED]
            if status == "won" and closed is not None and month <= closed < end:
                won += row[_QUANTITY]
            elif status in ("open", "lost_requested") and month <= close < end:
                expected += row[_QUANTITY] * win_probability(row[_STAGE]) / 100
        return won + expected

    def setup_rows(self) -> None:
        y, rng, dealer = self.y, self.rng, self.y.d.dealer_id
        for r in self.lost_requests:
            self.out["lost"].append(
                (r.id, dealer, r.p.id, r.p.consultant, r.at, y.entry("lost_reason", r.reason),
                 r.competitor, r.note, r.decision, r.decided_by, r.decided_at, r.decision_note,
                 r.sampled, r.result, r.call_note, r.called_by, r.called_at)
            )  # fmt: skip
        won: dict[date, int] = defaultdict(int)
        for p in y.prospects:
            if p.outcome == "won" and p.win_day is not None:
                won[p.win_day.replace(day=1)] += 1
        month, this_month = y.first.replace(day=1), y.today.replace(day=1)
        recent = [won.get(add_months(this_month, -k), 0) for k in (1, 2, 3)]
        while month <= this_month:
            if month == this_month:  # the director set it by the pipeline and the last months
                units = max(1, round(max(sum(recent) / 3, self.month_outlook(month)) * 1.1))
            else:
                units = max(1, round(won.get(month, 0) / rng.uniform(0.8, 1.1)))
            self.out["target"].append((self.take("target"), dealer, month, None, units))
            if month >= add_months(this_month, -2):
                quota = Quota(rng)
                weights = sum(s.model.weight for s in y.d.series)
                for series in y.d.series:
                    share = quota.take(units, series.model.weight / weights)
                    if share:
                        self.out["target"].append(
                            (self.take("target"), dealer, month, series.id, share)
                        )
            month = add_months(month, 1)
        staff = y.d.consultants
        for index, before, days, reason in (*S.ABSENCES, _upcoming()):
            if index < len(staff):
                start = y.today - timedelta(days=before)
                self.out["absence"].append(
                    (
                        self.take("absence"),
                        dealer,
                        staff[index],
                        start,
                        start + timedelta(days=days - 1),
                        reason,
                    )
                )
        if staff:
            self.out["capacity"].append((self.take("capacity"), dealer, staff[-1], 8))


_STATUS, _CLOSE, _CLOSED, _QUANTITY, _STAGE = (
    OPPORTUNITY.index(c) for c in ("status", "expected_close_on", "closed_on", "quantity", "stage")
)


def _upcoming() -> tuple[int, int, int, str]:
    index, after, days, reason = S.UPCOMING_ABSENCE
    return index, -after, days, reason


def _guide(low: float, high: float, rng: Any) -> Decimal:
    return Decimal(f"{round(rng.uniform(low, high) * 10_000, -2):.2f}")


def _temperature(stage: int, status: str, age: int, rng: Any) -> str:
    if status == "won":
        return "H"
    if status == "lost":
        return "C" if rng.random() < 0.6 else "B"
    if age > 90 and rng.random() < 0.6:
        return "C"
    if stage >= 3:
        return "H" if rng.random() < 0.6 else "A"
    if stage == 2:
        return "A" if rng.random() < 0.6 else "B"
    return "B" if rng.random() < 0.55 else "C"
