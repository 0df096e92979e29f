"""Signals & spectra workspace: 1-D signals (WAV, CSV, NPY) and multi-channel images (TIFF, NPY)
explained by their own model, in a panel of the main window.

The workspace keeps its own model (a gapviewer .safetensors file of a 1-D or multi-channel model,
or a trusted `package.module:Class` plus weights) apart from the photo model of the main view. All
core work (torch import, model loading, decoding, explaining, per-channel contributions) runs on
one worker thread of its own (`jobs.JobThread` "gapviewer-signals"), started on first use: the
engine's model thread keeps owning the photo model, and its job channels (what-if, inspect,
scan) are not disturbed. Newest request wins per slot; results carry a generation number and
stale ones are dropped. A progress bar with the current step and a Cancel button (or Esc in the
panel) shows while work runs; cancelling sets the explanation's core CancelToken, so the torch
work stops at its next check point. The view widgets (`SignalView`, `ChannelPicker`) import core
modules that import torch, so they are built only after the worker has imported it: the window
still shows before torch is loaded.

Arrays whose axes are ambiguous (NPY/CSV signals: channels x time or time x channels; NPY/TIFF
cubes: C x H x W or H x W x C) are read with the "Layout" choice, handed to the core loaders
(`load_signal(time_major=...)`, `load_channel_image(layout=...)`); "auto" shows what it chose.

    workspace = install_signal_workspace(window)   # panel + File-menu action + shutdown on close
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSlider,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from .engine import LazyCancel
from .i18n import translate_core_message, translate_method_text
from .jobs import JobThread

log = logging.getLogger(__name__)

PANEL_TITLE = QT_TRANSLATE_NOOP("SignalWorkspace", "Signals & spectra")
OPEN_ACTION = QT_TRANSLATE_NOOP("SignalWorkspace", "Open signal or spectral image…")
AUDIO_SUFFIXES = frozenset({".wav", ".flac"})
IMAGE_SUFFIXES = frozenset({".tif", ".tiff"})
FILE_FILTER = QT_TRANSLATE_NOOP(
    "SignalWorkspace",
    "Signals and spectral images (*.wav *.flac *.csv *.tsv *.txt *.npy *.tif *.tiff);;"
    "All files (*)",
)
AUTO, CHANNELS_LAST, CHANNELS_FIRST = "auto", "last", "first"  # the Layout choice
CORE_LAYOUTS = {AUTO: "auto", CHANNELS_LAST: "hwc", CHANNELS_FIRST: "chw"}  # core.multichannel
CHANNELS_SHARE = 0.8  # of a multi-channel request's progress: the map; the rest: per channel
CHANNELS_STEP = "per-channel contributions"  # the worker's progress message for that rest


def multimedia_unavailable() -> str | None:
    """Why audio playback is impossible (Qt Multimedia missing or unloadable), or None."""
    try:
        from PySide6 import QtMultimedia  # noqa: F401
    except ImportError as error:
        log.info("audio playback unavailable: %s", error)  # the system's text stays in the log
        return QCoreApplication.translate(
            "SignalWorkspace", "Audio playback needs Qt Multimedia (pip install PySide6-Addons)")
    return None


# requests and results (plain data crossing the thread boundary) ------------------------------
@dataclass(frozen=True)
class ModelChoice:
    """A gapviewer .safetensors file (`path`), or a trusted architecture `arch` + `weights`."""

    path: str | None = None
    arch: str | None = None
    weights: str | None = None
    trust: bool = False
    input_size: tuple[int, ...] = ()
    in_channels: int = 1
    sample_rate: float | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        if self.path:
            return Path(self.path).name
        return f"{self.arch} + {Path(self.weights or '').name}"


@dataclass(frozen=True)
class MethodChoice:
    id: str
    name: str
    summary: str
    signed: bool
    layers: tuple[str, ...]  # where it applies; the default layer first


@dataclass(frozen=True)
class ModelInfo:
    model_id: int
    kind: str  # "signal" or "channels"
    label: str
    class_names: tuple[str, ...]
    in_channels: int
    methods: tuple[MethodChoice, ...]
    skipped: tuple[tuple[str, str], ...]  # (method id, why it does not apply)


@dataclass(frozen=True)
class DecodedInput:
    path: str
    kind: str  # "signal" or "channels"
    item: Any  # core LoadedSignal or ChannelImage (read-only arrays)
    data: np.ndarray  # (C, T) or (C, H, W)
    sample_rate: float | None
    channel_names: tuple[str, ...]
    layout: str | None = None  # how the array was read: CHANNELS_LAST / CHANNELS_FIRST

    @property
    def playable(self) -> bool:
        return self.kind == "signal" and Path(self.path).suffix.lower() in AUDIO_SUFFIXES


@dataclass(frozen=True)
class ExplainRequest:
    generation: int
    model_id: int
    item: Any
    method: str
    layer: str
    target: int | None


@dataclass(frozen=True)
class ExplainOutcome:
    generation: int
    method: str
    layer: str
    values: np.ndarray | None
    reason: str | None
    predictions: tuple[tuple[int, str, float], ...]
    target: int | str
    signed: bool
    channels: Any = None  # core ChannelContribution: per input channel measures (images)


@dataclass(frozen=True)
class ExplainCancelled:
    """The explanation of `generation` stopped at a check point: no map was made."""

    generation: int


def _one_line(error: BaseException) -> str:
    text = str(error).strip().strip("'\"") or type(error).__name__
    return " ".join(text.split())


# the worker side: everything here runs on the workspace's thread -----------------------------
class _Backend(QObject):
    """Owns the signal model and its explainer; used only from the worker thread. Reports by
    queued signals (kind, generation, payload)."""

    finished = Signal(str, int, object)
    failed = Signal(str, int, str)
    progress = Signal(int, float, str)  # explain generation, fraction, core's step message

    def __init__(self) -> None:
        super().__init__()
        self.model: Any = None
        self.explainer: Any = None
        self.model_id = 0

    def run(self, kind: str, generation: int, job: Callable[[], Any]) -> None:
        try:
            result = job()
        except Exception as error:  # reported as one line in the panel; the worker goes on
            log.debug("signal workspace job %s failed", kind, exc_info=True)
            self.failed.emit(kind, generation, _one_line(error))
            return
        self.finished.emit(kind, generation, result)

    def load(self, choice: ModelChoice) -> ModelInfo:
        from ..core.explain import Explainer
        from ..core.methods import METHODS
        from ..core.models import load_model
        from ..core.multichannel import ChannelPreprocessing
        from ..core.signal_models import load_user_model
        from ..core.signals import SignalPreprocessing

        if choice.path:
            model = load_model(choice.path)
        else:
            model = load_user_model(
                choice.arch or "", choice.weights or "", trust=choice.trust,
                input_size=choice.input_size, in_channels=choice.in_channels,
                options=choice.options, sample_rate=choice.sample_rate,
            )
        if isinstance(model.preprocessing, SignalPreprocessing):
            kind = "signal"
        elif isinstance(model.preprocessing, ChannelPreprocessing):
            kind = "channels"
        else:
            raise ValueError(
                self.tr("{model}: this model reads photos; open it in the Model panel instead")
                .format(model=choice.label)
            )
        explainer = Explainer(model)
        grids = [info.name for info in model.layers if info.has_grid]
        methods, skipped = [], []
        for method in METHODS.values():
            _, why = explainer.plan([method.id], None)
            if why:
                skipped.append((method.id, why[0][2]))
                continue
            default = explainer.default_layer(method)
            others = [n for n in ("input", "model", *grids) if n != default]
            todo, _ = explainer.plan([method.id], others)
            layers = (default, *(layer for _, layer in todo))
            methods.append(
                MethodChoice(method.id, method.name, method.summary, method.signed, layers)
            )
        self.model, self.explainer = model, explainer
        self.model_id += 1
        return ModelInfo(
            self.model_id, kind, f"{model.architecture} ({model.source})",
            tuple(model.class_names), model.in_channels, tuple(methods), tuple(skipped),
        )

    def decode(self, path: str, kind: str | None, layout: str = AUTO) -> DecodedInput:
        """Read `path` as `kind` ("signal" or "channels"; guessed from the file when None) with
        the Layout choice `layout` (AUTO, CHANNELS_LAST or CHANNELS_FIRST)."""
        from ..core.multichannel import load_channel_image

        kind = kind or _guess_kind(path)
        if kind == "channels":
            item = load_channel_image(path, layout=CORE_LAYOUTS[layout])
            read = {"hwc": CHANNELS_LAST, "chw": CHANNELS_FIRST}.get(item.layout or "")
            return DecodedInput(path, kind, item, item.data, None, item.channel_names, read)
        if Path(path).suffix.lower() in IMAGE_SUFFIXES:
            raise ValueError(self.tr("{file}: a multi-channel image; the model reads signals")
                             .format(file=Path(path).name))
        item, read = _read_signal(path, layout)
        return DecodedInput(
            path, kind, item, item.data, item.sample_rate, item.channel_names, read
        )

    def explain(
        self, request: ExplainRequest, cancel: LazyCancel
    ) -> ExplainOutcome | ExplainCancelled | None:
        """The map, `ExplainCancelled` when `cancel` was set, None when the model changed."""
        from ..core.capture import Cancelled

        try:
            return self._explain(request, cancel.core_token())
        except Cancelled:
            return ExplainCancelled(request.generation)

    def _explain(self, request: ExplainRequest, cancel: Any) -> ExplainOutcome | None:
        from ..core.channel_contrib import channel_contributions
        from ..core.methods import get_method
        from ..core.multichannel import ChannelImage

        if request.model_id != self.model_id or self.explainer is None:
            return None
        per_channel = isinstance(request.item, ChannelImage)
        share = CHANNELS_SHARE if per_channel else 1.0

        def progress(fraction: float, message: str) -> None:
            self.progress.emit(request.generation, fraction * share, message)

        result = self.explainer.explain(
            request.item, methods=[request.method], layers=[request.layer],
            target=request.target, progress=progress, cancel=cancel,
        )
        key = (request.method, request.layer)
        reasons = {(m, layer): why for m, layer, why in result.skipped}
        channels = None
        if per_channel and isinstance(result.target, int):
            self.progress.emit(request.generation, share, CHANNELS_STEP)
            channels = channel_contributions(
                self.model, request.item, result.target, request.item.channel_names, cancel
            )
        return ExplainOutcome(
            request.generation, request.method, request.layer, result.maps.get(key),
            reasons.get(key), tuple(result.predictions), result.target,
            get_method(request.method).signed, channels,
        )


def _read_signal(path: str, layout: str) -> tuple[Any, str | None]:
    """core.signals.load_signal with the Layout choice: CHANNELS_LAST is `time_major`. AUTO
    reads channels x time and, when the loader refuses that, time x channels (a table with
    more rows than columns); the first refusal is reported if both fail. Audio has no choice."""
    from ..core.signals import SignalLoadError, load_signal

    if Path(path).suffix.lower() in AUDIO_SUFFIXES:
        return load_signal(path), None
    if layout != AUTO:
        return load_signal(path, time_major=layout == CHANNELS_LAST), layout
    try:
        return load_signal(path), CHANNELS_FIRST
    except SignalLoadError as channels_first:
        try:
            return load_signal(path, time_major=True), CHANNELS_LAST
        except SignalLoadError:
            raise channels_first from None


def _guess_kind(path: str) -> str:
    """"channels" for TIFF and 3-D NPY files, else "signal" (before any model says so)."""
    suffix = Path(path).suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return "channels"
    if suffix == ".npy":
        try:
            return "channels" if np.load(path, mmap_mode="r").ndim == 3 else "signal"
        except (OSError, ValueError):  # load_signal gives the one-line reason
            return "signal"
    return "signal"


# the architecture dialog ---------------------------------------------------------------------
class ArchitectureDialog(QDialog):
    """`package.module:Class` + weights + input size; loading needs the explicit trust box."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Load a trusted architecture"))
        self.arch = QLineEdit()
        self.arch.setPlaceholderText("package.module:Class")
        self.options = QLineEdit()
        self.options.setPlaceholderText(
            self.tr("constructor arguments, e.g. num_classes=4, widths=[8,16]"))
        self.weights = QLineEdit()
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        weights_row = QHBoxLayout()
        weights_row.addWidget(self.weights, 1)
        weights_row.addWidget(browse)
        self.input_size = QLineEdit()
        self.input_size.setPlaceholderText(self.tr("L (signals) or H W (images)"))
        self.in_channels = QSpinBox()
        self.in_channels.setRange(1, 4096)
        self.sample_rate = QLineEdit()
        self.sample_rate.setPlaceholderText(self.tr("Hz (audio models; empty for spectra)"))
        self.trust = QCheckBox(self.tr("I trust this code: importing the module runs it"))
        form = QFormLayout(self)
        form.addRow(self.tr("Architecture"), self.arch)
        form.addRow(self.tr("Options"), self.options)
        form.addRow(self.tr("Weights"), weights_row)
        form.addRow(self.tr("Input size"), self.input_size)
        form.addRow(self.tr("Input channels"), self.in_channels)
        form.addRow(self.tr("Sample rate"), self.sample_rate)
        form.addRow(self.trust)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Weights"), "",
            self.tr("Weights (*.safetensors *.pt *.pth);;All files (*)")
        )
        if path:
            self.weights.setText(path)

    def choice(self) -> ModelChoice:
        """The entered model; ValueError (one line) when a field cannot be read."""
        import json

        options: dict[str, Any] = {}
        for item in filter(None, (p.strip() for p in _split_options(self.options.text()))):
            name, _, value = item.partition("=")
            try:
                options[name.strip()] = json.loads(value)
            except json.JSONDecodeError:
                options[name.strip()] = value.strip()
        try:
            size = tuple(int(n) for n in self.input_size.text().replace(",", " ").split())
            rate = float(self.sample_rate.text()) if self.sample_rate.text().strip() else None
        except ValueError as error:
            raise ValueError(self.tr("input size and sample rate must be numbers ({error})")
                             .format(error=error)) from error
        if len(size) not in (1, 2):
            raise ValueError(self.tr("the input size is L (signals) or H W (images)"))
        return ModelChoice(
            arch=self.arch.text().strip(), weights=self.weights.text().strip(),
            trust=self.trust.isChecked(), input_size=size, in_channels=self.in_channels.value(),
            sample_rate=rate, options=options,
        )


def _split_options(text: str) -> list[str]:
    """Split "a=1, b=[2, 3]" at the commas outside brackets."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char in "[{(":
            depth += 1
        elif char in "]})":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


# the panel -----------------------------------------------------------------------------------
class SignalWorkspace(QWidget):
    """The "Signals & spectra" panel: model, input file (with its array layout), method, layer and
    class choice; the signal with its map (SignalView) or the false-colour image with the map
    overlaid, channel picker and per-channel bars (gradient x input or contribution ratios);
    progress with Cancel while work runs; audio playback with a moving cursor when Qt
    Multimedia loads."""

    modelReady = Signal(object)  # ModelInfo
    inputShown = Signal(object)  # DecodedInput
    mapShown = Signal(object)  # ExplainOutcome
    failed = Signal(str)  # the one-line message shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.model: ModelInfo | None = None
        self.input: DecodedInput | None = None
        self.outcome: ExplainOutcome | None = None
        self.signal_view: Any = None
        self.picker: Any = None
        self.bars: Any = None
        self._thread: JobThread | None = None
        self._backend = _Backend()
        self._backend.finished.connect(self._finished)
        self._backend.failed.connect(self._failed)
        self._backend.progress.connect(self._progress)
        self._generation = {"load": 0, "open": 0, "explain": 0}
        self._cancel: LazyCancel | None = None
        self._pending: set[str] = set()
        self._steps: dict[str, str] = {}  # what each pending kind of job is doing
        self._last_path: str | None = None  # the file last asked for (a Layout change rereads it)
        self._updating = False
        self._player: Any = None
        self._build()

    # construction ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.model_label = QLabel(self.tr("No model: choose a gapviewer .safetensors file"))
        self.model_label.setWordWrap(True)
        model_file = QPushButton(self.tr("Model file…"))
        model_file.setToolTip(
            self.tr("A 1-D or multi-channel model saved by gapviewer (.safetensors)"))
        model_file.clicked.connect(self._model_file_dialog)
        architecture = QPushButton(self.tr("Architecture…"))
        architecture.setToolTip(
            self.tr("Your own nn.Module class (package.module:Class) and weights"))
        architecture.clicked.connect(self._architecture_dialog)
        open_button = QPushButton(self.tr("Open…"))
        open_button.clicked.connect(self.open_dialog)
        self.files = QComboBox()
        self.files.setToolTip(self.tr("Opened files (drop more here)"))
        self.files.activated.connect(lambda index: self.open_path(self.files.itemText(index)))
        self.layout_choice = QComboBox()
        for layout in (AUTO, CHANNELS_LAST, CHANNELS_FIRST):
            self.layout_choice.addItem("", layout)
        self.layout_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.layout_choice.setAccessibleName(self.tr("Array layout"))
        self.layout_choice.setToolTip(self.tr(
            "How NPY, CSV and TIFF arrays are read: channels last (H × W × C, time × channels) "
            "or first (C × H × W, channels × time). Auto shows what it chose; changing it "
            "rereads the file."
        ))
        self.layout_choice.currentIndexChanged.connect(self._layout_changed)
        layout_label = QLabel(self.tr("Layout"))
        layout_label.setBuddy(self.layout_choice)
        self._label_layouts()
        top = QHBoxLayout()
        top.addWidget(model_file)
        top.addWidget(architecture)
        top.addWidget(self.model_label, 1)
        top.addWidget(open_button)
        top.addWidget(self.files, 1)
        top.addWidget(layout_label)
        top.addWidget(self.layout_choice)

        self.methods = QComboBox()
        self.methods.currentIndexChanged.connect(self._method_changed)
        self.layers = QComboBox()
        self.layers.currentIndexChanged.connect(lambda _index: self.request_explain())
        self.targets = QComboBox()
        self.targets.currentIndexChanged.connect(lambda _index: self.request_explain())
        self.play_button = QPushButton(self.tr("Play"))
        self.play_button.clicked.connect(self.toggle_playback)
        self.playback_note = QLabel(self.tr("no playback"))
        self.playback_note.setEnabled(False)
        self.playback_reason = multimedia_unavailable()
        self.play_button.setVisible(False)
        self.playback_note.setVisible(self.playback_reason is not None)
        self.playback_note.setToolTip(self.playback_reason or "")
        choices = QHBoxLayout()
        for label, box in ((self.tr("Method"), self.methods), (self.tr("Layer"), self.layers),
                           (self.tr("Class"), self.targets)):
            choices.addWidget(QLabel(label))
            choices.addWidget(box, 1)
        choices.addWidget(self.play_button)
        choices.addWidget(self.playback_note)

        self.predictions = QLabel(" ")
        self.message = QLabel(" ")
        self.message.setObjectName("signal-workspace-message")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._build_busy_row()
        status = QHBoxLayout()
        status.addWidget(self.message, 1)
        status.addWidget(self.busy_row)
        self.pages = QStackedWidget()
        hint = QLabel(self.tr(
            "Open or drop a signal (WAV, CSV, NPY) or a multi-channel image (TIFF, NPY).\n"
            "Choose its model first: a gapviewer .safetensors file, or your own architecture."
        ))
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages.addWidget(hint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addLayout(choices)
        layout.addWidget(self.predictions)
        layout.addLayout(status)
        layout.addWidget(self.pages, 1)

    def _build_busy_row(self) -> None:
        """Step text, progress bar and Cancel: shown while work runs; its room is kept when
        hidden, so work starting or ending moves nothing."""
        self.step = QLabel()
        self.step.setObjectName("signal-workspace-step")
        self.progress = QProgressBar()
        self.progress.setMaximumHeight(14)
        self.progress.setMinimumWidth(120)
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName(self.tr("Signals & spectra progress"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the computation"))
        self.cancel_button.setToolTip(self.tr("Stop the running computation (Esc)"))
        self.cancel_button.clicked.connect(self.cancel)
        self.busy_row = QWidget()
        row = QHBoxLayout(self.busy_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.step)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        self.busy_row.setFixedWidth(420)
        policy = self.busy_row.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.busy_row.setSizePolicy(policy)
        self.busy_row.setVisible(False)

    def _build_views(self) -> None:
        """The plot widgets, built once the worker has imported torch (their modules need it)."""
        if self.signal_view is not None:
            return
        import pyqtgraph as pg

        from .channel_picker import ChannelContributionBars, ChannelPicker
        from .signal_view import SignalView

        self.signal_view = SignalView()
        self.pages.addWidget(self.signal_view)
        self.picker = ChannelPicker()
        self.picker.compositionChanged.connect(self._show_composite)
        self.image_plot = pg.PlotWidget()
        self.image_plot.setAspectLocked(True)
        self.image_plot.invertY(True)
        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.overlay_item = pg.ImageItem(axisOrder="row-major")
        self.overlay_item.setZValue(10)
        self.image_plot.addItem(self.image_item)
        self.image_plot.addItem(self.overlay_item)
        self.image_transmittance = QSlider(Qt.Orientation.Horizontal)
        self.image_transmittance.setRange(0, 100)
        self.image_transmittance.setValue(50)
        self.image_transmittance.valueChanged.connect(self._image_transmittance_changed)
        self.bars = ChannelContributionBars()
        self.bars.measureChanged.connect(self._measure_changed)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        slider_row = QHBoxLayout()
        slider_row.addWidget(QLabel(self.tr("Transmittance")))
        slider_row.addWidget(self.image_transmittance, 1)
        centre_layout.addLayout(slider_row)
        centre_layout.addWidget(self.image_plot, 1)
        image_page = QWidget()
        image_layout = QHBoxLayout(image_page)
        image_layout.setContentsMargins(0, 0, 0, 0)
        image_layout.addWidget(self.picker)
        image_layout.addWidget(centre, 3)
        image_layout.addWidget(self.bars, 2)
        self.image_page = image_page
        self.pages.addWidget(image_page)
        self._image_transmittance_changed(self.image_transmittance.value())

    # worker ----------------------------------------------------------------------------------
    def _submit(self, kind: str, job: Callable[[], Any]) -> int:
        if self._thread is None:
            self._thread = JobThread("gapviewer-signals", ("load", "open", "explain"))
            self._thread.start()
        self._generation[kind] += 1
        generation = self._generation[kind]
        self._thread.put(kind, lambda: self._backend.run(kind, generation, job))
        return generation

    def shutdown(self) -> None:
        """Stop playback, cancel the running explanation and join the worker thread."""
        if self._player is not None:
            self._player.stop()
        if self._cancel is not None:
            self._cancel.cancel()
        if self._thread is not None:
            self._thread.stop()
            self._thread = None

    @property
    def busy(self) -> bool:
        """True while a request has not been answered yet."""
        return bool(self._pending)

    def cancel(self) -> None:
        """Stop the running explanation at its next check point (core CancelToken); the panel
        says "Cancelled" and keeps what it showed."""
        if self._cancel is not None and "explain" in self._pending:
            self._cancel.cancel()
            self.cancel_button.setEnabled(False)
            self.step.setText(self.tr("Cancelling…"))

    def _start(self, kind: str, step: str) -> None:
        self._pending = self._pending | {kind}
        self._steps[kind] = step
        self._status("")
        self._show_busy()

    def _done(self, kind: str) -> None:
        self._pending = self._pending - {kind}
        self._steps.pop(kind, None)
        self._show_busy()

    def _show_busy(self) -> None:
        """The busy row for the most recent kind of job still pending (explain, open, load)."""
        self.busy_row.setVisible(bool(self._pending))
        kind = next((k for k in ("explain", "open", "load") if k in self._pending), None)
        explaining = kind == "explain"
        self.cancel_button.setVisible(explaining)
        self.cancel_button.setEnabled(explaining)
        if kind is not None:
            self.step.setText(self._steps.get(kind, ""))
            self.step.setToolTip(self._steps.get(kind, ""))
            self.progress.setRange(0, 0)  # until the worker reports a fraction

    def _progress(self, generation: int, fraction: float, message: str) -> None:
        if generation != self._generation["explain"] or "explain" not in self._pending:
            return
        if self._cancel is not None and self._cancel.cancelled:
            return
        self.progress.setRange(0, 1000)
        self.progress.setValue(round(fraction * 1000))
        if message == CHANNELS_STEP:
            detail = self.tr("per-channel contributions")
        else:
            detail = translate_core_message(message)
        self.step.setText(detail)

    def _finished(self, kind: str, generation: int, result: Any) -> None:
        if generation != self._generation[kind]:
            return
        self._done(kind)
        if result is None:
            return
        if isinstance(result, ExplainCancelled):
            self._status(self.tr("Cancelled: no new map was computed"))
            return
        {"load": self._model_loaded, "open": self._decoded, "explain": self._explained}[kind](
            result
        )

    def _failed(self, kind: str, generation: int, message: str) -> None:
        if generation != self._generation[kind]:
            return
        self._done(kind)
        if kind == "open" and self.input is not None:  # the list shows what is shown
            self.files.setCurrentIndex(self.files.findText(self.input.path))
        self.show_error(message)

    def show_error(self, message: str) -> None:
        """One line in the panel (the rest of the panel keeps its state)."""
        line = " ".join(message.split())
        self.message.setText(line)
        self.message.setStyleSheet("color: #ff6b6b;")
        self.message.setToolTip(line)
        self.failed.emit(line)

    def _status(self, text: str) -> None:
        self.message.setStyleSheet("color: palette(mid);")
        self.message.setText(text or " ")
        self.message.setToolTip("")

    # model -----------------------------------------------------------------------------------
    def load_model(self, choice: ModelChoice) -> None:
        """Load `choice` in the worker; on failure the previous model stays."""
        self._start("load", self.tr("Loading {model}…").format(model=choice.label))
        self._submit("load", lambda: self._backend.load(choice))

    def _model_file_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Signal or multi-channel model"), "",
            self.tr("gapviewer models (*.safetensors)")
        )
        if path:
            self.load_model(ModelChoice(path=path))

    def _architecture_dialog(self) -> None:
        dialog = ArchitectureDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            choice = dialog.choice()
        except ValueError as error:
            self.show_error(_one_line(error))
            return
        self.load_model(choice)

    def _model_loaded(self, info: ModelInfo) -> None:
        self._build_views()
        self.model = info
        self.model_label.setText(info.label)
        self.model_label.setToolTip(
            "\n".join(f"{method}: {why}" for method, why in info.skipped)
            or self.tr("every method applies")
        )
        self._updating = True
        self.methods.clear()
        for method in info.methods:
            self.methods.addItem(method.name, method.id)
            self.methods.setItemData(self.methods.count() - 1,
                                     translate_method_text(method.summary),
                                     Qt.ItemDataRole.ToolTipRole)
        for method_id, why in info.skipped:
            self.methods.addItem(self.tr("{method} (does not apply)").format(method=method_id),
                                 method_id)
            index = self.methods.count() - 1
            self.methods.model().item(index).setEnabled(False)
            self.methods.setItemData(index, why, Qt.ItemDataRole.ToolTipRole)
        self.targets.clear()
        self.targets.addItem(self.tr("top-1"), None)
        for index, name in enumerate(info.class_names):
            self.targets.addItem(name, index)
        self._updating = False
        self._fill_layers()
        self._label_layouts()
        self._status("")
        self.modelReady.emit(info)
        if self.input is not None:
            self.open_path(self.input.path)

    def _method_changed(self) -> None:
        if self._updating:
            return
        self._fill_layers()
        self.request_explain()

    def _fill_layers(self) -> None:
        method = self._method()
        self._updating = True
        self.layers.clear()
        for layer in method.layers if method else ():
            self.layers.addItem(layer)
        self._updating = False

    def _method(self) -> MethodChoice | None:
        if self.model is None:
            return None
        wanted = self.methods.currentData()
        return next((m for m in self.model.methods if m.id == wanted), None)

    # inputs ----------------------------------------------------------------------------------
    def open_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, self.tr(OPEN_ACTION).rstrip("…"), "", self.tr(FILE_FILTER))
        if paths:
            self.open_paths(paths)

    def open_paths(self, paths: Sequence[str]) -> None:
        """Add files to the list and show the first."""
        for path in paths:
            if self.files.findText(path) < 0:
                self.files.addItem(path)
        if paths:
            self.files.setCurrentIndex(self.files.findText(paths[0]))
            self.open_path(paths[0])

    def open_path(self, path: str) -> None:
        """Decode `path` in the worker (as the model's kind of input, once one is loaded)."""
        kind = self.model.kind if self.model else None
        layout = self.layout_choice.currentData()
        self._last_path = path
        self._start("open", self.tr("Opening {file}…").format(file=Path(path).name))
        self._submit("open", lambda: self._backend.decode(path, kind, layout))

    def _layout_changed(self) -> None:
        self._label_layouts()
        if self._last_path is not None:
            self.open_path(self._last_path)

    def _label_layouts(self) -> None:
        """Name the layouts for the kind of input (image cube or signal) and show what "auto"
        chose for the shown file; no choice for audio files."""
        kind = self.input.kind if self.input else self.model.kind if self.model else None
        if kind == "channels":
            last, first = self.tr("H × W × C"), self.tr("C × H × W")
        elif kind == "signal":
            last, first = self.tr("time × channels"), self.tr("channels × time")
        else:
            last, first = self.tr("channels last"), self.tr("channels first")
        shown = {CHANNELS_LAST: last, CHANNELS_FIRST: first}
        chosen = self.input.layout if self.input else None
        auto = self.tr("Auto")
        if chosen in shown and self.layout_choice.currentData() == AUTO:
            auto = self.tr("Auto: {layout}").format(layout=shown[chosen])
        for index, text in enumerate((auto, last, first)):
            self.layout_choice.setItemText(index, text)
        audio = self.input is not None and self.input.layout is None and self.input.kind == "signal"
        self.layout_choice.setEnabled(not audio)

    def _decoded(self, decoded: DecodedInput) -> None:
        self._build_views()
        self._stop_playback()
        self.input = decoded
        self.outcome = None
        if decoded.kind == "signal":
            self.signal_view.set_signal(decoded.data, decoded.sample_rate, decoded.channel_names)
            self.pages.setCurrentWidget(self.signal_view)
            if not decoded.sample_rate:
                self.signal_view.set_mode("lines")
        else:
            self.picker.set_image(decoded.data, decoded.channel_names)
            self.overlay_item.clear()
            self.bars.clear_measures(decoded.channel_names)
            self.pages.setCurrentWidget(self.image_page)
            self._show_composite()
            self.image_plot.autoRange()
        self.play_button.setVisible(self.playback_reason is None and decoded.playable)
        self._label_layouts()
        self._status("")
        self.inputShown.emit(decoded)
        self.request_explain()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_paths(paths)

    def event(self, event: QEvent) -> bool:
        """Esc pressed in the panel while an explanation runs cancels it, before any window
        shortcut for Esc sees the key."""
        if event.type() == QEvent.Type.ShortcutOverride and self._cancel_key(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if self._cancel_key(event):
            self.cancel()
            event.accept()
            return
        super().keyPressEvent(event)

    def _cancel_key(self, event: QEvent) -> bool:
        return (
            isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and "explain" in self._pending
            and self.cancel_button.isEnabled()
        )

    # explaining ------------------------------------------------------------------------------
    def request_explain(self) -> None:
        """Explain the shown input with the chosen method, layer and class (newest wins)."""
        if self._updating or self.model is None or self.input is None:
            return
        if self.input.kind != self.model.kind or self.layers.currentIndex() < 0:
            return
        if self._cancel is not None:
            self._cancel.cancel()
        token = LazyCancel()
        self._cancel = token
        request = ExplainRequest(
            self._generation["explain"] + 1, self.model.model_id, self.input.item,
            self.methods.currentData(), self.layers.currentText(), self.targets.currentData(),
        )
        self._start("explain", self.tr("Computing {method} at {layer}…").format(
            method=request.method, layer=request.layer))
        self._submit("explain", lambda: self._backend.explain(request, token))

    def _explained(self, outcome: ExplainOutcome) -> None:
        from ..core import render

        self.outcome = outcome
        top = ", ".join(f"{name} {probability:.1%}" for _, name, probability
                        in outcome.predictions[:3])
        target = outcome.target
        if isinstance(target, int) and self.model is not None:
            target = self.model.class_names[target]
        self.predictions.setText(
            self.tr("{top}   (map for {target})").format(top=top, target=target))
        if outcome.values is None:
            self.show_error(self.tr("{method} at {layer}: {reason}").format(
                method=outcome.method, layer=outcome.layer, reason=outcome.reason))
            return
        mode = render.display_normalisation(outcome.values, outcome.signed)
        colormap = render.DIVERGING_COLORMAP if mode == "signed" else render.DEFAULT_COLORMAP
        if self.input is not None and self.input.kind == "signal":
            self.signal_view.set_map(outcome.values, colormap, mode)
        else:
            self._show_overlay(outcome.values, colormap, mode)
            self._show_bars()
        self._status("")
        self.mapShown.emit(outcome)

    def _show_bars(self) -> None:
        """Both per-channel measures of the shown map's class to the bar chart."""
        from ..core.channel_contrib import CHANNEL_MEASURES

        channels = self.outcome.channels if self.outcome is not None else None
        if channels is None or self.input is None:
            return
        target = self.model.class_names[channels.target] if self.model else channels.target
        self.bars.show_measures(
            {name: channels.measure(name) for name in CHANNEL_MEASURES},
            self.input.channel_names, self._bars_title(target),
        )

    def _bars_title(self, target: object) -> str:
        measure = self.bars.measure.currentText()
        return self.tr("Per channel, class {target}: {measure}").format(
            target=target, measure=measure)

    def _measure_changed(self, _measure: str) -> None:
        if self.outcome is not None and self.outcome.channels is not None:
            self._show_bars()

    # multi-channel display -------------------------------------------------------------------
    def _show_composite(self) -> None:
        if self.picker.data is not None:
            self.image_item.setImage(self.picker.composite(), levels=(0, 255))

    def _show_overlay(self, values: np.ndarray, colormap: str, mode: str) -> None:
        from ..core import render

        if values.ndim != 2 or self.input is None:
            self.overlay_item.clear()
            self.show_error(self.tr("a map of shape {shape} cannot overlay an image").format(
                shape=values.shape))
            return
        height, width = self.input.data.shape[1:]
        scaled = render.normalise([values], mode)[0].values
        colours = render.apply_colormap(render.upsample(scaled, (height, width)), colormap)
        self.overlay_item.setImage(colours, levels=(0, 255))

    def _image_transmittance_changed(self, value: int) -> None:
        from ..core.render import transmittance_to_alpha

        self.overlay_item.setOpacity(transmittance_to_alpha(value / 100))

    # playback --------------------------------------------------------------------------------
    def toggle_playback(self) -> None:
        """Play the shown audio file from the start (or stop it), moving the view's cursor."""
        if self.playback_reason is not None or self.input is None or not self.input.playable:
            return
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

        if self._player is None:
            self._player = QMediaPlayer(self)
            self._audio = QAudioOutput(self)
            self._player.setAudioOutput(self._audio)
            self._player.positionChanged.connect(
                lambda ms: self.signal_view.set_cursor(ms / 1000)
            )
            self._player.playbackStateChanged.connect(self._playback_state)
            self._player.errorOccurred.connect(
                lambda _error, text: self.show_error(
                    self.tr("playback: {error}").format(error=text))
            )
        if self._player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self._stop_playback()
            return
        self._player.setSource(QUrl.fromLocalFile(self.input.path))
        self._player.play()

    def _playback_state(self, state: Any) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setText(self.tr("Stop") if playing else self.tr("Play"))
        if not playing and self.signal_view is not None:
            self.signal_view.set_cursor(None)

    def _stop_playback(self) -> None:
        if self._player is not None:
            self._player.stop()


def install_signal_workspace(window: Any) -> SignalWorkspace:
    """Add the panel (tabbed below the view, hidden until used) and the File-menu action to a
    `MainWindow`; the worker is joined when the window closes."""
    workspace = SignalWorkspace()
    dock = window.add_panel(QCoreApplication.translate("SignalWorkspace", PANEL_TITLE), workspace,
                            Qt.DockWidgetArea.BottomDockWidgetArea)
    dock.hide()

    def open_signals() -> None:
        dock.show()
        dock.raise_()
        workspace.open_dialog()

    action = window.add_action(
        "File", QCoreApplication.translate("SignalWorkspace", OPEN_ACTION), open_signals)
    menu = window.menu("File")
    entries = menu.actions()
    opening = [e for e in (window.open_files_action, window.open_folder_action) if e in entries]
    if opening:  # next to the other Open actions
        menu.removeAction(action)
        menu.insertAction(entries[entries.index(opening[-1]) + 1], action)
    window.closed.connect(workspace.shutdown)
    workspace.dock = dock
    return workspace
