"""core.distributed without a cluster: the shared per-batch function against the local engine
and a literal CAM, per-image fallback, Parquet parts keyed by path (dedupe, resume, exact
round trip, lazy maps), blocks of whole batches, and the model spec's untrusted-file rule.
The Ray cluster itself is exercised in tests/cluster."""

import pickle

import numpy as np
import pytest
import torch
from PIL import Image

pytest.importorskip("pyarrow", reason="the cluster extra (pyarrow) is not installed")

from gapviewer.core import distributed  # noqa: E402
from gapviewer.core.data import LabelledImage, read_dataset  # noqa: E402
from gapviewer.core.distributed import ModelSpec, block_tables, scan_records  # noqa: E402
from gapviewer.core.model_files import UntrustedFileError  # noqa: E402
from gapviewer.core.scan import scan_batch  # noqa: E402
from gapviewer.core.scan_results import ParquetSink, read_scan_results, records_table  # noqa: E402


@pytest.fixture
def dataset(tmp_path, tiny2d):
    rng = np.random.default_rng(1)
    for number in range(9):
        folder = tmp_path / "data" / f"class {number % 4}"
        folder.mkdir(parents=True, exist_ok=True)
        pixels = rng.integers(0, 256, (16 + number, 24, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / f"img{number}.png")
    (tmp_path / "data" / "class 2" / "broken.png").write_bytes(b"not an image")
    return read_dataset(tmp_path / "data", tiny2d.class_names)


def literal_cam(model, path, target):
    """CAM (Zhou et al. 2016, eq. 1 before upsampling): sum_k w_ck f_k(x, y) at the pre-GAP
    layer, with the features taken from the network's own modules."""
    net = model.module
    with torch.no_grad():
        inputs = model.to_input(path)
        features = net.relu2(net.features(net.relu1(net.conv1(inputs))))[0]
        weights = net.classifier.weight[target]
        return torch.einsum("k,khw->hw", weights, features).numpy()


def test_records_are_the_local_rows_plus_maps_of_the_predicted_class(tiny2d, dataset):
    items = list(dataset.items)
    assert [r.row for r in scan_records(tiny2d, items)] == scan_batch(tiny2d, items)
    records = scan_records(tiny2d, items, methods=("cam",))
    assert [r.row for r in records] == scan_batch(tiny2d, items)
    for record in records:
        if record.row.failed:
            assert record.maps == {} and "broken.png" in record.row.path
            continue
        assert list(record.maps) == ["cam@relu2"]
        expected = literal_cam(tiny2d, record.row.path, record.row.predicted_index)
        np.testing.assert_allclose(record.maps["cam@relu2"], expected, rtol=1e-4, atol=1e-5)


def test_a_batch_that_raises_fails_only_its_own_image(tiny2d, dataset, monkeypatch):
    items = list(dataset.items)
    poison = items[3]

    def fragile(model, batch):
        if any(item is poison for item in batch):
            raise RuntimeError("forward rejected the input\nsecond line")
        return scan_batch(model, batch)

    monkeypatch.setattr(distributed, "scan_batch", fragile)
    rows = [r.row for r in scan_records(tiny2d, items)]
    assert rows[3].error == "cannot classify: forward rejected the input"
    assert rows[3].predicted_index is None and rows[3].true_label == poison.label
    # after the batch failed, every image ran alone: the rows of one-image batches
    assert rows[:3] + rows[4:] == [
        scan_batch(tiny2d, [item])[0] for item in items if item is not poison
    ]
    (alone,) = scan_records(tiny2d, [poison])  # a batch of one fails as a row too
    assert alone.row == rows[3]


def test_parts_are_keyed_by_path_and_read_back_exactly(tmp_path, tiny2d, dataset):
    records = scan_records(tiny2d, list(dataset.items), methods=("cam",))
    out = tmp_path / "results"
    sink = ParquetSink(out, tiny2d.class_names, with_maps=True, flush_rows=4)
    first = sink.add(records_table(records[:6], True))
    again = sink.add(records_table(records[4:] + records[:2], True))  # 6 already written
    sink.flush()
    assert first.num_rows == 6 and again.num_rows == len(records) - 6
    assert len(list(out.glob("part-*.parquet"))) >= 2
    assert not list(out.glob(".*partial"))

    results = read_scan_results(out)
    assert sorted(results.rows, key=lambda r: r.path) == sorted(
        (r.row for r in records), key=lambda r: r.path
    )
    assert results.class_names == tuple(tiny2d.class_names) and results.has_maps
    for record in records:
        maps = results.maps(record.row.path)
        assert maps.keys() == record.maps.keys()
        for key, values in record.maps.items():
            np.testing.assert_array_equal(maps[key], values)
    assert results.maps("no/such/image.png") == {}

    resumed = ParquetSink(out, tiny2d.class_names, with_maps=True)
    assert resumed.written == {r.row.path for r in records}
    assert resumed.add(records_table(records, True)).num_rows == 0


def test_results_without_maps_and_foreign_files(tmp_path, tiny2d, dataset):
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = ParquetSink(tmp_path / "plain", tiny2d.class_names, with_maps=False)
    sink.add(records_table(scan_records(tiny2d, list(dataset.items)), False))
    sink.flush()
    plain = read_scan_results(tmp_path / "plain")
    assert not plain.has_maps and plain.maps(plain.rows[0].path) == {}
    pq.write_table(pa.table({"path": ["a.png"]}), tmp_path / "other.parquet")
    with pytest.raises(ValueError, match="not a scan result"):
        read_scan_results(tmp_path / "other.parquet")
    with pytest.raises(ValueError, match="no scan result parts"):
        read_scan_results(tmp_path)


def test_blocks_hold_whole_batches_in_order():
    items = [LabelledImage(f"{k}.png", "a", 0) for k in range(45)]
    blocks = block_tables(items, batch_size=8, block_size=20)
    assert [b.num_rows for b in blocks] == [24, 21]
    assert [p for b in blocks for p in b["path"].to_pylist()] == [str(i.path) for i in items]
    assert [b.num_rows for b in block_tables(items, batch_size=8, block_size=3)][:2] == [8, 8]


def test_the_spec_travels_as_plain_values_and_keeps_the_trust_rule(tmp_path, tiny2d):
    module_file = tmp_path / "whole.pt"
    torch.save(tiny2d.module, module_file)
    spec = ModelSpec(str(module_file), classes=("a", "b", "c", "d"))
    restored = pickle.loads(pickle.dumps(spec))
    assert restored == spec and b"torch" not in pickle.dumps(spec)
    with pytest.raises(UntrustedFileError):
        restored.load()
    loaded = ModelSpec(str(module_file), classes=("a", "b", "c", "d"), trust=True).load()
    assert loaded.class_names == ["a", "b", "c", "d"]


def test_default_blocks_give_each_actor_several_and_stay_bounded():
    assert distributed.default_block_size(61, 8, 2) == 8  # ceil(61 / 8) = 8 -> one batch
    assert distributed.default_block_size(400, 8, 2) == 50  # about four blocks per actor
    assert distributed.default_block_size(10**6, 32, 4) == 256  # eight batches at most


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--save-maps"], "--save-maps and --address need --engine ray"),
        (["--address", "auto"], "--save-maps and --address need --engine ray"),
        (["--engine", "ray"], "--engine ray writes Parquet parts: give --out FOLDER"),
    ],
)
def test_scan_cli_refuses_cluster_options_that_cannot_apply(tmp_path, capsys, options, message):
    from gapviewer.cli import main

    (tmp_path / "a").mkdir()
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(tmp_path / "a" / "x.png")
    with pytest.raises(SystemExit) as stop:
        main(["scan", str(tmp_path), "--model", "resnet18", *options])
    assert stop.value.code == 2 and message in capsys.readouterr().err
