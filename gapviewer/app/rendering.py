"""Display preparation shared by the views and the exporter (numpy via core.render only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..core import render
from .state import DisplayOptions


@dataclass(frozen=True)
class Scaled:
    """A raw map scaled for colouring at layer resolution, with its colour-bar range."""

    values01: np.ndarray
    vmin: float
    vmax: float


def colormap_name(display: DisplayOptions) -> str:
    """The user's colormap, or the diverging one when values are shown signed."""
    return render.DIVERGING_COLORMAP if display.normalisation == "signed" else display.colormap


def as_grid(raw: np.ndarray) -> np.ndarray:
    """A 1-D map (L,) as a 1 x L grid; 2-D maps unchanged."""
    return raw[np.newaxis] if raw.ndim == 1 else raw


def scale_maps(raws: Sequence[np.ndarray | None], normalisation: str) -> list[Scaled | None]:
    """core.render.normalise over the maps present (shared/signed: one range for the grid)."""
    present = [as_grid(r) for r in raws if r is not None]
    normalised = iter(render.normalise(present, normalisation) if present else [])
    result: list[Scaled | None] = []
    for raw in raws:
        if raw is None:
            result.append(None)
        else:
            item = next(normalised)
            result.append(Scaled(item.values, item.vmin, item.vmax))
    return result

def upsampled(scaled: Scaled, image_shape: tuple[int, int], mode: str) -> np.ndarray:
    """The scaled map resampled to the image (nearest shows the layer's regions as blocks)."""
    return render.upsample(scaled.values01, image_shape, mode)


def overlay_rgb(pixels: np.ndarray, scaled: Scaled, display: DisplayOptions) -> np.ndarray:
    """The image with the coloured map blended at alpha = 1 - transmittance (patent FIG. 6)."""
    alpha = render.transmittance_to_alpha(display.transmittance / 100.0)
    heat = render.apply_colormap(
        upsampled(scaled, pixels.shape[:2], display.upsampling), colormap_name(display)
    )
    return render.overlay(pixels, heat, alpha)
