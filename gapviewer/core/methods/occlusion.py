"""Occlusion sensitivity (Zeiler and Fergus, "Visualizing and Understanding Convolutional
Networks", ECCV 2014, sec. 4.2; the faithfulness reference of Grad-CAM, Selvaraju et al.,
ICCV 2017, sec. 5.3).

A patch of the input (patch x patch pixels, or patch samples of a 1-D signal, all channels) is
replaced by a fill value, at every position of a grid with the given stride; the map is the drop
of the target's score (or probability),
    drop(window) = p(x) - p(x with the window filled),
averaged, for each input position, over the windows that cover it (as captum's Occlusion does).
The last window of each axis is aligned to the input's edge, so every position is covered and
the map has the input's own resolution, ready to overlay. Positive values: hiding the region
lowers the score (evidence for the target); negative: hiding it raises the score.

Fill values, in the model's input space (after normalisation): "zero" (for mean/std-normalised
inputs this is the dataset's mean colour), "mean" (the image's own per-channel mean) or "blur"
(a Gaussian blur of the image, sigma = patch / 4, truncated at 3 sigma, edges replicated).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import torch
import torch.nn.functional as F

from ..capture import CancelToken
from .registry import Method, Needs, Param, Scope, register

if TYPE_CHECKING:
    from ..explain import MethodContext

FILLS = ("zero", "mean", "blur")
OUTPUTS = ("score", "probability")
SOURCE = (
    "Zeiler and Fergus, Visualizing and Understanding Convolutional Networks, ECCV 2014, "
    "sec. 4.2; Grad-CAM (Selvaraju et al., ICCV 2017) sec. 5.3"
)


def window_starts(size: int, patch: int, stride: int) -> list[int]:
    """Start offsets along one axis: 0, stride, 2 stride, ... and one aligned to the far edge."""
    patch = min(patch, size)
    starts = list(range(0, size - patch + 1, stride))
    if starts[-1] != size - patch:
        starts.append(size - patch)
    return starts


def gaussian_blur(inputs: torch.Tensor, sigma: float) -> torch.Tensor:
    """Separable Gaussian blur over the spatial axes of (B, C, *S), radius round(3 sigma),
    replicated edges."""
    radius = max(int(3 * sigma + 0.5), 1)
    offsets = torch.arange(-radius, radius + 1, dtype=inputs.dtype, device=inputs.device)
    kernel = torch.exp(-0.5 * (offsets / sigma) ** 2)
    kernel = kernel / kernel.sum()
    channels = inputs.shape[1]
    spatial = inputs.dim() - 2
    blurred = inputs
    for axis in range(spatial):
        shape = [1] * spatial
        shape[axis] = kernel.numel()
        weight = kernel.view(1, 1, *shape).repeat(channels, 1, *([1] * spatial))
        pads = [0, 0] * spatial
        pads[2 * (spatial - 1 - axis)] = pads[2 * (spatial - 1 - axis) + 1] = radius
        conv = F.conv1d if spatial == 1 else F.conv2d
        blurred = conv(F.pad(blurred, pads, mode="replicate"), weight, groups=channels)
    return blurred


def fill_values(inputs: torch.Tensor, fill: str, patch: int) -> torch.Tensor:
    """What an occluded window shows, as a tensor broadcastable to `inputs` (1, C, *S)."""
    if fill == "zero":
        return torch.zeros_like(inputs)
    if fill == "mean":
        return inputs.mean(dim=tuple(range(2, inputs.dim())), keepdim=True).expand_as(inputs)
    if fill == "blur":
        return gaussian_blur(inputs, patch / 4)
    raise ValueError(f"fill must be one of {', '.join(FILLS)}, got {fill!r}")


def occlusion_map(
    forward: Callable[[torch.Tensor], torch.Tensor],
    inputs: torch.Tensor,
    scores: Callable[[torch.Tensor], torch.Tensor],
    *,
    patch: int,
    stride: int,
    fill: str = "zero",
    batch_size: int = 32,
    progress: Callable[[float, str], None] | None = None,
    cancel: CancelToken | None = None,
) -> torch.Tensor:
    """Score drops (T, *S) at input resolution for inputs (1, C, *S), S = (L,) or (H, W).

    `forward` maps a batch (B, C, *S) to outputs; `scores(outputs)` gives (B, T). Windows run in
    batches of `batch_size`; `progress(fraction, message)` is called and `cancel` checked
    between batches.
    """
    progress = progress or (lambda fraction, message: None)
    cancel = cancel or CancelToken()
    spatial = tuple(inputs.shape[2:])
    sizes = tuple(min(patch, size) for size in spatial)
    windows = list(
        itertools.product(
            *(window_starts(size, p, stride) for size, p in zip(spatial, sizes, strict=True))
        )
    )
    filler = fill_values(inputs, fill, patch)
    with torch.no_grad():
        base = scores(forward(inputs))[0]
        total = torch.zeros((base.numel(), *spatial), dtype=torch.float64, device=inputs.device)
        count = torch.zeros(spatial, dtype=torch.float64, device=inputs.device)
        batches = math.ceil(len(windows) / batch_size)
        for number in range(batches):
            cancel.check()
            progress(number / batches, f"occlusion: batch {number + 1} of {batches}")
            chunk = windows[number * batch_size : (number + 1) * batch_size]
            batch = inputs.expand(len(chunk), *inputs.shape[1:]).clone()
            regions = [
                tuple(slice(s, s + p) for s, p in zip(start, sizes, strict=True)) for start in chunk
            ]
            for row, region in enumerate(regions):
                batch[(row, slice(None), *region)] = filler[(0, slice(None), *region)]
            drops = (base - scores(forward(batch))).double()
            for row, region in enumerate(regions):
                total[(slice(None), *region)] += drops[row].view(-1, *([1] * len(spatial)))
                count[region] += 1
    progress(1.0, "occlusion: done")
    return (total / count).to(inputs.dtype)


def target_scores(ctx: MethodContext, output: str) -> Callable[[torch.Tensor], torch.Tensor]:
    """outputs (B, K) -> (B, T): each target's score before softmax, or its probability."""
    if output == "probability":
        classes = list(ctx.class_targets())
        return lambda out: out.softmax(-1)[:, classes]
    if all(isinstance(target, int) for target in ctx.targets):
        classes = list(ctx.class_targets())
        return lambda out: out[:, classes]
    return lambda out: torch.stack([ctx.scores(out[row : row + 1]) for row in range(len(out))])


def _occlusion(ctx: MethodContext, layer: str, params: Mapping[str, Any]) -> torch.Tensor:
    return occlusion_map(
        ctx.model.module,
        ctx.inputs,
        target_scores(ctx, params["output"]),
        patch=params["patch"],
        stride=params["stride"],
        fill=params["fill"],
        batch_size=params["batch_size"],
        progress=ctx.progress,
        cancel=ctx.cancel,
    )


PARAMS = (
    Param(
        "patch",
        "int",
        32,
        "Patch size",
        "Side of the occluding square (1-D: length), in input pixels (Zeiler and Fergus)",
        minimum=1,
        maximum=4096,
    ),
    Param(
        "stride",
        "int",
        16,
        "Stride",
        "Step between patch positions, in input pixels; smaller is finer and slower",
        minimum=1,
        maximum=4096,
    ),
    Param(
        "fill",
        "choice",
        "zero",
        "Fill",
        "zero: the normalised input's zero (dataset mean colour); mean: the image's mean; "
        "blur: the image blurred (sigma = patch / 4)",
        choices=FILLS,
    ),
    Param(
        "output",
        "choice",
        "score",
        "Output",
        "Drop of the score before softmax, or of the class probability",
        choices=OUTPUTS,
    ),
    Param(
        "batch_size",
        "int",
        32,
        "Batch size",
        "Occluded images per forward pass (more is faster, needs more memory)",
        minimum=1,
        maximum=1024,
    ),
)


register(
    Method(
        id="occlusion",
        name="Occlusion sensitivity",
        summary="How much the score drops when a sliding patch hides each region.",
        source=SOURCE,
        needs=Needs.MANY_FORWARDS,
        scope=Scope.INPUT,
        class_dependent=True,
        signed=True,
        compute=_occlusion,
        params=PARAMS,
    )
)
