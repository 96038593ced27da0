"""Column order of the rows the generator emits, per table (the loader writes them as is)."""

from __future__ import annotations

from autocrm.demo.vehicles import READING_COLUMNS, VEHICLE_COLUMNS

CUSTOMER_COLUMNS = (
    "id", "dealer_id", "kind", "name", "name_pinyin", "name_initials", "given_name", "gender",
    "birth_date", "native_place", "health", "education", "id_type", "id_number", "uscc",
    "industry_id", "employer", "position", "annual_income_band", "mobile", "mobile_raw",
    "mobile_last4",
    "landline", "fax", "email", "address", "province", "city", "district", "street",
    "house_number", "postcode", "family_members", "trade_relationship_id", "nature_id",
    "product_line_id", "info_source_id", "activity_level", "credit_rating", "former_reason",
    "referred_by_id", "remarks", "form_number", "responsible_staff_id", "created_by_id",
    "created_at", "updated_at", "is_active", "accuracy_score", "completeness_score",
    "accuracy_level", "completeness_level", "quality_issues", "accuracy_status",
    "last_verified_at", "mobile_flagged_wrong", "merged_into_id", "rejected_values",
)  # fmt: skip
CONTACT_COLUMNS = (
    "id", "dealer_id", "customer_id", "contact_type", "name", "mobile", "mobile_raw",
    "landline", "relation", "remarks", "created_at",
)  # fmt: skip
INTERACTION_COLUMNS = (
    "id", "dealer_id", "customer_id", "kind", "channel", "occurred_at", "place", "summary",
    "outcome", "cost", "staff_id",
)  # fmt: skip
HOBBY_COLUMNS = ("id", "customer_id", "dictionaryentry_id")
TRUTH_COLUMNS = ("customer_id", "dealer_id", "person_key", "dirt")

#: Tables in the order they must be written (referenced rows first).
COLUMNS: dict[str, tuple[str, ...]] = {
    "customer": CUSTOMER_COLUMNS,
    "truth": TRUTH_COLUMNS,
    "hobby": HOBBY_COLUMNS,
    "contact": CONTACT_COLUMNS,
    "vehicle": VEHICLE_COLUMNS,
    "reading": READING_COLUMNS,
    "interaction": INTERACTION_COLUMNS,
}
TABLES = tuple(COLUMNS)
