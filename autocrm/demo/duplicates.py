"""Records of a person entered a second time (domain.md §2, seed 000: "data is scattered
between sales and after-sales with no single system, entered several times").

A duplicate keeps the person's `DemoTruth.person_key`; its `dirt` says what differs.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from autocrm.demo import generator as G
from autocrm.demo import names_data as N
from autocrm.demo.people import Person

if TYPE_CHECKING:
    from autocrm.demo.records import RecordBuilder


def add_duplicate(b: RecordBuilder, original: G.Rec, person: Person) -> None:
    """The service advisor enters a customer the salesperson already entered (seed 000)."""
    g, rng = b.g, b.rng
    people = g.people[original.d]
    row = g.new_row(original.ctx)
    rec = b.add(G.Rec(row, original.ctx, original.d, original.key))
    rec.dirt.append("duplicate")
    given = person.given
    r = rng.random()
    if r < 0.25:
        given = people.homophone(rng, given)
    elif r < 0.4 and len(given) == 2 and given[0] != given[1]:
        given = given[::-1]
    if given != person.given:
        rec.dirt.append("dup_name_homophone" if r < 0.25 else "dup_name_swapped")
    g.set_name(row, person.surname + given)
    mobile = person.mobile
    if rng.random() < 0.3:
        mobile = people.mobile_typo(rng, mobile)
        rec.dirt.append("dup_mobile_typo")
    g.set_mobile(row, mobile, people.mobile_as_typed(rng, mobile))
    r = rng.random()
    address = person.address
    if r < 0.35:
        address = people.reformatted(rng, address)
        rec.dirt.append("dup_address_format")
    elif r < 0.6:
        address = people.incomplete(rng, address)
        rec.dirt += ["dup_address_partial", "address_incomplete"]
    g.set_address(rec, address)
    row["postcode"] = ""
    with_id = rng.random() < 0.4
    if person.id_number and not with_id:
        rec.dirt.append("dup_no_id")
    b.person_fields(rec, person, with_id=with_id)
    row["kind"] = "person"
    row["nature_id"] = original.row["nature_id"]
    row["trade_relationship_id"] = original.row["trade_relationship_id"]
    first_seen: datetime = original.row["created_at"]  # type: ignore[assignment]
    created_day = min(first_seen.date() + timedelta(days=rng.randint(30, 900)), g.today)
    created = G.moment(created_day, rng)
    row["created_at"], row["updated_at"] = created, b.recent(created)
    rec.last = g.today
    advisor = b.staff(rec, "service")
    row["responsible_staff_id"] = row["created_by_id"] = advisor
    if rng.random() < 0.5:
        row["info_source_id"] = rec.ctx.entries["info_source"]["walk_in"]
    if rng.random() < 0.3:
        row["activity_level"] = G.ACTIVITY(rng)
    b.hobbies(rec, 0.1)
    assert original.car is not None
    model, car = original.car
    if rng.random() < 0.6:
        rec.dirt.append("dup_same_vin")
        keep = car[8] is not None and rng.random() < 0.5
        if car[9] and not keep:
            rec.dirt.append("purchase_date_missing")
        vehicle = g.vehicle(
            b.chunk,
            rec,
            rng,
            purchase_date=car[8] or created_day,
            bought_here=car[9],
            created_at=created,
            model=model,
            keep_purchase_date=keep,
            same_as=car,
        )
    else:
        rec.dirt.append("dup_other_vehicle")
        bought = created_day - timedelta(days=rng.randint(200, 5 * 365))
        vehicle = g.vehicle(
            b.chunk, rec, rng, purchase_date=bought, bought_here=False, created_at=created
        )
    row["product_line_id"] = rec.ctx.entries["product_line"].get(str(vehicle[6]))
    cost = Decimal(f"{rng.randint(300, 3000)}.00")
    summary = rng.choice(N.VISIT_SUMMARIES[2:])
    g.interaction(b.chunk, rec, rng, "visit", created_day, summary, channel="in_person",
                  cost=cost, staff=advisor)  # fmt: skip
    if rng.random() < 0.3:
        outcome = rng.choice(N.FOLLOW_UP_OUTCOMES)
        call_day = min(created_day + timedelta(days=2), g.today)
        g.interaction(b.chunk, rec, rng, "follow_up", call_day, "维修后回访", outcome=outcome,
                      staff=b.staff(rec, "cr"))  # fmt: skip
    b.chunk.duplicates += 1


def add_cross_dealer(b: RecordBuilder, original: G.Rec, person: Person) -> None:
    """The same person is a customer of a second dealer of the group."""
    g, rng = b.g, b.rng
    d = rng.choice([i for i in range(len(g.world.dealers)) if i != original.d])
    ctx, people = g.world.dealers[d], g.people[d]
    row = g.new_row(ctx)
    rec = b.add(G.Rec(row, ctx, d, original.key))
    rec.dirt.append("duplicate_cross_dealer")
    g.set_name(row, person.name)
    mobile = person.mobile if rng.random() < 0.9 else people.mobile_typo(rng, person.mobile)
    g.set_mobile(row, mobile, people.mobile_as_typed(rng, mobile))
    g.set_address(rec, replace(person.address, postcode=""))
    b.person_fields(rec, person, with_id=rng.random() < 0.5)
    row["kind"] = "person"
    row["nature_id"] = ctx.entries["customer_nature"]["individual"]
    trade = "new" if rng.random() < 0.6 else "potential"
    rec.prospect = trade == "potential"
    created = G.moment(g.today - timedelta(days=rng.randint(0, 2 * 365)), rng)
    row["created_at"], row["updated_at"] = created, b.recent(created)
    rec.last = g.today
    b.classify(rec, trade, created)
    if not rec.prospect:
        b.vehicles(rec, trade, created)
    b.activities(rec, created, None)
    b.by_dealer[d].append(rec)
    b.chunk.duplicates += 1
