"""The triage view opens the cluster engine's Parquet results like a local scan CSV."""

from __future__ import annotations

import pytest

from gapviewer.app.triage import TriageView

pytest.importorskip("pyarrow", reason="the cluster extra (pyarrow) is not installed")

from test_triage import NAMES, ROWS  # noqa: E402

from gapviewer.core.scan_results import ParquetSink, ScanRecord, records_table  # noqa: E402


def test_parquet_results_show_like_the_csv(qtbot, tmp_path):
    sink = ParquetSink(tmp_path / "results", NAMES, with_maps=False)
    sink.add(records_table([ScanRecord(row, {}) for row in ROWS], False))
    sink.flush()
    from_parquet, from_csv = TriageView(), TriageView()
    qtbot.addWidget(from_parquet)
    qtbot.addWidget(from_csv)
    from_parquet.load_results(tmp_path / "results")
    from_csv.set_results(ROWS, NAMES)
    assert from_parquet.class_names == NAMES
    assert sorted(r.path for r in from_parquet.visible_rows()) == sorted(r.path for r in ROWS)
    qtbot.waitUntil(lambda: from_parquet.summary_label.text() == from_csv.summary_label.text())
