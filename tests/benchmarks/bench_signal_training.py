"""Benchmark: `gapviewer train` on a signal folder with gap-cnn1d's default recipe.

Data (tests/core/tone_signals.py): three classes of steady tones, the notes C5, E5 and G5 (523.25,
659.26, 783.99 Hz), 0.25 s at 8 kHz with random phase and amplitude (0.3 to 0.8) in white noise
of std 1 (mean signal-to-noise ratio about -8 dB; clipped to [-1, 1]), written as NPY, 16-bit WAV
and CSV in turn: 100 files per class to train on (10 % held out for validation) and a separate
50 per class to test.

Prints the time to read the folder, the median seconds per epoch and signals per second, the
best validation accuracy, and the test accuracy of the saved file as `load_model` reads it back
(every test file through the model's own `SignalPreprocessing`, as `gapviewer signals` does).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))

from tone_signals import write_tone_folder  # noqa: E402

from gapviewer.core.models import load_model  # noqa: E402
from gapviewer.core.signals import list_signals  # noqa: E402
from gapviewer.core.training import recipe, save_model, train  # noqa: E402
from gapviewer.core.training_data import load_training_data  # noqa: E402

NOTES = {"C5": 523.25, "E5": 659.26, "G5": 783.99}
RATE = 8000
LENGTH = 2000
NOISE = 1.0


def test_accuracy(path: Path, folder: Path) -> float:
    model = load_model(path)
    files, _ = list_signals([folder])
    correct = 0
    with torch.no_grad():
        for file in files:
            predicted = int(model.module(model.to_input(file)).argmax())
            correct += model.class_names[predicted] == file.parent.name
    return correct / len(files)


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        options = {"rate": RATE, "length": LENGTH, "noise": NOISE}
        write_tone_folder(root / "train", NOTES, 100, seed=0, **options)
        write_tone_folder(root / "test", NOTES, 50, seed=1, **options)
        started = time.perf_counter()
        data, validation = load_training_data(root / "train")
        read_seconds = time.perf_counter() - started
        settings = recipe("gap-cnn1d")
        started = time.perf_counter()
        result = train(settings, data, validation=validation)
        train_seconds = time.perf_counter() - started
        path = save_model(result, root / "notes.safetensors")
        accuracy = test_accuracy(path, root / "test")
    epochs = [record.seconds for record in result.history]
    train_count = round(len(data) * (1 - settings.val_split))
    per_epoch = statistics.median(epochs)
    print(
        f"data: {len(data)} signals, {len(data.class_names)} classes, {LENGTH} samples at {RATE} Hz"
    )
    print(
        f"recipe: {settings.epochs} epochs, batch {settings.batch_size}, {settings.optimizer} "
        f"lr {settings.learning_rate}, shift {settings.crop_padding}, gain {settings.gain_db} dB"
    )
    print(f"read folder: {read_seconds:.2f} s")
    print(
        f"training: {train_seconds:.1f} s; median epoch {per_epoch:.2f} s "
        f"({train_count / per_epoch:.0f} signals/s)"
    )
    print(f"best validation accuracy {result.best_accuracy:.2%} at epoch {result.best_epoch}")
    curve = " ".join(f"{record.val_accuracy:.0%}" for record in result.history)
    print(f"validation accuracy by epoch: {curve}")
    print(f"test accuracy of the saved file (150 new signals): {accuracy:.2%} (chance 33.33 %)")


if __name__ == "__main__":
    main()
