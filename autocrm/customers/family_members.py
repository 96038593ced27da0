"""The seed's "family members (name, relation)" (seed 003) as household members.

Until issue #12 a profile kept its family members in a JSON list (`Customer.family_members`,
[{"name", "relation"}]). They now live in households (`Household`, `HouseholdMember`), where a
member may be linked to their own profile and the number they share is recorded. The JSON is
kept as it was captured ("keep the originally captured data intact", seed 003) but nothing
writes it any more: the services refuse it, and the page, the API and the search read the
households. This module turns the lists into households in four set-based statements (no
row-by-row loop: a million profiles take seconds), for migration 0012 and for bulk loads.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

#: The free-text relations a list holds, mapped to HouseholdRelation (the text stays in the
#: JSON); anything else is "other".
RELATION_WORDS: dict[str, tuple[str, ...]] = {
    "spouse": ("配偶", "妻子", "丈夫", "老婆", "老公", "爱人", "夫妻", "太太", "先生"),
    "parent": ("父亲", "母亲", "父母", "爸爸", "妈妈", "父", "母"),
    "child": ("儿子", "女儿", "子女", "孩子", "子", "女"),
    "sibling": ("兄弟", "姐妹", "哥哥", "弟弟", "姐姐", "妹妹", "兄妹", "姐弟"),
    "relative": (
        "亲戚", "岳父", "岳母", "公公", "婆婆", "爷爷", "奶奶", "外公", "外婆", "孙子",
        "孙女", "女婿", "儿媳", "叔叔", "阿姨", "舅舅",
    ),
}  # fmt: skip

_MARK = "#family_members:"


def _relation_case(expression: str) -> str:
    whens = " ".join(
        f"WHEN {expression} IN ({', '.join(repr(w) for w in words)}) THEN '{relation}'"
        for relation, words in RELATION_WORDS.items()
    )
    return f"CASE {whens} ELSE 'other' END"


def _statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        has_list = (
            "jsonb_typeof(c.family_members) = 'array' AND jsonb_array_length(c.family_members) > 0"
        )
        elements = "CROSS JOIN LATERAL jsonb_array_elements(c.family_members) e"
        name, relation = "btrim(e->>'name')", "btrim(coalesce(e->>'relation', ''))"
    else:
        has_list = (
            "json_type(c.family_members) = 'array' AND json_array_length(c.family_members) > 0"
        )
        elements = ", json_each(c.family_members) e"
        name = "trim(json_extract(e.value, '$.name'))"
        relation = "trim(coalesce(json_extract(e.value, '$.relation'), ''))"
    marked = f"h.name = '{_MARK}' || c.id"
    return [
        # one household per profile with a list that is in no household yet
        "INSERT INTO customers_household (dealer_id, kind, name, created_at)"
        " SELECT c.dealer_id,"
        " CASE WHEN c.kind = 'organization' THEN 'organization' ELSE 'family' END,"
        f" '{_MARK}' || c.id, c.created_at FROM customers_customer c WHERE {has_list}"
        " AND NOT EXISTS (SELECT 1 FROM customers_householdmember m WHERE m.customer_id = c.id)",
        # the profile itself, the head (or the organization)
        "INSERT INTO customers_householdmember"
        " (dealer_id, household_id, customer_id, name, relation, shared_number, added_at)"
        " SELECT h.dealer_id, h.id, c.id, '',"
        " CASE WHEN c.kind = 'organization' THEN 'organization' ELSE 'head' END, '', h.created_at"
        f" FROM customers_household h JOIN customers_customer c ON {marked}",
        # each listed family member, by name
        "INSERT INTO customers_householdmember"
        " (dealer_id, household_id, customer_id, name, relation, shared_number, added_at)"
        f" SELECT h.dealer_id, h.id, NULL, substr({name}, 1, 100), {_relation_case(relation)},"
        f" '', h.created_at FROM customers_household h JOIN customers_customer c ON {marked}"
        f" {elements} WHERE coalesce({name}, '') <> ''",
        f"UPDATE customers_household SET name = '' WHERE name LIKE '{_MARK}%'",
    ]


def households_from_family_members(connection: BaseDatabaseWrapper | Any) -> int:
    """Give every profile whose family-members list is in no household yet a household with
    its listed members (idempotent); returns the number of households created."""
    with connection.cursor() as cursor:
        created = 0
        for index, statement in enumerate(_statements(connection.vendor)):
            cursor.execute(statement)
            if index == 0:
                created = cursor.rowcount
    return created
