"""Identity: when two records are one person, when they are two, and when only a person can tell.

domain.md §2, *Identity*. One function each, used by manual entry, the API, the import, lead
matching and duplicate detection alike:

* a resident ID number (an organization's USCC) identifies a person: same ID → same person,
  two different valid IDs → two people;
* a mobile is a contact point that a household, a fleet or a company shares: same mobile and a
  compatible name (the same, a variant under `compare_names`, a placeholder such as 王先生) →
  same person; same mobile and a clearly different name → two people of one household (or an
  organization and its driver);
* a VIN identifies a vehicle, not its owner: same VIN and a different owner → an ownership
  change (`vehicle_owner_changed`);
* what is neither clearly the same nor clearly different is `UNSURE`: it goes to the review
  queue, never to an automatic merge.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from autocrm.rules.names import (
    COMPOUND_SURNAMES,
    SURNAME_READINGS,
    is_organization_name,
    is_placeholder_name,
)
from autocrm.rules.phones import is_suspicious_mobile
from autocrm.rules.text import clean_name, to_simplified


class NameAgreement(enum.IntEnum):
    """How two names agree, from the strongest to the weakest; the order is the strength."""

    EXACT = 9  # the same name (after spaces, case, full-width forms)
    SCRIPT = 8  # the same name in traditional and simplified characters (張偉 / 张伟)
    SWAPPED = 7  # the given name's characters swapped (张明小 / 张小明)
    HOMOPHONE = 6  # the same toneless pinyin (任芳敏 / 任方敏)
    SPELLING = 5  # the Chinese name and its pinyin spelling (张伟 / Zhang Wei / Wei Zhang)
    NEAR_SOUND = 4  # the same under fuzzy pinyin (zh/z, ch/c, sh/s, n/l, -ng/-n: 林/凌)
    SURNAME_ONLY = 3  # a placeholder of the same surname (王先生 / 王建国; David Wang / 王建国)
    UNKNOWN = 2  # nothing to compare: a name missing, or a placeholder without a surname
    DIFFERENT_GIVEN = 1  # the same surname, another given name (a parent and child, siblings)
    DIFFERENT = 0  # another surname (spouses), or a person against an organization

    @property
    def compatible(self) -> bool:
        """The names may be one person's (a shared contact point then makes them one)."""
        return self >= NameAgreement.SURNAME_ONLY

    @property
    def conflicting(self) -> bool:
        """The names are clearly two people's."""
        return self <= NameAgreement.DIFFERENT_GIVEN


_SPACES_RE = re.compile(r"[\s·•.\-_]+")
_LATIN_RE = re.compile(r"^[a-z]+(?: [a-z]+)*$")
_TITLED_RE = re.compile(
    rf"^({'|'.join(COMPOUND_SURNAMES)}|[\u4e00-\u9fff])(?:先生|女士|小姐|老板|总|经理|师傅)$"
)
_HAN_RE = re.compile(r"^[\u4e00-\u9fff]{2,5}$")


def _cleaned(name: str) -> str:
    return to_simplified(clean_name(name or "")).strip().lower()


def split_chinese_name(name: str) -> tuple[str, str]:
    """(surname, given name) of a Chinese personal name; ("", "") when it is not one."""
    name = "".join((name or "").split())
    if not _HAN_RE.match(name):
        return "", ""
    for surname in COMPOUND_SURNAMES:
        if name.startswith(surname) and len(name) > len(surname):
            return surname, name[len(surname) :]
    return name[0], name[1:]


@lru_cache(maxsize=200_000)
def syllables(text: str) -> tuple[str, ...]:
    """Toneless pinyin syllables of a run of Chinese characters."""
    return tuple(s.strip().lower() for s in lazy_pinyin(text, style=Style.NORMAL) if s.strip())


def surname_syllables(surname: str) -> tuple[str, ...]:
    if surname in SURNAME_READINGS:
        return tuple(SURNAME_READINGS[surname].split())
    return syllables(surname)


_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))
_FUZZY_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"), ("iang", "ian"), ("uang", "uan"))


@lru_cache(maxsize=50_000)
def fuzzy_syllable(syllable: str) -> str:
    """A syllable under the fuzzy pinyin that southern speakers and typists merge (模糊音):
    zh/z, ch/c, sh/s, n/l, h/f before u, and the -ng/-n finals."""
    s = syllable
    for long, short in _FUZZY_INITIALS:
        if s.startswith(long):
            s = short + s[len(long) :]
            break
    if s.startswith("n"):
        s = "l" + s[1:]
    for long, short in _FUZZY_FINALS:
        if s.endswith(long):
            s = s[: -len(long)] + short
            break
    return s


@dataclass(frozen=True)
class NameParts:
    """A name as the comparison sees it."""

    text: str  # cleaned, simplified, lower case
    surname: tuple[str, ...]  # surname syllables ("" for none)
    given: tuple[str, ...]  # given-name syllables
    han_surname: str = ""
    han_given: str = ""
    placeholder: bool = False
    organization: bool = False
    latin: bool = False
    title_gender: str = ""  # 王先生 → "M", 李女士 / 李小姐 → "F"


@lru_cache(maxsize=200_000)
def name_parts(name: str, kind: str = "person") -> NameParts:
    """Parse a name once: Chinese (surname, given name, their pinyin), a latin spelling (Zhang
    Wei, David Zhang: every word a candidate surname), a placeholder (王先生 keeps its surname),
    or an organization's name."""
    text = _cleaned(name)
    compact = _SPACES_RE.sub(" ", text).strip()
    if not compact:
        return NameParts("", (), (), placeholder=True)
    if kind == "organization" or is_organization_name(compact):
        return NameParts(compact.replace(" ", ""), (), (), organization=True)
    if is_placeholder_name(compact):
        han = compact.replace(" ", "")
        match = _TITLED_RE.match(han)
        surname = match.group(1) if match else han if len(han) == 1 and han >= "\u4e00" else ""
        gender = "M" if han.endswith("先生") else "F" if han.endswith(("女士", "小姐")) else ""
        return NameParts(
            han, surname_syllables(surname) if surname else (), (), han_surname=surname,
            placeholder=True, title_gender=gender,
        )  # fmt: skip
    if _LATIN_RE.match(compact):
        words = tuple(compact.split())
        return NameParts(compact, (), words, latin=True)
    surname, given = split_chinese_name(compact)
    if surname:
        return NameParts(
            compact, surname_syllables(surname), syllables(given), surname, given,
        )  # fmt: skip
    return NameParts(compact.replace(" ", ""), (), ())


#: A word that is toneless pinyin syllables (tingjuan, xiaoming), not an English given name
_PINYIN_WORD_RE = re.compile(
    r"^(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|ai|ei|ao|ou|an|en|er|ia|ie|iu|in"
    r"|ua|uo|ui|un|ve|ue|a|o|e|i|u|v))+$"
)


def _latin_agreement(latin: NameParts, han: NameParts) -> NameAgreement:
    """Zhang Wei / Wei Zhang / zhangwei against 张伟; David Zhang against 张伟 (surname only)."""
    words = latin.given
    surname = "".join(han.surname)
    full = surname + "".join(han.given)
    if "".join(words) == full or "".join(reversed(words)) == full:
        return NameAgreement.SPELLING
    if len(words) >= 2 and "".join(words[1:]) + words[0] == full:
        return NameAgreement.SPELLING
    if surname and surname in words:
        rest = list(words)
        rest.remove(surname)
        if rest and all(_PINYIN_WORD_RE.match(w) for w in rest):
            return NameAgreement.DIFFERENT_GIVEN  # Li Tingjuan / 李华: another given name
        return NameAgreement.SURNAME_ONLY  # an English given name beside the surname
    return NameAgreement.DIFFERENT


_LEGAL_FORM_RE = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|分公司|总公司|公司|集团|股份)$")
_PLACE_PREFIX_RE = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}(?:省|市|自治区))+")


def organization_core(name: str) -> str:
    """An organization's name without its place and legal form: 深圳市腾飞科技有限公司 →
    腾飞科技 (how staff shorten it)."""
    core = _TRAILING_BRACKETS_RE.sub("", name)
    core = _PLACE_PREFIX_RE.sub("", core)
    for _ in range(2):
        core = _LEGAL_FORM_RE.sub("", core)
    return core


_TRAILING_BRACKETS_RE = re.compile(r"[(（][^()（）]*[)）]$")


def compare_names(a: str, b: str, *, kind_a: str = "person", kind_b: str = "person") -> (
    NameAgreement
):  # fmt: skip
    """How two customers' names agree (the Chinese name comparison of domain.md §2)."""
    pa, pb = name_parts(a, kind_a), name_parts(b, kind_b)
    if pa.organization or pb.organization:
        if not pa.text or not pb.text:
            return NameAgreement.UNKNOWN
        if pa.text == pb.text:
            return NameAgreement.EXACT
        core_a, core_b = organization_core(pa.text), organization_core(pb.text)
        # 深圳市腾飞科技有限公司 / 腾飞科技有限公司 / 腾飞科技 (a row that does not say whether
        # it is an organization)
        comparable = (pa.organization and pb.organization) or "" in (kind_a, kind_b)
        if comparable and core_a and core_b and (core_a in core_b or core_b in core_a):
            return NameAgreement.HOMOPHONE
        return NameAgreement.DIFFERENT
    if not pa.text or not pb.text:
        return NameAgreement.UNKNOWN
    if clean_name(a).lower() == clean_name(b).lower():
        return NameAgreement.EXACT
    if pa.text == pb.text:
        return NameAgreement.SCRIPT if not pa.placeholder else NameAgreement.SURNAME_ONLY
    if pa.placeholder or pb.placeholder:
        sa, sb = pa.surname, pb.surname
        if pa.latin or pb.latin:
            latin = pa if pa.latin else pb
            sa = sb = ()
            other = pb if pa.latin else pa
            if other.surname and "".join(other.surname) in latin.given:
                return NameAgreement.SURNAME_ONLY
            return NameAgreement.UNKNOWN
        if not sa or not sb:
            return NameAgreement.UNKNOWN
        if pa.han_surname == pb.han_surname or sa == sb:
            return NameAgreement.SURNAME_ONLY
        return NameAgreement.DIFFERENT
    if pa.latin and pb.latin:
        if sorted(pa.given) == sorted(pb.given):
            return NameAgreement.SWAPPED
        if set(pa.given) & set(pb.given):
            return NameAgreement.UNKNOWN  # David Zhang / Zhang Wei: the surname, maybe
        return NameAgreement.DIFFERENT
    if pa.latin or pb.latin:
        latin, han = (pa, pb) if pa.latin else (pb, pa)
        if not han.surname:
            return NameAgreement.UNKNOWN
        return _latin_agreement(latin, han)
    if not pa.surname or not pb.surname:
        return NameAgreement.DIFFERENT  # not Chinese personal names, and not equal
    if pa.surname != pb.surname:
        fuzzy_a = [fuzzy_syllable(s) for s in pa.surname]
        if fuzzy_a == [fuzzy_syllable(s) for s in pb.surname] and (
            _given_agreement(pa, pb) >= NameAgreement.NEAR_SOUND
        ):
            return NameAgreement.NEAR_SOUND
        return NameAgreement.DIFFERENT
    return max(_given_agreement(pa, pb), NameAgreement.DIFFERENT_GIVEN)


def _given_agreement(pa: NameParts, pb: NameParts) -> NameAgreement:
    if pa.han_given and sorted(pa.han_given) == sorted(pb.han_given):
        return NameAgreement.SWAPPED
    if pa.given == pb.given:
        return NameAgreement.HOMOPHONE
    if sorted(pa.given) == sorted(pb.given):
        return NameAgreement.HOMOPHONE  # a homophone of the swapped given name
    if [fuzzy_syllable(s) for s in pa.given] == [fuzzy_syllable(s) for s in pb.given]:
        return NameAgreement.NEAR_SOUND
    return NameAgreement.DIFFERENT_GIVEN


# --- people ------------------------------------------------------------------------------------


class Verdict(enum.Enum):
    SAME = "same"
    DIFFERENT = "different"
    UNSURE = "unsure"


@dataclass(frozen=True)
class PersonFacts:
    """What identity compares of a customer (or of an import row, or a lead)."""

    name: str = ""
    kind: str = "person"
    id_number: str = ""  # a valid resident ID (upper case), else ""
    uscc: str = ""  # an organization's unified social credit code, else ""
    gender: str = ""
    birth_date: date | None = None
    mobiles: frozenset[str] = field(default_factory=frozenset)  # E.164
    landlines: frozenset[str] = field(default_factory=frozenset)
    vins: frozenset[str] = field(default_factory=frozenset)

    @property
    def identity_number(self) -> str:
        """The ID number (a person's) or the USCC (an organization's); a record that does not
        say which it is has the one it holds."""
        if self.kind == "organization":
            return self.uscc
        if self.kind == "person":
            return self.id_number
        return self.id_number or self.uscc


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reason: str  # a code: "same_id", "different_id", "household", …
    names: NameAgreement = NameAgreement.UNKNOWN

    @property
    def same(self) -> bool:
        return self.verdict is Verdict.SAME


def shared_mobiles(a: PersonFacts, b: PersonFacts) -> frozenset[str]:
    """The real mobiles two records share (a made-up 13800138000 shares nothing)."""
    return frozenset(m for m in a.mobiles & b.mobiles if not is_suspicious_mobile(m))


def same_person(a: PersonFacts, b: PersonFacts) -> Decision:
    """Whether two records are one person, by the identity rules (module docstring)."""
    names = compare_names(a.name, b.name, kind_a=a.kind, kind_b=b.kind)
    if a.kind and b.kind and a.kind != b.kind and a.name and b.name:
        return Decision(Verdict.DIFFERENT, "person_and_organization", names)
    ida, idb = a.identity_number, b.identity_number
    if ida and idb:
        if ida == idb:
            return Decision(Verdict.SAME, "same_id", names)
        return Decision(Verdict.DIFFERENT, "different_id", names)
    if a.birth_date and b.birth_date and a.birth_date != b.birth_date:
        return Decision(Verdict.DIFFERENT, "different_birth_date", names)
    if _title_contradicts(a, b) or _title_contradicts(b, a):
        return Decision(Verdict.DIFFERENT, "different_gender", names)
    if names.conflicting:
        return Decision(Verdict.DIFFERENT, "different_name", names)
    phones = shared_mobiles(a, b)
    if names.compatible:
        if phones:
            return Decision(Verdict.SAME, "same_mobile", names)
        if a.vins & b.vins:
            return Decision(Verdict.SAME, "same_vehicle", names)
        if names >= NameAgreement.HOMOPHONE and a.landlines & b.landlines:
            return Decision(Verdict.SAME, "same_landline", names)
    return Decision(Verdict.UNSURE, "unsure", names)


def _title_contradicts(a: PersonFacts, b: PersonFacts) -> bool:
    """王女士 against a man's record (by its gender, or its ID number's): two people."""
    title = name_parts(a.name, a.kind).title_gender
    return bool(title and b.gender and title != b.gender)


def household_link(a: PersonFacts, b: PersonFacts, decision: Decision) -> str | None:
    """The shared mobile that makes two different people one household (or an organization
    and its driver), or None when they share none or are not clearly different."""
    if decision.verdict is not Verdict.DIFFERENT:
        return None
    phones = shared_mobiles(a, b) or (a.landlines & b.landlines)
    return min(phones) if phones else None


def vehicle_owner_changed(owner: PersonFacts, incoming: PersonFacts) -> bool:
    """Same VIN, another owner: the incoming record is clearly a different person from the
    vehicle's owner (a used car sold on), not the owner under another spelling."""
    return same_person(owner, incoming).verdict is Verdict.DIFFERENT
