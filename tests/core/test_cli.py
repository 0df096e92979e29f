"""`gapviewer explain` and `gapviewer layers` end to end on the built-in model."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from gapviewer.cli import main
from gapviewer.core.explain import Explainer
from gapviewer.core.images import load_image

METHODS = ["gap-direction", "cam"]
EXIF_ORIENTATION = 0x0112


@pytest.fixture(scope="module")
def photos(tmp_path_factory, samples) -> dict[str, object]:
    """chelsea as PNG, coffee as a JPEG stored sideways with EXIF orientation 6 (rotate 90 CW
    to display), and a file with an image extension that holds no image."""
    folder = tmp_path_factory.mktemp("photos")
    Image.fromarray(samples["chelsea"]).save(folder / "chelsea.png")
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = 6
    sideways = Image.fromarray(samples["coffee"]).transpose(Image.Transpose.ROTATE_90)
    sideways.save(folder / "coffee.jpg", exif=exif, quality=95)
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is not a JPEG")
    return {"folder": folder, "displayed": {"chelsea": (451, 300), "coffee": (600, 400)}}


@pytest.fixture(scope="module")
def explained(photos, tmp_path_factory) -> tuple[int, dict, object]:
    out = tmp_path_factory.mktemp("out")
    argv = ["explain", str(photos["folder"]), "--out", str(out), "--upsample", "nearest"]
    for method in METHODS:
        argv += ["--method", method]
    code = main(argv)
    return code, json.loads((out / "summary.json").read_text("utf-8")), out


def test_explain_exit_code_1_when_one_input_failed(explained):
    code, summary, _ = explained
    assert code == 1
    assert set(summary) == {"results", "predictions", "errors"}
    (error,) = summary["errors"]
    assert error["path"].endswith("broken.jpg") and "broken.jpg" in error["message"]
    assert "\n" not in error["message"]


def test_explain_writes_overlays_at_each_images_own_size(explained, photos):
    _, summary, out = explained
    assert len(summary["results"]) == 2 * len(METHODS)
    for entry in summary["results"]:
        stem = entry["image"].rsplit("/", 1)[-1].split(".")[0]
        assert (entry["method"], entry["layer"]) in {(m, "head") for m in METHODS}
        with Image.open(entry["png"]) as png:
            assert png.size == photos["displayed"][stem]
            assert png.mode in ("RGB", "RGBA")
        assert entry["npy"].startswith(str(out))


def test_raw_maps_equal_the_python_api(explained, builtin):
    _, summary, _ = explained
    explainer = Explainer(builtin)
    for entry in summary["results"]:
        api = explainer.explain(load_image(entry["image"]), methods=METHODS)
        assert entry["target"] == api.target
        np.testing.assert_array_equal(np.load(entry["npy"]), api.maps[(entry["method"], "head")])


def test_summary_predictions_are_top5_and_sensible(explained):
    _, summary, _ = explained
    top1 = {}
    for item in summary["predictions"]:
        assert len(item["top5"]) == 5 and set(item["top5"][0]) == {"index", "name", "probability"}
        probs = [p["probability"] for p in item["top5"]]
        assert probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1 + 1e-6
        top1[item["image"].rsplit("/", 1)[-1]] = item["top5"][0]["name"]
    assert top1["chelsea.png"] in ("tabby", "tiger cat", "Egyptian cat")
    assert top1["coffee.jpg"] == "espresso"


@pytest.mark.parametrize(
    "argv",
    [
        ["explain"],
        ["explain", "x.png", "--formula", "q4"],
        ["explain", "x.png", "--alpha", "2"],
        ["explain", "x.png", "--method", "no-such-method"],
        ["explain", "x.png", "--param", "oops"],
        ["layers", "--model", "resnet5000"],
    ],
)
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert capsys.readouterr().err.strip()


def test_layers_lists_the_pre_gap_layer(capsys):
    assert main(["layers"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "efficientnet-lite0" in lines[0] and "pre-GAP head 1280x7x7" in lines[0]
    rows = {line.split()[0]: line for line in lines[1:] if line.strip()}
    assert rows["head"].split()[1:] == ["Sequential", "1280x7x7", "pre-GAP"]
    assert rows["pool"].split()[-1] == "GAP"
    assert rows["classifier"].split()[-1] == "classifier"


def test_layer_names_with_dots_keep_distinct_files(photos, tmp_path):
    """blocks.2 and blocks.10 must not collide (a ".10" is not a file extension)."""
    argv = ["explain", str(photos["folder"] / "chelsea.png"), "--out", str(tmp_path)]
    argv += ["--method", "grad-cam", "--layer", "blocks.2", "--layer", "blocks.10"]
    assert main(argv) == 0
    results = json.loads((tmp_path / "summary.json").read_text("utf-8"))["results"]
    files = {entry["layer"]: (entry["png"], entry["npy"]) for entry in results}
    assert set(files) == {"blocks.2", "blocks.10"}
    assert len({name for pair in files.values() for name in pair}) == 4
    for layer, (png, npy) in files.items():
        assert png.endswith(f"__{layer}.png") and np.load(npy).ndim == 2
