#!/usr/bin/env bash
# Build the one-folder bundle dist/gapviewer/ with PyInstaller, then smoke-test it.
#
# Usage: packaging/pyinstaller/build.sh [--no-smoke]
# PYTHON selects the interpreter (default .venv/bin/python); it needs gapviewer's dependencies and
# PyInstaller (pip install pyinstaller). Whatever torch that interpreter has is what gets bundled:
# use a venv with the CPU-only torch wheel for a small bundle (see the README, "Bundle").
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ -z "${PYTHON:-}" ]; then
    if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi
cd "$ROOT"
"$PYTHON" -m PyInstaller --version >/dev/null 2>&1 \
    || { echo "build.sh: PyInstaller is missing: $PYTHON -m pip install pyinstaller" >&2; exit 1; }
bash packaging/build_translations.sh
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/pyinstaller/gapviewer.spec
echo "bundle: dist/gapviewer ($(du -sh dist/gapviewer | cut -f1))"
if [ "${1:-}" != "--no-smoke" ]; then
    bash packaging/pyinstaller/smoke_test.sh dist/gapviewer/gapviewer
fi
