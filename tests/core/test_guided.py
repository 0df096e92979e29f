"""Guided backpropagation and Guided Grad-CAM against captum (used only here) and a literal
chain-rule implementation for ReLU6; in-place and shared ReLU modules, frozen models, functional
ReLUs (documented limitation), and no hook or flag surviving success, error or cancel.
"""

from __future__ import annotations

import copy
import logging

import pytest
import torch
import torch.nn.functional as F
import torchvision
from captum.attr import GuidedBackprop, GuidedGradCam
from test_gradient_methods import assert_close, example, module_state
from tiny_models import TINY_SIZE_2D, seeded, tiny_loaded
from torch import nn

from gapviewer.core.capture import Cancelled, CancelToken
from gapviewer.core.explain import Explainer, ExplainError
from gapviewer.core.methods import guided
from gapviewer.core.methods.guided import reduce_channels
from gapviewer.core.models import LoadedModel, load_model


@pytest.fixture(scope="module")
def resnet18() -> LoadedModel:
    torch.manual_seed(1)
    module = torchvision.models.resnet18(num_classes=10)
    return load_model(module, input_size=(64, 64), classes=[f"c{i}" for i in range(10)])


def raw_guided(model: LoadedModel, x: torch.Tensor, targets: list[int]) -> torch.Tensor:
    """The library's raw (T, C, *S) guided gradients through the public function."""
    return guided.guided_backprop(model.module, x, lambda out: out[0, targets], len(targets))


def captum_guided(module: nn.Module, x: torch.Tensor, target: int) -> torch.Tensor:
    return GuidedBackprop(module).attribute(x.clone(), target=target).detach()[0]


def plain_input_gradient(module: nn.Module, x: torch.Tensor, target: int) -> torch.Tensor:
    leaf = x.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(module(leaf)[0, target], leaf)
    return grad[0]


# --- guided backpropagation ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["2d", "1d"])
def test_guided_backprop_matches_captum_and_differs_from_the_plain_gradient(kind):
    model = tiny_loaded(kind)
    x = example(model)
    raw = raw_guided(model, x, [0, 1])
    for index, target in enumerate((0, 1)):
        expected = captum_guided(model.module, x, target)
        assert_close(raw[index], expected)
        plain = plain_input_gradient(model.module, x, target)
        assert not torch.allclose(expected, plain, atol=1e-3 * float(plain.abs().max()))
    result = Explainer(model).explain(
        x,
        methods=["guided-backprop"],
        target=[0, 1],
        params={"guided-backprop": {"channels": "sum"}},
    )
    assert list(result.maps) == [("guided-backprop", "input")]
    for index, target in enumerate((0, 1)):
        assert_close(result.target_maps[target][("guided-backprop", "input")], raw[index].sum(0))


def test_resnet18_in_place_and_shared_relus_match_captum_on_a_plain_copy(resnet18):
    """torchvision BasicBlock calls one in-place `relu` module twice; captum's reference runs on
    a copy with out-of-place ReLUs."""
    plain = copy.deepcopy(resnet18.module)
    for module in plain.modules():
        if isinstance(module, nn.ReLU):
            module.inplace = False
    before = module_state(resnet18.module)
    x = example(resnet18)
    raw = raw_guided(resnet18, x, [2])
    assert_close(raw[0], captum_guided(plain, x, 2))
    assert module_state(resnet18.module) == before


class SharedRelu(nn.Module):
    """Two convolutions sharing one (optionally in-place) ReLU module, GAP, linear."""

    def __init__(self, inplace: bool, shared: bool = True) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 5, 3, padding=1)
        self.conv2 = nn.Conv2d(5, 6, 3, stride=2, padding=1)
        self.act = nn.ReLU(inplace=inplace)
        self.act2 = self.act if shared else nn.ReLU()
        self.fc = nn.Linear(6, 3)

    def forward(self, x):
        x = self.act2(self.conv2(self.act(self.conv1(x))))
        x = x.mean((2, 3))
        return self.fc(x)


@pytest.mark.parametrize("inplace", [False, True])
def test_shared_relu_module_is_guided_at_every_call(inplace):
    model = load_model(seeded(SharedRelu(inplace), 3), input_size=TINY_SIZE_2D)
    reference = seeded(SharedRelu(inplace=False, shared=False), 3)
    x = example(model)
    before = module_state(model.module)
    assert_close(raw_guided(model, x, [1])[0], captum_guided(reference, x, 1))
    assert module_state(model.module) == before


class Relu6Net(nn.Module):
    """conv -> ReLU6 -> conv -> in-place ReLU6 -> GAP -> linear, like the built-in model."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1)
        self.act1 = nn.ReLU6()
        self.conv2 = nn.Conv2d(4, 5, 3, stride=2, padding=1)
        self.act2 = nn.ReLU6(inplace=True)
        self.fc = nn.Linear(5, 3)

    def forward(self, x):
        return self.fc(self.act2(self.conv2(self.act1(self.conv1(x)))).mean((2, 3)))


def test_relu6_is_guided_like_a_relu_keeping_its_saturation():
    """Literal chain rule: R = 1[R_above > 0] R_above * ReLU6'(a), ReLU6'(a) = 1[0 < a < 6]."""
    net = seeded(Relu6Net(), 2)
    model = load_model(net, input_size=TINY_SIZE_2D)
    x = 3 * example(model)
    with torch.no_grad():
        target = int(net.fc.weight.clamp_min(0).sum(1).argmax())  # a class with positive weights
        a1 = net.conv1(x)
        a2 = net.conv2(F.relu6(a1))
        assert (a1 > 6).any() and (a2 > 6).any(), "the test needs saturated units"
        upstream = (net.fc.weight[target] / a2[0, 0].numel())[None, :, None, None].expand_as(a2)
        g_a2 = upstream.clamp_min(0) * ((a2 > 0) & (a2 < 6))
        g_h1 = torch.nn.grad.conv2d_input(a1.shape, net.conv2.weight, g_a2, stride=2, padding=1)
        g_a1 = g_h1.clamp_min(0) * ((a1 > 0) & (a1 < 6))
        expected = torch.nn.grad.conv2d_input(x.shape, net.conv1.weight, g_a1, padding=1)[0]
    assert_close(raw_guided(model, x, [target])[0], expected)


def test_functional_relu_is_not_guided_and_no_module_changes(caplog):
    class FunctionalRelu(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv = nn.Conv2d(3, 4, 3, padding=1)
            self.fc = nn.Linear(4, 2)

        def forward(self, x):
            return self.fc(F.relu(self.conv(x)).mean((2, 3)))

    model = load_model(seeded(FunctionalRelu(), 4), input_size=TINY_SIZE_2D)
    x = example(model)
    before = module_state(model.module)
    with caplog.at_level(logging.WARNING, logger="gapviewer.core.methods.guided"):
        raw = raw_guided(model, x, [1])
    assert "no nn.ReLU/ReLU6 modules" in caplog.text
    assert_close(raw[0], plain_input_gradient(model.module, x, 1))
    assert module_state(model.module) == before


def test_channel_reductions():
    values = torch.tensor([[[1.0, -3.0]], [[-2.0, 2.0]]]).permute(1, 0, 2)  # (1, C=2, L=2)
    torch.testing.assert_close(reduce_channels(values, "abs-max"), torch.tensor([[2.0, 3.0]]))
    torch.testing.assert_close(reduce_channels(values, "sum"), torch.tensor([[-1.0, -1.0]]))
    with pytest.raises(ValueError, match="abs-max"):
        reduce_channels(values, "mean")


# --- guided Grad-CAM -------------------------------------------------------------------------


def captum_guided_grad_cam(model: LoadedModel, module: nn.Module, x, layer: str, target: int):
    mode = "linear" if x.dim() == 3 else "bilinear"
    explainer = GuidedGradCam(module, dict(module.named_modules())[layer])
    return explainer.attribute(x.clone(), target=target, interpolate_mode=mode).detach()[0]


@pytest.mark.parametrize(
    ("kind", "layers"), [("2d", ["conv1", "features", "relu2"]), ("1d", ["conv1", "features"])]
)
def test_guided_grad_cam_matches_captum_on_tiny_models(kind, layers, monkeypatch):
    model = tiny_loaded(kind)
    x = example(model)
    calls = []
    original = guided.guided_backprop
    monkeypatch.setattr(
        guided, "guided_backprop", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
    results = {
        how: Explainer(model).explain(
            x,
            methods=["guided-grad-cam", "guided-backprop"],
            layers=[*layers, "input"],
            target=[1, 0],
            params={"guided-grad-cam": {"channels": how}},
        )
        for how in ("sum", "abs-max")
    }
    assert len(calls) == 2, "one guided pass per call serves every layer and both methods"
    for target in (1, 0):
        for layer in layers:
            expected = captum_guided_grad_cam(model, model.module, x, layer, target)
            for how, result in results.items():
                actual = result.target_maps[target][("guided-grad-cam", layer)]
                assert actual.shape == tuple(x.shape[2:])
                assert_close(actual, reduce_channels(expected[None], how)[0])


def test_guided_grad_cam_on_resnet18_matches_captum_on_a_plain_copy(resnet18):
    plain = copy.deepcopy(resnet18.module)
    for module in plain.modules():
        if isinstance(module, nn.ReLU):
            module.inplace = False
    x = example(resnet18, seed=5)
    result = Explainer(resnet18).explain(
        x,
        methods=["guided-grad-cam"],
        layers=["layer3", "layer4"],
        target=3,
        params={"guided-grad-cam": {"channels": "sum"}},
    )
    for layer in ("layer3", "layer4"):
        expected = captum_guided_grad_cam(resnet18, plain, x, layer, 3).sum(0)
        assert_close(result.maps[("guided-grad-cam", layer)], expected)


# --- nothing survives a call -----------------------------------------------------------------


@pytest.mark.parametrize("frozen", [False, True])
def test_no_hook_flag_or_gradient_survives_success_error_or_cancel(resnet18, frozen):
    model = resnet18
    flags = [p.requires_grad for p in model.module.parameters()]
    for parameter in model.module.parameters():
        parameter.requires_grad_(not frozen)
    methods = ["guided-backprop", "guided-grad-cam"]
    layers = ["input", "layer3"]
    try:
        before = module_state(model.module)
        x = example(model, seed=6)
        Explainer(model).explain(x, methods=methods, layers=layers, target=[0, 3])
        assert module_state(model.module) == before

        def failing(output):
            raise RuntimeError("reduction failed")

        with pytest.raises(RuntimeError, match="reduction failed"):
            Explainer(model).explain(x, methods=methods, layers=layers, target=failing)
        assert module_state(model.module) == before

        cancel = CancelToken()

        def progress(fraction, message):
            if message.startswith("guided-backprop"):
                cancel.cancel()

        with pytest.raises(Cancelled):
            Explainer(model).explain(
                x, methods=methods, layers=layers, progress=progress, cancel=cancel
            )
        assert module_state(model.module) == before
    finally:
        for parameter, flag in zip(model.module.parameters(), flags, strict=True):
            parameter.requires_grad_(flag)


def test_cancel_inside_the_guided_pass_removes_its_hooks(resnet18):
    """A cancel arriving after the guided forward (hooks installed) stops before the backward."""
    before = module_state(resnet18.module)
    cancel = CancelToken()

    def score(output):
        cancel.cancel()
        return output[0, [0]]

    with pytest.raises(Cancelled):
        guided.guided_backprop(resnet18.module, example(resnet18), score, 1, cancel)
    assert module_state(resnet18.module) == before


def test_torchscript_model_is_refused_with_a_clear_error():
    scripted = torch.jit.script(seeded(SharedRelu(inplace=False), 3))
    with pytest.raises(ExplainError, match="TorchScript"):
        guided.guided_backprop(scripted, torch.randn(1, 3, *TINY_SIZE_2D), lambda o: o[0, [0]])
