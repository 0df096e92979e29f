"""core.data: labelled folders and lists, label matching edge cases, batching, VOC boxes."""

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gapviewer.core import data

CLASSES = ["tabby", "tiger cat", "Egyptian cat", "3", "crane", "crane"]


def write_image(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(path)
    return path


def test_match_exact_wins_over_case_insensitive_and_index():
    matches, _ = data.match_labels(["tabby", "TABBY", "tiger_cat", "3", "2", "9", "nope"], CLASSES)
    assert matches == {
        "tabby": 0,
        "TABBY": 0,
        "tiger_cat": 1,
        "3": 3,  # a class literally named "3" wins over index 3
        "2": 2,
        "9": None,  # out of range
        "nope": None,
    }


def test_match_modes_are_strict():
    exact, _ = data.match_labels(["tabby", "Tabby", "1"], CLASSES, "exact")
    assert exact == {"tabby": 0, "Tabby": None, "1": None}
    loose, _ = data.match_labels(["egyptian CAT", "1"], CLASSES, "case-insensitive")
    assert loose == {"egyptian CAT": 2, "1": None}
    by_index, _ = data.match_labels(["1", "tabby"], CLASSES, "index")
    assert by_index == {"1": 1, "tabby": None}
    with pytest.raises(ValueError, match="label matching"):
        data.match_labels(["x"], CLASSES, "fuzzy")


def test_duplicate_class_names_are_reported_as_ambiguous():
    matches, ambiguous = data.match_labels(["crane"], CLASSES)
    assert matches == {"crane": 4} and ambiguous == {"crane": (4, 5)}


def test_folder_layout_reports_unmatched_labels_and_loose_files(tmp_path):
    write_image(tmp_path / "tabby" / "a.png")
    write_image(tmp_path / "tabby" / "deeper" / "b.png")
    write_image(tmp_path / "Tiger_Cat" / "c.jpg")
    write_image(tmp_path / "zebra" / "d.png")
    write_image(tmp_path / "zebra" / "e.png")
    write_image(tmp_path / "loose.png")
    (tmp_path / "tabby" / "notes.txt").write_text("not an image")
    dataset = data.read_dataset(tmp_path, CLASSES)
    assert sorted((p.relative_to(tmp_path).as_posix(), i) for p, _, i in _triples(dataset)) == [
        ("Tiger_Cat/c.jpg", 1),
        ("tabby/a.png", 0),
        ("tabby/deeper/b.png", 0),
        ("zebra/d.png", None),
        ("zebra/e.png", None),
    ]
    assert dataset.unmatched == {"zebra": 2}
    assert len(dataset.matched) == 3
    report = dataset.report()
    assert "'zebra' (2)" in report and "1 image(s) directly in" in report


def _triples(dataset):
    return [(item.path, item.label, item.index) for item in dataset.items]


def test_csv_list_with_and_without_header(tmp_path):
    (tmp_path / "with.csv").write_text("label,path\ntabby,img/a.png\n2,/abs/b.png\n\n")
    (tmp_path / "without.csv").write_text("img/a.png,Tabby\n")
    with_header = data.read_dataset(tmp_path / "with.csv", CLASSES)
    assert _triples(with_header) == [
        (tmp_path / "img/a.png", "tabby", 0),
        (Path("/abs/b.png"), "2", 2),
    ]
    assert _triples(data.read_dataset(tmp_path / "without.csv", CLASSES)) == [
        (tmp_path / "img/a.png", "Tabby", 0)
    ]


def test_csv_row_without_label_is_an_error(tmp_path):
    (tmp_path / "bad.csv").write_text("a.png,tabby\nb.png\n")
    with pytest.raises(data.DatasetError, match="bad.csv: row 2"):
        data.read_dataset(tmp_path / "bad.csv", CLASSES)


@pytest.mark.parametrize(
    "content",
    [
        [{"path": "a.png", "label": "tabby"}, {"path": "b.png", "label": 1}],
        [["a.png", "tabby"], ["b.png", 1]],
        {"a.png": "tabby", "b.png": 1},
    ],
)
def test_json_list_forms(tmp_path, content):
    (tmp_path / "list.json").write_text(json.dumps(content))
    assert _triples(data.read_dataset(tmp_path / "list.json", CLASSES)) == [
        (tmp_path / "a.png", "tabby", 0),
        (tmp_path / "b.png", "1", 1),
    ]


def test_unreadable_sources_are_clear_errors(tmp_path):
    with pytest.raises(data.DatasetError, match="no such folder or file"):
        data.read_dataset(tmp_path / "missing", CLASSES)
    (tmp_path / "list.txt").write_text("a")
    with pytest.raises(data.DatasetError, match="expected a folder"):
        data.read_dataset(tmp_path / "list.txt", CLASSES)
    (tmp_path / "broken.json").write_text("[{")
    with pytest.raises(data.DatasetError, match="broken.json"):
        data.read_dataset(tmp_path / "broken.json", CLASSES)
    (tmp_path / "odd.json").write_text(json.dumps([{"file": "a.png"}]))
    with pytest.raises(data.DatasetError, match="entry 1"):
        data.read_dataset(tmp_path / "odd.json", CLASSES)


def test_batched():
    assert list(data.batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(data.batched([], 3)) == []
    with pytest.raises(ValueError):
        list(data.batched(range(3), 0))


def test_voc_boxes_beside_the_image(tmp_path):
    image = write_image(tmp_path / "cat.jpg")
    assert data.voc_boxes(image) == []
    (tmp_path / "cat.xml").write_text(
        "<annotation><filename>cat.jpg</filename>"
        "<object><name>cat</name><bndbox><xmin>10</xmin><ymin>20</ymin>"
        "<xmax>30</xmax><ymax>44</ymax></bndbox></object>"
        "<object><name> dog </name><bndbox><xmin>1</xmin><ymin>2</ymin>"
        "<xmax>3</xmax><ymax>4</ymax></bndbox></object></annotation>"
    )
    assert data.voc_boxes(image) == [
        data.Box("cat", 10, 20, 30, 44),
        data.Box("dog", 1, 2, 3, 4),
    ]
    (tmp_path / "cat.xml").write_text("<annotation><object><name>x</name><bndbox>")
    with pytest.raises(data.DatasetError, match="cat.xml"):
        data.voc_boxes(image)
