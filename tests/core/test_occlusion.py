"""Occlusion sensitivity against captum's Occlusion (used only here) and a literal loop."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from captum.attr import Occlusion
from scipy.ndimage import gaussian_filter
from tiny_models import TINY_LENGTH_1D, TINY_SIZE_2D

from gapviewer.core.capture import Cancelled, CancelToken
from gapviewer.core.explain import Explainer
from gapviewer.core.methods.occlusion import gaussian_blur, occlusion_map, window_starts


def image_2d(seed: int = 0) -> torch.Tensor:
    return torch.randn(1, 3, *TINY_SIZE_2D, generator=torch.Generator().manual_seed(seed))


def signal_1d(seed: int = 0) -> torch.Tensor:
    return torch.randn(1, 2, TINY_LENGTH_1D, generator=torch.Generator().manual_seed(seed))


def baseline(x: torch.Tensor, fill: str, patch: int) -> torch.Tensor | float:
    """What captum should put in an occluded window for each of our fill values."""
    if fill == "zero":
        return 0.0
    if fill == "mean":
        return x.mean(dim=tuple(range(2, x.dim())), keepdim=True).expand_as(x).contiguous()
    return gaussian_blur(x, patch / 4)


@pytest.mark.parametrize("fill", ["zero", "mean", "blur"])
def test_2d_matches_captum(tiny2d, fill: str) -> None:
    x = image_2d()
    patch, stride = 6, 2  # (20 - 6) / 2 and (28 - 6) / 2 are whole: captum covers every pixel
    result = Explainer(tiny2d).explain(
        x,
        methods=["occlusion"],
        target=[1, 3],
        params={"occlusion": {"patch": patch, "stride": stride, "fill": fill, "batch_size": 16}},
    )
    occlusion = Occlusion(tiny2d.module)
    for target in (1, 3):
        expected = occlusion.attribute(
            x,
            sliding_window_shapes=(3, patch, patch),
            strides=(3, stride, stride),
            baselines=baseline(x, fill, patch),
            target=target,
            perturbations_per_eval=16,
        )
        # captum gives every channel the window's drop; our map is one value per position
        np.testing.assert_allclose(
            result.target_maps[target][("occlusion", "input")],
            expected[0, 0].numpy(),
            rtol=1e-4,
            atol=1e-5,
        )
        np.testing.assert_allclose(expected[0, 0], expected[0, 2], rtol=1e-6)


def test_1d_matches_captum(tiny1d) -> None:
    x = signal_1d()
    result = Explainer(tiny1d).explain(
        x, methods=["occlusion"], target=2, params={"occlusion": {"patch": 4, "stride": 4}}
    )
    expected = Occlusion(tiny1d.module).attribute(
        x, sliding_window_shapes=(2, 4), strides=(2, 4), baselines=0.0, target=2
    )
    assert result.maps[("occlusion", "input")].shape == (TINY_LENGTH_1D,)
    np.testing.assert_allclose(
        result.maps[("occlusion", "input")], expected[0, 0].numpy(), rtol=1e-4, atol=1e-5
    )


def test_probability_output_matches_captum(tiny2d) -> None:
    x = image_2d(1)
    result = Explainer(tiny2d).explain(
        x,
        methods=["occlusion"],
        target=0,
        params={"occlusion": {"patch": 4, "stride": 4, "output": "probability"}},
    )
    expected = Occlusion(lambda batch: tiny2d.module(batch).softmax(-1)).attribute(
        x, sliding_window_shapes=(3, 4, 4), strides=(3, 4, 4), baselines=0.0, target=0
    )
    np.testing.assert_allclose(
        result.maps[("occlusion", "input")], expected[0, 0].numpy(), rtol=1e-4, atol=1e-6
    )


def literal_occlusion(model, x: torch.Tensor, target: int, patch: int, stride: int) -> np.ndarray:
    """One forward per window; the last window of each axis flush with the far edge."""
    height, width = x.shape[2:]
    rows = list(range(0, height - patch + 1, stride))
    cols = list(range(0, width - patch + 1, stride))
    rows += [height - patch] if rows[-1] != height - patch else []
    cols += [width - patch] if cols[-1] != width - patch else []
    total, count = np.zeros((height, width)), np.zeros((height, width))
    with torch.no_grad():
        base = float(model(x)[0, target])
        for top in rows:
            for left in cols:
                hidden = x.clone()
                hidden[:, :, top : top + patch, left : left + patch] = 0
                total[top : top + patch, left : left + patch] += base - float(
                    model(hidden)[0, target]
                )
                count[top : top + patch, left : left + patch] += 1
    return total / count


def test_every_pixel_is_covered_when_the_stride_does_not_divide(tiny2d) -> None:
    x = image_2d(2)
    assert window_starts(20, 7, 3) == [0, 3, 6, 9, 12, 13]
    result = Explainer(tiny2d).explain(
        x, methods=["occlusion"], target=2, params={"occlusion": {"patch": 7, "stride": 3}}
    )
    expected = literal_occlusion(tiny2d.module, x, 2, 7, 3)
    np.testing.assert_allclose(result.maps[("occlusion", "input")], expected, rtol=1e-4, atol=1e-5)


def test_patch_larger_than_the_input_hides_everything(tiny2d) -> None:
    x = image_2d(3)
    result = Explainer(tiny2d).explain(
        x, methods=["occlusion"], target=1, params={"occlusion": {"patch": 100}}
    )
    with torch.no_grad():
        drop = float(tiny2d.module(x)[0, 1] - tiny2d.module(torch.zeros_like(x))[0, 1])
    np.testing.assert_allclose(result.maps[("occlusion", "input")], drop, rtol=1e-5)


def test_batch_size_does_not_change_the_map(tiny2d) -> None:
    x = image_2d(4)

    def run(batch_size: int) -> np.ndarray:
        return occlusion_map(
            tiny2d.module,
            x,
            lambda out: out[:, [0, 2]],
            patch=5,
            stride=3,
            batch_size=batch_size,
        ).numpy()

    np.testing.assert_allclose(run(1), run(7), rtol=1e-5, atol=1e-5)  # float32 batching


def test_blur_matches_scipy() -> None:
    x = image_2d(5).double()
    sigma = 1.5
    expected = gaussian_filter(x.numpy(), sigma=(0, 0, sigma, sigma), mode="nearest", truncate=3.0)
    np.testing.assert_allclose(gaussian_blur(x, sigma).numpy(), expected, rtol=1e-10, atol=1e-12)
    signal = signal_1d().double()
    expected = gaussian_filter(signal.numpy(), sigma=(0, 0, sigma), mode="nearest", truncate=3.0)
    np.testing.assert_allclose(
        gaussian_blur(signal, sigma).numpy(), expected, rtol=1e-10, atol=1e-12
    )


def test_progress_reports_each_batch(tiny2d) -> None:
    calls = []
    Explainer(tiny2d).explain(
        image_2d(),
        methods=["occlusion"],
        params={"occlusion": {"patch": 4, "stride": 4, "batch_size": 10}},
        progress=lambda fraction, message: calls.append((fraction, message)),
    )
    ours = [(f, m) for f, m in calls if m.startswith("occlusion:")]
    windows = 5 * 7
    batches = -(-windows // 10)
    assert [m for _, m in ours[:-1]] == [
        f"occlusion: batch {n} of {batches}" for n in range(1, batches + 1)
    ]
    fractions = [f for f, _ in ours]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0


def test_cancel_stops_between_batches(tiny2d) -> None:
    token = CancelToken()
    forwards = []
    handle = tiny2d.module.register_forward_hook(lambda m, i, o: forwards.append(len(i[0])))

    def progress(fraction: float, message: str) -> None:
        if message == "occlusion: batch 2 of 4":
            token.cancel()

    try:
        with pytest.raises(Cancelled):
            Explainer(tiny2d).explain(
                image_2d(),
                methods=["occlusion"],
                params={"occlusion": {"patch": 4, "stride": 4, "batch_size": 10}},
                progress=progress,
                cancel=token,
            )
    finally:
        handle.remove()
    # the shared forward, the unoccluded base, batch 1 and batch 2: batches 3 and 4 never ran
    assert forwards == [1, 1, 10, 10]
