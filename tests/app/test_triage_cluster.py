"""The triage panel's cluster side without Ray: the "Scan…" dialog (Ray offered only when the
cluster extra is installed), the Ray scan's progress line (rows done, rate, ETA) and outcome
messages, the refusal of a model that cannot travel, and the worker threads (newest request wins,
an idle reader thread ends, the cluster thread stays and runs its final job on itself)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from test_triage import NAMES, ROWS
from viewer_helpers import WAIT_MS

from gapviewer.app import triage_link
from gapviewer.app.cluster_scan import (
    RayScanOutcome,
    RayScanUpdate,
    ScanDialog,
    ScanSettings,
    core_model_spec,
)
from gapviewer.app.engine import Engine
from gapviewer.app.state import AppState, ModelSpec, ModelSummary
from gapviewer.app.triage import TriageView
from gapviewer.app.triage_link import TriageLink
from gapviewer.app.triage_worker import TriageWorker
from gapviewer.core.scan import ScanResult


def test_the_dialog_offers_ray_only_when_installed(qtbot):
    without = ScanDialog(ScanSettings("/data", engine="ray"), ray_available=False)
    qtbot.addWidget(without)
    assert not without.ray.isEnabled() and without.local.isChecked()
    assert "pip install gapviewer[cluster]" in without.ray.toolTip()
    assert not without.out.isEnabled()

    dialog = ScanDialog(ray_available=True)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.source.setText("/data")
    assert ok.isEnabled()  # local needs only the images
    dialog.ray.setChecked(True)
    assert not ok.isEnabled()  # Ray also needs a results folder
    dialog.out.setText("/results")
    dialog.address.setText("auto")
    dialog.workers.setValue(3)
    dialog.batch.setValue(8)
    dialog.save_maps.setChecked(True)
    assert ok.isEnabled()
    settings = dialog.settings()
    assert settings == ScanSettings("/data", "ray", "auto", 3, 8, "/results", True)
    assert settings.methods == ("gap-direction",)


@pytest.fixture
def panel(qtbot):
    state = AppState()
    summary = ModelSummary(1, "tiny", "/m.safetensors", NAMES, (16, 16), (), None, None, "cpu")
    state.set_model(summary, ModelSpec("file", "/m.safetensors"))
    view = TriageView()
    qtbot.addWidget(view)
    engine = Engine()
    link = TriageLink(view, state, engine)
    yield SimpleNamespace(state=state, view=view, link=link)
    link.shutdown()
    engine.stop()


def test_ray_progress_gives_rows_done_rate_and_eta(panel, monkeypatch):
    now = [100.0]
    monkeypatch.setattr(triage_link, "time", SimpleNamespace(perf_counter=lambda: now[0]))
    view, link = panel.view, panel.link
    settings = ScanSettings("/data", "ray", out="/results")
    link._ray = triage_link._RayRun(settings, NAMES, generation=7, started=now[0])

    def update(at, rows, done, total=20, generation=7):
        now[0] = at
        link.cluster.partial.emit("scan", generation, RayScanUpdate(tuple(rows), done, total))

    update(101.0, [], 4)  # 4 resumed, actors starting
    assert view.progress_label.text() == "Ray scan: 4/20 images, starting the workers…"
    assert view.progress_bar.value() == 200
    update(110.0, ROWS[:2], 6)  # the first block: the rate starts here
    assert view.progress_label.text() == "Ray scan: 6/20 images, measuring the rate…"
    update(112.0, ROWS[2:6], 10)  # 4 images in 2 s: 2 images/s, 10 left: 5 s
    assert view.progress_label.text() == "Ray scan: 10/20 images, 2.0 images/s, 5 s left"
    assert view.progress_bar.value() == 500
    update(113.0, ROWS[:1], 11, generation=6)  # an older scan's update is dropped
    assert [row.path for row in view.model.rows] == [row.path for row in ROWS]
    assert link.scanning

    now[0] = 120.0
    result = ScanResult(tuple(ROWS[:5]), NAMES, resumed=0, cancelled=True)
    link.cluster.finished.emit("scan", 7, RayScanOutcome(result, None))
    assert not link.scanning
    assert view.progress_label.text() == (
        "Ray scan cancelled after 5 of 20 images; the rows so far are in /results "
        "(scan again to resume)")
    assert [row.path for row in view.model.rows] == [row.path for row in ROWS[:5]]
    assert not view.progress_bar.isVisible() and not view.cancel_button.isVisible()


def test_a_ray_scan_needs_a_model_that_can_travel(panel, tmp_path):
    errors = []
    panel.state.errorRaised.connect(errors.append)
    panel.state.set_model(panel.state.model, ModelSpec("module", object()))
    settings = ScanSettings(str(tmp_path), engine="ray", out=str(tmp_path / "out"))
    assert not panel.link.start_scan(settings)
    assert "cannot be sent to Ray workers" in errors[-1]
    assert not panel.link.scanning


def test_worker_threads_newest_wins_idle_end_and_final_job(qtbot):
    reader = TriageWorker("test-reader", ("open",))
    outcomes = []
    reader.finished.connect(lambda slot, generation, value: outcomes.append(("done", value)))
    reader.cancelled.connect(lambda slot, generation: outcomes.append(("cancelled", generation)))
    started, release = threading.Event(), threading.Event()

    def blocks(context):
        started.set()
        release.wait(WAIT_MS / 1000)
        context.cancel.check()
        return "first"

    first = reader.submit("open", blocks)
    assert started.wait(WAIT_MS / 1000)
    reader.submit("open", lambda context: "waiting, replaced")
    newest = reader.submit("open", lambda context: threading.current_thread().name)
    assert reader.current("open", newest) and not reader.current("open", first)
    release.set()
    qtbot.waitUntil(lambda: len(outcomes) == 2, timeout=WAIT_MS)
    assert outcomes[0] == ("cancelled", first)  # the running one was cancelled
    assert outcomes[1][0] == "done"
    qtbot.waitUntil(lambda: reader._thread.isFinished(), timeout=WAIT_MS)  # idle: it ended
    reader.submit("open", lambda context: "again")  # a fresh thread serves the next request
    qtbot.waitUntil(lambda: outcomes[-1] == ("done", "again"), timeout=WAIT_MS)
    reader.shutdown()

    cluster = TriageWorker("test-cluster", ("scan",), keep_alive=True)
    threads = []
    cluster.submit("scan", lambda context: threads.append(threading.get_ident()))
    qtbot.waitUntil(lambda: bool(threads), timeout=WAIT_MS)
    qtbot.wait(50)
    assert cluster._thread.isRunning()  # kept: Ray's processes live as long as this thread
    cluster.shutdown(final=lambda: threads.append(threading.get_ident()))
    assert len(threads) == 2 and threads[0] == threads[1]
    assert cluster._thread is None



def test_a_worker_destroyed_while_its_thread_ends_does_not_abort_the_process():
    """The thread outlives its owner until it has finished (a QThread destroyed while running
    aborts: seen when a test's view went out of scope as its reader thread was ending)."""
    script = """
import gc, sys, time
from PySide6.QtCore import QCoreApplication
from gapviewer.app.triage_worker import TriageWorker
app = QCoreApplication([])
worker = TriageWorker("ending", ("open",))
worker.submit("open", lambda context: time.sleep(0.3))
time.sleep(0.1)
del worker
gc.collect()
deadline = time.monotonic() + 5
while time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.01)
print("survived")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0 and "survived" in result.stdout, result.stderr[-2000:]


def test_the_viewer_model_travels_as_the_clis_spec():
    from gapviewer.core.distributed import ModelSpec as ClusterSpec

    assert core_model_spec(ModelSpec()) == ClusterSpec()
    spec = ModelSpec("file", "/m.safetensors", None, ["a", "b"], True, "cuda")
    assert core_model_spec(spec) == ClusterSpec("/m.safetensors", None, ("a", "b"), True, "cuda")
    spec = ModelSpec("torchvision", "resnet18", "/w.pth", "/classes.txt")
    assert core_model_spec(spec) == ClusterSpec("resnet18", "/w.pth", "/classes.txt")
    with pytest.raises(ValueError, match="cannot be sent"):
        core_model_spec(ModelSpec("module", object()))


def test_analysis_menu_opens_the_scan_dialog_with_the_triage_panel(window, monkeypatch):
    opened = []
    monkeypatch.setattr(ScanDialog, "exec",
                        lambda dialog: opened.append(dialog) or ScanDialog.DialogCode.Rejected)
    window.triage_dock.hide()
    action = next(a for a in window.menu("Analysis").actions()
                  if "Ray" in a.text())
    action.trigger()
    assert len(opened) == 1 and window.triage_dock.isVisible()
