"""The triage view opens the cluster engine's Parquet results like a local scan CSV, on its
reader thread (progress, one-line errors naming the file); a chosen row shows the maps stored in
the result without any model forward, or recomputes them when the result has none."""

from __future__ import annotations

import numpy as np
import pytest
from viewer_helpers import CLASSES, WAIT_MS, wait_idle, write_images

from gapviewer.app import triage
from gapviewer.app.triage import TriageView

pytest.importorskip("pyarrow", reason="the cluster extra (pyarrow) is not installed")

from test_triage import NAMES, ROWS  # noqa: E402

from gapviewer.core import scan as core_scan  # noqa: E402
from gapviewer.core.explain import Explainer  # noqa: E402
from gapviewer.core.scan import ScanRow  # noqa: E402
from gapviewer.core.scan_results import ParquetSink, ScanRecord, records_table  # noqa: E402


def write_results(folder, records, names=NAMES, with_maps=False, part_rows=2048):
    """`records` as a result folder, `part_rows` rows per part file."""
    sink = ParquetSink(folder, names, with_maps=with_maps, flush_rows=part_rows)
    for start in range(0, len(records), part_rows):
        sink.add(records_table(records[start:start + part_rows], with_maps))
    sink.flush()
    return folder


def opened(qtbot, view, path):
    with qtbot.waitSignal(view.resultsOpened, timeout=WAIT_MS):
        view.load_results(path)


def test_parquet_results_show_like_the_csv(qtbot, tmp_path):
    write_results(tmp_path / "results", [ScanRecord(row, {}) for row in ROWS])
    from_parquet, from_csv = TriageView(), TriageView()
    qtbot.addWidget(from_parquet)
    qtbot.addWidget(from_csv)
    opened(qtbot, from_parquet, tmp_path / "results")
    from_csv.set_results(ROWS, NAMES)
    assert from_parquet.class_names == NAMES
    assert not from_parquet.stored.has_maps
    assert sorted(r.path for r in from_parquet.visible_rows()) == sorted(r.path for r in ROWS)
    qtbot.waitUntil(lambda: from_parquet.summary_label.text() == from_csv.summary_label.text())
    assert not from_parquet.progress_bar.isVisible()


def test_a_big_result_reports_reading_progress_and_a_part_opens_its_folder(qtbot, tmp_path,
                                                                            monkeypatch):
    monkeypatch.setattr(triage, "SHOW_CHUNK", 64)  # the table fills over several turns
    rows = [
        ScanRow(f"/data/{i:04d}.png", "cat", 0, "dog", 1, 0.25, 0.5, 1.386, False,
                ((1, "dog", 0.5),))
        for i in range(300)
    ]
    folder = write_results(tmp_path / "big", [ScanRecord(r) for r in rows], part_rows=100)
    parts = sorted(folder.glob("part-*.parquet"))
    assert len(parts) == 3
    view = TriageView()
    qtbot.addWidget(view)
    fractions, inserted = [], []
    view.io.progressed.connect(lambda slot, generation, fraction, _: fractions.append(fraction))
    view.model.rowsInserted.connect(lambda parent, first, last: inserted.append(last + 1 - first))
    opened(qtbot, view, parts[1])  # one part stands for the whole result folder
    assert view.model.rowCount() == 300
    assert inserted == [64, 64, 64, 44]  # after the first 64 of the reset
    assert view.summary_label.text().startswith("300 images: accuracy 0.0 %")
    assert view.stored.path == folder
    assert len(fractions) >= 3
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("broken.parquet", b"PAR1 not really parquet", "broken.parquet"),
        ("other.csv", b"a,b\n1,2\n", "other.csv: not a scan result"),
    ],
)
def test_a_corrupt_file_gives_one_line_naming_it(qtbot, tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    view = TriageView()
    qtbot.addWidget(view)
    view.set_results(ROWS, NAMES)
    with qtbot.waitSignal(view.resultsFailed, timeout=WAIT_MS) as failure:
        view.load_results(path)
    line = failure.args[0]
    assert line.startswith(reason) and "\n" not in line
    assert view.summary_label.text() == line
    assert view.model.rowCount() == len(ROWS)  # the shown results stay
    assert not view.progress_bar.isVisible()


@pytest.fixture
def forward_spy(monkeypatch):
    """Counts model work: failure maps (recomputation) and any explanation."""
    calls = {"failure_maps": 0, "explain": 0}
    failure_maps, explain = core_scan.failure_maps, Explainer.explain

    def counted_failure_maps(*args, **kwargs):
        calls["failure_maps"] += 1
        return failure_maps(*args, **kwargs)

    def counted_explain(self, *args, **kwargs):
        calls["explain"] += 1
        return explain(self, *args, **kwargs)

    monkeypatch.setattr(core_scan, "failure_maps", counted_failure_maps)
    monkeypatch.setattr(Explainer, "explain", counted_explain)
    return calls


def image_rows(tmp_path, count):
    paths = write_images(tmp_path / "images", count)
    return [
        ScanRow(path, "ant", 0, "bee", 1, 0.2, 0.6, 1.609, False, ((1, "bee", 0.6),))
        for path in paths
    ]


def choose(qtbot, view, number):
    view.table.selectRow(number)


def test_stored_maps_are_shown_without_a_forward(qtbot, window, tmp_path, forward_spy):
    rows = image_rows(tmp_path, 2)
    stored = np.arange(42, dtype=np.float32).reshape(6, 7) / 7
    records = [ScanRecord(rows[0], {"gap-direction@act": stored}), ScanRecord(rows[1], {})]
    folder = write_results(tmp_path / "results", records, CLASSES, with_maps=True)
    wait_idle(qtbot, window)
    forward_spy.update(failure_maps=0, explain=0)
    view, link = window.triage, window.triage_link
    opened(qtbot, view, folder)
    assert view.stored.has_maps
    choose(qtbot, view, 0)
    qtbot.waitUntil(lambda: link.inspection is not None, timeout=WAIT_MS)
    assert view.map_source.text().startswith("Stored maps from results")
    assert [caption.text() for caption, _ in view.maps.panels] == [
        "Predicted: bee, gap-direction at act (stored)"]
    np.testing.assert_array_equal(link.inspection.predicted_map, stored)
    assert link.inspection.pixels.shape == (48, 56, 3)
    assert view.whatif.button.isEnabled()  # "act" is a layer of the loaded model
    assert forward_spy == {"failure_maps": 0, "explain": 0}

    choose(qtbot, view, 1)  # the result has no map for this image: recomputed
    qtbot.waitUntil(lambda: view.map_source.text() == "Recomputed with the loaded model",
                    timeout=WAIT_MS)
    wait_idle(qtbot, window)
    assert forward_spy["failure_maps"] == 1
    assert [caption.text() for caption, _ in view.maps.panels][0] == "Predicted: bee"


def test_a_result_without_maps_is_recomputed(qtbot, window, tmp_path, forward_spy):
    rows = image_rows(tmp_path, 1)
    folder = write_results(tmp_path / "results", [ScanRecord(rows[0])], CLASSES)
    view, link = window.triage, window.triage_link
    opened(qtbot, view, folder)
    choose(qtbot, view, 0)
    qtbot.waitUntil(lambda: view.map_source.text() == "Recomputed with the loaded model",
                    timeout=WAIT_MS)
    wait_idle(qtbot, window)
    assert forward_spy["failure_maps"] == 1
    assert link.inspection.layer == "act"
