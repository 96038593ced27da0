#!/usr/bin/env bash
# Re-create autocrm/web/static/vendor/ from the npm registry.
# The versions below are the single record of what is vendored; bump them here and re-run.
# Needs `npm` (only for `npm pack`); nothing is installed and no node_modules is created.
set -euo pipefail
shopt -s inherit_errexit

BOOTSTRAP_VERSION=5.3.9
BOOTSTRAP_ICONS_VERSION=1.13.2
HTMX_VERSION=2.0.11 # stay on 2.x: htmx 4 changes the API
ECHARTS_VERSION=6.1.0

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/autocrm/web/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# fetch NAME VERSION -> prints the directory holding the unpacked package
fetch() {
  local name="$1" version="$2" dir="$WORK/$1"
  mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "$name@$version" >/dev/null && tar -xzf ./*.tgz)
  echo "$dir/package"
}

# put SRC_PKG_DIR DEST_SUBDIR FILE... : copy files keeping their path inside the package
put() {
  local src="$1" dst="$2"
  shift 2
  local f
  for f in "$@"; do
    mkdir -p "$dst/$(dirname "$f")"
    cp "$src/$f" "$dst/$f"
  done
}

mkdir -p "$DEST"
rm -rf "$DEST/bootstrap" "$DEST/bootstrap-icons" "$DEST/htmx" "$DEST/echarts"

pkg="$(fetch bootstrap "$BOOTSTRAP_VERSION")"
put "$pkg" "$DEST/bootstrap" LICENSE dist/css/bootstrap.min.css dist/js/bootstrap.bundle.min.js

pkg="$(fetch bootstrap-icons "$BOOTSTRAP_ICONS_VERSION")"
put "$pkg" "$DEST/bootstrap-icons" LICENSE font/bootstrap-icons.min.css \
  font/fonts/bootstrap-icons.woff2 font/fonts/bootstrap-icons.woff

pkg="$(fetch htmx.org "$HTMX_VERSION")"
put "$pkg" "$DEST/htmx" LICENSE dist/htmx.min.js

pkg="$(fetch echarts "$ECHARTS_VERSION")"
put "$pkg" "$DEST/echarts" LICENSE NOTICE dist/echarts.min.js

# Source-map comments would make collectstatic's manifest storage look for missing .map files.
find "$DEST" -name '*.min.js' -o -name '*.min.css' | while read -r f; do
  sed -i -E '/^\/[\/*][#@] sourceMappingURL=.*$/d' "$f"
done

echo "vendored into $DEST:" >&2
(cd "$DEST" && find . -type f ! -name README.md | sort) >&2
