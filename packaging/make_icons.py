"""Render the application icon SVG into the PNG sizes desktops look up (freedesktop hicolor theme).

Usage: python packaging/make_icons.py [--svg SVG] [--out DIR]

Writes DIR/<N>x<N>/apps/io.github.gapviewer.png for N in SIZES (default DIR is
gapviewer/resources/icons/hicolor, which ships in the wheel and which install-desktop.sh copies).
Rendering uses Qt's own SVG renderer on the offscreen platform, so no display is needed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

APP_ID = "io.github.gapviewer"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SVG = ROOT / "gapviewer" / "resources" / "icons" / "gapviewer.svg"
DEFAULT_OUT = ROOT / "gapviewer" / "resources" / "icons" / "hicolor"


def render_png(svg: Path, size: int, target: Path) -> None:
    """Render `svg` to a `size` x `size` PNG with a transparent background."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not a valid SVG file")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(target), "PNG"):
        raise OSError(f"{target}: could not write the PNG")


def make_icons(svg: Path = DEFAULT_SVG, out: Path = DEFAULT_OUT) -> list[Path]:
    """Render every size in SIZES under `out` in the hicolor layout; returns the written paths."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication([])
    written = []
    for size in SIZES:
        target = out / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        render_png(svg, size, target)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg", type=Path, default=DEFAULT_SVG, help="source SVG icon")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="hicolor folder to fill")
    args = parser.parse_args(argv)
    for path in make_icons(args.svg, args.out):
        sys.stdout.write(f"{path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
