"""Layer-wise contribution ratios against a literal implementation of the paper's equations.

The reference (tests only) writes every layer as explicit matrices: y = W x + b, built with
nested loops for the convolution, the share matrix B[j, i] = x_i W[j, i] / y_j, and chains
beta_in = B^T beta_out from the class score down (Kakishita and Hattori, SCIENCE.md section 4).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torchvision
from torch import nn

from gapviewer.core.builtin_model import EfficientNetLite0
from gapviewer.core.capture import Cancelled, CancelToken
from gapviewer.core.explain import Explainer
from gapviewer.core.methods.contribution import (
    ContributionMode,
    conservation_gap,
    contribution_shares,
    gradient_exact,
)
from gapviewer.core.models import load_model


class Residual(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)
        self.bn = nn.BatchNorm2d(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.bn(self.conv(x)) + x


class Gate(nn.Module):
    """Squeeze-excitation: x times a per-channel sigmoid gate computed from x."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.fc = nn.Linear(channels, channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(self.fc(x.mean((2, 3))))[:, :, None, None]


class HandNet(nn.Module):
    """conv1 -> bn1 -> act1 (ReLU) -> pool (max 2) -> block (conv, bn, + skip) -> act2 -> gate
    -> gap -> flatten -> fc, on 2 x 8 x 8 inputs."""

    def __init__(self, activation: nn.Module, gated: bool) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(2, 3, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(3)
        self.act1 = nn.ReLU(inplace=True)
        self.pool = nn.MaxPool2d(2)
        self.block = Residual(3)
        self.act2 = activation
        self.gate = Gate(3) if gated else nn.Identity()
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(3, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.block(self.pool(self.act1(self.bn1(self.conv1(x)))))
        return self.fc(self.flatten(self.gap(self.gate(self.act2(x)))))


LAYERS = ("conv1", "bn1", "act1", "pool", "block.conv", "block.bn", "block", "act2", "gate", "gap")
CUTS = ("conv1", "bn1", "act1", "pool", "block", "act2", "gate", "gap")
VARIANTS = {
    "relu": lambda: HandNet(nn.ReLU(), gated=False),
    "tanh-gate": lambda: HandNet(nn.Tanh(), gated=True),
    "silu-gate": lambda: HandNet(nn.SiLU(), gated=True),
    "hardtanh": lambda: HandNet(nn.Hardtanh(-0.4, 0.4), gated=False),
    "relu6-inplace": lambda: HandNet(nn.ReLU6(inplace=True), gated=True),
}


def hand_net(variant: str, seed: int = 0) -> HandNet:
    torch.manual_seed(seed)
    net = VARIANTS[variant]()
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for bn in (net.bn1, net.block.bn):
            bn.weight.copy_(torch.rand(3, generator=generator) + 0.5)
            bn.bias.copy_(torch.randn(3, generator=generator) * 0.3)
            bn.running_mean.copy_(torch.randn(3, generator=generator) * 0.3)
            bn.running_var.copy_(torch.rand(3, generator=generator) + 0.5)
    return net.eval()


def hand_input(seed: int = 1, scale: float = 1.0) -> torch.Tensor:
    return torch.randn(1, 2, 8, 8, generator=torch.Generator().manual_seed(seed)) * scale


# ---- the literal reference ------------------------------------------------------------------


def conv_matrix(conv: nn.Conv2d, channels: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """W, b of a stride-1 'same' convolution on a channels x size x size map, by nested loops."""
    weight = conv.weight.detach().double().numpy()
    bias = conv.bias.detach().double().numpy()
    outs, _, kernel, _ = weight.shape
    pad = conv.padding[0]
    matrix = np.zeros((outs * size * size, channels * size * size))
    offsets = np.zeros(outs * size * size)
    for co in range(outs):
        for oy in range(size):
            for ox in range(size):
                j = (co * size + oy) * size + ox
                offsets[j] = bias[co]
                for ci in range(channels):
                    for ky in range(kernel):
                        for kx in range(kernel):
                            iy, ix = oy + ky - pad, ox + kx - pad
                            if 0 <= iy < size and 0 <= ix < size:
                                matrix[j, (ci * size + iy) * size + ix] += weight[co, ci, ky, kx]
    return matrix, offsets


def bn_matrix(bn: nn.BatchNorm2d, positions: int) -> tuple[np.ndarray, np.ndarray]:
    """y = s x + t per channel: W = diag(s), b = t."""
    scale = (bn.weight / torch.sqrt(bn.running_var + bn.eps)).detach().double().numpy()
    shift = bn.bias.detach().double().numpy() - bn.running_mean.double().numpy() * scale
    return np.diag(np.repeat(scale, positions)), np.repeat(shift, positions)


def maxpool_matrix(x: np.ndarray, channels: int, size: int) -> np.ndarray:
    """Winner takes all: W[j, arg max of window j] = 1."""
    half = size // 2
    matrix = np.zeros((channels * half * half, channels * size * size))
    grid = x.reshape(channels, size, size)
    for c in range(channels):
        for oy in range(half):
            for ox in range(half):
                window = grid[c, 2 * oy : 2 * oy + 2, 2 * ox : 2 * ox + 2]
                dy, dx = np.unravel_index(np.argmax(window), (2, 2))
                matrix[
                    (c * half + oy) * half + ox, (c * size + 2 * oy + dy) * size + 2 * ox + dx
                ] = 1
    return matrix


def gap_matrix(channels: int, positions: int) -> np.ndarray:
    matrix = np.zeros((channels, channels * positions))
    for c in range(channels):
        matrix[c, c * positions : (c + 1) * positions] = 1.0 / positions
    return matrix


def shares_through(x, matrix, offsets, beta_out):
    """beta(x_i -> p) = sum_j beta(y_j -> p) x_i W[j, i] / y_j, and the biases' total share."""
    y = matrix @ x + offsets
    # A unit with y_j = 0 has share 0 in everything after it (beta(y_j -> p) = 0); 0/0 -> 0.
    inverse = np.divide(1.0, y, out=np.zeros_like(y), where=y != 0)
    share_matrix = x[None, :] * matrix * inverse[:, None]
    return share_matrix.T @ beta_out, float((offsets * inverse) @ beta_out), y


def reference_shares(net: HandNet, x: torch.Tensor, target: int):
    """Every layer's shares (flattened, per unit) and each layer's bias share, literally."""
    outs = {}
    hooks = [
        dict(net.named_modules())[name].register_forward_hook(
            lambda m, i, o, name=name: outs.__setitem__(name, o.detach().double().numpy().ravel())
        )
        for name in LAYERS
    ]
    logits = net(x).detach().double().numpy().ravel()
    for hook in hooks:
        hook.remove()
    x0 = x.double().numpy().ravel()
    conv1_w, conv1_b = conv_matrix(net.conv1, 2, 8)
    bn1_w, bn1_b = bn_matrix(net.bn1, 64)
    conv2_w, conv2_b = conv_matrix(net.block.conv, 3, 4)
    bn2_w, bn2_b = bn_matrix(net.block.bn, 16)
    pool_w = maxpool_matrix(outs["act1"], 3, 8)
    gap_w = gap_matrix(3, 16)
    fc_w = net.fc.weight.detach().double().numpy()
    fc_b = net.fc.bias.detach().double().numpy()
    # The matrices reproduce the network's own intermediate values.
    np.testing.assert_allclose(conv1_w @ x0 + conv1_b, outs["conv1"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(pool_w @ outs["act1"], outs["pool"], rtol=1e-5, atol=1e-6)

    beta, bias = {}, {}
    start = np.zeros(4)
    start[target] = 1.0  # beta(p -> p) = 1
    beta["gap"], bias["fc"], _ = shares_through(outs["gap"], fc_w, fc_b, start)
    beta["gate"], bias["gap"], _ = shares_through(outs["gate"], gap_w, np.zeros(3), beta["gap"])
    beta["act2"] = beta["gate"]  # a gate is a constant per-unit factor: share 1
    beta["block"] = beta["act2"]  # activation: share 1 for the same unit
    a, skip = outs["block.bn"], outs["pool"]
    total = a + skip
    beta["block.bn"] = a / total * beta["block"]  # each addend's share of the sum
    from_skip = skip / total * beta["block"]
    beta["block.conv"], bias["block.bn"], _ = shares_through(
        outs["block.conv"], bn2_w, bn2_b, beta["block.bn"]
    )
    from_conv, bias["block.conv"], _ = shares_through(skip, conv2_w, conv2_b, beta["block.conv"])
    beta["pool"] = from_conv + from_skip
    beta["act1"], bias["pool"], _ = shares_through(outs["act1"], pool_w, np.zeros(48), beta["pool"])
    beta["bn1"] = beta["act1"]
    beta["conv1"], bias["bn1"], _ = shares_through(outs["conv1"], bn1_w, bn1_b, beta["bn1"])
    bias["conv1"] = shares_through(x0, conv1_w, conv1_b, beta["conv1"])[1]
    return beta, bias, logits


BIASES_AFTER = {
    "conv1": ("bn1", "block.conv", "block.bn", "fc"),
    "bn1": ("block.conv", "block.bn", "fc"),
    "act1": ("block.conv", "block.bn", "fc"),
    "pool": ("block.conv", "block.bn", "fc"),
    "block": ("fc",),
    "act2": ("fc",),
    "gate": ("fc",),
    "gap": ("fc",),
}


def target_of(logits: np.ndarray) -> int:
    return int(np.argmax(np.abs(logits)))


# ---- tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_layer_matches_the_paper_equations(variant: str) -> None:
    net = hand_net(variant).double()
    x = hand_input(scale=12.0 if variant == "relu6-inplace" else 1.0).double()
    target = target_of(net(x).detach().numpy().ravel())
    beta, _, _ = reference_shares(net, x, target)
    shares = contribution_shares(net, x, LAYERS, lambda out: out[0, [target]], epsilon=1e-12)
    for layer in LAYERS:
        got = shares[layer][0].numpy().ravel()
        np.testing.assert_allclose(got, beta[layer], rtol=1e-7, atol=1e-10, err_msg=layer)


def test_relu6_variant_reaches_saturation() -> None:
    """The ReLU6 case exercises the secant rule where ReLU6's gradient is 0 but its share 1."""
    net = hand_net("relu6-inplace")
    seen = []

    def record(module: nn.Module, args: tuple) -> None:
        seen.append(args[0].detach().clone())

    net.act2.register_forward_pre_hook(record)
    net(hand_input(scale=12.0))
    assert (seen[0] > 6).any()


@pytest.mark.parametrize("variant", ["relu", "tanh-gate"])
def test_conservation_holds_up_to_the_bias_shares(variant: str) -> None:
    net = hand_net(variant).double()
    x = hand_input().double()
    target = target_of(net(x).detach().numpy().ravel())
    _, bias, _ = reference_shares(net, x, target)
    shares = contribution_shares(net, x, CUTS, lambda out: out[0, [target]], epsilon=1e-12)
    for layer in CUTS:
        share_map = shares[layer][0].sum(0)
        expected = sum(bias[name] for name in BIASES_AFTER[layer])
        assert abs(expected) > 1e-3  # the biases do take a share
        assert conservation_gap(share_map) == pytest.approx(expected, abs=1e-6), layer


def test_explainer_maps_sum_shares_over_channels() -> None:
    net = hand_net("tanh-gate")
    model = load_model(net, input_size=(8, 8), in_channels=2, mean=(0.0, 0.0), std=(1.0, 1.0))
    x = hand_input()
    target = target_of(net(x).detach().numpy().ravel())
    beta, _, _ = reference_shares(net.double(), x.double(), target)
    net.float()
    result = Explainer(model).explain(
        x, methods=["contribution"], layers=["act1", "block"], target=target
    )
    for layer, (channels, size) in {"act1": (3, 8), "block": (3, 4)}.items():
        expected = beta[layer].reshape(channels, size, size).sum(0)
        # float32 and the default stabiliser (1e-6): agreement to about 1e-5 of the largest share
        np.testing.assert_allclose(result.maps[("contribution", layer)], expected, atol=1e-5)


def test_gradient_exact_models_take_the_shared_gradient_pass() -> None:
    relu = load_model(hand_net("relu"), input_size=(8, 8), in_channels=2, mean=(0, 0), std=(1, 1))
    gated = load_model(
        hand_net("silu-gate"), input_size=(8, 8), in_channels=2, mean=(0, 0), std=(1, 1)
    )
    assert gradient_exact(relu)
    assert not gradient_exact(gated)
    x = hand_input()
    layers = ["act1", "block", "act2"]
    result = Explainer(relu).explain(x, methods=["contribution"], layers=layers, target=1)
    direct = contribution_shares(relu.module, x, layers, lambda out: out[0, [1]])
    for layer in layers:
        np.testing.assert_allclose(
            result.maps[("contribution", layer)], direct[layer][0].sum(0).numpy(), rtol=1e-5
        )


def seeded_torchvision(name: str, seed: int = 0) -> nn.Module:
    """A randomly initialised torchvision classifier (5 classes); DenseNet in a small
    configuration of the same architecture (DenseNet-121's layers, fewer and narrower)."""
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        if name == "densenet":
            return torchvision.models.DenseNet(8, (2, 3, 2), 16, num_classes=5).eval()
        return getattr(torchvision.models, name)(num_classes=5).eval()


@pytest.fixture(scope="module")
def resnet18():
    return load_model(seeded_torchvision("resnet18"), input_size=(64, 64))


def test_resnet_pre_gap_shares_are_cam_over_score(resnet18) -> None:
    """For GAP + linear head, p = sum_k W[c, k] (1/N) sum_s A_k(s) + b_c, so the shares at the
    pre-GAP layer are exactly A_k(s) W[c, k] / (N p): Grad-CAM's gradient W[c, k] / N times the
    activation, over the score."""
    x = torch.randn(1, 3, 64, 64, generator=torch.Generator().manual_seed(3))
    module = resnet18.module
    captured = {}
    handle = module.layer4.register_forward_hook(lambda m, i, o: captured.setdefault("A", o))
    with torch.no_grad():
        logits = module(x)[0]
    handle.remove()
    result = Explainer(resnet18).explain(x, methods=["contribution"], layers=["layer4"], target=2)
    features = captured["A"][0]
    weight = module.fc.weight.detach()[2]
    positions = features[0].numel()
    expected = (features * weight[:, None, None]).sum(0) / (positions * logits[2])
    np.testing.assert_allclose(result.maps[("contribution", "layer4")], expected, rtol=1e-4)
    leaf = captured["A"].detach().requires_grad_(True)
    score = module.fc(torch.flatten(module.avgpool(leaf), 1))[0, 2]
    (gradient,) = torch.autograd.grad(score, leaf)
    grad_times_activation = (gradient * leaf).detach()[0].sum(0) / logits[2]
    np.testing.assert_allclose(expected, grad_times_activation, rtol=1e-4, atol=1e-7)


def test_resnet_shared_pass_equals_the_modified_backward(resnet18) -> None:
    x = torch.randn(1, 3, 64, 64, generator=torch.Generator().manual_seed(4))
    layers = ["layer1", "layer2", "layer3", "layer4"]
    assert gradient_exact(resnet18)
    result = Explainer(resnet18).explain(x, methods=["contribution"], layers=layers, target=0)
    direct = contribution_shares(resnet18.module, x, layers, lambda out: out[0, [0]])
    for layer in layers:
        np.testing.assert_allclose(
            result.maps[("contribution", layer)],
            direct[layer][0].sum(0).numpy(),
            rtol=1e-4,
            atol=1e-6,
        )


def bias_free(module: nn.Module) -> nn.Module:
    """Zero every additive constant outside gate branches (biases, BN shifts): then the shares
    at any layer every path crosses sum to exactly 1. BN variances are first estimated on random
    inputs so that activations keep a usable scale in a randomly initialised network."""
    norms = [sub for sub in module.modules() if isinstance(sub, nn.modules.batchnorm._BatchNorm)]
    with torch.no_grad():
        for bn in norms:
            bn.reset_running_stats()
            bn.momentum = None
        module.train()(torch.randn(4, 3, 64, 64, generator=torch.Generator().manual_seed(9)))
        for bn in norms:
            bn.bias.zero_()
            bn.running_mean.zero_()
        for sub in module.modules():
            if isinstance(sub, nn.Linear) and sub.bias is not None:
                sub.bias.zero_()
    return module.eval()


CONSERVING = {
    "efficientnet_b0": ["features.2", "features.5"],
    "mobilenet_v2": ["features.3", "features.10"],
    "densenet": ["features.transition1", "features.denseblock2"],
}


@pytest.mark.parametrize("name", sorted(CONSERVING))
def test_torchvision_architectures_conserve_without_biases(name: str) -> None:
    """Squeeze-excitation gates, SiLU, ReLU6, in-place ReLU, concatenation, residuals: with the
    biases removed, the shares at stage boundaries sum to 1. Gradient x input (the plain
    gradient's rule through activations and gates) does not, for SiLU/ReLU6 and gated models."""
    module = bias_free(seeded_torchvision(name))
    x = torch.randn(1, 3, 64, 64, generator=torch.Generator().manual_seed(5))
    layers = CONSERVING[name]
    shares = contribution_shares(module, x, layers, lambda out: out[0, [0]])
    for layer in layers:
        assert conservation_gap(shares[layer][0].sum(0)) == pytest.approx(0, abs=1e-4), layer
    if name != "densenet":
        plain = gradient_times_input(module, x, layers[0])
        assert abs(conservation_gap(plain)) > 0.1


def gradient_times_input(module: nn.Module, x: torch.Tensor, layer: str) -> torch.Tensor:
    """sum over channels of A * d p / d A / p at `layer`, for class 0, with plain autograd."""
    captured = {}

    def keep(module: nn.Module, args: tuple, output: torch.Tensor) -> torch.Tensor:
        captured["A"] = output.detach().requires_grad_(True)
        return captured["A"]

    handle = dict(module.named_modules())[layer].register_forward_hook(keep)
    score = module(x)[0, 0]
    handle.remove()
    (gradient,) = torch.autograd.grad(score, captured["A"])
    return (gradient * captured["A"]).detach()[0].sum(0) / score.detach()


def test_builtin_architecture_conserves_without_biases() -> None:
    with torch.random.fork_rng():
        torch.manual_seed(0)
        net = bias_free(EfficientNetLite0(num_classes=5))
    model = load_model(net, input_size=(32, 32), mean=(0.5,) * 3, std=(0.5,) * 3)
    x = torch.randn(1, 3, 32, 32, generator=torch.Generator().manual_seed(6))
    layers = ["stem", "blocks.3", "blocks.10"]
    result = Explainer(model).explain(x, methods=["contribution"], layers=layers)
    for layer in layers:
        assert conservation_gap(result.maps[("contribution", layer)]) == pytest.approx(
            0, abs=1e-4
        ), layer


def test_one_dimensional_pre_gap_shares(tiny1d) -> None:
    x = torch.randn(1, 2, 52, generator=torch.Generator().manual_seed(7))
    result = Explainer(tiny1d).explain(x, methods=["contribution"], layers=["features"], target=1)
    module = tiny1d.module
    with torch.no_grad():
        features = module.features(module.relu1(module.conv1(x)))[0]
        score = module(x)[0, 1]
    weight = module.classifier.weight[1].detach()
    expected = (features * weight[:, None]).sum(0) / (features.shape[1] * score)
    np.testing.assert_allclose(result.maps[("contribution", "features")], expected, rtol=1e-4)


# ---- the user's model is left as it was --------------------------------------------------------


def model_state(module: nn.Module) -> list:
    return [
        (
            name,
            id(sub),
            len(sub._forward_hooks),
            len(sub._forward_pre_hooks),
            len(sub._backward_hooks),
            len(sub._backward_pre_hooks),
        )
        for name, sub in module.named_modules()
    ] + [(name, p.requires_grad) for name, p in module.named_parameters()]


def assert_untouched(module: nn.Module, before: list) -> None:
    assert model_state(module) == before
    assert not torch._C._is_torch_function_mode_enabled()
    assert all(p.grad is None for p in module.parameters())


@pytest.mark.parametrize("variant", ["relu", "relu6-inplace"])
def test_model_untouched_after_success_error_and_cancel(variant: str) -> None:
    net = hand_net(variant)
    net.conv1.weight.requires_grad_(False)  # a partly frozen model keeps its flags
    model = load_model(net, input_size=(8, 8), in_channels=2, mean=(0, 0), std=(1, 1))
    before = model_state(net)
    x = hand_input()
    explainer = Explainer(model)
    explainer.explain(x, methods=["contribution"], layers=["act1", "block"])
    assert_untouched(net, before)

    def failing(output: torch.Tensor) -> torch.Tensor:
        raise RuntimeError("broken reduction")

    with pytest.raises(RuntimeError, match="broken reduction"):
        explainer.explain(x, methods=["contribution"], layers=["act1"], target=failing)
    assert_untouched(net, before)

    token = CancelToken()

    def cancelling(output: torch.Tensor) -> torch.Tensor:
        token.cancel()
        return output[0, 0]

    with pytest.raises(Cancelled):
        contribution_shares(net, x, ["act1"], cancelling, cancel=token)
    assert_untouched(net, before)


def test_mode_records_rewritten_operations() -> None:
    net = hand_net("silu-gate")
    mode = ContributionMode()
    with torch.no_grad(), mode:
        net(hand_input())
    assert mode.rewritten == {"silu", "sigmoid", "product"}
