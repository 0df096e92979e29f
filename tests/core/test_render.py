"""core.render against independent references: torch interpolation, published colormap values."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from gapviewer.core import render

SHAPES = [
    ((7, 7), (224, 224)),
    ((7, 5), (100, 33)),
    ((1, 4), (3, 9)),
    ((5, 1), (8, 2)),
    ((10, 12), (4, 5)),
    ((3, 3), (3, 3)),
]


def torch_resize(values: np.ndarray, size: tuple[int, int], mode: str) -> np.ndarray:
    extra = {} if mode == "nearest" else {"align_corners": False}
    batch = torch.from_numpy(values)[None, None]
    return F.interpolate(batch, size=size, mode=mode, **extra)[0, 0].numpy()


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize(("shape", "size"), SHAPES)
def test_upsample_matches_torch(mode, shape, size):
    values = np.random.default_rng(0).normal(size=shape).astype(np.float32)
    result = render.upsample(values, size, mode)
    assert result.dtype == np.float32 and result.shape == size
    np.testing.assert_allclose(result, torch_resize(values, size, mode), atol=1e-5)


def test_upsample_1d_signal_matches_torch_linear():
    signal = np.random.default_rng(1).normal(size=6).astype(np.float32)
    expected = F.interpolate(torch.from_numpy(signal)[None, None], size=40, mode="linear")
    result = render.upsample(signal, 40)
    assert result.shape == (1, 40)
    np.testing.assert_allclose(result[0], expected[0, 0].numpy(), atol=1e-5)
    assert render.upsample(signal, (5, 40)).shape == (5, 40)


def test_nearest_7_to_224_is_32_pixel_blocks():
    values = np.arange(49, dtype=np.float32).reshape(7, 7)
    result = render.upsample(values, (224, 224), "nearest")
    np.testing.assert_array_equal(result, np.kron(values, np.ones((32, 32))))


def test_nearest_7_to_100_regions_cover_their_fraction_of_the_image():
    values = np.arange(49, dtype=np.float32).reshape(7, 7)
    result = render.upsample(values, (100, 100), "nearest")
    for i in range(7):
        # region i covers rows [100 i / 7, 100 (i + 1) / 7): integer rows from the ceilings
        first, end = -(-100 * i // 7), -(-100 * (i + 1) // 7)
        assert end - first in (14, 15)
        np.testing.assert_array_equal(result[first:end, 0], values[i, 0])
        np.testing.assert_array_equal(result[0, first:end], values[0, i])
    np.testing.assert_array_equal(result, torch_resize(values, (100, 100), "nearest"))


@pytest.mark.parametrize("mode", ["nearest", "bilinear", "bicubic"])
@pytest.mark.parametrize("shape", [(7, 7), (1, 1), (1, 5), (4, 1)])
def test_constant_maps_stay_constant(mode, shape):
    result = render.upsample(np.full(shape, 3.0), (9, 11), mode)
    np.testing.assert_allclose(result, 3.0, rtol=1e-6)


def test_upsample_none_returns_the_map():
    values = np.arange(6).reshape(2, 3)
    result = render.upsample(values, (50, 50), "none")
    assert result.dtype == np.float32
    np.testing.assert_array_equal(result, values)
    assert render.upsample(np.arange(4), 9, "none").shape == (1, 4)


@pytest.mark.parametrize(
    ("values", "size", "mode"),
    [
        (np.zeros((2, 2)), (4, 4), "lanczos"),
        (np.zeros((2, 2, 2)), (4, 4), "bilinear"),
        (np.zeros((0, 3)), (4, 4), "bilinear"),
        (np.zeros((2, 2)), (0, 4), "nearest"),
    ],
)
def test_upsample_rejects_bad_input(values, size, mode):
    with pytest.raises(ValueError):
        render.upsample(values, size, mode)


def test_normalise_per_map_uses_each_range():
    a, b = np.array([[1.0, 3.0], [2.0, 5.0]]), np.array([[-2.0, 0.0]])
    na, nb = render.normalise([a, b])
    assert (na.vmin, na.vmax, nb.vmin, nb.vmax) == (1.0, 5.0, -2.0, 0.0)
    np.testing.assert_allclose(na.values, [[0.0, 0.5], [0.25, 1.0]])
    np.testing.assert_allclose(nb.values, [[0.0, 1.0]])
    assert na.values.dtype == np.float32


def test_normalise_shared_uses_one_range():
    a, b = np.array([0.0, 2.0]), np.array([4.0, 8.0])
    na, nb = render.normalise([a, b], "shared")
    assert (na.vmin, na.vmax) == (nb.vmin, nb.vmax) == (0.0, 8.0)
    np.testing.assert_allclose(na.values, [0.0, 0.25])
    np.testing.assert_allclose(nb.values, [0.5, 1.0])


def test_normalise_signed_puts_zero_at_half():
    a, b = np.array([-1.0, 0.0, 0.5]), np.array([2.0, -0.5])
    na, nb = render.normalise([a, b], "signed")
    assert (na.vmin, na.vmax) == (nb.vmin, nb.vmax) == (-2.0, 2.0)
    np.testing.assert_allclose(na.values, [0.25, 0.5, 0.625])
    np.testing.assert_allclose(nb.values, [1.0, 0.375])


def test_clip_percentile_ignores_outliers():
    values = np.append(np.linspace(0.0, 1.0, 999), 1000.0)
    (clipped,) = render.normalise([values], clip_percentile=99.0)
    assert clipped.vmax == pytest.approx(np.percentile(values, 99.0))
    assert clipped.vmin == pytest.approx(np.percentile(values, 1.0))
    assert clipped.values[-1] == 1.0 and clipped.values[0] == 0.0
    assert clipped.values[500] == pytest.approx(0.5, abs=0.02)
    (signed,) = render.normalise([-values], "signed", clip_percentile=99.0)
    assert signed.vmax == -signed.vmin == pytest.approx(np.percentile(values, 99.0))
    assert signed.values[-1] == 0.0


def test_constant_and_zero_maps_are_finite():
    (constant,) = render.normalise([np.full((3, 3), 7.0)])
    np.testing.assert_array_equal(constant.values, 0.0)
    (zero,) = render.normalise([np.zeros((3, 3))], "signed")
    np.testing.assert_array_equal(zero.values, 0.5)
    assert render.normalise([]) == []


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_normalise_rejects_non_finite(bad):
    with pytest.raises(ValueError, match="map 1"):
        render.normalise([np.zeros(2), np.array([0.0, bad])])


@pytest.mark.parametrize(("mode", "clip"), [("global", None), ("per-map", 30.0), ("per-map", 101)])
def test_normalise_rejects_bad_options(mode, clip):
    with pytest.raises(ValueError):
        render.normalise([np.zeros(2)], mode, clip)


def test_every_colormap_is_a_read_only_cached_table():
    assert set(render.COLORMAPS) >= {render.DEFAULT_COLORMAP, render.DIVERGING_COLORMAP}
    for name in render.COLORMAPS:
        lut = render.colormap_lut(name)
        assert lut.shape == (256, 3) and lut.dtype == np.uint8
        assert lut is render.colormap_lut(name)
        assert not lut.flags.writeable


@pytest.mark.parametrize(
    ("name", "first", "last"),
    [
        ("viridis", (68, 1, 84), (253, 231, 37)),
        ("magma", (0, 0, 4), (252, 253, 191)),
        ("inferno", (0, 0, 4), (252, 255, 164)),
        ("plasma", (13, 8, 135), (240, 249, 33)),
        ("cividis", (0, 34, 78), (254, 232, 56)),
        ("turbo", (48, 18, 59), (122, 4, 3)),
        ("coolwarm", (59, 76, 192), (180, 4, 38)),
    ],
)
def test_published_end_colours(name, first, last):
    lut = render.colormap_lut(name)
    assert tuple(lut[0]) == first and tuple(lut[-1]) == last


def test_coolwarm_is_neutral_grey_at_zero():
    # Moreland (2009): the diverging map passes through (221, 221, 221) at its midpoint.
    lut = render.colormap_lut("coolwarm").astype(int)
    assert np.abs(lut[127:129] - 221).max() <= 1


def test_jet_and_gray_formulas():
    x = np.arange(256) / 255
    knots = {  # piecewise-linear jet, breakpoints at eighths
        0: ([0, 3 / 8, 5 / 8, 7 / 8, 1], [0, 0, 1, 1, 0.5]),
        1: ([0, 1 / 8, 3 / 8, 5 / 8, 7 / 8, 1], [0, 0, 1, 1, 0, 0]),
        2: ([0, 1 / 8, 3 / 8, 5 / 8, 1], [0.5, 1, 1, 0, 0]),
    }
    jet = render.colormap_lut("jet").astype(int)
    for channel, (xp, fp) in knots.items():
        np.testing.assert_allclose(jet[:, channel], np.interp(x, xp, fp) * 255, atol=0.5 + 1e-9)
    np.testing.assert_array_equal(
        render.colormap_lut("gray"), np.repeat(np.arange(256), 3).reshape(256, 3)
    )


def test_unknown_colormap_lists_valid_names():
    with pytest.raises(ValueError, match="viridis"):
        render.colormap_lut("rainbow")


def test_apply_colormap_bins_values():
    values = np.array([[0.0, 1.0], [0.5, 1.0 / 256 - 1e-6], [-0.5, 2.0]])
    rgb = render.apply_colormap(values, "gray")
    assert rgb.shape == (3, 2, 3) and rgb.dtype == np.uint8
    np.testing.assert_array_equal(rgb[..., 0], [[0, 255], [128, 0], [0, 255]])
    with pytest.raises(ValueError):
        render.apply_colormap(np.array([np.nan]), "gray")


def test_overlay_blends_a_hand_computed_pixel():
    image = np.array([[[10, 200, 100]]], np.uint8)
    heat = np.array([[[250, 0, 101]]], np.uint8)
    # 0.7 * (10, 200, 100) + 0.3 * (250, 0, 101) = (82, 140, 100.3)
    np.testing.assert_array_equal(render.overlay(image, heat, 0.3), [[[82, 140, 100]]])
    np.testing.assert_array_equal(render.overlay(image, heat, 0.0), image)
    np.testing.assert_array_equal(render.overlay(image, heat, 1.0), heat)
    black, one = np.zeros((1, 1, 3), np.uint8), np.ones((1, 1, 3), np.uint8)
    np.testing.assert_array_equal(render.overlay(black, one, 0.5), one)  # 0.5 rounds up


@pytest.mark.parametrize(
    ("image", "heat", "alpha"),
    [
        (np.zeros((2, 2, 3), np.uint8), np.zeros((2, 3, 3), np.uint8), 0.5),
        (np.zeros((2, 2, 3), np.uint8), np.zeros((2, 2, 3), np.uint8), 1.5),
        (np.zeros((2, 2, 3), np.float32), np.zeros((2, 2, 3), np.uint8), 0.5),
        (np.zeros((2, 2), np.uint8), np.zeros((2, 2), np.uint8), 0.5),
    ],
)
def test_overlay_rejects_bad_input(image, heat, alpha):
    with pytest.raises(ValueError):
        render.overlay(image, heat, alpha)


def test_transmittance_is_one_minus_alpha():
    assert render.transmittance_to_alpha(0.25) == 0.75
    assert render.transmittance_to_alpha(1.0) == 0.0
    with pytest.raises(ValueError):
        render.transmittance_to_alpha(-0.1)


def test_render_overlay_draws_the_grid_in_the_image_shape():
    image = np.full((40, 60, 3), 128, np.uint8)
    raw = np.array([[0.0, 1.0, 2.0], [3.0, 4.0, 6.0]])
    out = render.render_overlay(image, raw, alpha=1.0, upsample_mode="nearest")
    assert out.shape == image.shape and out.dtype == np.uint8
    viridis = render.colormap_lut("viridis")
    assert tuple(out[0, 0]) == tuple(viridis[0]) and tuple(out[-1, -1]) == tuple(viridis[255])
    assert tuple(out[0, 20]) == tuple(viridis[int(256 / 6)])
    assert render.render_overlay(image, raw).shape == image.shape


def test_render_overlay_signed_defaults_to_diverging_colours():
    image = np.zeros((4, 4, 3), np.uint8)
    raw = np.array([[-2.0, 0.0], [0.0, 1.0]])
    out = render.render_overlay(
        image, raw, alpha=1.0, normalisation="signed", upsample_mode="nearest"
    )
    coolwarm = render.colormap_lut("coolwarm")
    assert tuple(out[0, 0]) == tuple(coolwarm[0])
    assert tuple(out[0, 3]) == tuple(coolwarm[128])
    assert tuple(out[3, 3]) == tuple(coolwarm[int(0.75 * 256)])


def test_render_overlay_uses_a_given_value_range():
    image = np.zeros((2, 2, 3), np.uint8)
    out = render.render_overlay(
        image, np.full((2, 2), 5.0), alpha=1.0, colormap="gray", value_range=(0.0, 10.0)
    )
    np.testing.assert_array_equal(out, 128)
    with pytest.raises(ValueError):
        render.render_overlay(image, np.zeros((2, 2)), value_range=(1.0, 0.0))


def test_render_overlay_rejects_signals_and_unsized_maps():
    image = np.zeros((8, 8, 3), np.uint8)
    with pytest.raises(ValueError, match="2-D"):
        render.render_overlay(image, np.zeros(8))
    with pytest.raises(ValueError, match="none"):
        render.render_overlay(image, np.zeros((2, 2)), upsample_mode="none")
    assert render.render_overlay(image, np.zeros((8, 8)), upsample_mode="none").shape == (8, 8, 3)
