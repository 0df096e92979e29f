"""The desktop viewer (PySide6 + pyqtgraph)."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def launch(argv: Sequence[str]) -> int:
    """Start the viewer with `argv` (paths to open and viewer options)."""
    print(
        "gapviewer: the desktop viewer is not part of this build yet; "
        "use `gapviewer explain PATH` (see `gapviewer --help`)",
        file=sys.stderr,
    )
    return 1
