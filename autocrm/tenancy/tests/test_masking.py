"""Masking of personal data for roles that may not see it (tenancy/masking.py)."""

from __future__ import annotations

import pytest

from autocrm.tenancy.masking import (
    MASKERS,
    mask_address,
    mask_email,
    mask_id_number,
    mask_landline,
    mask_mobile,
)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("+8613812345678", "138****5678"),  # first 3 and last 4 digits kept
        ("+8619912340000", "199****0000"),
        ("13812345678", "138****5678"),  # bare national number
        ("", ""),
        ("+861234567", "*******"),  # fewer than 8 digits: all hidden
    ],
)
def test_mask_mobile(value, masked):
    assert mask_mobile(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("110105194912310021", "110105********0021"),  # region kept, birth date hidden
        ("44030519900101123X", "440305********123X"),
        ("E12345678", "*********"),  # short (passport): all hidden
        ("", ""),
    ],
)
def test_mask_id_number(value, masked):
    assert mask_id_number(value) == masked


def test_mask_id_number_hides_the_birth_date():
    assert "19491231" not in mask_id_number("110105194912310021")


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("zhang.wei@example.com", "z***@example.com"),
        ("li.na@qq.com", "l***@qq.com"),
        ("no-at-sign", "***"),
        ("", ""),
    ],
)
def test_mask_email(value, masked):
    assert mask_email(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("+862112345678", "021****5678"),  # Shanghai, 2-digit area code
        ("+861012345678", "010****5678"),  # Beijing
        ("+8675588881234", "0755****1234"),  # Shenzhen, 3-digit area code
        ("+8675588881234;ext=123", "0755****1234"),  # the extension is dropped
        ("", ""),
    ],
)
def test_mask_landline(value, masked):
    assert mask_landline(value) == masked


@pytest.mark.parametrize(
    ("value", "keep", "masked"),
    [
        ("广东省深圳市南山区科苑路15号", "广东省深圳市南山区", "广东省深圳市南山区****"),
        ("北京市朝阳区建国路88号", "北京市朝阳区", "北京市朝阳区****"),
        ("广东省深圳市南山区科苑路15号", "", "广东省深圳市****"),  # no keep: first 6 characters
        ("广东省深圳市南山区科苑路15号", "湖南省", "广东省深圳市****"),  # keep is not a prefix
        ("科苑路15号", "", "****"),  # 6 characters or fewer: all hidden
        ("", "广东省", ""),
    ],
)
def test_mask_address(value, keep, masked):
    assert mask_address(value, keep=keep) == masked


@pytest.mark.parametrize(
    ("value", "secret"),
    [
        ("广东省深圳市南山区科苑路15号", "科苑路"),
        ("广东省深圳市南山区科苑路15号", "15号"),
    ],
)
def test_mask_address_hides_street_and_house_number(value, secret):
    assert secret not in mask_address(value, keep="广东省深圳市南山区")
    assert secret not in mask_address(value)


def test_maskers_cover_the_personal_fields_except_address():
    """The address needs its `keep` part, so callers use mask_address directly."""
    assert dict(MASKERS) == {
        "mobile": mask_mobile,
        "landline": mask_landline,
        "email": mask_email,
        "id_number": mask_id_number,
    }
