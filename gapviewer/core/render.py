"""Display maths for contribution maps: upsampling, normalisation, colormaps and overlay.

numpy only, no Qt and no matplotlib: the GUI and the CLI both draw the arrays returned here.
Colormap data and its sources and licences are in ``gapviewer/resources/colormap_data.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from gapviewer.resources.colormap_data import LUT_HEX

UPSAMPLE_MODES = ("nearest", "bilinear", "bicubic", "none")
NORMALISATIONS = ("per-map", "shared", "signed")
COLORMAPS: tuple[str, ...] = (
    "viridis",
    "cividis",
    "magma",
    "inferno",
    "plasma",
    "turbo",
    "jet",
    "gray",
    "coolwarm",
)
DIVERGING_COLORMAP = "coolwarm"
DEFAULT_COLORMAP = "viridis"
_CUBIC_A = -0.75  # Keys' kernel parameter, as in torch (PIL uses -0.5)


def _check_choice(value: str, choices: tuple[str, ...], what: str) -> None:
    if value not in choices:
        raise ValueError(f"unknown {what} {value!r}; choose one of: {', '.join(choices)}")


def _source_positions(n_in: int, n_out: int) -> np.ndarray:
    """Input coordinate of each output pixel centre (half-pixel centres, align_corners=False)."""
    return (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5


def _linear_weights(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) linear-interpolation matrix, as torch's ``interpolate`` (no antialias)."""
    src = np.maximum(_source_positions(n_in, n_out), 0.0)
    left = np.minimum(src.astype(np.intp), n_in - 1)
    frac = src - left
    weights = np.zeros((n_out, n_in), np.float32)
    rows = np.arange(n_out)
    np.add.at(weights, (rows, left), 1.0 - frac)
    np.add.at(weights, (rows, np.minimum(left + 1, n_in - 1)), frac)
    return weights


def _cubic_kernel(x: np.ndarray) -> np.ndarray:
    """Keys' cubic convolution kernel with parameter ``_CUBIC_A``."""
    x = np.abs(x)
    a = _CUBIC_A
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return np.where(x <= 1, near, np.where(x < 2, far, 0.0))


def _cubic_weights(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) bicubic matrix, as torch's ``interpolate``: taps beyond an edge repeat it."""
    src = _source_positions(n_in, n_out)
    base = np.floor(src).astype(np.intp)
    frac = src - base
    weights = np.zeros((n_out, n_in), np.float32)
    rows = np.arange(n_out)
    for tap in range(-1, 3):
        np.add.at(weights, (rows, np.clip(base + tap, 0, n_in - 1)), _cubic_kernel(tap - frac))
    return weights


def upsample(values: np.ndarray, size: tuple[int, int] | int, mode: str = "bilinear") -> np.ndarray:
    """Resample a layer-resolution map to ``size`` (H, W); returns float32 (H, W).

    A 1-D signal (L,) is treated as a 1 x L map; ``size`` may then be an int (the output length).
    "nearest" draws layer region i over rows [i*H/h, (i+1)*H/h) (the grid of patent FIG. 6);
    "bilinear" and "bicubic" match ``torch.nn.functional.interpolate(align_corners=False)``;
    "none" returns the map as float32 (h, w) and ignores ``size``.
    """
    _check_choice(mode, UPSAMPLE_MODES, "upsample mode")
    grid = np.asarray(values, dtype=np.float32)
    if grid.ndim == 1:
        grid = grid[np.newaxis]
    if grid.ndim != 2 or grid.size == 0:
        raise ValueError(f"expected a non-empty 1-D or 2-D map, got shape {np.shape(values)}")
    out_h, out_w = (1, int(size)) if np.ndim(size) == 0 else (int(n) for n in size)
    if out_h < 1 or out_w < 1:
        raise ValueError(f"target size must be positive, got {size}")
    if mode == "none":
        return grid.copy()
    in_h, in_w = grid.shape
    if mode == "nearest":
        rows = np.arange(out_h) * in_h // out_h
        cols = np.arange(out_w) * in_w // out_w
        return grid[np.ix_(rows, cols)]
    weights = _linear_weights if mode == "bilinear" else _cubic_weights
    return (weights(in_h, out_h) @ grid) @ weights(in_w, out_w).T


@dataclass(frozen=True)
class Normalised:
    """A map scaled to [0, 1] for colouring, with the data values its ends stand for."""

    values: np.ndarray  # float32 in [0, 1]; for "signed", 0.5 is zero
    vmin: float  # data value shown at 0 (colour bar)
    vmax: float  # data value shown at 1


def _finite_map(values: np.ndarray, index: int = 0) -> np.ndarray:
    array = np.asarray(values, dtype=np.float32)
    if array.size == 0:
        raise ValueError(f"map {index} is empty")
    if not np.isfinite(array).all():
        raise ValueError(f"map {index} contains NaN or Inf")
    return array


def _scale(values: np.ndarray, vmin: float, vmax: float, fill: float) -> np.ndarray:
    """Map [vmin, vmax] linearly onto [0, 1], clipping; a zero-width range gives ``fill``."""
    if vmax <= vmin:
        return np.full(values.shape, fill, np.float32)
    return np.clip((values - vmin) / (vmax - vmin), 0.0, 1.0).astype(np.float32)


def _limits(values: np.ndarray, clip_percentile: float | None) -> tuple[float, float]:
    if clip_percentile is None:
        return float(values.min()), float(values.max())
    low, high = np.percentile(values, [100.0 - clip_percentile, clip_percentile])
    return float(low), float(high)


def normalise(
    maps: Sequence[np.ndarray], mode: str = "per-map", clip_percentile: float | None = None
) -> list[Normalised]:
    """Scale maps to [0, 1] for colouring.

    "per-map": each map to its own [min, max]; "shared": one [min, max] over all maps;
    "signed": one symmetric [-M, M] over all maps, M = max |value|, so zero shows at 0.5.
    ``clip_percentile`` (in (50, 100], e.g. 99.5) ignores outliers as captum's visualisation does,
    but by plain percentile: the range becomes [P(100 - p), P(p)], or M = P(p) of |value|.
    Constant maps give 0 (0.5 when signed); NaN or Inf raise ValueError.
    """
    _check_choice(mode, NORMALISATIONS, "normalisation")
    if clip_percentile is not None and not 50.0 < clip_percentile <= 100.0:
        raise ValueError(f"clip_percentile must be in (50, 100], got {clip_percentile}")
    arrays = [_finite_map(m, i) for i, m in enumerate(maps)]
    if not arrays:
        return []
    if mode == "signed":
        magnitudes = np.concatenate([np.abs(a).ravel() for a in arrays])
        _, bound = _limits(magnitudes, clip_percentile)
        ranges = [(-bound, bound)] * len(arrays)
    elif mode == "shared":
        ranges = [_limits(np.concatenate([a.ravel() for a in arrays]), clip_percentile)]
        ranges *= len(arrays)
    else:
        ranges = [_limits(a, clip_percentile) for a in arrays]
    fill = 0.5 if mode == "signed" else 0.0
    return [
        Normalised(_scale(a, lo, hi, fill), lo, hi)
        for a, (lo, hi) in zip(arrays, ranges, strict=True)
    ]


@cache
def colormap_lut(name: str) -> np.ndarray:
    """Read-only (256, 3) uint8 table of ``name``; jet and gray are computed, others are data."""
    _check_choice(name, COLORMAPS, "colormap")
    if name == "gray":
        lut = np.repeat(np.arange(256, dtype=np.uint8)[:, np.newaxis], 3, axis=1)
    elif name == "jet":
        # Classic jet: each channel is a clipped tent, r/g/b peaking at x = 3/4, 1/2, 1/4.
        x = np.linspace(0.0, 1.0, 256)[:, np.newaxis]
        tents = np.clip(1.5 - np.abs(4.0 * x - np.array([3.0, 2.0, 1.0])), 0.0, 1.0)
        lut = np.floor(tents * 255.0 + 0.5).astype(np.uint8)
    else:
        lut = np.frombuffer(bytes.fromhex(LUT_HEX[name]), np.uint8).reshape(256, 3)
    lut.setflags(write=False)
    return lut


def apply_colormap(values01: np.ndarray, name: str) -> np.ndarray:
    """Colour values in [0, 1] as uint8 RGB (shape + (3,)): 256 equal bins, 1.0 in the last."""
    values = np.asarray(values01)
    if not np.isfinite(values).all():
        raise ValueError("values contain NaN or Inf")
    scaled = values * np.float32(256.0)
    index = np.clip(scaled, 0.0, 255.0, out=scaled).astype(np.uint8)
    return np.take(colormap_lut(name), index, axis=0)


def _check_rgb(array: np.ndarray, what: str) -> np.ndarray:
    array = np.asarray(array)
    if array.dtype != np.uint8 or array.ndim != 3 or array.shape[2] != 3:
        raise ValueError(f"{what} must be (H, W, 3) uint8, got {array.shape} {array.dtype}")
    return array


def overlay(image: np.ndarray, heat_rgb: np.ndarray, alpha: float) -> np.ndarray:
    """Blend the heat map over the image: (1 - alpha) * image + alpha * heat, rounded to uint8."""
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be in [0, 1], got {alpha}")
    image = _check_rgb(image, "image")
    heat = _check_rgb(heat_rgb, "heat map")
    if image.shape != heat.shape:
        raise ValueError(f"image {image.shape} and heat map {heat.shape} differ in shape")
    blend = heat.astype(np.float32)
    blend -= image
    blend *= np.float32(alpha)
    blend += image
    blend += 0.5
    return blend.astype(np.uint8)


def transmittance_to_alpha(transmittance: float) -> float:
    """Heat-map opacity for the patent's "transmittance" slider (FIG. 6): alpha = 1 - t."""
    if not 0.0 <= transmittance <= 1.0:
        raise ValueError(f"transmittance must be in [0, 1], got {transmittance}")
    return 1.0 - transmittance


def render_overlay(
    image: np.ndarray,
    raw_map: np.ndarray,
    *,
    alpha: float = 0.5,
    colormap: str | None = None,
    normalisation: str = "per-map",
    upsample_mode: str = "bilinear",
    value_range: tuple[float, float] | None = None,
) -> np.ndarray:
    """Colour a 2-D layer-resolution map and blend it over ``image`` (H, W, 3) uint8.

    The map is scaled at layer resolution (by ``normalisation`` or the given ``value_range``) and
    then resampled; interpolation weights sum to one, so this equals scaling the resampled map by
    the raw map's range. Bicubic overshoot is clipped by the colormap. ``colormap`` None picks
    ``DIVERGING_COLORMAP`` for "signed", else ``DEFAULT_COLORMAP``.
    """
    _check_choice(normalisation, NORMALISATIONS, "normalisation")
    image = _check_rgb(image, "image")
    raw = np.asarray(raw_map)
    if raw.ndim != 2:
        raise ValueError(f"render_overlay needs a 2-D map, got shape {raw.shape}")
    signed = normalisation == "signed"
    if value_range is None:
        scaled = normalise([raw], normalisation)[0].values
    else:
        vmin, vmax = (float(v) for v in value_range)
        if not (np.isfinite(vmin) and np.isfinite(vmax) and vmin <= vmax):
            raise ValueError(f"value_range must be finite with vmin <= vmax, got {value_range}")
        scaled = _scale(_finite_map(raw), vmin, vmax, 0.5 if signed else 0.0)
    size = image.shape[:2]
    if upsample_mode == "none" and scaled.shape != size:
        raise ValueError(f"upsample mode 'none' needs a map of the image's size {size}")
    if colormap is None:
        colormap = DIVERGING_COLORMAP if signed else DEFAULT_COLORMAP
    heat = apply_colormap(upsample(scaled, size, upsample_mode), colormap)
    return overlay(image, heat, alpha)


def display_normalisation(values: np.ndarray, signed: bool, requested: str = "auto") -> str:
    """The normalisation to show a map with: "auto" picks the signed (diverging) scale for a
    signed method's map that has negative values, and per-map scaling otherwise."""
    if requested != "auto":
        _check_choice(requested, NORMALISATIONS, "normalisation")
        return requested
    return "signed" if signed and float(np.min(values)) < 0 else "per-map"
