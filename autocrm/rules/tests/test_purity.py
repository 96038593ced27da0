"""The rules are pure: no module of `autocrm.rules` imports a model, the database or an app.

import-linter (in `make test`) checks the project's own packages; this test also keeps out
Django's ORM and app registry, which import-linter cannot name as forbidden.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parents[1]
FORBIDDEN_PREFIXES = ("django.db", "django.apps", "django.contrib", "django_scopes")


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", sorted(p for p in RULES.glob("*.py")), ids=lambda p: p.name)
def test_rules_module_imports_no_model_database_or_app(path: Path) -> None:
    bad = [
        name
        for name in _imports(path)
        if name.startswith(FORBIDDEN_PREFIXES)
        or (name.startswith("autocrm.") and not name.startswith("autocrm.rules"))
    ]
    assert bad == [], f"{path.name} imports {bad}"
