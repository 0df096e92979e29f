"""GAP and pre-GAP detection (verified numerically here, independently of core.layers), hook
hygiene, parameter flags, and captured activations under in-place operations downstream."""

from __future__ import annotations

import logging

import pytest
import torch
import torch.nn.functional as F
import torchvision.models as tvm
from tiny_models import TinyGapNet1d, TinyGapNet2d, seeded, tiny_loaded
from torch import nn

from gapviewer.core.capture import capture_outputs, frozen_parameters, hooks, modules_by_name
from gapviewer.core.explain import Explainer, ExplainError
from gapviewer.core.layers import inspect_model
from gapviewer.core.methods import METHODS, Method, Needs, Scope
from gapviewer.core.models import LoadedModel, load_model

SIZE = (64, 64)


def hook_count(module: nn.Module) -> int:
    return sum(
        len(m._forward_hooks) + len(m._forward_pre_hooks) + len(m._backward_hooks)
        for m in module.modules()
    )


def assert_pre_gap_verified(model: LoadedModel) -> None:
    """The spatial mean of the detected layer's output is what the head receives: the input of
    the classifier Linear when one reads v_GAP, else the output of the pooling module."""
    gap = model.gap
    modules = dict(model.module.named_modules())
    seen: dict[str, torch.Tensor] = {}

    def keep(name: str, use_input: bool):
        def hook(_module, inputs, output):
            seen[name] = (inputs[0] if use_input else output).detach().clone()

        return hook

    handles = [modules[gap.pre_gap_layer].register_forward_hook(keep("pre", False))]
    if gap.classifier_layer:
        handles.append(modules[gap.classifier_layer].register_forward_hook(keep("head", True)))
    else:
        handles.append(modules[gap.gap_layer].register_forward_hook(keep("head", False)))
    with hooks(handles), torch.no_grad():
        model.module(model.example_input())
    features = seen["pre"].relu() if gap.activation == "relu" else seen["pre"]
    assert tuple(features.shape[1:]) == (gap.channels, *gap.grid)
    torch.testing.assert_close(
        features.flatten(2).mean(-1), seen["head"].flatten(1), rtol=1e-5, atol=1e-6
    )
    assert model.layer(gap.pre_gap_layer).shape == (gap.channels, *gap.grid)


TORCHVISION = [
    # name, pre-GAP layer, GAP module, classifier reading v_GAP, it is the output, activation
    ("resnet18", "layer4", "avgpool", "fc", True, None),
    ("densenet121", "features", None, "classifier", True, "relu"),
    ("mobilenet_v3_small", "features", "avgpool", "classifier.0", False, None),
    ("efficientnet_b0", "features", "avgpool", "classifier.1", True, None),
    ("convnext_tiny", "features", "avgpool", None, False, None),
    ("regnet_y_400mf", "trunk_output", "avgpool", "fc", True, None),
]


@pytest.mark.parametrize(("name", "pre", "pool", "head", "is_output", "activation"), TORCHVISION)
def test_torchvision_gap_detection(name, pre, pool, head, is_output, activation, caplog):
    torch.manual_seed(0)
    with caplog.at_level(logging.WARNING):
        model = load_model(name, input_size=SIZE)
    assert "random weights" in caplog.text
    gap = model.gap
    assert (gap.pre_gap_layer, gap.gap_layer, gap.classifier_layer) == (pre, pool, head)
    assert (gap.classifier_is_output, gap.activation, gap.grid) == (is_output, activation, (2, 2))
    assert (model.pre_gap_layer, model.gap_layer) == (pre, pool)
    assert_pre_gap_verified(model)
    assert hook_count(model.module) == 0


def test_vgg11_has_no_gap():
    torch.manual_seed(0)
    model = load_model(tvm.vgg11(init_weights=False), input_size=SIZE)
    assert model.gap is None and model.pre_gap_layer is None and model.gap_layer is None
    assert "no global average pooling" in model.inspection.gap_problem
    # its AdaptiveAvgPool2d((7, 7)) is listed as a layer but is not a GAP
    assert model.layer("avgpool").shape == (512, 7, 7)


class FunctionalMean2d(nn.Module):
    """GAP as `x.mean(dim=(2, 3))` in forward, with a functional ReLU before it."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 5, 3, stride=2, padding=1)
        self.block = nn.Conv2d(5, 7, 3, padding=1)
        self.head = nn.Linear(7, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(F.relu(self.block(torch.tanh(self.stem(x)))).mean(dim=(2, 3)))


class Residual(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv(x)
        out += x  # in place, as torchvision's ResNet blocks do
        return self.relu(out)


class ResidualPreGap(nn.Module):
    """The pre-GAP layer is a residual block (patent: it need not be a convolution); the pooled
    vector goes through flatten and dropout, the pooling is functional."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 6, 3, stride=2, padding=1)
        self.block = Residual(6)
        self.dropout = nn.Dropout(0.3)
        self.fc = nn.Linear(6, 5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pooled = torch.flatten(F.adaptive_avg_pool2d(self.block(self.stem(x)), 1), 1)
        return self.fc(self.dropout(pooled))


class Pool1d(nn.Module):
    """A 1-D model with nn.AdaptiveAvgPool1d and a two-layer head."""

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Conv1d(2, 4, 5, stride=2, padding=2), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool1d(1)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.pool(self.body(x)))


HANDMADE = [
    # module, input size, channels, pre-GAP, GAP module, classifier, is output, activation, grid
    (TinyGapNet2d(), (20, 28), 3, "relu2", "pool", "classifier", True, None, (5, 7)),
    (FunctionalMean2d(), (9, 13), 3, "block", None, "head", True, "relu", (5, 7)),
    (ResidualPreGap(), (10, 14), 3, "block", None, "fc", True, None, (5, 7)),
    (TinyGapNet1d(), (52,), 2, "features", None, "classifier", True, None, (13,)),
    (Pool1d(), (26,), 2, "body", "pool", "head.1", False, None, (13,)),
]


@pytest.mark.parametrize(
    ("module", "size", "channels", "pre", "pool", "head", "is_output", "activation", "grid"),
    HANDMADE,
    ids=[type(case[0]).__name__ for case in HANDMADE],
)
def test_handmade_gap_detection(
    module, size, channels, pre, pool, head, is_output, activation, grid
):
    model = load_model(
        seeded(module),
        input_size=size,
        in_channels=channels,
        mean=(0.0,) * channels,
        std=(1.0,) * channels,
    )
    gap = model.gap
    assert (gap.pre_gap_layer, gap.gap_layer, gap.classifier_layer) == (pre, pool, head)
    assert (gap.classifier_is_output, gap.activation, gap.grid) == (is_output, activation, grid)
    assert_pre_gap_verified(model)


def test_layers_list_names_kinds_and_shapes_in_module_order(tiny1d):
    model = tiny_loaded("2d")
    assert [(info.name, info.kind, info.shape) for info in model.layers] == [
        ("conv1", "Conv2d", (6, 10, 14)),
        ("relu1", "ReLU", (6, 10, 14)),
        ("features", "Conv2d", (8, 5, 7)),
        ("relu2", "ReLU", (8, 5, 7)),
        ("pool", "AdaptiveAvgPool2d", (8, 1, 1)),
        ("flatten", "Flatten", (8,)),
        ("dropout", "Dropout", (8,)),
        ("classifier", "Linear", (4,)),
    ]
    assert [info.has_grid for info in model.layers] == [True] * 4 + [False] * 4
    assert model.layer("features").spatial == (5, 7)
    assert tiny1d.layer("features").spatial == (13,) and tiny1d.layer("features").has_grid


def test_detection_is_not_fooled_by_a_same_shaped_earlier_layer():
    """`features` has the pre-GAP layer's shape but its mean is not v_GAP (ReLU follows)."""
    model = tiny_loaded("2d", seed=3)
    assert model.layer("features").shape == model.layer("relu2").shape
    assert model.pre_gap_layer == "relu2"


# --- models without GAP --------------------------------------------------------------------------


@pytest.fixture
def spatial_method(monkeypatch) -> Method:
    """A registered stand-in for a method that works at any grid layer (e.g. Grad-CAM)."""
    method = Method(
        id="test-spatial",
        name="test spatial",
        summary="",
        source="",
        needs=Needs.FORWARD,
        scope=Scope.SPATIAL,
        class_dependent=False,
        signed=False,
        compute=lambda ctx, layer, params: ctx.features(layer).sum(1),
    )
    monkeypatch.setitem(METHODS, method.id, method)
    return method


def test_no_gap_model_message_names_methods_that_still_apply(spatial_method):
    explainer = Explainer(tiny_loaded("nogap"))
    message = explainer.no_gap_message("gap-direction")
    assert message.startswith("gap-direction needs a GAP layer")
    assert "no global average pooling" in message
    still = set(message.split("methods that still apply: ")[1].split(", "))
    assert "test-spatial" in still
    assert not still & {"gap-direction", "gap-magnitude", "cam"}
    with pytest.raises(ExplainError, match="methods that still apply: .*test-spatial"):
        explainer.explain(torch.zeros(3, 20, 28), methods=["gap-direction"])


def test_no_gap_plan_skips_gap_family_and_runs_the_rest(spatial_method):
    explainer = Explainer(tiny_loaded("nogap"))
    result = explainer.explain(
        torch.zeros(3, 20, 28), methods=["cam", "test-spatial"], layers=["relu"]
    )
    assert list(result.maps) == [("test-spatial", "relu")]
    ((method, layer, reason),) = result.skipped
    assert (method, layer) == ("cam", "relu")
    assert "needs a GAP layer" in reason and "test-spatial" in reason


# --- hooks, parameter flags, in-place operations -------------------------------------------------


class Boom(RuntimeError):
    pass


def test_capture_removes_hooks_after_success_and_after_error(tiny2d):
    module = tiny2d.module
    x = tiny2d.example_input()
    with capture_outputs(module, ["features", "relu2"]) as captured:
        assert hook_count(module) == 2
        module(x)
    assert set(captured) == {"features", "relu2"}
    assert hook_count(module) == 0
    with pytest.raises(Boom), capture_outputs(module, ["features"]):
        module(x)
        raise Boom
    assert hook_count(module) == 0
    with pytest.raises(KeyError, match="unknown layer.*nope"):
        capture_outputs(module, ["features", "nope"]).__enter__()
    assert hook_count(module) == 0


def test_inspect_model_removes_hooks_when_the_forward_fails():
    class Failing(TinyGapNet2d):
        def forward(self, x):
            super().forward(x)
            raise Boom

    module = Failing()
    with pytest.raises(Boom):
        inspect_model(module, torch.zeros(1, 3, 20, 28))
    assert hook_count(module) == 0


def test_explain_removes_hooks_and_restores_flags_when_a_method_fails(tiny2d, monkeypatch):
    def fail(ctx, layer, params):
        raise Boom

    method = Method(
        "test-failing",
        "failing",
        "",
        "",
        Needs.GRADIENT,
        Scope.SPATIAL,
        False,
        False,
        fail,
        backward_rule="gradient",
    )
    monkeypatch.setitem(METHODS, method.id, method)
    tiny2d.module.conv1.weight.requires_grad_(False)
    flags = {name: p.requires_grad for name, p in tiny2d.module.named_parameters()}
    for methods in (["test-failing"], ["gap-direction", "test-failing"]):
        with pytest.raises(Boom):
            Explainer(tiny2d).explain(torch.zeros(3, 20, 28), methods=methods, layers=["relu2"])
        assert hook_count(tiny2d.module) == 0
        assert {n: p.requires_grad for n, p in tiny2d.module.named_parameters()} == flags
    assert flags["conv1.weight"] is False and flags["conv1.bias"] is True


def test_frozen_parameters_restores_each_flag_even_after_an_error(tiny2d):
    module = tiny2d.module
    module.features.bias.requires_grad_(False)
    before = [p.requires_grad for p in module.parameters()]
    assert True in before and False in before
    with pytest.raises(Boom), frozen_parameters(module):
        assert not any(p.requires_grad for p in module.parameters())
        raise Boom
    assert [p.requires_grad for p in module.parameters()] == before


class InPlaceDownstream(nn.Module):
    """Captured outputs are modified in place downstream: ReLU(inplace=True) overwrites the
    output of `conv`, a residual `out += b` (as in torchvision ResNet) the output of `conv2`."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(4, 4, 1)
        self.fc = nn.Linear(4, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b = self.relu(self.conv(x))
        out = self.conv2(b)
        out += b
        return self.fc(out.mean((2, 3)))


@pytest.mark.parametrize("track_gradients", [False, True])
def test_captured_activation_survives_in_place_ops_downstream(track_gradients):
    module = seeded(InPlaceDownstream())
    x = torch.randn(1, 3, 6, 5, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        conv = F.conv2d(x, module.conv.weight, module.conv.bias, padding=1)
        conv2 = F.conv2d(conv.relu(), module.conv2.weight, module.conv2.bias)
        expected_out = module(x)
    assert (conv < 0).any()  # the in-place ReLU would change it
    names = ["conv", "relu", "conv2"]
    grad_mode = torch.enable_grad() if track_gradients else torch.no_grad()
    with grad_mode, capture_outputs(module, names, track_gradients=track_gradients) as c:
        out = module(x)
    torch.testing.assert_close(c["conv"].detach(), conv)
    torch.testing.assert_close(c["relu"].detach(), conv.relu())
    torch.testing.assert_close(c["conv2"].detach(), conv2)
    torch.testing.assert_close(out.detach(), expected_out)
    if track_gradients:
        grads = torch.autograd.grad(out[0, 0], [c[name] for name in names])
        for name, grad in zip(names, grads, strict=True):
            assert grad.shape == c[name].shape and bool(grad.abs().sum() > 0), name


def test_modules_by_name_lists_every_unknown_name(tiny2d):
    with pytest.raises(KeyError, match="unknown layer\\(s\\): a, b"):
        modules_by_name(tiny2d.module, ["a", "features", "b"])
