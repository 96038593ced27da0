"""How a lead's personal values read for a viewer."""

from __future__ import annotations

from typing import Any

from autocrm.customers.presenters import contact_mobile
from autocrm.sales.models import Lead


def lead_mobile(viewer: Any, lead: Lead) -> str:
    """The number the lead left: in clear for the consultant the lead was handed to (they are
    to call it now, even when the customer's profile is a colleague's), otherwise by the
    customer's mobile rule (masked for a role that sees the profile's mobile masked)."""
    if lead.consultant_id is not None and lead.consultant_id == getattr(viewer, "pk", None):
        return lead.mobile
    return contact_mobile(viewer, lead.customer, lead.mobile)
