"""What sales tells the apps above it (architecture.md: events upward).

`vehicle_delivered(opportunity, vehicle, delivered_on)`: a won opportunity's car was handed
over; the sales follow-up call (回访: "customers delivered in the last three days") starts
from it.
"""

from __future__ import annotations

from autocrm.core.events import Event

vehicle_delivered = Event("vehicle_delivered")
