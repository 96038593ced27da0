#!/usr/bin/env bash
# Refresh the Simplified Chinese catalogue: extract msgids from the code and templates into
# autocrm/locale/zh_Hans/LC_MESSAGES/django.po (existing translations are kept; new strings
# come in empty, changed ones as "fuzzy"), print how many still need a translator, and compile
# django.mo (committed, so a machine without gettext still shows Chinese).
# Needs GNU gettext (msgmerge, msgfmt). Translate the empty/fuzzy entries, then run it again
# and `pytest autocrm/web/tests/test_translations.py`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ -z "${VIRTUAL_ENV:-}" && -x .venv/bin/python ]]; then
  export VIRTUAL_ENV="$PWD/.venv"
  export PATH="$VIRTUAL_ENV/bin:$PATH"
fi

for tool in msgmerge msgfmt; do
  command -v "$tool" >/dev/null || { echo "$tool not found: install GNU gettext." >&2; exit 1; }
done

PO=autocrm/locale/zh_Hans/LC_MESSAGES/django.po
MO=autocrm/locale/zh_Hans/LC_MESSAGES/django.mo

python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore="*/tests/*" \
  --no-location

# e.g. "380 translated messages, 2 fuzzy translations, 5 untranslated messages."
stats="$(LC_ALL=C msgfmt --statistics -o /dev/null "$PO" 2>&1)"
echo "zh_Hans: $stats"
fuzzy="$(grep -oE '[0-9]+ fuzzy' <<<"$stats" | grep -oE '[0-9]+' || true)"
untranslated="$(grep -oE '[0-9]+ untranslated' <<<"$stats" | grep -oE '[0-9]+' || true)"
echo "To translate: ${untranslated:-0} untranslated, ${fuzzy:-0} fuzzy (in $PO)."
echo "List them: msgattrib --untranslated $PO; msgattrib --only-fuzzy $PO"

# Untranslated and fuzzy entries are left out of the .mo (they show in English).
msgfmt --check -o "$MO" "$PO"
echo "Compiled $MO"
