"""Nicknames (rules.names.is_nickname): too little to merge two records on (issue #12)."""

from __future__ import annotations

import pytest

from autocrm.rules.names import is_nickname


@pytest.mark.parametrize("name", ["老王", "小李", "阿强", " 老 陈 "])
def test_familiar_forms_are_nicknames(name: str) -> None:
    assert is_nickname(name)


@pytest.mark.parametrize("name", ["王强", "老王头儿", "小", "李小龙", "Wang"])
def test_names_are_not(name: str) -> None:
    assert not is_nickname(name)
