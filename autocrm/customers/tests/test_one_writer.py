"""One way to write a customer: no module outside `customers` writes `Customer`, `Vehicle`,
`Contact` or `MileageReading` rows directly.

Two checks. This file reads the code: a module outside `customers` that names one of these
models in a write (instantiating it, `.objects.create/update/delete/bulk_*`, or handing it to
a bulk writer such as `copy_insert`) fails here. And while the whole suite runs, a guard in
`autocrm/conftest.py` (`one_writer_guard`) fails any `save()` or `delete()` of these models
whose nearest project caller is not in `customers` (tests and the demo generator excepted).

The demo generator is the one exception: it writes a whole synthetic world with COPY, without
history rows, before anyone works on it (`manage.py demo`); it changes no one's customers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the autocrm package
MODELS = {"Customer", "Vehicle", "Contact", "MileageReading"}
WRITE_METHODS = {
    "create", "bulk_create", "bulk_update", "update", "delete", "update_or_create",
    "get_or_create", "save",
}  # fmt: skip
BULK_WRITERS = {
    "build", "copy_insert", "insert_with_history", "bulk_create_with_history",
    "bulk_update_with_history",
}  # fmt: skip
ALLOWED = ("customers", "demo")


def _modules() -> list[Path]:
    out = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in ALLOWED or "tests" in rel.parts or "migrations" in rel.parts:
            continue
        if path.name == "conftest.py" or rel.parts[0] == "testing":
            continue
        out.append(path)
    return sorted(out)


def _model_names(tree: ast.AST) -> set[str]:
    """Local names bound to the models by `from autocrm.customers.models import …`."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "autocrm.customers.models":
            names |= {a.asname or a.name for a in node.names if a.name in MODELS}
    return names


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def direct_writes(source: str) -> list[str]:
    tree = ast.parse(source)
    models = _model_names(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not models:
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in models:
            found.append(f"line {node.lineno}: {func.id}(…)")
        elif (
            isinstance(func, ast.Attribute)
            and func.attr in WRITE_METHODS
            and _root_name(func.value) in models
        ):
            found.append(f"line {node.lineno}: {_root_name(func.value)}….{func.attr}(…)")
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name in BULK_WRITERS:
            named = [a.id for a in node.args if isinstance(a, ast.Name) and a.id in models]
            if named:
                found.append(f"line {node.lineno}: {name}({named[0]}, …)")
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_direct_write_of_customer_records(path: Path) -> None:
    assert direct_writes(path.read_text(encoding="utf-8")) == [], (
        f"{path.relative_to(ROOT)} writes customer records itself: call the write functions "
        "of autocrm.customers (services, writes, merging) instead"
    )


@pytest.mark.parametrize(
    "source",
    [
        "from autocrm.customers.models import Customer\nCustomer.objects.filter(pk=1).update(x=1)",
        "from autocrm.customers.models import Vehicle as V\nV(vin='x').save()",
        "from autocrm.customers.models import Contact\nContact.objects.create(name='x')",
        "from autocrm.customers.models import MileageReading\ncopy_insert(MileageReading, [])",
        "from autocrm.customers.models import Customer\nCustomer._base_manager.all().delete()",
    ],
)
def test_the_check_finds_a_direct_write(source: str) -> None:
    assert direct_writes(source)


def test_reads_are_not_writes() -> None:
    source = (
        "from autocrm.customers.models import Customer\n"
        "Customer.objects.filter(pk=1).values_list('id', flat=True)\n"
        "Customer.objects.in_bulk([1])\n"
    )
    assert direct_writes(source) == []


@pytest.mark.django_db
def test_the_guard_stops_a_save_from_another_app(consultant_a, make_customer, scoped) -> None:
    """The suite-wide guard (conftest `one_writer_guard`): a save called from a module of
    another app fails; the same save through customers' services passes."""
    customer = make_customer(consultant_a, name="王芳")
    elsewhere = {"__name__": "autocrm.quality.somewhere"}
    exec("def touch(c):\n    c.remarks = 'x'\n    c.save()\n", elsewhere)  # noqa: S102
    with scoped(consultant_a), pytest.raises(AssertionError, match="writes Customer itself"):
        elsewhere["touch"](customer)
