"""core.scan_results reading: progress per record batch up to 1, a stop raised from the
progress callback, the first-written row wins across the parts of successive runs, and a damaged
file as one line naming it (pyarrow only, no Qt, no Ray)."""

from __future__ import annotations

import pytest

pytest.importorskip("pyarrow", reason="the cluster extra (pyarrow) is not installed")

from gapviewer.core.scan import ScanRow  # noqa: E402
from gapviewer.core.scan_results import (  # noqa: E402
    ParquetSink,
    ScanRecord,
    read_scan_results,
    records_table,
)

NAMES = ("ant", "bee")


def row(number: int, predicted: int = 1) -> ScanRow:
    return ScanRow(f"/d/{number:03d}.png", "ant", 0, NAMES[predicted], predicted, 0.4, 0.6,
                   0.916, predicted == 0, ((predicted, NAMES[predicted], 0.6),))


def parts(folder, tables):
    """One writer run per list of rows, in order, each writing one part file."""
    for rows in tables:
        sink = ParquetSink(folder, NAMES, with_maps=False)
        sink.written = set()  # write duplicates on purpose, as an interrupted run could
        sink.add(records_table([ScanRecord(r) for r in rows], False))
        sink.flush()
    return folder


def test_progress_follows_the_batches_and_the_first_row_wins(tmp_path):
    folder = parts(tmp_path / "out", [[row(i) for i in range(5)], [row(3, 0), row(7)]])
    fractions = []
    results = read_scan_results(folder, fractions.append)
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(fractions) == 2
    assert [r.path for r in results.rows] == [row(i).path for i in (0, 1, 2, 3, 4, 7)]
    assert results.rows[3].predicted_index == 1  # the first part's row for 003.png
    assert results.class_names == NAMES


def test_a_progress_callback_can_stop_the_reading(tmp_path):
    folder = parts(tmp_path / "out", [[row(0)], [row(1)]])

    class Stop(Exception):
        pass

    def stop(fraction: float) -> None:
        raise Stop

    with pytest.raises(Stop):
        read_scan_results(folder, stop)


def test_a_damaged_file_is_one_line_naming_it(tmp_path):
    damaged = tmp_path / "damaged.parquet"
    damaged.write_bytes(b"PAR1 garbage")
    with pytest.raises(ValueError) as error:
        read_scan_results(damaged)
    message = str(error.value)
    assert message.startswith("damaged.parquet: not readable as Parquet (")
    assert "\n" not in message and str(tmp_path) not in message
