"""The triage panel's Ray scan on a private local Ray instance (2 CPUs) that the panel starts on
its own cluster thread: rows stream into the table with progress up to 100 % and equal the local
engine's rows, a chosen row shows its stored map; Cancel stops the job, releases the actors and
leaves the rows so far readable; closing the panel leaves Ray."""

from __future__ import annotations

import os
import re
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

pytest.importorskip("ray", reason="the cluster extra (ray[data]) is not installed")

from test_ray_cluster import make_images, tiny_model_file  # noqa: E402

from gapviewer.app.cluster_scan import ScanSettings  # noqa: E402
from gapviewer.app.engine import Engine  # noqa: E402
from gapviewer.app.state import AppState, ModelSpec, ModelSummary  # noqa: E402
from gapviewer.app.triage import TriageView  # noqa: E402
from gapviewer.app.triage_link import TriageLink  # noqa: E402
from gapviewer.core.data import read_dataset  # noqa: E402
from gapviewer.core.models import load_model  # noqa: E402
from gapviewer.core.scan import scan  # noqa: E402
from gapviewer.core.scan_results import read_scan_results  # noqa: E402

pytestmark = [pytest.mark.cluster, pytest.mark.usefixtures("gui_thread_gc")]
WAIT_MS = 120_000
CLASSES = ("ant", "bee", "cat")


class Panel:
    """A triage view and link on a model file; records what the view is told."""

    def __init__(self, model_file) -> None:
        self.state = AppState()
        summary = ModelSummary(1, "small-gap-cnn", str(model_file), CLASSES, (16, 16), (),
                               None, None, "cpu")
        self.state.set_model(summary, ModelSpec("file", str(model_file)))
        self.engine = Engine()  # not started: a Ray scan never uses the model thread
        self.view = TriageView()
        self.link = TriageLink(self.view, self.state, self.engine)
        self.fractions: list[float] = []
        self.messages: list[str] = []
        self.streamed: list = []
        set_progress, append_rows = self.view.set_progress, self.view.append_rows

        def progress(fraction, message):
            self.fractions.append(fraction)
            self.messages.append(message)
            set_progress(fraction, message)

        def rows(batch):
            self.streamed.extend(batch)
            append_rows(batch)

        self.view.set_progress, self.view.append_rows = progress, rows

    def scan(self, qtbot, settings: ScanSettings, cancel_on_rows: bool = False) -> None:
        if cancel_on_rows:
            qtbot.waitUntil(lambda: bool(self.streamed) or not self.link.scanning,
                            timeout=WAIT_MS)
            self.link.cancel_scan()
        qtbot.waitUntil(lambda: not self.link.scanning, timeout=WAIT_MS)


@pytest.fixture(scope="module")
def panel(qapp, tmp_path_factory):
    import ray

    assert not ray.is_initialized()
    root = tmp_path_factory.mktemp("triage_ray")
    built = Panel(tiny_model_file(root / "tiny.safetensors"))
    built.root = root
    yield built
    built.view.close()  # the link joins its threads and leaves Ray on the cluster thread
    built.engine.stop()
    assert built.link.cluster._thread is None
    assert not ray.is_initialized()


def test_a_ray_scan_from_the_panel_streams_the_local_rows(qtbot, panel):
    data = make_images(panel.root / "data", count=12)
    out = panel.root / "results"
    settings = ScanSettings(str(data), "ray", "", 2, 2, str(out), save_maps=True)
    assert panel.link.start_scan(settings)
    assert panel.view.cancel_button.isVisibleTo(panel.view)
    panel.scan(qtbot, settings)
    view = panel.view
    assert view.progress_label.text().startswith("Scanned 13 images on Ray")
    assert panel.streamed and panel.fractions[-1] == pytest.approx(1.0)
    assert panel.fractions == sorted(panel.fractions)
    assert any(re.fullmatch(r"Ray scan: \d+/13 images, [\d.]+ images/s, \d+ s left", message)
               for message in panel.messages)
    model = load_model(str(panel.root / "tiny.safetensors"))
    local = {row.path: row for row in scan(model, read_dataset(data, CLASSES)).rows}
    assert {row.path: row for row in view.model.rows} == local
    assert sorted(row.path for row in panel.streamed) == sorted(local)
    assert view.stored is not None and view.stored.has_maps

    row = next(r for r in view.model.rows if not r.failed)
    number = next(i for i, r in enumerate(view.visible_rows()) if r.path == row.path)
    view.table.selectRow(number)
    qtbot.waitUntil(lambda: panel.link.inspection is not None, timeout=WAIT_MS)
    assert view.map_source.text().startswith("Stored maps from results")
    stored = read_scan_results(out).maps(row.path)
    np.testing.assert_array_equal(panel.link.inspection.predicted_map, next(iter(stored.values())))


def test_cancel_stops_the_ray_job_and_keeps_the_rows_so_far(qtbot, panel):
    import ray

    data = make_images(panel.root / "many", count=30)
    out = panel.root / "partial"
    panel.streamed.clear()
    settings = ScanSettings(str(data), "ray", "", 2, 2, str(out))
    assert panel.link.start_scan(settings)
    panel.scan(qtbot, settings, cancel_on_rows=True)
    view = panel.view
    assert "cancelled after" in view.progress_label.text()
    shown = {row.path: row for row in view.model.rows}
    assert 0 < len(shown) < 31
    assert {row.path: row for row in read_scan_results(out).rows} == shown
    deadline = time.monotonic() + 30
    while ray.available_resources().get("CPU", 0) < ray.cluster_resources()["CPU"]:
        assert time.monotonic() < deadline, "the scan's actors still hold their CPUs"
        time.sleep(0.2)
