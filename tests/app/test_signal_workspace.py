"""The Signals & spectra workspace: tiny seeded 1-D and 6-channel models saved as gapviewer
.safetensors files, signal and multi-channel files opened through the worker thread."""

from __future__ import annotations

import json
import threading
import wave

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt
from safetensors.torch import save_file
from viewer_helpers import WAIT_MS

from gapviewer.app import signal_workspace
from gapviewer.app.signal_workspace import ModelChoice, SignalWorkspace
from gapviewer.core import render
from gapviewer.core.models import load_model
from gapviewer.core.signal_models import GapCnn1d, signal_metadata
from gapviewer.core.small_cnn import SmallGapCNN

LENGTH = 64  # gap-cnn1d with widths (4, 8): pre-GAP `features` has LENGTH / 2 regions
CLASSES = ["low", "high", "noise"]


def _seeded(module: torch.nn.Module) -> torch.nn.Module:
    torch.manual_seed(0)
    for parameter in module.parameters():
        torch.nn.init.normal_(parameter, std=0.5)
    return module.eval()


@pytest.fixture
def signal_model(tmp_path) -> str:
    module = _seeded(GapCnn1d(3, in_channels=1, widths=(4, 8)))
    path = tmp_path / "signal.safetensors"
    metadata = signal_metadata(CLASSES, LENGTH, options={"widths": [4, 8]})
    save_file(module.state_dict(), str(path), metadata=metadata)
    return str(path)


@pytest.fixture
def channel_model(tmp_path) -> str:
    module = _seeded(SmallGapCNN(3, in_channels=6, width=4))
    info = {
        "architecture": "small-gap-cnn", "num_classes": 3, "class_names": CLASSES,
        "input_size": [32, 32], "in_channels": 6, "mean": [0.0], "std": [1.0],
        "options": {"in_channels": 6, "width": 4},
    }
    path = tmp_path / "bands.safetensors"
    save_file(module.state_dict(), str(path), metadata={"gapviewer": json.dumps(info)})
    return str(path)


@pytest.fixture
def workspace(qtbot):
    widget = SignalWorkspace()
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    widget.show()
    yield widget
    widget.shutdown()


def _settle(qtbot, widget: SignalWorkspace) -> None:
    qtbot.waitUntil(lambda: not widget.busy, timeout=WAIT_MS)


def _load(qtbot, widget: SignalWorkspace, path: str) -> None:
    widget.load_model(ModelChoice(path=path))
    _settle(qtbot, widget)
    assert widget.model is not None, widget.message.text()


def _spectrum_csv(tmp_path, name: str = "spectrum.csv") -> str:
    x = np.linspace(0, 1, 200)
    values = np.exp(-((x - 0.3) ** 2) / 0.002) + 0.1 * np.sin(40 * x)
    path = tmp_path / name
    np.savetxt(path, values[None], delimiter=",")
    return str(path)


def test_signal_file_shows_the_map_with_its_regions(qtbot, workspace, signal_model, tmp_path):
    _load(qtbot, workspace, signal_model)
    assert workspace.model.kind == "signal"
    assert workspace.methods.currentData() == "grad-cam"  # the registry's first that applies
    workspace.methods.setCurrentIndex(workspace.methods.findData("gap-direction"))
    _settle(qtbot, workspace)
    csv = _spectrum_csv(tmp_path)
    with qtbot.waitSignal(workspace.mapShown, timeout=WAIT_MS) as shown:
        workspace.open_paths([csv])
    outcome = shown.args[0]
    view = workspace.signal_view
    assert workspace.pages.currentWidget() is view
    assert (outcome.method, outcome.layer) == ("gap-direction", "features")
    # the n1 x 1 grid: LENGTH / 2 regions at the pre-GAP layer, one boundary more than regions
    assert view.values.shape == (LENGTH // 2,)
    assert len(view.boundaries) == LENGTH // 2 + 1
    assert view.data.shape == (1, 200)
    reference = load_model(signal_model)
    from gapviewer.core.explain import Explainer
    from gapviewer.core.signals import load_signal

    expected = Explainer(reference).explain(load_signal(csv), methods=["gap-direction"])
    np.testing.assert_allclose(view.values, expected.maps[("gap-direction", "features")],
                               rtol=1e-5, atol=1e-6)
    assert workspace.predictions.text().startswith(expected.predictions[0][1])


def test_methods_are_restricted_to_the_model_and_layers_follow(qtbot, workspace, signal_model):
    _load(qtbot, workspace, signal_model)
    index = workspace.methods.findData("gcm")
    assert index >= 0 and not workspace.methods.model().item(index).isEnabled()
    assert "not one" in workspace.methods.itemData(index, 3)  # ToolTipRole: the plan's reason
    workspace.methods.setCurrentIndex(workspace.methods.findData("occlusion"))
    assert workspace.layers.itemText(0) == "input"
    workspace.methods.setCurrentIndex(workspace.methods.findData("grad-cam"))
    layers = [workspace.layers.itemText(i) for i in range(workspace.layers.count())]
    assert layers[0] == "features" and "features.0" in layers and "input" not in layers
    _settle(qtbot, workspace)


def test_transmittance_changes_only_the_band(qtbot, workspace, signal_model, tmp_path):
    _load(qtbot, workspace, signal_model)
    with qtbot.waitSignal(workspace.mapShown, timeout=WAIT_MS):
        workspace.open_paths([_spectrum_csv(tmp_path)])
    view = workspace.signal_view
    band = view.band.image.copy()
    curve = view.map_curve.getData()[1].copy()
    lines = [c.getData()[1].copy() for c in view.curves]
    view.transmittance_slider.setValue(80)
    assert view.band.opacity() == pytest.approx(0.2)
    np.testing.assert_array_equal(view.band.image, band)
    np.testing.assert_array_equal(view.map_curve.getData()[1], curve)
    for item, before in zip(view.curves, lines, strict=True):
        assert item.opacity() == 1.0
        np.testing.assert_array_equal(item.getData()[1], before)
    assert view.map_curve.opacity() == 1.0


def test_bad_file_gives_one_line_and_nothing_else_breaks(qtbot, workspace, signal_model, tmp_path):
    _load(qtbot, workspace, signal_model)
    good = _spectrum_csv(tmp_path)
    with qtbot.waitSignal(workspace.mapShown, timeout=WAIT_MS):
        workspace.open_paths([good])
    values = workspace.signal_view.values.copy()
    broken = tmp_path / "broken.csv"
    broken.write_text("1,2\n3\n")
    with qtbot.waitSignal(workspace.failed, timeout=WAIT_MS) as failed:
        workspace.open_paths([str(broken)])
    message = failed.args[0]
    assert message.startswith("broken.csv: wrong shape") and "\n" not in message
    assert workspace.message.text() == message
    assert workspace.input.path == good  # the shown signal and its map stay
    assert workspace.files.currentText() == good
    np.testing.assert_array_equal(workspace.signal_view.values, values)
    with qtbot.waitSignal(workspace.failed, timeout=WAIT_MS) as failed:
        workspace.load_model(ModelChoice(path=str(broken)))
    assert workspace.model is not None and "\n" not in failed.args[0]
    with qtbot.waitSignal(workspace.mapShown, timeout=WAIT_MS):  # still works afterwards
        workspace.methods.setCurrentIndex(workspace.methods.findData("cam"))
    assert workspace.message.text().strip() == ""


def test_untrusted_architecture_is_refused(qtbot, workspace, tmp_path):
    weights = tmp_path / "w.safetensors"
    save_file(_seeded(GapCnn1d(3, widths=(4, 8))).state_dict(), str(weights))
    choice = ModelChoice(arch="gapviewer.core.signal_models:GapCnn1d", weights=str(weights),
                         input_size=(LENGTH,), options={"num_classes": 3, "widths": [4, 8]})
    with qtbot.waitSignal(workspace.failed, timeout=WAIT_MS) as failed:
        workspace.load_model(choice)
    assert "trust it explicitly" in failed.args[0] and workspace.model is None
    trusted = ModelChoice(**{**vars(choice), "trust": True})
    workspace.load_model(trusted)
    _settle(qtbot, workspace)
    assert workspace.model.kind == "signal" and workspace.model.class_names == (
        "class 0", "class 1", "class 2")


def test_multichannel_npy_picker_changes_image_not_map(qtbot, workspace, channel_model, tmp_path):
    _load(qtbot, workspace, channel_model)
    assert workspace.model.kind == "channels"
    rng = np.random.default_rng(0)
    cube = rng.normal(size=(40, 48, 6)).astype(np.float32) + np.arange(6, dtype=np.float32)
    path = tmp_path / "scan.npy"
    np.save(path, cube)
    workspace.methods.setCurrentIndex(workspace.methods.findData("gap-direction"))
    _settle(qtbot, workspace)
    with qtbot.waitSignal(workspace.mapShown, timeout=WAIT_MS) as shown:
        workspace.open_paths([str(path)])
    outcome = shown.args[0]
    assert workspace.pages.currentWidget() is workspace.image_page
    base = workspace.image_item.image.copy()
    overlay = workspace.overlay_item.image.copy()
    assert base.shape == (40, 48, 3) and overlay.shape == (40, 48, 3)
    # the overlay is core.render's colouring of the map, bilinearly upsampled to the image
    scaled = render.normalise([outcome.values], "per-map")[0].values
    expected = render.apply_colormap(render.upsample(scaled, (40, 48)), render.DEFAULT_COLORMAP)
    np.testing.assert_array_equal(overlay, expected)
    workspace.picker.set_channels([5, 4, 3])
    assert not np.array_equal(workspace.image_item.image, base)
    np.testing.assert_array_equal(workspace.overlay_item.image, overlay)
    assert workspace.outcome is outcome  # no new explanation for a display choice
    # per-channel bars: C bars with gradient x input summed per channel (independent autograd)
    assert len(workspace.bars.values) == 6
    model = load_model(channel_model)
    inputs = model.to_input(workspace.input.item).requires_grad_(True)
    score = model.module(inputs)[0, outcome.target]
    (gradient,) = torch.autograd.grad(score, inputs)
    by_loop = [float((inputs * gradient)[0, c].sum().detach()) for c in range(6)]
    np.testing.assert_allclose(workspace.bars.values, by_loop, rtol=1e-4, atol=1e-6)
    workspace.image_transmittance.setValue(30)
    assert workspace.overlay_item.opacity() == pytest.approx(0.7)
    assert workspace.image_item.opacity() == 1.0


def test_playback_fallback_hides_play_and_says_why(qtbot, monkeypatch, tmp_path, signal_model):
    monkeypatch.setattr(signal_workspace, "multimedia_unavailable",
                        lambda: "Audio playback needs Qt Multimedia (test)")
    widget = SignalWorkspace()
    qtbot.addWidget(widget)
    widget.show()
    try:
        _load(qtbot, widget, signal_model)
        with qtbot.waitSignal(widget.inputShown, timeout=WAIT_MS):
            widget.open_paths([_wav(tmp_path)])
        _settle(qtbot, widget)
        assert not widget.play_button.isVisible()
        assert widget.playback_note.isVisible()
        assert "Qt Multimedia" in widget.playback_note.toolTip()
        widget.toggle_playback()  # a no-op, not an error
        assert widget._player is None
    finally:
        widget.shutdown()


def _wav(tmp_path, samples: int = 800) -> str:
    tone = (np.sin(np.arange(samples) / 3) * 12000).astype("<i2")
    path = tmp_path / "tone.wav"
    with wave.open(str(path), "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(8000)
        file.writeframes(tone.tobytes())
    return str(path)


def test_importing_the_workspace_leaves_torch_to_the_worker():
    import subprocess
    import sys

    code = ("import sys, gapviewer.app.signal_workspace; "
            "sys.exit(1 if 'torch' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code], timeout=120).returncode == 0


def test_main_window_panel_action_and_drop(qtbot, window, signal_model, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    workspace = window.signal_workspace
    assert workspace.dock.windowTitle() == "Signals & spectra" and workspace.dock.isHidden()
    texts = [a.text() for a in window.menu("File").actions()]
    assert texts.index("Open signal or spectral image…") == texts.index("Open folder…") + 1
    workspace.dock.show()
    _load(qtbot, workspace, signal_model)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(_spectrum_csv(tmp_path))])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(workspace.mapShown, timeout=WAIT_MS):
        workspace.dropEvent(drop)
    assert workspace.signal_view.values.shape == (LENGTH // 2,)
    assert window.state.model is not None  # the photo model is untouched


@pytest.mark.skipif(signal_workspace.multimedia_unavailable() is not None,
                    reason="Qt Multimedia (PySide6-Addons) not available")
def test_playback_moves_the_cursor(qtbot, workspace, signal_model, tmp_path):
    _load(qtbot, workspace, signal_model)
    with qtbot.waitSignal(workspace.inputShown, timeout=WAIT_MS):
        workspace.open_paths([_wav(tmp_path, samples=16000)])
    _settle(qtbot, workspace)
    assert workspace.play_button.isVisible() and not workspace.playback_note.isVisible()
    cursor = workspace.signal_view.cursor
    workspace.play_button.click()
    qtbot.waitUntil(lambda: cursor.isVisible() and cursor.value() > 0.01, timeout=WAIT_MS)
    assert workspace.play_button.text() == "Stop"
    assert cursor.value() <= 2.0  # seconds: the tone lasts 2 s at 8 kHz
    workspace.play_button.click()
    qtbot.waitUntil(lambda: not cursor.isVisible(), timeout=WAIT_MS)
    assert workspace.play_button.text() == "Play"


# progress and cancel --------------------------------------------------------------------------
def _hold_at(workspace: SignalWorkspace, step: str) -> tuple[threading.Event, threading.Event,
                                                             list[str]]:
    """Make the worker wait inside the explanation when core reports `step`: a slot run on
    the worker thread (direct connection) blocks until `release` is set. Returns (reached,
    release, every progress message seen)."""
    reached, release, seen = threading.Event(), threading.Event(), []

    def hold(_generation: int, _fraction: float, message: str) -> None:
        seen.append(message)
        if message == step and not reached.is_set():
            reached.set()
            release.wait(WAIT_MS / 1000)

    workspace._backend.progress.connect(hold, Qt.ConnectionType.DirectConnection)
    return reached, release, seen


def _occluding(qtbot, workspace: SignalWorkspace, signal_model: str, tmp_path) -> None:
    _load(qtbot, workspace, signal_model)
    workspace.methods.setCurrentIndex(workspace.methods.findData("occlusion"))
    _settle(qtbot, workspace)


def test_progress_shows_step_and_cancel_stops_the_torch_work(qtbot, workspace, signal_model,
                                                             tmp_path):
    _occluding(qtbot, workspace, signal_model, tmp_path)
    assert not workspace.busy_row.isVisible()
    assert workspace.cancel_button.accessibleName() and workspace.progress.accessibleName()
    assert workspace.cancel_button.focusPolicy() & Qt.FocusPolicy.TabFocus  # reachable by Tab
    reached, release, seen = _hold_at(workspace, "forward pass")
    shown = []
    workspace.mapShown.connect(shown.append)
    try:
        workspace.open_paths([_spectrum_csv(tmp_path)])
        qtbot.waitUntil(reached.is_set, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: workspace.step.text() == "forward pass", timeout=WAIT_MS)
        assert workspace.busy_row.isVisible() and workspace.progress.isVisible()
        assert workspace.cancel_button.isVisible() and workspace.cancel_button.isEnabled()
        assert (workspace.progress.minimum(), workspace.progress.maximum()) == (0, 1000)
        assert "occlusion at input" in workspace.step.toolTip()
        workspace.cancel_button.click()
        assert not workspace.cancel_button.isEnabled()  # once is enough
    finally:
        release.set()
    qtbot.waitUntil(lambda: not workspace.busy, timeout=WAIT_MS)
    assert "Cancelled" in workspace.message.text()
    assert not workspace.busy_row.isVisible()
    assert shown == [] and workspace.outcome is None
    # the cancel token stopped the explanation before occlusion ran a single window
    assert not any("occlusion" in message for message in seen)
    with qtbot.waitSignal(workspace.mapShown, timeout=WAIT_MS) as done:  # still usable
        workspace.methods.setCurrentIndex(workspace.methods.findData("cam"))
    assert done.args[0].method == "cam" and workspace.message.text().strip() == ""
    assert not workspace.busy_row.isVisible()


def test_escape_in_the_panel_cancels_a_running_explanation(qtbot, workspace, signal_model,
                                                           tmp_path):
    _occluding(qtbot, workspace, signal_model, tmp_path)
    reached, release, seen = _hold_at(workspace, "forward pass")
    try:
        workspace.open_paths([_spectrum_csv(tmp_path)])
        qtbot.waitUntil(reached.is_set, timeout=WAIT_MS)
        workspace.activateWindow()
        workspace.layers.setFocus()
        qtbot.waitUntil(workspace.layers.hasFocus, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: "explain" in workspace._pending, timeout=WAIT_MS)
        qtbot.keyClick(workspace.layers, Qt.Key.Key_Escape)
        assert workspace._cancel.cancelled
    finally:
        release.set()
    qtbot.waitUntil(lambda: not workspace.busy, timeout=WAIT_MS)
    assert "Cancelled" in workspace.message.text() and workspace.outcome is None
    assert not any("occlusion" in message for message in seen)


# layout ---------------------------------------------------------------------------------------
def test_layout_choice_rereads_an_ambiguous_cube(qtbot, workspace, channel_model, tmp_path):
    _load(qtbot, workspace, channel_model)
    cube = np.random.default_rng(1).normal(size=(6, 8, 6)).astype(np.float32)
    path = tmp_path / "ambiguous.npy"
    np.save(path, cube)
    with qtbot.waitSignal(workspace.failed, timeout=WAIT_MS) as failed:
        workspace.open_paths([str(path)])
    assert "cannot tell the channel axis of shape 6 x 8 x 6" in failed.args[0]
    assert workspace.layout_choice.isEnabled()
    with qtbot.waitSignal(workspace.mapShown, timeout=WAIT_MS):
        workspace.layout_choice.setCurrentIndex(workspace.layout_choice.findData("first"))
    assert workspace.input.data.shape == (6, 8, 6) and workspace.input.layout == "first"
    assert workspace.image_item.image.shape == (8, 6, 3)
    assert workspace.layout_choice.currentText() == "C × H × W"
    with qtbot.waitSignal(workspace.mapShown, timeout=WAIT_MS):
        workspace.layout_choice.setCurrentIndex(workspace.layout_choice.findData("last"))
    assert workspace.input.data.shape == (6, 6, 8) and workspace.input.layout == "last"
    np.testing.assert_array_equal(workspace.input.data[3], cube[:, :, 3])
    assert workspace.image_item.image.shape == (6, 8, 3)
    assert workspace.overlay_item.image.shape == (6, 8, 3)
    workspace.layout_choice.setCurrentIndex(workspace.layout_choice.findData("auto"))
    qtbot.waitUntil(lambda: not workspace.busy, timeout=WAIT_MS)
    assert "cannot tell the channel axis" in workspace.message.text()
    clear = tmp_path / "clear.npy"
    np.save(clear, np.zeros((10, 12, 6), np.float32))
    with qtbot.waitSignal(workspace.inputShown, timeout=WAIT_MS):
        workspace.open_paths([str(clear)])
    assert workspace.input.data.shape == (6, 10, 12)
    assert workspace.layout_choice.itemText(0) == "Auto: H × W × C"
    _settle(qtbot, workspace)


def test_layout_choice_for_a_time_by_channels_table(qtbot, workspace, signal_model, tmp_path):
    _load(qtbot, workspace, signal_model)
    column = tmp_path / "column.csv"
    np.savetxt(column, np.sin(np.arange(120) / 5)[:, None], delimiter=",")
    with qtbot.waitSignal(workspace.mapShown, timeout=WAIT_MS):
        workspace.open_paths([str(column)])
    assert workspace.input.data.shape == (1, 120)
    assert workspace.layout_choice.itemText(0) == "Auto: time × channels"
    with qtbot.waitSignal(workspace.failed, timeout=WAIT_MS) as failed:
        workspace.layout_choice.setCurrentIndex(workspace.layout_choice.findData("first"))
    assert "more channels than samples" in failed.args[0]
    assert workspace.layout_choice.itemText(0) == "Auto"
    with qtbot.waitSignal(workspace.inputShown, timeout=WAIT_MS):
        workspace.layout_choice.setCurrentIndex(workspace.layout_choice.findData("last"))
    assert workspace.input.data.shape == (1, 120) and workspace.input.layout == "last"
    _settle(qtbot, workspace)
    with qtbot.waitSignal(workspace.inputShown, timeout=WAIT_MS):
        workspace.open_paths([_wav(tmp_path)])
    assert not workspace.layout_choice.isEnabled()  # audio has no layout to choose
    _settle(qtbot, workspace)


# per-channel measures -------------------------------------------------------------------------
def test_bar_chart_switches_to_contribution_ratios(qtbot, workspace, channel_model, tmp_path):
    _load(qtbot, workspace, channel_model)
    path = tmp_path / "bands.npy"
    np.save(path, np.random.default_rng(2).uniform(0, 2, size=(6, 20, 24)).astype(np.float32))
    with qtbot.waitSignal(workspace.mapShown, timeout=WAIT_MS) as shown:
        workspace.open_paths([str(path)])
    outcome = shown.args[0]
    model = load_model(channel_model)
    inputs = model.to_input(workspace.input.item).requires_grad_(True)
    score = model.module(inputs)[0, outcome.target]
    (gradient,) = torch.autograd.grad(score, inputs)
    by_loop = np.array([float((inputs * gradient)[0, c].sum().detach()) for c in range(6)])
    np.testing.assert_allclose(workspace.bars.values, by_loop, rtol=1e-4, atol=1e-6)
    name = CLASSES[outcome.target]
    assert workspace.bars.title.text() == f"Per channel, class {name}: Gradient × input"
    overlay = workspace.overlay_item.image.copy()
    workspace.bars.measure.setCurrentIndex(workspace.bars.measure.findData("contribution-ratio"))
    # conv-BN(eval)-ReLU-GAP-linear: every share is x dp/dx / p (channel_contrib's docstring)
    np.testing.assert_allclose(workspace.bars.values, by_loop / float(score.detach()), rtol=1e-4,
                               atol=1e-6)
    assert workspace.bars.title.text() == f"Per channel, class {name}: Contribution ratios"
    assert workspace.outcome is outcome  # a display choice: nothing recomputed
    np.testing.assert_array_equal(workspace.overlay_item.image, overlay)
    workspace.targets.setCurrentIndex(workspace.targets.findData(2))  # another class: same measure
    qtbot.waitUntil(lambda: workspace.outcome is not outcome and not workspace.busy,
                    timeout=WAIT_MS)
    assert workspace.bars.current_measure() == "contribution-ratio"
    assert workspace.outcome.channels.target == 2
    np.testing.assert_allclose(workspace.bars.values, workspace.outcome.channels.shares)


def test_escape_goes_to_the_panel_only_while_it_explains(qtbot, window, signal_model, tmp_path,
                                                          monkeypatch):
    """In the main window Esc is also "Cancel computation" (photo view): while the panel's own
    explanation runs, Esc pressed in the panel cancels that one and not the window's."""
    window_cancels = []
    monkeypatch.setattr(window.state, "request_cancel", lambda: window_cancels.append(1))
    workspace = window.signal_workspace
    workspace.dock.show()
    _occluding(qtbot, workspace, signal_model, tmp_path)
    reached, release, _seen = _hold_at(workspace, "forward pass")
    try:
        workspace.open_paths([_spectrum_csv(tmp_path)])
        qtbot.waitUntil(reached.is_set, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: "explain" in workspace._pending, timeout=WAIT_MS)
        window.activateWindow()
        workspace.layers.setFocus()
        qtbot.waitUntil(workspace.layers.hasFocus, timeout=WAIT_MS)
        qtbot.keyClick(workspace.layers, Qt.Key.Key_Escape)
        assert workspace._cancel.cancelled and window_cancels == []
    finally:
        release.set()
    qtbot.waitUntil(lambda: not workspace.busy, timeout=WAIT_MS)
    assert "Cancelled" in workspace.message.text()
    qtbot.keyClick(workspace.layers, Qt.Key.Key_Escape)  # idle panel: the window's action
    assert window_cancels == [1]
