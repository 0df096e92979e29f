"""Misclassification triage: the scan results as a sortable, filterable table, the confusion
matrix whose cells filter the table, accuracy and per-class precision/recall, the maps of the
predicted class, the true class and the counterfactual side by side (Grad-CAM sec. 6.1), the
deletion/insertion curves, and export (CSV, PNG).

The view computes nothing itself: rows come from `core.scan` (a CSV, or batches while a scan
runs) or `core.scan_results` (Parquet), summaries from `core.metrics`, overlays from
`core.render`. Result files are read on the view's own worker thread (`TriageWorker`), with
progress; a Parquet result stays open (`stored`) so a row's stored maps can be read on demand.
Choosing an image emits `imageActivated`; whoever owns the model answers with `show_maps` and
`show_curves` (`triage_link.TriageLink` in the main window). "Scan…" asks for a scan's
settings (`cluster_scan.ScanDialog`) and emits `scanRequested`. Creating the view imports no
torch.
"""

from __future__ import annotations

import csv
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core import render
from .cluster_scan import ScanDialog, ScanSettings
from .i18n import translate_core_message
from .triage_worker import TaskContext, TriageWorker
from .whatif import WhatIfPanel

if TYPE_CHECKING:  # core.metrics and core.scan import torch: loaded when first used
    from ..core.metrics import ClassificationSummary
    from ..core.scan import ScanRow
    from ..core.scan_results import ScanResults

log = logging.getLogger(__name__)

COLUMNS = 7  # image, true, predicted, P(true), P(predicted), loss, correct
SHOW_CHUNK = 5000  # rows a big result set adds per event-loop turn (about 10 ms each)
SORT_ROLE = Qt.ItemDataRole.UserRole


def _percent(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f} %"


@dataclass(frozen=True)
class OpenedResults:
    """A result file as read by the worker: rows, class names, and the Parquet result itself
    (None for a CSV) for its stored maps."""

    rows: list[ScanRow]
    class_names: tuple[str, ...]
    stored: ScanResults | None
    summary: ClassificationSummary


def results_location(path: str | Path) -> Path:
    """What to open for a chosen file: a part of a results folder stands for the whole folder."""
    from ..core.scan_results import PART_GLOB

    path = Path(path)
    return path.parent if path.match(PART_GLOB) else path


def class_names_of(rows: Sequence[ScanRow]) -> tuple[str, ...]:
    """Class names as the rows give them (true labels and top-5 names, by index)."""
    names: dict[int, str] = {}
    for row in rows:
        if row.true_index is not None:
            names[row.true_index] = row.true_label
        for index, name, _ in row.top5:
            names[index] = name
    return tuple(names.get(i, f"class {i}") for i in range(max(names, default=-1) + 1))


def read_results_job(
    path: Path, class_names: Sequence[str] | None
) -> Callable[[TaskContext], OpenedResults]:
    """Read a `gapviewer scan` CSV, or a Parquet result (a .parquet file or a folder of parts,
    maps left on disk) with progress; without `class_names` they come from the file."""

    def job(context: TaskContext) -> OpenedResults:
        from ..core.metrics import summarise_scan

        if path.is_dir() or path.suffix.lower() == ".parquet":
            from ..core.scan_results import read_scan_results

            def progress(fraction: float) -> None:
                context.cancel.check()
                context.progress(fraction, "")

            stored = read_scan_results(path, progress)
            rows = stored.rows
            names = tuple(class_names or stored.class_names or class_names_of(rows))
        else:
            from ..core.scan import read_results

            stored, rows = None, read_results(path)
            names = tuple(class_names or class_names_of(rows))
        return OpenedResults(rows, names, stored, summarise_scan(rows, names))

    return job


class ResultsModel(QAbstractTableModel):
    """Scan rows as a table; `SORT_ROLE` gives raw values so columns sort numerically."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ScanRow] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return (self.tr("Image"), self.tr("True"), self.tr("Predicted"), self.tr("P(true)"),
                    self.tr("P(predicted)"), self.tr("Loss"), self.tr("Correct"))[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        row = self.rows[index.row()]
        raw = (
            Path(row.path).name,
            row.true_label,
            row.predicted_label or self.tr("failed: {error}").format(error=row.error),
            row.true_probability,
            row.predicted_probability,
            row.loss,
            row.correct,
        )[index.column()]
        if role == SORT_ROLE:
            return -math.inf if raw is None else raw
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() in (3, 4):
                return _percent(raw)
            if index.column() == 5:
                return "" if raw is None else f"{raw:.3f}"
            if index.column() == 6:
                return {True: self.tr("yes"), False: self.tr("no"), None: ""}[raw]
            return raw
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return row.path
        if role == Qt.ItemDataRole.ForegroundRole and row.correct is False:
            return QBrush(QColor("#c0392b"))
        return None

    def set_rows(self, rows: Sequence[ScanRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def append(self, rows: Sequence[ScanRow]) -> None:
        if rows:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()


class ResultsFilter(QSortFilterProxyModel):
    """Misclassified only, and/or one true and one predicted class (indices; None = any)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.misclassified_only = False
        self.true_index: int | None = None
        self.predicted_index: int | None = None
        self.setSortRole(SORT_ROLE)

    def set_filter(
        self, misclassified_only: bool, true_index: int | None, predicted_index: int | None
    ) -> None:
        modern = hasattr(self, "beginFilterChange")  # Qt >= 6.9; invalidateFilter before
        if modern:
            self.beginFilterChange()
        self.misclassified_only = misclassified_only
        self.true_index = true_index
        self.predicted_index = predicted_index
        if modern:
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:  # noqa: N802
        row = self.sourceModel().rows[source_row]
        if self.misclassified_only and row.correct is not False:
            return False
        if self.true_index is not None and row.true_index != self.true_index:
            return False
        return self.predicted_index is None or row.predicted_index == self.predicted_index


class ConfusionMatrix(QTableWidget):
    """Counts, rows true and columns predicted, shaded by the share of the row; clicking a cell
    emits (true index, predicted index)."""

    cellChosen = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary: ClassificationSummary | None = None
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setToolTip(
            self.tr("Rows: true class; columns: predicted class. Click a cell to filter."))
        self.cellClicked.connect(self._clicked)

    def set_summary(self, summary: ClassificationSummary) -> None:
        self.summary = summary
        size = len(summary.labels)
        self.setRowCount(size)
        self.setColumnCount(size)
        self.setVerticalHeaderLabels(list(summary.labels))
        self.setHorizontalHeaderLabels(list(summary.labels))
        totals = summary.matrix.sum(axis=1)
        for i in range(size):
            for j in range(size):
                count = int(summary.matrix[i, j])
                item = QTableWidgetItem(str(count) if count else "")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                share = count / totals[i] if totals[i] else 0.0
                hue = 120 if i == j else 0
                item.setBackground(QColor.fromHsv(hue, int(200 * share), 255))
                self.setItem(i, j, item)
        self.resizeColumnsToContents()

    def _clicked(self, row: int, column: int) -> None:
        if self.summary is not None:
            self.cellChosen.emit(self.summary.indices[row], self.summary.indices[column])

    def to_csv(self, path: str | Path) -> None:
        """The matrix with class names as the first row and column."""
        summary = self.summary
        with Path(path).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["true \\ predicted", *summary.labels])
            for label, counts in zip(summary.labels, summary.matrix, strict=True):
                writer.writerow([label, *map(int, counts)])


def _pixmap(rgb: np.ndarray) -> QPixmap:
    rgb = np.ascontiguousarray(rgb)
    height, width = rgb.shape[:2]
    image = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888)
    return QPixmap.fromImage(image.copy())


class MapStrip(QWidget):
    """Overlays shown side by side with their titles (predicted / true / counterfactual)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.panels: list[tuple[QLabel, QLabel]] = []

    def show_maps(
        self, pixels: np.ndarray, maps: Mapping[str, np.ndarray], size: int = 220
    ) -> None:
        while self.layout_.count():
            self.layout_.takeAt(0).widget().deleteLater()
        self.panels = []
        for title, values in maps.items():
            column = QWidget()
            box = QVBoxLayout(column)
            caption = QLabel(translate_core_message(title))
            picture = QLabel()
            rgb = render.render_overlay(pixels, values, alpha=0.5)
            ratio = self.devicePixelRatioF()  # device pixels: sharp on high-DPI screens
            pixmap = _pixmap(rgb).scaled(
                round(size * ratio),
                round(size * ratio),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            pixmap.setDevicePixelRatio(ratio)
            picture.setPixmap(pixmap)
            box.addWidget(caption)
            box.addWidget(picture)
            box.addStretch(1)  # captions stay on their pictures when the strip is tall
            self.layout_.addWidget(column)
            self.panels.append((caption, picture))


class TriageView(QWidget):
    """The triage panel; see the module docstring."""

    imageActivated = Signal(str, int, int)  # path, predicted index, true index (-1: unknown)
    cancelRequested = Signal()  # the "Cancel scan" button
    scanRequested = Signal(object)  # ScanSettings accepted in the "Scan…" dialog
    resultsOpened = Signal(str)  # the result file or folder whose rows are now all shown
    resultsFailed = Signal(str)  # one line naming the file

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.class_names: tuple[str, ...] = ()
        self.stored: ScanResults | None = None
        self.scan_settings: ScanSettings | None = None
        self.io = TriageWorker("gapviewer-triage-io", ("open", "maps"), self)
        self.io.progressed.connect(self._read_progress)
        self.io.finished.connect(self._read_finished)
        self.io.failed.connect(self._read_failed)
        self._opening = Path()
        self._open_generation = 0
        self._announce = ""  # the opened file, announced once its rows are all shown
        self._queued: Sequence[ScanRow] = ()
        self._queued_at = 0
        self._queued_summary: ClassificationSummary | None = None
        self.model = ResultsModel(self)
        self.proxy = ResultsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # scan order until asked
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.misclassified = QCheckBox(self.tr("Misclassified only"))
        self.true_filter = QComboBox()
        self.predicted_filter = QComboBox()
        for combo in (self.true_filter, self.predicted_filter):
            combo.addItem(self.tr("(any)"), None)
            combo.currentIndexChanged.connect(self._apply_filter)
        self.misclassified.toggled.connect(self._apply_filter)
        clear = QPushButton(self.tr("Show all"))
        clear.clicked.connect(self.clear_filter)
        self.summary_label = QLabel(self.tr("No scan results yet"))
        self.progress_label = QLabel()
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.hide()
        self.map_source = QLabel()
        self.map_source.setWordWrap(True)
        self.matrix = ConfusionMatrix()
        self.matrix.cellChosen.connect(self.filter_cell)
        self.per_class = QTableWidget(0, 4)
        self.per_class.setHorizontalHeaderLabels(
            [self.tr("Class"), self.tr("Images"), self.tr("Precision"), self.tr("Recall")])
        self.per_class.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.maps = MapStrip()
        self.curves = pg.PlotWidget()
        self.curves.setLabel("bottom", self.tr("fraction of pixels changed"))
        self.curves.setLabel("left", self.tr("class probability"))
        self.curves.getAxis("left").enableAutoSIPrefix(False)
        self.curves.setYRange(0, 1)
        self.curves.addLegend()
        self.curves.setMinimumHeight(160)
        buttons = QHBoxLayout()
        for text, slot in (
            (self.tr("Scan…"), self.scan_dialog),
            (self.tr("Open results…"), self.open_dialog),
            (self.tr("Export table…"), self.export_table_dialog),
            (self.tr("Export matrix…"), self.export_matrix_dialog),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        self.cancel_button = QPushButton(self.tr("Cancel scan"))
        self.cancel_button.clicked.connect(self.cancelRequested)
        self.cancel_button.hide()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch()
        self.whatif = WhatIfPanel()
        filters = QHBoxLayout()
        filters.addWidget(self.misclassified)
        filters.addWidget(QLabel(self.tr("True")))
        filters.addWidget(self.true_filter, 1)
        filters.addWidget(QLabel(self.tr("Predicted")))
        filters.addWidget(self.predicted_filter, 1)
        filters.addWidget(clear)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.matrix)
        right.addWidget(self.per_class)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.table)
        top.addWidget(right)
        maps_column = QWidget()
        maps_layout = QVBoxLayout(maps_column)
        maps_layout.setContentsMargins(0, 0, 0, 0)
        maps_layout.addWidget(self.map_source)
        maps_layout.addWidget(self.maps, 1)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(maps_column)
        bottom.addWidget(self.curves)
        bottom.addWidget(self.whatif)
        main = QSplitter(Qt.Orientation.Vertical)
        main.addWidget(top)
        main.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addLayout(filters)
        layout.addWidget(self.summary_label)
        progress = QHBoxLayout()
        progress.addWidget(self.progress_label, 1)
        progress.addWidget(self.progress_bar, 1)
        layout.addLayout(progress)
        layout.addWidget(main, 1)
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(200)
        self._refresh.timeout.connect(self._update_summary)
        self._feed = QTimer(self)
        self._feed.setInterval(0)
        self._feed.timeout.connect(self._feed_rows)

    # rows -------------------------------------------------------------------------------------
    def set_results(
        self,
        rows: Sequence[ScanRow],
        class_names: Sequence[str],
        stored: ScanResults | None = None,
        summary: ClassificationSummary | None = None,
    ) -> None:
        """Show a whole result set (a finished scan or a result file); `stored` is the Parquet
        result holding the rows' maps, if any, `summary` the rows' summary when known. A big set
        goes into the table `SHOW_CHUNK` rows per event-loop turn, the summary after the last."""
        self.class_names = tuple(class_names)
        self.stored = stored
        self._feed.stop()
        self._queued, self._queued_at, self._queued_summary = rows, SHOW_CHUNK, summary
        self.model.set_rows(rows[:SHOW_CHUNK])
        if len(rows) > SHOW_CHUNK:
            self._feed.start()
        else:
            self._all_shown()

    def _feed_rows(self) -> None:
        start = self._queued_at
        self._queued_at += SHOW_CHUNK
        self.model.append(self._queued[start:self._queued_at])
        if self._queued_at >= len(self._queued):
            self._feed.stop()
            self._all_shown()

    def _all_shown(self) -> None:
        summary, self._queued, self._queued_summary = self._queued_summary, (), None
        self._update_summary(summary)
        if self._announce:
            self.resultsOpened.emit(self._announce)
            self._announce = ""

    def append_rows(self, rows: Sequence[ScanRow]) -> None:
        """Add a batch while a scan runs; the summary follows at most five times a second."""
        self.model.append(rows)
        if not self._refresh.isActive():
            self._refresh.start()

    def load_results(self, path: str | Path, class_names: Sequence[str] | None = None) -> None:
        """Open a saved scan on the worker thread: a `gapviewer scan` CSV, or the Parquet result
        of `--engine ray` (a .parquet file or a folder of parts; its maps stay on disk, read per
        image on demand). `resultsOpened` or `resultsFailed` follows."""
        path = results_location(path)
        self._opening = path
        self.progress_bar.setRange(0, 0)  # busy until the reader reports a fraction
        self.progress_bar.show()
        self.progress_label.setText(self.tr("Reading {name}…").format(name=path.name))
        self._open_generation = self.io.submit("open", read_results_job(path, class_names))

    def _read_progress(self, slot: str, generation: int, fraction: float, _message: str) -> None:
        if slot == "open" and generation == self._open_generation:
            self.progress_bar.setRange(0, 1000)
            self.progress_bar.setValue(round(1000 * fraction))
            self.progress_label.setText(self.tr("Reading {name}: {percent} %").format(
                name=self._opening.name, percent=f"{100 * fraction:.0f}"))

    def _read_finished(self, slot: str, generation: int, opened: OpenedResults) -> None:
        if slot == "open" and generation == self._open_generation:
            self._open_done("")
            self._announce = str(self._opening)
            self.set_results(opened.rows, opened.class_names, opened.stored, opened.summary)

    def _read_failed(self, slot: str, generation: int, message: str) -> None:
        if slot == "open" and generation == self._open_generation:
            name = self._opening.name
            line = message if message.startswith(name) else f"{name}: {message}"
            self._open_done(line)
            self.summary_label.setText(line)
            self.resultsFailed.emit(line)

    def _open_done(self, message: str) -> None:
        self.progress_bar.hide()
        self.progress_label.setText(message)

    def set_progress(self, fraction: float, message: str) -> None:
        """A running scan's progress line and bar."""
        self.progress_label.setText(message)
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setValue(round(1000 * min(max(fraction, 0.0), 1.0)))
        self.progress_bar.show()

    def set_scanning(self, scanning: bool, message: str = "") -> None:
        """Show the cancel button while a scan runs; `message` replaces the progress line."""
        self.cancel_button.setVisible(scanning)
        self.progress_label.setText(message)
        if not scanning:
            self.progress_bar.hide()
        if not scanning and self._refresh.isActive():  # the last rows: summary now
            self._refresh.stop()
            self._update_summary()

    # filters ----------------------------------------------------------------------------------
    def filter_cell(self, true_index: int, predicted_index: int) -> None:
        """Show only images of `true_index` predicted as `predicted_index` (a matrix cell)."""
        self.misclassified.blockSignals(True)
        self.misclassified.setChecked(False)
        self.misclassified.blockSignals(False)
        self._select(self.true_filter, true_index)
        self._select(self.predicted_filter, predicted_index)
        self._apply_filter()

    def clear_filter(self) -> None:
        self.misclassified.setChecked(False)
        self._select(self.true_filter, None)
        self._select(self.predicted_filter, None)
        self._apply_filter()

    def _select(self, combo: QComboBox, index: int | None) -> None:
        combo.blockSignals(True)
        combo.setCurrentIndex(max(combo.findData(index), 0))
        combo.blockSignals(False)

    def _apply_filter(self) -> None:
        self.proxy.set_filter(
            self.misclassified.isChecked(),
            self.true_filter.currentData(),
            self.predicted_filter.currentData(),
        )

    def visible_rows(self) -> list[ScanRow]:
        """The rows the table shows, in its order."""
        return [
            self.model.rows[self.proxy.mapToSource(self.proxy.index(i, 0)).row()]
            for i in range(self.proxy.rowCount())
        ]

    # summary ----------------------------------------------------------------------------------
    def _update_summary(self, summary: ClassificationSummary | None = None) -> None:
        """The figures, matrix and class filters of the shown rows (`summary`: already
        computed for them)."""
        if summary is None:
            from ..core.metrics import summarise_scan

            summary = summarise_scan(self.model.rows, self.class_names)
        failed = sum(row.failed for row in self.model.rows)
        judged = int(summary.matrix.sum())
        if judged:
            wrong = judged - int(np.trace(summary.matrix))
            text = self.tr(
                "{count} images: accuracy {accuracy:.1f} % ({wrong} of {judged} misclassified)"
            ).format(count=len(self.model.rows), accuracy=100 * summary.accuracy, wrong=wrong,
                     judged=judged)
        else:
            text = self.tr("{count} images, none with a known true class").format(
                count=len(self.model.rows))
        if failed:
            text += self.tr(", {count} failed to load").format(count=failed)
        self.summary_label.setText(text)
        self.matrix.set_summary(summary)
        self.per_class.setRowCount(len(summary.labels))
        for row, label in enumerate(summary.labels):
            values = (
                label,
                str(int(summary.support[row])),
                _percent(None if math.isnan(summary.precision[row]) else summary.precision[row]),
                _percent(None if math.isnan(summary.recall[row]) else summary.recall[row]),
            )
            for column, value in enumerate(values):
                self.per_class.setItem(row, column, QTableWidgetItem(value))
        for combo in (self.true_filter, self.predicted_filter):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("(any)"), None)
            for index, label in zip(summary.indices, summary.labels, strict=True):
                combo.addItem(label, index)
            combo.setCurrentIndex(max(combo.findData(chosen), 0))
            combo.blockSignals(False)

    # selection, maps, curves ------------------------------------------------------------------
    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        row = self.model.rows[self.proxy.mapToSource(current).row()]
        if row.predicted_index is not None:
            true = -1 if row.true_index is None else row.true_index
            self.imageActivated.emit(row.path, row.predicted_index, true)

    def show_maps(
        self, pixels: np.ndarray, maps: Mapping[str, np.ndarray], source: str = ""
    ) -> None:
        """Overlays side by side, e.g. {"Predicted: tabby": m1, "True: lynx": m2, ...};
        `source` says where they come from (stored in the results, or recomputed)."""
        self.maps.show_maps(pixels, maps)
        self.map_source.setText(source)

    def show_curves(self, curves: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> None:
        """Plot curves {name: (fractions, probabilities)}; names containing "random" dashed."""
        self.curves.clear()
        colours = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")
        for number, (name, (x, y)) in enumerate(curves.items()):
            style = Qt.PenStyle.DashLine if "random" in name else Qt.PenStyle.SolidLine
            pen = pg.mkPen(colours[number % len(colours)], width=2, style=style)
            self.curves.plot(np.asarray(x), np.asarray(y), pen=pen, name=name)

    # files ------------------------------------------------------------------------------------
    def export_table(self, path: str | Path) -> None:
        """The visible rows, in the scan CSV format."""
        from ..core.scan import COLUMNS

        with Path(path).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, COLUMNS)
            writer.writeheader()
            writer.writerows(row.to_record() for row in self.visible_rows())

    def export_matrix(self, path: str | Path) -> None:
        """The confusion matrix as CSV, or as an image when `path` ends in .png."""
        if str(path).lower().endswith(".png"):
            self.matrix.grab().save(str(path))
        else:
            self.matrix.to_csv(path)

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open scan results"), "", self.tr("Scan results (*.csv *.parquet)")
        )
        if path:
            self.load_results(path)

    def scan_dialog(self) -> None:
        """Ask for a scan (engine, cluster, output) and emit `scanRequested`."""
        dialog = ScanDialog(self.scan_settings, self)
        if dialog.exec() == ScanDialog.DialogCode.Accepted:
            self.scan_settings = dialog.settings()
            self.scanRequested.emit(self.scan_settings)

    def shutdown(self) -> None:
        """Stop reading and join the view's worker thread."""
        self.io.shutdown()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self.shutdown()
        super().closeEvent(event)

    def export_table_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export table"), "triage.csv", "CSV (*.csv)")
        if path:
            self.export_table(path)

    def export_matrix_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export confusion matrix"), "confusion.csv", "CSV (*.csv);;PNG (*.png)"
        )
        if path and self.matrix.summary is not None:
            self.export_matrix(path)
