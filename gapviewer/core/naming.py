"""File-name pieces made from method ids, layer names and image stems."""

from __future__ import annotations

import re


def safe_name(text: str) -> str:
    """`text` usable in a file name on every platform.

    Runs of anything but letters, digits, "_", "." and "-" become one "_" (dots kept: layer
    "blocks.10" stays whole); "map" when nothing is left.
    """
    return re.sub(r"[^\w.-]+", "_", text).strip("_") or "map"
