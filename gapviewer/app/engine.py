"""The one bridge between the GUI and core: model work and decoding run in worker threads.

Two `JobThread`s: "model" owns the `LoadedModel` and its `Explainer` (loading, explaining,
classifying the browser's images, and any core job given to `submit_model_job`: dataset scans,
failure maps, faithfulness curves) and imports torch lazily, so the window shows before torch has
finished importing; "io" lists folders, decodes the current image and makes thumbnails. Results
come back by queued signals. Every explain, decode and model-job request carries a generation
number; a newer request (per model-job channel) replaces a waiting one, cancels the running one
(core.capture.CancelToken), and results of older generations are dropped by the receiver.

The model thread leaves one core to the GUI thread (`model_thread_torch_threads`): a torch pool as
wide as the machine makes its threads spin at their barriers while the GUI thread waits for a
core, which on 2 cores stalled the event loop for tens of milliseconds per image.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from threading import Event
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from .jobs import JobThread
from .state import (
    Cell,
    ImageEntry,
    LayerEntry,
    MapResult,
    MethodEntry,
    ModelSpec,
    ModelSummary,
    ParamEntry,
)

log = logging.getLogger(__name__)

THUMBNAIL_SIZE = 96
SAMPLE_PREFIX = "sample:"
# Model-job channels in priority order (after loading and explaining): per channel the newest
# request wins; different channels do not cancel each other.
MODEL_JOB_CHANNELS = ("whatif", "inspect", "scan")


@dataclass(frozen=True)
class JobContext:
    """What a model job gets on the model thread: the `LoadedModel`, a core `CancelToken` to pass
    to core functions, `progress(fraction, message)` and `partial(value)` (an early result the GUI
    receives by `jobPartial` while the job goes on)."""

    model: Any
    cancel: Any
    progress: Callable[[float, str], None]
    partial: Callable[[Any], None]


@dataclass(frozen=True)
class ExplainRequest:
    """Maps of `cells` for one image and target (None: the top-1 class)."""

    generation: int
    model_id: int
    image_key: str
    pixels: np.ndarray
    cells: tuple[Cell, ...]
    target: int | None


@dataclass(frozen=True)
class ExplainResult:
    generation: int
    model_id: int
    image_key: str
    target: int | str
    requested_target: int | None
    predictions: tuple[tuple[int, str, float], ...]
    maps: dict[Cell, MapResult]
    seconds: float


def _installed_version(distribution: str) -> str:
    """The installed version of `distribution`, or "not installed"."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity mask where the OS reports one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def model_thread_torch_threads(torch_default: int, cores: int) -> int:
    """Intra-op threads for the model thread: torch's default, but at most all cores but one
    (the GUI thread's), and at least one."""
    return max(1, min(torch_default, cores - 1))


def _method_entry(method: Any) -> MethodEntry:
    params = tuple(
        ParamEntry(p.name, p.kind, p.default, p.label, p.help, tuple(p.choices), p.minimum,
                   p.maximum)
        for p in method.params
    )
    return MethodEntry(
        method.id, method.name, method.summary, method.source, method.needs.value,
        method.scope.value, method.class_dependent, method.signed, params,
    )


def _summary(model: Any, model_id: int) -> ModelSummary:
    gap = model.gap
    return ModelSummary(
        model_id=model_id,
        architecture=model.architecture,
        source=model.source,
        class_names=tuple(model.class_names),
        input_size=tuple(model.preprocessing.size),
        layers=tuple(
            LayerEntry(info.name, info.kind, tuple(info.shape), info.has_grid)
            for info in model.layers
        ),
        pre_gap_layer=gap.pre_gap_layer if gap else None,
        gap_layer=gap.gap_layer if gap else None,
        device=str(model.device),
    )


def _batches(cells: Sequence[Cell]) -> list[list[Cell]]:
    """Split cells so that within a batch each method has one parameter set (one explain call)."""
    batches: list[list[Cell]] = []
    for cell in dict.fromkeys(cells):
        for batch in batches:
            if all(c.method != cell.method or c.params == cell.params for c in batch):
                batch.append(cell)
                break
        else:
            batches.append([cell])
    return batches


def make_thumbnail(pixels: np.ndarray, size: int = THUMBNAIL_SIZE) -> np.ndarray:
    """A copy at most `size` pixels on its longer side (Pillow's antialiased reduction)."""
    from PIL import Image

    image = Image.fromarray(pixels)
    image.thumbnail((size, size))
    return np.asarray(image).copy()


class Engine(QObject):
    """Runs core work off the GUI thread; see the module docstring for the rules."""

    ready = Signal(object, object, bool)  # [MethodEntry], [architecture names], cuda available
    modelLoaded = Signal(object, object)  # ModelSummary, ModelSpec
    modelFailed = Signal(str, object)  # message, ModelSpec
    explained = Signal(object)  # ExplainResult
    explainFailed = Signal(int, str)  # generation, message
    explainCancelled = Signal(int)
    progress = Signal(int, float, str)  # generation, fraction, message
    decoded = Signal(int, str, object)  # generation, key, pixels
    decodeFailed = Signal(int, str, str)  # generation, key, message
    listed = Signal(object, object)  # [ImageEntry], [(path, reason)]
    listProgress = Signal(int)  # files found so far
    thumbnailReady = Signal(str, object)  # key, small pixels
    thumbnailFailed = Signal(str, str)
    classified = Signal(int, str, object)  # model id, key, (index, name, probability)
    jobProgress = Signal(str, int, float, str)  # channel, generation, fraction, message
    jobPartial = Signal(str, int, object)  # channel, generation, early result
    jobFinished = Signal(str, int, object)  # channel, generation, the job's return value
    jobFailed = Signal(str, int, str)  # channel, generation, message
    jobCancelled = Signal(str, int)  # channel, generation
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model_thread = JobThread(
            "gapviewer-model", ("import", "load", "explain", *MODEL_JOB_CHANNELS)
        )
        self._io_thread = JobThread("gapviewer-io", ("list", "decode"))
        for thread in (self._model_thread, self._io_thread):
            thread.jobDone.connect(self._job_done)
        self._outstanding = 0
        self.thumbnail_size = THUMBNAIL_SIZE  # longer side in pixels; more on high-DPI screens
        self._model: Any = None
        self._explainer: Any = None
        self._model_id = 0
        self._cancel: Any = None
        self._samples: dict[str, np.ndarray] | None = None
        self.torch_import_seconds: float | None = None
        self.torch_threads: int | None = None  # intra-op threads of the model thread
        self.library_versions: dict[str, str] = {}  # torch, torchvision: set by the model thread
        self.explain_generation = 0
        self.decode_generation = 0
        self._job_generation = dict.fromkeys(MODEL_JOB_CHANNELS, 0)
        self._job_cancel: dict[str, LazyCancel] = {}
        self._started = False

    # lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        """Start both threads; the model thread imports torch and reports `ready` first."""
        if self._started:
            return
        self._started = True
        self._model_thread.start()
        self._io_thread.start()
        self._submit(self._model_thread, "import", self._import_core)

    def stop(self) -> None:
        """Cancel running work and join both threads (call before the application quits)."""
        for token in (self._cancel, *self._job_cancel.values()):
            if token is not None:
                token.cancel()
        for thread in (self._model_thread, self._io_thread):
            thread.stop()
        self._outstanding = 0

    @property
    def busy(self) -> bool:
        """True while any job is queued or running, or its results are not delivered yet."""
        return self._outstanding > 0

    def _submit(self, thread: JobThread, slot: str, job: Callable[[], None]) -> None:
        if not thread.put(slot, job):
            self._outstanding += 1

    def _job_done(self) -> None:
        self._outstanding = max(0, self._outstanding - 1)
        if self._outstanding == 0:
            self.idle.emit()

    # model thread ----------------------------------------------------------------------------
    def _import_core(self) -> None:
        start = time.perf_counter()
        import torch

        # explain imports the method families; metrics and scan serve the triage panel, whose
        # GUI-thread imports are then free
        from ..core import explain, metrics, scan  # noqa: F401
        from ..core.methods import METHODS
        from ..core.models import torchvision_classifiers

        self.torch_import_seconds = time.perf_counter() - start
        # per thread with OpenMP: the GUI thread and threads started earlier keep their own
        self.torch_threads = model_thread_torch_threads(torch.get_num_threads(), usable_cores())
        torch.set_num_threads(self.torch_threads)
        try:
            architectures = torchvision_classifiers()
        except Exception:  # torchvision missing or broken: the built-in model still works
            log.exception("cannot list torchvision architectures")
            architectures = []
        methods = [_method_entry(m) for m in METHODS.values()]
        self.library_versions = {"torch": torch.__version__,
                                 "torchvision": _installed_version("torchvision")}
        self.ready.emit(methods, architectures, bool(torch.cuda.is_available()))

    def load_model(self, spec: ModelSpec) -> None:
        """Load in the model thread; on failure the previous model stays in use."""
        self._submit(self._model_thread, "load", lambda: self._load(spec))

    def _load(self, spec: ModelSpec) -> None:
        from ..core.explain import Explainer
        from ..core.models import load_model

        source = None if spec.kind == "builtin" else spec.source
        try:
            model = load_model(
                source,
                weights=spec.weights or None,
                classes=spec.classes or None,
                trust=spec.trust,
                device=spec.device,
            )
        except Exception as error:  # every bad file becomes a message; the old model stays
            self.modelFailed.emit(reason_line(error), spec)
            return
        self._model = model
        self._explainer = Explainer(model, cache_bytes=64 * 2**20)
        self._model_id += 1
        self.modelLoaded.emit(_summary(model, self._model_id), spec)

    def explain(
        self, model_id: int, image_key: str, pixels: np.ndarray, cells: Sequence[Cell],
        target: int | None,
    ) -> int:
        """Queue an explanation; cancels the running one. Returns the request's generation."""
        self.explain_generation += 1
        request = ExplainRequest(
            self.explain_generation, model_id, image_key, pixels, tuple(cells), target
        )
        if self._cancel is not None:
            self._cancel.cancel()
        token = LazyCancel()
        self._cancel = token
        self._submit(self._model_thread, "explain", lambda: self._explain(request, token))
        return request.generation

    def cancel(self) -> None:
        """Stop the running explanation at its next check point."""
        if self._cancel is not None:
            self._cancel.cancel()

    def _explain(self, request: ExplainRequest, token: LazyCancel) -> None:
        from ..core.capture import Cancelled

        if token.cancelled or request.generation != self.explain_generation:
            return
        if self._explainer is None or request.model_id != self._model_id:
            return
        start = time.perf_counter()

        def progress(fraction: float, message: str) -> None:
            self.progress.emit(request.generation, fraction, message)

        maps: dict[Cell, MapResult] = {}
        explanation = None
        try:
            for batch in _batches(request.cells):
                explanation = self._explainer.explain(
                    request.pixels,
                    methods=sorted({c.method for c in batch}),
                    layers=sorted({c.layer for c in batch}),
                    target=request.target,
                    params={c.method: c.params_dict() for c in batch},
                    progress=progress,
                    cancel=token.core_token(),
                )
                reasons = {(m, layer): why for m, layer, why in explanation.skipped}
                for cell in batch:
                    values = explanation.maps.get(cell.key)
                    maps[cell] = MapResult(cell, values, reasons.get(cell.key))
        except Cancelled:
            self.explainCancelled.emit(request.generation)
            return
        except Exception as error:  # reported in the banner; the GUI keeps running
            self.explainFailed.emit(request.generation, reason_line(error))
            return
        if explanation is None:
            return
        self.explained.emit(
            ExplainResult(
                request.generation, request.model_id, request.image_key, explanation.target,
                request.target, tuple(explanation.predictions), maps,
                time.perf_counter() - start,
            )
        )

    # model jobs ------------------------------------------------------------------------------
    def submit_model_job(
        self, channel: str, model_id: int, job: Callable[[JobContext], Any]
    ) -> int:
        """Run `job(context)` on the model thread, after any waiting load or explanation.

        Per channel (`MODEL_JOB_CHANNELS`) the newest request wins: it replaces a waiting job of
        the channel and cancels the running one. The outcome comes back as exactly one of
        `jobFinished` (the return value), `jobFailed` (one-line message; also when the model
        `model_id` is no longer loaded) or `jobCancelled`, with `jobProgress` and `jobPartial`
        before it; a request replaced before it started reports nothing. Returns the request's
        generation; compare with `job_generation(channel)`.
        """
        if channel not in self._job_generation:
            raise KeyError(f"unknown model-job channel {channel!r}")
        self._job_generation[channel] += 1
        generation = self._job_generation[channel]
        running = self._job_cancel.get(channel)
        if running is not None:
            running.cancel()
        token = LazyCancel()
        self._job_cancel[channel] = token
        self._submit(
            self._model_thread, channel,
            lambda: self._run_model_job(channel, generation, model_id, job, token),
        )
        return generation

    def job_generation(self, channel: str) -> int:
        """The generation of the newest request on `channel` (0: none yet)."""
        return self._job_generation[channel]

    def cancel_model_job(self, channel: str) -> None:
        """Stop the channel's running job at its next check point (a waiting one never starts)."""
        token = self._job_cancel.get(channel)
        if token is not None:
            token.cancel()

    def _run_model_job(
        self, channel: str, generation: int, model_id: int, job: Callable[[JobContext], Any],
        token: LazyCancel,
    ) -> None:
        from ..core.capture import Cancelled

        if token.cancelled:
            self.jobCancelled.emit(channel, generation)
            return
        if self._model is None or model_id != self._model_id:
            self.jobFailed.emit(channel, generation, self.tr("the model changed; ask again"))
            return
        context = JobContext(
            self._model,
            token.core_token(),
            lambda fraction, message: self.jobProgress.emit(channel, generation, fraction,
                                                            message),
            lambda value: self.jobPartial.emit(channel, generation, value),
        )
        try:
            result = job(context)
        except Cancelled:
            self.jobCancelled.emit(channel, generation)
            return
        except Exception as error:  # reported by the receiver; the worker keeps running
            log.debug("model job %s failed", channel, exc_info=True)
            self.jobFailed.emit(channel, generation, reason_line(error))
            return
        if token.cancelled:
            self.jobCancelled.emit(channel, generation)
        else:
            self.jobFinished.emit(channel, generation, result)

    def classify(self, entries: Sequence[ImageEntry]) -> None:
        """Predict the top class of each entry in the background (for the browser's labels)."""
        jobs = [lambda entry=entry: self._classify(entry) for entry in entries]
        self._model_thread.put_backlog(jobs)
        self._outstanding += len(jobs)

    def clear_classify(self) -> None:
        self._outstanding -= self._model_thread.clear_backlog()

    def _classify(self, entry: ImageEntry) -> None:
        if self._explainer is None:
            return
        model_id = self._model_id
        try:
            pixels = self._pixels(entry)
            explanation = self._explainer.explain(pixels, methods=[])
        except Exception as error:  # shown as the entry's reason
            self.thumbnailFailed.emit(entry.key, reason_line(error))
            return
        self.classified.emit(model_id, entry.key, explanation.predictions[0])

    # io thread -------------------------------------------------------------------------------
    def list_paths(self, paths: Sequence[str]) -> None:
        """Expand files and folders (recursively) into entries; `listProgress` while walking."""
        self._submit(self._io_thread, "list", lambda: self._list(list(paths)))

    def list_samples(self) -> None:
        self._submit(self._io_thread, "list", self._list_samples)

    def _list(self, paths: list[str]) -> None:
        from ..core.images import list_images

        entries: list[ImageEntry] = []
        errors: list[tuple[str, str]] = []
        for index, path in enumerate(paths):
            found, failed = list_images([path])
            entries.extend(ImageEntry(str(p), p.name, str(p)) for p in found)
            errors.extend((e.path, e.reason) for e in failed)
            self.listProgress.emit(len(entries) if index + 1 < len(paths) else -1)
        self.listed.emit(entries, errors)

    def _list_samples(self) -> None:
        self._load_samples()
        entries = [ImageEntry(SAMPLE_PREFIX + name, name) for name in self._samples or {}]
        self.listed.emit(entries, [])

    def _load_samples(self) -> dict[str, np.ndarray]:
        if self._samples is None:
            from ..core.images import image_from_array, sample_images

            self._samples = {
                name: image_from_array(array, name).pixels for name, array in sample_images()
            }
        return self._samples

    def _pixels(self, entry: ImageEntry) -> np.ndarray:
        if entry.path is None:
            return self._load_samples()[entry.key.removeprefix(SAMPLE_PREFIX)]
        from ..core.images import load_image

        return load_image(entry.path).pixels

    def decode(self, entry: ImageEntry) -> int:
        """Decode the image to show; replaces a waiting decode. Returns its generation."""
        self.decode_generation += 1
        generation = self.decode_generation
        self._submit(self._io_thread, "decode", lambda: self._decode(generation, entry))
        return generation

    def _decode(self, generation: int, entry: ImageEntry) -> None:
        if generation != self.decode_generation:
            return
        try:
            pixels = self._pixels(entry)
        except Exception as error:  # ImageLoadError and anything a decoder throws
            self.decodeFailed.emit(generation, entry.key, reason_line(error))
            return
        self.decoded.emit(generation, entry.key, pixels)

    def thumbnails(self, entries: Sequence[ImageEntry]) -> None:
        jobs = [lambda entry=entry: self._thumbnail(entry) for entry in entries]
        self._io_thread.put_backlog(jobs)
        self._outstanding += len(jobs)

    def _thumbnail(self, entry: ImageEntry) -> None:
        try:
            small = make_thumbnail(self._pixels(entry), self.thumbnail_size)
        except Exception as error:  # the reason is shown in the list
            self.thumbnailFailed.emit(entry.key, reason_line(error))
            return
        self.thumbnailReady.emit(entry.key, small)


class LazyCancel:
    """A cancel flag the GUI thread can set before torch (and core.capture) is imported."""

    def __init__(self) -> None:
        self._event = Event()
        self._core: Any = None

    def cancel(self) -> None:
        self._event.set()
        if self._core is not None:
            self._core.cancel()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def core_token(self) -> Any:
        """The core.capture.CancelToken mirroring this flag (created in the worker)."""
        if self._core is None:
            from ..core.capture import CancelToken

            self._core = CancelToken()
            if self._event.is_set():
                self._core.cancel()
        return self._core


def reason_line(error: BaseException) -> str:
    """The one-line reason a failure is shown with: the error's text on one line (its type's
    name when it has none); the file it names, if any, is part of that text."""
    text = str(error).strip().strip("'\"") or type(error).__name__
    return " ".join(text.split())
