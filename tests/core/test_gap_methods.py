"""The GAP family against independent references.

gap-direction: the closed form against a literal implementation of the patent's FIG. 5 loop
(US 2025/0259040 A1: for each region i, v_SR-i = (1/N) sum_{j != i} v_j, D_i = cos(v_GAP, v_SR-i),
then q3/q5/q6/q7); float32 accuracy against a float64 reference; degenerate inputs.
gap-magnitude and CAM against hand-written per-region / per-class loops.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from gapviewer.core.methods import class_activation_maps, gap_direction, gap_magnitude
from gapviewer.core.methods.gap import FORMULAS

GRIDS = [(13,), (5, 7), (7, 5), (1, 9), (4, 1), (3, 3)]


def fig5_loop(features: np.ndarray, formula: str = "q3", a: float = 1.0) -> np.ndarray:
    """Patent FIG. 5, literally: a loop over regions i, each summing the other regions j.

    Degenerate cosines take the documented values: v_GAP = 0 gives D = 1 (nothing to explain),
    v_SR-i = 0 (region i holds all of v_GAP) gives D = 0.
    """
    batch, channels = features.shape[:2]
    grid = features.shape[2:]
    count = math.prod(grid)
    vectors = features.reshape(batch, channels, count).astype(np.float64)
    out = np.empty((batch, count))
    for b in range(batch):
        v_gap = np.zeros(channels)
        for j in range(count):
            v_gap += vectors[b, :, j]
        v_gap /= count  # q1
        for i in range(count):
            v_sr = np.zeros(channels)
            for j in range(count):
                if j != i:
                    v_sr += vectors[b, :, j]
            v_sr /= count  # q2
            norms = np.linalg.norm(v_gap) * np.linalg.norm(v_sr)
            if np.linalg.norm(v_gap) == 0:
                d = 1.0
            elif np.linalg.norm(v_sr) == 0:
                d = 0.0
            else:
                d = float(v_gap @ v_sr) / norms  # q4
            out[b, i] = {
                "q3": 1 - d,
                "q5": a * (1 - d),
                "q6": -a * d,
                "q7": a * (2 / (1 + d) - 1),
            }[formula]
    return out.reshape(batch, *grid)


def relu_features(shape: tuple[int, ...], seed: int) -> torch.Tensor:
    """Non-negative features with a shared direction plus noise, like post-ReLU activations."""
    generator = torch.Generator().manual_seed(seed)
    base = torch.rand(shape[:2], generator=generator, dtype=torch.float64)
    noise = torch.randn(shape, generator=generator, dtype=torch.float64)
    return (base.view(*shape[:2], *[1] * (len(shape) - 2)) + 0.7 * noise).relu()


@pytest.mark.parametrize("formula", FORMULAS)
@pytest.mark.parametrize("grid", GRIDS)
def test_closed_form_equals_fig5_loop(formula, grid):
    features = relu_features((2, 6, *grid), seed=len(grid) * 100 + math.prod(grid))
    a = 2.5
    result = gap_direction(features, formula=formula, a=a)
    assert result.dtype == torch.float64
    assert tuple(result.shape) == (2, *grid)
    np.testing.assert_allclose(
        result.numpy(), fig5_loop(features.numpy(), formula, a), rtol=1e-10, atol=1e-13
    )


def test_signed_features_and_batch_items_are_independent():
    features = torch.randn(
        3, 5, 5, 7, dtype=torch.float64, generator=torch.Generator().manual_seed(3)
    )
    together = gap_direction(features, "q7", a=0.5)
    np.testing.assert_allclose(together.numpy(), fig5_loop(features.numpy(), "q7", 0.5), rtol=1e-10)
    for index in range(3):
        alone = gap_direction(features[index : index + 1], "q7", a=0.5)
        np.testing.assert_array_equal(alone[0].numpy(), together[index].numpy())


def test_hand_computed_two_regions():
    # v1 = (1, 0), v2 = (0, 1): v_GAP = (1/2, 1/2), v_SR-1 = (0, 1/2), D_1 = 1/sqrt(2).
    features = torch.tensor([[[1.0, 0.0], [0.0, 1.0]]], dtype=torch.float64)
    np.testing.assert_allclose(gap_direction(features).numpy(), [[1 - 2**-0.5] * 2], rtol=1e-14)
    np.testing.assert_allclose(gap_direction(features, "q6", a=3).numpy(), [[-3 * 2**-0.5] * 2])


def test_formulas_are_decreasing_functions_of_d():
    features = relu_features((1, 8, 5, 7), seed=9)
    q3 = gap_direction(features, "q3").flatten()
    order = q3.argsort()
    for formula in ("q5", "q6", "q7"):
        values = gap_direction(features, formula, a=1.7).flatten()[order]
        assert bool((values[1:] >= values[:-1]).all()), formula


def test_invalid_arguments_are_refused():
    features = torch.rand(1, 4, 3, 3)
    with pytest.raises(ValueError, match="formula"):
        gap_direction(features, "q4")
    with pytest.raises(ValueError, match="positive"):
        gap_direction(features, "q5", a=0.0)
    with pytest.raises(ValueError, match=r"\(B, m, L\)"):
        gap_direction(torch.rand(4, 3))
    with pytest.raises(ValueError, match=r"\(B, m, L\)"):
        gap_magnitude(torch.rand(1, 4, 2, 2, 2))


# --- float32 accuracy: 1 - D is of order 1/N^2 (about 1e-7 at 56 x 56) -------------------------


@pytest.fixture(scope="module")
def features_56() -> torch.Tensor:
    generator = torch.Generator().manual_seed(56)
    base = torch.rand(1, 512, 1, 1, generator=generator) + 0.5
    return (base + torch.randn(1, 512, 56, 56, generator=generator)).relu()


def reference_float64(features: torch.Tensor) -> np.ndarray:
    """1 - cos(v_GAP, v_SR-i) evaluated directly (not via the closed form) in float64."""
    vectors = features.double().flatten(2)
    count = vectors.shape[-1]
    v_gap = vectors.sum(-1, keepdim=True) / count
    v_sr = (vectors.sum(-1, keepdim=True) - vectors) / count  # sum over j != i
    d = F.cosine_similarity(v_gap.expand_as(v_sr), v_sr, dim=1, eps=0.0)
    return (1 - d).reshape(features.shape[0], *features.shape[2:]).numpy()


def relative_error(values: np.ndarray, reference: np.ndarray) -> float:
    return float(np.max(np.abs(values.astype(np.float64) - reference) / np.abs(reference)))


def test_reference_agrees_with_fig5_loop_on_sampled_regions(features_56):
    reference = reference_float64(features_56).reshape(-1)
    vectors = features_56.double().flatten(2)[0].numpy()
    v_gap = vectors.mean(1)
    for i in (0, 57, 1500, 3135):
        v_sr = np.delete(vectors, i, axis=1).sum(1) / vectors.shape[1]
        d = v_gap @ v_sr / (np.linalg.norm(v_gap) * np.linalg.norm(v_sr))
        assert reference[i] == pytest.approx(1 - d, rel=1e-6)
    assert 1e-9 < np.median(reference) < 1e-6  # the order 1/N^2 the bound is about


def test_float32_input_matches_float64_reference_at_56x56(features_56):
    assert features_56.dtype == torch.float32
    result = gap_direction(features_56)
    assert result.dtype == torch.float32
    assert relative_error(result.numpy(), reference_float64(features_56)) < 1e-4


def test_naive_float32_one_minus_cos_fails_the_same_bound(features_56):
    """The bound above can fail: 1 - cos evaluated in float32 is noise at this grid size."""
    vectors = features_56.flatten(2)
    count = vectors.shape[-1]
    v_gap = vectors.mean(-1, keepdim=True)
    v_sr = v_gap - vectors / count
    naive = 1 - F.cosine_similarity(v_gap.expand_as(v_sr), v_sr, dim=1)
    assert relative_error(naive.numpy(), reference_float64(features_56).reshape(1, -1)) > 1e-2


# --- degenerate input: finite, never NaN, the documented values ----------------------------------


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize(
    ("formula", "all_zero", "held_all"),
    [("q3", 0.0, 1.0), ("q5", 0.0, 2.0), ("q6", -2.0, 0.0), ("q7", 0.0, 2.0)],
)
def test_degenerate_inputs_give_documented_values(dtype, formula, all_zero, held_all):
    a = 2.0
    zeros = torch.zeros(2, 16, 5, 7, dtype=dtype)
    np.testing.assert_array_equal(gap_direction(zeros, formula, a).numpy(), all_zero)

    generator = torch.Generator().manual_seed(1)
    one_region = torch.zeros(2, 16, 5, 7, dtype=dtype)
    one_region[:, :, 2, 3] = torch.rand(2, 16, generator=generator).to(dtype) * 3 + 0.1
    values = gap_direction(one_region, formula, a)
    # removing a zero region leaves v_GAP as it is: D = 1 (q6 gives -a, the others 0)
    expected = np.full((2, 5, 7), -a if formula == "q6" else 0.0)
    expected[:, 2, 3] = held_all
    np.testing.assert_allclose(values.numpy(), expected, atol=1e-12)

    single = torch.rand(3, 16, 1, 1, generator=generator).to(dtype) * 100
    np.testing.assert_allclose(gap_direction(single, formula, a).numpy(), held_all, atol=1e-12)


@pytest.mark.parametrize(("rest", "rtol"), [(1e-2, 1e-6), (1e-4, 1e-6), (1e-6, 1e-4)])
def test_region_holding_nearly_all_matches_fig5_loop(rest, rtol):
    """Near the 'holds all' cut-off (|v_SR-i|^2 ~ 1e-10 |v_GAP|^2 at rest = 1e-6) the closed form
    loses digits to cancellation but stays within the 1e-4 bound of the float32 test."""
    features = relu_features((1, 8, 5, 7), seed=6) * rest
    features[0, :, 3, 1] += torch.rand(8, dtype=torch.float64) + 1
    result = gap_direction(features).numpy()
    np.testing.assert_allclose(result, fig5_loop(features.numpy()), rtol=rtol, atol=1e-15)
    assert 0.0 < result[0, 3, 1] < 1.0


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_zero_region_contributes_nothing(dtype):
    features = relu_features((1, 8, 5, 7), seed=5).to(dtype)
    features[0, :, 1, 4] = 0
    values = gap_direction(features)
    assert torch.isfinite(values).all()
    assert float(values[0, 1, 4]) == 0.0
    assert float(values.min()) >= 0.0


def test_magnitude_and_cam_are_finite_on_zero_features():
    zeros = torch.zeros(1, 8, 3, 5)
    np.testing.assert_array_equal(gap_magnitude(zeros).numpy(), 0.0)
    assert torch.isfinite(class_activation_maps(zeros, torch.randn(4, 8))).all()


# --- gap-magnitude and CAM by hand ---------------------------------------------------------------


@pytest.mark.parametrize("grid", [(13,), (5, 7)])
def test_gap_magnitude_equals_cos_times_norm_by_hand(grid):
    features = torch.randn(
        2, 6, *grid, dtype=torch.float64, generator=torch.Generator().manual_seed(4)
    )
    features[1, :, 0] = 0  # a zero region: cos undefined, contribution 0
    vectors = features.flatten(2).numpy()
    expected = np.zeros(vectors.shape[::2])
    for b in range(vectors.shape[0]):
        v_gap = vectors[b].mean(1)
        for j in range(vectors.shape[2]):
            v_j = vectors[b, :, j]
            norm_j = np.linalg.norm(v_j)
            if norm_j > 0:
                cos = v_j @ v_gap / (norm_j * np.linalg.norm(v_gap))
                expected[b, j] = cos * norm_j
    result = gap_magnitude(features)
    assert tuple(result.shape) == (2, *grid)
    np.testing.assert_allclose(result.flatten(1).numpy(), expected, rtol=1e-10, atol=1e-14)
    assert gap_magnitude(features.float()).dtype == torch.float32


@pytest.mark.parametrize("grid", [(13,), (5, 7)])
def test_cam_equals_weighted_sum_for_every_class(grid):
    generator = torch.Generator().manual_seed(7)
    features = torch.randn(2, 6, *grid, dtype=torch.float64, generator=generator)
    weight = torch.randn(4, 6, dtype=torch.float64, generator=generator)
    maps = class_activation_maps(features, weight)
    assert tuple(maps.shape) == (2, 4, *grid)
    for b in range(2):
        for c in range(4):
            expected = torch.zeros(grid, dtype=torch.float64)
            for k in range(6):
                expected += weight[c, k] * features[b, k]
            np.testing.assert_allclose(maps[b, c].numpy(), expected.numpy(), rtol=1e-12)


def test_cam_spatial_mean_is_the_logit_without_bias():
    """Zhou et al.: the map's average over positions is the class score minus the bias."""
    generator = torch.Generator().manual_seed(8)
    features = torch.rand(1, 6, 5, 7, generator=generator)
    linear = torch.nn.Linear(6, 3)
    logits = linear(features.mean((2, 3)))
    maps = class_activation_maps(features, linear.weight.detach())
    np.testing.assert_allclose(
        maps.mean((2, 3)).detach().numpy(), (logits - linear.bias).detach().numpy(), rtol=1e-5
    )


def test_cam_refuses_mismatched_weight():
    with pytest.raises(ValueError, match="does not match"):
        class_activation_maps(torch.rand(1, 6, 3, 3), torch.rand(4, 5))
