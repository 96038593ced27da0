"""Unit tests of the field validators in autocrm.rules (pure functions, no database)."""

from datetime import date

import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from stdnum.cn import ric

from autocrm.rules import cn_phone_types, phones
from autocrm.rules.email import validate_email
from autocrm.rules.id_numbers import (
    ResidentId,
    check_id_matches,
    id_check_digit,
    validate_id_number,
    validate_uscc,
)
from autocrm.rules.names import is_placeholder_name
from autocrm.rules.phones import is_suspicious_mobile, normalize_landline, normalize_mobile
from autocrm.rules.text import clean_text
from autocrm.rules.vehicles import validate_plate_number, validate_vin, vin_check_digit

TODAY = date(2024, 6, 1)
FUZZ = hypothesis_settings(max_examples=300, database=None, deadline=None)


def error_code(func, value, **kwargs):
    """Call ``func`` and return the ValidationError code it raised (fail if it did not)."""
    with pytest.raises(ValidationError) as excinfo:
        func(value, **kwargs)
    return excinfo.value.code


# ---------------------------------------------------------------------------
# clean_text
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("", ""),
        ("   ", ""),
        ("  王  小明  ", "王 小明"),
        ("ＡＢＣ１２３", "ABC123"),  # full-width letters and digits
        ("王\u3000小明", "王 小明"),  # ideographic space
        ("（北京）", "(北京)"),  # full-width parentheses
        ("a\t\n b", "a b"),
        ("张\u200b三", "张三"),  # zero-width space from pasted text
        ("\ufeffabc", "abc"),  # byte-order mark
        ("１３８\u3000１２３４", "138 1234"),
    ],
)
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


@FUZZ
@given(st.one_of(st.none(), st.text()))
def test_clean_text_is_idempotent_and_trimmed(raw):
    cleaned = clean_text(raw)
    assert clean_text(cleaned) == cleaned
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned


# ---------------------------------------------------------------------------
# Mobile numbers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "138.1234.5678",
        "(138)12345678",
        "+86 138-1234-5678",
        "+86-13812345678",
        "+8613812345678",
        "0086 13812345678",
        "008613812345678",
        "86 13812345678",
        "8613812345678",
        "１３８１２３４５６７８",  # full-width digits
        "＋８６　１３８１２３４５６７８",  # full-width plus and ideographic space
        " 13812345678 ",
    ],
)
def test_normalize_mobile_valid(raw):
    assert normalize_mobile(raw) == "+8613812345678"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("19912345678", "+8619912345678"),
        ("16612345678", "+8616612345678"),
        ("15012345678", "+8615012345678"),
    ],
)
def test_normalize_mobile_other_prefixes(raw, expected):
    assert normalize_mobile(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "12812345678",  # second digit must be 3-9
        "11012345678",
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "23812345678",
        "17951234567",  # IP-dialling prefix 17951: must not crash
        "1795113812345678",
        "010-12345678",  # landline
        "+1 13812345678",
        "+85213812345678",
        "861381234567",  # 86 + 10 digits
        "138l2345678",  # letter l instead of 1
        "tel: 13812345678",
        "abc",
    ],
)
def test_normalize_mobile_invalid(raw):
    assert error_code(normalize_mobile, raw) == "invalid_mobile"


def test_normalize_mobile_turns_phonenumbers_exceptions_into_validation_error(monkeypatch):
    def boom(*args, **kwargs):
        raise phonenumbers.NumberParseException(
            phonenumbers.NumberParseException.NOT_A_NUMBER, "boom"
        )

    monkeypatch.setattr(phonenumbers.PhoneMetadata, "metadata_for_region", boom)
    cn_phone_types._cn_descs.cache_clear()  # the CN patterns are read from the metadata once
    try:
        assert error_code(normalize_mobile, "13812345678") == "invalid_mobile"
    finally:
        cn_phone_types._cn_descs.cache_clear()


def test_normalize_mobile_turns_unexpected_errors_into_validation_error(monkeypatch):
    def boom(*args, **kwargs):
        raise IndexError("metadata bug")

    monkeypatch.setattr(phones, "cn_number_type", boom)
    assert error_code(normalize_mobile, "13812345678") == "invalid_mobile"


@FUZZ
@given(st.text(alphabet="0123456789+-() .１３８", max_size=20))
def test_normalize_mobile_never_crashes(raw):
    try:
        result = normalize_mobile(raw)
    except ValidationError as exc:
        assert exc.code == "invalid_mobile"
    else:
        assert result.startswith("+861")
        assert len(result) == 14


# ---------------------------------------------------------------------------
# Landlines
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("010-12345678", "+861012345678"),
        ("01012345678", "+861012345678"),
        ("0755 8888 8888", "+8675588888888"),
        ("0755-88888888", "+8675588888888"),
        ("(0755) 8888-8888", "+8675588888888"),
        ("(021)12345678", "+862112345678"),
        ("（０２１）１２３４５６７８", "+862112345678"),  # full-width
        ("+86 21 1234 5678", "+862112345678"),
        ("+86-21-12345678", "+862112345678"),
        ("0086 21 12345678", "+862112345678"),
        ("+86 (0)21 12345678", "+862112345678"),
        ("+86 10 12345678", "+861012345678"),
        ("021-12345678转123", "+862112345678;ext=123"),
        ("021-12345678 转 123", "+862112345678;ext=123"),
        ("021-12345678分机8", "+862112345678;ext=8"),
        ("010-12345678-123", "+861012345678;ext=123"),
        ("0755-88888888 ext 45", "+8675588888888;ext=45"),
        ("0755-88888888 EXT. 45", "+8675588888888;ext=45"),
        ("02112345678x12", "+862112345678;ext=12"),
    ],
)
def test_normalize_landline_valid(raw, expected):
    assert normalize_landline(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "12345678",  # no area code
        "88888888转123",
        "13812345678",  # mobile
        "+8613812345678",
        "138-1234-5678",
        "400-810-8888",  # service number, no area code
        "0571-8888888",  # Hangzhou numbers have 8 digits
        "0755-8888888-123",  # "-ext" only after an 8-digit number
        "010-1234567890123",
        "0000-12345678",
        "abc",
        "010-abcdefgh",
    ],
)
def test_normalize_landline_invalid(raw):
    assert error_code(normalize_landline, raw) == "invalid_landline"


@FUZZ
@given(st.text(alphabet="0123456789+-() .转xext", max_size=24))
def test_normalize_landline_never_crashes(raw):
    try:
        result = normalize_landline(raw)
    except ValidationError as exc:
        assert exc.code == "invalid_landline"
    else:
        assert result.startswith("+86")


# ---------------------------------------------------------------------------
# Suspicious mobiles
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "+8613333333333",  # rule 1: all the same after the leading 1
        "+8611111111111",
        "+8618888888888",
        "13333333333",  # bare national number works too
        "+8613800138000",  # rule 2: known placeholder
        "12345678901",  # rule 3: 1234567890x
        "12345678900",
        "+8613900000000",  # rule 4: 8+ identical trailing digits
        "+8618688888888",
        "+8613500000000",  # exactly the last 8 identical
    ],
)
def test_is_suspicious_mobile_true(number):
    assert is_suspicious_mobile(number) is True


@pytest.mark.parametrize(
    "number",
    [
        "+8613812345678",  # ascending run: real pattern, not flagged
        "+8613912345678",
        "+8613512222223",
        "+8613510000000",  # only 7 identical trailing digits
        "+8613800138001",
        "+8613900000001",
        "",
        "not a number",
        "+861380013800",  # 10 digits: invalid, not "suspicious"
    ],
)
def test_is_suspicious_mobile_false(number):
    assert is_suspicious_mobile(number) is False


# ---------------------------------------------------------------------------
# Resident identity card
# ---------------------------------------------------------------------------


def test_id_published_vector_11010519491231002x():
    resident = validate_id_number("11010519491231002X", today=TODAY)
    assert resident == ResidentId(
        number="11010519491231002X",
        birth_date=date(1949, 12, 31),
        gender="F",
        region_code="110105",
        region_name="北京市朝阳区",
    )


@pytest.mark.parametrize(
    "raw",
    ["11010519491231002x", " 110105 19491231 002X ", "１１０１０５１９４９１２３１００２Ｘ"],
)
def test_id_normalises_case_spaces_and_width(raw):
    assert validate_id_number(raw, today=TODAY).number == "11010519491231002X"


def test_id_male_and_region_with_prefecture():
    resident = validate_id_number("360426199101010071", today=TODAY)
    assert resident.gender == "M"
    assert resident.birth_date == date(1991, 1, 1)
    assert resident.region_code == "360426"
    assert resident.region_name == "江西省九江市德安县"


def test_id_check_digit_standard_values():
    # GB 11643-1999 / ISO 7064 MOD 11-2
    assert id_check_digit("11010519491231002") == "X"
    assert id_check_digit("44052418800101001") == "4"
    assert id_check_digit("36042619910101007") == "1"
    with pytest.raises(ValueError):
        id_check_digit("1234")


@FUZZ
@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_id_check_digit_agrees_with_stdnum(first17):
    assert id_check_digit(first17) == ric.calc_check_digit(first17 + "0")


def test_id_440524188001010014_checksum_valid_but_too_old():
    # The check digit is correct per the standard ("4"), but the holder would be born
    # 1880-01-01, i.e. more than 120 years old.
    assert id_check_digit("44052418800101001") == "4"
    assert error_code(validate_id_number, "440524188001010014", today=TODAY) == (
        "id_number_birth_date"
    )


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("110105194912310021", "id_number_checksum"),  # X replaced by 1
        ("11010519491231003X", "id_number_checksum"),
        ("110105491231002", "id_number_old_format"),  # 15-digit first-generation card
        ("", "invalid_id_number"),
        ("11010519491231002", "invalid_id_number"),  # 17 characters
        ("11010519491231002XX", "invalid_id_number"),
        ("1101051949123100X2", "invalid_id_number"),  # X not in last position
        ("11010519491231002Y", "invalid_id_number"),
        ("A1010519491231002X", "invalid_id_number"),
        ("110105194902300012", "id_number_birth_date"),  # 30 February
        ("110105202501010011", "id_number_birth_date"),  # in the future on TODAY
        ("110105190301010011", "id_number_birth_date"),  # 121 years old
        ("999999199001011238", "id_number_region"),  # unknown code
        ("110103201501011236", "id_number_region"),  # 崇文区 abolished 2010, born 2015
    ],
)
def test_id_invalid(raw, code):
    assert error_code(validate_id_number, raw, today=TODAY) == code


def test_id_age_limit_is_inclusive():
    # on 2024-06-01 someone born 1903-06-02 is 120 (accepted), born 1903-06-01 is 121
    first17 = "11010519030602001"
    assert validate_id_number(first17 + id_check_digit(first17), today=TODAY)
    first17 = "11010519030601001"
    number = first17 + id_check_digit(first17)
    assert error_code(validate_id_number, number, today=TODAY) == "id_number_birth_date"


def test_id_born_today_is_accepted():
    first17 = "11010520240601002"
    resident = validate_id_number(first17 + id_check_digit(first17), today=TODAY)
    assert resident.birth_date == TODAY
    assert resident.gender == "F"


def test_id_district_created_after_birth_is_accepted():
    # 440305 is 南山区 (深圳) only since 1990 (南头区办事处 1983-1989); a person born in 1960
    # was registered there later. stdnum's own validate() rejects this, we accept it.
    number = "440305196001011236"
    assert not ric.is_valid(number)
    resident = validate_id_number(number, today=TODAY)
    assert resident.region_name == "广东省深圳市南山区"
    assert resident.birth_date == date(1960, 1, 1)


def test_id_default_today_rejects_far_future():
    first17 = "11010529990101001"
    number = first17 + id_check_digit(first17)
    assert error_code(validate_id_number, number) == "id_number_birth_date"


@FUZZ
@given(st.text(max_size=25) | st.text(alphabet="0123456789Xx ", min_size=15, max_size=19))
def test_validate_id_number_never_crashes(raw):
    try:
        resident = validate_id_number(raw, today=TODAY)
    except ValidationError as exc:
        assert exc.code in {
            "invalid_id_number",
            "id_number_old_format",
            "id_number_checksum",
            "id_number_birth_date",
            "id_number_region",
        }
    else:
        assert len(resident.number) == 18
        assert resident.gender in {"M", "F"}


RESIDENT = ResidentId(
    number="11010519491231002X",
    birth_date=date(1949, 12, 31),
    gender="F",
    region_code="110105",
    region_name="北京市朝阳区",
)


@pytest.mark.parametrize(
    ("birth_date", "gender", "expected"),
    [
        (date(1949, 12, 31), "F", []),
        (None, None, []),
        (date(1949, 12, 31), None, []),
        (None, "F", []),
        (None, "", []),
        (None, "女", []),
        (None, "female", []),
        (None, "f", []),
        (date(1950, 1, 1), "F", ["birth_date"]),
        (date(1949, 12, 31), "M", ["gender"]),
        (None, "男", ["gender"]),
        (date(1949, 1, 31), "M", ["birth_date", "gender"]),
        (None, "unknown", []),  # unrecognised gender is "not provided"
    ],
)
def test_check_id_matches(birth_date, gender, expected):
    assert check_id_matches(RESIDENT, birth_date=birth_date, gender=gender) == expected


# ---------------------------------------------------------------------------
# USCC
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("91110000600037341L", "91110000600037341L"),  # python-stdnum doc example
        ("914403001922038216", "914403001922038216"),  # Huawei Technologies Co., Ltd.
        ("91110000600037341l", "91110000600037341L"),
        ("9144 0300 1922 0382 16", "914403001922038216"),
        ("91440300-192203821-6", "914403001922038216"),
        ("９１４４０３００１９２２０３８２１６", "914403001922038216"),
    ],
)
def test_validate_uscc_valid(raw, expected):
    assert validate_uscc(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "914403001922038217",  # wrong check character
        "91110000600037341X",
        "A1110000600037341L",  # first 8 must be digits
        "91110000600037341I",  # I not in the alphabet
        "9111000060003734",
        "9144030019220382160",
    ],
)
def test_validate_uscc_invalid(raw):
    assert error_code(validate_uscc, raw) == "invalid_uscc"


# ---------------------------------------------------------------------------
# VIN
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vin", "check"),
    [
        ("1M8GDM9AXKP042788", "X"),  # classic 49 CFR 565 example
        ("11111111111111111", "1"),
        ("LSVAM4187C2184847", "7"),
        ("LSVAM4180C2184847", "7"),  # position 9 is ignored by the computation
        ("LSGPC52U6AF102554", "6"),
        ("LVSHCAMB1CE054249", "1"),
        ("JHMCM56557C404453", "5"),
        ("LFV2A21K6G4000000", "2"),
    ],
)
def test_vin_check_digit(vin, check):
    assert vin_check_digit(vin) == check


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1M8GDM9AXKP042788", "1M8GDM9AXKP042788"),
        ("1m8gdm9axkp042788", "1M8GDM9AXKP042788"),
        ("LSVAM4187C2184847", "LSVAM4187C2184847"),
        ("LSGPC52U6AF102554", "LSGPC52U6AF102554"),
        ("LVSH CAMB1C E054249", "LVSHCAMB1CE054249"),
        ("ＬＶＳＨＣＡＭＢ１ＣＥ０５４２４９", "LVSHCAMB1CE054249"),
        ("JHMCM56557C404453", "JHMCM56557C404453"),
    ],
)
def test_validate_vin_valid(raw, expected):
    assert validate_vin(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("LSVAM4180C2184847", "vin_check_digit"),
        ("LFV2A21K6G4000000", "vin_check_digit"),
        ("1M8GDM9A1KP042788", "vin_check_digit"),
        ("1M8GDM9AXKP04278", "vin_length"),  # 16
        ("1M8GDM9AXKP0427888", "vin_length"),  # 18
        ("", "vin_length"),
        ("IM8GDM9AXKP042788", "vin_characters"),  # I
        ("1M8GDM9AXKO042788", "vin_characters"),  # O
        ("1M8GDM9AXKQ042788", "vin_characters"),  # Q
        ("1M8GDM9AXKP04278-", "vin_characters"),
        ("LSVAM4187C218484京", "vin_characters"),
    ],
)
def test_validate_vin_invalid(raw, code):
    assert error_code(validate_vin, raw) == code


def test_vin_check_digit_rejects_malformed_input():
    assert error_code(vin_check_digit, "ABC") == "vin_length"
    assert error_code(vin_check_digit, "1M8GDM9AXKO042788") == "vin_characters"


@FUZZ
@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPRSTUVWXYZ", min_size=17, max_size=17))
def test_vin_with_computed_check_digit_is_valid(body):
    vin = body[:8] + vin_check_digit(body) + body[9:]
    assert validate_vin(vin) == vin


# ---------------------------------------------------------------------------
# Licence plates
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("京A12345", "京A12345"),
        ("粤B12345", "粤B12345"),
        ("京A·12345", "京A12345"),
        ("京A 12345", "京A12345"),
        ("京a-12345", "京A12345"),
        ("京A.12345", "京A12345"),
        ("京AB1C23", "京AB1C23"),
        ("京A1234学", "京A1234学"),  # driving school
        ("京A1234挂", "京A1234挂"),  # trailer
        ("京A1234警", "京A1234警"),  # police
        ("粤Z1234港", "粤Z1234港"),  # Hong Kong cross-border
        ("粤Z1234澳", "粤Z1234澳"),  # Macau cross-border
        ("沪AD12345", "沪AD12345"),  # new-energy small vehicle
        ("沪AF12345", "沪AF12345"),
        ("粤BDA1234", "粤BDA1234"),  # new-energy small, 2nd char a letter
        ("粤B12345D", "粤B12345D"),  # new-energy large vehicle
        ("粤B12345F", "粤B12345F"),
        ("新A12345", "新A12345"),
        ("蒙A12345", "蒙A12345"),
    ],
)
def test_validate_plate_number_valid(raw, expected):
    assert validate_plate_number(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "京A1234",  # too short
        "京I12345",  # issuing letter I not allowed
        "京O12345",
        "京AO1234",  # O not allowed in the serial
        "京A1234I",
        "京A12345挂",  # trailer plates are 7 characters
        "京A123456",  # 8 characters but not a new-energy shape
        "粤BD1234A",
        "粤BDI1234",
        "粤B12345X",  # large NEV must end in D/F/A/B/C/E/G/H/J/K
        "京AD12345X",
        "港A12345",  # not a mainland province abbreviation
        "A12345",
        "使123456",  # embassy plates deliberately rejected
        "WJ1234567",  # armed police deliberately rejected
        "京A1234领",
    ],
)
def test_validate_plate_number_invalid(raw):
    assert error_code(validate_plate_number, raw) == "invalid_plate_number"


# ---------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("user@example.com", "user@example.com"),
        (" User.Name@Example.COM ", "User.Name@example.com"),  # local part keeps its case
        ("user＠ＥＸＡＭＰＬＥ．ｃｏｍ", "user@example.com"),
        ("12345678@qq.com", "12345678@qq.com"),
        ("first+tag@mail.example.cn", "first+tag@mail.example.cn"),
    ],
)
def test_validate_email_valid(raw, expected):
    assert validate_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "plainaddress",
        "a@b",
        "user@localhost",  # Django allows it, customers do not have such addresses
        "a b@x.com",
        "@x.com",
        "x@",
        "x@@y.com",
        "x@y..com",
        "abc@qq.com.",
    ],
)
def test_validate_email_invalid(raw):
    assert error_code(validate_email, raw) == "invalid_email"


# ---------------------------------------------------------------------------
# Placeholder names
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "",
        "   ",
        "123",
        "０００",
        "--",
        "无",
        "未知",
        "不详",
        "test",
        "TEST",
        " Test ",
        "test123",
        "测试",
        "测试1",
        "客户",
        "客户2",
        "先生",
        "女士",
        "小姐",
        "王先生",
        "李女士",
        "陈小姐",
        "张总",
        "刘老板",
        "赵经理",
        "欧阳先生",
        "王",
        "aaa",
        "啊啊啊",
        "xxx",
        "N/A",
    ],
)
def test_is_placeholder_name_true(name):
    assert is_placeholder_name(name) is True


@pytest.mark.parametrize(
    "name",
    [
        "王小明",
        "李娜",
        "欧阳娜娜",
        "司马相如",
        "王先明",  # 先 inside a given name
        "张总华",
        "John Smith",
        "Li Na",
        "王 小明",
        "阿依古丽·买买提",
    ],
)
def test_is_placeholder_name_false(name):
    assert is_placeholder_name(name) is False


@FUZZ
@given(st.text())
def test_is_placeholder_name_returns_bool(name):
    assert isinstance(is_placeholder_name(name), bool)


# ---------------------------------------------------------------------------
# All validators: only ValidationError escapes, whatever the input
# ---------------------------------------------------------------------------


@FUZZ
@given(st.text(max_size=40))
def test_validators_only_raise_validation_error(raw):
    for func in (
        normalize_mobile,
        normalize_landline,
        validate_uscc,
        validate_vin,
        validate_plate_number,
        validate_email,
        validate_id_number,
    ):
        try:
            func(raw)
        except ValidationError as exc:
            assert isinstance(exc.code, str) and exc.code
    assert isinstance(is_suspicious_mobile(raw), bool)


def test_error_messages_render_in_english():
    with pytest.raises(ValidationError) as excinfo:
        normalize_mobile("123")
    with translation.override("en"):
        assert excinfo.value.messages == [
            "Enter a valid mainland China mobile number (11 digits starting with 1)."
        ]


def _libphonenumber_says(national: str, types: frozenset[int]) -> bool:
    """The slow reference: parse, is_valid_number, number_type."""
    try:
        number = phonenumbers.parse(national, "CN")
        return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in types
    except phonenumbers.NumberParseException:
        return False


@hypothesis_settings(max_examples=3000, database=None, deadline=None)
@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_mobile_fast_path_agrees_with_libphonenumber(national):
    assert phones._has_type(national, phones._MOBILE_TYPES) == _libphonenumber_says(
        national, phones._MOBILE_TYPES
    )


@hypothesis_settings(max_examples=3000, database=None, deadline=None)
@given(st.from_regex(r"0[1-9][0-9]{8,10}", fullmatch=True))
def test_landline_fast_path_agrees_with_libphonenumber(national):
    assert phones._has_type(national, phones._FIXED_TYPES) == _libphonenumber_says(
        national, phones._FIXED_TYPES
    )


@hypothesis_settings(max_examples=3000, database=None, deadline=None)
@given(st.from_regex(r"[0-9]{0,13}", fullmatch=True))
def test_cn_number_type_is_libphonenumbers(national):
    """The CN patterns compiled once give libphonenumber's own verdict on every number."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    expected = phonenumbers.phonenumberutil._number_type_helper(national, metadata)
    assert cn_phone_types.cn_number_type(national) == expected
