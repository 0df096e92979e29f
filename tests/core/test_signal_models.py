"""core.signal_models and every map method on 1-D and multi-channel models, against the same
independent references as in 2-D (the patent's FIG. 5 loop, CAM by hand, captum LayerGradCam)."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pytest
import torch
from captum.attr import LayerGradCam
from PIL import Image
from safetensors.torch import save_file
from tiny_models import TinyGapNet2d, seeded

from gapviewer.core.capture import capture_outputs
from gapviewer.core.explain import Explainer
from gapviewer.core.methods import METHODS
from gapviewer.core.model_files import ModelLoadError, UntrustedFileError
from gapviewer.core.models import ARCHITECTURES, LoadedModel, load_model
from gapviewer.core.signal_models import (
    ARCHITECTURE,
    GapCnn1d,
    load_user_model,
    signal_metadata,
)
from gapviewer.core.signals import SignalPreprocessing

LENGTH = 64


def signal_model(seed: int = 0) -> LoadedModel:
    module = seeded(GapCnn1d(3, in_channels=2, widths=(4, 6, 8), kernel_size=5), seed)
    return load_model(module, input_size=(LENGTH,), in_channels=2, classes=["a", "b", "c"])


def channel_model(seed: int = 0) -> LoadedModel:
    module = seeded(TinyGapNet2d(in_channels=6), seed)
    return load_model(module, input_size=(20, 28), in_channels=6)


MODELS = {"1d": signal_model, "6-channel": channel_model}


def sample(model: LoadedModel, seed: int = 1) -> torch.Tensor:
    shape = (1, model.in_channels, *model.preprocessing.size)
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


def features(model: LoadedModel, x: torch.Tensor, layer: str) -> torch.Tensor:
    with torch.no_grad(), capture_outputs(model.module, [layer]) as captured:
        model.module(x)
    return captured[layer][0].double()


def test_family_is_registered_and_its_gap_detected():
    assert ARCHITECTURES[ARCHITECTURE] is not None
    model = signal_model()
    assert isinstance(model.preprocessing, SignalPreprocessing)
    gap = model.gap
    assert (gap.pre_gap_layer, gap.gap_layer, gap.classifier_layer) == (
        "features",
        "pool",
        "classifier",
    )
    assert gap.classifier_is_output and gap.grid == (LENGTH // 4,) and gap.channels == 8


def test_saved_file_loads_as_a_signal_model(tmp_path):
    module = seeded(GapCnn1d(2, widths=(4, 8)))
    path = tmp_path / "clicks.safetensors"
    metadata = signal_metadata(
        ["click", "hum"], 100, sample_rate=8000, mean=(0.1,), std=(0.5,), options={"widths": [4, 8]}
    )
    save_file(module.state_dict(), str(path), metadata=metadata)
    loaded = load_model(path)
    prep = loaded.preprocessing
    assert isinstance(prep, SignalPreprocessing)
    assert (prep.size, prep.sample_rate, prep.mean, prep.std) == ((100,), 8000, (0.1,), (0.5,))
    assert loaded.class_names == ["click", "hum"] and loaded.architecture == ARCHITECTURE
    x = torch.randn(1, 1, 100)
    with torch.no_grad():
        torch.testing.assert_close(loaded.module(x), module(x))


USER_MODULE = """
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self, classes=2):
        super().__init__()
        self.conv = nn.Conv1d(3, 4, 3, padding=1)
        self.head = nn.Linear(4, classes)

    def forward(self, x):
        return self.head(torch.relu(self.conv(x)).mean(-1))


NOT_A_MODULE = 42
"""


def test_user_architecture_needs_trust(tmp_path, monkeypatch):
    (tmp_path / "lab_models_signal_test.py").write_text(textwrap.dedent(USER_MODULE))
    monkeypatch.syspath_prepend(str(tmp_path))
    import lab_models_signal_test

    reference = lab_models_signal_test.Net(classes=5)
    weights = tmp_path / "net.pt"
    torch.save(reference.state_dict(), weights)
    spec = "lab_models_signal_test:Net"
    with pytest.raises(UntrustedFileError, match="runs its code"):
        load_user_model(spec, weights, trust=False, input_size=(30,), in_channels=3)
    model = load_user_model(
        spec, weights, trust=True, input_size=(30,), in_channels=3, options={"classes": 5}
    )
    assert model.num_classes == 5 and model.pre_gap_layer == "conv"
    assert "trusted" in model.source
    x = torch.randn(1, 3, 30)
    with torch.no_grad():
        torch.testing.assert_close(model.module(x), reference(x))
    with pytest.raises(ModelLoadError, match="weights do not fit"):
        load_user_model(spec, weights, trust=True, input_size=(30,), in_channels=3)
    with pytest.raises(ModelLoadError, match="not an nn.Module class"):
        load_user_model(
            "lab_models_signal_test:NOT_A_MODULE", weights, trust=True, input_size=(30,)
        )
    with pytest.raises(ModelLoadError, match="package.module:Class"):
        load_user_model("lab_models_signal_test.Net", weights, trust=True, input_size=(30,))
    with pytest.raises(ModelLoadError, match="cannot import"):
        load_user_model("no_such_package_xyz:Net", weights, trust=True, input_size=(30,))


@pytest.mark.parametrize("kind", MODELS)
def test_gap_direction_and_magnitude_follow_the_patent_loop(kind):
    model = MODELS[kind]()
    x = sample(model)
    result = Explainer(model).explain(x, methods=["gap-direction", "gap-magnitude"])
    layer = model.pre_gap_layer
    vectors = features(model, x, layer).flatten(1).T  # (N, m): v_j per region
    count = len(vectors)
    gap = vectors.mean(0)  # eq. q1
    direction, magnitude = np.zeros(count), np.zeros(count)
    for i in range(count):
        removed = (vectors.sum(0) - vectors[i]) / count  # eq. q2
        direction[i] = 1 - float(torch.cosine_similarity(gap, removed, dim=0))  # eqs. q3, q4
        magnitude[i] = float(torch.cosine_similarity(vectors[i], gap, dim=0) * vectors[i].norm())
    grid = model.layer(layer).spatial
    np.testing.assert_allclose(
        result.maps[("gap-direction", layer)], direction.reshape(grid), rtol=1e-3, atol=1e-7
    )
    np.testing.assert_allclose(
        result.maps[("gap-magnitude", layer)], magnitude.reshape(grid), rtol=1e-4, atol=1e-6
    )


@pytest.mark.parametrize("kind", MODELS)
def test_cam_by_hand(kind):
    model = MODELS[kind]()
    x = sample(model)
    result = Explainer(model).explain(x, methods=["cam"], target=1)
    layer = model.pre_gap_layer
    a = features(model, x, layer).relu() if model.gap.activation else features(model, x, layer)
    weight = model.module.classifier.weight.detach().double()[1]
    expected = torch.einsum("k,k...->...", weight, a).numpy()
    np.testing.assert_allclose(result.maps[("cam", layer)], expected, rtol=1e-4, atol=1e-5)


def _captum_grad_cam(model: LoadedModel, layer: str, x: torch.Tensor, target: int, sign: float):
    module = dict(model.module.named_modules())[layer]
    forward = lambda inputs: sign * model.module(inputs)  # noqa: E731
    attribution = LayerGradCam(forward, module).attribute(x, target=target, relu_attributions=True)
    return attribution[0, 0].detach().numpy()


@pytest.mark.parametrize("kind", MODELS)
def test_grad_cam_and_counterfactual_match_captum(kind):
    if "grad-cam" not in METHODS or "counterfactual" not in METHODS:
        pytest.skip("grad-cam / counterfactual are not registered (core/methods/gradient.py)")
    model = MODELS[kind]()
    x = sample(model)
    grids = [info.name for info in model.layers if info.has_grid]
    layers = [model.pre_gap_layer, grids[0]]  # closed form and a real backward pass
    result = Explainer(model).explain(
        x, methods=["grad-cam", "counterfactual"], layers=layers, target=2
    )
    for layer in layers:
        for method, sign in (("grad-cam", 1.0), ("counterfactual", -1.0)):
            expected = _captum_grad_cam(model, layer, x, 2, sign)
            np.testing.assert_allclose(
                result.maps[(method, layer)], expected, rtol=1e-4, atol=1e-6, err_msg=method
            )


def test_guided_methods_give_maps_over_time():
    if "guided-backprop" not in METHODS:
        pytest.skip("guided-backprop is not registered (core/methods/guided.py)")
    model = signal_model()
    result = Explainer(model).explain(sample(model), methods=["guided-backprop", "guided-grad-cam"])
    assert result.maps[("guided-backprop", "input")].shape[-1] == LENGTH
    assert not result.skipped


@pytest.mark.parametrize("method", ["contribution", "occlusion"])
@pytest.mark.parametrize("kind", MODELS)
def test_contribution_and_occlusion_run(kind, method):
    if method not in METHODS:
        pytest.skip(f"{method} is not registered yet (core/methods/{method}.py)")
    model = MODELS[kind]()
    explainer = Explainer(model)
    layer = explainer.default_layer(METHODS[method])
    result = explainer.explain(sample(model), methods=[method], target=0)
    values = result.maps[(method, layer)]
    expected = model.preprocessing.size if layer == "input" else model.layer(layer).spatial
    assert values.shape[-len(expected) :] == tuple(expected) and np.isfinite(values).all()


def test_deletion_curve_on_a_signal_model():
    metrics = pytest.importorskip("gapviewer.core.metrics")
    model = signal_model()
    x = sample(model)
    result = Explainer(model).explain(x, methods=["gap-direction"])
    saliency = result.maps[("gap-direction", model.pre_gap_layer)]
    curve = metrics.deletion_curve(model, x, saliency, result.target, steps=8)
    assert curve.fractions[0] == 0 and curve.fractions[-1] == 1 and len(curve.scores) == 9
    with torch.no_grad():
        start = model.module(x).softmax(-1)[0, result.target]
        end = model.module(torch.zeros_like(x)).softmax(-1)[0, result.target]
    assert curve.scores[0] == pytest.approx(float(start), rel=1e-5)
    assert curve.scores[-1] == pytest.approx(float(end), rel=1e-5)


def test_explainer_reads_a_wav_file(tmp_path):
    import wave

    model = signal_model()
    tone = (np.sin(np.arange(LENGTH * 2) / 3) * 12000).astype("<i2")
    path = tmp_path / "tone.wav"
    with wave.open(str(path), "wb") as file:
        file.setnchannels(2)
        file.setsampwidth(2)
        file.setframerate(1000)
        file.writeframes(np.repeat(tone, 2).tobytes())
    result = Explainer(model).explain(path, methods=["gap-direction"])
    assert result.input_shape == (2, LENGTH)
    assert result.maps[("gap-direction", "features")].shape == (LENGTH // 4,)


def test_cli_explains_signal_files(tmp_path, capsys):
    from gapviewer.cli import main

    module = seeded(GapCnn1d(2, in_channels=2, widths=(4, 8)))
    model_path = tmp_path / "m.safetensors"
    metadata = signal_metadata(["low", "high"], 40, in_channels=2, options={"widths": [4, 8]})
    save_file(module.state_dict(), str(model_path), metadata=metadata)
    inputs = tmp_path / "in"
    inputs.mkdir()
    np.savetxt(inputs / "a.csv", np.random.default_rng(0).normal(size=(2, 40)), delimiter=",")
    (inputs / "broken.csv").write_text("1,2\n3\n")
    out = tmp_path / "out"
    code = main(
        [
            "signals",
            str(inputs),
            "--model",
            str(model_path),
            "--out",
            str(out),
            "--method",
            "gap-direction",
            "--method",
            "cam",
        ]
    )
    assert code == 1  # one input failed, the other was still written
    summary = json.loads((out / "summary.json").read_text())
    assert [e["message"] for e in summary["errors"]] == [
        "broken.csv: wrong shape: data row 2 has 1 values, row 1 has 2"
    ]
    (prediction,) = summary["predictions"]
    assert [c["channel"] for c in prediction["channel_contributions"]] == ["channel 0", "channel 1"]
    assert np.load(out / "a__gap-direction__features.npy").shape == (20,)
    picture = np.asarray(Image.open(out / "a__cam__features.png"))
    assert picture.shape[1] == 1000 and picture.shape[2] == 3
    assert "2 maps for 1 inputs" in capsys.readouterr().out


def test_cli_user_architecture_on_multichannel_images(tmp_path):
    from gapviewer.cli import main

    module = seeded(TinyGapNet2d(in_channels=5))
    weights = tmp_path / "w.pt"
    torch.save(module.state_dict(), weights)
    np.save(tmp_path / "cube.npy", np.random.default_rng(0).uniform(size=(20, 28, 5)))
    out = tmp_path / "out"
    arguments = [
        "signals",
        str(tmp_path / "cube.npy"),
        "--arch",
        "tiny_models:TinyGapNet2d",
        "--arch-option",
        "in_channels=5",
        "--weights",
        str(weights),
        "--input-size",
        "20",
        "28",
        "--in-channels",
        "5",
        "--channels",
        "4",
        "--out",
        str(out),
    ]
    with pytest.raises(SystemExit) as refused:
        main(arguments)
    assert refused.value.code == 2  # importing code needs --trust
    assert main([*arguments, "--trust"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    shares = [c["share"] for c in summary["predictions"][0]["channel_contributions"]]
    assert len(shares) == 5
    (png,) = out.glob("cube__gap-direction__*.png")
    assert np.asarray(Image.open(png)).shape == (20, 28, 3)
