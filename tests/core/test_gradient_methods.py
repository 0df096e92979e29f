"""Grad-CAM and counterfactual Grad-CAM against captum's LayerGradCam (used only here).

Covers 1-D and 2-D tiny models at several layers, a seeded torchvision ResNet-18 at every stage,
the built-in model, the signed option, several targets in one call, custom reductions, the closed
form at a GAP + linear head (equal to autograd and building no graph), clear errors, and that no
hook, requires_grad flag or gradient survives a call.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torchvision
from captum.attr import LayerGradCam
from tiny_models import TINY_SIZE_2D, seeded, tiny_loaded
from torch import nn

from gapviewer.core.capture import Cancelled, CancelToken
from gapviewer.core.explain import Explainer, ExplainError
from gapviewer.core.methods.gradient import closed_form_applies, grad_cam
from gapviewer.core.models import LoadedModel, load_model


def module_state(module: nn.Module) -> list:
    """Everything a call must leave as it was: modules (identity, type, hooks, in-place flags),
    parameters (requires_grad, grad, values) and the global module hooks."""
    from torch.nn.modules import module as module_mod

    state: list = [
        len(module_mod._global_forward_hooks),
        len(module_mod._global_forward_pre_hooks),
        len(module_mod._global_backward_hooks),
        len(module_mod._global_backward_pre_hooks),
    ]
    for name, child in module.named_modules(remove_duplicate=False):
        state.append(
            (
                name,
                id(child),
                type(child).__name__,
                len(child._forward_hooks),
                len(child._forward_pre_hooks),
                len(child._backward_hooks),
                len(child._backward_pre_hooks),
                getattr(child, "inplace", None),
                child.training,
            )
        )
    for name, parameter in module.named_parameters():
        state.append(
            (name, parameter.requires_grad, parameter.grad is None, parameter.detach().sum().item())
        )
    return state


def captum_grad_cam(model: LoadedModel, x, layer: str, target, relu=True, forward=None):
    """captum's LayerGradCam map (*S) for one target (None for a scalar forward)."""
    module = dict(model.module.named_modules())[layer]
    explainer = LayerGradCam(forward or model.module, module)
    result = explainer.attribute(x, target=target, relu_attributions=relu)
    return result.detach()[0, 0]


def as_tensor(values) -> torch.Tensor:
    return torch.from_numpy(values.copy())


def _float_tensor(values) -> torch.Tensor:
    if isinstance(values, torch.Tensor):
        return values.detach().float()
    return torch.from_numpy(np.array(values, dtype=np.float32))  # a writable copy


def assert_close(actual, expected, rtol=1e-4):
    expected = _float_tensor(expected)
    scale = float(expected.abs().max())
    assert scale > 0, "reference map is all zero: the comparison would prove nothing"
    torch.testing.assert_close(
        _float_tensor(actual),
        expected,
        rtol=rtol,
        atol=1e-5 * scale,
    )


@pytest.fixture(scope="module")
def resnet18() -> LoadedModel:
    torch.manual_seed(0)
    module = torchvision.models.resnet18(num_classes=10)
    return load_model(module, input_size=(64, 64), classes=[f"c{i}" for i in range(10)])


def example(model: LoadedModel, seed: int = 1) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(1, model.in_channels, *model.preprocessing.size, generator=generator)


# --- agreement with captum -------------------------------------------------------------------


@pytest.mark.parametrize("relu", [True, False])
@pytest.mark.parametrize(
    ("kind", "layers"),
    [("2d", ["conv1", "features", "relu2"]), ("1d", ["conv1", "relu1", "features"])],
)
def test_grad_cam_matches_captum_on_tiny_models(kind, layers, relu):
    model = tiny_loaded(kind)
    x = example(model)
    result = Explainer(model).explain(
        x, methods=["grad-cam"], layers=layers, target=[0, 2], params={"grad-cam": {"relu": relu}}
    )
    assert not result.skipped
    for target in (0, 2):
        for layer in layers:
            expected = captum_grad_cam(model, x, layer, target, relu)
            assert_close(result.target_maps[target][("grad-cam", layer)], expected)
    if not relu:
        assert any((m < 0).any() for m in result.maps.values()), "signed maps should go negative"


def test_grad_cam_matches_captum_on_resnet18_stages(resnet18):
    x = example(resnet18)
    stages = ["layer1", "layer2", "layer3", "layer4"]
    result = Explainer(resnet18).explain(x, methods=["grad-cam"], layers=stages, target=3)
    for layer in stages:
        assert_close(result.maps[("grad-cam", layer)], captum_grad_cam(resnet18, x, layer, 3))


def test_counterfactual_is_grad_cam_of_the_negated_score(resnet18):
    x = example(resnet18, seed=2)
    layers = ["layer3", "layer4"]
    result = Explainer(resnet18).explain(
        x, methods=["counterfactual", "grad-cam"], layers=layers, target=5
    )
    for layer in layers:
        expected = captum_grad_cam(resnet18, x, layer, 5, forward=lambda v: -resnet18.module(v))
        assert_close(result.maps[("counterfactual", layer)], expected)
        signed = Explainer(resnet18).explain(
            x, methods=["grad-cam"], layers=[layer], target=5, params={"grad-cam": {"relu": 0}}
        )
        assert_close(
            result.maps[("counterfactual", layer)], (-signed.maps[("grad-cam", layer)]).clip(0)
        )


@pytest.mark.slow
def test_builtin_model_default_layer_matches_captum(builtin, samples):
    explainer = Explainer(builtin)
    result = explainer.explain(samples["chelsea"], methods=["grad-cam"])
    layer = builtin.pre_gap_layer
    assert list(result.maps) == [("grad-cam", layer)]
    x = builtin.to_input(samples["chelsea"])
    assert_close(
        result.maps[("grad-cam", layer)], captum_grad_cam(builtin, x, layer, result.target)
    )


# --- targets ---------------------------------------------------------------------------------


def test_several_targets_in_one_call_equal_separate_calls(resnet18):
    x = example(resnet18, seed=3)
    layers = ["layer2", "layer4"]
    methods = ["grad-cam", "counterfactual"]
    together = Explainer(resnet18).explain(x, methods=methods, layers=layers, target=[1, 8, 4])
    assert together.targets == (1, 8, 4)
    for target in (1, 8, 4):
        alone = Explainer(resnet18).explain(x, methods=methods, layers=layers, target=target)
        for key, values in alone.maps.items():
            torch.testing.assert_close(
                as_tensor(together.target_maps[target][key]), as_tensor(values)
            )


class Regressor(nn.Module):
    """conv -> relu -> conv (`features`) -> GAP -> linear to one output (a regression head)."""

    def __init__(self, outputs: int = 1) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.relu = nn.ReLU()
        self.features = nn.Conv2d(4, 5, 3, stride=2, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(5, outputs)

    def forward(self, x):
        return self.head(self.pool(self.features(self.relu(self.conv(x)))).flatten(1))


def test_output_target_and_custom_reduction_match_captum():
    single = load_model(seeded(Regressor(1), 4), input_size=TINY_SIZE_2D)
    x = example(single)
    result = Explainer(single).explain(x, methods=["grad-cam"], layers=["conv", "features"])
    assert result.target == "output"
    for layer in ("conv", "features"):
        expected = captum_grad_cam(single, x, layer, None, forward=lambda v: single.module(v)[:, 0])
        assert_close(result.maps[("grad-cam", layer)], expected)

    multi = load_model(seeded(Regressor(3), 5), input_size=TINY_SIZE_2D)
    x = example(multi)

    def reduction(output):
        return output[0, 0] - 2 * output[0, 2]

    result = Explainer(multi).explain(
        x, methods=["grad-cam"], layers=["features"], target=reduction
    )
    assert result.target == "custom"
    expected = captum_grad_cam(
        multi,
        x,
        "features",
        None,
        forward=lambda v: (lambda o: o[:, 0] - 2 * o[:, 2])(multi.module(v)),
    )
    assert_close(result.maps[("grad-cam", "features")], expected)


# --- closed form at a GAP + linear head ------------------------------------------------------


class FunctionalReluGap(nn.Module):
    """features -> relu in forward() -> mean -> linear (torchvision DenseNet's head pattern)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 3, stride=2, padding=1)
        self.features = nn.Conv2d(6, 7, 3, padding=1)
        self.classifier = nn.Linear(7, 4)

    def forward(self, x):
        return self.classifier(torch.relu(self.features(torch.tanh(self.conv(x)))).mean((2, 3)))


@pytest.mark.parametrize("kind", ["2d", "1d", "functional-relu"])
def test_closed_form_equals_autograd_and_builds_no_graph(kind, monkeypatch):
    if kind == "functional-relu":
        model = load_model(seeded(FunctionalReluGap(), 6), input_size=TINY_SIZE_2D)
        assert model.gap.activation == "relu"
    else:
        model = tiny_loaded(kind)
    layer = model.pre_gap_layer
    x = example(model)
    assert closed_form_applies(model, layer, [1])
    explainer = Explainer(model)
    graphs = []
    forward = explainer._forward
    monkeypatch.setattr(
        explainer,
        "_forward",
        lambda inputs, layers, graph: graphs.append(graph) or forward(inputs, layers, graph),
    )
    methods = ["grad-cam", "counterfactual"]
    params = {"grad-cam": {"relu": False}, "counterfactual": {"relu": False}}
    closed = explainer.explain(x, methods=methods, layers=[layer], target=1, params=params)
    assert graphs == [False]
    # A callable target cannot use the closed form: the same score through autograd.
    autograd = explainer.explain(
        x, methods=methods, layers=[layer], target=lambda out: out[0, 1], params=params
    )
    assert graphs == [False, True]
    for method in methods:
        assert_close(closed.maps[(method, layer)], autograd.target_maps["custom"][(method, layer)])
        assert_close(
            closed.maps[(method, layer)],
            captum_grad_cam(model, x, layer, 1, relu=False) * (1 if method == "grad-cam" else -1),
        )


def test_grad_cam_function_hand_computed():
    features = torch.tensor([[[1.0, -2.0, 3.0], [0.5, 1.0, -1.0]]])  # (1, K=2, L=3)
    alpha = torch.tensor([[2.0, -4.0], [0.0, 1.0]])  # two targets
    signed = grad_cam(features, alpha, relu=False)
    torch.testing.assert_close(signed, torch.tensor([[0.0, -8.0, 10.0], [0.5, 1.0, -1.0]]))
    torch.testing.assert_close(grad_cam(features, alpha), signed.clamp_min(0))
    with pytest.raises(ValueError, match="channels"):
        grad_cam(features, torch.ones(1, 3))


# --- errors ----------------------------------------------------------------------------------


def test_layer_without_grid_is_skipped_with_a_reason(tiny2d):
    result = Explainer(tiny2d).explain(
        example(tiny2d), methods=["grad-cam", "counterfactual"], layers=["features", "classifier"]
    )
    assert set(result.maps) == {("grad-cam", "features"), ("counterfactual", "features")}
    reasons = {(m, layer): why for m, layer, why in result.skipped}
    assert "no spatial grid" in reasons[("grad-cam", "classifier")]
    assert "no spatial grid" in reasons[("counterfactual", "classifier")]


def test_target_out_of_range_is_a_clear_error(tiny2d):
    with pytest.raises(ExplainError, match=r"class index 4 out of range 0\.\.3"):
        Explainer(tiny2d).explain(example(tiny2d), methods=["grad-cam"], target=4)


class NoGradNet(nn.Module):
    """A model whose forward runs under torch.no_grad: no gradient reaches any layer."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, stride=2, padding=1)
        self.features = nn.Conv2d(4, 6, 3, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(6, 3)

    def forward(self, x):
        with torch.no_grad():
            return self.fc(self.pool(self.features(torch.relu(self.conv(x)))).flatten(1))


def test_model_without_autograd_says_which_methods_still_work():
    model = load_model(seeded(NoGradNet(), 7), input_size=TINY_SIZE_2D)
    before = module_state(model.module)
    x = example(model)
    for method in ("grad-cam", "guided-backprop", "guided-grad-cam"):
        layer = "input" if method == "guided-backprop" else "conv"
        with pytest.raises(ExplainError, match="gives no gradients") as error:
            Explainer(model).explain(x, methods=[method], layers=[layer], target=0)
        assert "gap-direction" in str(error.value) and "pre-GAP layer features" in str(error.value)
        assert module_state(model.module) == before
    # ... and the closed form still serves Grad-CAM at the pre-GAP layer.
    result = Explainer(model).explain(x, methods=["grad-cam"], layers=["features"], target=2)
    net = model.module
    with torch.no_grad():
        features = net.features(torch.relu(net.conv(x)))[0]  # (6, 10, 14)
        weights = net.fc.weight[2] / features[0].numel()
        expected = torch.einsum("k,khw->hw", weights, features).clamp_min(0)
    assert_close(result.maps[("grad-cam", "features")], expected)


# --- nothing survives a call -----------------------------------------------------------------


@pytest.mark.parametrize("frozen", [False, True])
def test_no_hook_flag_or_gradient_survives_success_error_or_cancel(resnet18, frozen):
    model = resnet18
    flags = [p.requires_grad for p in model.module.parameters()]
    for parameter in model.module.parameters():
        parameter.requires_grad_(not frozen)
    try:
        before = module_state(model.module)
        x = example(model, seed=4)
        methods = ["grad-cam", "counterfactual"]
        layers = ["layer2", "layer4"]
        Explainer(model).explain(x, methods=methods, layers=layers, target=[0, 1])
        assert module_state(model.module) == before

        def failing(output):
            raise RuntimeError("reduction failed")

        with pytest.raises(RuntimeError, match="reduction failed"):
            Explainer(model).explain(x, methods=methods, layers=layers, target=failing)
        assert module_state(model.module) == before

        cancel = CancelToken()

        def progress(fraction, message):
            if message.startswith("grad-cam"):
                cancel.cancel()

        with pytest.raises(Cancelled):
            Explainer(model).explain(
                x, methods=methods, layers=layers, progress=progress, cancel=cancel
            )
        assert module_state(model.module) == before
    finally:
        for parameter, flag in zip(model.module.parameters(), flags, strict=True):
            parameter.requires_grad_(flag)
