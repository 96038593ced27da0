"""What becomes of a demo dealer's prospects: their information sources in the seed's shares,
which of them are won (and when: the conversion cycle), who the customers are, and which of
the others are lost, waiting for the director's decision or still open."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta

from autocrm.demo import sales_data as S
from autocrm.demo.people import Picker
from autocrm.demo.sales import PoolCustomer, Prospect, SalesYear, SoldVehicle
from autocrm.demo.sales_shape import Quota, add_months, campaign_boost, month_end

PLATFORM_LABELS = S.PLATFORMS
#: The sources a lead-based prospect takes from its lead.
LEAD_SOURCE = {
    "autohome": "internet",
    "dongchedi": "internet",
    "yiche": "internet",
    "oem": "internet",
    "referral": "referral",
    "event": "motor_show",
}
MID_MONTHS = Picker((1, 2, 3, 4, 5), (30, 22, 18, 15, 15))
LATE_MONTHS = Picker((6, 7, 8, 9, 10, 11), (30, 22, 16, 12, 10, 10))


class Outcomes:
    def __init__(self, year: SalesYear) -> None:
        self.y = year
        self.rng = year.rng

    # --- information sources ------------------------------------------------------------------
    def entry_of(self, standard: str, day: date) -> int | None:
        """The dealer's option a prospect of `standard` names (the named newspaper, a
        platform, 店头广告 … or the standard option itself)."""
        y, r = self.y, self.rng.random()
        own, city = y.d.own_sources, y.d.spec.city.short
        paper = S.NEWSPAPERS.get(city, "")
        if standard == "newspaper" and paper in own and r < 0.6:
            return own[paper]
        if standard == "internet" and r < 0.45:
            return own.get(self.rng.choice(list(PLATFORM_LABELS.values())))
        if standard == "outdoor_ad" and r < 0.7 and "店头广告" in own:
            return own["店头广告"]
        return y.entry("info_source", standard)

    def sources(self) -> None:
        y, rng = self.y, self.rng
        prospects = y.prospects
        fixed: dict[str, int] = defaultdict(int)
        walk_ins: list[Prospect] = []
        for p in prospects:
            lead = p.lead
            if lead.source in PLATFORM_LABELS:
                p.source = "internet"
                p.info_source_id = y.d.own_sources.get(PLATFORM_LABELS[lead.source])
            elif lead.source in LEAD_SOURCE:
                p.source = LEAD_SOURCE[lead.source]
                p.info_source_id = y.entry("info_source", p.source)
            else:
                walk_ins.append(p)
                continue
            fixed[p.source] += 1
        remaining = {
            s: max(0.0, share * len(prospects) - fixed[s]) for s, share in S.SOURCE_SHARES.items()
        }
        if not sum(remaining.values()):
            remaining = dict(S.SOURCE_SHARES)
        pick = Picker(list(remaining), list(remaining.values()))
        campaign = y.d.campaign
        campaign_entry = y.d.own_sources.get(campaign.source_label)
        for p in walk_ins:
            boost = campaign_boost(campaign, p.day)
            if campaign_entry and boost and rng.random() < boost / (1 + boost):
                p.info_source_id = campaign_entry
                p.source = "internet" if campaign.platform else "newspaper"
            else:
                p.source = pick(rng)
                p.info_source_id = self.entry_of(p.source, p.day)
        for lead in y.leads:
            if lead.prospect is not None:
                lead.info_source_id = lead.prospect.info_source_id
            elif lead.source in PLATFORM_LABELS:
                lead.info_source_id = y.d.own_sources.get(PLATFORM_LABELS[lead.source])

    # --- the sales won ------------------------------------------------------------------------
    def wins(self) -> None:
        """6 % of the leads are won, referrals ten points more often than the others; the
        conversion cycle of the seed, each win on a demo vehicle of its day where one fits."""
        y, rng = self.y, self.rng
        leads = sum(1 for lead in y.leads if lead.status != "repeat")
        prospects = y.prospects
        if not prospects:
            return
        referrals = sum(1 for p in prospects if p.source == "referral")
        won = round(S.LEAD_TO_SALE * leads)
        base = max(0.02, (won - S.REFERRAL_BONUS * referrals) / len(prospects))
        by_source: dict[str, list[Prospect]] = defaultdict(list)
        for p in prospects:
            by_source[p.source].append(p)
        late_quota, zero_quota = Quota(rng), Quota(rng)
        six_months = add_months(y.today, -6)
        for source, group in sorted(by_source.items()):
            rate = base + (S.REFERRAL_BONUS if source == "referral" else 0.0)
            wanted = round(rate * len(group))
            late = late_quota.take(wanted, S.CYCLE_LATE)
            zero = min(wanted - late, zero_quota.take(wanted, S.CYCLE_ZERO))
            mid = wanted - late - zero
            pool = list(group)
            rng.shuffle(pool)
            short = _take(pool, late, lambda p: p.day < six_months - timedelta(days=3), "late")
            short = _take(pool, mid + short, lambda p: p.day < y.today - timedelta(days=40), "mid")
            _take(pool, zero + short, lambda p: p.day < y.today, "zero")
        self.sold_by_day: dict[date, list[SoldVehicle]] = defaultdict(list)
        for vehicle in y.d.sold:
            self.sold_by_day[vehicle.purchase_date].append(vehicle)
        self.used_sold: set[int] = set()
        for p in prospects:
            if p.outcome == "won":
                self.win_day(p)

    def window(self, p: Prospect) -> tuple[date, date]:
        r, today = p.day, self.y.last_day
        if p.bucket == "zero":
            return r, min(month_end(r), today)
        if p.bucket == "mid":
            return add_months(r, 1), min(month_end(add_months(r, 5)), today)
        return add_months(r, 6), min(add_months(r, 12) - timedelta(days=1), today)

    def win_day(self, p: Prospect) -> None:
        first, last = self.window(p)
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        self.rng.shuffle(days)
        for day in days:
            for vehicle in self.sold_by_day.get(day, ()):
                if (
                    vehicle.id not in self.used_sold
                    and vehicle.customer.created_at <= p.lead.at
                    and vehicle.series_id in self.y.by_series
                ):
                    self.used_sold.add(vehicle.id)
                    p.sold, p.win_day = vehicle, day
                    p.series = p.lead.series = self.y.by_series[vehicle.series_id]
                    return
        if p.bucket == "zero":
            span = (last - first).days
            p.win_day = first + timedelta(days=int(self.rng.random() ** 1.6 * (span + 1)))
            return
        months = MID_MONTHS if p.bucket == "mid" else LATE_MONTHS
        for _ in range(8):
            start = add_months(p.day, months(self.rng))
            if start <= last:
                end = min(month_end(start), last)
                p.win_day = start + timedelta(days=self.rng.randint(0, (end - start).days))
                return
        p.win_day = last

    # --- the customers ------------------------------------------------------------------------
    def customers(self) -> None:
        """Each lead's person, in the order they came: a won sale's buyer; else a demo customer
        not yet a lead this year, created by then (prospects prefer the potential customers),
        else one again."""
        y, rng = self.y, self.rng
        reserved = {v.customer.id for v in y.d.sold if v.id in self.used_sold}
        pool = sorted((c for c in y.d.pool if c.id not in reserved), key=lambda c: c.created_at)
        potential: list[PoolCustomer] = []
        others: list[PoolCustomer] = []
        used: list[PoolCustomer] = []
        index = 0
        for lead in sorted(y.leads, key=lambda lead: lead.at):
            if lead.repeat_of is not None:
                lead.customer, lead.match = lead.repeat_of.customer, "known"
                continue
            prospect = lead.prospect
            if prospect is not None and prospect.sold is not None:
                lead.customer = prospect.sold.customer
            else:
                while index < len(pool) and pool[index].created_at <= lead.at:
                    customer = pool[index]
                    (potential if customer.trade == "potential" else others).append(customer)
                    index += 1
                prefer = potential if rng.random() < 0.7 else others
                source = prefer or potential or others
                if source:
                    i = rng.randrange(len(source))
                    source[i], source[-1] = source[-1], source[i]
                    lead.customer = source.pop()
                    used.append(lead.customer)
                elif used:
                    lead.customer = rng.choice(used)
                else:
                    lead.customer = pool[0] if pool else y.d.sold[0].customer
            age = lead.at - lead.customer.created_at
            lead.match = "new" if timedelta() <= age < timedelta(hours=6) else "known"

    # --- lost, pending, open ------------------------------------------------------------------
    def others(self) -> None:
        y, rng = self.y, self.rng
        rest = [p for p in y.prospects if p.outcome != "won"]
        pending_n = max(3, round(len(y.prospects) / 120))
        candidates = [p for p in rest if 6 <= (y.today - p.day).days <= 60]
        rng.shuffle(candidates)
        by_consultant: dict[int, list[Prospect]] = defaultdict(list)
        for p in candidates:
            by_consultant[p.consultant].append(p)
        groups = [by_consultant[c] for c in sorted(by_consultant)]
        picked = turn = 0
        while picked < pending_n and any(groups):
            group = groups[turn % len(groups)]
            turn += 1
            if group:
                group.pop().outcome = "pending"
                picked += 1
        for p in rest:
            if p.outcome != "open":
                continue
            age = (y.today - p.day).days
            if rng.random() < 0.74 * (1 - math.exp(-age / 40)):
                p.outcome = "lost"


def _take(pool: list[Prospect], n: int, fits: Callable[[Prospect], bool], bucket: str) -> int:
    """Mark `n` prospects of the pool that `fits` as won in `bucket`; returns how many were
    missing."""
    got = 0
    for p in pool:
        if got == n:
            break
        if p.outcome != "won" and fits(p):
            p.outcome, p.bucket = "won", bucket
            got += 1
    return n - got
