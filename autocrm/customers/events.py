"""What customers publish to the apps above it."""

from __future__ import annotations

from autocrm.core.events import Event

#: Customer records (or what their quality depends on: vehicles, contacts, interactions,
#: hobbies, referrals) changed. Payload: `customer_ids` (iterable of ids), `instances`
#: (in-memory Customer objects among them to bring up to date, may be empty), `now` (the
#: time of the change). Published by every write function of `customers.writes` and
#: `customers.services`; quality re-scores the records (`quality.refresh`).
customers_changed = Event("customers_changed")
