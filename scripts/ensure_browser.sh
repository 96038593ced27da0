#!/usr/bin/env bash
# Make sure headless Chromium and CJK fonts are present for the browser tests (Playwright
# drives Debian's /usr/bin/chromium; `playwright install` is never used). Quiet when present.
set -euo pipefail

log() { printf 'ensure_browser: %s\n' "$*" >&2; }

missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
if ! command -v fc-list >/dev/null 2>&1 || ! fc-list : family 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null; then
  missing+=(fonts-noto-cjk fontconfig)
fi
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

SUDO=()
if [[ $EUID -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || {
    log "ERROR: need root or sudo to install: ${missing[*]}"
    exit 1
  }
  SUDO=(sudo)
fi

log "installing ${missing[*]} with apt-get"
"${SUDO[@]}" apt-get update -qq >&2
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk \
  fontconfig >&2
"${SUDO[@]}" fc-cache -f >/dev/null 2>&1 || true

[[ -x /usr/bin/chromium ]] || {
  log "ERROR: /usr/bin/chromium still missing"
  exit 1
}
log "chromium and fonts-noto-cjk are installed"
