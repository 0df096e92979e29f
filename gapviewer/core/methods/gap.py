"""The GAP family: GAP-direction contribution (the patent), GAP-magnitude (its prior art) and CAM.

All three read one feature map, the output of the layer immediately before global average pooling,
shaped (B, m, *S) with S = (L,) for 1-D data or (H, W) for images; N = prod(S) regions.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

FORMULAS = ("q3", "q5", "q6", "q7")
_CHUNK_ELEMENTS = 1 << 20  # float64 work buffer bound: positions x channels per chunk
# |v_SR-i|^2 = |g|^2 - 2 s + t cancels when region i holds (nearly) all of v_GAP; its rounding
# error is up to ~2 m eps (|g|^2 + t), so below this fraction of |g|^2 + t it counts as zero.
_HELD_ALL_TOLERANCE = 1e-10


def _flatten(features: torch.Tensor) -> torch.Tensor:
    if features.dim() not in (3, 4):
        raise ValueError(
            f"expected a (B, m, L) or (B, m, H, W) feature map, got shape {tuple(features.shape)}"
        )
    return features.flatten(2)


def _projections(vectors: torch.Tensor, direction: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """s_i = direction . v_i and q_i = |v_i|^2 in float64, in chunks (no m x N float64 copy)."""
    batch, channels, count = vectors.shape
    step = max(1, _CHUNK_ELEMENTS // max(channels, 1))
    s = torch.empty(batch, count, dtype=torch.float64, device=vectors.device)
    q = torch.empty_like(s)
    for start in range(0, count, step):
        chunk = vectors[:, :, start : start + step].double()
        s[:, start : start + step] = torch.matmul(direction[:, None, :], chunk)[:, 0]
        q[:, start : start + step] = chunk.square().sum(1)
    return s, q


@dataclass(frozen=True)
class GapStatistics:
    """What the GAP family reads of a feature map, in float64: g = v_GAP (B, m) (patent eq. q1),
    s_i = g . v_i and q_i = |v_i|^2 (B, N), the region count N and the grid S."""

    g: torch.Tensor
    s: torch.Tensor
    q: torch.Tensor
    count: int
    grid: tuple[int, ...]

    def as_map(self, values: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        """(B, N) values -> (B, *S) in `dtype`."""
        return values.to(dtype).reshape(values.shape[0], *self.grid)


def gap_statistics(features: torch.Tensor) -> GapStatistics:
    """v_GAP and every region's projection on it and squared norm, in one pass over `features`."""
    vectors = _flatten(features)
    count = vectors.shape[-1]
    g = vectors.sum(-1, dtype=torch.float64) / count
    s, q = _projections(vectors, g)
    return GapStatistics(g, s, q, count, tuple(features.shape[2:]))


def _output_dtype(features: torch.Tensor) -> torch.dtype:
    return features.dtype if features.is_floating_point() else torch.float32


def one_minus_cos_removed(features: torch.Tensor | GapStatistics) -> torch.Tensor:
    """1 - D_i for every region, D_i = cos(v_GAP, v_SR-i) (patent eqs. q1, q2, q4), float64 (B, N).

    Closed form of the FIG. 5 loop: v_SR-i = g - u_i with g = v_GAP and u_i = v_i / N, so with
    s = g . u_i and t = |u_i|^2 the cancellation-free identity
        1 - cos(g, b) = (|g|^2 |b|^2 - (g . b)^2) / (|g||b| (|g||b| + g . b)),
    has numerator |g|^2 t - s^2 (Lagrange). When g . b < 0 the plain 1 - cos is already stable.
    Degenerate cases follow the patent's reading of c: g = 0 gives 0 (nothing to explain) and
    b = 0 (region i holds all of v_GAP, or N = 1; numerically |b|^2 <= 1e-10 (|g|^2 + |u_i|^2))
    gives 1.
    """
    stats = features if isinstance(features, GapStatistics) else gap_statistics(features)
    g, count = stats.g, stats.count
    s, t = stats.s / count, stats.q / count**2
    g2 = g.square().sum(-1, keepdim=True)
    b2 = (g2 - 2 * s + t).clamp_min(0)
    dot = g2 - s
    norms = (g2 * b2).sqrt()
    numerator = (g2 * t - s.square()).clamp_min(0)
    stable = numerator / (norms * (norms + dot)).clamp_min(torch.finfo(torch.float64).tiny)
    direct = 1 - dot / norms.clamp_min(torch.finfo(torch.float64).tiny)
    result = torch.where(dot >= 0, stable, direct)
    held_all = b2 <= _HELD_ALL_TOLERANCE * (g2 + t)
    result = torch.where(held_all, torch.ones_like(result), result)
    return torch.where(g2 > 0, result, torch.zeros_like(result))


def gap_direction(
    features: torch.Tensor,
    formula: str = "q3",
    a: float = 1.0,
    statistics: GapStatistics | None = None,
) -> torch.Tensor:
    """GAP-direction contribution map c_i of patent US 2025/0259040 A1, (B, m, *S) -> (B, *S).

    q3: c = 1 - D;  q5: c = a (1 - D);  q6: c = -a D;  q7: c = a (2 / (1 + D) - 1) = a (1-D)/(1+D),
    with D_i = cos(v_GAP, v_SR-i). Computed from 1 - D without forming D (one_minus_cos_removed),
    returned in the input's floating dtype. `statistics` of `features`, if already computed, are
    reused (the Explainer shares them with gap-magnitude).
    """
    if formula not in FORMULAS:
        raise ValueError(f"formula must be one of {', '.join(FORMULAS)}, got {formula!r}")
    if not a > 0:
        raise ValueError(f"coefficient a must be positive (patent q5-q7), got {a}")
    stats = statistics or gap_statistics(features)
    omd = one_minus_cos_removed(stats)
    if formula == "q3":
        values = omd
    elif formula == "q5":
        values = a * omd
    elif formula == "q6":
        values = -a * (1 - omd)
    else:
        values = a * omd / (2 - omd)
    return stats.as_map(values, _output_dtype(features))


def gap_magnitude(
    features: torch.Tensor, statistics: GapStatistics | None = None
) -> torch.Tensor:
    """Contribution to the magnitude of v_GAP, cos(v_j, v_GAP) |v_j| = v_j . v_GAP / |v_GAP|.

    The prior art the patent cites (Yang et al., CVPR 2019, CAM augmentation for re-identification).
    All-zero features give 0. `statistics` as for gap_direction.
    """
    stats = statistics or gap_statistics(features)
    norm = stats.g.norm(dim=-1, keepdim=True)
    tiny = torch.finfo(torch.float64).tiny
    values = torch.where(norm > 0, stats.s / norm.clamp_min(tiny), 0.0)
    return stats.as_map(values, _output_dtype(features))


def class_activation_maps(features: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """CAM for every class at once (Zhou et al., CVPR 2016): CAM_c = sum_k W[c, k] A_k.

    features (B, m, *S), weight (K, m) of the linear layer after GAP -> (B, K, *S). The bias and
    the 1/N of the pooling are constant over positions and left out, as in the paper.
    """
    if weight.dim() != 2 or weight.shape[1] != features.shape[1]:
        raise ValueError(
            f"classifier weight {tuple(weight.shape)} does not match {features.shape[1]} channels"
        )
    vectors = _flatten(features)
    maps = torch.matmul(weight.to(vectors.dtype), vectors)
    return maps.reshape(features.shape[0], weight.shape[0], *features.shape[2:])
