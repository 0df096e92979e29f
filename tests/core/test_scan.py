"""core.scan: rows against a literal per-image forward, failures, resume, cancel, and triage of a
labelled folder of skimage photos with a deliberate mislabel on the built-in model."""

import csv

import numpy as np
import pytest
import torch
from PIL import Image

from gapviewer.core import scan as scan_module
from gapviewer.core.capture import CancelToken
from gapviewer.core.data import LabelledImage, read_dataset
from gapviewer.core.scan import COLUMNS, read_results, scan, scan_batch


def make_folder(root, count=7):
    """`count` random images over classes 'class 0'..'class 3', one unknown label, one broken."""
    rng = np.random.default_rng(0)
    for number in range(count):
        folder = root / f"class {number % 4}"
        folder.mkdir(parents=True, exist_ok=True)
        pixels = rng.integers(0, 256, (20 + number, 30, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / f"img{number}.png")
    (root / "unknown").mkdir()
    Image.fromarray(rng.integers(0, 256, (9, 9, 3), dtype=np.uint8)).save(root / "unknown/u.png")
    (root / "class 1" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    return root


@pytest.fixture
def model(tiny2d):
    return tiny2d


@pytest.fixture
def dataset(tmp_path, model):
    return read_dataset(make_folder(tmp_path / "data"), model.class_names)


def test_rows_match_a_literal_forward_per_image(model, dataset):
    rows = scan_batch(model, dataset.items)
    assert [row.path for row in rows] == [str(item.path) for item in dataset.items]
    for item, row in zip(dataset.items, rows, strict=True):
        if item.path.name == "broken.png":
            assert row.failed and "broken.png" not in row.error and row.predicted_index is None
            assert row.error  # the reason, e.g. a corrupt PNG
            continue
        with torch.no_grad():
            logits = model.module(model.to_input(item.path))[0].double()
        probs = torch.softmax(logits, 0)
        predicted = int(probs.argmax())
        assert row.predicted_index == predicted
        assert row.predicted_label == model.class_names[predicted]
        assert row.predicted_probability == pytest.approx(float(probs[predicted]), rel=1e-5)
        assert [i for i, _, _ in row.top5] == probs.argsort(descending=True)[:4].tolist()
        if item.label == "unknown":
            assert row.true_index is None and row.loss is None and row.correct is None
        else:
            true = item.index
            assert row.true_probability == pytest.approx(float(probs[true]), rel=1e-5)
            assert row.loss == pytest.approx(-float(torch.log(probs[true])), rel=1e-5)
            assert row.correct == (predicted == true)


def test_scan_writes_csv_and_reports_progress(tmp_path, model, dataset):
    messages = []
    out = tmp_path / "results.csv"
    result = scan(
        model, dataset, out=out, batch_size=3, progress=lambda f, m: messages.append((f, m))
    )
    assert not result.cancelled and result.resumed == 0
    assert [r.to_record() for r in result.rows] == [
        r.to_record() for r in scan_batch(model, dataset.items)
    ]
    with out.open(newline="") as handle:
        assert tuple(csv.DictReader(handle).fieldnames) == COLUMNS
    assert [r.to_record() for r in read_results(out)] == [r.to_record() for r in result.rows]
    assert messages[-1][0] == 1.0
    assert "images/s" in messages[-1][1] and "ETA 0:00:00" in messages[-1][1]
    assert [f for f, _ in messages] == sorted(f for f, _ in messages)


def test_cancel_then_resume_gives_the_uninterrupted_result(tmp_path, model, dataset):
    reference = scan(model, dataset, batch_size=3)
    out = tmp_path / "results.csv"
    token = CancelToken()
    first = scan(
        model, dataset, out=out, batch_size=3, cancel=token, on_rows=lambda _: token.cancel()
    )
    assert first.cancelled and len(first.rows) == 3
    assert len(read_results(out)) == 3
    with out.open("a") as handle:  # an interrupted write leaves half a line behind
        handle.write(str(dataset.items[5].path) + ",class")
    second = scan(model, dataset, out=out, batch_size=3)
    assert second.resumed == 3 and not second.cancelled
    assert [r.to_record() for r in second.rows] == [r.to_record() for r in reference.rows]
    stored = read_results(out)
    assert sorted(r.path for r in stored) == sorted(str(i.path) for i in dataset.items)


def test_cancel_before_start_leaves_no_threads(model, dataset):
    import threading

    token = CancelToken()
    token.cancel()
    result = scan(model, dataset, cancel=token)
    assert result.cancelled and result.rows == ()
    assert not [t for t in threading.enumerate() if t.name.startswith("gapviewer-decode")]


def test_scan_of_nothing(model):
    assert scan(model, []).rows == ()


def test_read_results_rejects_other_csv(tmp_path):
    (tmp_path / "other.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="not a scan result"):
        read_results(tmp_path / "other.csv")


def test_prepare_turns_preprocessing_errors_into_reasons(tmp_path, model):
    grey = tmp_path / "g.png"
    Image.fromarray(np.zeros((5, 5, 3), np.uint8)).save(grey)
    item = LabelledImage(grey, "class 0", 0)
    assert scan_module.prepare(model, item).inputs.shape == (3, 20, 28)
    missing = LabelledImage(tmp_path / "gone.png", "class 0", 0)
    prepared = scan_module.prepare(model, missing)
    assert prepared.inputs is None and prepared.error == "file not found"


@pytest.mark.slow
def test_triage_of_skimage_photos_finds_the_mislabel(tmp_path, builtin, samples):
    root = tmp_path / "photos"
    for label, name, sample in (
        ("Egyptian cat", "chelsea.png", "chelsea"),
        ("espresso", "coffee.png", "coffee"),
        ("espresso", "mislabelled_cat.png", "chelsea"),
    ):
        (root / label).mkdir(parents=True, exist_ok=True)
        Image.fromarray(samples[sample]).save(root / label / name)
    dataset = read_dataset(root, builtin.class_names)
    assert not dataset.unmatched
    rows = {r.path.rsplit("/", 1)[-1]: r for r in scan(builtin, dataset, batch_size=2).rows}
    assert rows["chelsea.png"].correct and rows["coffee.png"].correct
    wrong = rows["mislabelled_cat.png"]
    assert wrong.correct is False
    assert wrong.true_label == "espresso" and wrong.predicted_label == "Egyptian cat"
    assert wrong.loss > rows["coffee.png"].loss


def test_scan_command_writes_resumable_csv_and_reports(tmp_path, model, monkeypatch, capsys):
    from gapviewer import cli
    from gapviewer.commands import scan as command

    monkeypatch.setattr(command, "load_model_from_args", lambda args: model)
    data = make_folder(tmp_path / "data")
    out = tmp_path / "results.csv"
    assert cli.main(["scan", str(data), "--out", str(out), "--batch", "4"]) == 1  # broken.png
    err = capsys.readouterr().err
    assert "'unknown' (1)" in err and "failed: " in err and "broken.png" in err
    assert "accuracy" in err and f"9 rows in {out}" in err
    assert len(read_results(out)) == 9
    assert cli.main(["scan", str(data), "--out", str(out)]) == 1
    assert "9 images resumed" in capsys.readouterr().err
    assert cli.main(["scan", str(data)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ",".join(COLUMNS) and len(lines) == 10
    with pytest.raises(SystemExit):
        cli.main(["scan", str(tmp_path / "missing")])
    assert "no such folder" in capsys.readouterr().err


def test_failure_maps_are_the_maps_of_both_classes_and_the_counterfactual(model):
    from gapviewer.core.explain import Explainer

    image = np.random.default_rng(4).integers(0, 256, (20, 28, 3), dtype=np.uint8)
    maps = scan_module.failure_maps(model, image, predicted=2, true=0)
    assert list(maps) == ["Predicted: class 2", "True: class 0", "Counterfactual: class 2"]
    explainer = Explainer(model)
    for title, target, method in (
        ("Predicted: class 2", 2, "grad-cam"),
        ("True: class 0", 0, "grad-cam"),
        ("Counterfactual: class 2", 2, "counterfactual"),
    ):
        expected = next(iter(explainer.explain(image, [method], target=target).maps.values()))
        np.testing.assert_allclose(maps[title], expected, rtol=1e-5, atol=1e-7)
    assert not np.allclose(maps["Predicted: class 2"], maps["True: class 0"])
