"""Images with any number of channels (surface spectroscopy, multispectral, microscopy stacks).

Loading multi-page and multi-sample TIFF and NPY (H x W x C or C x H x W) into read-only
(C, H, W) float32 with channel names from a sidecar; false-colour composition of three chosen
channels (or one in grey) with per-channel contrast, as uint8 for the viewer to draw; and
adapting a pretrained network's first convolution to C input channels.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .arrays import check_budget, check_numeric, read_npy
from .images import ImageLoadError

CHANNEL_IMAGE_EXTENSIONS: frozenset[str] = frozenset({".tif", ".tiff", ".npy"})
DEFAULT_MAX_VALUES: int = 200_000_000  # channels x pixels (800 MB as float32)
SIDECAR_SUFFIX = ".channels.txt"  # PATH.channels.txt: one channel name per line
LAYOUTS = ("auto", "hwc", "chw")


class ChannelImageLoadError(ImageLoadError):
    """A multi-channel image could not be loaded; one line starting with the file name."""


@dataclass(frozen=True, eq=False)
class ChannelImage:
    """(C, H, W) float32 values in the file's own units, read-only, with channel names."""

    path: str | None
    data: np.ndarray = field(repr=False)
    channel_names: tuple[str, ...]
    source_format: str
    label: str | None = None
    layout: str | None = None  # how the file's 3-D array was read: "hwc" or "chw" (None: 2-D)

    @property
    def name(self) -> str:
        if self.path is not None:
            return Path(self.path).name
        return self.label or "<memory>"

    @property
    def channels(self) -> int:
        return int(self.data.shape[0])

    @property
    def size(self) -> tuple[int, int]:
        """(H, W)."""
        return int(self.data.shape[1]), int(self.data.shape[2])


def read_channel_names(path: str | os.PathLike[str]) -> tuple[str, ...] | None:
    """Names from the sidecar PATH.channels.txt (one per line), or None when there is none."""
    sidecar = Path(f"{os.fsdecode(path)}{SIDECAR_SUFFIX}")
    if not sidecar.is_file():
        return None
    try:
        lines = sidecar.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ChannelImageLoadError(sidecar, f"cannot read channel names ({error})") from error
    return tuple(line.strip() for line in lines if line.strip())


def resolve_layout(shape: Sequence[int], layout: str = "auto", where: str = "<memory>") -> str:
    """"hwc" or "chw" for a 3-D array of `shape`; "auto" takes the channel axis to be the first
    or last one, whichever is strictly smaller than both others (else the file is ambiguous)."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}")
    if layout != "auto":
        return layout
    first, *_, last = shape
    if last < min(shape[:2]):
        return "hwc"
    if first < min(shape[1:]):
        return "chw"
    raise ChannelImageLoadError(
        where,
        f"cannot tell the channel axis of shape {' x '.join(map(str, shape))}; "
        "give the layout (hwc or chw)",
    )


def to_channels_first(
    values: np.ndarray, layout: str = "auto", where: str = "<memory>"
) -> np.ndarray:
    """(H, W), (H, W, C) or (C, H, W) -> (C, H, W), the 3-D layout given or `resolve_layout`'s."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}")
    if values.ndim == 2:
        return values[None]
    if values.ndim != 3:
        raise ChannelImageLoadError(
            where,
            f"wrong shape {' x '.join(map(str, values.shape))}: expected H x W x C or C x H x W",
        )
    if resolve_layout(values.shape, layout, where) == "hwc":
        return np.moveaxis(values, -1, 0)
    return values


def load_channel_image(
    path: str | os.PathLike[str],
    *,
    layout: str = "auto",
    channel_names: Sequence[str] | None = None,
    max_values: int = DEFAULT_MAX_VALUES,
) -> ChannelImage:
    """Read a multi-channel TIFF (pages or samples per pixel) or NPY file; names come from
    `channel_names`, else the sidecar PATH.channels.txt, else "channel i". The image's `layout`
    says how a 3-D array was read (the one given, or the one "auto" chose)."""
    where = os.fsdecode(path)
    suffix = Path(where).suffix.lower()
    if not os.path.isfile(where):
        raise ChannelImageLoadError(
            where, "file not found" if not os.path.exists(where) else "not a file"
        )
    if suffix not in CHANNEL_IMAGE_EXTENSIONS:
        raise ChannelImageLoadError(
            where,
            f"unsupported multi-channel file type {suffix or '(none)'} (supported: NPY, TIFF)",
        )
    if os.path.getsize(where) == 0:
        raise ChannelImageLoadError(where, "empty file")
    if suffix == ".npy":
        values, fmt = read_npy(where, max_values, ChannelImageLoadError), "NPY"
        chw = to_channels_first(values, layout, where)
        resolved = resolve_layout(values.shape, layout, where) if values.ndim == 3 else None
    else:
        chw, fmt, resolved = _read_tiff(where, layout, max_values)
    names = tuple(channel_names) if channel_names else read_channel_names(where)
    return _finish(chw, where, names, fmt, resolved)


def channel_image_from_array(
    array: np.ndarray,
    *,
    layout: str = "auto",
    channel_names: Sequence[str] | None = None,
    label: str | None = None,
) -> ChannelImage:
    """Wrap an in-memory (H, W), (H, W, C) or (C, H, W) array."""
    values = np.asarray(array)
    where = label or "<memory>"
    _check_dtype(values.dtype, where)
    resolved = resolve_layout(values.shape, layout, where) if values.ndim == 3 else None
    image = _finish(to_channels_first(values, layout, where), where, channel_names, "array")
    return ChannelImage(None, image.data, image.channel_names, "array", label, resolved)


def _finish(
    chw: np.ndarray,
    where: str,
    names: Sequence[str] | None,
    fmt: str,
    layout: str | None = None,
) -> ChannelImage:
    if chw.size == 0:
        raise ChannelImageLoadError(where, "holds no pixels")
    data = np.ascontiguousarray(chw, dtype=np.float32)
    if not np.isfinite(data).all():
        channel = int(np.argwhere(~np.isfinite(data))[0][0])
        raise ChannelImageLoadError(where, f"contains NaN or infinite values (channel {channel})")
    if names and len(names) != data.shape[0]:
        raise ChannelImageLoadError(
            where, f"{len(names)} channel names for {data.shape[0]} channels"
        )
    data.setflags(write=False)
    names = tuple(names) if names else tuple(f"channel {i}" for i in range(data.shape[0]))
    return ChannelImage(where, data, names, fmt, layout=layout)


def _check_dtype(dtype: np.dtype, where: str) -> None:
    check_numeric(dtype, where, ChannelImageLoadError)


def _budget(where: str, values: int, max_values: int) -> None:
    check_budget(where, values, max_values, ChannelImageLoadError, "too large")


def _read_tiff(where: str, layout: str, max_values: int) -> tuple[np.ndarray, str, str | None]:
    """Samples per pixel (axes ...S) are H x W x C; pages or a 3-D series are C x H x W; a file
    of several 2-D pages of one size stacks them as channels. Returns (C, H, W) values, the
    format and the layout used (None for one 2-D page)."""
    import tifffile

    try:
        with tifffile.TiffFile(where) as tiff:
            series = list(tiff.series)
            shapes = [tuple(s.shape) for s in series]
            stacked = len(series) > 1 and all(len(s) == 2 and s == shapes[0] for s in shapes)
            _budget(where, sum(map(math.prod, shapes if stacked else shapes[:1])), max_values)
            if stacked:
                pages = np.stack([s.asarray() for s in series])
                return pages, f"TIFF {len(series)} pages", "chw"
            values = series[0].asarray()
            axes = series[0].axes
    except (tifffile.TiffFileError, ValueError, IndexError) as error:
        raise ChannelImageLoadError(where, f"unreadable or unsupported TIFF ({error})") from error
    _check_dtype(values.dtype, where)
    if layout == "auto" and values.ndim == 3:
        layout = "hwc" if axes.endswith("S") else "chw"
    resolved = layout if values.ndim == 3 else None
    return to_channels_first(values, layout, where), f"TIFF {axes}", resolved


def auto_contrast(data: np.ndarray, low: float = 1.0, high: float = 99.0) -> np.ndarray:
    """Per-channel display range (C, 2): the `low` and `high` percentiles of each channel
    (equal ends are widened so every channel gets a usable range)."""
    flat = np.asarray(data, dtype=np.float32).reshape(data.shape[0], -1)
    limits = np.percentile(flat, [low, high], axis=1).T.astype(np.float32)
    flat_ends = limits[:, 1] <= limits[:, 0]
    limits[flat_ends, 1] = limits[flat_ends, 0] + 1
    return limits


def compose(
    data: np.ndarray,
    channels: Sequence[int],
    contrast: np.ndarray | Sequence[Sequence[float]] | None = None,
) -> np.ndarray:
    """False-colour H x W x 3 uint8: one channel index -> grey, three -> red, green, blue.

    Each shown channel is mapped linearly from its (low, high) contrast range onto 0..255 and
    clipped; `contrast` is (C, 2) for all channels (default: `auto_contrast`).
    """
    if len(channels) not in (1, 3):
        raise ValueError("choose one channel (grey) or three (red, green, blue)")
    for index in channels:
        if not 0 <= index < data.shape[0]:
            raise ValueError(f"channel {index} out of range 0..{data.shape[0] - 1}")
    limits = auto_contrast(data) if contrast is None else np.asarray(contrast, np.float32)
    planes = []
    for index in channels:
        low, high = limits[index]
        span = high - low if high > low else 1.0
        scaled = (np.asarray(data[index], np.float32) - low) * (255.0 / span)
        planes.append(np.clip(np.rint(scaled), 0, 255).astype(np.uint8))
    if len(planes) == 1:
        planes *= 3
    return np.stack(planes, axis=-1)


def adapt_first_conv(model: nn.Module, in_channels: int, mode: str = "grey") -> nn.Module:
    """Replace the first Conv2d of `model` (in place; returned) by one reading `in_channels`.

    mode "grey": every new input channel gets the mean of the old per-channel kernels times
    old/new channel count, so an input whose channels are all equal to g gives exactly the old
    response to a grey image (g, g, g) (the rule timm's adapt_input_conv uses for one channel).
    mode "rgb-first": the old kernels for the first old-channel-count inputs, zeros for the rest,
    so the model answers as before when the first channels hold the original image.
    """
    if mode not in ("grey", "rgb-first"):
        raise ValueError("mode must be 'grey' or 'rgb-first'")
    name, conv = next(
        ((n, m) for n, m in model.named_modules() if isinstance(m, nn.Conv2d)), (None, None)
    )
    if conv is None:
        raise ValueError("the model has no Conv2d to adapt")
    if mode == "rgb-first" and in_channels < conv.in_channels:
        raise ValueError(f"rgb-first needs at least {conv.in_channels} channels")
    if conv.groups != 1:
        raise ValueError("the first convolution is grouped; cannot adapt its input channels")
    new = nn.Conv2d(
        in_channels,
        conv.out_channels,
        conv.kernel_size,
        stride=conv.stride,
        padding=conv.padding,
        dilation=conv.dilation,
        bias=conv.bias is not None,
        padding_mode=conv.padding_mode,
    ).to(conv.weight.device, conv.weight.dtype)
    with torch.no_grad():
        old = conv.weight
        if mode == "grey":
            mean = old.mean(1, keepdim=True) * (old.shape[1] / in_channels)
            new.weight.copy_(mean.expand(-1, in_channels, -1, -1))
        else:
            new.weight.zero_()
            new.weight[:, : old.shape[1]] = old
        if conv.bias is not None:
            new.bias.copy_(conv.bias)
    parent_name, _, child = name.rpartition(".")
    parent = model.get_submodule(parent_name) if parent_name else model
    setattr(parent, child, new)
    return model


@dataclass(frozen=True)
class ChannelPreprocessing:
    """(C, H, W) values in the data's own units -> (1, C, *size): resized bilinearly (with
    anti-aliasing, the whole image, no crop) and normalised per channel ((x - mean) / std)."""

    size: tuple[int, int]
    mean: tuple[float, ...] = (0.0,)
    std: tuple[float, ...] = (1.0,)
    channels: int = 1
    layout: str = "auto"

    def __call__(self, image: ChannelImage | np.ndarray) -> torch.Tensor:
        if not isinstance(image, ChannelImage):
            image = channel_image_from_array(image, layout=self.layout)
        if image.channels != self.channels:
            raise ChannelImageLoadError(
                image.path or image.name,
                f"has {image.channels} channels, the model reads {self.channels}",
            )
        for name, values in (("mean", self.mean), ("std", self.std)):
            if len(values) not in (1, self.channels):
                raise ValueError(f"{len(values)} {name} values for {self.channels} channels")
        x = torch.from_numpy(np.array(image.data))[None]
        if tuple(x.shape[2:]) != tuple(self.size):
            x = F.interpolate(
                x, size=tuple(self.size), mode="bilinear", align_corners=False, antialias=True
            )
        mean = torch.tensor(self.mean, dtype=torch.float32).view(1, -1, 1, 1)
        std = torch.tensor(self.std, dtype=torch.float32).view(1, -1, 1, 1)
        return (x - mean) / std

    def load(self, source: object) -> torch.Tensor:
        """A path, `ChannelImage` or array -> (1, C, *size) model input."""
        if isinstance(source, (str, os.PathLike)):
            source = load_channel_image(source, layout=self.layout)
        return self(source)
