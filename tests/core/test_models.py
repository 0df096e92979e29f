"""Model loading: the built-in model against its peer implementation and sample photos, weights
files in every accepted wrapping, class names, clear refusals, and the trust rules."""

from __future__ import annotations

import json

import pytest
import torch
import torchvision.models as tvm
from safetensors.torch import save_file
from tiny_models import TinyGapNet2d, seeded
from torch import nn

from gapviewer.core import builtin_model
from gapviewer.core.model_files import ModelLoadError, UntrustedFileError, read_weights
from gapviewer.core.models import ARCHITECTURES, imagenet_class_names, load_model

SMALL = (64, 64)  # probe size for torchvision models: keeps loading fast


# --- the built-in model --------------------------------------------------------------------------


CAT_CLASSES = {281: "tabby", 282: "tiger cat", 285: "Egyptian cat"}


def test_builtin_predicts_cat_and_espresso(builtin, samples):
    batch = torch.cat([builtin.to_input(samples["chelsea"]), builtin.to_input(samples["coffee"])])
    with torch.no_grad():
        cat, coffee = builtin.module(batch).argmax(1).tolist()
    assert cat in CAT_CLASSES and builtin.class_names[cat] == CAT_CLASSES[cat]
    assert builtin.class_names[coffee] == "espresso"


def test_builtin_metadata(builtin):
    assert builtin.architecture == "efficientnet-lite0"
    assert builtin.class_names == list(imagenet_class_names()) and builtin.num_classes == 1000
    assert (builtin.pre_gap_layer, builtin.gap_layer) == ("head", "pool")
    assert (builtin.gap.channels, builtin.gap.grid) == (1280, (7, 7))
    assert builtin.gap.classifier_is_output
    assert not builtin.module.training


def test_builtin_equals_peer_package_efficientnet_lite_pytorch(builtin, samples):
    """Same checkpoint in the peer implementation (lukemelas naming, its own TF 'SAME' padding)."""
    from efficientnet_lite_pytorch import EfficientNet

    peer = EfficientNet.from_name("efficientnet-lite0")
    state = torch.load(builtin_model.weights_path(), map_location="cpu", weights_only=True)
    peer.load_state_dict(state)
    peer.eval()
    photo = builtin.to_input(samples["chelsea"])
    noise = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(0))
    x = torch.cat([photo, noise])
    with torch.no_grad():
        torch.testing.assert_close(builtin.module(x), peer(x), rtol=1e-4, atol=1e-4)


def test_builtin_loading_uses_weights_only(monkeypatch):
    calls = record_torch_load(monkeypatch)
    builtin_model.build_pretrained()
    assert calls == [True]


# --- weights files for torchvision architectures -------------------------------------------------


def record_torch_load(monkeypatch) -> list[object]:
    """Replace torch.load with a recorder of its weights_only argument."""
    calls: list[object] = []
    real = torch.load

    def recording(*args, **kwargs):
        calls.append(kwargs.get("weights_only", "missing"))
        return real(*args, **kwargs)

    monkeypatch.setattr(torch, "load", recording)
    return calls


@pytest.fixture(scope="module")
def squeeze7() -> nn.Module:
    torch.manual_seed(0)
    return tvm.squeezenet1_1(num_classes=7).eval()


def wrapped(state: dict, how: str) -> object:
    if how == "module prefix":
        return {f"module.{k}": v for k, v in state.items()}
    if how in ("state_dict", "model"):
        return {how: state, "epoch": 3, "optimizer": {"lr": 0.1}}
    return state


@pytest.mark.parametrize(
    ("suffix", "how"),
    [
        (".safetensors", "plain"),
        (".safetensors", "module prefix"),
        (".pt", "plain"),
        (".pth", "state_dict"),
        (".pt", "model"),
        (".pt", "module prefix"),
    ],
)
def test_torchvision_name_with_weights_file(tmp_path, squeeze7, suffix, how, monkeypatch):
    state = wrapped(squeeze7.state_dict(), how)
    path = tmp_path / f"weights{suffix}"
    if suffix == ".safetensors":
        save_file({k: v.contiguous() for k, v in state.items()}, str(path))
    else:
        torch.save(state, path)
    calls = record_torch_load(monkeypatch)
    model = load_model("squeezenet1_1", weights=path, input_size=SMALL)
    assert all(flag is True for flag in calls)
    assert model.num_classes == 7  # read from the weights
    assert model.class_names == [f"class {i}" for i in range(7)]
    assert model.source == path.name and model.architecture == "squeezenet1_1"
    x = torch.randn(1, 3, *SMALL, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        torch.testing.assert_close(model.module(x), squeeze7(x))


def test_preprocessing_comes_from_torchvision_metadata_and_can_be_overridden(tmp_path, squeeze7):
    path = tmp_path / "w.pt"
    torch.save(squeeze7.state_dict(), path)
    model = load_model("squeezenet1_1", weights=path)
    prep = model.preprocessing
    assert (prep.size, prep.mean, prep.std) == (
        (224, 224),
        (0.485, 0.456, 0.406),
        (0.229, 0.224, 0.225),
    )
    custom = load_model(
        "squeezenet1_1", weights=path, input_size=SMALL, mean=(0.5,) * 3, std=(0.25,) * 3
    )
    assert (custom.preprocessing.size, custom.preprocessing.mean) == (SMALL, (0.5,) * 3)
    pixels = torch.full((10, 12, 3), 255, dtype=torch.uint8).numpy()
    assert tuple(custom.to_input(pixels).shape) == (1, 3, *SMALL)
    torch.testing.assert_close(custom.to_input(pixels), torch.full((1, 3, *SMALL), 2.0))


def test_class_names_from_sidecar_file_and_list(tmp_path, squeeze7):
    path = tmp_path / "w.safetensors"
    save_file(squeeze7.state_dict(), str(path))
    names = [f"kind {chr(97 + i)}" for i in range(7)]
    (tmp_path / "w.safetensors.classes.txt").write_text("\n".join(names) + "\n\n", "utf-8")
    assert load_model("squeezenet1_1", weights=path, input_size=SMALL).class_names == names
    given = [f"given {i}" for i in range(7)]
    assert (
        load_model("squeezenet1_1", weights=path, classes=given, input_size=SMALL).class_names
        == given
    )
    other = tmp_path / "other.txt"
    other.write_text("\n".join(reversed(names)), "utf-8")
    assert (
        load_model("squeezenet1_1", weights=path, classes=other, input_size=SMALL).class_names
        == names[::-1]
    )
    with pytest.raises(ModelLoadError, match="3 class names given but the model has 7 outputs"):
        load_model("squeezenet1_1", weights=path, classes=["a", "b", "c"], input_size=SMALL)


def test_imagenet_names_for_1000_classes(tmp_path):
    torch.manual_seed(0)
    path = tmp_path / "w.pt"
    torch.save(tvm.squeezenet1_1().state_dict(), path)
    model = load_model("squeezenet1_1", weights=path, input_size=SMALL)
    assert model.num_classes == 1000
    assert (model.class_names[0], model.class_names[285], model.class_names[967]) == (
        "tench",
        "Egyptian cat",
        "espresso",
    )


def test_wrong_architecture_gives_one_message_with_keys(tmp_path, squeeze7):
    path = tmp_path / "mobile.safetensors"
    save_file(squeeze7.state_dict(), str(path))
    with pytest.raises(ModelLoadError) as info:
        load_model("resnet18", weights=path, input_size=SMALL)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("mobile.safetensors: weights do not fit architecture resnet18")
    assert "missing (conv1.weight, bn1.weight, bn1.bias ...)" in message
    assert "52 unexpected (classifier.1.bias, classifier.1.weight, features.0.bias ...)" in message


def test_unknown_architecture_and_missing_file(tmp_path):
    with pytest.raises(ModelLoadError, match="unknown architecture 'resnet5000'"):
        load_model("resnet5000", weights=None)
    with pytest.raises(ModelLoadError, match="nothere.pt: no such file"):
        load_model("resnet18", weights=tmp_path / "nothere.pt")


@pytest.mark.parametrize("trust", [False, True])
@pytest.mark.parametrize("content", [b"not a checkpoint", b"", b"\x80"])
def test_garbage_file_is_not_offered_trust(tmp_path, monkeypatch, content, trust):
    path = tmp_path / "garbage.pt"
    path.write_bytes(content)
    calls = record_torch_load(monkeypatch)
    with pytest.raises(ModelLoadError, match="garbage.pt: not a") as info:
        load_model("resnet18", weights=path, trust=trust)
    assert not isinstance(info.value, UntrustedFileError) and "--trust" not in str(info.value)
    assert calls == [True]


def test_bare_state_dict_as_model_asks_for_the_architecture(tmp_path, squeeze7):
    path = tmp_path / "bare.safetensors"
    save_file(squeeze7.state_dict(), str(path))
    with pytest.raises(ModelLoadError, match="bare.safetensors: a bare state dict; name its arch"):
        load_model(path)


def test_gapviewer_safetensors_carries_architecture_and_classes(tmp_path, monkeypatch):
    monkeypatch.setitem(
        ARCHITECTURES, "tiny-test", lambda num_classes, **_: TinyGapNet2d(num_classes)
    )
    source = seeded(TinyGapNet2d(num_classes=3))
    meta = {
        "architecture": "tiny-test",
        "num_classes": 3,
        "class_names": ["x", "y", "z"],
        "input_size": [20, 28],
        "mean": [0.1, 0.2, 0.3],
        "std": [0.5, 0.5, 0.5],
    }
    path = tmp_path / "tiny.safetensors"
    save_file(source.state_dict(), str(path), metadata={"gapviewer": json.dumps(meta)})
    model = load_model(path)
    assert (model.architecture, model.class_names) == ("tiny-test", ["x", "y", "z"])
    assert model.preprocessing.size == (20, 28) and model.preprocessing.mean == (0.1, 0.2, 0.3)
    assert model.pre_gap_layer == "relu2"
    x = model.example_input()
    with torch.no_grad():
        torch.testing.assert_close(model.module(x), source(x))


def test_module_in_memory(tiny2d):
    names = ["w", "x", "y", "z"]
    model = load_model(seeded(TinyGapNet2d()), classes=names, input_size=(20, 28))
    assert model.class_names == names and model.source == "in memory"
    assert model.architecture == "TinyGapNet2d" and not model.module.training
    assert tiny2d.class_names == [f"class {i}" for i in range(4)]


# --- trust: whole pickled modules and TorchScript ------------------------------------------------


def small_sequential() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(4, 2),
    ).eval()


@pytest.mark.parametrize("legacy", [False, True], ids=["zip", "legacy-format"])
def test_whole_pickled_module_is_refused_without_trust(tmp_path, monkeypatch, legacy):
    path = tmp_path / "whole.pt"
    module = small_sequential()
    torch.save(module, path, _use_new_zipfile_serialization=not legacy)
    calls = record_torch_load(monkeypatch)
    for attempt in (
        lambda: read_weights(path),
        lambda: load_model(path),
        lambda: load_model("resnet18", weights=path),
    ):
        with pytest.raises(UntrustedFileError) as info:
            attempt()
        message = str(info.value)
        if not legacy:  # torch names the globals of zip checkpoints only
            assert "torch.nn.modules.container.Sequential" in message
            assert "torch.nn.modules.conv.Conv2d" in message
        assert "needs Python objects" in message
        assert "whole.pt: needs Python objects" in message and "--trust" in message
        assert "torch.save(model.state_dict()" in message
    assert calls and all(flag is True for flag in calls)  # never retried unsafely

    calls.clear()
    model = load_model(path, trust=True, input_size=(8, 8), classes=["no", "yes"])
    assert calls[-1] is False  # the one unsafe load, asked for
    assert model.source == "whole.pt (trusted)" and model.class_names == ["no", "yes"]
    assert model.pre_gap_layer == "1" and model.gap_layer == "2"
    x = torch.randn(1, 3, 8, 8)
    with torch.no_grad():
        torch.testing.assert_close(model.module(x), module(x))


def test_torchscript_is_refused_without_trust(tmp_path, monkeypatch):
    module = small_sequential()
    path = tmp_path / "scripted.pt"
    with pytest.warns(FutureWarning):
        torch.jit.script(module).save(str(path))
    calls = record_torch_load(monkeypatch)
    with pytest.raises(UntrustedFileError, match="scripted.pt: is a TorchScript archive.*--trust"):
        load_model(path)
    with pytest.raises(UntrustedFileError, match="re-save it as a state dict"):
        load_model("resnet18", weights=path)
    assert calls == []  # recognised from the archive listing, never unpickled

    with pytest.warns(FutureWarning):
        model = load_model(path, trust=True, input_size=(8, 8))
    assert model.source == "scripted.pt (trusted)" and model.num_classes == 2
    assert model.gap is None and model.layers == ()
    assert "TorchScript" in model.inspection.gap_problem
    x = torch.randn(1, 3, 8, 8)
    with torch.no_grad():
        torch.testing.assert_close(model.module(x), module(x))
