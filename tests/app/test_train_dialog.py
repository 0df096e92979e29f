"""The "Train model…" dialog: background training with live curves, cancel, errors, and the
trained model opened in the viewer."""

from __future__ import annotations

import numpy as np
from PIL import Image
from viewer_helpers import WAIT_MS

from gapviewer.app.state import AppState
from gapviewer.app.train_dialog import TrainDialog, open_train_dialog
from gapviewer.core.models import load_model

TRAIN_MS = 4 * WAIT_MS  # the first run in a session also imports torch in the worker


def _folder(root, count: int = 12, size: int = 8):
    """Two classes: a bright red or a bright blue square on noise, as PNGs in class folders."""
    rng = np.random.default_rng(0)
    for index in range(count):
        label = ("red", "blue")[index % 2]
        pixels = rng.integers(0, 60, (size, size, 3), dtype=np.uint8)
        pixels[2:6, 2:6, 0 if label == "red" else 2] += 150
        (root / label).mkdir(parents=True, exist_ok=True)
        Image.fromarray(pixels).save(root / label / f"{index:02d}.png")
    return root


def _dialog(qtbot, tmp_path, epochs: int = 2, state=None) -> TrainDialog:
    dialog = TrainDialog(state)
    qtbot.addWidget(dialog)
    dialog.data_edit.setText(str(_folder(tmp_path / "data")))
    dialog.arch_combo.setCurrentText("small-gap-cnn")
    dialog.epochs_spin.setValue(epochs)
    dialog.batch_spin.setValue(4)
    dialog.size_spin.setValue(8)
    dialog.val_spin.setValue(0.25)
    dialog.out_edit.setText(str(tmp_path / "trained.safetensors"))
    return dialog


def test_trains_in_the_background_plots_and_opens_the_model(qtbot, tmp_path):
    state = AppState()
    dialog = _dialog(qtbot, tmp_path, state=state)
    requested = []
    state.modelRequested.connect(requested.append)
    with qtbot.waitSignal(dialog.modelTrained, timeout=TRAIN_MS) as trained:
        dialog.start()
        assert dialog.running and not dialog.start_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.running, timeout=TRAIN_MS)
    path = trained.args[0]
    assert load_model(path).class_names == ["blue", "red"]
    curves = dialog.curves()
    assert curves["loss"][0] == [1, 2] and len(curves["validation"][1]) == 2
    assert all(0 <= a <= 1 for a in curves["accuracy"][1])
    assert "validation accuracy" in dialog.status_label.text()
    assert dialog.progress_bar.value() == 1000
    assert [(spec.kind, spec.source) for spec in requested] == [("file", path)]


def test_cancel_keeps_the_best_epoch_so_far(qtbot, tmp_path):
    dialog = _dialog(qtbot, tmp_path, epochs=500)

    def cancel_after_first_epoch(point):
        if point.end_of_epoch:
            dialog.cancel()

    dialog.start()
    dialog.worker.progressed.connect(cancel_after_first_epoch)
    qtbot.waitUntil(lambda: not dialog.running, timeout=TRAIN_MS)
    assert "stopped early" in dialog.status_label.text()
    assert (tmp_path / "trained.safetensors").is_file()
    assert dialog.start_button.isEnabled() and not dialog.cancel_button.isEnabled()


def test_bad_data_is_reported(qtbot, tmp_path):
    dialog = _dialog(qtbot, tmp_path)
    dialog.data_edit.setText(str(tmp_path / "missing"))
    dialog.start()
    qtbot.waitUntil(lambda: not dialog.running, timeout=TRAIN_MS)
    assert "Training failed" in dialog.status_label.text()
    assert "missing" in dialog.status_label.text()


def test_recipe_defaults_follow_the_architecture(qtbot):
    dialog = TrainDialog()
    qtbot.addWidget(dialog)
    dialog.arch_combo.setCurrentText("gcm")
    request = dialog.request()
    assert request.overrides["epochs"] == 180 and request.overrides["batch_size"] == 128
    assert request.overrides["learning_rate"] == 0.1 and request.overrides["schedule"] == "step"
    dialog.start_combo.setCurrentIndex(1)
    assert dialog.request().overrides["init"] == "pretrained-default"


def test_main_window_offers_the_dialog(window, qtbot):
    actions = {a.text(): a for a in window.menu("Tools").actions()}
    actions["Train model…"].trigger()
    dialog = window.findChild(TrainDialog)
    assert dialog is not None and dialog.isVisible()
    assert open_train_dialog(window) is dialog
    dialog.close()


def _signal_folder(root, per_class: int = 8, length: int = 128):
    """Two classes of NPY signals, a slow and a fast sinusoid in noise, and one file of NaNs."""
    rng = np.random.default_rng(0)
    time = np.arange(length)
    for label, cycles in (("slow", 4), ("fast", 24)):
        (root / label).mkdir(parents=True)
        for index in range(per_class):
            wave = np.sin(2 * np.pi * cycles * time / length + rng.uniform(0, 2 * np.pi))
            np.save(root / label / f"{index:02d}.npy",
                    (wave + rng.normal(0, 0.1, length)).astype(np.float32)[None])
    np.save(root / "slow" / "broken.npy", np.full((1, length), np.nan, np.float32))
    return root


def test_a_signal_architecture_asks_for_the_signal_settings(qtbot):
    dialog = TrainDialog()
    qtbot.addWidget(dialog)
    signal_rows = (dialog.length_spin, dialog.rate_spin, dialog.time_major_check,
                   dialog.gain_spin)
    assert not any(dialog.form.isRowVisible(widget) for widget in signal_rows)
    dialog.arch_combo.setCurrentText("gap-cnn1d")
    assert all(dialog.form.isRowVisible(widget) for widget in signal_rows)
    assert not dialog.form.isRowVisible(dialog.size_spin)
    request = dialog.request()
    assert request.overrides["optimizer"] == "adamw" and request.overrides["batch_size"] == 32
    assert request.overrides["learning_rate"] == 0.003 and request.overrides["gain_db"] == 6
    assert "input_size" not in request.overrides  # the median length of the files
    assert request.sample_rate is None and not request.time_major
    dialog.length_spin.setValue(4000)
    dialog.rate_spin.setValue(8000)
    dialog.time_major_check.setChecked(True)
    request = dialog.request()
    assert request.overrides["input_size"] == (4000,)
    assert request.sample_rate == 8000 and request.time_major
    dialog.arch_combo.setCurrentText("small-gap-cnn")
    request = dialog.request()
    assert request.overrides["input_size"] == (32, 32) and "gain_db" not in request.overrides
    assert request.sample_rate is None and not request.time_major


def test_a_signal_model_trains_and_opens_in_the_signals_panel(window, qtbot, tmp_path):
    window.signal_workspace.dock.hide()
    dialog = open_train_dialog(window)
    dialog.data_edit.setText(str(_signal_folder(tmp_path / "signals")))
    dialog.arch_combo.setCurrentText("gap-cnn1d")
    dialog.epochs_spin.setValue(2)
    dialog.batch_spin.setValue(4)
    dialog.val_spin.setValue(0.25)
    dialog.out_edit.setText(str(tmp_path / "signals.safetensors"))
    requested = []
    window.state.modelRequested.connect(requested.append)
    with qtbot.waitSignal(dialog.signalModelTrained, timeout=TRAIN_MS) as trained:
        dialog.start()
    qtbot.waitUntil(lambda: not dialog.running, timeout=TRAIN_MS)
    assert dialog.skipped_label.isVisible()
    assert "Skipped 1 file" in dialog.skipped_label.text()
    assert "broken.npy" in dialog.skipped_label.text()
    assert "signals/s" in dialog.describe(dialog.last_point)
    model = load_model(trained.args[0])
    assert model.class_names == ["fast", "slow"] and model.preprocessing.size == (128,)
    assert requested == []  # the window's photo model stays
    workspace = window.signal_workspace
    assert workspace.dock.isVisible()
    qtbot.waitUntil(lambda: workspace.model is not None, timeout=TRAIN_MS)
    assert list(workspace.model.class_names) == ["fast", "slow"]
    dialog.close()


def test_the_dialogs_signal_architectures_are_the_trainers():
    from gapviewer.app import train_dialog
    from gapviewer.core import training

    assert train_dialog.SIGNAL_ARCHITECTURES == training.SIGNAL_ARCHITECTURES
    assert set(training.SIGNAL_ARCHITECTURES) <= set(train_dialog.ARCHITECTURES)
