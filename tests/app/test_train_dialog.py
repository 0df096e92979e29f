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
