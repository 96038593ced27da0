"""Free-text brands and models matched to the model catalogue (车型库), without a database.

A vehicle's brand and model are typed by people or read from old systems' exports: 广汽丰田
凯美瑞, 丰田/凯美瑞, 凱美瑞 2.0G, CRV, 途观L 330TSI, 2022款雷凌双擎. `CatalogueMatcher` takes the
catalogue as plain data (brands, series and their aliases with their ids) and maps a
(brand text, model text) pair to one series id, or to None when the text does not say which.

Rules, in order:

1. Both texts are normalized (`normalize_catalogue_text`): NFKC (full-width → half-width),
   traditional → simplified (OpenCC t2s), latin upper-cased, spaces, hyphens, dots, slashes and
   middle dots dropped (CR-V = CRV = Ｃ-Ｒ Ｖ, ID.4 X = ID4X).
2. The brand: the brand text names a brand by its name, English name, maker or another name
   (丰田, TOYOTA, 广汽丰田, 一汽丰田), exactly or as its start (丰田汽车). A model text that
   starts with a brand name (广汽丰田凯美瑞) gives the brand too, and the rest is the model;
   when both give a brand and they differ, there is no match. A brand text the catalogue does
   not know (智己, 广汽) is read as the start of the model text (智己L6, 广汽凯美瑞), which then
   matches no series by itself (智己 L6 is not 理想 L6), only an alias a manager wrote for it.
3. The model: a leading model year (2022款) and 全新/新款 are skipped; then the longest series
   name or alias the model text starts with wins (途观L330TSI → 途观L, not 途观; 汉兰达 → 汉兰达,
   not 汉). A name ending in a digit does not match before another digit (L6 is not L60), nor
   a one-character name before another Chinese character (汉EV is 汉, 汉腾X7 is not).
4. With a brand, that longest name must be one of the brand's series; else (比亚迪 汉兰达: the
   text names another brand's car) there is no match. Without a brand, the name must belong to
   one series only.
5. An alias (a text said under a brand, or under none, that means a series: loaded with the
   catalogue, or written by a manager for a text no rule matched) is looked up first, exactly,
   and wins over rules 3-4 (丰田 朗逸 → 朗逸 when a manager said so); it is also a name of its
   series for rule 3 when said under the series' brand or under none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from autocrm.rules.text import clean_text, to_simplified

#: Spaces, hyphens and dashes, underscores, dots, slashes, middle dots, commas: dropped.
_DROPPED_RE = re.compile(r"[\s\-‐‑‒–—―_.·•・/\\|,、]+")
#: What a model text may start with before the model: a model year (2022款, 2022年款) and the
#: words for a new generation.
_LEADING_NOISE_RE = re.compile(r"^(?:(?:19|20)\d{2}(?:年款|款|年)|全新|新款|新一代)+")


def normalize_catalogue_text(value: str | None) -> str:
    """The form of a brand or model text that matching compares (and aliases are stored in):
    Ｃ-Ｒ Ｖ → CRV, 凱美瑞 → 凯美瑞, "ID.4 X" → ID4X, "广汽丰田 凯美瑞" → 广汽丰田凯美瑞."""
    text = clean_text(value)
    if not text:
        return ""
    return _DROPPED_RE.sub("", to_simplified(text).upper())


@dataclass(frozen=True)
class BrandNames:
    """A brand of the catalogue and every name its text may use (name, English name, maker,
    other names)."""

    id: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class SeriesNames:
    """A series of the catalogue: its name and the aliases that belong to its brand (or to no
    brand)."""

    id: int
    brand_id: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class AliasName:
    """A text said under `brand_id` (None: under no known brand) that means `series_id`."""

    text: str
    brand_id: int | None
    series_id: int


@dataclass(frozen=True)
class SplitText:
    """A (brand text, model text) pair read: the brand it names (None: none or unknown), and
    the normalized model text left to match (without brand, model year or 全新)."""

    brand_id: int | None
    model: str
    #: the brand text and the model text name different brands (`brand_id` is the brand
    #: text's, `model` the whole model text)
    conflict: bool = False


def _without_leading_noise(model: str) -> str:
    """The model text without a leading model year or 全新 (unless that is all it says)."""
    return _LEADING_NOISE_RE.sub("", model) or model


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def _runs_on(name: str, text: str) -> bool:
    """Whether `text` goes on past `name` in a way that makes it another word: a digit after a
    name ending in a digit (L6 is not L60), a Chinese character after a one-character name (汉
    EV is 汉, 汉腾X7 is not)."""
    if len(text) <= len(name):
        return False
    following = text[len(name)]
    if name[-1].isdigit() and following.isdigit():
        return True
    return len(name) == 1 and _is_cjk(name) and _is_cjk(following)


class CatalogueMatcher:
    """The catalogue as lookup tables; `match(brand, model)` gives a series id or None."""

    def __init__(
        self,
        brands: Iterable[BrandNames],
        series: Iterable[SeriesNames],
        aliases: Iterable[AliasName] = (),
    ) -> None:
        self.series_brand: dict[int, int] = {}
        brand_keys: dict[str, set[int]] = {}
        for brand in brands:
            for name in brand.names:
                key = normalize_catalogue_text(name)
                if key:
                    brand_keys.setdefault(key, set()).add(brand.id)
        #: brand key → brand id (a key two brands share names neither)
        self.brand_keys = {k: next(iter(v)) for k, v in brand_keys.items() if len(v) == 1}
        self._brand_lengths = sorted({len(k) for k in self.brand_keys}, reverse=True)
        #: series name or alias → {(brand id, series id)}
        self.names: dict[str, set[tuple[int, int]]] = {}
        for entry in series:
            self.series_brand[entry.id] = entry.brand_id
            for name in entry.names:
                self._add_name(name, entry.brand_id, entry.id)
        #: (brand id or None, text) → series id: every alias, looked up exactly first
        self.aliases: dict[tuple[int | None, str], int] = {}
        for alias in aliases:
            brand_of_series = self.series_brand.get(alias.series_id)
            text = normalize_catalogue_text(alias.text)
            if brand_of_series is None or not text:
                continue
            self.aliases[(alias.brand_id, text)] = alias.series_id
            if alias.brand_id is None or alias.brand_id == brand_of_series:
                # also a name of the series, matched as the start of a longer text
                self._add_name(text, brand_of_series, alias.series_id)
        self._name_lengths = sorted({len(k) for k in self.names}, reverse=True)

    def _add_name(self, name: str, brand_id: int, series_id: int) -> None:
        key = normalize_catalogue_text(name)
        if key:
            self.names.setdefault(key, set()).add((brand_id, series_id))

    # --- reading the texts ----------------------------------------------------------------------

    def _brand_prefix(self, text: str) -> tuple[str, int] | None:
        """The longest brand key `text` starts with, and its brand."""
        for length in self._brand_lengths:
            if length <= len(text) and text[:length] in self.brand_keys:
                return text[:length], self.brand_keys[text[:length]]
        return None

    def _longest_name(self, text: str) -> str | None:
        """The longest series name or alias `text` starts with."""
        for length in self._name_lengths:
            if length <= len(text):
                name = text[:length]
                if name in self.names and not _runs_on(name, text):
                    return name
        return None

    def split(self, brand_text: str | None, model_text: str | None) -> SplitText:
        """Which brand the pair names and the model text left to match (rules 1-3)."""
        brand = normalize_catalogue_text(brand_text)
        model = normalize_catalogue_text(model_text)
        brand_id: int | None = None
        if brand:
            found = self._brand_prefix(brand)
            if found is not None:
                key, brand_id = found
                if not model:  # 丰田凯美瑞 typed in the brand field
                    model = brand[len(key) :]
            else:  # a brand the catalogue does not know is part of the text: 智己L6, 广汽凯美瑞
                model = brand + model
        model = _without_leading_noise(model)
        model_brand: int | None = None
        whole = model
        found = self._brand_prefix(model) if model else None
        if found is not None:
            key, model_brand = found
            longest = self._longest_name(model)
            # 广汽丰田凯美瑞: the brand, then the model (unless a series name is as long: 马自达3)
            if longest is None or len(longest) < len(key):
                model = model[len(key) :]
            else:
                model_brand = None
        if brand_id is not None and model_brand is not None and brand_id != model_brand:
            # 丰田 / 本田雅阁: only an alias said under the brand text's brand can tell
            return SplitText(brand_id, _without_leading_noise(whole), conflict=True)
        return SplitText(
            brand_id if brand_id is not None else model_brand, _without_leading_noise(model)
        )

    # --- matching -------------------------------------------------------------------------------

    def match(self, brand_text: str | None, model_text: str | None) -> int | None:
        """The series the pair names, or None (rules 4-5)."""
        split = self.split(brand_text, model_text)
        if not split.model:
            return None
        aliased = self.aliases.get((split.brand_id, split.model))
        if aliased is not None:  # a manager's word for exactly this text
            return aliased
        if split.conflict:
            return None
        name = self._longest_name(split.model)
        if name is None:
            return None
        entries = self.names[name]
        if split.brand_id is not None:
            mine = {series for brand, series in entries if brand == split.brand_id}
            return next(iter(mine)) if len(mine) == 1 else None
        series_ids = {series for _brand, series in entries}
        return next(iter(series_ids)) if len(series_ids) == 1 else None

    def alias_key(self, brand_text: str | None, model_text: str | None) -> tuple[int | None, str]:
        """(brand id or None, text): what an alias of this pair is stored as, so that the pair
        matches the alias's series afterwards. The text is "" when the pair names no model (a
        brand alone), which no alias can map."""
        split = self.split(brand_text, model_text)
        return split.brand_id, split.model
