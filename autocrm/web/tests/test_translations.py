"""The Simplified Chinese catalogue is complete, consistent and compiled (no database needed).

After changing user-facing strings run `bash scripts/messages.sh`, translate the empty and
fuzzy entries of django.po, and run the script again to recompile django.mo.
"""

from __future__ import annotations

import ast
import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import translation

LC_MESSAGES = Path(settings.BASE_DIR) / "autocrm" / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

# %(name)s / %(n)d, bare %s / %d, and str.format-style {name} / {0} / {}.
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif]|\{[^{}]*\}")
KEYWORD_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # singular entries use index 0
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def label(self) -> str:
        return f"django.po:{self.line} {self.msgid!r}"


def _unquote(text: str) -> str:
    return ast.literal_eval(text)  # a PO string is a C-style quoted string


def parse_po(path: Path) -> list[Entry]:
    """All active entries (header and obsolete `#~` entries left out), in file order."""
    entries: list[Entry] = []
    current: Entry | None = None
    key: str | None = None

    def finish() -> None:
        if current is not None and current.msgid != "":
            entries.append(current)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current is not None and key is not None and key.startswith("msgstr"):
                finish()  # comments start the next entry
                current, key = None, None
            if line.startswith("#,"):
                current = current or Entry(line=number)
                current.flags.update(f.strip() for f in line[2:].split(","))
            continue
        match = KEYWORD_LINE.match(line)
        if match:
            keyword, value = match.group(1), _unquote(match.group(2))
            if keyword in ("msgctxt", "msgid") and key is not None and key.startswith("msgstr"):
                finish()
                current = None
            if current is None:
                current = Entry(line=number)
            if keyword in ("msgctxt", "msgid"):
                current.line = number
            key = keyword
            _set(current, keyword, value)
        elif line.startswith('"') and current is not None and key is not None:
            _append(current, key, _unquote(line))
        else:
            raise AssertionError(f"django.po:{number}: cannot parse {raw!r}")
    finish()
    return entries


def _index(keyword: str) -> int:
    return int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0


def _set(entry: Entry, keyword: str, value: str) -> None:
    if keyword == "msgctxt":
        entry.msgctxt = value
    elif keyword == "msgid":
        entry.msgid = value
    elif keyword == "msgid_plural":
        entry.msgid_plural = value
    else:
        entry.msgstr[_index(keyword)] = value


def _append(entry: Entry, keyword: str, value: str) -> None:
    if keyword == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + value
    elif keyword == "msgid":
        entry.msgid += value
    elif keyword == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + value
    else:
        entry.msgstr[_index(keyword)] += value


@cache
def entries() -> tuple[Entry, ...]:
    return tuple(parse_po(PO_PATH))


def translated() -> list[Entry]:
    return [e for e in entries() if "fuzzy" not in e.flags]


def placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


def test_catalogue_is_parsed() -> None:
    assert len(entries()) > 100
    header = PO_PATH.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "Plural-Forms: nplurals=1; plural=0;" in header


def test_no_empty_translation() -> None:
    empty = [
        e.label
        for e in entries()
        if not e.msgstr or any(not s for s in e.msgstr.values()) or list(e.msgstr) != [0]
    ]
    assert not empty, "untranslated (or not exactly one plural form for zh):\n" + "\n".join(empty)


def test_no_fuzzy_entry() -> None:
    fuzzy = [e.label for e in entries() if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy entries, check and clear the flag:\n" + "\n".join(fuzzy)


def test_placeholders_match() -> None:
    wrong = []
    for e in entries():
        expected = placeholders(e.msgid)
        if e.msgid_plural is not None:
            expected |= placeholders(e.msgid_plural)
        for s in e.msgstr.values():
            if s and placeholders(s) != expected:
                wrong.append(f"{e.label}: {sorted(expected)} vs {sorted(placeholders(s))}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_compiled_catalogue_is_current() -> None:
    with MO_PATH.open("rb") as fp:
        mo = gettext.GNUTranslations(fp)
    stale = []
    for e in translated():
        want = e.msgstr.get(0, "")
        if not want:
            continue  # untranslated: reported by test_no_empty_translation
        if e.msgid_plural is not None:
            got = (
                mo.npgettext(e.msgctxt, e.msgid, e.msgid_plural, 1)
                if e.msgctxt is not None
                else mo.ngettext(e.msgid, e.msgid_plural, 1)
            )
        elif e.msgctxt is not None:
            got = mo.pgettext(e.msgctxt, e.msgid)
        else:
            got = mo.gettext(e.msgid)
        if got != want:
            stale.append(f"{e.label}: .mo gives {got!r}")
    assert not stale, "django.mo is out of date, run scripts/messages.sh:\n" + "\n".join(stale)


def test_django_serves_chinese() -> None:
    with translation.override("zh-hans"):
        text = translation.gettext("Customers")
    assert not text.isascii(), text
