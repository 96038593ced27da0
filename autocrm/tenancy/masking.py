"""Masking of personal data for roles that do not need it (e.g. 138****5678)."""

from __future__ import annotations

MASK = "*"


def mask_mobile(e164: str) -> str:
    """+8613812345678 → 138****5678 (first 3 and last 4 digits kept)."""
    if not e164:
        return ""
    digits = e164[3:] if e164.startswith("+86") else e164
    if len(digits) < 8:
        return MASK * len(digits)
    return f"{digits[:3]}{MASK * (len(digits) - 7)}{digits[-4:]}"


def mask_landline(e164: str) -> str:
    """+862112345678 → 021****5678: area code and last 4 digits kept."""
    if not e164:
        return ""
    number = e164.split(";")[0]
    digits = number[3:] if number.startswith("+86") else number
    area_len = 2 if digits[:1] in {"1", "2"} else 3
    area = "0" + digits[:area_len]
    local = digits[area_len:]
    return f"{area}{MASK * max(len(local) - 4, 0)}{local[-4:]}"


def mask_email(email: str) -> str:
    """zhang.wei@example.com → z***@example.com."""
    if not email or "@" not in email:
        return MASK * 3 if email else ""
    local, domain = email.split("@", 1)
    return f"{local[:1]}***@{domain}"


def mask_id_number(number: str) -> str:
    """110105194912310021 → 110105********0021: region kept, birth date hidden."""
    if not number:
        return ""
    if len(number) < 10:
        return MASK * len(number)
    return f"{number[:6]}{MASK * (len(number) - 10)}{number[-4:]}"


def mask_address(address: str, *, keep: str = "") -> str:
    """Keep the city/district part (`keep`) and hide the street and house number."""
    if not address:
        return ""
    if keep and address.startswith(keep):
        return f"{keep}{MASK * 4}"
    return address[:6] + MASK * 4 if len(address) > 6 else MASK * 4


def mask_birth_date(value: object) -> str:
    """1990-05-17 → ****-**-**: the birth date is digits 7-14 of the ID number, which its mask
    hides, so none of it shows (the year alone left a few hundred guesses to the checksum)."""
    if not value:
        return "—"
    return "****-**-**"


def mask_name(name: str) -> str:
    """张伟 → 张*, 欧阳明明 → 欧***: the first character stays (HQ reads de-identified data)."""
    if not name:
        return ""
    return f"{name[:1]}{MASK * max(len(name) - 1, 1)}"


def mask_vin(vin: str) -> str:
    """LSVAM4187C2184847 → LSV**************: the maker's code (WMI) stays, the car goes."""
    if not vin:
        return ""
    return f"{vin[:3]}{MASK * (len(vin) - 3)}"


def mask_plate(plate: str) -> str:
    """粤B12345 → 粤B*****: the province and city letter stay."""
    if not plate:
        return ""
    return f"{plate[:2]}{MASK * max(len(plate) - 2, 1)}"


MASKERS = {
    "mobile": mask_mobile,
    "landline": mask_landline,
    "email": mask_email,
    "id_number": mask_id_number,
}
