"""The leads of a demo dealer's year other than the walk-ins (sales.SalesYear builds those):
received from the platforms, the phone, the OEM, referrals and events; answered against the
first-response clock (15 minutes of business time on time, 30 missed: the default rules) as
each consultant answers; repeated within the week by some; opening an opportunity at each
source's rate. And the leads waiting right now: a few platform leads on each consultant's
clock, and one or two the consultants never answered."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from autocrm.demo import sales_data as S
from autocrm.demo.people import Picker
from autocrm.demo.sales import local_day
from autocrm.demo.sales_shape import (
    Quota,
    allocate,
    business_before,
    business_moment,
    campaign_boost,
    lead_factor,
    online_moment,
)
from autocrm.rules.business_time import add_business_time, business_seconds_between, is_open
from autocrm.rules.sales import response_band

if TYPE_CHECKING:
    from autocrm.demo.sales import LeadDraft, SalesYear

TARGET, MISSED = timedelta(minutes=15), timedelta(minutes=30)
SOURCES = Picker([s for s, _share, _rate in S.LEAD_SOURCES], [w for _s, w, _r in S.LEAD_SOURCES])
CONVERTS = {s: rate for s, _share, rate in S.LEAD_SOURCES}


class LeadMaker:
    def __init__(self, year: SalesYear) -> None:
        self.y = year
        self.rng = year.rng
        self.quota = {s: Quota(year.rng) for s in CONVERTS}
        self.external = 0

    def clock(self, lead: LeadDraft) -> None:
        hours = self.y.d.hours
        lead.due_at = add_business_time(hours, lead.at, TARGET)
        lead.missed_at = add_business_time(hours, lead.at, MISSED)

    def answer(self, lead: LeadDraft, at: datetime) -> None:
        """The first response at `at` (None: not yet): the clock's business seconds, band."""
        lead.responded_at = at
        if lead.source in S.CLOCKED:
            lead.seconds = business_seconds_between(self.y.d.hours, lead.at, at)
            lead.band = response_band(lead.seconds, target_minutes=15, missed_minutes=30).value

    def delay(self, consultant: int) -> int:
        """Business seconds to the first response, in the consultant's bands."""
        on_time, late, _missed = self.y.profile(consultant)[1]
        r = self.rng.random()
        if r < on_time:
            return self.rng.randint(60, 880)
        if r < on_time + late:
            return self.rng.randint(905, 1790)
        return 1800 + int(self.rng.expovariate(1 / 5400))

    def platform_fields(self, lead: LeadDraft) -> None:
        self.external += 1
        prefix = {"autohome": "AH", "dongchedi": "DCD", "yiche": "YC", "oem": "OEM"}[lead.source]
        lead.external_id = f"{prefix}{self.y.d.dealer_id:03d}{self.external:07d}"
        lead.note = self.rng.choice(S.LEAD_NOTES)

    # --- the year's leads ---------------------------------------------------------------------
    def leads(self) -> None:
        y, rng = self.y, self.rng
        days = list(y.days())
        expected = [lead_factor(day, y.d.campaign) for day in days]
        campaign = y.d.campaign
        for day, count in zip(
            days, allocate(expected, round(y.d.prospects * S.LEADS_PER_PROSPECT), rng), strict=True
        ):
            for _ in range(count):
                source = SOURCES(rng)
                if campaign.platform and rng.random() < 0.5 * campaign_boost(campaign, day):
                    source = campaign.platform
                if source in ("phone", "referral", "event"):
                    at = business_moment(y.d.hours, day, rng) or online_moment(day, rng)
                else:
                    at = online_moment(day, rng)
                if at >= y.now:
                    continue
                self.one(source, at)

    def one(self, source: str, at: datetime) -> None:
        y, rng = self.y, self.rng
        consultant = y.round_robin(local_day(at))
        creator = {
            "phone": y.d.cr_ids[0] if y.d.cr_ids else None,
            "referral": consultant,
            "event": consultant,
        }.get(source)
        lead = y.lead(source, at, consultant, created_by=creator)
        if source in S.CLOCKED:
            self.clock(lead)
            if source != "phone":
                self.platform_fields(lead)
            answered = add_business_time(y.d.hours, at, timedelta(seconds=self.delay(consultant)))
        else:
            answered = at + timedelta(minutes=rng.randint(5, 180))
        if answered >= y.now:
            return  # still waiting for its first response
        self.answer(lead, answered)
        if self.quota[source].one(CONVERTS[source]):
            visit = answered + timedelta(days=0 if rng.random() < 0.45 else rng.randint(1, 6))
            registered = business_moment(y.d.hours, local_day(visit), rng)
            if registered is not None and answered < registered < y.now:
                lead.status = "converted"
                y.prospect(lead, registered, walk_in=rng.random() < 0.6)
                return
        if rng.random() < 0.27:
            lead.status, lead.closed_note = "closed", rng.choice(S.LEAD_CLOSED_NOTES)
        else:
            lead.status = "contacted"
        if source in S.PLATFORMS and rng.random() < S.REPEAT_RATE:
            again = at + timedelta(minutes=rng.randint(60, 6 * 24 * 60))
            if again < y.now:
                repeat = y.lead(source, again, consultant, created_by=None, series=lead.series)
                repeat.status, repeat.repeat_of = "repeat", lead
                self.platform_fields(repeat)
                lead.repeats += 1

    # --- right now ----------------------------------------------------------------------------
    def waiting(self) -> None:
        """Platform leads on the consultants' clocks now: when the showroom is open, one
        received 11-34 minutes of business time ago for each consultant (near the limit, late
        or missed) and a fresh one for some; when it is closed, those received since it closed
        (due at the next opening). And on every other consultant's list one from the last
        opening hours that nobody answered (missed)."""
        y, rng = self.y, self.rng
        hours = y.d.hours
        staff = y.on_duty(y.today)
        platforms = list(S.PLATFORMS)
        for n, consultant in enumerate(staff):
            if is_open(hours, y.now):
                ages = [rng.choice((11, 13, 19, 24, 34))] + ([3] if n % 2 else [])
                moments = [business_before(hours, y.now, age * 60) for age in ages]
            else:
                moments = [y.now - timedelta(minutes=rng.randint(4, 300))] if n % 2 else []
            if n % 2 == 0:
                moments.append(business_before(hours, y.now, rng.randint(3 * 3600, 5 * 3600)))
            for at in moments:
                self.new_lead(rng.choice(platforms), at, consultant)

    def new_lead(self, source: str, at: datetime, consultant: int) -> None:
        lead = self.y.lead(source, at, consultant, created_by=None)
        self.clock(lead)
        self.platform_fields(lead)
