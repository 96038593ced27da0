"""Human-readable text for quality issue codes (shown on the profile and the list)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ISSUE_MESSAGES: dict[str, Promise] = {
    "name_missing": _("Name is missing."),
    "name_placeholder": _("Name looks like a placeholder (e.g. 'Mr Wang'); enter the full name."),
    "mobile_missing": _("Mobile number is missing."),
    "mobile_wrong": _("A verification call found the mobile number wrong."),
    "mobile_suspicious": _("Mobile number looks made up (e.g. 13800138000)."),
    "address_missing": _("Address is missing."),
    "address_incomplete": _("Address is not complete down to the house number."),
    "address_id_card_copy": _(
        "Address is the ID card's place of registration, not where the customer lives."
    ),
    "address_out_of_area": _(
        "Address is in a different province from the dealer's; please confirm it."
    ),
    "vehicle_missing": _("No vehicle recorded for a current customer."),
    "purchase_date_missing": _("A vehicle bought here has no purchase date."),
    "interests_missing": _("No interests recorded."),
    "activity_level_missing": _("Activity level not recorded."),
    "follow_up_results_missing": _("No follow-up call result recorded."),
    "event_participation_missing": _("No event participation recorded."),
    "referrals_missing": _("No referral information recorded."),
    "record_stale": _("Not verified or updated for over a year."),
    "value_rejected": _(
        "An import could not accept this value; it is kept as written: correct it."
    ),
}


def issue_message(code: str) -> str:
    return str(ISSUE_MESSAGES.get(code, code))
