"""The "Train model…" dialog: trains in a worker thread (core.training), plots loss and accuracy
live, and opens the trained model in the viewer when done (patent FIG. 4 step S10).

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

ARCHITECTURES = ("gcm", "small-gap-cnn", "efficientnet-lite0", "resnet18", "mobilenet_v3_small")
STARTS = ("random", "pretrained (built-in / ImageNet)", "weights file…")
PROGRESS_INTERVAL_S = 0.1


@dataclass(frozen=True)
class TrainRequest:
    """What the dialog asks for: data (a class-subfolder folder, CIFAR-10 folder or "digits"),
    the output file and `recipe` overrides."""

    data: str
    out: str
    architecture: str
    overrides: dict[str, Any]


@dataclass(frozen=True)
class Point:
    """One progress report as plain numbers for the plot and the status line."""

    epoch: int
    fraction: float
    loss: float
    accuracy: float
    val_accuracy: float | None
    end_of_epoch: bool
    text: str


class TrainWorker(QThread):
    """Reads the data, trains and saves; reports by queued signals; cancelled by `cancel()`."""

    progressed = Signal(object)  # Point
    succeeded = Signal(str, str)  # saved path, summary
    failed = Signal(str)

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
                progress.fraction,
                progress.loss,
                progress.accuracy,
                record.val_accuracy if record is not None else None,
                end,
                progress.describe(),
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
            images, validation = load_training_data(request.data)
            result = train(
                settings,
                images,
                validation=validation,
                progress=self._report,
                cancel=self._token,
            )
            path = save_model(result, request.out)
        except Cancelled:
            self.failed.emit("Cancelled before the first epoch ended; nothing saved.")
            return
        except Exception as error:  # every failure becomes a message in the dialog
            log.exception("training failed")
            self.failed.emit(f"Training failed: {error}")
            return
        accuracy = (
            f"validation accuracy {result.best_accuracy:.2%}"
            if result.best_accuracy is not None
            else "no validation images"
        )
        stopped = " (stopped early)" if result.cancelled else ""
        self.succeeded.emit(
            str(path), f"Saved {path.name}: epoch {result.best_epoch}, {accuracy}{stopped}."
        )


class TrainDialog(QDialog):
    """Settings form, Start/Cancel, progress bar, live loss and accuracy curves.

    `modelTrained(path)` is emitted after a successful run; with `state` given (the viewer's
    AppState), the trained file is also opened as the current model.
    """

    modelTrained = Signal(str)

    def __init__(self, state=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Train model")
        self.state = state
        self.worker: TrainWorker | None = None
        self._epochs: list[int] = []
        self._losses: list[float] = []
        self._accuracies: list[float] = []
        self._val: list[tuple[int, float]] = []
        self._build()

    # building --------------------------------------------------------------------------------
    def _build(self) -> None:
        form = QFormLayout()
        self.data_edit = QLineEdit()
        self.data_edit.setPlaceholderText("folder with one subfolder per class, or 'digits'")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse_data)
        form.addRow("Data", _row(self.data_edit, browse))
        self.arch_combo = QComboBox()
        self.arch_combo.setEditable(True)  # any torchvision classifier name
        self.arch_combo.addItems(ARCHITECTURES)
        self.arch_combo.setToolTip("gcm, small-gap-cnn, efficientnet-lite0, or a torchvision name")
        form.addRow("Architecture", self.arch_combo)
        self.start_combo = QComboBox()
        self.start_combo.addItems(STARTS)
        self.weights_edit = QLineEdit()
        self.weights_edit.setPlaceholderText("weights file to start from")
        self.weights_edit.setEnabled(False)
        self.start_combo.currentIndexChanged.connect(
            lambda index: self.weights_edit.setEnabled(index == STARTS.index("weights file…"))
        )
        form.addRow("Start from", _row(self.start_combo, self.weights_edit))
        self.fine_tune_combo = QComboBox()
        self.fine_tune_combo.addItems(("all layers", "head only"))
        form.addRow("Train", self.fine_tune_combo)
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
        form.addRow("Epochs / batch", _row(self.epochs_spin, self.batch_spin))
        form.addRow("Input size", self.size_spin)
        form.addRow("Learning rate", _row(self.lr_spin, self.optimizer_combo, self.schedule_combo))
        form.addRow("Validation split", self.val_spin)
        self.out_edit = QLineEdit(str(Path.home() / "model.safetensors"))
        form.addRow("Save as", self.out_edit)
        self.arch_combo.currentTextChanged.connect(self._apply_recipe)
        self._apply_recipe(self.arch_combo.currentText())

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.status_label = QLabel("Choose the data and press Start.")
        self.status_label.setWordWrap(True)
        self.loss_plot = pg.PlotWidget(title="loss")
        self.loss_plot.setLabel("bottom", "epoch")
        self.accuracy_plot = pg.PlotWidget(title="accuracy")
        self.accuracy_plot.setLabel("bottom", "epoch")
        self.accuracy_plot.setYRange(0, 1)
        self.accuracy_plot.addLegend()
        self.loss_curve = self.loss_plot.plot(pen=pg.mkPen("#d62728", width=2), symbol="o")
        self.accuracy_curve = self.accuracy_plot.plot(
            pen=pg.mkPen("#1f77b4", width=2), symbol="o", name="train"
        )
        self.val_curve = self.accuracy_plot.plot(
            pen=pg.mkPen("#2ca02c", width=2), symbol="s", name="validation"
        )
        for plot in (self.loss_plot, self.accuracy_plot):
            plot.setMinimumHeight(160)
        self.start_button = QPushButton("Start")
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        close = QPushButton("Close")
        close.clicked.connect(self.close)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_row(self.loss_plot, self.accuracy_plot))
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(_row(self.start_button, self.cancel_button, close))
        self.resize(760, 640)

    def _apply_recipe(self, architecture: str) -> None:
        """Defaults of the architecture: gcm follows its paper (SGD 0.1, step, batch 128)."""
        if architecture == "gcm":
            values = (180, 128, 0.1, "step", 32)
        elif architecture == "small-gap-cnn":
            values = (30, 64, 0.05, "cosine", 32)
        else:
            values = (30, 64, 0.01, "cosine", 224)
        epochs, batch, lr, schedule, size = values
        self.epochs_spin.setValue(epochs)
        self.batch_spin.setValue(batch)
        self.lr_spin.setValue(lr)
        self.schedule_combo.setCurrentText(schedule)
        self.size_spin.setValue(size)

    def _browse_data(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Training data (one subfolder per class)")
        if folder:
            self.data_edit.setText(folder)

    # running ---------------------------------------------------------------------------------
    def request(self) -> TrainRequest:
        """The run the form describes."""
        start = self.start_combo.currentIndex()
        size = self.size_spin.value()
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
        if start == 1:
            overrides["init"] = "pretrained-default"
        elif start == 2:
            overrides["init"] = self.weights_edit.text().strip()
        return TrainRequest(
            self.data_edit.text().strip(),
            self.out_edit.text().strip(),
            self.arch_combo.currentText().strip(),
            overrides,
        )

    @property
    def running(self) -> bool:
        return self.worker is not None

    def start(self) -> None:
        if self.running:
            return
        request = self.request()
        if not request.data or not request.out:
            self.status_label.setText("Choose the training data and the output file first.")
            return
        self._epochs, self._losses, self._accuracies, self._val = [], [], [], []
        self._redraw()
        self.progress_bar.setValue(0)
        self.status_label.setText("Reading the data…")
        self.worker = TrainWorker(request)
        self.worker.progressed.connect(self._on_progress)
        self.worker.succeeded.connect(self._on_success)
        self.worker.failed.connect(self._on_failure)
        self.worker.finished.connect(self._on_finished)
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.worker.start()

    def cancel(self) -> None:
        """Stop at the next batch; the best epoch so far is still saved."""
        if self.worker is not None:
            self.status_label.setText("Stopping after the current batch…")
            self.worker.cancel()

    def _on_progress(self, point: Point) -> None:
        self.progress_bar.setValue(round(point.fraction * 1000))
        self.status_label.setText(point.text)
        if point.end_of_epoch:
            self._epochs.append(point.epoch)
            self._losses.append(point.loss)
            self._accuracies.append(point.accuracy)
            if point.val_accuracy is not None:
                self._val.append((point.epoch, point.val_accuracy))
            self._redraw()

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

    def _on_success(self, path: str, summary: str) -> None:
        self.progress_bar.setValue(1000)
        self.status_label.setText(summary)
        self.modelTrained.emit(path)
        if self.state is not None:
            from .state import ModelSpec

            self.state.request_model(ModelSpec("file", path))

    def _on_failure(self, message: str) -> None:
        self.status_label.setText(message)

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
    """Show the dialog for the main window (one per window, reused); it opens the trained model
    in `window.state`, and a running training stops when the application quits."""
    dialog = window.findChild(TrainDialog)
    if dialog is None:
        dialog = TrainDialog(window.state, window)
        QApplication.instance().aboutToQuit.connect(dialog.shutdown)
    dialog.show()
    dialog.raise_()
    return dialog
