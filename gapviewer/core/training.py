"""Training and fine-tuning classifiers (patent US 2025/0259040 A1, FIG. 4 step S10).

`train(settings, data)` trains on images any torchvision classifier with GAP (a new head for the
class count), the built-in EfficientNet-Lite0 (its head only, or all of it), `gcm` (Generative
Contribution Mappings) and `small-gap-cnn`, with flips and padded random crops; on 1-D signals
the built-in `gap-cnn1d`, with random time shifts and gains. SGD or AdamW, a step or cosine
schedule. It reports progress (loss, accuracy, rate, ETA), stops at a cancel token, keeps the
checkpoint with the best validation accuracy (ties: the lower validation loss), and
`save_model` writes a .safetensors file that `load_model(path)` opens with no other information
(for signals: the input length, sample rate and channel statistics `SignalPreprocessing` needs).
"""

from __future__ import annotations

import copy
import json
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import builtin_model, gcm, signal_models, small_cnn
from .capture import Cancelled, CancelToken
from .model_files import ModelLoadError, gapviewer_metadata, read_weights
from .models import BUILTIN, IMAGENET_MEAN, IMAGENET_STD, load_model
from .training_data import TrainingSet, augment, channel_statistics, stratified_split

log = logging.getLogger(__name__)

OPTIMIZERS = ("sgd", "adamw")
SCHEDULES = ("step", "cosine", "constant")
FINE_TUNE = ("all", "head")
PRETRAINED_DEFAULT = "pretrained-default"
SIGNAL_ARCHITECTURES = (signal_models.ARCHITECTURE,)
SMALL_ARCHITECTURES = (gcm.ARCHITECTURE, small_cnn.ARCHITECTURE, *SIGNAL_ARCHITECTURES)
# The GCM paper's CIFAR-10 recipe (Table 4): 180 epochs, batch 128, SGD, lr 0.1 divided by 10 at
# epochs 100 and 150, flips and 4-pixel padded crops. Milestones are kept as fractions of the
# run so a shorter run keeps the same shape.
GCM_EPOCHS = 180
GCM_MILESTONES = (100 / 180, 150 / 180)


def input_dims(architecture: str) -> int:
    """Spatial axes an architecture reads: 1 (signals, L) or 2 (images, H x W)."""
    return 1 if architecture in SIGNAL_ARCHITECTURES else 2


@dataclass(frozen=True)
class TrainSettings:
    """Everything that defines a training run; stored in the saved file's metadata."""

    architecture: str
    epochs: int = 30
    batch_size: int = 64
    learning_rate: float = 0.05
    optimizer: str = "sgd"
    momentum: float = 0.9
    weight_decay: float = 5e-4
    schedule: str = "cosine"
    milestones: tuple[float, ...] = (0.5, 0.75)  # fractions of `epochs` (step schedule)
    gamma: float = 0.1  # learning-rate factor at each milestone
    val_split: float = 0.1
    # (H, W) for images, (L,) for signals; None: the architecture's usual size (signals: the
    # median length of the training signals).
    input_size: tuple[int, ...] | None = None
    flip: bool = True  # images: horizontal flips; signals: time reversal
    crop_padding: int = 4  # random shift of up to this many pixels / samples (zero-padded)
    gain_db: float = 0.0  # random gain of up to +- this many decibels
    init: str | None = None  # a weights file, PRETRAINED_DEFAULT, or None (random)
    fine_tune: str = "all"  # "head": train the new classifier only
    options: Mapping[str, Any] = field(default_factory=dict)  # architecture options
    # Input normalisation; None: the pretrained weights' values, else the training images' own.
    mean: tuple[float, ...] | None = None
    std: tuple[float, ...] | None = None
    seed: int = 0
    device: str = "cpu"

    def __post_init__(self) -> None:
        checks = (
            (self.optimizer in OPTIMIZERS, f"optimizer must be one of {', '.join(OPTIMIZERS)}"),
            (self.schedule in SCHEDULES, f"schedule must be one of {', '.join(SCHEDULES)}"),
            (self.fine_tune in FINE_TUNE, f"fine_tune must be one of {', '.join(FINE_TUNE)}"),
            (self.epochs >= 1, "epochs must be at least 1"),
            (self.batch_size >= 1, "batch size must be at least 1"),
            (self.learning_rate > 0, "learning rate must be positive"),
            (0 <= self.val_split < 1, "validation split must be in [0, 1)"),
            (self.crop_padding >= 0, "crop padding must not be negative"),
            (self.gain_db >= 0, "gain must not be negative"),
            (
                self.input_size is None or len(self.input_size) == input_dims(self.architecture),
                f"{self.architecture} takes an input size of "
                + ("one number (the length L)" if input_dims(self.architecture) == 1 else "H, W"),
            ),
        )
        for ok, message in checks:
            if not ok:
                raise ValueError(message)


def recipe(architecture: str, **overrides: Any) -> TrainSettings:
    """Default settings for an architecture, with `overrides` applied.

    gcm: the paper's recipe (Table 4). gap-cnn1d: AdamW lr 0.003 (Loshchilov and Hutter,
    ICLR 2019), batch 32, cosine schedule, 30 epochs; no time reversal, shifts of up to 8
    samples and gains of up to +-6 dB. Starting from weights (fine-tuning): lr 0.01 (SGD),
    0.001 (gap-cnn1d's AdamW). Others: SGD lr 0.05 with a cosine schedule, 30 epochs.
    """
    base: dict[str, Any] = {"architecture": architecture}
    if architecture == gcm.ARCHITECTURE:
        base.update(
            epochs=GCM_EPOCHS,
            batch_size=128,
            learning_rate=0.1,
            schedule="step",
            milestones=GCM_MILESTONES,
            flip=True,
            crop_padding=4,
        )
    if architecture in SIGNAL_ARCHITECTURES:
        base.update(
            batch_size=32,
            optimizer="adamw",
            learning_rate=0.003,
            weight_decay=1e-4,
            flip=False,
            crop_padding=8,
            gain_db=6.0,
        )
    if overrides.get("init") is not None:
        base.update(learning_rate=0.001 if architecture in SIGNAL_ARCHITECTURES else 0.01)
    base.update(overrides)
    return TrainSettings(**base)


def learning_rate_at(settings: TrainSettings, epoch: int) -> float:
    """The learning rate of 0-based `epoch`: constant, step (x gamma at each milestone) or cosine
    annealing to zero over the run (Loshchilov and Hutter, SGDR, 2017)."""
    lr = settings.learning_rate
    if settings.schedule == "step":
        passed = sum(epoch >= round(f * settings.epochs) for f in settings.milestones)
        return lr * settings.gamma**passed
    if settings.schedule == "cosine":
        return 0.5 * lr * (1 + math.cos(math.pi * epoch / settings.epochs))
    return lr


@dataclass(frozen=True)
class EpochRecord:
    epoch: int  # 1-based
    train_loss: float
    train_accuracy: float
    val_loss: float | None
    val_accuracy: float | None
    learning_rate: float
    seconds: float


@dataclass(frozen=True)
class TrainProgress:
    """One progress report: after every batch (phase "train"), after validation ("epoch")."""

    phase: str
    epoch: int  # 1-based
    epochs: int
    batch: int  # 1-based within the epoch
    batches: int
    loss: float  # running mean over the epoch so far
    accuracy: float  # running training accuracy over the epoch so far
    images_per_second: float  # samples (images or signals) per second
    eta_seconds: float
    learning_rate: float
    record: EpochRecord | None = None  # the finished epoch (phase "epoch")
    noun: str = "images"  # what is counted: "images", "signals"

    @property
    def fraction(self) -> float:
        return ((self.epoch - 1) * self.batches + self.batch) / (self.epochs * self.batches)

    def describe(self) -> str:
        text = (
            f"epoch {self.epoch}/{self.epochs} batch {self.batch}/{self.batches} "
            f"loss {self.loss:.4f} acc {self.accuracy:.2%} "
            f"{self.images_per_second:.0f} {self.noun}/s ETA {_duration(self.eta_seconds)}"
        )
        if self.record is not None and self.record.val_accuracy is not None:
            text += f" val acc {self.record.val_accuracy:.2%}"
        return text


def _duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


@dataclass(frozen=True)
class PreparedModel:
    """A module ready to train with what its file needs to rebuild it."""

    module: nn.Module
    architecture: str
    options: dict[str, Any]
    input_size: tuple[int, ...]
    mean: tuple[float, ...] | None  # None: computed from the training samples
    std: tuple[float, ...] | None
    head: tuple[str, ...]  # names of the modules trained by fine_tune="head"


def head_name(module: nn.Module) -> str:
    """The class-specific output part: GCM's class modulation table, else the last linear or
    convolution layer."""
    if isinstance(module, gcm.GenerativeContributionMapping):
        return "modulation"
    last = None
    for name, child in module.named_modules():
        if isinstance(child, (nn.Linear, nn.Conv2d)):
            last = name
    if last is None:
        raise ModelLoadError("no linear or convolution layer to use as the classifier")
    return last


def replace_head(module: nn.Module, num_classes: int) -> tuple[str, ...]:
    """Give a classifier a fresh output part for `num_classes` (see `head_name`); returns its
    name. Module names stay those of the architecture built with `num_classes`, so the saved
    weights load into that architecture."""
    name = head_name(module)
    if isinstance(module, gcm.GenerativeContributionMapping):
        module.modulation = gcm.ClassModulation(num_classes, gcm.TRUNK_CHANNELS)
        module.num_classes = num_classes
        return (name,)
    old = module.get_submodule(name)
    if isinstance(old, nn.Linear):
        new: nn.Module = nn.Linear(old.in_features, num_classes, bias=old.bias is not None)
    else:
        new = nn.Conv2d(old.in_channels, num_classes, old.kernel_size, old.stride, old.padding)
    parent_name, _, attribute = name.rpartition(".")
    parent = module.get_submodule(parent_name) if parent_name else module
    setattr(parent, attribute, new)
    return (name,)


def _torchvision(name: str, num_classes: int, weights: str | None = None) -> nn.Module:
    import torchvision.models as tvm

    if name not in tvm.list_models(module=tvm):
        raise ModelLoadError(
            f"unknown architecture {name!r}: use a torchvision classifier name (e.g. resnet18), "
            f"{BUILTIN}, or one of {', '.join(SMALL_ARCHITECTURES)}"
        )
    extra = (
        {"aux_logits": False, "init_weights": False}
        if name in ("inception_v3", "googlenet")
        else {}
    )
    if weights is not None:
        return tvm.get_model(name, weights=weights, **extra)
    return tvm.get_model(name, weights=None, num_classes=num_classes, **extra)


def prepare_model(
    settings: TrainSettings,
    num_classes: int,
    in_channels: int,
    default_size: tuple[int, ...] | None = None,
) -> PreparedModel:
    """Build (or load, then re-head) the module `settings` describes for `num_classes`. The
    input size is `settings.input_size`, else `default_size` (the data's), else the
    architecture's usual one (32 x 32 small image models, 224 x 224 others)."""
    name = settings.architecture
    options = dict(settings.options)
    if name in SMALL_ARCHITECTURES:
        options["in_channels"] = in_channels
    elif in_channels != 3:
        raise ModelLoadError(f"{name} takes RGB images; these have {in_channels} channel(s)")
    size = tuple(
        settings.input_size
        or default_size
        or ((32, 32) if name in SMALL_ARCHITECTURES else (224, 224))
    )
    mean = std = None
    init = settings.init
    if init == PRETRAINED_DEFAULT:
        if name == BUILTIN:
            module = builtin_model.build_pretrained()
            mean, std = builtin_model.MEAN, builtin_model.STD
        elif name in SMALL_ARCHITECTURES:
            raise ModelLoadError(f"{name} has no pretrained weights; train it from scratch")
        else:
            module = _torchvision(name, num_classes, weights="DEFAULT")
            mean, std = IMAGENET_MEAN, IMAGENET_STD
        head = replace_head(module, num_classes)
    elif init is not None:
        module, options, mean, std = _from_file(Path(init), name, options, in_channels)
        head = replace_head(module, num_classes)
    else:
        module = _fresh(name, num_classes, options)
        head = (head_name(module),)
    return PreparedModel(module, name, options, size, mean, std, head)


def _fresh(name: str, num_classes: int, options: dict[str, Any]) -> nn.Module:
    if name == gcm.ARCHITECTURE:
        return gcm.build_gcm(num_classes, **options)
    if name == small_cnn.ARCHITECTURE:
        return small_cnn.build_small_gap_cnn(num_classes, **options)
    if name == signal_models.ARCHITECTURE:
        return signal_models.build_gap_cnn1d(num_classes, **options)
    if name == BUILTIN:
        return builtin_model.EfficientNetLite0(num_classes)
    return _torchvision(name, num_classes)


def _from_file(path: Path, name: str, options: dict[str, Any], in_channels: int):
    """Start from a weights file: a gapviewer .safetensors (its own architecture and options) or
    a plain state dict of `name` (its class count read from the final layer)."""
    file = read_weights(path)
    meta = gapviewer_metadata(file)
    if meta.get("architecture"):
        if meta["architecture"] != name:
            raise ModelLoadError(f"{path.name}: holds a {meta['architecture']} model, not {name}")
        loaded = load_model(path)
        if loaded.in_channels != in_channels:
            raise ModelLoadError(
                f"{path.name}: takes {loaded.in_channels} channel(s); the data have {in_channels}"
            )
        return (
            loaded.module,
            dict(meta.get("options", options)),
            loaded.preprocessing.mean,
            loaded.preprocessing.std,
        )
    head_key = None
    probe = _fresh(name, 1000, options)
    for key, child in probe.named_modules():
        if isinstance(child, (nn.Linear, nn.Conv2d)) and f"{key}.weight" in file.state_dict:
            head_key = f"{key}.weight"
    count = int(file.state_dict[head_key].shape[0]) if head_key else 1000
    module = probe if count == 1000 else _fresh(name, count, options)
    try:
        module.load_state_dict(file.state_dict)
    except RuntimeError as error:
        raise ModelLoadError(f"{path.name}: weights do not fit {name} ({error})") from error
    mean, std = (
        (builtin_model.MEAN, builtin_model.STD)
        if name == BUILTIN
        else (IMAGENET_MEAN, IMAGENET_STD)
    )
    return module, options, mean, std


@dataclass(frozen=True)
class TrainResult:
    """The trained module (best validation checkpoint loaded, eval mode) and its metadata."""

    module: nn.Module
    metadata: dict[str, Any]
    history: tuple[EpochRecord, ...]
    best_epoch: int
    best_accuracy: float | None  # validation accuracy of the kept checkpoint
    cancelled: bool = False


def _normalise(
    batch: torch.Tensor, mean: tuple[float, ...], std: tuple[float, ...]
) -> torch.Tensor:
    """(x - mean) / std per channel of (B, C, *S)."""
    shape = (1, -1) + (1,) * (batch.ndim - 2)
    mean_t = torch.tensor(mean, device=batch.device, dtype=batch.dtype).view(shape)
    std_t = torch.tensor(std, device=batch.device, dtype=batch.dtype).view(shape)
    return (batch - mean_t) / std_t


def evaluate(
    module: nn.Module,
    samples: TrainingSet,
    size: tuple[int, ...],
    mean: tuple[float, ...],
    std: tuple[float, ...],
    batch_size: int = 256,
    cancel: CancelToken | None = None,
) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) of `module` in eval mode over `samples`."""
    device = next(module.parameters()).device
    module.eval()
    total_loss, correct = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(samples), batch_size):
            if cancel is not None:
                cancel.check()
            indices = np.arange(start, min(start + batch_size, len(samples)))
            inputs = _normalise(samples.batch(indices, size).to(device), mean, std)
            labels = torch.from_numpy(samples.labels[indices]).to(device)
            logits = module(inputs)
            total_loss += float(F.cross_entropy(logits, labels, reduction="sum"))
            correct += int((logits.argmax(1) == labels).sum())
    count = max(len(samples), 1)
    return total_loss / count, correct / count


def _trainable(module: nn.Module, settings: TrainSettings, head: tuple[str, ...]) -> list:
    if settings.fine_tune == "all":
        return list(module.parameters())
    keep = [module.get_submodule(name) for name in head]
    kept = {id(p) for part in keep for p in part.parameters()}
    for parameter in module.parameters():
        parameter.requires_grad_(id(parameter) in kept)
    return [p for p in module.parameters() if id(p) in kept]


def _set_mode(module: nn.Module, settings: TrainSettings, head: tuple[str, ...]) -> None:
    """Training mode; with fine_tune="head" the frozen body stays in eval mode (its batch norm
    statistics stay those it was trained with)."""
    if settings.fine_tune == "all":
        module.train()
        return
    module.eval()
    for name in head:
        module.get_submodule(name).train()


def _optimizer(settings: TrainSettings, parameters: list) -> torch.optim.Optimizer:
    if settings.optimizer == "adamw":
        return torch.optim.AdamW(
            parameters, lr=settings.learning_rate, weight_decay=settings.weight_decay
        )
    return torch.optim.SGD(
        parameters,
        lr=settings.learning_rate,
        momentum=settings.momentum,
        weight_decay=settings.weight_decay,
    )


class _Run:
    """The state of one training run: data, model, optimiser, clocks and the best checkpoint."""

    def __init__(self, settings, train_set, validation, prepared, mean, std, report, cancel):
        self.settings = settings
        self.train_set, self.validation = train_set, validation
        self.prepared, self.size, self.mean, self.std = prepared, prepared.input_size, mean, std
        self.report, self.cancel = report, cancel
        self.device = torch.device(settings.device)
        self.module = prepared.module.to(self.device)
        self.optimizer = _optimizer(settings, _trainable(self.module, settings, prepared.head))
        self.generator = torch.Generator().manual_seed(settings.seed)
        self.rng = np.random.default_rng(settings.seed)
        self.batches = math.ceil(len(train_set) / settings.batch_size)
        self.history: list[EpochRecord] = []
        self.best_state: dict[str, torch.Tensor] | None = None
        self.best_score = (-math.inf, -math.inf)
        self.best_accuracy, self.best_epoch = None, 0
        self.seen, self.started = 0, time.perf_counter()

    def rate(self) -> float:
        return self.seen / max(time.perf_counter() - self.started, 1e-9)

    def step(self, indices: np.ndarray) -> tuple[float, int]:
        """One optimiser step on the augmented, normalised batch: (loss, correct count)."""
        settings = self.settings
        batch = self.train_set.batch(indices, self.size)
        batch = augment(
            batch, settings.flip, settings.crop_padding, self.generator, settings.gain_db
        )
        inputs = _normalise(batch.to(self.device), self.mean, self.std)
        labels = torch.from_numpy(self.train_set.labels[indices]).to(self.device)
        logits = self.module(inputs)
        loss = F.cross_entropy(logits, labels)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        return loss.item(), int((logits.detach().argmax(1) == labels).sum())

    def epoch(self, epoch: int) -> None:
        """Train epoch `epoch` (0-based), validate, keep the checkpoint if it is the best."""
        settings, total = self.settings, len(self.train_set)
        lr = learning_rate_at(settings, epoch)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        _set_mode(self.module, settings, self.prepared.head)
        started = time.perf_counter()
        order = self.rng.permutation(total)
        loss_sum, correct, count = 0.0, 0, 0
        for batch in range(self.batches):
            self.cancel.check()
            indices = order[batch * settings.batch_size : (batch + 1) * settings.batch_size]
            loss, right = self.step(indices)
            loss_sum, correct = loss_sum + loss * len(indices), correct + right
            count += len(indices)
            self.seen += len(indices)
            remaining = (settings.epochs - epoch) * total - count
            self.report(
                TrainProgress(
                    "train", epoch + 1, settings.epochs, batch + 1, self.batches,
                    loss_sum / count, correct / count, self.rate(), remaining / self.rate(), lr,
                    noun=self.train_set.noun,
                )
            )  # fmt: skip
        val_loss = val_accuracy = None
        if self.validation is not None and len(self.validation):
            val_loss, val_accuracy = evaluate(
                self.module, self.validation, self.size, self.mean, self.std, cancel=self.cancel
            )
        record = EpochRecord(
            epoch + 1, loss_sum / count, correct / count, val_loss, val_accuracy, lr,
            time.perf_counter() - started,
        )  # fmt: skip
        self.history.append(record)
        # The best epoch has the highest validation accuracy, ties going to the lower validation
        # loss (small validation sets tie often); without validation samples, the lowest
        # training loss.
        score = (
            (val_accuracy, -val_loss)
            if val_accuracy is not None
            else (-math.inf, -record.train_loss)
        )
        if score > self.best_score:
            self.best_score = score
            self.best_state = copy.deepcopy(self.module.state_dict())
            self.best_accuracy, self.best_epoch = val_accuracy, epoch + 1
        log.info("epoch %d: %s", epoch + 1, record)
        remaining = (settings.epochs - epoch - 1) * total
        self.report(
            TrainProgress(
                "epoch", epoch + 1, settings.epochs, self.batches, self.batches,
                record.train_loss, record.train_accuracy, self.rate(),
                remaining / self.rate(), lr, record, self.train_set.noun,
            )
        )  # fmt: skip


def train(
    settings: TrainSettings,
    data: TrainingSet,
    *,
    validation: TrainingSet | None = None,
    progress: Callable[[TrainProgress], None] | None = None,
    cancel: CancelToken | None = None,
) -> TrainResult:
    """Train as `settings` says on `data` (images or signals); validate on `validation` or,
    without it, on a stratified `settings.val_split` of `data`. A cancel after the first epoch
    returns the best checkpoint so far (`cancelled=True`); before it, raises `Cancelled`."""
    dims = input_dims(settings.architecture)
    if data.spatial_dims != dims:
        raise ValueError(
            f"{data.source}: holds {data.noun}, which {settings.architecture} cannot read; "
            + (
                f"train {' or '.join(SIGNAL_ARCHITECTURES)} on signals"
                if data.spatial_dims == 1
                else "train an image architecture (e.g. small-gap-cnn) on images"
            )
        )
    torch.manual_seed(settings.seed)
    if validation is None and settings.val_split > 0:
        train_idx, val_idx = stratified_split(data.labels, settings.val_split, settings.seed)
        train_set, validation = data.subset(train_idx), data.subset(val_idx)
    else:
        train_set = data
    if len(train_set) == 0:
        raise ValueError(f"{data.source}: no {data.noun} left to train on")
    prepared = prepare_model(settings, len(data.class_names), data.in_channels, data.default_size)
    if settings.mean is not None and settings.std is not None:
        mean, std = tuple(settings.mean), tuple(settings.std)
    elif prepared.mean is None:
        mean, std = channel_statistics(train_set, prepared.input_size, seed=settings.seed)
    else:
        mean, std = prepared.mean, prepared.std
    run = _Run(
        settings, train_set, validation, prepared, mean, std,
        progress or (lambda _: None), cancel or CancelToken(),
    )  # fmt: skip
    cancelled = False
    try:
        for epoch in range(settings.epochs):
            run.epoch(epoch)
    except Cancelled:
        if run.best_state is None:
            raise
        cancelled = True
    module = run.module
    for parameter in module.parameters():
        parameter.requires_grad_(True)
    module.load_state_dict(run.best_state)
    module.eval()
    metadata = _metadata(
        settings, prepared, data, mean, std, run.best_accuracy, run.best_epoch, run.history
    )
    return TrainResult(
        module, metadata, tuple(run.history), run.best_epoch, run.best_accuracy, cancelled
    )


def _metadata(settings, prepared, data, mean, std, accuracy, best_epoch, history) -> dict:
    """What `load_model` needs to rebuild the model (architecture, classes, input size and
    channels, normalisation, and for signals the sample rate), plus the training record."""
    training = asdict(settings)
    training.update(
        epochs_run=len(history),
        best_epoch=best_epoch,
        train_images=len(data),  # the key predates signals: the number of training samples
        data=data.source,
        history=[asdict(record) for record in history],
    )
    return {
        "architecture": prepared.architecture,
        "num_classes": len(data.class_names),
        "class_names": list(data.class_names),
        "input_size": list(prepared.input_size),
        "mean": list(mean),
        "std": list(std),
        "in_channels": data.in_channels,
        "options": prepared.options,
        **data.input_metadata(),
        "validation_accuracy": accuracy,
        "training": training,
    }


def save_model(result: TrainResult, path: str | Path) -> Path:
    """Write the trained weights and their metadata (under the safetensors metadata key
    "gapviewer") so `load_model(path)` rebuilds the model with no other information."""
    from safetensors.torch import save_file

    path = Path(path)
    state = {
        k: v.detach().cpu().contiguous().clone() for k, v in result.module.state_dict().items()
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(state, str(path), metadata={"gapviewer": json.dumps(result.metadata)})
    return path
