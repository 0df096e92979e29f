"""Safe image loading: files, arrays and PIL images -> read-only RGB uint8 plus provenance.

Untrusted files are opened with a restricted set of decoders, their size is checked against a
pixel budget from the header before any pixel is decoded, and every failure is an
``ImageLoadError`` whose one-line message starts with the file name.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import ExifTags, Image, UnidentifiedImageError

logger = logging.getLogger(__name__)

IMAGE_EXTENSIONS: frozenset[str] = frozenset(
    {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm", ".pgm", ".pbm"}
)
DEFAULT_MAX_PIXELS: int = 100_000_000

# Decoders tried on file content (the extension is never trusted); JPEG also yields MPO.
_PIL_FORMATS = ("JPEG", "PNG", "GIF", "BMP", "TIFF", "WEBP", "PPM")
_SUPPORTED = "BMP, GIF, JPEG, PNG, PPM/PGM/PBM, TIFF, WebP"
_CONTROL_CHARS = re.compile(r"\s*[\x00-\x1f\x7f]+\s*")
_MEMORY_NAME = "<memory>"


def _one_line(text: str) -> str:
    """Collapse newlines and other control characters so a message stays on one line."""
    return _CONTROL_CHARS.sub(" ", text).strip()


def _display_name(path: str) -> str:
    """File name of ``path`` fit for a one-line message (undecodable bytes replaced)."""
    name = os.path.basename(path.rstrip(os.sep)) or path
    return _one_line(os.fsencode(name).decode("utf-8", "replace"))


class ImageLoadError(ValueError):
    """An image could not be loaded; the message is one line that starts with the file name."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = os.fsdecode(path)
        self.reason = _one_line(reason)
        super().__init__(f"{_display_name(self.path)}: {self.reason}")

    def __reduce__(self) -> tuple[type[ImageLoadError], tuple[str, str]]:
        return type(self), (self.path, self.reason)


@dataclass(frozen=True, eq=False)
class LoadedImage:
    """Decoded image (H x W x 3 uint8 RGB, read-only) with where it came from.

    Equality and hashing are by identity, so an image can key a cache.
    """

    path: str | None
    pixels: np.ndarray = field(repr=False)
    source_mode: str
    source_format: str
    size: tuple[int, int]
    frames: int
    label: str | None = None

    @property
    def name(self) -> str:
        """Name to show: the file name, the label of an in-memory image, or ``<memory>``."""
        if self.path is not None:
            return Path(self.path).name
        return self.label or _MEMORY_NAME


def _detail(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "file not found"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a folder, not an image file"
    return exc.strerror or _detail(exc)


_bomb_lock = threading.Lock()
_bomb_users = 0
_saved_max_pixels: int | None = None


@contextmanager
def _pillow_bomb_check_lifted() -> Iterator[None]:
    """Let our own pixel budget decide: lift Pillow's global limit while any of our loads runs.

    Reference-counted under a lock, so concurrent loads restore the original value exactly once.
    """
    global _bomb_users, _saved_max_pixels
    with _bomb_lock:
        if _bomb_users == 0:
            _saved_max_pixels = Image.MAX_IMAGE_PIXELS
            Image.MAX_IMAGE_PIXELS = None
        _bomb_users += 1
    try:
        yield
    finally:
        with _bomb_lock:
            _bomb_users -= 1
            if _bomb_users == 0:
                Image.MAX_IMAGE_PIXELS = _saved_max_pixels


def _sniff_format(prefix: bytes) -> str | None:
    """Name of a Pillow format whose magic bytes match ``prefix`` (no decoder is run)."""
    Image.init()
    for name, (_factory, accept) in Image.OPEN.items():
        try:
            if accept is not None and accept(prefix) is True:
                return name
        except Exception:  # some magic checks fail on very short files: not that format
            continue
    return None


def _unidentified_reason(fh: BinaryIO) -> str:
    fh.seek(0)
    sniffed = _sniff_format(fh.read(16))
    if sniffed in _PIL_FORMATS:
        return f"corrupt {sniffed} header"
    if sniffed is not None:
        return f"unsupported image format {sniffed} (supported: {_SUPPORTED})"
    return f"not a recognised image file (supported: {_SUPPORTED})"


def _scale_to_uint8(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Map ``lo..hi`` linearly onto 0..255 with rounding; non-finite values go to the ends."""
    if hi <= lo:
        return np.zeros(values.shape, np.uint8)
    scaled = values.astype(np.float32)  # one float buffer, updated in place below
    np.nan_to_num(scaled, copy=False, nan=lo, posinf=hi, neginf=lo)
    scaled -= np.float32(lo)
    scaled *= np.float32(255 / (hi - lo))
    np.clip(np.rint(scaled, out=scaled), 0, 255, out=scaled)
    return scaled.astype(np.uint8)


def _high_depth_grey_to_uint8(values: np.ndarray) -> np.ndarray:
    """8-bit view of "I;16"/"I"/"F" data.

    Integers within 0..65535 are 16-bit samples (Pillow widens 16-bit PNG/PGM to "I"), floats
    within [0, 1] are fractions; anything else is stretched from its finite min to max.
    """
    if values.dtype.kind == "u" and values.dtype.itemsize <= 2:
        return _scale_to_uint8(values, 0, np.iinfo(values.dtype).max)
    finite = values[np.isfinite(values)] if values.dtype.kind == "f" else values
    if finite.size == 0:
        return np.zeros(values.shape, np.uint8)
    lo, hi = float(finite.min()), float(finite.max())
    if values.dtype.kind in "iu" and lo >= 0 and hi <= 65535:
        return _scale_to_uint8(values, 0, 65535)
    if values.dtype.kind == "f" and lo >= 0 and hi <= 1:
        return _scale_to_uint8(values, 0, 1)
    return _scale_to_uint8(values, lo, hi)


def _over_white(rgba: np.ndarray) -> np.ndarray:
    """Composite RGBA uint8 onto white: transparent areas show as paper, as in viewers."""
    rgb = rgba[..., :3].astype(np.uint16)
    alpha = rgba[..., 3:4].astype(np.uint16)
    return ((rgb * alpha + 255 * (255 - alpha) + 127) // 255).astype(np.uint8)


def _grey_to_rgb(grey: np.ndarray) -> np.ndarray:
    return np.repeat(grey[..., np.newaxis], 3, axis=2)


def _pil_to_rgb(img: Image.Image) -> np.ndarray:
    """RGB uint8 pixels of a loaded PIL image: high bit depths scaled, alpha over white."""
    if img.mode.startswith(("I", "F")):
        return _grey_to_rgb(_high_depth_grey_to_uint8(np.asarray(img)))
    if {"A", "a"} & set(img.getbands()) or "transparency" in img.info:
        return _over_white(np.asarray(img.convert("RGBA")))
    return np.asarray(img if img.mode == "RGB" else img.convert("RGB"))


_ORIENTATIONS: dict[int, Callable[[np.ndarray], np.ndarray]] = {
    2: lambda a: a[:, ::-1],
    3: lambda a: a[::-1, ::-1],
    4: lambda a: a[::-1],
    5: lambda a: a.swapaxes(0, 1),
    6: lambda a: np.rot90(a, -1),
    7: lambda a: a[::-1, ::-1].swapaxes(0, 1),
    8: lambda a: np.rot90(a),
}


def _apply_orientation(img: Image.Image, rgb: np.ndarray) -> np.ndarray:
    """Turn ``rgb`` upright per the EXIF orientation tag; a bad or unreadable tag is ignored."""
    try:
        transform = _ORIENTATIONS.get(img.getexif().get(ExifTags.Base.Orientation))
    except Exception as exc:
        logger.debug("ignoring unreadable EXIF orientation: %s", _detail(exc))
        return rgb
    return transform(rgb) if transform else rgb


def _frame_count(img: Image.Image, where: str) -> int:
    try:
        return int(getattr(img, "n_frames", 1))
    except Exception as exc:
        reason = f"corrupt {img.format or 'image'} frame table ({_detail(exc)})"
        raise ImageLoadError(where, reason) from exc


def _decode_rgb(img: Image.Image, where: str) -> np.ndarray:
    """Decode the current frame to RGB uint8 with EXIF orientation applied."""
    try:
        img.load()
    except Exception as exc:
        fmt = img.format or "image"
        raise ImageLoadError(where, f"truncated or corrupt {fmt} data ({_detail(exc)})") from exc
    try:
        rgb = _pil_to_rgb(img)
    except Exception as exc:
        reason = f"cannot convert pixel mode {img.mode} to RGB ({_detail(exc)})"
        raise ImageLoadError(where, reason) from exc
    return _apply_orientation(img, rgb)


def _make_loaded(
    pixels: np.ndarray,
    path: str | None,
    mode: str,
    fmt: str,
    frames: int,
    label: str | None = None,
) -> LoadedImage:
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    pixels.flags.writeable = False
    height, width = pixels.shape[:2]
    return LoadedImage(path, pixels, mode, fmt, (width, height), frames, label)


def _decode_file(fh: BinaryIO, where: str, max_pixels: int) -> LoadedImage:
    """Identify, budget-check and decode an open image file; decoding errors name ``where``."""
    try:
        img = Image.open(fh, formats=_PIL_FORMATS)
    except UnidentifiedImageError as exc:
        raise ImageLoadError(where, _unidentified_reason(fh)) from exc
    except Exception as exc:
        raise ImageLoadError(where, f"unreadable image header ({_detail(exc)})") from exc
    with img:
        width, height = img.size
        if width * height > max_pixels:
            reason = (
                f"image too large: {width} x {height} = {width * height:,} pixels "
                f"exceeds the limit of {max_pixels:,}"
            )
            raise ImageLoadError(where, reason)
        frames = _frame_count(img, where)
        rgb = _decode_rgb(img, where)
        return _make_loaded(rgb, where, img.mode, img.format or "", frames)


def load_image(path: str | os.PathLike[str], max_pixels: int = DEFAULT_MAX_PIXELS) -> LoadedImage:
    """Load the first frame of an image file as RGB uint8.

    Raises ImageLoadError for any failure, including images whose header claims more than
    ``max_pixels`` pixels (refused before decoding).
    """
    where = os.path.abspath(os.fsdecode(path))
    try:
        info = os.stat(where)
    except OSError as exc:
        raise ImageLoadError(where, _os_reason(exc)) from exc
    if stat.S_ISDIR(info.st_mode):
        raise ImageLoadError(where, "is a folder, not an image file")
    if not stat.S_ISREG(info.st_mode):
        raise ImageLoadError(where, "not a regular file")
    if info.st_size == 0:
        raise ImageLoadError(where, "empty file (0 bytes)")
    try:
        with open(where, "rb") as fh, _pillow_bomb_check_lifted():
            loaded = _decode_file(fh, where, max_pixels)
    except OSError as exc:  # opening or reading the file itself; decoder errors are wrapped
        raise ImageLoadError(where, _os_reason(exc)) from exc
    logger.debug(
        "loaded %s: %s %s %dx%d", where, loaded.source_format, loaded.source_mode, *loaded.size
    )
    return loaded


def image_from_array(array: np.ndarray, name: str | None = None) -> LoadedImage:
    """Wrap an in-memory array (H x W, or H x W x 1/3/4) as an RGB uint8 image.

    Accepts uint8, uint16 (full 16-bit range), bool, and float in [0, 1]; alpha is composited
    onto white. The result never shares memory with ``array``.
    """
    where = name or _MEMORY_NAME
    array = np.asarray(array)
    if array.ndim == 3 and array.shape[2] in (1, 3, 4):
        channels = array.shape[2]
    elif array.ndim == 2:
        channels = 1
    else:
        raise ImageLoadError(where, f"expected H x W or H x W x 1/3/4 array, got {array.shape}")
    if array.size == 0:
        raise ImageLoadError(where, f"empty array of shape {array.shape}")
    kind, itemsize = array.dtype.kind, array.dtype.itemsize
    if kind == "u" and itemsize == 1:
        data = array
    elif kind == "u" and itemsize == 2:
        data = _scale_to_uint8(array, 0, 65535)
    elif kind == "b":
        data = array.astype(np.uint8) * np.uint8(255)
    elif kind == "f":
        if not np.isfinite(array).all():
            raise ImageLoadError(where, "float array contains NaN or infinity")
        lo, hi = float(array.min()), float(array.max())
        if lo < 0 or hi > 1:
            raise ImageLoadError(where, f"float values must lie in [0, 1], got {lo:g}..{hi:g}")
        data = _scale_to_uint8(array, 0, 1)
    else:
        raise ImageLoadError(where, f"unsupported dtype {array.dtype}")
    data = data.reshape(data.shape[:2] + (channels,))
    if channels == 1:
        rgb, mode = _grey_to_rgb(data[..., 0]), "L"
    elif channels == 4:
        rgb, mode = _over_white(data), "RGBA"
    else:
        rgb, mode = data, "RGB"
    if np.may_share_memory(rgb, array):
        rgb = rgb.copy()
    return _make_loaded(rgb, None, mode, "array", 1, name)


def image_from_pil(img: Image.Image) -> LoadedImage:
    """Convert a PIL image (current frame) to RGB uint8, applying EXIF orientation."""
    where = os.fsdecode(getattr(img, "filename", "") or _MEMORY_NAME)
    frames = _frame_count(img, where)
    rgb = _decode_rgb(img, where)
    return _make_loaded(rgb, None, img.mode, img.format or "array", frames)


def _natural_key(path: Path) -> tuple[tuple[tuple[int | str, ...], str], ...]:
    """Sort key: per path component, digits compare as numbers ("img2" before "img10")."""
    return tuple(
        (
            tuple(int(t) if t.isdigit() else t.casefold() for t in re.split(r"(\d+)", part)),
            part,
        )
        for part in path.parts
    )


def _images_in_folder(folder: Path, recursive: bool, errors: list[ImageLoadError]) -> list[Path]:
    """Image files under ``folder`` (hidden entries skipped), naturally sorted."""

    def on_error(exc: OSError) -> None:
        errors.append(
            ImageLoadError(exc.filename or folder, f"cannot read folder: {_os_reason(exc)}")
        )

    found = []
    for root, dirs, files in os.walk(folder, onerror=on_error):
        dirs[:] = [d for d in dirs if not d.startswith(".")] if recursive else []
        found.extend(
            Path(root, f)
            for f in files
            if not f.startswith(".") and os.path.splitext(f)[1].lower() in IMAGE_EXTENSIONS
        )
    return sorted(found, key=lambda p: _natural_key(p.relative_to(folder)))


def list_images(
    paths: Iterable[str | os.PathLike[str]], recursive: bool = True
) -> tuple[list[Path], list[ImageLoadError]]:
    """Expand files and folders into image paths, in order and without duplicates.

    Folders contribute files with an image extension (case-insensitive, hidden entries
    skipped); files named explicitly are kept whatever their extension. Nothing is decoded:
    a bad file fails later in ``load_image``. Missing paths become errors, not exceptions.
    """
    images: dict[str, Path] = {}
    errors: list[ImageLoadError] = []
    for entry in paths:
        path = Path(os.fsdecode(entry))
        try:
            is_folder = stat.S_ISDIR(os.stat(path).st_mode)
        except OSError as exc:
            errors.append(ImageLoadError(path, _os_reason(exc)))
            continue
        found = _images_in_folder(path, recursive, errors) if is_folder else [path]
        for item in found:
            images.setdefault(os.path.abspath(item), item)
    return list(images.values()), errors


# (name, skimage.data function, file bundled inside the scikit-image package)
_SAMPLES = (
    ("chelsea", "chelsea", "chelsea.png"),
    ("coffee", "coffee", "coffee.png"),
    ("astronaut", "astronaut", "astronaut.png"),
    ("rocket", "rocket", "rocket.jpg"),
    ("motorcycle_left", "stereo_motorcycle", "motorcycle_left.png"),
    ("hubble_deep_field", "hubble_deep_field", "hubble_deep_field.jpg"),
    ("retina", "retina", "retina.jpg"),
    ("immunohistochemistry", "immunohistochemistry", "ihc.png"),
)


def sample_images() -> list[tuple[str, np.ndarray]]:
    """Colour sample photos bundled with scikit-image, as (name, H x W x 3 uint8).

    Only files shipped inside the package are used, so nothing is ever downloaded; a sample
    missing from this scikit-image build is skipped.
    """
    import skimage.data

    bundled = Path(skimage.data.__file__).parent
    samples = []
    for name, function, filename in _SAMPLES:
        if not (bundled / filename).is_file():
            logger.info("sample %s not bundled with this scikit-image; skipped", name)
            continue
        data = getattr(skimage.data, function)()
        samples.append((name, data[0] if isinstance(data, tuple) else data))
    return samples
