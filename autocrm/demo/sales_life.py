"""The life of each demo opportunity, as the services would have written it: its stage
changes, its follow-up plans and what came of them (every open opportunity keeps a next plan,
but for a deliberate few), its lost requests with the director's decision and the
verification calls, the sale with the vehicle on the customer's profile; today's calls and
visits due for every consultant, some overdue; and the timeline activity of every action.
`Lives(year).rows()` emits the rows of every table (sales_columns)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from autocrm.demo import sales_data as S
from autocrm.demo.people import Picker
from autocrm.demo.sales import Prospect, SalesYear, local_day
from autocrm.demo.sales_rows import RowMaker
from autocrm.demo.sales_shape import business_before, business_moment, local
from autocrm.demo.vehicles import VehicleFactory
from autocrm.rules.business_time import add_business_time

_DAY = timedelta(days=1)


@dataclass(slots=True, eq=False)
class Life:
    """What happened to one opportunity (filled by `Lives.life`)."""

    end: datetime
    status: str
    stage: int = 0
    furthest: int = 0
    since: datetime | None = None
    changes: list[tuple[datetime, int, int]] = field(default_factory=list)  # at, from, to
    #: [id, kind, due, done (None: open), outcome (auto_done: closed by the sale, cancelled:
    #: by the lost decision), outcome note, created], in order; kept mutable for today_work
    plans: list[list[Any]] = field(default_factory=list)
    closed_on: date | None = None
    lost_reason: str = ""
    lost_to: int | None = None
    lost_note: str = ""
    payment: int | None = None
    vehicle_id: int | None = None
    sale_price: Decimal | None = None
    delivered_at: datetime | None = None


@dataclass(slots=True, eq=False)
class LostDraft:
    """A lost request (pending until decided) and the verification call on it."""

    id: int
    p: Prospect
    at: datetime
    reason: str
    competitor: int | None
    note: str
    decision: str = "pending"
    decided_by: int | None = None
    decided_at: datetime | None = None
    decision_note: str = ""
    sampled: bool = False
    result: str = ""
    call_note: str = ""
    called_by: int | None = None
    called_at: datetime | None = None


class Lives(RowMaker):
    def __init__(self, year: SalesYear) -> None:
        super().__init__(year)
        d = year.d
        self.cars = VehicleFactory(d.spec)
        self.cars.vins = d.vehicles_drawn
        self.cars.plates = {False: d.vehicles_drawn, True: d.vehicles_drawn}
        self.lives: dict[int, Life] = {}
        self.call_results = {
            c: Picker(S.CALL_RESULTS.items, _winnable(S.CALL_RESULTS, self.y.profile(c)[2]))
            for c in d.consultants
        }
        year.bought, year.buyers = [], []

    def plan_time(self, day: date) -> datetime:
        return local(day, self.rng.randint(9, 17), self.rng.choice((0, 15, 30, 45)))

    def rows(self) -> dict[str, list[tuple]]:
        for p in self.y.prospects:
            self.lives[p.id] = self.life(p)
        self.no_plans()
        self.today_work()
        for p in self.y.prospects:
            self.opportunity_rows(p, self.lives[p.id])
        self.lead_rows()
        self.walk_in_rows()
        self.setup_rows()
        return self.out

    # --- one opportunity ----------------------------------------------------------------------
    def end_of(self, p: Prospect) -> datetime:
        """When the opportunity was won, lost or given up (a lost request): within opening
        hours, before now, after its registration."""
        y, rng, now = self.y, self.rng, self.y.now
        if p.outcome == "won":  # on its day (today's: the showroom has been open a while)
            assert p.win_day is not None
            at = business_moment(y.d.hours, p.win_day, rng) or local(p.win_day, 15)
            if p.win_day == p.day:
                at = max(at, p.at + timedelta(hours=1))
            at = min(at, now - timedelta(minutes=rng.randint(5, 60)))
            return at if at > p.at else p.at + (now - p.at) / 2
        if p.outcome == "pending":
            asked = business_before(y.d.hours, now, rng.randint(30 * 60, 16 * 3600))
            return max(asked, p.at + timedelta(hours=2))
        if p.outcome == "lost":
            age = (now - p.at).total_seconds() / 86400
            life = min(age - 0.1, 2 + rng.expovariate(1 / 24))
            at = p.at + timedelta(days=max(life, 0.05))
            moment = business_moment(y.d.hours, local_day(at), rng)
            if moment is None or moment >= now - timedelta(minutes=30):
                moment = business_before(y.d.hours, min(at, now), rng.randint(600, 3 * 3600))
            return max(moment, p.at + timedelta(minutes=30))
        return now

    def life(self, p: Prospect) -> Life:
        rng = self.rng
        life = Life(end=self.end_of(p), status=p.outcome)
        first = (S.FIRST_STAGE_WALK_IN if p.walk_in else S.FIRST_STAGE_LEAD)(rng)
        if p.outcome == "won":
            furthest = 5
        elif p.outcome == "lost":
            furthest = max(first, S.LOST_FURTHEST(rng))
        else:
            furthest = max(first, S.OPEN_FURTHEST(rng) if (self.y.now - p.at).days > 3 else first)
        life.changes.append((p.at, -1, first))
        span = (life.end - p.at).total_seconds()
        moves = list(range(first + 1, furthest + 1))
        points = []
        for to in moves:
            if p.outcome != "won":
                points.append(rng.uniform(0.05, 0.95))
            else:  # the contract shortly before the delivery, the delivery at the end
                points.append({5: 1.0, 4: rng.uniform(0.82, 0.97)}.get(to, rng.uniform(0.05, 0.8)))
        points.sort()
        stage = first
        for point, to in zip(points, moves, strict=True):
            at = p.at + timedelta(seconds=span * point) if point < 1 else life.end
            life.changes.append((at, stage, to))
            stage = to
        life.stage, life.furthest = stage, furthest
        life.since = life.changes[-1][0]
        self.plans(p, life)
        if p.outcome == "lost":
            self.lost(p, life)
        elif p.outcome == "pending":
            self.request(p, life, life.end)
        elif p.outcome == "won":
            self.won(p, life)
        old = p.outcome in ("open", "pending") and (self.y.now - p.at).days > 10
        if old and rng.random() < 0.05 * self.y.profile(p.consultant)[2]:
            middle = p.at + (life.end - p.at) * rng.uniform(0.3, 0.7)
            self.rejected(p, life, middle)
        return life

    def plans(self, p: Prospect, life: Life) -> None:
        """Plans due one after the other, each recorded when due (or soon after) with the next
        one planned; the last stays open (or is closed by the sale or the lost decision)."""
        rng, now = self.rng, self.y.now
        limit = min(life.end, now)
        open_end = p.outcome in ("open", "pending")
        t, n = p.at, 0
        kind = S.PLAN_KINDS(rng) if p.walk_in else "call"
        due = self.plan_time(local_day(t) + _DAY * (1 if rng.random() < 0.7 else 2))
        while due < limit:
            if open_end and now - 21 * _DAY < due < now - _DAY and rng.random() < 0.12:
                break  # the consultant let it pass: overdue
            done = min(max(due + timedelta(minutes=rng.randint(-45, 150)), t), limit)
            if done <= t:
                break
            outcome = S.PLAN_OUTCOMES(rng)
            note = rng.choice(S.OUTCOME_NOTES[outcome])
            life.plans.append([self.take("plan"), kind, due, done, outcome, note, t])
            t, n = done, n + 1
            days = min(45.0, 3.0 * 1.8**n) * rng.uniform(0.6, 1.4)
            due = self.plan_time(local_day(t) + _DAY * max(1, round(days)))
            kind = S.PLAN_KINDS(rng)
        if p.outcome == "won":
            due = max(t, life.end - timedelta(minutes=rng.randint(0, 120)))
            life.plans.append([self.take("plan"), "delivery", due, life.end, "auto_done", "", t])
        elif p.outcome == "lost":
            life.plans.append([self.take("plan"), kind, due, life.end, "cancelled", "", t])
        else:
            life.plans.append([self.take("plan"), kind, due, None, "", "", t])

    # --- the outcomes -------------------------------------------------------------------------
    def request(self, p: Prospect, life: Life, at: datetime) -> LostDraft:
        """A lost request filed at `at` (its reason, note and competitor's car)."""
        rng = self.rng
        reason = S.LOST_REASONS(rng)
        third = self.y.d.series[min(2, len(self.y.d.series) - 1)]
        if reason == "price" and p.series.id == third.id:
            reason = "configuration"  # seed 002: one model is lost on its configuration more
        competitor = None
        note = rng.choice(S.LOST_NOTES[reason])
        if reason == "competitor":
            options = self.y.d.competitors.get(p.series.segment) or next(
                iter(self.y.d.competitors.values()), ()
            )
            if options:
                competitor, name = rng.choice(options)
                note = note.format(car=name)
            else:
                reason, note = "other", S.LOST_NOTES["other"][0]
        request = LostDraft(self.take("lost"), p, at, reason, competitor, note)
        self.lost_requests.append(request)
        data = {"reason": self.label("lost_reason", reason), "note": note}
        self.activity(p, "lost_requested", p.consultant, at, "lost", request.id, data)
        return request

    def decide(self, request: LostDraft, at: datetime, decision: str) -> None:
        by = self.y.d.gm_id if self.rng.random() < 0.1 else self.y.d.manager_id
        note = self.rng.choice(S.DECISION_NOTES[decision])
        request.decision, request.decided_by, request.decided_at = decision, by, at
        request.decision_note = note
        data = {"decision": decision, "note": note}
        self.activity(request.p, "lost_decided", by, at, "lost", request.id, data)

    def rejected(self, p: Prospect, life: Life, at: datetime) -> None:
        """A lost request filed about `at` (in opening hours) that the director rejected."""
        hours, rng, now = self.y.d.hours, self.rng, self.y.now
        at = max(business_before(hours, at, rng.randint(60, 4 * 3600)), p.at)
        decided = add_business_time(hours, at, timedelta(seconds=rng.randint(1800, 6 * 3600)))
        self.decide(self.request(p, life, at), min(decided, now), "rejected")

    def lost(self, p: Prospect, life: Life) -> None:
        rng, now = self.rng, self.y.now
        factor = self.y.profile(p.consultant)[2]
        if rng.random() < S.REJECTED_SHARE * factor:
            self.rejected(p, life, p.at + (life.end - p.at) * rng.uniform(0.2, 0.6))
        recorded = [plan[3] for plan in life.plans if plan[4] not in ("cancelled", "auto_done")]
        filed = business_before(self.y.d.hours, life.end, rng.randint(1800, 8 * 3600))
        request = self.request(p, life, min(max([filed, p.at, *recorded]), life.end))
        self.decide(request, life.end, "approved")
        life.closed_on, life.lost_reason = local_day(life.end), request.reason
        life.lost_to, life.lost_note = request.competitor, request.note
        if rng.random() >= S.CALL_SAMPLE:
            return
        request.sampled = True
        day = local_day(life.end) + _DAY * rng.randint(1, 6)
        called = business_moment(self.y.d.hours, day, rng)
        if called is None or called >= now:
            return  # still on customer relations' list
        result = self.call_results[p.consultant](rng)
        request.result, request.call_note = result, rng.choice(S.CALL_NOTES[result])
        request.called_by, request.called_at = self.cr(), called
        data = {"result": result, "note": request.call_note}
        self.activity(p, "lost_call", request.called_by, called, "lost", request.id, data)
        if result == "nothing" and rng.random() < 0.3:
            self.reopen(p, life, called)

    def reopen(self, p: Prospect, life: Life, at: datetime) -> None:
        life.status, life.closed_on, life.lost_reason, life.lost_to, life.lost_note = (
            "open",
            None,
            "",
            None,
            "",
        )
        # the next call soon after the call that found it winnable, or (long ago) rescheduled
        # since: it is due in the coming days, as the open plans of the others
        day = max(
            local_day(at) + _DAY * self.rng.randint(1, 3),
            self.y.today + _DAY * self.rng.randint(-2, 12),
        )
        life.plans.append([self.take("plan"), "call", self.plan_time(day), None, "", "", at])
        self.activity(
            p,
            "opportunity_reopened",
            self.y.d.manager_id,
            at,
            "opportunity",
            p.id,
            {"series": p.series.name},
        )

    def won(self, p: Prospect, life: Life) -> None:
        y, rng = self.y, self.rng
        assert p.win_day is not None
        life.closed_on, life.delivered_at = p.win_day, life.end
        life.payment = y.entry("payment_method", S.PAYMENTS(rng))
        if p.sold is not None:
            life.vehicle_id, life.sale_price = p.sold.id, p.sold.price
        else:
            life.vehicle_id, life.sale_price = self.vehicle(p, life.end)
        self.activity(
            p,
            "opportunity_won",
            p.consultant,
            life.end,
            "opportunity",
            p.id,
            {
                "series": p.series.name,
                "price": str(life.sale_price),
                "delivered_on": p.win_day.isoformat(),
                "vehicle_id": life.vehicle_id,
            },
        )

    def vehicle(self, p: Prospect, at: datetime) -> tuple[int, Decimal]:
        """The car sold, on the customer's profile (made by the demo's vehicle factory)."""
        y, customer = self.y, p.customer
        assert p.win_day is not None
        vehicle_id = self.take("vehicle")
        row, readings, _facts = self.cars.vehicle(
            self.rng,
            vehicle_id=vehicle_id,
            reading_id=y.ids.next["reading"],
            dealer_id=y.d.dealer_id,
            customer_id=customer.id,
            model=p.series.model,
            purchase_date=p.win_day,
            bought_here=True,
            last_date=p.win_day,
            created_at=at,
            sales_id=p.consultant,
            service_id=y.d.service_ids[0] if y.d.service_ids else p.consultant,
        )
        y.ids.next["reading"] += len(readings)
        self.out["vehicle"].append((*row[:14], p.series.id, None))
        self.out["reading"].extend(readings)
        self.out["interaction"].append(
            (
                self.take("interaction"),
                y.d.dealer_id,
                customer.id,
                "purchase",
                "in_person",
                at,
                y.d.spec.name,
                f"购买{p.series.name}",
                "",
                None,
                p.consultant,
            )
        )
        y.buyers.append(customer.id)
        if customer.trade == "potential":
            y.bought.append(customer.id)
        return vehicle_id, row[10]

    # --- today's work -------------------------------------------------------------------------
    def open_plan(self, p: Prospect) -> list[Any] | None:
        life = self.lives[p.id]
        if life.status != "open" or not life.plans or life.plans[-1][3] is not None:
            return None
        return life.plans[-1]

    def no_plans(self) -> None:
        """One open opportunity per consultant without a next plan (the card shows them), of
        the consultants who have a few."""
        by_consultant: dict[int, list[Prospect]] = defaultdict(list)
        for p in self.y.prospects:
            if self.open_plan(p) is not None:
                by_consultant[p.consultant].append(p)
        for prospects in by_consultant.values():
            old = [p for p in prospects if (self.y.now - p.at).days > 14]
            if len(prospects) >= 6 and old:
                self.lives[old[0].id].plans.pop()

    def today_work(self) -> None:
        """At least three calls or visits due today per consultant and two overdue."""
        y, rng = self.y, self.rng
        start = local(y.today, 0)
        end = start + _DAY
        by_consultant: dict[int, list[list[Any]]] = defaultdict(list)
        for p in y.prospects:
            plan = self.open_plan(p)
            if plan is not None:
                by_consultant[p.consultant].append(plan)
        for plans in by_consultant.values():
            future = sorted((pl for pl in plans if pl[2] >= end), key=lambda pl: pl[2])
            today = sum(1 for pl in plans if start <= pl[2] < end)
            overdue = sum(1 for pl in plans if pl[2] < start)
            soon = future[: max(0, 3 - today)]
            for plan in soon:
                plan[2] = max(self.plan_time(y.today), plan[6] + timedelta(minutes=20))
            rest = [pl for pl in future[len(soon) :] if pl[6] < start - 4 * _DAY]
            for plan in rest[: max(0, 2 - overdue)]:
                plan[2] = self.plan_time(y.today - _DAY * rng.randint(1, 3))


def _winnable(results: Picker[str], factor: float) -> list[float]:
    """The call results' weights of a consultant who gives up `factor` times as often as the
    team: more of their lost sales are found still winnable."""
    weights = [b - a for a, b in zip([0.0, *results.cum[:-1]], results.cum, strict=True)]
    return [
        w * factor if item == "nothing" else w
        for item, w in zip(results.items, weights, strict=True)
    ]
