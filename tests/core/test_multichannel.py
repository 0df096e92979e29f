"""core.multichannel and core.channel_contrib: loading, composition, first-conv adaptation,
per-channel contribution."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
import tifffile
import torch
from torch import nn

from gapviewer.core.channel_contrib import channel_contributions, sum_per_channel
from gapviewer.core.models import load_model
from gapviewer.core.multichannel import (
    ChannelImageLoadError,
    ChannelPreprocessing,
    adapt_first_conv,
    auto_contrast,
    channel_image_from_array,
    compose,
    load_channel_image,
)

CUBE = np.arange(5 * 6 * 7, dtype=np.float32).reshape(5, 6, 7)  # C x H x W


def reason(path: Path, **options) -> str:
    with pytest.raises(ChannelImageLoadError) as info:
        load_channel_image(path, **options)
    message = str(info.value)
    assert message.startswith(f"{path.name}: ") and "\n" not in message
    return message


def test_npy_hwc_and_chw_with_sidecar_names(tmp_path):
    chw = tmp_path / "chw.npy"
    np.save(chw, CUBE)
    hwc = tmp_path / "hwc.npy"
    np.save(hwc, np.moveaxis(CUBE, 0, -1))
    Path(f"{hwc}.channels.txt").write_text("C-H\nN-H\n\nO-H\nC=O\nS-S\n")
    for path in (chw, hwc):
        image = load_channel_image(path)
        np.testing.assert_array_equal(image.data, CUBE)
        assert image.size == (6, 7) and not image.data.flags.writeable
    assert load_channel_image(hwc).channel_names == ("C-H", "N-H", "O-H", "C=O", "S-S")
    assert load_channel_image(chw).channel_names[4] == "channel 4"
    named = load_channel_image(chw, channel_names=list("abcde"))
    assert named.channel_names == tuple("abcde")


def test_tiff_pages_samples_and_separate_pages(tmp_path):
    pages = tmp_path / "pages.tif"
    tifffile.imwrite(pages, CUBE.astype(np.uint16))
    samples = tmp_path / "samples.tif"
    tifffile.imwrite(
        samples,
        np.moveaxis(CUBE, 0, -1).astype(np.uint16),
        photometric="minisblack",
        planarconfig="contig",
    )
    separate = tmp_path / "separate.tif"
    with tifffile.TiffWriter(separate) as writer:
        for plane in CUBE:
            writer.write(plane)
    for path in (pages, samples, separate):
        np.testing.assert_array_equal(load_channel_image(path).data, CUBE)
    grey = tmp_path / "grey.tif"
    tifffile.imwrite(grey, CUBE[0])
    assert load_channel_image(grey).data.shape == (1, 6, 7)


def test_layout_is_recorded_and_an_ambiguous_cube_needs_one(tmp_path):
    """The layout "auto" chose (or the one given) travels with the image; a cube whose first and
    last axes are equally plausible channel axes is refused by "auto" and read either way."""
    hwc = tmp_path / "hwc.npy"
    np.save(hwc, np.moveaxis(CUBE, 0, -1))
    assert load_channel_image(hwc).layout == "hwc"
    chw = tmp_path / "chw.npy"
    np.save(chw, CUBE)
    assert load_channel_image(chw).layout == "chw"
    flat = tmp_path / "flat.npy"
    np.save(flat, CUBE[0])
    assert load_channel_image(flat).layout is None
    cube = np.arange(6 * 8 * 6, dtype=np.float32).reshape(6, 8, 6)
    ambiguous = tmp_path / "ambiguous.npy"
    np.save(ambiguous, cube)
    assert "cannot tell the channel axis of shape 6 x 8 x 6" in reason(ambiguous)
    first = load_channel_image(ambiguous, layout="chw")
    last = load_channel_image(ambiguous, layout="hwc")
    assert (first.data.shape, first.layout) == ((6, 8, 6), "chw")
    assert (last.data.shape, last.layout) == ((6, 6, 8), "hwc")
    np.testing.assert_array_equal(last.data[2], cube[:, :, 2])
    samples = tmp_path / "samples.tif"
    tifffile.imwrite(samples, np.moveaxis(CUBE, 0, -1).astype(np.uint16),
                     photometric="minisblack", planarconfig="contig")
    assert load_channel_image(samples).layout == "hwc"
    assert channel_image_from_array(cube, layout="hwc").layout == "hwc"


def test_bad_files(tmp_path):
    square = tmp_path / "square.npy"
    np.save(square, np.zeros((4, 4, 4)))
    assert "cannot tell the channel axis" in reason(square)
    assert load_channel_image(square, layout="hwc").channels == 4
    assert "wrong shape 2 x 3 x 4 x 5" in reason(
        _saved(tmp_path, "four.npy", np.zeros((2, 3, 4, 5)))
    )
    assert "NaN or infinite values (channel 1)" in reason(
        _saved(tmp_path, "nan.npy", np.stack([np.ones((6, 7)), np.full((6, 7), np.nan)]))
    )
    objects = tmp_path / "objects.npy"
    np.save(objects, np.array([None, 1], dtype=object), allow_pickle=True)
    assert "Python objects" in reason(objects)
    assert "too large: 210 values" in reason(_saved(tmp_path, "big.npy", CUBE), max_values=200)
    empty = tmp_path / "empty.tif"
    empty.write_bytes(b"")
    assert "empty file" in reason(empty)
    broken = tmp_path / "broken.tif"
    broken.write_bytes(b"II*\x00" + bytes(20))
    assert "unreadable or unsupported TIFF" in reason(broken)
    assert "unsupported multi-channel file type .png" in reason(_touch(tmp_path / "x.png"))
    assert "file not found" in reason(tmp_path / "missing.npy")
    sidecar = _saved(tmp_path, "named.npy", CUBE)
    Path(f"{sidecar}.channels.txt").write_text("one\ntwo\n")
    assert "2 channel names for 5 channels" in reason(sidecar)
    with pytest.raises(ValueError, match="layout must be one of"):
        channel_image_from_array(CUBE, layout="whc")


def _saved(folder: Path, name: str, array: np.ndarray) -> Path:
    np.save(folder / name, array)
    return folder / name


def _touch(path: Path) -> Path:
    path.write_bytes(b"\x89PNG")
    return path


def test_compose_grey_and_false_colour_by_hand():
    data = np.zeros((4, 1, 3), np.float32)
    data[0, 0] = [0, 5, 10]
    data[2, 0] = [100, 150, 200]
    data[3, 0] = [-1, 0, 1]
    limits = np.array([[0, 10], [0, 1], [100, 200], [-1, 1]], np.float32)
    rgb = compose(data, (3, 0, 2), limits)
    assert rgb.dtype == np.uint8 and rgb.shape == (1, 3, 3)
    np.testing.assert_array_equal(rgb[0, :, 0], [0, 128, 255])  # (x + 1) / 2 * 255, rounded
    np.testing.assert_array_equal(rgb[0, :, 1], [0, 128, 255])
    np.testing.assert_array_equal(rgb[0, :, 2], [0, 128, 255])
    grey = compose(data, (0,), [[2, 4]] * 4)
    np.testing.assert_array_equal(grey[0], [[0, 0, 0], [255, 255, 255], [255, 255, 255]])
    with pytest.raises(ValueError, match="one channel"):
        compose(data, (0, 1))
    with pytest.raises(ValueError, match="out of range"):
        compose(data, (4,))


def test_auto_contrast_is_per_channel_percentiles():
    rng = np.random.default_rng(0)
    data = np.stack([rng.normal(size=(20, 20)), np.full((20, 20), 3.0)]).astype(np.float32)
    limits = auto_contrast(data, 2, 98)
    np.testing.assert_allclose(limits[0], np.percentile(data[0], [2, 98]), rtol=1e-5)
    np.testing.assert_array_equal(limits[1], [3, 4])  # a flat channel still gets a range


def test_adapt_first_conv_grey_keeps_the_grey_response():
    from torchvision.models import mobilenet_v3_small

    torch.manual_seed(0)
    original = mobilenet_v3_small(num_classes=4).eval()
    adapted = adapt_first_conv(copy.deepcopy(original), 7)
    first = adapted.features[0][0]  # nested: the replacement lands in the right parent
    assert first.in_channels == 7 and first.stride == (2, 2)
    grey = torch.rand(1, 1, 32, 32)
    with torch.no_grad():
        torch.testing.assert_close(
            adapted(grey.expand(-1, 7, -1, -1)),
            original(grey.expand(-1, 3, -1, -1)),
            rtol=1e-4,
            atol=1e-5,
        )


def test_adapt_first_conv_rgb_first_answers_as_before():
    net = nn.Sequential(nn.Conv2d(3, 4, 3, bias=True), nn.ReLU(), nn.Conv2d(4, 2, 1))
    torch.manual_seed(1)
    image = torch.rand(1, 3, 8, 8)
    with torch.no_grad():
        expected = net(image)
        adapt_first_conv(net, 6, mode="rgb-first")
        extra = torch.cat([image, torch.rand(1, 3, 8, 8)], 1)
        torch.testing.assert_close(net(extra), expected)
    assert net[2].in_channels == 4  # only the first convolution changed
    with pytest.raises(ValueError, match="no Conv2d"):
        adapt_first_conv(nn.Linear(3, 2), 5)


def test_multichannel_model_reads_npy_files(tmp_path):
    from tiny_models import TinyGapNet2d, seeded

    model = load_model(
        seeded(TinyGapNet2d(in_channels=5)),
        input_size=(6, 7),
        in_channels=5,
        mean=(1.0,),
        std=(2.0,),
    )
    assert isinstance(model.preprocessing, ChannelPreprocessing)
    path = _saved(tmp_path, "cube.npy", np.moveaxis(CUBE, 0, -1))
    torch.testing.assert_close(model.to_input(path), (torch.from_numpy(CUBE)[None] - 1) / 2)
    with pytest.raises(ChannelImageLoadError, match="has 4 channels, the model reads 5"):
        model.to_input(np.zeros((4, 6, 7), np.float32))


class OneBandNet(nn.Module):
    """Class 1's score is 3 x the spatial sum of channel 2; everything else is ignored."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(4, 2, 1, bias=False)
        with torch.no_grad():
            self.conv.weight.zero_()
            self.conv.weight[1, 2] = 3.0
            self.conv.weight[0, 0] = 0.5

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x).sum((2, 3))


def test_per_channel_contribution_finds_the_one_band():
    model = load_model(OneBandNet(), input_size=(5, 5), in_channels=4, classes=["a", "b"])
    data = np.random.default_rng(0).uniform(0.5, 1.5, size=(4, 5, 5)).astype(np.float32)
    result = channel_contributions(model, data, target="b", channel_names=tuple("pqrs"))
    expected = np.zeros(4)
    expected[2] = 3 * data[2].astype(np.float64).sum()
    np.testing.assert_allclose(result.values, expected, rtol=1e-5)
    assert result.target == 1 and result.ranked()[0][0] == "r"
    np.testing.assert_allclose(result.shares, [0, 0, 1, 0], atol=1e-6)


@pytest.mark.parametrize("activation", [nn.ReLU, nn.Tanh])
def test_contribution_shares_match_the_layer_wise_chain(activation):
    """The ratios chained by hand through linear -> activation -> linear (with biases); with
    ReLU they are also gradient x input / score."""
    torch.manual_seed(3)
    net = nn.Sequential(nn.Flatten(), nn.Linear(6, 5), activation(), nn.Linear(5, 2)).eval()
    model = load_model(net, input_size=(3,), in_channels=2)
    x = torch.randn(2, 3)
    result = channel_contributions(model, x[None], target=0)
    w1, b1 = net[1].weight.detach().double(), net[1].bias.detach().double()
    w2, b2 = net[3].weight.detach().double(), net[3].bias.detach().double()
    flat = x.reshape(-1).double()
    z = w1 @ flat + b1
    h = z.clamp_min(0) if activation is nn.ReLU else torch.tanh(z)
    p = float(w2[0] @ h + b2[0])
    shares = np.zeros(6)
    for j in range(5):
        share_h = float(h[j] * w2[0, j]) / p  # beta(h_j -> p); passes to z_j unchanged
        for i in range(6):
            shares[i] += share_h * float(flat[i] * w1[j, i] / z[j])  # beta(x_i -> z_j)
    np.testing.assert_allclose(result.shares, shares.reshape(2, 3).sum(1), rtol=1e-4, atol=1e-7)
    assert result.score == pytest.approx(p, rel=1e-5)
    gradient_shares = result.values / result.score
    if activation is nn.ReLU:
        np.testing.assert_allclose(gradient_shares, result.shares, rtol=1e-4, atol=1e-7)
    else:
        assert not np.allclose(gradient_shares, result.shares, rtol=1e-3)


def test_sum_per_channel():
    np.testing.assert_array_equal(sum_per_channel(np.arange(12).reshape(3, 2, 2)), [6, 22, 38])
