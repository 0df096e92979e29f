"""Tests for gapviewer.core.images: safe loading, awkward formats, folder listing, samples."""

from __future__ import annotations

import os
import pickle
import socket
import struct
import time
import warnings
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from PIL import ExifTags, Image, ImageFile, ImageOps

from gapviewer.core import images
from gapviewer.core.images import (
    DEFAULT_MAX_PIXELS,
    IMAGE_EXTENSIONS,
    ImageLoadError,
    LoadedImage,
    image_from_array,
    image_from_pil,
    list_images,
    load_image,
    sample_images,
)

RED, BLUE = (255, 0, 0), (0, 0, 255)


def _rgb(seed: int, height: int = 13, width: int = 17) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


def _save(img: Image.Image, path: Path, **params: object) -> Path:
    img.save(path, **params)
    return path


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _png_claiming(width: int, height: int) -> bytes:
    """A well-formed PNG whose IHDR claims ``width`` x ``height`` RGB but holds almost no data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + _png_chunk(b"IEND", b"")
    )


def _assert_one_line_error(err: ImageLoadError, path: Path) -> None:
    message = str(err)
    assert "\n" not in message and "\r" not in message
    assert message.startswith(f"{path.name.replace(chr(10), ' ')}: ")
    assert err.path == os.path.abspath(path)


def _assert_rgb(loaded: LoadedImage, width: int, height: int) -> None:
    assert loaded.pixels.shape == (height, width, 3)
    assert loaded.pixels.dtype == np.uint8
    assert not loaded.pixels.flags.writeable
    assert loaded.pixels.flags.c_contiguous
    assert loaded.size == (width, height)


# --- basics -------------------------------------------------------------------------------


def test_constants() -> None:
    assert DEFAULT_MAX_PIXELS == 100_000_000
    assert {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp"} <= IMAGE_EXTENSIONS
    assert {".ppm", ".pgm", ".pbm"} <= IMAGE_EXTENSIONS
    assert all(ext == ext.lower() and ext.startswith(".") for ext in IMAGE_EXTENSIONS)


def test_png_round_trip_and_provenance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rgb = _rgb(0)
    _save(Image.fromarray(rgb), tmp_path / "pic.png")
    monkeypatch.chdir(tmp_path)
    loaded = load_image("pic.png")
    _assert_rgb(loaded, 17, 13)
    np.testing.assert_array_equal(loaded.pixels, rgb)
    assert loaded.path == str(tmp_path / "pic.png")
    assert loaded.name == "pic.png"
    assert (loaded.source_mode, loaded.source_format, loaded.frames) == ("RGB", "PNG", 1)
    with pytest.raises(ValueError):
        loaded.pixels[0, 0, 0] = 1
    assert "pixels" not in repr(loaded)
    assert len({loaded, loaded}) == 1


@pytest.mark.parametrize(
    ("suffix", "mode"),
    [
        (".bmp", "RGB"),
        (".ppm", "RGB"),
        (".pgm", "L"),
        (".pbm", "1"),
        (".tiff", "RGB"),
        (".gif", "P"),
        (".jpeg", "RGB"),
    ],
)
def test_each_supported_format_loads(tmp_path: Path, suffix: str, mode: str) -> None:
    path = _save(Image.fromarray(_rgb(1)).convert(mode), tmp_path / f"x{suffix}")
    loaded = load_image(path)
    _assert_rgb(loaded, 17, 13)
    assert loaded.source_mode == mode


def test_content_decides_not_extension(tmp_path: Path) -> None:
    path = _save(Image.fromarray(_rgb(2)), tmp_path / "really_a_png.dat", format="PNG")
    assert load_image(path).source_format == "PNG"


# --- decompression bombs and the pixel budget ---------------------------------------------


def test_bomb_header_refused_before_decoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_claiming(100_000, 100_000))
    with pytest.raises(Image.DecompressionBombError):  # the crafted header is a real bomb
        Image.open(path)

    def no_decoding(self: ImageFile.ImageFile) -> None:
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    limit = Image.MAX_IMAGE_PIXELS
    start = time.perf_counter()
    with pytest.raises(ImageLoadError, match="too large") as info:
        load_image(path)
    assert time.perf_counter() - start < 0.5
    assert "100000 x 100000" in str(info.value)
    _assert_one_line_error(info.value, path)
    assert limit == Image.MAX_IMAGE_PIXELS


def test_budget_boundary(tmp_path: Path) -> None:
    path = _save(Image.fromarray(_rgb(3, 10, 20)), tmp_path / "small.png")
    assert load_image(path, max_pixels=200).size == (20, 10)
    with pytest.raises(ImageLoadError, match="exceeds the limit of 199"):
        load_image(path, max_pixels=199)


@pytest.fixture(scope="module")
def twelve_megapixel_jpeg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 4000 x 3000 JPEG: left half red, right half blue."""
    pixels = np.zeros((3000, 4000, 3), np.uint8)
    pixels[:, :2000, 0] = 255
    pixels[:, 2000:, 2] = 255
    return _save(Image.fromarray(pixels), tmp_path_factory.mktemp("big") / "big.jpg", quality=80)


def test_twelve_megapixels_load_within_default_budget(twelve_megapixel_jpeg: Path) -> None:
    loaded = load_image(twelve_megapixel_jpeg)
    _assert_rgb(loaded, 4000, 3000)
    np.testing.assert_allclose(loaded.pixels[1500, 1000], RED, atol=8)
    np.testing.assert_allclose(loaded.pixels[1500, 3000], BLUE, atol=8)


def test_twelve_megapixels_refused_by_lower_budget(twelve_megapixel_jpeg: Path) -> None:
    start = time.perf_counter()
    with pytest.raises(ImageLoadError, match="4000 x 3000"):
        load_image(twelve_megapixel_jpeg, max_pixels=11_999_999)
    assert time.perf_counter() - start < 0.5


def test_our_budget_not_pillows_decides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _save(Image.fromarray(_rgb(4, 100, 100)), tmp_path / "ok.png")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # Pillow alone would refuse 10000 px
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no DecompressionBombWarning either
        assert load_image(path).size == (100, 100)
    assert Image.MAX_IMAGE_PIXELS == 1000
    with pytest.raises(ImageLoadError):
        load_image(path, max_pixels=10)
    assert Image.MAX_IMAGE_PIXELS == 1000


def test_concurrent_loads_restore_pillow_limit(tmp_path: Path) -> None:
    limit = Image.MAX_IMAGE_PIXELS
    good = _save(Image.fromarray(_rgb(5)), tmp_path / "good.png")
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image")

    def load(i: int) -> bool:
        try:
            load_image(good if i % 2 else bad)
        except ImageLoadError:
            return False
        return True

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(load, range(24)))
    assert results.count(True) == 12
    assert limit == Image.MAX_IMAGE_PIXELS


# --- failures: one-line reasons that name the file ----------------------------------------


def _half(path: Path) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _empty(tmp: Path) -> Path:
    path = tmp / "empty.jpg"
    path.touch()
    return path


def _text_as_jpg(tmp: Path) -> Path:
    path = tmp / "notes.jpg"
    path.write_text("hello, I am not a photo\n")
    return path


def _truncated_jpeg(tmp: Path) -> Path:
    return _half(_save(Image.fromarray(_rgb(6, 300, 400)), tmp / "cut.jpg", quality=90))


def _truncated_png(tmp: Path) -> Path:
    return _half(_save(Image.fromarray(_rgb(7, 300, 400)), tmp / "cut.png"))


def _corrupt_png(tmp: Path) -> Path:
    path = _save(Image.fromarray(_rgb(8, 300, 400)), tmp / "corrupt.png")
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 200] = bytes(200)
    path.write_bytes(bytes(data))
    return path


def _corrupt_jpeg_header(tmp: Path) -> Path:
    path = tmp / "junk.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    return path


def _folder(tmp: Path) -> Path:
    path = tmp / "folder.png"
    path.mkdir()
    return path


def _missing(tmp: Path) -> Path:
    return tmp / "missing.png"


def _ico(tmp: Path) -> Path:
    return _save(Image.new("RGB", (16, 16)), tmp / "icon.png", format="ICO")


def _qoi(tmp: Path) -> Path:
    return _save(Image.new("RGB", (16, 16)), tmp / "frame.qoi", format="QOI")


def _non_ascii_bad(tmp: Path) -> Path:
    path = tmp / "猫 テスト.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n broken")
    return path


def _newline_in_name(tmp: Path) -> Path:
    path = tmp / "two\nlines.jpg"
    path.write_text("text")
    return path


def _one_byte(tmp: Path) -> Path:
    path = tmp / "tiny.bmp"
    path.write_bytes(b"B")
    return path


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_empty, "empty file"),
        (_text_as_jpg, "not a recognised image"),
        (_truncated_jpeg, "truncated or corrupt JPEG data"),
        (_truncated_png, "truncated or corrupt PNG data"),
        (_corrupt_png, "truncated or corrupt PNG data"),
        (_corrupt_jpeg_header, "JPEG"),
        (_folder, "is a folder"),
        (_missing, "file not found"),
        (_ico, "unsupported image format ICO"),
        (_qoi, "unsupported image format QOI"),
        (_non_ascii_bad, "PNG"),
        (_newline_in_name, "not a recognised image"),
        (_one_byte, "not a recognised image"),
    ],
)
def test_bad_files_raise_one_line_errors(
    tmp_path: Path, make: Callable[[Path], Path], reason: str
) -> None:
    path = make(tmp_path)
    with pytest.raises(ImageLoadError, match=reason) as info:
        load_image(path)
    _assert_one_line_error(info.value, path)
    assert isinstance(info.value, ValueError)


def test_import_keeps_truncated_files_an_error() -> None:
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_newline_in_name_is_flattened(tmp_path: Path) -> None:
    with pytest.raises(ImageLoadError) as info:
        load_image(_newline_in_name(tmp_path))
    assert str(info.value).startswith("two lines.jpg: ")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path: Path) -> None:
    path = _save(Image.fromarray(_rgb(9)), tmp_path / "locked.png")
    path.chmod(0)
    with pytest.raises(ImageLoadError, match="permission denied") as info:
        load_image(path)
    _assert_one_line_error(info.value, path)


def test_unreadable_file_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _save(Image.fromarray(_rgb(9)), tmp_path / "locked.png")

    def denied(file: object, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(file))

    monkeypatch.setattr(images, "open", denied, raising=False)
    with pytest.raises(ImageLoadError, match="permission denied") as info:
        load_image(path)
    _assert_one_line_error(info.value, path)


def test_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    with pytest.raises(ImageLoadError, match="not a regular file"):
        load_image(fifo)


def test_error_pickles_with_path() -> None:
    err = pickle.loads(pickle.dumps(ImageLoadError("/data/cat.jpg", "bad\ndata")))
    assert (err.path, str(err)) == ("/data/cat.jpg", "cat.jpg: bad data")


def test_image_from_pil_names_the_file_on_decode_error(tmp_path: Path) -> None:
    path = _truncated_png(tmp_path)
    with Image.open(path) as img, pytest.raises(ImageLoadError, match=r"^cut\.png: truncated"):
        image_from_pil(img)


# --- EXIF orientation -----------------------------------------------------------------------

# orientation -> (corner where the stored top-left quadrant is displayed, displayed size)
_ORIENTED = {
    1: ("top-left", (64, 32)),
    2: ("top-right", (64, 32)),
    3: ("bottom-right", (64, 32)),
    4: ("bottom-left", (64, 32)),
    5: ("top-left", (32, 64)),
    6: ("top-right", (32, 64)),
    7: ("bottom-right", (32, 64)),
    8: ("bottom-left", (32, 64)),
}


def _marked_corner_image() -> Image.Image:
    """64 x 32 blue image whose top-left quadrant is red (blocks align with JPEG MCUs)."""
    pixels = np.zeros((32, 64, 3), np.uint8)
    pixels[...] = BLUE
    pixels[:16, :32] = RED
    return Image.fromarray(pixels)


def _red_corner(pixels: np.ndarray) -> str:
    height, width = pixels.shape[:2]
    corners = {
        "top-left": pixels[height // 4, width // 4],
        "top-right": pixels[height // 4, 3 * width // 4],
        "bottom-left": pixels[3 * height // 4, width // 4],
        "bottom-right": pixels[3 * height // 4, 3 * width // 4],
    }
    (red,) = [name for name, (r, _g, b) in corners.items() if r > 200 and b < 60]
    return red


@pytest.mark.parametrize("orientation", sorted(_ORIENTED))
def test_exif_orientation(tmp_path: Path, orientation: int) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    path = _save(_marked_corner_image(), tmp_path / f"o{orientation}.jpg", exif=exif, quality=95)
    loaded = load_image(path)
    corner, size = _ORIENTED[orientation]
    _assert_rgb(loaded, *size)
    assert _red_corner(loaded.pixels) == corner
    with Image.open(path) as img:
        np.testing.assert_array_equal(loaded.pixels, np.asarray(ImageOps.exif_transpose(img)))


@pytest.mark.parametrize("orientation", [0, 9, 300])
def test_invalid_orientation_is_ignored(tmp_path: Path, orientation: int) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    path = _save(_marked_corner_image(), tmp_path / "odd.jpg", exif=exif, quality=95)
    assert _red_corner(load_image(path).pixels) == "top-left"


def test_png_exif_orientation(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    path = _save(_marked_corner_image(), tmp_path / "o6.png", exif=exif)
    loaded = load_image(path)
    assert loaded.size == (32, 64)
    assert _red_corner(loaded.pixels) == "top-right"


# --- awkward but valid pixel modes ---------------------------------------------------------


def _grey(loaded: LoadedImage) -> np.ndarray:
    pixels = loaded.pixels
    np.testing.assert_array_equal(pixels[..., 0], pixels[..., 1])
    np.testing.assert_array_equal(pixels[..., 0], pixels[..., 2])
    return pixels[..., 0]


def test_greyscale_l(tmp_path: Path) -> None:
    ramp = np.arange(256, dtype=np.uint8).reshape(16, 16)
    loaded = load_image(_save(Image.fromarray(ramp), tmp_path / "grey.png"))
    assert loaded.source_mode == "L"
    np.testing.assert_array_equal(_grey(loaded), ramp)


def test_one_bit(tmp_path: Path) -> None:
    img = Image.new("1", (3, 2), 0)
    img.putpixel((2, 1), 1)
    loaded = load_image(_save(img, tmp_path / "bits.png"))
    assert loaded.source_mode == "1"
    np.testing.assert_array_equal(_grey(loaded), [[0, 0, 0], [0, 0, 255]])


def test_sixteen_bit_png_scaled_not_clipped(tmp_path: Path) -> None:
    values = np.array([[0, 128, 129, 257, 32896, 65535]], np.uint16)
    loaded = load_image(_save(Image.fromarray(values), tmp_path / "deep.png"))
    assert loaded.source_mode == "I;16"
    np.testing.assert_array_equal(_grey(loaded), [[0, 0, 1, 1, 128, 255]])


def test_sixteen_bit_pgm_opened_as_i(tmp_path: Path) -> None:
    path = tmp_path / "deep.pgm"
    path.write_bytes(b"P5 3 1 65535\n" + np.array([0, 32896, 65535], ">u2").tobytes())
    loaded = load_image(path)
    assert loaded.source_mode == "I"
    np.testing.assert_array_equal(_grey(loaded), [[0, 128, 255]])


def test_thirty_two_bit_integer_outside_16_bit_is_stretched(tmp_path: Path) -> None:
    values = np.array([[-1000, 0, 100_000]], np.int32)
    loaded = load_image(_save(Image.fromarray(values), tmp_path / "int.tif"))
    assert loaded.source_mode == "I"
    np.testing.assert_array_equal(_grey(loaded), [[0, 3, 255]])


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0.0, 0.5, 1.0], [0, 128, 255]),
        ([-1.0, 0.0, 3.0], [0, 64, 255]),
        ([np.nan, 0.0, 1.0], [0, 0, 255]),
    ],
)
def test_float_f_mode(tmp_path: Path, values: list[float], expected: list[int]) -> None:
    img = Image.fromarray(np.array([values], np.float32))
    loaded = load_image(_save(img, tmp_path / "float.tif"))
    assert loaded.source_mode == "F"
    np.testing.assert_array_equal(_grey(loaded), [expected])


def _palette_image() -> Image.Image:
    img = Image.new("P", (3, 1), 0)
    img.putpalette([*RED, *BLUE, 0, 255, 0] + [0] * (768 - 9))
    img.putpixel((1, 0), 1)
    img.putpixel((2, 0), 2)
    return img


def test_palette_without_transparency(tmp_path: Path) -> None:
    loaded = load_image(_save(_palette_image(), tmp_path / "pal.png"))
    assert loaded.source_mode == "P"
    np.testing.assert_array_equal(loaded.pixels[0], [RED, BLUE, (0, 255, 0)])


@pytest.mark.parametrize("suffix", [".png", ".gif"])
def test_palette_transparency_becomes_white(tmp_path: Path, suffix: str) -> None:
    path = _save(_palette_image(), tmp_path / f"pal{suffix}", transparency=1)
    loaded = load_image(path)
    assert loaded.source_mode == "P"
    np.testing.assert_array_equal(loaded.pixels[0], [RED, (255, 255, 255), (0, 255, 0)])


def test_rgba_composited_onto_white(tmp_path: Path) -> None:
    rgba = np.array([[[255, 0, 0, 255], [255, 0, 0, 0], [0, 0, 0, 128]]], np.uint8)
    loaded = load_image(_save(Image.fromarray(rgba), tmp_path / "alpha.png"))
    assert loaded.source_mode == "RGBA"
    np.testing.assert_array_equal(loaded.pixels[0], [RED, (255, 255, 255), (127, 127, 127)])


def test_la_composited_onto_white(tmp_path: Path) -> None:
    la = np.array([[[100, 255], [0, 0]]], np.uint8)
    loaded = load_image(_save(Image.fromarray(la, "LA"), tmp_path / "la.png"))
    assert loaded.source_mode == "LA"
    np.testing.assert_array_equal(_grey(loaded), [[100, 255]])


def test_cmyk_jpeg_to_rgb(tmp_path: Path) -> None:
    path = _save(Image.new("CMYK", (16, 16), (255, 0, 0, 0)), tmp_path / "cmyk.jpg")
    loaded = load_image(path)
    assert (loaded.source_mode, loaded.source_format) == ("CMYK", "JPEG")
    np.testing.assert_allclose(loaded.pixels[8, 8], (0, 255, 255), atol=3)


def test_webp(tmp_path: Path) -> None:
    rgb = _rgb(10)
    loaded = load_image(_save(Image.fromarray(rgb), tmp_path / "pic.webp", lossless=True))
    assert loaded.source_format == "WEBP"
    np.testing.assert_array_equal(loaded.pixels, rgb)


@pytest.mark.parametrize("suffix", [".gif", ".tif", ".webp", ".png"])
def test_multi_frame_reads_first_frame(tmp_path: Path, suffix: str) -> None:
    frames = [Image.new("RGB", (20, 10), colour) for colour in (RED, (0, 255, 0), BLUE)]
    path = _save(frames[0], tmp_path / f"anim{suffix}", save_all=True, append_images=frames[1:])
    loaded = load_image(path)
    assert loaded.frames == 3
    _assert_rgb(loaded, 20, 10)
    np.testing.assert_allclose(loaded.pixels[5, 10], RED, atol=2)


@pytest.mark.parametrize("suffix", [".png", ".jpg"])
def test_one_pixel(tmp_path: Path, suffix: str) -> None:
    loaded = load_image(_save(Image.new("RGB", (1, 1), (10, 200, 30)), tmp_path / f"px{suffix}"))
    _assert_rgb(loaded, 1, 1)
    np.testing.assert_allclose(loaded.pixels[0, 0], (10, 200, 30), atol=4)


def test_non_ascii_file_name(tmp_path: Path) -> None:
    folder = tmp_path / "données"
    folder.mkdir()
    path = _save(Image.fromarray(_rgb(11)), folder / "猫 テスト.png")
    loaded = load_image(path)
    assert loaded.name == "猫 テスト.png"
    assert loaded.path == str(path)
    assert list_images([folder]) == ([path], [])


# --- listing folders -------------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """root/{a.JPG, b2.png, b10.png, notes.txt, .hidden.png, .git/x.png,
    sub/{bad.png, c.webp, deeper/d.TIFF}}; sub/bad.png is text."""
    root = tmp_path / "root"
    for folder in (root / ".git", root / "sub" / "deeper"):
        folder.mkdir(parents=True)
    pic = Image.fromarray(_rgb(12))
    for name in ("a.JPG", "b2.png", "b10.png", ".hidden.png", ".git/x.png", "sub/c.webp"):
        _save(pic, root / name, format="WEBP" if name.endswith("webp") else None)
    _save(pic, root / "sub" / "deeper" / "d.TIFF", format="TIFF")
    (root / "notes.txt").write_text("not an image")
    (root / "sub" / "bad.png").write_text("not an image either")
    return root


def test_list_images_recursive_natural_order(tree: Path) -> None:
    found, errors = list_images([tree])
    expected = ["a.JPG", "b2.png", "b10.png", "sub/bad.png", "sub/c.webp", "sub/deeper/d.TIFF"]
    assert found == [tree / name for name in expected]
    assert errors == []


def test_list_images_top_level_only(tree: Path) -> None:
    found, _ = list_images([str(tree)], recursive=False)
    assert found == [tree / "a.JPG", tree / "b2.png", tree / "b10.png"]


def test_list_images_explicit_missing_and_duplicates(tree: Path) -> None:
    missing = tree / "missing.png"
    found, errors = list_images([tree / "sub", tree / "notes.txt", missing, tree / "sub/c.webp"])
    assert found == [tree / "sub/bad.png", tree / "sub/c.webp", tree / "sub/deeper/d.TIFF"] + [
        tree / "notes.txt"
    ]
    assert len(errors) == 1
    _assert_one_line_error(errors[0], missing)
    assert "not found" in str(errors[0])


def test_one_bad_file_does_not_stop_a_batch(tree: Path) -> None:
    found, _ = list_images([tree, tree / "notes.txt"])
    loaded, failed = [], []
    for path in found:
        try:
            loaded.append(load_image(path).name)
        except ImageLoadError as err:
            failed.append(err)
    assert loaded == ["a.JPG", "b2.png", "b10.png", "c.webp", "d.TIFF"]
    assert [Path(err.path).name for err in failed] == ["bad.png", "notes.txt"]
    for err in failed:
        _assert_one_line_error(err, Path(err.path))


def test_unreadable_subfolder_is_an_error(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if os.path.basename(path) == "deeper":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found, errors = list_images([tree])
    assert tree / "sub/c.webp" in found
    assert tree / "sub/deeper/d.TIFF" not in found
    assert [str(err) for err in errors] == ["deeper: cannot read folder: permission denied"]


def test_list_images_unreachable_path_is_an_error(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tree / "locked"
    real_stat = os.stat

    def stat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    found, errors = list_images([locked, tree / "b2.png"])
    assert found == [tree / "b2.png"]
    assert [str(err) for err in errors] == ["locked: permission denied"]


# --- in-memory images ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("array", "expected"),
    [
        (np.array([[0, 255]], np.uint8), [[0, 255]]),
        (np.array([[[7], [9]]], np.uint8), [[7, 9]]),
        (np.array([[0, 257, 65535]], np.uint16), [[0, 1, 255]]),
        (np.array([[0, 257, 65535]], ">u2"), [[0, 1, 255]]),
        (np.array([[0.0, 0.5, 1.0]], np.float32), [[0, 128, 255]]),
        (np.array([[0.25, 1.0]], np.float64), [[64, 255]]),
        (np.array([[False, True]]), [[0, 255]]),
    ],
)
def test_image_from_grey_arrays(array: np.ndarray, expected: list[list[int]]) -> None:
    loaded = image_from_array(array)
    assert loaded.path is None and loaded.name == "<memory>"
    assert (loaded.source_format, loaded.frames) == ("array", 1)
    np.testing.assert_array_equal(_grey(loaded), expected)


def test_image_from_rgb_array_is_a_read_only_copy() -> None:
    rgb = _rgb(13)
    loaded = image_from_array(rgb, name="chelsea")
    _assert_rgb(loaded, 17, 13)
    assert loaded.name == "chelsea"
    assert not np.shares_memory(loaded.pixels, rgb)
    rgb[0, 0] = 0
    assert rgb.flags.writeable
    assert loaded.pixels[0, 0].tolist() == _rgb(13)[0, 0].tolist()


def test_image_from_rgba_array_over_white() -> None:
    rgba = np.array([[[255, 0, 0, 255], [0, 0, 0, 0]]], np.uint8)
    loaded = image_from_array(rgba)
    assert loaded.source_mode == "RGBA"
    np.testing.assert_array_equal(loaded.pixels[0], [RED, (255, 255, 255)])


@pytest.mark.parametrize(
    ("array", "reason"),
    [
        (np.zeros((4, 4, 2), np.uint8), "expected H x W"),
        (np.zeros((2, 4, 4, 3), np.uint8), "expected H x W"),
        (np.zeros((0, 4), np.uint8), "empty array"),
        (np.zeros((4, 4), np.int64), "unsupported dtype"),
        (np.full((4, 4), 1.5), r"\[0, 1\]"),
        (np.full((4, 4), np.nan), "NaN"),
    ],
)
def test_image_from_bad_array(array: np.ndarray, reason: str) -> None:
    with pytest.raises(ImageLoadError, match=reason) as info:
        image_from_array(array, name="probe")
    assert str(info.value).startswith("probe: ")
    assert "\n" not in str(info.value)


def test_image_from_pil_applies_orientation(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 8
    path = _save(_marked_corner_image(), tmp_path / "o8.jpg", exif=exif, quality=95)
    with Image.open(path) as img:
        loaded = image_from_pil(img)
    assert loaded.path is None
    assert (loaded.source_mode, loaded.source_format, loaded.size) == ("RGB", "JPEG", (32, 64))
    assert _red_corner(loaded.pixels) == "bottom-left"


def test_image_from_pil_in_memory() -> None:
    loaded = image_from_pil(Image.new("LA", (5, 4), (0, 0)))
    _assert_rgb(loaded, 5, 4)
    assert (loaded.source_mode, loaded.source_format, loaded.name) == ("LA", "array", "<memory>")
    assert (loaded.pixels == 255).all()


# --- bundled samples -------------------------------------------------------------------------


def test_sample_images_are_bundled_colour_photos(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("sample_images tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    samples = dict(sample_images())
    expected = {"chelsea", "coffee", "astronaut", "rocket", "motorcycle_left"}
    assert expected <= set(samples)
    assert len(samples) >= 7
    for pixels in samples.values():
        assert pixels.ndim == 3 and pixels.shape[2] == 3 and pixels.dtype == np.uint8
        assert pixels.shape[0] >= 256 and pixels.shape[1] >= 256
        assert image_from_array(pixels).size == (pixels.shape[1], pixels.shape[0])
