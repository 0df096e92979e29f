"""The triage view: table filters and sorting, confusion-matrix click, per-class figures, the
predicted/true/counterfactual strip, the curves panel, export, and streaming rows."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gapviewer.app.triage import TriageView
from gapviewer.core.scan import ScanRow, read_results

NAMES = ("cat", "dog", "fox")


def row(name, true, predicted, p_true, p_pred):
    """A scan row; loss is -log p(true)."""
    return ScanRow(
        path=f"/data/{NAMES[true]}/{name}.png",
        true_label=NAMES[true],
        true_index=true,
        predicted_label=NAMES[predicted],
        predicted_index=predicted,
        true_probability=p_true,
        predicted_probability=p_pred,
        loss=-float(np.log(p_true)),
        correct=true == predicted,
        top5=((predicted, NAMES[predicted], p_pred),),
    )


ROWS = [
    row("a", 0, 0, 0.9, 0.9),
    row("b", 0, 1, 0.2, 0.7),
    row("c", 1, 1, 0.8, 0.8),
    row("d", 1, 0, 0.1, 0.6),
    row("e", 1, 0, 0.3, 0.5),
    row("f", 2, 2, 0.6, 0.6),
]


@pytest.fixture
def view(qtbot):
    widget = TriageView()
    qtbot.addWidget(widget)
    widget.set_results(ROWS, NAMES)
    return widget


def names(view):
    return [r.path.rsplit("/", 1)[-1][0] for r in view.visible_rows()]


def test_summary_and_per_class_figures(view):
    assert "accuracy 50.0 %" in view.summary_label.text()
    assert "3 of 6 misclassified" in view.summary_label.text()
    per_class = {
        view.per_class.item(i, 0).text(): [view.per_class.item(i, c).text() for c in (1, 2, 3)]
        for i in range(view.per_class.rowCount())
    }
    # dog: true 3 (1 right), predicted 2 (1 right): precision 50 %, recall 33.3 %
    assert per_class["dog"] == ["3", "50.0 %", "33.3 %"]
    assert per_class["cat"] == ["2", "33.3 %", "50.0 %"]


def test_filters_misclassified_and_by_class(view):
    assert names(view) == list("abcdef")
    view.misclassified.setChecked(True)
    assert names(view) == list("bde")
    view.true_filter.setCurrentIndex(view.true_filter.findData(1))
    assert names(view) == list("de")
    view.clear_filter()
    view.predicted_filter.setCurrentIndex(view.predicted_filter.findData(2))
    assert names(view) == ["f"]


def test_confusion_matrix_click_filters_the_table(view, qtbot):
    matrix = view.matrix
    assert int(matrix.item(1, 0).text()) == 2  # two dogs predicted as cats
    rect = matrix.visualItemRect(matrix.item(1, 0))
    qtbot.mouseClick(matrix.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert names(view) == list("de")
    assert view.true_filter.currentText() == "dog"
    assert view.predicted_filter.currentText() == "cat"


def test_sorting_by_loss_and_confidence(view):
    view.table.sortByColumn(5, Qt.SortOrder.DescendingOrder)
    assert names(view) == list("dbefca")  # -log p(true), largest first
    view.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)
    assert names(view)[0] == "e"  # the least confident prediction


def test_selecting_a_row_asks_for_its_maps_and_shows_them(view, qtbot):
    view.misclassified.setChecked(True)
    with qtbot.waitSignal(view.imageActivated) as signal:
        view.table.selectRow(1)
    assert signal.args == ["/data/dog/d.png", 0, 1]
    pixels = np.zeros((30, 40, 3), np.uint8)
    maps = {
        "Predicted: cat": np.eye(4, dtype=np.float32),
        "True: dog": np.ones((4, 4), np.float32),
        "Counterfactual": np.arange(16, dtype=np.float32).reshape(4, 4),
    }
    view.show_maps(pixels, maps)
    assert [caption.text() for caption, _ in view.maps.panels] == list(maps)
    assert all(not picture.pixmap().isNull() for _, picture in view.maps.panels)


def test_curves_panel(view):
    x = np.linspace(0, 1, 5)
    view.show_curves({"grad-cam": (x, 1 - x), "random order": (x, 0.5 * (1 - x))})
    items = view.curves.getPlotItem().listDataItems()
    assert [item.name() for item in items] == ["grad-cam", "random order"]
    np.testing.assert_allclose(items[0].getData()[1], 1 - x)
    assert items[1].opts["pen"].style() == Qt.PenStyle.DashLine


def test_export_table_and_matrix(view, tmp_path):
    view.misclassified.setChecked(True)
    view.export_table(tmp_path / "table.csv")
    assert [r.path for r in read_results(tmp_path / "table.csv")] == [
        r.path for r in ROWS if not r.correct
    ]
    view.export_matrix(tmp_path / "matrix.csv")
    with (tmp_path / "matrix.csv").open() as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["true \\ predicted", "cat", "dog", "fox"]
    assert lines[2] == ["dog", "2", "1", "0"]
    view.export_matrix(tmp_path / "matrix.png")
    assert (tmp_path / "matrix.png").stat().st_size > 0


def test_streamed_rows_and_csv_round_trip(qtbot, tmp_path):
    view = TriageView()
    qtbot.addWidget(view)
    view.set_results([], NAMES)
    view.append_rows(ROWS[:2])
    view.append_rows(ROWS[2:])
    assert view.model.rowCount() == 6
    qtbot.waitUntil(lambda: "accuracy 50.0 %" in view.summary_label.text())
    view.export_table(tmp_path / "all.csv")
    other = TriageView()
    qtbot.addWidget(other)
    with qtbot.waitSignal(other.resultsOpened, timeout=10_000):
        other.load_results(tmp_path / "all.csv")
    assert other.class_names == NAMES
    assert other.stored is None
    assert other.summary_label.text() == view.summary_label.text()
