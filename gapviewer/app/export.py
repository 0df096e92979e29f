"""Export of what is shown: overlay PNGs at image resolution, raw maps as .npy, and a JSON
sidecar naming model, image, method, layer, target and parameters. No Qt needed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from ..core.naming import safe_name
from .rendering import colormap_name, overlay_rgb, scale_maps
from .state import Cell, DisplayOptions

GRID_GAP = 8  # white pixels between grid tiles


def _tile(images: Sequence[np.ndarray]) -> np.ndarray:
    """Images side by side in rows of up to ceil(sqrt(n)), on white."""
    columns = int(np.ceil(np.sqrt(len(images))))
    rows = int(np.ceil(len(images) / columns))
    height, width = images[0].shape[:2]
    canvas = np.full(
        (rows * height + (rows - 1) * GRID_GAP, columns * width + (columns - 1) * GRID_GAP, 3),
        255, np.uint8,
    )
    for index, image in enumerate(images):
        top = (index // columns) * (height + GRID_GAP)
        left = (index % columns) * (width + GRID_GAP)
        canvas[top:top + height, left:left + width] = image
    return canvas


def export_maps(
    png_path: str | Path,
    pixels: np.ndarray,
    cells: Sequence[Cell],
    maps: Sequence[np.ndarray],
    display: DisplayOptions,
    metadata: Mapping[str, Any],
) -> list[Path]:
    """Write `png_path` (one overlay, or the grid of several), one .npy per cell and a .json.

    Returns the written paths. Maps are scaled with the display's normalisation over the cells
    exported together (as on screen) and drawn at the image's resolution.
    """
    png_path = Path(png_path).with_suffix(".png")
    if not cells or len(cells) != len(maps):
        raise ValueError("nothing to export: no map for the cells shown")
    scaled = scale_maps(list(maps), display.normalisation)
    tiles = [overlay_rgb(pixels, item, display) for item in scaled if item is not None]
    Image.fromarray(_tile(tiles)).save(png_path)
    written = [png_path]
    records = []
    for index, (cell, raw, item) in enumerate(zip(cells, maps, scaled, strict=True)):
        npy = png_path.with_name(
            f"{png_path.stem}_{index}_{safe_name(cell.method)}_{safe_name(cell.layer)}.npy"
        )
        np.save(npy, np.asarray(raw))
        written.append(npy)
        records.append({
            "method": cell.method,
            "layer": cell.layer,
            "params": dict(cell.params),
            "raw_map": npy.name,
            "shape": list(np.shape(raw)),
            "colour_range": [item.vmin, item.vmax],
        })
    sidecar = png_path.with_suffix(".json")
    document = {
        **metadata,
        "png": png_path.name,
        "image_size": [int(pixels.shape[1]), int(pixels.shape[0])],
        "display": {**asdict(display), "colormap_used": colormap_name(display)},
        "cells": records,
    }
    sidecar.write_text(json.dumps(document, indent=2, default=str), encoding="utf-8")
    written.append(sidecar)
    return written
