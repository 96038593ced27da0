"""What customers publish to the apps above it."""

from __future__ import annotations

from autocrm.core.events import Event

#: Customer records (or what their quality depends on: vehicles, contacts, interactions,
#: hobbies, referrals) changed. Payload: `customer_ids` (iterable of ids), `instances`
#: (in-memory Customer objects among them to bring up to date, may be empty), `now` (the
#: time of the change). Published by the write functions of `customers.writes`,
#: `customers.services` and `customers.merging` that change what the scores read (not by
#: `mileage_record`, which the scores do not read, nor by an un-merge, which restores the
#: records' scores with them); quality re-scores the records (`quality.refresh`).
customers_changed = Event("customers_changed")
