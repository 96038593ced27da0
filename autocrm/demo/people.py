"""Identities of demo customers: names, ID numbers, mobiles, addresses, companies.

Pure and deterministic: every function draws from the `random.Random` it is given.
"""

from __future__ import annotations

from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import accumulate
from random import Random
from typing import Generic, TypeVar

from stdnum.cn import uscc as stdnum_uscc

from autocrm.demo import names_data as N
from autocrm.demo import regions_data as R
from autocrm.demo.catalog_data import DealerSpec
from autocrm.rules.id_numbers import id_check_digit

T = TypeVar("T")


class FastRandom(Random):
    """`random.Random` with cheaper integer draws (one `random()` call instead of rejection
    sampling on `getrandbits`): deterministic, with a bias far below anything visible here."""

    def randint(self, a: int, b: int) -> int:  # type: ignore[override]
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None) -> int:  # type: ignore[override]
        if stop is None:
            return int(self.random() * start)
        return start + int(self.random() * (stop - start))

    def choice(self, seq: Sequence[T]) -> T:  # type: ignore[override]
        return seq[int(self.random() * len(seq))]


class Picker(Generic[T]):
    """Weighted choice with precomputed cumulative weights (one random() and a bisect)."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        self.items = tuple(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def __call__(self, rng: Random) -> T:
        return self.items[bisect(self.cum, rng.random() * self.total)]


def _zipf(chars: str) -> Picker[str]:
    return Picker(list(chars), [1 / (rank + 3) for rank in range(len(chars))])


@dataclass(slots=True)
class Address:
    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""
    house_number: str = ""
    rest: str = ""
    postcode: str = ""
    text: str = ""  # the address as stored (what was typed)


@dataclass(slots=True)
class Person:
    """The real person behind one or more customer records."""

    surname: str
    given: str
    gender: str
    birth_date: date
    region: R.Region  # place of ID-card registration
    id_number: str  # "" when the dealer never recorded it
    mobile: str  # 11 digits
    address: Address
    email: str = ""

    @property
    def name(self) -> str:
        return self.surname + self.given


class PeopleFactory:
    """Draws identities for the customers of one dealer's city."""

    def __init__(self, dealer: DealerSpec, today: date) -> None:
        self.dealer = dealer
        self.city = dealer.city
        self.today = today
        self.surname = Picker([s for s, _w in N.SURNAMES], [w for _s, w in N.SURNAMES])
        self.given = {"M": _zipf(N.GIVEN_MALE), "F": _zipf(N.GIVEN_FEMALE)}
        districts = self.city.districts
        # the showroom's own district and its neighbours bring most customers
        weights = [3.0 if d.name == dealer.district else 1.5 for d in districts]
        self.district = Picker(districts, weights)
        local = tuple(
            R.Region(d.code, self.city.province, self.city.name, d.name) for d in districts
        )
        same_province = R.GUANGDONG_OTHER if self.city.province == "广东省" else R.HUNAN_OTHER
        self.outsiders = tuple(
            r for r in R.OTHER_PROVINCES + R.HUNAN_OTHER + R.GUANGDONG_OTHER
            if r.province != self.city.province
        )  # fmt: skip
        migrants = (
            0.5 if self.city.name == "深圳市" else 0.25 if self.city.province == "广东省" else 0.12
        )
        self.id_region = Picker(
            (*local, *same_province, *self.outsiders),
            [(1 - migrants) * 0.7 / len(local)] * len(local)
            + [(1 - migrants) * 0.3 / len(same_province)] * len(same_province)
            + [migrants / len(self.outsiders)] * len(self.outsiders),
        )
        self.mobile_prefix = Picker(R.MOBILE_PREFIXES, [1 / (i + 8) for i in range(38)])

    # --- names -------------------------------------------------------------------------------
    def given_name(self, rng: Random, gender: str, birth_year: int) -> str:
        pick = self.given[gender]
        if rng.random() < (0.35 if birth_year < 1975 else 0.15):
            return pick(rng)
        first = pick(rng)
        second = pick(rng)
        while second == first and rng.random() < 0.8:
            second = pick(rng)
        return first + second

    def placeholder_name(self, rng: Random, surname: str, gender: str) -> str:
        titles = N.TITLES_MALE if gender == "M" else N.TITLES_FEMALE
        return surname + rng.choice(titles)

    def homophone(self, rng: Random, given: str) -> str:
        """Replace one character of the given name with one of the same reading."""
        positions = [i for i, char in enumerate(given) if char in N.HOMOPHONES]
        if not positions:
            return given
        i = rng.choice(positions)
        return given[:i] + rng.choice(N.HOMOPHONES[given[i]]) + given[i + 1 :]

    # --- identity ----------------------------------------------------------------------------
    def person(self, rng: Random) -> Person:
        gender = "M" if rng.random() < 0.62 else "F"  # car buyers are mostly men
        age_days = rng.randint(22 * 365 + 6, 70 * 365 + 17)
        birth = self.today - timedelta(days=age_days)
        region = self.id_region(rng)
        return Person(
            surname=self.surname(rng),
            given=self.given_name(rng, gender, birth.year),
            gender=gender,
            birth_date=birth,
            region=region,
            id_number="",
            mobile=self.mobile(rng),
            address=self.home_address(rng),
        )

    def id_number(self, rng: Random, region: R.Region, birth: date, gender: str) -> str:
        sequence = rng.randrange(100) * 10 + rng.choice(
            (1, 3, 5, 7, 9) if gender == "M" else (0, 2, 4, 6, 8)
        )
        first17 = f"{region.code}{birth:%Y%m%d}{sequence:03d}"
        return first17 + id_check_digit(first17)

    def mobile(self, rng: Random) -> str:
        return f"{self.mobile_prefix(rng)}{rng.randrange(100_000_000):08d}"

    def mobile_typo(self, rng: Random, mobile: str) -> str:
        i = rng.randrange(3, 11)
        digit = str((int(mobile[i]) + rng.randrange(1, 10)) % 10)
        return mobile[:i] + digit + mobile[i + 1 :]

    @staticmethod
    def mobile_as_typed(rng: Random, mobile: str) -> str:
        r = rng.random()
        if r < 0.70:
            return mobile
        if r < 0.82:
            return f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}"
        if r < 0.92:
            return f"{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}"
        if r < 0.97:
            return f"+86 {mobile}"
        return f"86-{mobile}"

    def landline(self, rng: Random) -> str:
        number = rng.randrange(20_000_000, 90_000_000)  # all three cities have 8 digits
        return f"{self.city.area_code}-{number}"

    def email(self, rng: Random, pinyin: str) -> str:
        if rng.random() < 0.45 or not pinyin or not pinyin.isascii():
            return f"{rng.randrange(10_000_000, 3_000_000_000)}@qq.com"
        return f"{pinyin}{rng.randrange(1, 1000)}@{rng.choice(N.EMAIL_DOMAINS)}"

    # --- addresses ---------------------------------------------------------------------------
    def _rest(self, rng: Random) -> str:
        if rng.random() < 0.45:
            return ""
        estate = rng.choice(R.ESTATE_WORDS) + rng.choice(R.ESTATES)
        floor = rng.randint(1, 32)
        return f"{estate}{rng.randint(1, 18)}栋{floor}{rng.randint(1, 8):02d}室"

    def home_address(self, rng: Random) -> Address:
        """A complete address in the dealer's city, down to the house number."""
        district = self.district(rng)
        address = Address(
            province=self.city.province,
            city=self.city.name,
            district=district.name,
            street=rng.choice(district.roads),
            house_number=f"{rng.randint(1, 60) if rng.random() < 0.5 else rng.randint(1, 999)}号",
            rest=self._rest(rng),
            postcode=district.postcode,
        )
        prefix = address.province if rng.random() < 0.7 else ""
        address.text = (
            f"{prefix}{address.city}{address.district}{address.street}"
            f"{address.house_number}{address.rest}"
        )
        return address

    def id_card_address(self, rng: Random, region: R.Region) -> Address:
        """The address printed on an ID card from `region` (what staff copy by mistake)."""
        address = Address(
            province=region.province,
            city=region.city,
            district=region.district,
            street=rng.choice(R.COMMON_ROADS),
            house_number=f"{rng.randint(1, 300)}号",
        )
        city = "" if region.city == region.province else region.city
        address.text = (
            f"{region.province}{city}{region.district}{address.street}{address.house_number}"
        )
        return address

    @staticmethod
    def incomplete(rng: Random, address: Address) -> Address:
        """What careless entry leaves: "广州市天河区" or "广州市天河区天河路" (no number)."""
        with_street = rng.random() < 0.4
        short = Address(
            province=address.province,
            city=address.city,
            district=address.district,
            street=address.street if with_street else "",
        )
        short.text = f"{address.city}{address.district}{short.street}"
        return short

    def reformatted(self, rng: Random, address: Address) -> Address:
        """The same address typed differently by another clerk (still complete)."""
        text = f"{address.district}{address.street}{address.house_number}{address.rest}"
        if rng.random() < 0.5:
            text = f"{self.city.short}{text}"
        else:
            text = f"{address.district} {address.street}{address.house_number}"
        return replace(address, province="", city="", text=text)

    # --- organizations -----------------------------------------------------------------------
    def organization(self, rng: Random) -> tuple[str, str, str, str, Address]:
        """(name, USCC, nature code, industry code, address) of a company or public body."""
        address = self.home_address(rng)
        district = address.district
        if rng.random() < 0.15:
            pattern, nature, industry, prefix = rng.choice(N.INSTITUTIONS)
            name = self.city.name + pattern.format(district=district)
        else:
            kind, nature, industry = rng.choice(N.COMPANY_KINDS)
            name = f"{self.city.name}{district}{rng.choice(N.TRADE_NAMES)}{kind}"
            prefix = "91"
        code = next(d.code for d in self.city.districts if d.name == district)
        return name, uscc(rng, prefix + code), nature, industry, address


_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc(rng: Random, first8: str) -> str:
    """A valid unified social credit code: registration authority + type + region code, a
    9-character organization code with its GB 11714 check digit, and the GB 32100 check
    character."""
    body = f"{rng.randrange(10**8):08d}"
    check = 11 - sum(int(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    org = body + ("X" if check == 10 else "0" if check == 11 else str(check))
    first17 = first8 + org
    return first17 + stdnum_uscc.calc_check_digit(first17)
