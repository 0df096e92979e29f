"""core.metrics against hand-computed cases on tiny models whose answer depends on one known
region, literal loops, and scipy as the peer reference for ranks and blur."""

import json
import math

import numpy as np
import pytest
import scipy.ndimage
import scipy.stats
import torch
from PIL import Image
from torch import nn

from gapviewer.core import metrics
from gapviewer.core.data import Box
from gapviewer.core.explain import Explainer
from gapviewer.core.models import load_model

K = 6.0  # logit gain of the region model


class RegionModel(nn.Module):
    """Two classes; logit 0 = K * mean of the input over the top-left `extent` x `extent`
    pixels (all channels), logit 1 = 0. Only that region matters."""

    def __init__(self, extent: int = 4) -> None:
        super().__init__()
        self.extent = extent

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        region = x[:, :, : self.extent, : self.extent].mean(dim=(1, 2, 3))
        return torch.stack([K * region, torch.zeros_like(region)], dim=1)


def region_model(size=(16, 16), extent=4):
    return load_model(RegionModel(extent), input_size=size, mean=(0, 0, 0), std=(1, 1, 1))


RIGHT = np.zeros((4, 4), np.float32)
RIGHT[0, 0] = 1  # the 4x4 map cell over the region
WRONG = 1 - RIGHT  # ranks the region last
FAR = np.zeros((4, 4), np.float32)
FAR[3, 3] = 1  # one peak far from the region


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


def trapezoid(values, width):
    return sum((a + b) / 2 * width for a, b in zip(values[:-1], values[1:], strict=True))


def test_deletion_and_insertion_hand_computed():
    model = region_model((4, 4), extent=2)
    image = torch.ones(1, 3, 4, 4)
    region_first = np.array([0, 1, 4, 5] + [i for i in range(16) if i not in (0, 1, 4, 5)])
    region_last = region_first[::-1].copy()
    high, low = sigmoid(K), 0.5
    cases = [
        ("deletion", region_first, [high, low, low, low, low]),
        ("deletion", region_last, [high, high, high, high, low]),
        ("insertion", region_first, [low, high, high, high, high]),
        ("insertion", region_last, [low, low, low, low, high]),
    ]
    for kind, order, expected in cases:
        curve = metrics.perturbation_curve(
            model, image, kind, 0, order, baseline="zero", steps=4, batch_size=2
        )
        np.testing.assert_allclose(curve.fractions, [0, 0.25, 0.5, 0.75, 1])
        np.testing.assert_allclose(curve.scores, expected, rtol=1e-6)
        assert curve.area == pytest.approx(trapezoid(expected, 0.25))


def test_the_right_map_wins_deletion_and_insertion_and_beats_chance():
    model = region_model()
    image = torch.ones(1, 3, 16, 16)
    options = {"baseline": "zero", "steps": 16, "batch_size": 8}
    right_deletion = metrics.deletion_curve(model, image, RIGHT, 0, **options)
    wrong_deletion = metrics.deletion_curve(model, image, WRONG, 0, **options)
    right_insertion = metrics.insertion_curve(model, image, RIGHT, 0, **options)
    wrong_insertion = metrics.insertion_curve(model, image, WRONG, 0, **options)
    assert right_deletion.area < wrong_deletion.area
    assert right_insertion.area > wrong_insertion.area
    chance = metrics.random_order_curve(model, image, "deletion", 0, repeats=3, **options)
    assert right_deletion.area < chance.area < wrong_deletion.area


def test_perturbation_curve_matches_a_literal_loop(tiny2d):
    model = tiny2d
    rng = np.random.default_rng(3)
    image = torch.from_numpy(rng.normal(size=(1, 3, 20, 28)).astype(np.float32))
    saliency = rng.normal(size=(5, 7)).astype(np.float32)
    curve = metrics.deletion_curve(
        model, image, saliency, 2, baseline="mean", steps=7, batch_size=3
    )
    from gapviewer.core.render import upsample

    order = np.argsort(-upsample(saliency, (20, 28)).ravel(), kind="stable")
    pixels = image[0].numpy().reshape(3, -1)
    mean = pixels.mean(axis=1, keepdims=True)
    expected = []
    for step in range(8):
        changed = order[: round(step * 560 / 7)]
        edited = pixels.copy()
        edited[:, changed] = mean
        with torch.no_grad():
            logits = model.module(torch.from_numpy(edited.reshape(1, 3, 20, 28)))
        expected.append(float(logits.softmax(-1)[0, 2]))
    np.testing.assert_allclose(curve.scores, expected, rtol=1e-5)


def test_baselines():
    rng = np.random.default_rng(0)
    image = torch.from_numpy(rng.normal(size=(1, 3, 24, 30)).astype(np.float32))
    blurred = metrics.baseline_input(image, "blur", blur_sigma=3.0)[0].numpy()
    reference = scipy.ndimage.gaussian_filter(
        image[0].numpy(), sigma=(0, 3, 3), mode="mirror", truncate=2.0
    )
    np.testing.assert_allclose(blurred, reference, atol=1e-5)
    mean = metrics.baseline_input(image, "mean")
    np.testing.assert_allclose(mean[0, :, 5, 7].numpy(), image[0].mean(dim=(1, 2)), rtol=1e-5)
    assert not metrics.baseline_input(image, "zero").any()
    signal = torch.from_numpy(rng.normal(size=(1, 2, 40)).astype(np.float32))
    reference_1d = scipy.ndimage.gaussian_filter1d(
        signal[0].numpy(), 2.0, axis=-1, mode="mirror", truncate=2.0
    )
    np.testing.assert_allclose(
        metrics.baseline_input(signal, "blur", 2.0)[0].numpy(), reference_1d, atol=1e-5
    )
    with pytest.raises(ValueError, match="baseline"):
        metrics.baseline_input(image, "noise")


def test_spearman_matches_scipy_with_ties():
    rng = np.random.default_rng(1)
    a = rng.integers(0, 5, size=(6, 7)).astype(float)
    b = a + rng.normal(size=a.shape)
    expected = scipy.stats.spearmanr(a.ravel(), b.ravel()).statistic
    assert metrics.spearman(a, b) == pytest.approx(expected)
    np.testing.assert_allclose(metrics.ranks([3, 1, 3, 2]), scipy.stats.rankdata([3, 1, 3, 2]))
    assert math.isnan(metrics.spearman(np.ones(4), np.arange(4)))


def test_common_grid_pools_the_finer_map():
    fine = np.arange(16, dtype=np.float32).reshape(4, 4)
    coarse = np.zeros((2, 2), np.float32)
    pooled, same = metrics.common_grid(fine, coarse)
    np.testing.assert_allclose(pooled, [[2.5, 4.5], [10.5, 12.5]])
    assert same is not None and same.shape == (2, 2)


def test_occlusion_map_hand_computed_and_agreement():
    model = region_model()
    image = torch.ones(1, 3, 16, 16)
    occlusion = metrics.occlusion_map(model, image, 0, window=4, stride=4, batch_size=5)
    expected = np.zeros((4, 4))
    expected[0, 0] = sigmoid(K) - 0.5
    np.testing.assert_allclose(occlusion, expected, atol=1e-6)
    shifted = metrics.occlusion_map(model, image, 0, window=4, stride=3)
    assert shifted.shape == (5, 5)  # starts 0, 3, 6, 9 and the last window at 12
    right = metrics.occlusion_agreement(model, image, RIGHT, 0, reference=occlusion)
    wrong = metrics.occlusion_agreement(model, image, WRONG, 0, reference=occlusion)
    assert right == pytest.approx(1.0) and wrong < 0
    registered = metrics.reference_occlusion(model, image, 0, window=4, stride=4)
    pooled, _ = metrics.common_grid(registered, occlusion)
    np.testing.assert_allclose(pooled, expected, atol=1e-6)
    assert metrics.occlusion_agreement(model, image, RIGHT, 0, window=4, stride=4) > 0.99


class SwitchModel(nn.Module):
    """`features` (1x1 conv): channel 0 = mean of RGB, channel 1 = 0.2; GAP; logits
    10 * (GAP0, GAP1). A bright patch covering a quarter of the image wins class 0 (2.5 vs 2);
    zeroing the patch's feature vectors flips it to class 1 (0 vs 1.5)."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Conv2d(3, 2, 1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.classifier = nn.Linear(2, 2, bias=False)
        with torch.no_grad():
            self.features.weight.zero_()
            self.features.weight[0] = 1 / 3
            self.features.bias.copy_(torch.tensor([0.0, 0.2]))
            self.classifier.weight.copy_(10 * torch.eye(2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.flatten(self.pool(self.features(x))))


def test_invalidating_the_known_region_flips_the_prediction():
    model = load_model(
        SwitchModel(), input_size=(8, 8), mean=(0, 0, 0), std=(1, 1, 1), classes=["patch", "rest"]
    )
    image = np.zeros((8, 8, 3), np.uint8)
    image[:4, :4] = 255
    mask = np.zeros((8, 8), bool)
    mask[:4, :4] = True
    result = metrics.invalidate_features(model, image, "features", mask)
    assert result.target == 0 and result.target_name == "patch"
    assert result.score_before == pytest.approx(2.5) and result.score_after == pytest.approx(0)
    assert (result.rank_before, result.rank_after) == (1, 2)
    assert [r.name for r in result.top_before] == ["patch", "rest"]
    assert [r.name for r in result.top_after] == ["rest", "patch"]
    assert result.top_after[0].score == pytest.approx(1.5)
    assert "patch" in result.table() and "1.50" in result.table()
    with pytest.raises(ValueError, match="does not fit"):
        metrics.invalidate_features(model, image, "features", np.zeros((3, 3), bool))
    rest = metrics.invalidate_features(model, image, "features", ~mask, target=0)
    assert rest.score_after == pytest.approx(2.5)  # the patch alone still gives class 0 its 2.5
    assert rest.top_after[1].score == pytest.approx(0.5)  # 0.2 over 16 of 64 cells, times 10


def test_top_fraction_mask_keeps_positive_cells_only():
    values = np.array([[0.5, -1.0], [2.0, 0.0]])
    np.testing.assert_array_equal(metrics.top_fraction_mask(values, 0.25), [[0, 0], [1, 0]])
    np.testing.assert_array_equal(metrics.top_fraction_mask(values, 1.0), [[1, 0], [1, 0]])
    with pytest.raises(ValueError):
        metrics.top_fraction_mask(values, 0)


def test_box_from_map_largest_component_and_iou():
    saliency = np.zeros((6, 6), np.float32)
    saliency[1, 1], saliency[1, 2] = 1.0, 0.5  # two cells, connected
    saliency[4, 4] = 0.9  # a single cell: a smaller component
    saliency[3, 0] = 0.1  # below 15 % of the maximum
    box = metrics.box_from_map(saliency, (6, 6))
    assert (box.xmin, box.ymin, box.xmax, box.ymax) == (2, 2, 3, 2)
    assert metrics.box_from_map(-np.ones((3, 3)), (6, 6)) is None
    a, b = Box("a", 1, 1, 2, 2), Box("b", 2, 2, 3, 3)
    assert metrics.iou(a, b) == pytest.approx(1 / 7)
    assert metrics.iou(a, Box("c", 5, 5, 6, 6)) == 0
    found = metrics.localise(saliency, (6, 6), [b, Box("d", 2, 2, 3, 2)])
    assert found.best.label == "d" and found.iou == pytest.approx(1.0)
    assert metrics.localise(saliency, (6, 6), []).iou == 0


def test_the_right_map_wins_the_pointing_game():
    size = (40, 40)  # the image; the map covers it (rows/columns 1..10 hold the region)
    boxes = [Box("region", 1, 1, 10, 10)]
    assert metrics.pointing_game(RIGHT, size, boxes, tolerance=0)
    assert not metrics.pointing_game(FAR, size, boxes, tolerance=0)
    near = np.zeros((4, 4), np.float32)
    near[1, 1] = 1  # peak around pixel 15: outside the box, within 15 px of it
    assert not metrics.pointing_game(near, size, boxes, tolerance=0)
    assert metrics.pointing_game(near, size, boxes)


def test_classification_summary_hand_computed():
    names = ["a", "b", "c", "d"]
    summary = metrics.classification_summary([0, 0, 1, 3, 3, 3], [0, 1, 1, 3, 0, 3], names)
    assert summary.labels == ("a", "b", "d")
    np.testing.assert_array_equal(summary.matrix, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert summary.accuracy == pytest.approx(4 / 6)
    np.testing.assert_allclose(summary.precision, [0.5, 0.5, 1.0])
    np.testing.assert_allclose(summary.recall, [0.5, 1.0, 2 / 3])
    np.testing.assert_array_equal(summary.support, [2, 1, 3])
    never_predicted = metrics.classification_summary([0, 1], [0, 0], names)
    assert math.isnan(never_predicted.precision[1]) and never_predicted.recall[1] == 0


def test_spread():
    assert metrics.spread([1.0, 3.0, float("nan"), None]) == metrics.Spread(2.0, math.sqrt(2), 2)
    assert metrics.spread([]).count == 0


def test_sanity_check_flags_maps_blind_to_the_randomised_layers(tiny2d):
    model = tiny2d
    state = {k: v.clone() for k, v in model.module.state_dict().items()}
    image = torch.from_numpy(np.random.default_rng(2).normal(size=(1, 3, 20, 28)).astype("f4"))
    randomised, names = metrics.randomised_copy(model, top=1)
    assert names == ["classifier"]
    results = {
        r.method: r
        for r in metrics.sanity_check(
            model, image, ["gap-direction", "cam"], randomised=randomised, target=1, threshold=0.9
        )
    }
    # gap-direction reads only the features, untouched by re-initialising the classifier
    assert results["gap-direction"].correlation == 1.0 and results["gap-direction"].unchanged
    assert results["cam"].correlation < 0.9 and not results["cam"].unchanged
    deeper, names = metrics.randomised_copy(model, top=2)
    assert names == ["classifier", "features"]
    results = metrics.sanity_check(model, image, ["gap-direction"], randomised=deeper)
    assert not results[0].unchanged
    for key, value in model.module.state_dict().items():
        torch.testing.assert_close(value, state[key])


def write_photo(path, pixels):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path)


def test_eval_command_report(tiny2d, tmp_path, monkeypatch, capsys):
    from gapviewer import cli
    from gapviewer.commands import eval as command

    model = tiny2d
    monkeypatch.setattr(command, "load_model_from_args", lambda args: model)
    rng = np.random.default_rng(5)
    for name in ("a", "b"):
        write_photo(tmp_path / "class 1" / f"{name}.png", rng.integers(0, 255, (20, 28, 3), "u1"))
    (tmp_path / "class 1" / "a.xml").write_text(
        "<annotation><object><name>class 1</name><bndbox><xmin>1</xmin><ymin>1</ymin>"
        "<xmax>14</xmax><ymax>10</ymax></bndbox></object></annotation>"
    )
    out = tmp_path / "report.json"
    metrics_arg = "deletion,insertion,occlusion-agreement,pointing,localisation,sanity"
    code = cli.main(
        [
            "eval",
            str(tmp_path),
            "--method",
            "gap-direction,cam",
            "--metric",
            metrics_arg,
            "--steps",
            "5",
            "--target",
            "true",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    report = json.loads(out.read_text())
    assert set(report["summary"]) == {"gap-direction@relu2", "cam@relu2", "random order"}
    cam = report["summary"]["cam@relu2"]
    assert cam["deletion"]["count"] == 2 and cam["pointing"]["count"] == 1  # one XML file
    assert 0 <= cam["localisation"]["mean"] <= 1 and -1 <= cam["sanity"]["mean"] <= 1
    assert [image["target_name"] for image in report["images"]] == ["class 1", "class 1"]
    first = report["images"][0]["results"]["cam@relu2"]
    image = np.asarray(Image.open(tmp_path / "class 1" / "a.png"))
    explanation = Explainer(model).explain(image, ["cam"], target=1)
    expected = metrics.deletion_curve(
        model, image, explanation.maps[("cam", "relu2")], 1, steps=5
    ).area
    assert first["deletion"] == pytest.approx(expected)
    assert "cam@relu2" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["eval", str(tmp_path), "--metric", "accuracy"])


def test_eval_invalidate_command(tmp_path, monkeypatch, capsys):
    from gapviewer import cli
    from gapviewer.commands import eval as command

    model = load_model(
        SwitchModel(), input_size=(8, 8), mean=(0, 0, 0), std=(1, 1, 1), classes=["patch", "rest"]
    )
    monkeypatch.setattr(command, "load_model_from_args", lambda args: model)
    pixels = np.zeros((8, 8, 3), np.uint8)
    pixels[:4, :4] = 255
    write_photo(tmp_path / "img.png", pixels)
    out = tmp_path / "whatif.json"
    args = ["eval", str(tmp_path / "img.png"), "--layer", "features", "--out", str(out)]
    assert cli.main([*args, "--invalidate", "box:0-3,0-3"]) == 0
    printed = capsys.readouterr().out
    assert "patch: score 2.50 -> 0.00, rank 1 -> 2 (16 of 64 cells" in printed
    record = json.loads(out.read_text())[0]
    assert record["top_after"][0]["name"] == "rest" and len(record["cells"]) == 16
    assert cli.main([*args, "--invalidate", "top:25%", "--method", "gap-direction"]) == 0
    assert "rank 1 -> 2" in capsys.readouterr().out  # the patch holds the top quarter
    assert cli.main([*args, "--invalidate", "cells:0,0;9,9"]) == 1
    assert "within the 8x8 grid" in capsys.readouterr().err


def test_parse_region():
    from gapviewer.commands.eval import parse_region

    np.testing.assert_array_equal(
        parse_region("cells:0,1;2,0", (3, 2), None), [[0, 1], [0, 0], [1, 0]]
    )
    np.testing.assert_array_equal(
        parse_region("box:1-2,0-0", (3, 2), None), [[0, 0], [1, 0], [1, 0]]
    )
    np.testing.assert_array_equal(parse_region("cells:0,2", (4,), None), [0, 0, 1, 0])
    assert parse_region("top:50%", (2, 2), np.array([[4.0, 3], [2, -1]])).sum() == 2
    with pytest.raises(ValueError, match="expected"):
        parse_region("ring:1", (3, 3), None)
