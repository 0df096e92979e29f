#!/usr/bin/env bash
# Smoke-test a built gapviewer executable on a sample photo, with no display (Qt offscreen):
#   1. `gapviewer --screenshot OUT.png IMAGE`: the viewer opens the image, computes and saves itself;
#   2. `gapviewer explain IMAGE --out DIR`: the command line writes an overlay and summary.json.
#
# Usage: packaging/pyinstaller/smoke_test.sh [EXECUTABLE]   (default dist/gapviewer/gapviewer)
# SMOKE_OUT=DIR keeps the screenshot and the explain output in DIR.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
APP="$(realpath "${1:-$ROOT/dist/gapviewer/gapviewer}")"
if [ -z "${PYTHON:-}" ]; then
    if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi
[ -x "$APP" ] || { echo "smoke_test: no executable at $APP" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export QT_QPA_PLATFORM=offscreen

# A sample photo written by the build interpreter (scikit-image's bundled coffee cup).
"$PYTHON" -c "import sys, skimage.data; from PIL import Image; \
Image.fromarray(skimage.data.coffee()).save(sys.argv[1])" "$WORK/coffee.png"

check_png() {
    "$PYTHON" -c "import sys; from PIL import Image; im = Image.open(sys.argv[1]); im.load(); \
assert min(im.size) >= 64, im.size; print(f'{sys.argv[1]}: {im.size[0]}x{im.size[1]} {im.mode}')" "$1"
}

cd "$WORK"
start=$(date +%s)
"$APP" --screenshot "$WORK/screenshot.png" "$WORK/coffee.png"
check_png "$WORK/screenshot.png"
echo "screenshot: ok in $(( $(date +%s) - start )) s"

start=$(date +%s)
"$APP" explain "$WORK/coffee.png" --out "$WORK/explained"
overlay="$(find "$WORK/explained" -name '*.png' | head -n 1)"
[ -n "$overlay" ] || { echo "smoke_test: explain wrote no overlay PNG" >&2; exit 1; }
check_png "$overlay"
"$PYTHON" -c "import json, sys; s = json.load(open(sys.argv[1])); print('summary:', str(s)[:300])" \
    "$WORK/explained/summary.json"
echo "explain: ok in $(( $(date +%s) - start )) s"
if [ -n "${SMOKE_OUT:-}" ]; then
    mkdir -p "$SMOKE_OUT" && cp -r "$WORK/screenshot.png" "$WORK/explained" "$SMOKE_OUT/"
fi
echo "smoke test passed: $APP"
