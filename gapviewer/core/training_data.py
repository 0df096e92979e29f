"""Labelled samples for training: images (class-subfolder folders, CIFAR-10 python batches,
scikit-learn's digits) and 1-D signals (class-subfolder folders of WAV/FLAC/CSV/NPY files);
stratified validation splits; augmentation (flips, padded random crops or time shifts, gains).

Both kinds follow the `TrainingSet` protocol, so one training loop serves them. Images are kept as
uint8 (in memory for arrays, decoded on demand for folders) and turned into float batches in
[0, 1] at the model's input size; signals are decoded once (bad files reported and skipped) and
batched exactly as `SignalPreprocessing` prepares them at inference time. Normalisation happens
in the training loop.
"""

from __future__ import annotations

import io
import logging
import pickle
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol

import numpy as np
import torch
import torch.nn.functional as F

from .data import DatasetError, read_folder
from .images import IMAGE_EXTENSIONS, ImageLoadError, load_image
from .signals import (
    SIGNAL_EXTENSIONS,
    LoadedSignal,
    SignalLoadError,
    SignalPreprocessing,
    labelled_signals,
    load_signal,
)

log = logging.getLogger(__name__)

CIFAR10_TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
CIFAR10_TEST_BATCH = "test_batch"
DIGIT_NAMES = tuple(str(digit) for digit in range(10))
DIGITS = "digits"


class TrainingSet(Protocol):
    """What the training loop needs from labelled samples of any kind."""

    noun: ClassVar[str]  # "images", "signals": for messages
    spatial_dims: ClassVar[int]  # 2 for images (H, W), 1 for signals (L)
    class_names: tuple[str, ...]
    labels: np.ndarray  # (N,) int64 class indices
    source: str
    problems: tuple[str, ...]  # one line per file that was skipped

    def __len__(self) -> int: ...

    @property
    def in_channels(self) -> int: ...

    @property
    def default_size(self) -> tuple[int, ...] | None:
        """The input size the samples suggest; None: the architecture's usual size."""

    def subset(self, indices: Sequence[int] | np.ndarray) -> TrainingSet: ...

    def batch(self, indices: Sequence[int] | np.ndarray, size: tuple[int, ...]) -> torch.Tensor:
        """Samples `indices` as float (B, C, *size), not normalised."""

    def counts(self) -> np.ndarray: ...

    def input_metadata(self) -> dict[str, object]:
        """Kind-specific entries of the saved model's metadata."""


@dataclass(frozen=True, eq=False)
class ImageSet:
    """Labelled images: `pixels` (N, H, W, C) uint8 in memory, or `paths` decoded on demand."""

    noun: ClassVar[str] = "images"
    spatial_dims: ClassVar[int] = 2
    class_names: tuple[str, ...]
    labels: np.ndarray  # (N,) int64 class indices
    source: str
    pixels: np.ndarray | None = None
    paths: tuple[Path, ...] | None = None
    problems: tuple[str, ...] = ()  # one line per entry of the folder that was skipped

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

    @property
    def default_size(self) -> None:
        """Images take the architecture's usual size (32 x 32 small models, 224 x 224 others)."""
        return None

    def subset(self, indices: Sequence[int] | np.ndarray) -> ImageSet:
        indices = np.asarray(indices, dtype=np.int64)
        return ImageSet(
            self.class_names,
            self.labels[indices],
            self.source,
            pixels=self.pixels[indices] if self.pixels is not None else None,
            paths=tuple(self.paths[i] for i in indices) if self.paths is not None else None,
            problems=self.problems,
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

    def input_metadata(self) -> dict[str, object]:
        return {}


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
    return ImageSet(
        class_names,
        labels,
        str(root),
        paths=tuple(path for path, _ in pairs),
        problems=tuple(problems),
    )


@dataclass(frozen=True, eq=False)
class SignalSet:
    """Labelled 1-D signals, decoded: each (C, T) at its own length and sample rate.

    `sample_rate` is the rate the model will read (None for spectra and tables without one);
    batches are made by `SignalPreprocessing` with that rate, so a file is fitted to the input
    length in training exactly as it is when the trained model explains it.
    """

    noun: ClassVar[str] = "signals"
    spatial_dims: ClassVar[int] = 1
    class_names: tuple[str, ...]
    labels: np.ndarray  # (N,) int64 class indices
    source: str
    signals: tuple[LoadedSignal, ...]
    sample_rate: float | None = None
    channels: int = 1
    problems: tuple[str, ...] = ()  # one line per file that was skipped
    _prepared: dict[tuple[int, ...], np.ndarray] = field(
        default_factory=dict, init=False, repr=False
    )

    def __post_init__(self) -> None:
        if len(self.signals) != len(self.labels):
            raise DatasetError(
                f"{self.source}: {len(self.signals)} signals but {len(self.labels)} labels"
            )

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def in_channels(self) -> int:
        return self.channels

    @property
    def default_size(self) -> tuple[int]:
        """(median length in samples at `sample_rate`,): most signals fit it without padding
        or cutting much."""
        lengths = [
            item.length * self.sample_rate / item.sample_rate
            if self.sample_rate and item.sample_rate
            else item.length
            for item in self.signals
        ]
        return (max(1, int(round(float(np.median(lengths))))),)

    def subset(self, indices: Sequence[int] | np.ndarray) -> SignalSet:
        indices = np.asarray(indices, dtype=np.int64)
        return SignalSet(
            self.class_names,
            self.labels[indices],
            self.source,
            tuple(self.signals[i] for i in indices),
            self.sample_rate,
            self.channels,
            self.problems,
        )

    def batch(self, indices: Sequence[int] | np.ndarray, size: tuple[int, ...]) -> torch.Tensor:
        """Signals `indices` as float (B, C, L), rate-converted and fitted to L = size[0] by
        `SignalPreprocessing` (every signal of the set is prepared once per size)."""
        size = tuple(int(n) for n in size)
        prepared = self._prepared.get(size)
        if prepared is None:
            preprocessing = SignalPreprocessing(
                size, channels=self.channels, sample_rate=self.sample_rate
            )
            prepared = np.concatenate([preprocessing(item).numpy() for item in self.signals])
            self._prepared[size] = prepared
        return torch.from_numpy(prepared[np.asarray(indices, dtype=np.int64)])

    def counts(self) -> np.ndarray:
        """Signals per class."""
        return np.bincount(self.labels, minlength=len(self.class_names))

    def input_metadata(self) -> dict[str, object]:
        return {"sample_rate": self.sample_rate}


def _most_common(values: Sequence[float | int]) -> float | int | None:
    """The most frequent value (the smallest of equally frequent ones), None when empty."""
    counted = Counter(values)
    return min(counted, key=lambda value: (-counted[value], value)) if counted else None


def folder_signals(
    root: str | Path, *, sample_rate: float | None = None, time_major: bool = False
) -> SignalSet:
    """One signal per file in class subfolders `root/<class>/<file>` (WAV, FLAC, CSV, NPY; see
    `core.signals.load_signal`). Files that cannot be used are skipped, each with a one-line
    reason naming it (logged and kept in `problems`): unreadable, empty, NaN/Inf, too long, or
    a channel count other than the most common one (unless that is 1: several channels are then
    averaged, as `SignalPreprocessing` does for a mono model). The set's rate is `sample_rate`,
    else the most common rate of the files that have one (tables and arrays have none: they are
    taken to be at the set's rate)."""
    try:
        items, classes = labelled_signals(root)
    except SignalLoadError as error:
        raise DatasetError(str(error)) from error
    problems: list[str] = []
    loaded: list[tuple[LoadedSignal, int]] = []
    for path, label in items:
        try:
            loaded.append((load_signal(path, time_major=time_major), label))
        except SignalLoadError as error:
            problems.append(str(error))
    channels = _most_common([item.channels for item, _ in loaded]) or 1
    if channels != 1:
        for item, _ in loaded:
            if item.channels != channels:
                problems.append(
                    f"{item.name}: has {item.channels} channel(s), the other signals {channels}"
                )
        loaded = [(item, label) for item, label in loaded if item.channels == channels]
    for problem in problems:
        log.warning("skipped %s", problem)
    used = sorted({label for _, label in loaded})
    if len(used) < 2:
        raise DatasetError(
            f"{Path(root).name}: training needs at least two class folders with usable signals, "
            f"found {len(used)}"
        )
    index = {label: i for i, label in enumerate(used)}
    rate = sample_rate or _most_common([item.sample_rate for item, _ in loaded if item.sample_rate])
    return SignalSet(
        tuple(classes[label] for label in used),
        np.array([index[label] for _, label in loaded], dtype=np.int64),
        str(root),
        tuple(item for item, _ in loaded),
        float(rate) if rate else None,
        int(channels),
        tuple(problems),
    )


def is_signal_folder(root: str | Path) -> bool:
    """True when the class subfolders of `root` hold more signal files (WAV, FLAC, CSV, NPY,
    ...) than image files."""
    root = Path(root)
    if not root.is_dir():
        return False
    kinds = Counter(
        "signal" if path.suffix.lower() in SIGNAL_EXTENSIONS else "image"
        for folder in root.iterdir()
        if folder.is_dir() and not folder.name.startswith(".")
        for path in folder.rglob("*")
        if path.suffix.lower() in SIGNAL_EXTENSIONS | IMAGE_EXTENSIONS
    )
    return kinds["signal"] > kinds["image"]


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


def load_training_data(
    source: str | Path, *, sample_rate: float | None = None, time_major: bool = False
) -> tuple[TrainingSet, TrainingSet | None]:
    """(training samples, separate validation samples or None) from DATA as `gapviewer train`
    takes it: "digits" (scikit-learn's, unless a folder has that name), a CIFAR-10 python
    batches folder (its test batch validates), a class-subfolder folder of signals (see
    `is_signal_folder`, `folder_signals`; `sample_rate` and `time_major` apply to it) or of
    images."""
    if str(source) == DIGITS and not Path(source).exists():
        return digits_images(), None
    if is_cifar10_folder(source):
        return cifar10_images(source, "train"), cifar10_images(source, "test")
    if is_signal_folder(source):
        return folder_signals(source, sample_rate=sample_rate, time_major=time_major), None
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
    batch: torch.Tensor,
    flip: bool,
    padding: int,
    generator: torch.Generator,
    gain_db: float = 0.0,
) -> torch.Tensor:
    """Random augmentation of a batch (B, C, *S), each sample drawn independently: flips of the
    last axis (horizontal for images, time reversal for signals), `padding`-element zero-padded
    random crops along every spatial axis (for images the GCM paper's CIFAR-10 augmentation,
    Table 4; for signals a random time shift of up to +-padding samples), and a random gain
    of uniformly +-`gain_db` decibels (factor 10^(g/20))."""
    count, spatial = batch.shape[0], tuple(batch.shape[2:])
    per_sample = (count,) + (1,) * (batch.ndim - 1)
    out = batch
    if flip:
        flips = torch.rand(count, generator=generator) < 0.5
        out = torch.where(flips.view(per_sample), out.flip(-1), out)
    if padding > 0:
        padded = F.pad(out, (padding,) * (2 * len(spatial)))
        offsets = torch.randint(0, 2 * padding + 1, (count, len(spatial)), generator=generator)
        out = torch.stack(
            [
                padded[
                    (i, slice(None))
                    + tuple(slice(o, o + n) for o, n in zip(start.tolist(), spatial, strict=True))
                ]
                for i, start in enumerate(offsets)
            ]
        )
    if gain_db > 0:
        decibels = (2 * torch.rand(count, generator=generator) - 1) * gain_db
        out = out * (10 ** (decibels / 20)).view(per_sample)
    return out


def channel_statistics(
    samples: TrainingSet, size: tuple[int, ...], limit: int = 2048, seed: int = 0
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Per-channel mean and standard deviation over every other axis of (a seeded sample of at
    most `limit` of) the samples, for normalising a model trained from scratch."""
    rng = np.random.default_rng(seed)
    chosen = np.sort(rng.permutation(len(samples))[:limit])
    batch = samples.batch(chosen, size)
    dims = (0, *range(2, batch.ndim))
    mean = batch.mean(dim=dims)
    std = batch.std(dim=dims).clamp_min(1e-3)
    return tuple(float(v) for v in mean), tuple(float(v) for v in std)
