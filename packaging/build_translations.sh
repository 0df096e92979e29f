#!/usr/bin/env bash
# Compile the interface translations (.ts -> .qm) with Qt's lrelease from PySide6.
#
# Usage: packaging/build_translations.sh [--update]
#   --update  first re-extract the translatable strings from gapviewer/app/*.py into the .ts files
#             (pyside6-lupdate; existing translations are kept, removed strings are dropped)
# PYTHON selects the interpreter whose PySide6 tools are used (default: .venv/bin/python if present).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRANSLATIONS="$ROOT/gapviewer/resources/translations"
if [ -z "${PYTHON:-}" ]; then
    if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi
pyside_tool() { "$PYTHON" -c "import sys; from PySide6.scripts import pyside_tool as t; \
sys.argv[0] = 'pyside6-$1'; sys.exit(getattr(t, '$1')())" "${@:2}"; }

if [ "${1:-}" = "--update" ]; then
    cd "$ROOT"
    # The method registry's texts (gapviewer.core has no Qt) go through a generated file.
    "$PYTHON" packaging/core_strings.py build/i18n/method_texts.py
    sources=(gapviewer/app/*.py build/i18n/method_texts.py)
    # English is the source language: its catalogue carries only plural forms ("%n image(s)").
    pyside_tool lupdate -silent -no-obsolete -locations relative -source-language en \
        -target-language en -pluralonly "${sources[@]}" -ts "$TRANSLATIONS/gapviewer_en.ts"
    pyside_tool lupdate -silent -no-obsolete -locations relative -source-language en \
        -target-language ja "${sources[@]}" -ts "$TRANSLATIONS/gapviewer_ja.ts"
elif [ $# -gt 0 ]; then
    echo "build_translations: unknown option: $1 (see the comment at the top)" >&2
    exit 2
fi

for ts in "$TRANSLATIONS"/gapviewer_*.ts; do
    pyside_tool lrelease -silent -removeidentical "$ts" -qm "${ts%.ts}.qm"
done
