"""The Explainer: predictions, targets, maps against the method functions on independently
captured features, frozen results, the activation cache, cancellation and progress."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
from PIL import Image
from tiny_models import TINY_SIZE_2D, TinyGapNet2d, seeded
from torch import nn

from gapviewer.core.capture import Cancelled, CancelToken, hooks
from gapviewer.core.explain import Explainer, ExplainError
from gapviewer.core.methods import class_activation_maps, gap_direction, gap_magnitude
from gapviewer.core.models import load_model

GAP_FAMILY = ["gap-direction", "gap-magnitude", "cam"]


def pixels(seed: int = 0, size: tuple[int, int] = (30, 41)) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (*size, 3), dtype=np.uint8)


def reference(model, image) -> tuple[torch.Tensor, torch.Tensor]:
    """(pre-GAP features, logits) for `image`, captured with a plain hook of our own."""
    seen = {}
    module = dict(model.module.named_modules())[model.pre_gap_layer]
    handle = module.register_forward_hook(lambda m, i, o: seen.setdefault("f", o.detach().clone()))
    with hooks([handle]), torch.no_grad():
        logits = model.module(model.to_input(image))
    features = seen["f"].relu() if model.gap.activation == "relu" else seen["f"]
    return features, logits


def count_forwards(model) -> list[int]:
    calls = [0]

    def hook(*_):
        calls[0] += 1

    model.module.register_forward_pre_hook(hook)
    return calls


def test_maps_equal_the_method_functions_on_the_same_features(tiny2d):
    image = pixels()
    result = Explainer(tiny2d).explain(
        image, methods=GAP_FAMILY, params={"gap-direction": {"formula": "q7", "a": 2.0}}
    )
    features, logits = reference(tiny2d, image)
    top1 = int(logits.argmax())
    assert result.target == top1 and result.targets == (top1,)
    layer = "relu2"
    assert set(result.maps) == {(method, layer) for method in GAP_FAMILY}
    expected = {
        "gap-direction": gap_direction(features, "q7", 2.0)[0],
        "gap-magnitude": gap_magnitude(features)[0],
        "cam": class_activation_maps(features, tiny2d.module.classifier.weight.detach())[0, top1],
    }
    for method, values in expected.items():
        array = result.maps[(method, layer)]
        assert array.dtype == np.float32 and array.shape == (5, 7)
        np.testing.assert_allclose(array, values.numpy(), rtol=1e-5, atol=1e-7)
    assert dict(result.params["gap-direction"]) == {"formula": "q7", "a": 2.0}
    assert {"forward", *GAP_FAMILY} <= set(result.timings)
    assert result.input_shape == (3, *TINY_SIZE_2D) and result.skipped == ()


def test_predictions_are_top5_of_the_softmax(builtin, samples):
    result = Explainer(builtin).explain(samples["chelsea"], methods=["gap-magnitude"])
    _, logits = reference(builtin, samples["chelsea"])
    probs = logits[0].softmax(-1)
    order = probs.argsort(descending=True)[:5].tolist()
    assert [index for index, _, _ in result.predictions] == order
    assert [name for _, name, _ in result.predictions] == [builtin.class_names[i] for i in order]
    np.testing.assert_allclose([p for _, _, p in result.predictions], probs[order], rtol=1e-5)
    assert result.predictions[0][1] in ("tabby", "tiger cat", "Egyptian cat")
    assert result.maps[("gap-magnitude", "head")].shape == (7, 7)


def test_builtin_cam_averages_to_the_logit_minus_bias(builtin, samples):
    """Zhou et al. 2016: mean over positions of CAM_c is the class score without its bias."""
    result = Explainer(builtin).explain(samples["coffee"], methods=["cam"], target="espresso")
    _, logits = reference(builtin, samples["coffee"])
    espresso = builtin.class_names.index("espresso")
    assert result.target == espresso
    bias = builtin.module.classifier.bias[espresso].item()
    assert float(result.maps[("cam", "head")].mean()) == pytest.approx(
        float(logits[0, espresso]) - bias, rel=1e-4
    )


def test_targets_by_index_name_and_several(tiny2d):
    image = pixels(1)
    features, _ = reference(tiny2d, image)
    explainer = Explainer(tiny2d)
    by_index = explainer.explain(image, methods=["cam"], target=2)
    by_name = explainer.explain(image, methods=["cam"], target="CLASS 2")
    by_text = explainer.explain(image, methods=["cam"], target="2")
    for result in (by_index, by_name, by_text):
        assert result.target == 2
        np.testing.assert_array_equal(
            result.maps[("cam", "relu2")], by_index.maps[("cam", "relu2")]
        )
    several = explainer.explain(image, methods=["cam", "gap-direction"], target=[3, 0, "class 1"])
    assert several.targets == (3, 0, 1) and several.target == 3
    weight = tiny2d.module.classifier.weight.detach()
    all_cams = class_activation_maps(features, weight)[0]
    for target in (3, 0, 1):
        maps = several.target_maps[target]
        np.testing.assert_allclose(maps[("cam", "relu2")], all_cams[target].numpy(), rtol=1e-5)
        np.testing.assert_array_equal(
            maps[("gap-direction", "relu2")], several.maps[("gap-direction", "relu2")]
        )
    assert not np.allclose(several.target_maps[3][("cam", "relu2")], all_cams[0].numpy())


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (4, "out of range 0..3"),
        (-1, "out of range"),
        ("zebra", "unknown class name 'zebra'"),
        ("output", "single-output models"),
    ],
)
def test_bad_targets_are_refused(tiny2d, target, message):
    with pytest.raises(ExplainError, match=message):
        Explainer(tiny2d).explain(pixels(), methods=["cam"], target=target)


def test_results_are_frozen(tiny2d):
    result = Explainer(tiny2d).explain(pixels(), methods=GAP_FAMILY)
    array = result.maps[("gap-direction", "relu2")]
    with pytest.raises(ValueError, match="read-only"):
        array[0, 0] = 1.0
    with pytest.raises(TypeError):
        result.maps[("x", "y")] = array
    with pytest.raises(TypeError):
        result.timings["forward"] = 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.targets = (0,)


def test_image_kinds_give_the_same_maps(tiny2d, tmp_path):
    image = pixels(2)
    path = tmp_path / "photo.png"
    Image.fromarray(image).save(path)
    explainer = Explainer(tiny2d)
    reference_maps = explainer.explain(image, methods=GAP_FAMILY).maps
    prepared = tiny2d.to_input(image)
    for kind in (path, str(path), Image.fromarray(image), prepared, prepared[0]):
        explainer.clear_cache()
        maps = explainer.explain(kind, methods=GAP_FAMILY).maps
        for key, values in reference_maps.items():
            np.testing.assert_array_equal(maps[key], values)


def test_one_dimensional_model(tiny1d):
    signal = torch.randn(2, 52, generator=torch.Generator().manual_seed(0))
    result = Explainer(tiny1d).explain(signal, methods=GAP_FAMILY, target=1)
    features, _ = reference(tiny1d, signal)
    for key in [(method, "features") for method in GAP_FAMILY]:
        assert result.maps[key].shape == (13,)
    np.testing.assert_allclose(
        result.maps[("gap-direction", "features")], gap_direction(features)[0], rtol=1e-5
    )


def test_functional_relu_before_pooling_is_applied_to_the_features():
    """DenseNet style: the pre-GAP module's output goes through F.relu before the mean."""

    class ReluThenMean(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.block = nn.Conv2d(3, 6, 3, stride=2, padding=1)
            self.fc = nn.Linear(6, 3)

        def forward(self, x):
            return self.fc(torch.relu(self.block(x)).mean((2, 3)))

    model = load_model(seeded(ReluThenMean()), input_size=(9, 11))
    assert model.gap.activation == "relu"
    image = pixels(3)
    result = Explainer(model).explain(image, methods=GAP_FAMILY)
    features, _ = reference(model, image)
    assert (features >= 0).all()
    np.testing.assert_allclose(
        result.maps[("gap-magnitude", "block")], gap_magnitude(features)[0], rtol=1e-5
    )


def test_cam_is_skipped_without_a_linear_output_head():
    class TwoLayerHead(TinyGapNet2d):
        def __init__(self) -> None:
            super().__init__()
            self.out = nn.Linear(4, 2)

        def forward(self, x):
            return self.out(torch.relu(super().forward(x)))

    model = load_model(seeded(TwoLayerHead()), input_size=TINY_SIZE_2D)
    result = Explainer(model).explain(pixels(), methods=GAP_FAMILY)
    assert set(result.maps) == {("gap-direction", "relu2"), ("gap-magnitude", "relu2")}
    assert result.skipped == (("cam", "relu2", "cam needs a single linear layer after GAP"),)


def test_gap_family_at_another_layer_is_skipped_with_the_reason(tiny2d):
    result = Explainer(tiny2d).explain(pixels(), methods=["gap-direction"], layers=["features"])
    assert result.maps == {}
    assert result.skipped == (
        ("gap-direction", "features", "gap-direction applies at the pre-GAP layer (relu2) only"),
    )


def test_switching_class_or_method_needs_no_new_forward(tiny2d):
    calls = count_forwards(tiny2d)
    explainer = Explainer(tiny2d)
    image = pixels(4)
    first = explainer.explain(image, methods=["cam"], target=0)
    again = explainer.explain(image, methods=["cam"], target=3)
    other = explainer.explain(image, methods=["gap-direction", "gap-magnitude"], target=1)
    assert calls[0] == 1
    assert first.target == 0 and again.target == 3 and other.target == 1
    features, _ = reference(tiny2d, image)
    assert calls[0] == 2  # our own reference pass
    weight = tiny2d.module.classifier.weight.detach()
    np.testing.assert_allclose(
        again.maps[("cam", "relu2")], class_activation_maps(features, weight)[0, 3], rtol=1e-5
    )
    explainer.explain(pixels(5), methods=["cam"])
    assert calls[0] == 3  # a new image needs its forward
    explainer.explain(image, methods=["cam"], target=0)
    assert calls[0] == 3  # still cached (bounded LRU, both fit)


def test_cache_is_bounded(tiny2d):
    calls = count_forwards(tiny2d)
    explainer = Explainer(tiny2d, cache_bytes=1)  # room for one entry only
    explainer.explain(pixels(6), methods=["cam"])
    explainer.explain(pixels(7), methods=["cam"])
    explainer.explain(pixels(6), methods=["cam"])
    assert calls[0] == 3


def test_cancel_token_stops_the_work_and_leaves_no_hooks(tiny2d):
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        Explainer(tiny2d).explain(pixels(), methods=GAP_FAMILY, cancel=token)

    token = CancelToken()
    seen = []

    def progress(fraction, message):
        seen.append(message)
        if message.startswith("gap-magnitude"):
            token.cancel()

    with pytest.raises(Cancelled):
        Explainer(tiny2d).explain(pixels(), methods=GAP_FAMILY, cancel=token, progress=progress)
    assert seen[-1].startswith("gap-magnitude") and not any(m.startswith("cam") for m in seen)
    assert all(not m._forward_hooks for m in tiny2d.module.modules())


def test_progress_is_reported_in_order_up_to_done(tiny2d):
    seen = []
    Explainer(tiny2d).explain(
        pixels(), methods=GAP_FAMILY, progress=lambda f, m: seen.append((f, m))
    )
    fractions = [fraction for fraction, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and seen[-1] == (1.0, "done")
    assert [m for _, m in seen[1:-1]] == [f"{method} at relu2" for method in GAP_FAMILY]


def test_explaining_does_not_touch_the_global_rng_or_parameters(tiny2d):
    before = {k: v.clone() for k, v in tiny2d.module.state_dict().items()}
    explainer = Explainer(tiny2d)
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    explainer.explain(pixels(), methods=GAP_FAMILY)
    assert torch.equal(torch.rand(3), expected)
    for key, value in tiny2d.module.state_dict().items():
        assert torch.equal(value, before[key])


def test_gap_direction_and_magnitude_share_one_pass_over_the_features(tiny2d, monkeypatch):
    from gapviewer.core.methods import gap, gap_family

    calls = []
    real = gap.gap_statistics

    def counted(features):
        calls.append(features.shape)
        return real(features)

    monkeypatch.setattr(gap_family, "gap_statistics", counted)
    x = torch.randn(1, 3, *TINY_SIZE_2D, generator=torch.Generator().manual_seed(3))
    result = Explainer(tiny2d).explain(x, methods=["gap-direction", "gap-magnitude"])
    assert len(calls) == 1
    net = tiny2d.module
    with torch.no_grad():
        grid = net.relu2(net.features(net.relu1(net.conv1(x))))
    np.testing.assert_allclose(
        result.maps[("gap-direction", "relu2")], gap.gap_direction(grid)[0].numpy(), rtol=1e-6
    )
    np.testing.assert_allclose(
        result.maps[("gap-magnitude", "relu2")], gap.gap_magnitude(grid)[0].numpy(), rtol=1e-6
    )
