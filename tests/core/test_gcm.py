"""GCM architecture (IPSJ 2017 eqs. 1-7) and method `gcm`, on tiny seeded models."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from torch import nn

from gapviewer.core.explain import Explainer
from gapviewer.core.gcm import GenerativeContributionMapping, build_gcm
from gapviewer.core.models import load_model

SIZE = (8, 12)


def _gcm(num_classes: int = 4, in_channels: int = 2, relu: bool = False, seed: int = 0):
    """A seeded GCM whose batch-norm statistics come from a few random images (a freshly built
    one in eval mode shrinks its features so much that every class scores the same)."""
    torch.manual_seed(seed)
    model = GenerativeContributionMapping(num_classes, in_channels=in_channels, relu=relu)
    with torch.no_grad():
        model.train()(torch.randn(16, in_channels, *SIZE))
    return model.eval()


def _image(in_channels: int = 2, seed: int = 1) -> torch.Tensor:
    return torch.randn((1, in_channels, *SIZE), generator=torch.Generator().manual_seed(seed))


def test_score_is_exactly_the_mean_of_the_class_contribution_map():
    model = _gcm()
    image = _image()
    with torch.no_grad():
        scores = model(image)
        ccm = model.class_contribution_maps(image)
    assert scores.shape == (1, 4)
    assert ccm.shape == (1, 4, 2, *SIZE)
    assert torch.equal(scores, ccm.mean(dim=(2, 3, 4)))


def test_score_is_the_inner_product_of_weights_and_image_over_rcd():
    """eq. 7 by a literal loop over rows, columns and channels, in float64."""
    model = _gcm(num_classes=3)
    image = _image()
    with torch.no_grad():
        weights = model.class_weight_maps(image)[0].double().numpy()
        scores = model(image)[0].double().numpy()
    pixels = image[0].double().numpy()
    depth, rows, cols = pixels.shape
    for j in range(3):
        total = 0.0
        for r, c, d in itertools.product(range(rows), range(cols), range(depth)):
            total += weights[j, r, c] * pixels[d, r, c]
        assert scores[j] == pytest.approx(total / (rows * cols * depth), rel=1e-5, abs=1e-7)


def test_contribution_map_is_the_weight_map_tiled_over_channels_times_the_image():
    model = _gcm(in_channels=3)
    image = _image(3)
    with torch.no_grad():
        weights = model.class_weight_maps(image)
        ccm = model.class_contribution_maps(image)
    for d in range(3):
        assert torch.equal(ccm[:, :, d], weights * image[:, None, d])


def test_prediction_is_the_argmax_of_the_scores():
    model = _gcm(num_classes=5)
    loaded = load_model(model, input_size=SIZE, in_channels=2, mean=(0, 0), std=(1, 1))
    image = _image()
    explanation = Explainer(loaded).explain(image, methods=["gcm"])
    with torch.no_grad():
        expected = int(model(image).argmax())
    assert explanation.target == expected
    assert explanation.predictions[0][0] == expected


def test_shared_decoder_does_not_grow_with_the_class_count():
    small, large = _gcm(num_classes=2), _gcm(num_classes=100)
    assert small.shared_decoder_parameters() == large.shared_decoder_parameters()
    count = lambda m: sum(p.numel() for p in m.parameters())  # noqa: E731
    # Only the per-class modulation table (gamma, beta: 2 x 16 per class) grows.
    assert count(large) - count(small) == 98 * 2 * 16


def test_table3_layout():
    model = _gcm(in_channels=3)
    encoder = [m for m in model.encoder if isinstance(m, nn.Conv2d)]
    assert [m.out_channels for m in encoder] == [16] * 4 + [32] * 3 + [64] * 3
    assert [m.stride[0] for m in encoder] == [1, 1, 1, 1, 2, 1, 1, 2, 1, 1]
    assert all(m.kernel_size == (3, 3) for m in encoder)
    assert sum(isinstance(m, nn.BatchNorm2d) for m in model.encoder) == 10
    decoder = [m for m in model.decoder if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]
    assert [(type(m).__name__, m.out_channels, m.stride[0]) for m in decoder] == [
        ("ConvTranspose2d", 32, 2),
        ("Conv2d", 32, 1),
        ("ConvTranspose2d", 16, 2),
        ("Conv2d", 16, 1),
    ]
    assert model.weight_map.kernel_size == (5, 5) and model.weight_map.out_channels == 1


def test_weight_maps_have_the_input_size_and_relu_variant_is_non_negative():
    image = _image()
    with torch.no_grad():
        plain = _gcm().class_weight_maps(image)
        relu = _gcm(relu=True).class_weight_maps(image)
    assert plain.shape == relu.shape == (1, 4, *SIZE)
    assert (plain < 0).any()
    assert (relu >= 0).all()
    assert torch.equal(relu, plain.relu())


def test_classes_get_different_maps():
    with torch.no_grad():
        weights = _gcm().class_weight_maps(_image())[0]
    assert not torch.allclose(weights[0], weights[1])


def test_input_size_must_divide_by_four():
    with pytest.raises(ValueError, match="divisible by 4"):
        _gcm()(torch.zeros(1, 2, 10, 12))


def test_builder_takes_the_saved_options():
    model = build_gcm(num_classes=7, in_channels=1, relu=True)
    assert model.num_classes == 7 and model.relu
    assert model.encoder[0].in_channels == 1


def test_method_gcm_is_the_channel_summed_contribution_map_for_each_target():
    model = _gcm(num_classes=4)
    loaded = load_model(model, input_size=SIZE, in_channels=2, mean=(0, 0), std=(1, 1))
    image = _image()
    explanation = Explainer(loaded).explain(image, methods=["gcm"], target=[0, 3])
    with torch.no_grad():
        ccm = model.class_contribution_maps(image)[0].sum(dim=1).numpy()
        scores = model(image)[0].numpy()
    for target in (0, 3):
        values = explanation.target_maps[target][("gcm", "model")]
        assert values.shape == SIZE
        np.testing.assert_allclose(values, ccm[target], rtol=1e-6, atol=1e-7)
        # Its mean over positions is D times the class score (eqs. 4, 6).
        assert values.mean() == pytest.approx(2 * scores[target], rel=1e-4, abs=1e-6)
    assert explanation.skipped == ()


def test_method_gcm_is_skipped_with_a_reason_for_other_models(tiny2d):
    explanation = Explainer(tiny2d).explain(
        np.zeros((20, 28, 3), np.uint8), methods=["gcm", "gap-direction"]
    )
    assert [(m, layer) for m, layer, _ in explanation.skipped] == [("gcm", "model")]
    assert "not one" in explanation.skipped[0][2]
    assert ("gap-direction", tiny2d.pre_gap_layer) in explanation.maps
