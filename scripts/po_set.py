"""Set translations in the zh_Hans catalogue: `python scripts/po_set.py FILE.json`.

The JSON maps English msgids to Chinese msgstrs; matching entries lose their fuzzy flag.
Used after scripts/messages.sh reports new or fuzzy strings.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "autocrm/locale/zh_Hans/LC_MESSAGES/django.po"


def _unquote(lines: list[str]) -> str:
    return "".join(json.loads(line[line.index('"') :]) for line in lines)


def main() -> int:
    translations: dict[str, str] = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    blocks = PO.read_text(encoding="utf-8").split("\n\n")
    done = set()
    for i, block in enumerate(blocks):
        lines = block.splitlines()
        id_lines: list[str] = []
        reading = False
        for line in lines:
            if line.startswith("msgid "):
                reading = True
                id_lines = [line]
            elif reading and line.startswith('"'):
                id_lines.append(line)
            elif reading:
                break
        if not id_lines:
            continue
        msgid = _unquote(id_lines)
        if msgid not in translations or not msgid:
            continue
        out = []
        for line in lines:
            if line.startswith("#|"):
                continue
            if line.startswith("#,"):
                flags = [f.strip() for f in line[2:].split(",") if f.strip() != "fuzzy"]
                if flags:
                    out.append("#, " + ", ".join(flags))
                continue
            if line.startswith("msgstr") or (
                out and out[-1].startswith("msgstr") and line.startswith('"')
            ):
                continue
            out.append(line)
        out.append("msgstr " + json.dumps(translations[msgid], ensure_ascii=False))
        blocks[i] = "\n".join(out)
        done.add(msgid)
    PO.write_text("\n\n".join(blocks), encoding="utf-8")
    missing = set(translations) - done
    for msgid in sorted(missing):
        print(f"not in catalogue: {msgid!r}", file=sys.stderr)
    print(f"set {len(done)} translations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
