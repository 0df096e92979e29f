"""Training the built-in 1-D GAP CNN (gap-cnn1d) on a folder of signals: data reading, bad files,
augmentation, the loop, the saved file and its use by `load_model` and `gapviewer signals`."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from tone_signals import tone, write_tone_folder, write_wav

from gapviewer.cli import main
from gapviewer.core.capture import Cancelled, CancelToken
from gapviewer.core.data import DatasetError
from gapviewer.core.models import load_model
from gapviewer.core.signal_models import signal_metadata
from gapviewer.core.signals import SignalPreprocessing, load_signal
from gapviewer.core.training import recipe, save_model, train
from gapviewer.core.training_data import (
    ImageSet,
    SignalSet,
    augment,
    channel_statistics,
    load_training_data,
)

RATE = 800  # Hz
LENGTH = 256  # samples (0.32 s)
TONES = {"high": 200.0, "low": 30.0, "mid": 90.0}  # class -> frequency in Hz
TINY = {"widths": [8, 16], "kernel_size": 5}
BAD_FILES = ("empty.npy", "nan.npy", "words.csv", "broken.wav")


def _signal_folder(root):
    """36 tones (12 per class, NPY/WAV/CSV in turn) and the four BAD_FILES in `low`."""
    write_tone_folder(root, TONES, 12, rate=RATE, length=LENGTH)
    low = root / "low"
    (low / "empty.npy").write_bytes(b"")
    np.save(low / "nan.npy", np.full(LENGTH, np.nan, np.float32))
    (low / "words.csv").write_text("0.1,0.2,abc\n")
    (low / "broken.wav").write_bytes(b"RIFF" + bytes(40))
    return root


def _settings(**overrides):
    base = dict(epochs=6, batch_size=8, val_split=0.25, options=TINY, seed=0)
    base.update(overrides)
    return recipe("gap-cnn1d", **base)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return _signal_folder(tmp_path_factory.mktemp("tones"))


@pytest.fixture(scope="module")
def trained(folder):
    data, validation = load_training_data(folder)
    return data, train(_settings(), data)


def test_signal_folder_is_read_as_signals_and_bad_files_are_skipped(folder, caplog):
    data, validation = load_training_data(folder)
    assert isinstance(data, SignalSet) and validation is None
    assert data.class_names == ("high", "low", "mid")
    assert data.counts().tolist() == [12, 12, 12]
    assert (data.sample_rate, data.in_channels, data.default_size) == (RATE, 1, (LENGTH,))
    assert len(data.problems) == len(BAD_FILES)
    for name, problem in zip(sorted(BAD_FILES), sorted(data.problems), strict=True):
        assert problem.startswith(name) and "\n" not in problem
    assert sum("skipped" in record.message for record in caplog.records) == len(BAD_FILES)


def test_batches_are_what_the_inference_preprocessing_gives(tmp_path):
    """A WAV at twice the rate is resampled, a long array cut: as `SignalPreprocessing` does."""
    rng = np.random.default_rng(4)
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        np.save(tmp_path / name / "long.npy", rng.normal(0, 1, LENGTH + 40).astype(np.float32))
        write_wav(tmp_path / name / "rate.wav", tone(50, rng, 2 * RATE, LENGTH), 2 * RATE)
        write_wav(tmp_path / name / "same.wav", tone(50, rng, RATE, LENGTH), RATE)
    write_wav(tmp_path / "a" / "same2.wav", tone(50, rng, RATE, LENGTH), RATE)  # most common
    data, _ = load_training_data(tmp_path)
    assert data.sample_rate == RATE and data.default_size == (LENGTH,)
    batch = data.batch(np.arange(len(data)), (LENGTH,))
    reference = SignalPreprocessing((LENGTH,), sample_rate=RATE)
    for row, item in zip(batch, data.signals, strict=True):
        assert torch.equal(row, reference(item)[0])
    assert data.signals[0].name == "long.npy"
    assert np.array_equal(batch[0, 0].numpy(), data.signals[0].data[0, :LENGTH])
    assert data.signals[1].name == "rate.wav" and data.signals[1].sample_rate == 2 * RATE


def test_a_channel_count_other_than_the_majority_is_skipped(tmp_path):
    rng = np.random.default_rng(1)
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        for number in range(2):
            np.save(tmp_path / name / f"{number}.npy", rng.normal(0, 1, (2, 32)))
    np.save(tmp_path / "a" / "three.npy", rng.normal(0, 1, (3, 32)))
    data, _ = load_training_data(tmp_path)
    assert len(data) == 4 and data.in_channels == 2
    assert data.problems == ("three.npy: has 3 channel(s), the other signals 2",)


def test_a_folder_with_one_usable_class_is_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    np.save(tmp_path / "a" / "x.npy", np.zeros(8, np.float32))
    (tmp_path / "b" / "bad.npy").write_bytes(b"")
    with pytest.raises(DatasetError, match="two class folders"):
        load_training_data(tmp_path)


def test_augment_shifts_and_scales_signals():
    """Each output is a window of the zero-padded signal times a gain within +-6 dB."""
    signals = torch.rand(8, 2, 20, generator=torch.Generator().manual_seed(0)) + 0.5
    out = augment(signals, False, 3, torch.Generator().manual_seed(1), gain_db=6.0)
    padded = torch.nn.functional.pad(signals, (3, 3))
    limit = 10 ** (6 / 20)
    shifts, gains = set(), []
    for original, result in zip(padded, out, strict=True):
        matches = []
        for shift in range(7):
            window = original[:, shift : shift + 20]
            kept = window != 0
            gain = result[kept] / window[kept]
            if torch.allclose(gain, gain[0]) and torch.equal(result[~kept], window[~kept]):
                matches.append((shift, float(gain[0])))
        assert len(matches) == 1
        shifts.add(matches[0][0])
        gains.append(matches[0][1])
    assert len(shifts) > 1 and len({round(g, 4) for g in gains}) > 1
    assert all(1 / limit - 1e-6 <= g <= limit + 1e-6 for g in gains)


def test_channel_statistics_over_time_and_samples():
    rng = np.random.default_rng(2)
    values = rng.normal((3.0, -1.0), (2.0, 0.5), (40, 50, 2)).transpose(0, 2, 1)
    signals = SignalSet(
        ("a", "b"),
        np.arange(40) % 2,
        "memory",
        tuple(_in_memory(row) for row in values),
        channels=2,
    )
    mean, std = channel_statistics(signals, (50,))
    flat = values.transpose(1, 0, 2).reshape(2, -1)
    assert mean == pytest.approx(flat.mean(1), rel=1e-5)
    assert std == pytest.approx(flat.std(1, ddof=1), rel=1e-4)


def _in_memory(data: np.ndarray):
    from gapviewer.core.signals import signal_from_array

    return signal_from_array(data.astype(np.float32))


def test_trains_well_above_chance(trained):
    _, result = trained
    history = result.history
    assert len(history) == 6 and history[-1].train_loss < history[0].train_loss
    assert result.best_accuracy >= 0.85  # chance: 1/3


def test_saved_file_round_trips_with_the_signal_metadata(trained, folder, tmp_path):
    data, result = trained
    path = save_model(result, tmp_path / "tones.safetensors")
    stored = result.metadata
    expected = json.loads(
        signal_metadata(
            data.class_names,
            LENGTH,
            sample_rate=RATE,
            mean=stored["mean"],
            std=stored["std"],
            options=TINY,
        )["gapviewer"]
    )
    assert {key: stored[key] for key in expected} == expected
    loaded = load_model(path)
    assert loaded.architecture == "gap-cnn1d" and loaded.class_names == list(data.class_names)
    preprocessing = loaded.preprocessing
    assert isinstance(preprocessing, SignalPreprocessing)
    assert (preprocessing.size, preprocessing.sample_rate) == ((LENGTH,), RATE)
    assert loaded.pre_gap_layer == "features"
    for name in ("mid/01.wav", "low/02.csv", "high/00.npy"):
        signal = load_signal(folder / name)
        inputs = _normalised(signal.data, stored["mean"][0], stored["std"][0])
        with torch.no_grad():
            assert torch.allclose(loaded.module(loaded.to_input(signal)), result.module(inputs))


def _normalised(samples: np.ndarray, mean: float, std: float) -> torch.Tensor:
    """The independent reference input: a file's samples (already LENGTH long at RATE) minus
    the stored mean over the stored standard deviation, (1, 1, LENGTH)."""
    return torch.from_numpy((samples.astype(np.float64) - mean) / std).float()[None]


@pytest.mark.parametrize("option", ["--model", "--weights"])
def test_signals_command_explains_with_the_trained_file(option, trained, folder, tmp_path, capsys):
    data, result = trained
    path = save_model(result, tmp_path / "tones.safetensors")
    files = [folder / "mid" / "04.wav", folder / "high" / "05.csv"]
    out = tmp_path / "maps"
    code = main(["signals", option, str(path), *map(str, files), "--out", str(out)])
    assert code == 0, capsys.readouterr()
    summary = json.loads((out / "summary.json").read_text())
    assert [p["input"] for p in summary["predictions"]] == [str(f) for f in files]
    mean, std = result.metadata["mean"][0], result.metadata["std"][0]
    for file, prediction in zip(files, summary["predictions"], strict=True):
        inputs = _normalised(load_signal(file).data, mean, std)
        with torch.no_grad():
            probabilities = torch.softmax(result.module(inputs)[0], 0)
        top = prediction["top5"][0]
        assert top["index"] == int(probabilities.argmax())
        assert top["name"] == file.parent.name
        assert top["probability"] == pytest.approx(float(probabilities.max()), abs=1e-5)
    assert (out / "04__gap-direction__features.npy").is_file()


def test_cli_trains_a_signal_folder(folder, tmp_path, capsys, caplog):
    out = tmp_path / "cli.safetensors"
    code = main(
        [
            "train", str(folder), "--arch", "gap-cnn1d", "--epochs", "1", "--batch", "8",
            "--length", "200", "--gain-db", "3", "--crop-padding", "4", "--out", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    captured = capsys.readouterr()
    assert "saved" in captured.out
    assert "36 signals, 3 classes (4 files skipped)" in captured.err
    assert "signals/s" in captured.err
    assert any("broken.wav" in record.message for record in caplog.records)
    preprocessing = load_model(out).preprocessing
    assert preprocessing.size == (200,) and preprocessing.sample_rate == RATE
    training = json.loads(_stored(out))["training"]
    assert (training["gain_db"], training["crop_padding"], training["flip"]) == (3.0, 4, False)


def _stored(path) -> str:
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as handle:
        return handle.metadata()["gapviewer"]


def test_cancel_stops_training(folder):
    data, _ = load_training_data(folder)
    cancel = CancelToken()

    def stop_after_first_epoch(progress):
        if progress.phase == "epoch":
            cancel.cancel()

    result = train(_settings(epochs=5), data, progress=stop_after_first_epoch, cancel=cancel)
    assert result.cancelled and len(result.history) == 1 and result.best_epoch == 1
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):
        train(_settings(), data, cancel=cancel)


def test_architecture_and_data_kind_must_agree(folder):
    data, _ = load_training_data(folder)
    with pytest.raises(ValueError, match="gap-cnn1d on signals"):
        train(recipe("small-gap-cnn", epochs=1), data)
    pixels = np.zeros((4, 8, 8, 3), np.uint8)
    images = ImageSet(("a", "b"), np.array([0, 1, 0, 1]), "squares", pixels=pixels)
    with pytest.raises(ValueError, match="image architecture"):
        train(_settings(epochs=1), images)
    with pytest.raises(ValueError, match="length L"):
        recipe("gap-cnn1d", input_size=(8, 8))


def test_gap_cnn1d_recipe():
    settings = recipe("gap-cnn1d")
    assert (settings.optimizer, settings.learning_rate, settings.batch_size) == ("adamw", 0.003, 32)
    assert (settings.flip, settings.crop_padding, settings.gain_db) == (False, 8, 6.0)
    assert recipe("gap-cnn1d", init="start.safetensors").learning_rate == 0.001
    assert recipe("small-gap-cnn", init="start.safetensors").learning_rate == 0.01


def test_fine_tuning_a_trained_signal_model_keeps_its_body(trained, tmp_path):
    data, result = trained
    path = save_model(result, tmp_path / "start.safetensors")
    kept = data.subset(np.flatnonzero(data.labels < 2))
    two = SignalSet(data.class_names[:2], kept.labels, "two", kept.signals, RATE)
    tuned = train(_settings(epochs=1, init=str(path), fine_tune="head", val_split=0.0), two)
    before, after = result.module.state_dict(), tuned.module.state_dict()
    assert after["classifier.weight"].shape == (2, 16)
    for key, value in before.items():
        if not key.startswith("classifier."):
            assert torch.equal(after[key], value), key
    assert (tuned.metadata["mean"], tuned.metadata["std"]) == (
        result.metadata["mean"],
        result.metadata["std"],
    )


def test_validation_accuracy_ties_go_to_the_lower_validation_loss(folder):
    """Validating on the training signals themselves: accuracy saturates at 100 % while the
    loss still falls, so the kept epoch is the last of the tied ones, not the first."""
    data, _ = load_training_data(folder)
    result = train(_settings(epochs=8, val_split=0.0, learning_rate=0.01), data, validation=data)
    history = result.history
    top = max(record.val_accuracy for record in history)
    tied = [record for record in history if record.val_accuracy == top]
    assert len(tied) >= 2
    assert result.best_epoch == min(tied, key=lambda record: record.val_loss).epoch
    assert result.best_epoch != tied[0].epoch
