"""Labelled images for training: class-subfolder folders, CIFAR-10 python batches, scikit-learn's
digits; stratified validation splits; the standard augmentation (flips, padded random crops).

Images are kept as uint8 (in memory for arrays, decoded on demand for folders) and turned into
float batches in [0, 1] at the model's input size; normalisation happens in the training loop.
"""

from __future__ import annotations

import io
import logging
import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .data import DatasetError, read_folder
from .images import ImageLoadError, load_image

log = logging.getLogger(__name__)

CIFAR10_TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
CIFAR10_TEST_BATCH = "test_batch"
DIGIT_NAMES = tuple(str(digit) for digit in range(10))
DIGITS = "digits"


@dataclass(frozen=True, eq=False)
class ImageSet:
    """Labelled images: `pixels` (N, H, W, C) uint8 in memory, or `paths` decoded on demand."""

    class_names: tuple[str, ...]
    labels: np.ndarray  # (N,) int64 class indices
    source: str
    pixels: np.ndarray | None = None
    paths: tuple[Path, ...] | None = None

    def __post_init__(self) -> None:
        count = len(self.pixels) if self.pixels is not None else len(self.paths or ())
        if count != len(self.labels):
            raise DatasetError(f"{self.source}: {count} images but {len(self.labels)} labels")

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def in_channels(self) -> int:
        return int(self.pixels.shape[-1]) if self.pixels is not None else 3

    @property
    def image_size(self) -> tuple[int, int] | None:
        """(H, W) of in-memory images; None for files (their sizes vary)."""
        return tuple(self.pixels.shape[1:3]) if self.pixels is not None else None

    def subset(self, indices: Sequence[int] | np.ndarray) -> ImageSet:
        indices = np.asarray(indices, dtype=np.int64)
        return ImageSet(
            self.class_names,
            self.labels[indices],
            self.source,
            pixels=self.pixels[indices] if self.pixels is not None else None,
            paths=tuple(self.paths[i] for i in indices) if self.paths is not None else None,
        )

    def batch(self, indices: Sequence[int] | np.ndarray, size: tuple[int, int]) -> torch.Tensor:
        """Images `indices` as float (B, C, *size) in [0, 1], resized like `Preprocessing`."""
        if self.pixels is not None:
            chosen = torch.from_numpy(np.ascontiguousarray(self.pixels[np.asarray(indices)]))
            return resize(chosen.permute(0, 3, 1, 2).float() / 255, size)
        images = []
        for index in indices:
            path = self.paths[int(index)]
            try:
                pixels = load_image(path).pixels
            except ImageLoadError as error:
                raise DatasetError(str(error)) from error
            tensor = torch.from_numpy(np.array(pixels)).permute(2, 0, 1)[None]
            images.append(resize(tensor.float() / 255, size))
        return torch.cat(images)

    def counts(self) -> np.ndarray:
        """Images per class."""
        return np.bincount(self.labels, minlength=len(self.class_names))


def resize(images: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """Bilinear with antialiasing, as `models.Preprocessing` resizes at inference time."""
    if tuple(images.shape[-2:]) == tuple(size):
        return images
    return F.interpolate(images, size=size, mode="bilinear", align_corners=False, antialias=True)


def folder_images(root: str | Path) -> ImageSet:
    """A class-subfolder layout `root/<class>/<image>` (see `core.data.read_folder`)."""
    pairs, problems = read_folder(root)
    for problem in problems:
        log.warning("%s", problem)
    class_names = tuple(sorted({label for _, label in pairs}))
    if len(class_names) < 2:
        raise DatasetError(
            f"{Path(root).name}: training needs at least two class folders with images, "
            f"found {len(class_names)}"
        )
    index = {name: i for i, name in enumerate(class_names)}
    labels = np.array([index[label] for _, label in pairs], dtype=np.int64)
    return ImageSet(class_names, labels, str(root), paths=tuple(path for path, _ in pairs))


class _ArrayUnpickler(pickle.Unpickler):
    """Unpickles plain containers and numpy arrays only: no other code can run."""

    _ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("_codecs", "encode"),  # how Python 3 writes bytes in protocol 2
    }

    def find_class(self, module: str, name: str) -> object:
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name}")
        return super().find_class(module, name)


def _read_cifar_pickle(path: Path) -> dict:
    try:
        data = _ArrayUnpickler(io.BytesIO(path.read_bytes()), encoding="bytes").load()
    except (OSError, pickle.UnpicklingError, EOFError, ValueError) as error:
        raise DatasetError(f"{path.name}: not a CIFAR-10 python batch ({error})") from error
    if not isinstance(data, dict):
        raise DatasetError(f"{path.name}: not a CIFAR-10 python batch")
    return {k.decode() if isinstance(k, bytes) else k: v for k, v in data.items()}


def is_cifar10_folder(folder: str | Path) -> bool:
    """True for the `cifar-10-batches-py` layout (data_batch_1..5, test_batch, batches.meta)."""
    return (Path(folder) / CIFAR10_TRAIN_BATCHES[0]).is_file()


def cifar10_images(folder: str | Path, split: str = "train") -> ImageSet:
    """CIFAR-10's python batches from disk: "train" (data_batch_1..5) or "test" (test_batch).
    Unpickled with numpy arrays as the only objects allowed."""
    folder = Path(folder)
    names = CIFAR10_TRAIN_BATCHES if split == "train" else (CIFAR10_TEST_BATCH,)
    pixels, labels = [], []
    for name in names:
        path = folder / name
        if not path.is_file():
            raise DatasetError(f"{folder.name}: no {name} (expected CIFAR-10 python batches)")
        batch = _read_cifar_pickle(path)
        data = np.asarray(batch["data"], dtype=np.uint8)
        pixels.append(data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
        labels.extend(int(label) for label in batch["labels"])
    meta = folder / "batches.meta"
    class_names = tuple(
        name.decode() if isinstance(name, bytes) else str(name)
        for name in (_read_cifar_pickle(meta)["label_names"] if meta.is_file() else range(10))
    )
    return ImageSet(
        class_names,
        np.array(labels, dtype=np.int64),
        f"CIFAR-10 {split} ({folder})",
        pixels=np.ascontiguousarray(np.concatenate(pixels)),
    )


def digits_images(size: int = 32) -> ImageSet:
    """scikit-learn's 1,797 handwritten digits (8 x 8, 17 grey levels), upscaled to size x size
    and repeated over three channels, so a model trained on them reads the RGB images the viewer
    opens (see `export_digits`)."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    grey = torch.from_numpy(digits.images / 16.0).float()[:, None]
    upscaled = (resize(grey, (size, size)).clamp(0, 1) * 255).round().to(torch.uint8)
    pixels = upscaled.permute(0, 2, 3, 1).expand(-1, -1, -1, 3).contiguous().numpy()
    return ImageSet(
        DIGIT_NAMES,
        digits.target.astype(np.int64),
        f"scikit-learn digits ({size}x{size})",
        pixels=pixels,
    )


def export_images(images: ImageSet, folder: str | Path) -> list[Path]:
    """Write in-memory images as PNGs in the class-subfolder layout `folder/<class>/<n>.png`."""
    from PIL import Image

    if images.pixels is None:
        raise DatasetError(f"{images.source}: only in-memory images can be exported")
    folder = Path(folder)
    written = []
    for number, (pixels, label) in enumerate(zip(images.pixels, images.labels, strict=True)):
        target = folder / images.class_names[int(label)] / f"{number:05d}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(pixels if pixels.shape[-1] == 3 else pixels[..., 0]).save(target)
        written.append(target)
    return written


def export_digits(folder: str | Path, size: int = 32) -> list[Path]:
    """scikit-learn's digits as PNGs in `folder/<digit>/`, ready for `gapviewer train` or the
    viewer's image browser."""
    return export_images(digits_images(size), folder)


def load_training_data(source: str | Path) -> tuple[ImageSet, ImageSet | None]:
    """(training images, separate validation images or None) from DATA as `gapviewer train`
    takes it: "digits" (scikit-learn's, unless a folder has that name), a CIFAR-10 python
    batches folder (its test batch validates), or a class-subfolder folder."""
    if str(source) == DIGITS and not Path(source).exists():
        return digits_images(), None
    if is_cifar10_folder(source):
        return cifar10_images(source, "train"), cifar10_images(source, "test")
    return folder_images(source), None


def stratified_split(
    labels: np.ndarray, fraction: float, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """(train, validation) indices, `fraction` of every class (at least one image of any class
    that has two or more) held out for validation; seeded."""
    if not 0 <= fraction < 1:
        raise ValueError(f"validation split must be in [0, 1), got {fraction}")
    rng = np.random.default_rng(seed)
    train, val = [], []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        held = round(len(members) * fraction)
        if fraction > 0 and held == 0 and len(members) > 1:
            held = 1
        val.extend(members[:held])
        train.extend(members[held:])
    return np.sort(np.array(train, dtype=np.int64)), np.sort(np.array(val, dtype=np.int64))


def augment(
    images: torch.Tensor, flip: bool, padding: int, generator: torch.Generator
) -> torch.Tensor:
    """Random horizontal flips and `padding`-pixel zero-padded random crops of a batch (B, C, H,
    W), each image drawn independently (the GCM paper's CIFAR-10 augmentation, Table 4)."""
    batch, _, rows, cols = images.shape
    out = images
    if flip:
        flips = torch.rand(batch, generator=generator) < 0.5
        out = torch.where(flips[:, None, None, None], out.flip(-1), out)
    if padding > 0:
        padded = F.pad(out, (padding,) * 4)
        offsets = torch.randint(0, 2 * padding + 1, (batch, 2), generator=generator)
        out = torch.stack(
            [
                padded[i, :, int(dy) : int(dy) + rows, int(dx) : int(dx) + cols]
                for i, (dy, dx) in enumerate(offsets)
            ]
        )
    return out


def channel_statistics(
    images: ImageSet, size: tuple[int, int], limit: int = 2048, seed: int = 0
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Per-channel mean and standard deviation over (a seeded sample of at most `limit` of) the
    images, for normalising a model trained from scratch."""
    rng = np.random.default_rng(seed)
    chosen = np.sort(rng.permutation(len(images))[:limit])
    batch = images.batch(chosen, size)
    mean = batch.mean(dim=(0, 2, 3))
    std = batch.std(dim=(0, 2, 3)).clamp_min(1e-3)
    return tuple(float(v) for v in mean), tuple(float(v) for v in std)
