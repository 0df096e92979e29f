"""A signal and its contribution map as one RGB picture (numpy + Pillow, no Qt): one lane per
channel with the curve drawn over a band coloured by the map, and the map as a curve of its own
on the same time axis; region boundaries (the patent's n1 x 1 grid) marked as ticks.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw

from .render import apply_colormap, normalise, upsample

_INK = (20, 20, 20)
_MAP_INK = (200, 30, 30)


def _polyline(values: np.ndarray, left: int, top: int, height: int) -> list[tuple[float, float]]:
    span = float(np.ptp(values)) or 1.0
    ys = top + height - 2 - (values - values.min()) / span * (height - 4)
    return list(zip(left + np.arange(len(values), dtype=float), ys.tolist(), strict=True))


def render_signal(
    data: np.ndarray,
    values: np.ndarray,
    *,
    width: int = 1000,
    lane_height: int = 100,
    band_height: int = 14,
    map_height: int = 50,
    colormap: str = "viridis",
    normalisation: str = "per-map",
    upsample_mode: str = "nearest",
    alpha: float = 1.0,
    channel_names: Sequence[str] | None = None,
) -> np.ndarray:
    """(C, T) signal and its (N,) map -> H x W x 3 uint8.

    The band under each lane shows the map upsampled to the plot width (`nearest` keeps the
    regions visible as blocks) and coloured; `alpha` blends it over white (1 - transmittance).
    The last lane draws the normalised map as a curve, with ticks at region boundaries.
    """
    signal = np.asarray(data, dtype=np.float64)
    if signal.ndim != 2 or signal.shape[1] == 0:
        raise ValueError(f"expected a (C, T) signal, got shape {signal.shape}")
    grid = np.asarray(values, dtype=np.float32).ravel()
    if not 0 <= alpha <= 1:
        raise ValueError("alpha must be between 0 and 1")
    margin = 8
    plot_w = width - 2 * margin
    scaled = normalise([upsample(grid, plot_w, upsample_mode).ravel()], normalisation)[0].values
    colours = apply_colormap(scaled, colormap).astype(np.float32)
    band = np.rint(alpha * colours + (1 - alpha) * 255).astype(np.uint8)
    lane = lane_height + band_height
    height = margin + lane * len(signal) + map_height + margin
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    columns = np.linspace(0, signal.shape[1] - 1, plot_w)
    names = list(channel_names or [])
    for index, channel in enumerate(signal):
        top = margin + index * lane
        sampled = np.interp(columns, np.arange(signal.shape[1]), channel)
        image.paste(
            Image.fromarray(np.repeat(band[None], band_height, 0)), (margin, top + lane_height)
        )
        draw.line(_polyline(sampled, margin, top, lane_height), fill=_INK, width=1)
        if index < len(names):
            draw.text((margin + 2, top), names[index], fill=_INK)
    top = margin + lane * len(signal)
    draw.line(_polyline(scaled, margin, top, map_height), fill=_MAP_INK, width=2)
    for edge in range(len(grid) + 1):
        x = margin + round(edge * (plot_w - 1) / len(grid))
        draw.line((x, top + map_height - 4, x, top + map_height), fill=_INK)
    return np.asarray(image)
