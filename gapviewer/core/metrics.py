"""How far a map can be trusted, and what a classifier gets wrong.

- Classification: confusion matrix, accuracy, per-class precision and recall.
- Faithfulness: deletion and insertion curves (Petsiuk et al., RISE, BMVC 2018) with a
  random-order baseline; occlusion agreement (Selvaraju et al., Grad-CAM, ICCV 2017, sec. 5.3).
- Feature invalidation what-if (Hitachi, model inverse analysis, sec. 5 and Table 1).
- Localisation: box from the map at 15 % of its maximum and IoU (Grad-CAM sec. 4.1); pointing game
  (Zhang et al., excitation backprop, ECCV 2016; Grad-CAM sec. 4.3).
- Sanity check by model randomisation (Adebayo et al., Sanity Checks for Saliency Maps,
  NeurIPS 2018).
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .capture import CancelToken, capture_outputs
from .data import Box
from .models import LoadedModel
from .render import upsample

Progress = Callable[[float, str], None]
BASELINES = ("blur", "mean", "zero")
CURVES = ("deletion", "insertion")


def _no_progress(fraction: float, message: str) -> None:
    """Progress sink used when the caller passes none."""


# ---------------------------------------------------------------------------------------------
# Classification


@dataclass(frozen=True)
class ClassificationSummary:
    """Confusion matrix over the classes that occur (rows: true, columns: predicted), accuracy,
    and per-class precision and recall (NaN where a class was never predicted / never true)."""

    indices: tuple[int, ...]
    labels: tuple[str, ...]
    matrix: np.ndarray
    accuracy: float
    precision: np.ndarray
    recall: np.ndarray

    @property
    def support(self) -> np.ndarray:
        """Images per true class."""
        return self.matrix.sum(axis=1)


def classification_summary(
    true: Sequence[int], predicted: Sequence[int], class_names: Sequence[str]
) -> ClassificationSummary:
    """precision_k = M[k, k] / sum_i M[i, k]; recall_k = M[k, k] / sum_j M[k, j]."""
    if len(true) != len(predicted):
        raise ValueError("true and predicted labels differ in length")
    indices = tuple(sorted(set(true) | set(predicted)))
    position = {index: i for i, index in enumerate(indices)}
    matrix = np.zeros((len(indices), len(indices)), np.int64)
    for t, p in zip(true, predicted, strict=True):
        matrix[position[t], position[p]] += 1
    hits = np.diag(matrix).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = hits / matrix.sum(axis=0)
        recall = hits / matrix.sum(axis=1)
    accuracy = float(hits.sum() / matrix.sum()) if matrix.sum() else math.nan
    labels = tuple(class_names[i] for i in indices)
    return ClassificationSummary(indices, labels, matrix, accuracy, precision, recall)


def summarise_scan(rows: Iterable, class_names: Sequence[str]) -> ClassificationSummary:
    """The summary of scan rows (core.scan.ScanRow) that have both a true and a predicted class."""
    usable = [r for r in rows if r.true_index is not None and r.predicted_index is not None]
    return classification_summary(
        [r.true_index for r in usable], [r.predicted_index for r in usable], class_names
    )


@dataclass(frozen=True)
class Spread:
    """Mean, standard deviation (n - 1) and count of the finite values of a metric."""

    mean: float
    std: float
    count: int


def spread(values: Iterable[float]) -> Spread:
    finite = np.array([v for v in values if v is not None and math.isfinite(v)], np.float64)
    if finite.size == 0:
        return Spread(math.nan, math.nan, 0)
    std = float(finite.std(ddof=1)) if finite.size > 1 else 0.0
    return Spread(float(finite.mean()), std, int(finite.size))


# ---------------------------------------------------------------------------------------------
# Rank correlation and map resampling


def ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks of the flattened values; ties get the average of their ranks."""
    flat = np.asarray(values, np.float64).ravel()
    order = np.argsort(flat, kind="stable")
    sorted_values = flat[order]
    result = np.empty(flat.size, np.float64)
    start = 0
    while start < flat.size:
        stop = start + 1
        while stop < flat.size and sorted_values[stop] == sorted_values[start]:
            stop += 1
        result[order[start:stop]] = (start + stop + 1) / 2
        start = stop
    return result


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rank correlation: Pearson correlation of the (tie-averaged) ranks; NaN when
    either input is constant."""
    ra, rb = ranks(a), ranks(b)
    if ra.size != rb.size:
        raise ValueError(f"cannot correlate {np.shape(a)} with {np.shape(b)}")
    ra -= ra.mean()
    rb -= rb.mean()
    norm = math.sqrt(float(ra @ ra) * float(rb @ rb))
    return float(ra @ rb) / norm if norm > 0 else math.nan


def _as_grid(values: np.ndarray) -> np.ndarray:
    grid = np.asarray(values, np.float32)
    return grid[None] if grid.ndim == 1 else grid


def common_grid(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both maps on the coarser of their two grids (area averaging), so they can be compared
    cell by cell without inventing detail."""
    ga, gb = _as_grid(a), _as_grid(b)
    shape = (min(ga.shape[0], gb.shape[0]), min(ga.shape[1], gb.shape[1]))

    def pooled(grid: np.ndarray) -> np.ndarray:
        if grid.shape == shape:
            return grid
        tensor = torch.tensor(grid)[None, None]
        return F.adaptive_avg_pool2d(tensor, shape)[0, 0].numpy()

    return pooled(ga), pooled(gb)


# ---------------------------------------------------------------------------------------------
# Deletion and insertion (RISE, sec. 4.1)


def _spatial_size(inputs: torch.Tensor) -> tuple[int, ...]:
    return tuple(inputs.shape[2:])


def _map_at_input(saliency: np.ndarray, inputs: torch.Tensor) -> np.ndarray:
    """The map resampled (bilinear) to the input's grid, flattened."""
    size = _spatial_size(inputs)
    return upsample(saliency, size if len(size) == 2 else size[0]).ravel()


def _gaussian_blur(inputs: torch.Tensor, sigma: float) -> torch.Tensor:
    """Separable Gaussian blur, kernel 2 * round(2 sigma) + 1 taps, reflected borders."""
    radius = max(1, round(2 * sigma))
    offsets = torch.arange(-radius, radius + 1, dtype=inputs.dtype, device=inputs.device)
    kernel = torch.exp(-0.5 * (offsets / sigma) ** 2)
    kernel = kernel / kernel.sum()
    channels = inputs.shape[1]
    out = inputs
    for dim in range(2, inputs.dim()):
        shape = [1, 1] + [1] * (inputs.dim() - 2)
        shape[dim] = kernel.numel()
        pad = [0, 0] * (inputs.dim() - 2)
        pad[2 * (inputs.dim() - 1 - dim)] = pad[2 * (inputs.dim() - 1 - dim) + 1] = radius
        mode = "reflect" if out.shape[dim] > radius else "replicate"
        conv = F.conv2d if inputs.dim() == 4 else F.conv1d
        weight = kernel.view(shape).expand(channels, *shape[1:])
        out = conv(F.pad(out, pad, mode=mode), weight, groups=channels)
    return out


def baseline_input(inputs: torch.Tensor, baseline: str, blur_sigma: float = 5.0) -> torch.Tensor:
    """What removed pixels become: "zero" (0 in the model's normalised input, RISE's deletion
    substrate), "mean" (the image's per-channel mean) or "blur" (a Gaussian blur of the image;
    RISE's insertion substrate, sigma 5 px)."""
    if baseline == "zero":
        return torch.zeros_like(inputs)
    if baseline == "mean":
        dims = tuple(range(2, inputs.dim()))
        return inputs.mean(dim=dims, keepdim=True).expand_as(inputs).clone()
    if baseline == "blur":
        return _gaussian_blur(inputs, blur_sigma)
    raise ValueError(f"baseline must be one of {', '.join(BASELINES)}, not {baseline!r}")


@dataclass(frozen=True)
class Curve:
    """Class probability after changing `fractions` of the input in the map's order. Deletion:
    a lower area means the map found what the model needs; insertion: a higher area."""

    kind: str
    fractions: np.ndarray
    scores: np.ndarray

    @property
    def area(self) -> float:
        """Area under the curve by the trapezoidal rule over fractions 0..1 (RISE's AUC)."""
        widths = np.diff(self.fractions)
        return float(np.sum(widths * (self.scores[1:] + self.scores[:-1]) / 2))


def _probabilities(model: nn.Module, batch: torch.Tensor, target: int) -> torch.Tensor:
    with torch.inference_mode():
        return model(batch).float().softmax(-1)[:, target].cpu()


def perturbation_curve(
    model: LoadedModel,
    image: object,
    kind: str,
    target: int,
    order: np.ndarray,
    *,
    baseline: str | None = None,
    steps: int = 50,
    batch_size: int = 16,
    blur_sigma: float = 5.0,
    cancel: CancelToken | None = None,
    progress: Progress | None = None,
) -> Curve:
    """Deletion or insertion curve for input positions taken in `order` (flat indices, most
    important first). Step k changes the first round(k / steps * n) positions: deletion replaces
    them in the image by the baseline, insertion puts them from the image into the baseline.
    Default baselines follow RISE: zero for deletion, blur for insertion."""
    if kind not in CURVES:
        raise ValueError(f"curve must be deletion or insertion, not {kind!r}")
    cancel = cancel or CancelToken()
    progress = progress or _no_progress
    inputs = model.to_input(image)
    baseline = baseline or ("zero" if kind == "deletion" else "blur")
    substrate = baseline_input(inputs, baseline, blur_sigma)
    start, finish = (inputs, substrate) if kind == "deletion" else (substrate, inputs)
    size = _spatial_size(inputs)
    count = int(np.prod(size))
    rank = torch.empty(count, dtype=torch.long)
    rank[torch.as_tensor(np.asarray(order), dtype=torch.long)] = torch.arange(count)
    rank = rank.view(1, 1, *size).to(inputs.device)
    changed_counts = [round(k * count / steps) for k in range(steps + 1)]
    scores: list[torch.Tensor] = []
    for first in range(0, steps + 1, batch_size):
        cancel.check()
        chunk = torch.tensor(changed_counts[first : first + batch_size], device=inputs.device)
        changed = rank < chunk.view(-1, *[1] * (inputs.dim() - 1))
        batch = torch.where(changed, finish, start)
        scores.append(_probabilities(model.module, batch, target))
        progress(min(1.0, (first + batch_size) / (steps + 1)), f"{kind} curve")
    fractions = np.array(changed_counts, np.float64) / count
    return Curve(kind, fractions, torch.cat(scores).double().numpy())


def map_order(saliency: np.ndarray, inputs: torch.Tensor) -> np.ndarray:
    """Input positions from most to least important by the map (upsampled to the input)."""
    return np.argsort(-_map_at_input(saliency, inputs), kind="stable")


def deletion_curve(
    model: LoadedModel, image: object, saliency: np.ndarray, target: int, **options
) -> Curve:
    """RISE deletion: remove the most important pixels first; options as `perturbation_curve`."""
    order = map_order(saliency, model.to_input(image))
    return perturbation_curve(model, image, "deletion", target, order, **options)


def insertion_curve(
    model: LoadedModel, image: object, saliency: np.ndarray, target: int, **options
) -> Curve:
    """RISE insertion: add the most important pixels first; options as `perturbation_curve`."""
    order = map_order(saliency, model.to_input(image))
    return perturbation_curve(model, image, "insertion", target, order, **options)


def random_order_curve(
    model: LoadedModel,
    image: object,
    kind: str,
    target: int,
    *,
    repeats: int = 3,
    seed: int = 0,
    **options,
) -> Curve:
    """The chance level: the mean curve over `repeats` uniformly random pixel orders."""
    count = int(np.prod(_spatial_size(model.to_input(image))))
    generator = np.random.default_rng(seed)
    curves = [
        perturbation_curve(model, image, kind, target, generator.permutation(count), **options)
        for _ in range(repeats)
    ]
    return Curve(kind, curves[0].fractions, np.mean([c.scores for c in curves], axis=0))


# ---------------------------------------------------------------------------------------------
# Occlusion (Zeiler and Fergus, ECCV 2014) and agreement with it (Grad-CAM sec. 5.3)


def _window_starts(length: int, window: int, stride: int) -> list[int]:
    starts = list(range(0, max(length - window, 0) + 1, stride))
    if starts[-1] + window < length:
        starts.append(length - window)
    return starts


def _occlusion_window(inputs: torch.Tensor, window: int | None, stride: int | None):
    """Window defaults to 1/7 of the input's shorter side, stride to half the window."""
    window = window or max(1, min(_spatial_size(inputs)) // 7)
    return window, stride or max(1, window // 2)


def occlusion_map(
    model: LoadedModel,
    image: object,
    target: int,
    *,
    window: int | None = None,
    stride: int | None = None,
    baseline: str = "zero",
    batch_size: int = 16,
    cancel: CancelToken | None = None,
) -> np.ndarray:
    """Drop in the target's probability when a square window is set to the baseline, one value
    per window position (the grid of positions is the map)."""
    cancel = cancel or CancelToken()
    inputs = model.to_input(image)
    size = _spatial_size(inputs)
    window, stride = _occlusion_window(inputs, window, stride)
    substrate = baseline_input(inputs, baseline)
    axes = [_window_starts(length, min(window, length), stride) for length in size]
    positions = list(itertools.product(*axes))
    reference = float(_probabilities(model.module, inputs, target)[0])
    drops: list[torch.Tensor] = []
    for first in range(0, len(positions), batch_size):
        cancel.check()
        chunk = positions[first : first + batch_size]
        batch = inputs.repeat(len(chunk), *[1] * (inputs.dim() - 1))
        for row, corner in enumerate(chunk):
            region = (row, slice(None)) + tuple(slice(s, s + window) for s in corner)
            batch[region] = substrate[(0, slice(None)) + region[2:]]
        drops.append(reference - _probabilities(model.module, batch, target))
    return torch.cat(drops).view(*[len(a) for a in axes]).numpy().astype(np.float32)


def reference_occlusion(
    model: LoadedModel,
    image: object,
    target: int,
    window: int | None = None,
    stride: int | None = None,
) -> np.ndarray:
    """The occlusion map (probability drops) from the registered `occlusion` method when there
    is one, else from `occlusion_map`; same window and stride either way."""
    from .methods import METHODS

    if "occlusion" not in METHODS:
        return occlusion_map(model, image, target, window=window, stride=stride)
    from .explain import Explainer

    window, stride = _occlusion_window(model.to_input(image), window, stride)
    params = {"occlusion": {"patch": window, "stride": stride, "output": "probability"}}
    explanation = Explainer(model).explain(
        image, methods=["occlusion"], target=target, params=params
    )
    return next(iter(explanation.maps.values()))


def occlusion_agreement(
    model: LoadedModel,
    image: object,
    saliency: np.ndarray,
    target: int,
    reference: np.ndarray | None = None,
    window: int | None = None,
    stride: int | None = None,
) -> float:
    """Spearman rank correlation between a map and the occlusion map of the same image and class
    (Grad-CAM sec. 5.3), on the coarser of the two grids. 1: same ranking as occlusion."""
    if reference is None:
        reference = reference_occlusion(model, image, target, window, stride)
    return spearman(*common_grid(saliency, reference))


# ---------------------------------------------------------------------------------------------
# Feature invalidation what-if (Hitachi, sec. 5, Table 1)


@dataclass(frozen=True)
class Ranked:
    """A class in a top-k list: score is the logit (before softmax)."""

    index: int
    name: str
    score: float
    probability: float


@dataclass(frozen=True)
class Invalidation:
    """The target's score and rank (1 = top) before and after zeroing `mask` at `layer`, and the
    top-k lists side by side (Hitachi Table 1)."""

    layer: str
    target: int
    target_name: str
    mask: np.ndarray
    score_before: float
    score_after: float
    rank_before: int
    rank_after: int
    top_before: tuple[Ranked, ...]
    top_after: tuple[Ranked, ...]

    def table(self) -> str:
        """Table 1 as text: rank, class and score before | after."""
        width = max(len(r.name) for r in (*self.top_before, *self.top_after))
        lines = [f"{'':>3}  {'before':<{width}}  {'score':>8}    {'after':<{width}}  {'score':>8}"]
        for rank, (b, a) in enumerate(zip(self.top_before, self.top_after, strict=True), 1):
            lines.append(
                f"{rank:>3}  {b.name:<{width}}  {b.score:8.2f}    {a.name:<{width}}  {a.score:8.2f}"
            )
        return "\n".join(lines)


def top_fraction_mask(saliency: np.ndarray, fraction: float) -> np.ndarray:
    """The cells holding the largest positive contributions, ceil(fraction * cells) at most."""
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    values = np.asarray(saliency, np.float64)
    count = math.ceil(fraction * values.size)
    order = np.argsort(-values.ravel(), kind="stable")[:count]
    mask = np.zeros(values.size, bool)
    mask[order] = True
    return (mask & (values.ravel() > 0)).reshape(values.shape)


def _ranked(logits: torch.Tensor, names: Sequence[str], top: int) -> tuple[Ranked, ...]:
    probs = logits.softmax(-1)
    order = logits.argsort(descending=True)[:top]
    return tuple(Ranked(int(i), names[int(i)], float(logits[i]), float(probs[i])) for i in order)


def invalidate_features(
    model: LoadedModel,
    image: object,
    layer: str,
    mask: np.ndarray,
    target: int | None = None,
    top: int = 10,
) -> Invalidation:
    """Replace the feature vectors of the masked regions of `layer` by zeros, run the rest of the
    network, and compare the class scores (Hitachi sec. 5). Target defaults to the top-1 class."""
    inputs = model.to_input(image)
    region = torch.as_tensor(np.asarray(mask, bool), device=inputs.device)

    def zero_regions(name: str, output: torch.Tensor) -> torch.Tensor:
        if tuple(output.shape[2:]) != tuple(region.shape):
            raise ValueError(
                f"mask {tuple(region.shape)} does not fit layer {name}'s grid "
                f"{tuple(output.shape[2:])}"
            )
        return output.masked_fill(region, 0.0)

    with torch.inference_mode():
        before = model.module(inputs)[0].float().cpu()
        with capture_outputs(model.module, [layer], replace=zero_regions):
            after = model.module(inputs)[0].float().cpu()
    target = int(before.argmax()) if target is None else target
    names = model.class_names

    def rank_of(logits: torch.Tensor) -> int:
        return int((logits > logits[target]).sum()) + 1

    return Invalidation(
        layer=layer,
        target=target,
        target_name=names[target],
        mask=np.asarray(mask, bool),
        score_before=float(before[target]),
        score_after=float(after[target]),
        rank_before=rank_of(before),
        rank_after=rank_of(after),
        top_before=_ranked(before, names, top),
        top_after=_ranked(after, names, top),
    )


# ---------------------------------------------------------------------------------------------
# Localisation (Grad-CAM sec. 4.1) and the pointing game (Zhang et al. 2016; Grad-CAM sec. 4.3)


def _map_at_image(saliency: np.ndarray, image_size: tuple[int, int]) -> np.ndarray:
    """The map bilinearly resampled to the image (H, W); the model saw the whole image resized,
    so the map covers all of it."""
    return upsample(saliency, image_size)


def box_from_map(
    saliency: np.ndarray, image_size: tuple[int, int], threshold: float = 0.15
) -> Box | None:
    """The box around the largest 8-connected region where the map is at least `threshold` times
    its maximum, in Pascal VOC pixel coordinates (1-based, inclusive); None when the maximum is
    not positive."""
    from skimage.measure import label

    values = _map_at_image(saliency, image_size)
    peak = float(values.max())
    if peak <= 0:
        return None
    regions = label(values >= threshold * peak, connectivity=2)
    sizes = np.bincount(regions.ravel())
    sizes[0] = 0
    rows, cols = np.nonzero(regions == int(sizes.argmax()))
    return Box("map", cols.min() + 1, rows.min() + 1, cols.max() + 1, rows.max() + 1)


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two inclusive pixel boxes."""
    width = min(a.xmax, b.xmax) - max(a.xmin, b.xmin) + 1
    height = min(a.ymax, b.ymax) - max(a.ymin, b.ymin) + 1
    inter = max(width, 0) * max(height, 0)

    def area(box: Box) -> float:
        return (box.xmax - box.xmin + 1) * (box.ymax - box.ymin + 1)

    return float(inter / (area(a) + area(b) - inter))


@dataclass(frozen=True)
class Localisation:
    """The map's box, the ground-truth box it overlaps most, and their IoU (0 without a box)."""

    box: Box | None
    best: Box | None
    iou: float


def localise(
    saliency: np.ndarray,
    image_size: tuple[int, int],
    boxes: Sequence[Box],
    threshold: float = 0.15,
) -> Localisation:
    """Weakly supervised localisation: box from the map, best IoU with the ground-truth boxes."""
    box = box_from_map(saliency, image_size, threshold)
    if box is None or not boxes:
        return Localisation(box, None, 0.0)
    best = max(boxes, key=lambda gt: iou(box, gt))
    return Localisation(box, best, iou(box, best))


def pointing_game(
    saliency: np.ndarray,
    image_size: tuple[int, int],
    boxes: Sequence[Box],
    tolerance: float = 15,
) -> bool:
    """Hit when the map's maximum (upsampled to the image) lies within `tolerance` pixels of a
    ground-truth box (Zhang et al. allow 15 px)."""
    values = _map_at_image(saliency, image_size)
    row, col = np.unravel_index(int(np.argmax(values)), values.shape)
    x, y = col + 1, row + 1
    return any(
        b.xmin - tolerance <= x <= b.xmax + tolerance
        and b.ymin - tolerance <= y <= b.ymax + tolerance
        for b in boxes
    )


# ---------------------------------------------------------------------------------------------
# Sanity check by model randomisation (Adebayo et al. 2018)


def top_parameter_layers(module: nn.Module, count: int) -> list[str]:
    """Names of the last `count` modules that own parameters, output side first."""
    owners = [
        name
        for name, child in module.named_modules()
        if name and any(True for _ in child.parameters(recurse=False))
    ]
    return owners[::-1][:count]


def randomised_copy(
    model: LoadedModel, top: int = 3, seed: int = 0
) -> tuple[LoadedModel, list[str]]:
    """A copy of the model with its top `top` parameter layers re-initialised (the original is
    untouched), and the names of those layers."""
    clone = copy.copy(model)
    clone.module = copy.deepcopy(model.module)
    names = top_parameter_layers(clone.module, top)
    layers = dict(clone.module.named_modules())
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        torch.manual_seed(seed)
        for name in names:
            layer = layers[name]
            if hasattr(layer, "reset_parameters"):
                layer.reset_parameters()
            else:
                for parameter in layer.parameters(recurse=False):
                    parameter.normal_(0.0, 0.02)
    return clone, names


@dataclass(frozen=True)
class SanityResult:
    """Rank correlation of a map before and after randomisation; `unchanged` flags a map that
    does not depend on the randomised layers, so it does not explain what they learned."""

    method: str
    layer: str
    correlation: float
    unchanged: bool


def _map_correlation(before: np.ndarray, after: np.ndarray) -> float:
    if np.allclose(before, after, rtol=1e-5, atol=1e-8):
        return 1.0
    value = spearman(before, after)
    return 0.0 if math.isnan(value) else value


def sanity_check(
    model: LoadedModel,
    image: object,
    methods: Sequence[str],
    layers: Sequence[str] | None = None,
    *,
    target: int | None = None,
    top: int = 3,
    threshold: float = 0.5,
    seed: int = 0,
    randomised: LoadedModel | None = None,
) -> list[SanityResult]:
    """Explain the image with the model and with a copy whose top layers are re-initialised, for
    the same class (the original top-1 by default); flag maps whose rank correlation stays at or
    above `threshold`. Pass `randomised` to reuse one copy across images."""
    from .explain import Explainer

    if randomised is None:
        randomised, _ = randomised_copy(model, top, seed)
    original = Explainer(model).explain(image, methods=methods, layers=layers, target=target)
    target = original.target
    shuffled = Explainer(randomised).explain(image, methods=methods, layers=layers, target=target)
    results = []
    for key, before in original.maps.items():
        value = _map_correlation(before, shuffled.maps[key])
        results.append(SanityResult(key[0], key[1], value, value >= threshold))
    return results
