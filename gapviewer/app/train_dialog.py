"""The "Train model…" dialog: trains in a worker thread (core.training), plots loss and accuracy
live, and opens the trained model in the viewer when done (patent FIG. 4 step S10): an image
model as the window's model, a signal model (gap-cnn1d on a folder of signals) in the Signals &
spectra panel.

The dialog only collects settings and draws numbers: reading the data, the training itself and
saving happen in `TrainWorker`, which imports torch there, off the GUI thread.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)

ARCHITECTURES = ("gcm", "small-gap-cnn", "efficientnet-lite0", "resnet18", "mobilenet_v3_small",
                 "gap-cnn1d")
SIGNAL_ARCHITECTURES = ("gap-cnn1d",)  # as core.training's; listed here to keep torch off the GUI
START_RANDOM, START_PRETRAINED, START_WEIGHTS = range(3)  # rows of the "Start from" choice
PROGRESS_INTERVAL_S = 0.1


@dataclass(frozen=True)
class TrainRequest:
    """What the dialog asks for: data (a class-subfolder folder of images or signals, a CIFAR-10
    folder or "digits"), the output file, `recipe` overrides, and how signal files are read
    (`sample_rate` None: the most common rate of the audio files)."""

    data: str
    out: str
    architecture: str
    overrides: dict[str, Any]
    sample_rate: float | None = None
    time_major: bool = False


@dataclass(frozen=True)
class Point:
    """One progress report as plain numbers for the plot and the status line (the dialog words
    it in the interface language; core.training.TrainProgress.describe is the English log line).
    """

    epoch: int
    epochs: int
    batch: int
    batches: int
    fraction: float
    loss: float
    accuracy: float
    val_accuracy: float | None
    end_of_epoch: bool
    images_per_second: float  # samples per second: images or signals
    eta_seconds: float


@dataclass(frozen=True)
class Outcome:
    """A finished training: the saved file, its best epoch and validation accuracy (None: no
    validation images), whether it was stopped early and whether the model reads signals."""

    path: str
    best_epoch: int
    best_accuracy: float | None
    stopped_early: bool
    signals: bool = False


class TrainWorker(QThread):
    """Reads the data, trains and saves; reports by queued signals; cancelled by `cancel()`."""

    progressed = Signal(object)  # Point
    skipped = Signal(list)  # one line per data file that cannot be used, naming it
    succeeded = Signal(object)  # Outcome
    cancelledEarly = Signal()  # cancelled before the first epoch ended: nothing saved
    failed = Signal(str)  # the error

    def __init__(self, request: TrainRequest) -> None:
        super().__init__()
        self.setObjectName("train")
        self.request = request
        self._token = None
        self._cancel_requested = False
        self._last = 0.0

    def cancel(self) -> None:
        self._cancel_requested = True
        if self._token is not None:
            self._token.cancel()

    def _report(self, progress) -> None:
        end = progress.phase == "epoch"
        if not end and time.monotonic() - self._last < PROGRESS_INTERVAL_S:
            return
        self._last = time.monotonic()
        record = progress.record
        self.progressed.emit(
            Point(
                progress.epoch,
                progress.epochs,
                progress.batch,
                progress.batches,
                progress.fraction,
                progress.loss,
                progress.accuracy,
                record.val_accuracy if record is not None else None,
                end,
                progress.images_per_second,
                progress.eta_seconds,
            )
        )

    def run(self) -> None:
        from ..core.capture import Cancelled, CancelToken
        from ..core.training import recipe, save_model, train
        from ..core.training_data import load_training_data

        self._token = CancelToken()
        if self._cancel_requested:
            self._token.cancel()
        request = self.request
        try:
            settings = recipe(request.architecture, **request.overrides)
            data, validation = load_training_data(
                request.data, sample_rate=request.sample_rate, time_major=request.time_major)
            if data.problems:
                self.skipped.emit(list(data.problems))
            result = train(
                settings,
                data,
                validation=validation,
                progress=self._report,
                cancel=self._token,
            )
            path = save_model(result, request.out)
        except Cancelled:
            self.cancelledEarly.emit()
            return
        except Exception as error:  # every failure becomes a message in the dialog
            log.exception("training failed")
            self.failed.emit(str(error))
            return
        self.succeeded.emit(Outcome(str(path), result.best_epoch, result.best_accuracy,
                                    result.cancelled, data.spatial_dims == 1))


class TrainDialog(QDialog):
    """Settings form, Start/Cancel, progress bar, live loss and accuracy curves.

    `modelTrained(path)` is emitted after a successful run, and `signalModelTrained(path)` too
    when the model reads signals; with `state` given (the viewer's AppState), a trained image
    model is also opened as the current model.
    """

    modelTrained = Signal(str)
    signalModelTrained = Signal(str)

    def __init__(self, state=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Train model"))
        self.state = state
        self.worker: TrainWorker | None = None
        self.last_point: Point | None = None  # the latest progress report
        self._epochs: list[int] = []
        self._losses: list[float] = []
        self._accuracies: list[float] = []
        self._val: list[tuple[int, float]] = []
        self._build()

    # building --------------------------------------------------------------------------------
    def _build(self) -> None:
        form = QFormLayout()
        self.data_edit = QLineEdit()
        self.data_edit.setPlaceholderText(
            self.tr("folder with one subfolder per class (images or signals), or 'digits'"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse_data)
        form.addRow(self.tr("Data"), _row(self.data_edit, browse))
        self.arch_combo = QComboBox()
        self.arch_combo.setEditable(True)  # any torchvision classifier name
        self.arch_combo.addItems(ARCHITECTURES)
        self.arch_combo.setToolTip(self.tr(
            "gcm, small-gap-cnn, efficientnet-lite0, or a torchvision name for images; "
            "gap-cnn1d for signals (audio, spectra, time series)"))
        form.addRow(self.tr("Architecture"), self.arch_combo)
        self.start_combo = QComboBox()
        self.start_combo.addItems(
            (self.tr("random"), self.tr("pretrained (built-in / ImageNet)"),
             self.tr("weights file…")))
        self.weights_edit = QLineEdit()
        self.weights_edit.setPlaceholderText(self.tr("weights file to start from"))
        self.weights_edit.setEnabled(False)
        self.start_combo.currentIndexChanged.connect(
            lambda index: self.weights_edit.setEnabled(index == START_WEIGHTS)
        )
        form.addRow(self.tr("Start from"), _row(self.start_combo, self.weights_edit))
        self.fine_tune_combo = QComboBox()
        self.fine_tune_combo.addItems((self.tr("all layers"), self.tr("head only")))
        form.addRow(self.tr("Train"), self.fine_tune_combo)
        self.epochs_spin = _spin(1, 10_000, 30)
        self.batch_spin = _spin(1, 4096, 64)
        self.size_spin = _spin(4, 1024, 32)
        self.size_spin.setSingleStep(4)
        self.lr_spin = QDoubleSpinBox()
        self.lr_spin.setDecimals(5)
        self.lr_spin.setRange(1e-5, 10.0)
        self.lr_spin.setValue(0.05)
        self.val_spin = QDoubleSpinBox()
        self.val_spin.setRange(0.0, 0.9)
        self.val_spin.setSingleStep(0.05)
        self.val_spin.setValue(0.1)
        self.optimizer_combo = QComboBox()
        self.optimizer_combo.addItems(("sgd", "adamw"))
        self.schedule_combo = QComboBox()
        self.schedule_combo.addItems(("cosine", "step", "constant"))
        form.addRow(self.tr("Epochs / batch"), _row(self.epochs_spin, self.batch_spin))
        form.addRow(self.tr("Input size"), self.size_spin)
        form.addRow(self.tr("Learning rate"),
                    _row(self.lr_spin, self.optimizer_combo, self.schedule_combo))
        form.addRow(self.tr("Validation split"), self.val_spin)
        self.length_spin = _spin(0, 100_000_000, 0)
        self.length_spin.setSpecialValueText(self.tr("median of the files"))
        self.length_spin.setSuffix(self.tr(" samples"))
        self.length_spin.setToolTip(self.tr("Every signal is resampled, then padded or cut to "
                                            "this length, as when the model explains"))
        self.rate_spin = QDoubleSpinBox()
        self.rate_spin.setRange(0, 10_000_000)
        self.rate_spin.setDecimals(0)
        self.rate_spin.setSpecialValueText(self.tr("most common rate of the audio files"))
        self.rate_spin.setSuffix(" Hz")
        self.rate_spin.setToolTip(self.tr("The model's sample rate: audio at other rates is "
                                          "resampled; tables and arrays are taken to be at it"))
        self.time_major_check = QCheckBox(self.tr("tables and arrays are time × channels"))
        self.time_major_check.setToolTip(self.tr("Default: channels × time (one row per channel)"))
        self.gain_spin = QDoubleSpinBox()
        self.gain_spin.setRange(0, 40)
        self.gain_spin.setSuffix(" dB")
        self.gain_spin.setValue(6)
        self.gain_spin.setToolTip(self.tr("Random gain of up to ± this, for augmentation"))
        form.addRow(self.tr("Length"), self.length_spin)
        form.addRow(self.tr("Sample rate"), self.rate_spin)
        form.addRow(self.tr("Layout"), self.time_major_check)
        form.addRow(self.tr("Gain"), self.gain_spin)
        self.form = form
        self.out_edit = QLineEdit(str(Path.home() / "model.safetensors"))
        form.addRow(self.tr("Save as"), self.out_edit)
        self.arch_combo.currentTextChanged.connect(self._apply_recipe)
        self._apply_recipe(self.arch_combo.currentText())

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.status_label = QLabel(self.tr("Choose the data and press Start."))
        self.status_label.setWordWrap(True)
        self.skipped_label = QLabel()
        self.skipped_label.setObjectName("skippedFiles")
        self.skipped_label.setWordWrap(True)
        self.skipped_label.hide()
        self.loss_plot = pg.PlotWidget(title=self.tr("loss"))
        self.loss_plot.setLabel("bottom", self.tr("epoch"))
        self.accuracy_plot = pg.PlotWidget(title=self.tr("accuracy"))
        self.accuracy_plot.setLabel("bottom", self.tr("epoch"))
        self.accuracy_plot.setYRange(0, 1)
        self.accuracy_plot.addLegend()
        self.loss_curve = self.loss_plot.plot(pen=pg.mkPen("#d62728", width=2), symbol="o")
        self.accuracy_curve = self.accuracy_plot.plot(
            pen=pg.mkPen("#1f77b4", width=2), symbol="o", name=self.tr("train")
        )
        self.val_curve = self.accuracy_plot.plot(
            pen=pg.mkPen("#2ca02c", width=2), symbol="s", name=self.tr("validation")
        )
        for plot in (self.loss_plot, self.accuracy_plot):
            plot.setMinimumHeight(160)
        self.start_button = QPushButton(self.tr("Start"))
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.close)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_row(self.loss_plot, self.accuracy_plot))
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.skipped_label)
        layout.addWidget(_row(self.start_button, self.cancel_button, close))
        self.resize(760, 640)

    @property
    def signals(self) -> bool:
        """Whether the chosen architecture reads signals (the signal rows are shown)."""
        return self.arch_combo.currentText().strip() in SIGNAL_ARCHITECTURES

    def _apply_recipe(self, architecture: str) -> None:
        """Defaults of the architecture (core.training.recipe's): gcm follows its paper (SGD
        0.1, step, batch 128), gap-cnn1d trains with AdamW 0.003 and batch 32."""
        if architecture == "gcm":
            values = (180, 128, 0.1, "sgd", "step", 32)
        elif architecture == "small-gap-cnn":
            values = (30, 64, 0.05, "sgd", "cosine", 32)
        elif architecture in SIGNAL_ARCHITECTURES:
            values = (30, 32, 0.003, "adamw", "cosine", self.size_spin.value())
        else:
            values = (30, 64, 0.01, "sgd", "cosine", 224)
        epochs, batch, lr, optimizer, schedule, size = values
        self.epochs_spin.setValue(epochs)
        self.batch_spin.setValue(batch)
        self.lr_spin.setValue(lr)
        self.optimizer_combo.setCurrentText(optimizer)
        self.schedule_combo.setCurrentText(schedule)
        self.size_spin.setValue(size)
        signals = self.signals
        self.form.setRowVisible(self.size_spin, not signals)
        self.form.setRowVisible(self.fine_tune_combo, not signals)
        for widget in (self.length_spin, self.rate_spin, self.time_major_check, self.gain_spin):
            self.form.setRowVisible(widget, signals)

    def _browse_data(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Training data (one subfolder of images or signals per class)"))
        if folder:
            self.data_edit.setText(folder)

    # running ---------------------------------------------------------------------------------
    def request(self) -> TrainRequest:
        """The run the form describes."""
        start = self.start_combo.currentIndex()
        size = self.size_spin.value()
        signals = self.signals
        overrides: dict[str, Any] = {
            "epochs": self.epochs_spin.value(),
            "batch_size": self.batch_spin.value(),
            "learning_rate": self.lr_spin.value(),
            "optimizer": self.optimizer_combo.currentText(),
            "schedule": self.schedule_combo.currentText(),
            "val_split": self.val_spin.value(),
            "input_size": (size, size),
            "fine_tune": "head" if self.fine_tune_combo.currentIndex() == 1 else "all",
        }
        if signals:
            del overrides["input_size"]
            if self.length_spin.value():
                overrides["input_size"] = (self.length_spin.value(),)
            overrides["gain_db"] = self.gain_spin.value()
        if start == START_PRETRAINED:
            overrides["init"] = "pretrained-default"
        elif start == START_WEIGHTS:
            overrides["init"] = self.weights_edit.text().strip()
        return TrainRequest(
            self.data_edit.text().strip(),
            self.out_edit.text().strip(),
            self.arch_combo.currentText().strip(),
            overrides,
            sample_rate=(self.rate_spin.value() or None) if signals else None,
            time_major=signals and self.time_major_check.isChecked(),
        )

    @property
    def running(self) -> bool:
        return self.worker is not None

    def start(self) -> None:
        if self.running:
            return
        request = self.request()
        if not request.data or not request.out:
            self.status_label.setText(
                self.tr("Choose the training data and the output file first."))
            return
        self._epochs, self._losses, self._accuracies, self._val = [], [], [], []
        self._redraw()
        self.progress_bar.setValue(0)
        self.status_label.setText(self.tr("Reading the data…"))
        self.skipped_label.hide()
        self.worker = TrainWorker(request)
        self.worker.progressed.connect(self._on_progress)
        self.worker.skipped.connect(self._on_skipped)
        self.worker.succeeded.connect(self._on_success)
        self.worker.failed.connect(self._on_failure)
        self.worker.cancelledEarly.connect(self._on_cancelled_early)
        self.worker.finished.connect(self._on_finished)
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.worker.start()

    def cancel(self) -> None:
        """Stop at the next batch; the best epoch so far is still saved."""
        if self.worker is not None:
            self.status_label.setText(self.tr("Stopping after the current batch…"))
            self.worker.cancel()

    def _on_progress(self, point: Point) -> None:
        self.last_point = point
        self.progress_bar.setValue(round(point.fraction * 1000))
        self.status_label.setText(self.describe(point))
        if point.end_of_epoch:
            self._epochs.append(point.epoch)
            self._losses.append(point.loss)
            self._accuracies.append(point.accuracy)
            if point.val_accuracy is not None:
                self._val.append((point.epoch, point.val_accuracy))
            self._redraw()

    def describe(self, point: Point) -> str:
        """The status line for a progress report, in the interface language."""
        rate = (self.tr("{rate:.0f} signals/s") if self.signals
                else self.tr("{rate:.0f} images/s")).format(rate=point.images_per_second)
        text = self.tr(
            "Epoch {epoch}/{epochs}, batch {batch}/{batches}: loss {loss:.4f}, accuracy "
            "{accuracy:.2%}, {rate}, {eta} left"
        ).format(epoch=point.epoch, epochs=point.epochs, batch=point.batch,
                 batches=point.batches, loss=point.loss, accuracy=point.accuracy,
                 rate=rate, eta=_duration(point.eta_seconds))
        if point.val_accuracy is not None:
            text += self.tr(", validation accuracy {accuracy:.2%}").format(
                accuracy=point.val_accuracy)
        return text

    def _redraw(self) -> None:
        self.loss_curve.setData(self._epochs, self._losses)
        self.accuracy_curve.setData(self._epochs, self._accuracies)
        self.val_curve.setData([e for e, _ in self._val], [a for _, a in self._val])

    def curves(self) -> dict[str, tuple[list[float], list[float]]]:
        """The plotted data: name -> (x, y)."""
        return {
            "loss": (list(self._epochs), list(self._losses)),
            "accuracy": (list(self._epochs), list(self._accuracies)),
            "validation": ([e for e, _ in self._val], [a for _, a in self._val]),
        }

    def _on_success(self, outcome: Outcome) -> None:
        self.progress_bar.setValue(1000)
        if outcome.best_accuracy is None:
            summary = self.tr("Saved {file}: epoch {epoch}, no validation images.")
        else:
            summary = self.tr("Saved {file}: epoch {epoch}, validation accuracy {accuracy:.2%}.")
        summary = summary.format(file=Path(outcome.path).name, epoch=outcome.best_epoch,
                                 accuracy=outcome.best_accuracy)
        if outcome.stopped_early:
            summary += " " + self.tr("(stopped early)")
        self.status_label.setText(summary)
        self.modelTrained.emit(outcome.path)
        if outcome.signals:
            self.signalModelTrained.emit(outcome.path)
        elif self.state is not None:
            from .state import ModelSpec

            self.state.request_model(ModelSpec("file", outcome.path))

    def _on_skipped(self, problems: list[str]) -> None:
        """The files training leaves out: a count and the first reason, all in the tooltip."""
        self.skipped_label.setText(self.tr("Skipped %n file(s): {first}", "", len(problems))
                                   .format(first=problems[0]))
        self.skipped_label.setToolTip("\n".join(problems))
        self.skipped_label.show()

    def _on_failure(self, error: str) -> None:
        self.status_label.setText(self.tr("Training failed: {error}").format(error=error))

    def _on_cancelled_early(self) -> None:
        self.status_label.setText(
            self.tr("Cancelled before the first epoch ended; nothing saved."))

    def _on_finished(self) -> None:
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.wait()
            worker.deleteLater()
        self.start_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def shutdown(self) -> None:
        """Cancel a running training and wait for its thread."""
        worker = self.worker
        if worker is not None:
            worker.cancel()
            worker.wait()
            self._on_finished()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self.shutdown()
        super().closeEvent(event)


def _duration(seconds: float) -> str:
    """H:MM:SS, as the training log writes durations."""
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _spin(minimum: int, maximum: int, value: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(minimum, maximum)
    spin.setValue(value)
    return spin


def _row(*widgets: QWidget) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    return row


def open_train_dialog(window) -> TrainDialog:
    """Show the dialog for the main window (one per window, reused); it opens a trained image
    model in `window.state`, a signal model in the Signals & spectra panel, and a running
    training stops when the application quits."""
    dialog = window.findChild(TrainDialog)
    if dialog is None:
        dialog = TrainDialog(window.state, window)
        QApplication.instance().aboutToQuit.connect(dialog.shutdown)
        dialog.signalModelTrained.connect(window.open_signal_model)
    dialog.show()
    dialog.raise_()
    return dialog
