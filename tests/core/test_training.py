"""Training loop, data readers, augmentation, schedules and saved files (tiny seeded problems)."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest
import torch
from safetensors import safe_open

from gapviewer.cli import main
from gapviewer.core.capture import Cancelled, CancelToken
from gapviewer.core.data import DatasetError
from gapviewer.core.explain import Explainer
from gapviewer.core.models import load_model
from gapviewer.core.training import (
    evaluate,
    learning_rate_at,
    recipe,
    replace_head,
    save_model,
    train,
)
from gapviewer.core.training_data import (
    ImageSet,
    augment,
    cifar10_images,
    export_images,
    folder_images,
    stratified_split,
)

TINY = {"width": 4}


def _stripes(count: int = 48, size: int = 8, seed: int = 0) -> ImageSet:
    """Two classes any of the architectures separates in a few steps: a bright red or a bright
    blue square on noise."""
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % 2
    pixels = rng.integers(0, 60, (count, size, size, 3), dtype=np.uint8)
    square = slice(size // 4, 3 * size // 4)
    for index, label in enumerate(labels):
        pixels[index, square, square, 0 if label == 0 else 2] += 150
    return ImageSet(("red", "blue"), labels.astype(np.int64), "squares", pixels=pixels)


def _settings(architecture: str = "small-gap-cnn", **overrides):
    base = dict(
        epochs=3,
        batch_size=8,
        optimizer="adamw",
        learning_rate=0.01,
        schedule="constant",
        input_size=(8, 8),
        crop_padding=1,
        val_split=0.25,
        options=TINY if architecture == "small-gap-cnn" else {},
    )
    base.update(overrides)
    return recipe(architecture, **base)


@pytest.fixture(scope="module")
def trained_small():
    return train(_settings(epochs=4), _stripes())


def test_loss_decreases_on_a_tiny_problem(trained_small):
    history = trained_small.history
    assert len(history) == 4
    assert history[-1].train_loss < history[0].train_loss
    assert trained_small.best_accuracy >= 0.75


def test_gcm_loss_decreases_on_a_tiny_problem():
    result = train(_settings("gcm", epochs=3), _stripes(32))
    assert result.history[-1].train_loss < result.history[0].train_loss


def test_best_checkpoint_is_kept(trained_small):
    history = trained_small.history
    best = max(record.val_accuracy for record in history)
    assert trained_small.best_accuracy == best
    assert history[trained_small.best_epoch - 1].val_accuracy == best


def test_kept_module_scores_its_recorded_validation_accuracy():
    images, validation = _stripes(32, seed=0), _stripes(16, seed=5)
    result = train(_settings(epochs=3), images, validation=validation)
    meta = result.metadata
    _, accuracy = evaluate(
        result.module, validation, tuple(meta["input_size"]), meta["mean"], meta["std"]
    )
    assert accuracy == result.best_accuracy


def test_progress_reports_every_batch_and_epoch():
    reports = []
    train(_settings(epochs=2, val_split=0.0), _stripes(16), progress=reports.append)
    phases = [(r.phase, r.epoch, r.batch) for r in reports]
    assert phases == [
        ("train", 1, 1), ("train", 1, 2), ("epoch", 1, 2),
        ("train", 2, 1), ("train", 2, 2), ("epoch", 2, 2),
    ]  # fmt: skip
    assert reports[-1].fraction == 1.0 and reports[-1].eta_seconds == 0
    assert all(r.images_per_second > 0 and r.loss > 0 for r in reports)
    assert reports[2].record.val_accuracy is None
    assert "epoch 2/2" in reports[-1].describe()


def test_cancel_after_an_epoch_keeps_the_best_so_far():
    cancel = CancelToken()

    def stop_after_first_epoch(progress):
        if progress.phase == "epoch":
            cancel.cancel()

    result = train(_settings(epochs=5), _stripes(), progress=stop_after_first_epoch, cancel=cancel)
    assert result.cancelled and len(result.history) == 1 and result.best_epoch == 1


def test_cancel_before_the_first_epoch_raises():
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):
        train(_settings(), _stripes(), cancel=cancel)


def test_saved_file_loads_with_no_flags_and_round_trips_metadata(trained_small, tmp_path):
    path = save_model(trained_small, tmp_path / "stripes.safetensors")
    with safe_open(str(path), framework="pt") as handle:
        stored = json.loads(handle.metadata()["gapviewer"])
    assert stored == json.loads(json.dumps(trained_small.metadata))
    for key in ("architecture", "num_classes", "class_names", "input_size", "mean", "std"):
        assert key in stored
    assert stored["validation_accuracy"] == trained_small.best_accuracy
    assert stored["training"]["learning_rate"] == 0.01
    loaded = load_model(path)
    assert loaded.architecture == "small-gap-cnn"
    assert loaded.class_names == ["red", "blue"]
    assert loaded.preprocessing.size == (8, 8)
    assert loaded.preprocessing.mean == tuple(stored["mean"])
    assert loaded.pre_gap_layer == "features"
    image = np.zeros((8, 8, 3), np.uint8)
    image[2:6, 2:6, 0] = 200
    with torch.no_grad():
        expected = trained_small.module(loaded.to_input(image))
        assert torch.equal(loaded.module(loaded.to_input(image)), expected)


def test_trained_gcm_file_loads_and_explains_with_method_gcm(tmp_path):
    result = train(_settings("gcm", epochs=1, options={"relu": True}), _stripes(16))
    path = save_model(result, tmp_path / "gcm.safetensors")
    loaded = load_model(path)
    assert loaded.architecture == "gcm" and loaded.module.relu
    image = _stripes(1).pixels[0]
    explanation = Explainer(loaded).explain(image, methods=["gcm"], target=1)
    with torch.no_grad():
        ccm = loaded.module.class_contribution_maps(loaded.to_input(image))
    assert np.array_equal(explanation.maps[("gcm", "model")], ccm[0, 1].sum(0).numpy())
    assert explanation.skipped == ()


def test_step_schedule_milestones_scale_with_the_epochs():
    paper = recipe("gcm")
    assert (paper.epochs, paper.batch_size, paper.learning_rate) == (180, 128, 0.1)
    assert [learning_rate_at(paper, e) for e in (99, 100, 149, 150)] == pytest.approx(
        [0.1, 0.01, 0.01, 0.001]
    )
    short = recipe("gcm", epochs=18)
    rates = [learning_rate_at(short, epoch) for epoch in range(18)]
    assert rates == pytest.approx([0.1] * 10 + [0.01] * 5 + [0.001] * 3)


def test_cosine_schedule():
    settings = recipe("small-gap-cnn", epochs=4, learning_rate=0.2, schedule="cosine")
    assert [learning_rate_at(settings, e) for e in range(4)] == pytest.approx(
        [0.2, 0.1 * (1 + np.cos(np.pi / 4)), 0.1, 0.1 * (1 + np.cos(3 * np.pi / 4))]
    )


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="optimizer"):
        recipe("gcm", optimizer="lbfgs")
    with pytest.raises(ValueError, match="validation split"):
        recipe("gcm", val_split=1.0)


def test_augment_crops_are_shifted_windows_of_the_zero_padded_image():
    images = torch.rand(6, 2, 5, 7, generator=torch.Generator().manual_seed(0)) + 0.1
    generator = torch.Generator().manual_seed(1)
    assert torch.equal(augment(images, False, 0, generator), images)
    cropped = augment(images, False, 2, generator)
    padded = torch.nn.functional.pad(images, (2, 2, 2, 2))
    for original, out in zip(padded, cropped, strict=True):
        windows = [original[:, dy : dy + 5, dx : dx + 7] for dy in range(5) for dx in range(5)]
        assert any(torch.equal(out, window) for window in windows)
    flipped = augment(images, True, 0, generator)
    kinds = [
        torch.equal(o, i) or torch.equal(o, i.flip(-1))
        for o, i in zip(flipped, images, strict=True)
    ]
    assert all(kinds)
    assert not torch.equal(flipped, images)


def test_stratified_split():
    labels = np.array([0] * 10 + [1] * 20 + [2] * 1)
    train_idx, val_idx = stratified_split(labels, 0.2, seed=3)
    assert sorted(np.concatenate([train_idx, val_idx]).tolist()) == list(range(31))
    assert np.bincount(labels[val_idx], minlength=3).tolist() == [2, 4, 0]
    again = stratified_split(labels, 0.2, seed=3)
    assert np.array_equal(again[1], val_idx)


def test_fine_tune_head_only_changes_the_head(trained_small, tmp_path):
    path = save_model(trained_small, tmp_path / "base.safetensors")
    three = ImageSet(("a", "b", "c"), np.arange(24) % 3, "three", pixels=_stripes(24).pixels)
    result = train(_settings(epochs=1, init=str(path), fine_tune="head", val_split=0.0), three)
    before, after = trained_small.module.state_dict(), result.module.state_dict()
    assert after["classifier.weight"].shape == (3, 8)
    for key, value in before.items():
        if not key.startswith("classifier."):
            assert torch.equal(after[key], value), key
    assert result.metadata["mean"] == trained_small.metadata["mean"]


def test_torchvision_architecture_with_a_new_head(tmp_path):
    settings = recipe(
        "resnet18", epochs=1, batch_size=4, input_size=(64, 64), val_split=0.0, crop_padding=0
    )
    result = train(settings, _stripes(4, size=64))
    path = save_model(result, tmp_path / "resnet.safetensors")
    loaded = load_model(path)
    assert loaded.architecture == "resnet18" and loaded.num_classes == 2
    assert loaded.pre_gap_layer == "layer4"


def test_replace_head_keeps_layer_names():
    import torchvision

    model = torchvision.models.mobilenet_v3_small(num_classes=1000)
    assert replace_head(model, 5) == ("classifier.3",)
    fresh = torchvision.models.mobilenet_v3_small(num_classes=5)
    shapes = {k: v.shape for k, v in model.state_dict().items()}
    assert shapes == {k: v.shape for k, v in fresh.state_dict().items()}


def test_folder_round_trip(tmp_path):
    images = _stripes(6)
    export_images(images, tmp_path)
    read = folder_images(tmp_path)
    assert read.class_names == ("blue", "red")
    assert read.counts().tolist() == [3, 3]
    batch = read.batch(np.arange(6), (8, 8))
    originals = images.batch(np.arange(6), (8, 8))
    # export walks the images in order, so sorted file names keep each class's order.
    by_label = [np.flatnonzero(images.labels == c) for c in (1, 0)]  # blue, red
    assert torch.equal(batch, originals[np.concatenate(by_label)])


def test_folder_needs_two_classes(tmp_path):
    (tmp_path / "only").mkdir()
    with pytest.raises(DatasetError, match="two class folders"):
        folder_images(tmp_path)


def _cifar_batch(path, labels, seed):
    data = np.random.default_rng(seed).integers(0, 256, (len(labels), 3072), dtype=np.uint8)
    with open(path, "wb") as handle:
        pickle.dump({b"data": data, b"labels": labels, b"batch_label": b"x"}, handle, protocol=2)
    return data


def test_cifar10_python_batches(tmp_path):
    written = [_cifar_batch(tmp_path / f"data_batch_{i}", [i, 9, 0], i) for i in range(1, 6)]
    _cifar_batch(tmp_path / "test_batch", [3, 4], 7)
    names = [f"class{i}".encode() for i in range(10)]
    with open(tmp_path / "batches.meta", "wb") as handle:
        pickle.dump({b"label_names": names}, handle, protocol=2)
    images = cifar10_images(tmp_path)
    assert images.pixels.shape == (15, 32, 32, 3)
    assert images.labels[:3].tolist() == [1, 9, 0]
    assert images.class_names[3] == "class3"
    first = written[0][0]
    # CIFAR rows are 1024 red, then green, then blue values, row-major.
    assert images.pixels[0, 2, 5, 1] == first[1024 + 2 * 32 + 5]
    assert len(cifar10_images(tmp_path, "test")) == 2


class _Exploit:
    def __reduce__(self):
        return (print, ("should never run",))


def test_cifar_reader_refuses_code_in_pickles(tmp_path):
    with open(tmp_path / "data_batch_1", "wb") as handle:
        pickle.dump({b"data": _Exploit(), b"labels": [0]}, handle)
    with pytest.raises(DatasetError, match="refusing"):
        cifar10_images(tmp_path)


def test_digits_loader():
    pytest.importorskip("sklearn")
    from gapviewer.core.training_data import digits_images

    digits = digits_images(16)
    assert digits.pixels.shape == (1797, 16, 16, 3)
    assert digits.counts().sum() == 1797 and len(digits.class_names) == 10
    assert np.array_equal(digits.pixels[..., 0], digits.pixels[..., 2])


def test_cli_train(tmp_path, capsys):
    export_images(_stripes(12), tmp_path / "data")
    out = tmp_path / "cli.safetensors"
    code = main(
        [
            "train", str(tmp_path / "data"), "--arch", "small-gap-cnn", "--epochs", "1",
            "--batch", "4", "--size", "8", "--out", str(out),
        ]
    )  # fmt: skip
    assert code == 0
    assert "saved" in capsys.readouterr().out
    assert load_model(out).class_names == ["blue", "red"]


def test_cli_train_reports_bad_data(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", str(tmp_path / "missing"), "--arch", "gcm"])
    assert exit_info.value.code == 2
    assert "missing" in capsys.readouterr().err
