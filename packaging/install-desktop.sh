#!/usr/bin/env bash
# Register gapviewer with the desktop for the current user (freedesktop menus, icons, "Open with").
#
# Usage: packaging/install-desktop.sh [--exec PATH] [--prefix DIR] [--make-default] [--uninstall]
#   --exec PATH     the gapviewer launcher to run (default: `gapviewer` on PATH, else .venv/bin/gapviewer)
#   --prefix DIR    data folder to install into (default: ${XDG_DATA_HOME:-~/.local/share})
#   --make-default  also make gapviewer the default application for its image types (xdg-mime)
#   --uninstall     remove what an earlier run installed under the prefix
set -euo pipefail

APP_ID=io.github.gapviewer
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
ICONS="$ROOT/gapviewer/resources/icons"
PREFIX="${XDG_DATA_HOME:-$HOME/.local/share}"
EXEC=""
MAKE_DEFAULT=0
UNINSTALL=0

die() { echo "install-desktop: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --exec) [ $# -ge 2 ] || die "--exec needs a path"; EXEC="$2"; shift 2 ;;
        --prefix) [ $# -ge 2 ] || die "--prefix needs a folder"; PREFIX="$2"; shift 2 ;;
        --make-default) MAKE_DEFAULT=1; shift ;;
        --uninstall) UNINSTALL=1; shift ;;
        -h|--help) sed -n '2,9s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown option: $1 (see --help)" ;;
    esac
done

refresh_caches() {
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$PREFIX/applications" || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$PREFIX/icons/hicolor/index.theme" ]; then
        gtk-update-icon-cache -q -t "$PREFIX/icons/hicolor" || true
    fi
}

if [ "$UNINSTALL" = 1 ]; then
    rm -f "$PREFIX/applications/$APP_ID.desktop" "$PREFIX/metainfo/$APP_ID.metainfo.xml" \
          "$PREFIX/icons/hicolor/scalable/apps/$APP_ID.svg"
    rm -f "$PREFIX"/icons/hicolor/*/apps/"$APP_ID".png
    refresh_caches
    echo "gapviewer removed from $PREFIX"
    exit 0
fi

if [ -z "$EXEC" ]; then
    EXEC="$(command -v gapviewer || true)"
    [ -n "$EXEC" ] || EXEC="$ROOT/.venv/bin/gapviewer"
fi
[ -x "$EXEC" ] || die "no gapviewer launcher at '$EXEC' (install the package or pass --exec PATH)"
EXEC="$(cd "$(dirname "$EXEC")" && pwd)/$(basename "$EXEC")"

# Desktop Entry spec, "The Exec key": quote the program path when it holds reserved characters,
# escape '"', '`', '$' and '\' inside the quotes, write '%' as '%%', then double every backslash
# because the value is a string whose own escapes are undone first.
quoted_exec="${EXEC//%/%%}"
if [[ "$EXEC" =~ [[:space:]\"\'\\\`\$\<\>\~\|\&\;\*\?\#\(\)] ]]; then
    escaped="$(printf '%s' "$quoted_exec" | sed -e 's/[\\"`$]/\\&/g')"
    quoted_exec="\"$escaped\""
fi
quoted_exec="${quoted_exec//\\/\\\\}"

install -d "$PREFIX/applications" "$PREFIX/metainfo" "$PREFIX/icons/hicolor/scalable/apps"
while IFS= read -r line; do
    case "$line" in
        "Exec=gapviewer "*) printf 'Exec=%s %s\n' "$quoted_exec" "${line#Exec=gapviewer }" ;;
        TryExec=*) printf 'TryExec=%s\n' "${EXEC//\\/\\\\}" ;;
        *) printf '%s\n' "$line" ;;
    esac
done < "$HERE/linux/$APP_ID.desktop" > "$PREFIX/applications/$APP_ID.desktop"
install -m 644 "$HERE/linux/$APP_ID.metainfo.xml" "$PREFIX/metainfo/$APP_ID.metainfo.xml"
install -m 644 "$ICONS/gapviewer.svg" "$PREFIX/icons/hicolor/scalable/apps/$APP_ID.svg"
for png in "$ICONS"/hicolor/*/apps/"$APP_ID".png; do
    size_dir="$(basename "$(dirname "$(dirname "$png")")")"
    install -D -m 644 "$png" "$PREFIX/icons/hicolor/$size_dir/apps/$APP_ID.png"
done
refresh_caches

if [ "$MAKE_DEFAULT" = 1 ]; then
    command -v xdg-mime >/dev/null 2>&1 || die "--make-default needs xdg-mime (package xdg-utils)"
    mime_types="$(sed -n 's/^MimeType=//p' "$HERE/linux/$APP_ID.desktop" | tr ';' ' ')"
    # shellcheck disable=SC2086  # one argument per MIME type
    xdg-mime default "$APP_ID.desktop" $mime_types
fi
echo "gapviewer registered in $PREFIX (launcher: $EXEC)"
