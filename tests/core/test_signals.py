"""core.signals: WAV/CSV/NPY loading, every bad file, resampling, folders, preprocessing."""

from __future__ import annotations

import struct
import wave
from pathlib import Path

import numpy as np
import pytest
import torch

from gapviewer.core import signals
from gapviewer.core.images import ImageLoadError
from gapviewer.core.models import load_model
from gapviewer.core.signals import (
    SignalLoadError,
    SignalPreprocessing,
    fit_length,
    labelled_signals,
    list_signals,
    load_signal,
    resample,
    signal_from_array,
)


@pytest.fixture(autouse=True)
def _no_soundfile(monkeypatch):
    """Test the standard-library paths whether or not soundfile is installed."""
    monkeypatch.setattr(signals, "_soundfile", lambda: None)


def riff(fmt_tag: int, channels: int, rate: int, bits: int, payload: bytes) -> bytes:
    """A WAV file written by hand (RIFF/WAVE with fmt and data chunks), independent of `wave`."""
    align = channels * bits // 8
    fmt = struct.pack("<HHIIHH", fmt_tag, channels, rate, rate * align, align, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(payload)) + payload
    return b"RIFF" + struct.pack("<I", len(body)) + body


def reason(path: Path, **options) -> str:
    with pytest.raises(SignalLoadError) as info:
        load_signal(path, **options)
    message = str(info.value)
    assert message.startswith(f"{path.name}: ") and "\n" not in message
    return message


@pytest.mark.parametrize(
    ("bits", "payload", "expected"),
    [
        (8, bytes([128, 192, 0]), [0.0, 0.5, -1.0]),
        (16, struct.pack("<3h", 0, 16384, -32768), [0.0, 0.5, -1.0]),
        (24, b"\x00\x00\x00" + b"\x00\x00\x40" + b"\x00\x00\x80", [0.0, 0.5, -1.0]),
        (32, struct.pack("<3i", 0, 1 << 30, -(1 << 31)), [0.0, 0.5, -1.0]),
    ],
)
def test_pcm_wav_bit_depths(tmp_path, bits, payload, expected):
    path = tmp_path / "tone.wav"
    path.write_bytes(riff(1, 1, 8000, bits, payload))
    signal = load_signal(path)
    assert signal.sample_rate == 8000 and signal.source_format == f"WAV PCM {bits}-bit"
    np.testing.assert_array_equal(signal.data, [expected])
    assert not signal.data.flags.writeable


def test_stereo_wav_channels_in_order(tmp_path):
    path = tmp_path / "stereo.wav"
    frames = struct.pack("<6h", 100, -100, 200, -200, 300, -300)  # L R interleaved
    path.write_bytes(riff(1, 2, 16000, 16, frames))
    signal = load_signal(path)
    assert signal.data.shape == (2, 3) and signal.duration == pytest.approx(3 / 16000)
    np.testing.assert_allclose(signal.data * 32768, [[100, 200, 300], [-100, -200, -300]])


def test_float_wav_and_flac_need_soundfile(tmp_path):
    wav = tmp_path / "float.wav"
    wav.write_bytes(riff(3, 1, 8000, 32, struct.pack("<2f", 0.25, -0.5)))
    assert "soundfile" in reason(wav) and "codec" in reason(wav)
    flac = tmp_path / "speech.flac"
    flac.write_bytes(b"fLaC" + bytes(40))
    assert "soundfile" in reason(flac)


def test_wav_bad_files(tmp_path):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    assert "empty file" in reason(empty)
    silent = tmp_path / "silent.wav"
    silent.write_bytes(riff(1, 1, 8000, 16, b""))
    assert "no samples" in reason(silent)
    garbage = tmp_path / "garbage.wav"
    garbage.write_bytes(b"not a riff file at all")
    assert "corrupt" in reason(garbage)
    long = tmp_path / "long.wav"
    with wave.open(str(long), "wb") as file:
        file.setnchannels(2)
        file.setsampwidth(2)
        file.setframerate(8000)
        file.writeframes(bytes(4 * 1000))
    assert "too long: 2,000 values" in reason(long, max_values=1999)
    assert load_signal(long, max_values=2000).data.shape == (2, 1000)


def test_csv_channels_first_with_row_labels(tmp_path):
    path = tmp_path / "spectra.csv"
    path.write_text("raman,1,2,3,4\nir,5,6,7,8\n")
    signal = load_signal(path, sample_rate=100)
    assert signal.channel_names == ("raman", "ir") and signal.sample_rate == 100
    np.testing.assert_array_equal(signal.data, [[1, 2, 3, 4], [5, 6, 7, 8]])


def test_csv_time_major_with_header_and_other_delimiters(tmp_path):
    path = tmp_path / "series.csv"
    path.write_text("# logger export\nleft;right\n1;10\n2;20\n3;30\n")
    signal = load_signal(path, time_major=True)
    assert signal.channel_names == ("left", "right")
    np.testing.assert_array_equal(signal.data, [[1, 2, 3], [10, 20, 30]])
    spaced = tmp_path / "spaced.txt"
    spaced.write_text("0.5 1.5 2.5\n")
    np.testing.assert_array_equal(load_signal(spaced).data, [[0.5, 1.5, 2.5]])
    tabbed = tmp_path / "tabbed.tsv"
    tabbed.write_text("1\t2\n3\t4\n5\t6\n")
    assert load_signal(tabbed, time_major=True).data.shape == (2, 3)


def test_csv_bad_files(tmp_path):
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("1,2,3\n4,5\n")
    assert "wrong shape: data row 2 has 2 values" in reason(ragged)
    text = tmp_path / "text.csv"
    text.write_text("1,2,3\n4,x,6\n")
    assert "'x' is not a number" in reason(text)
    nan = tmp_path / "nan.csv"
    nan.write_text("1,2,nan,4\n")
    assert "NaN or infinite values (first at channel 0, sample 2)" in reason(nan)
    transposed = tmp_path / "columns.csv"
    transposed.write_text("\n".join(f"{i},{i}" for i in range(5)))
    assert "more channels than samples" in reason(transposed)
    assert load_signal(transposed, time_major=True).data.shape == (2, 5)
    blank = tmp_path / "blank.csv"
    blank.write_text("\n\n# only a comment\n")
    assert "no samples" in reason(blank)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81" * 10)
    assert "not a text table" in reason(binary)
    big = tmp_path / "big.csv"
    big.write_text(",".join(["1.0"] * 100))
    assert "too long" in reason(big, max_values=50)


def test_npy_layouts(tmp_path):
    path = tmp_path / "one.npy"
    np.save(path, np.arange(5, dtype=np.int16))
    assert load_signal(path).data.shape == (1, 5) and load_signal(path).source_format == "NPY int16"
    path = tmp_path / "tc.npy"
    np.save(path, np.arange(12.0).reshape(6, 2))
    np.testing.assert_array_equal(
        load_signal(path, time_major=True).data, np.arange(12.0).reshape(6, 2).T
    )


def test_npy_bad_files(tmp_path):
    cube = tmp_path / "cube.npy"
    np.save(cube, np.zeros((2, 3, 4)))
    assert "wrong shape 2 x 3 x 4" in reason(cube)
    objects = tmp_path / "objects.npy"
    np.save(objects, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    assert "Python objects" in reason(objects)
    complex_ = tmp_path / "complex.npy"
    np.save(complex_, np.ones(4, dtype=np.complex64))
    assert "complex" in reason(complex_)
    inf = tmp_path / "inf.npy"
    np.save(inf, np.array([[0.0, 1.0, np.inf]]))
    assert "infinite" in reason(inf)
    big = tmp_path / "big.npy"
    np.save(big, np.zeros((2, 600)))
    assert "too long: 1,200 values" in reason(big, max_values=1000)
    truncated = tmp_path / "truncated.npy"
    truncated.write_bytes(big.read_bytes()[:300])
    assert "corrupt NPY" in reason(truncated)
    fake = tmp_path / "fake.npy"
    fake.write_bytes(b"hello world, no magic")
    assert "not a valid NPY" in reason(fake)
    empty = tmp_path / "none.npy"
    np.save(empty, np.zeros((1, 0)))
    assert "no samples" in reason(empty)


def test_unsupported_missing_and_folder(tmp_path):
    mp3 = tmp_path / "song.mp3"
    mp3.write_bytes(b"ID3" + bytes(10))
    assert "unsupported signal file type .mp3" in reason(mp3)
    assert "file not found" in reason(tmp_path / "gone.wav")
    assert "is a folder" in reason(tmp_path)
    assert isinstance(SignalLoadError("x.wav", "bad"), ImageLoadError)


def test_signal_from_array():
    signal = signal_from_array(torch.arange(6.0).reshape(3, 2), time_major=True, sample_rate=10)
    assert signal.path is None and signal.name == "<memory>" and signal.channels == 2
    np.testing.assert_array_equal(signal.data, [[0, 2, 4], [1, 3, 5]])
    with pytest.raises(SignalLoadError, match="2 channel names for 1 channels"):
        signal_from_array(np.ones(4), channel_names=["a", "b"])


def test_resample_matches_an_analytic_sine_and_scipy():
    from scipy.signal import resample_poly

    t = np.arange(44100) / 44100
    tone = np.stack([np.sin(2 * np.pi * 440 * t), np.cos(2 * np.pi * 1000 * t)])
    out = resample(tone, 44100, 16000)
    assert out.shape == (2, 16000)
    u = np.arange(16000) / 16000
    expected = np.stack([np.sin(2 * np.pi * 440 * u), np.cos(2 * np.pi * 1000 * u)])
    inner = slice(100, -100)  # away from the zero-padded ends
    np.testing.assert_allclose(out[:, inner], expected[:, inner], atol=1e-4)
    reference = resample_poly(tone, 160, 441, axis=1)
    np.testing.assert_allclose(out[:, inner], reference[:, inner], atol=2e-3)
    up = resample(tone[:1, :441], 44100, 96000)
    assert up.shape == (1, 960)
    np.testing.assert_allclose(
        up[0, 100:-100], np.sin(2 * np.pi * 440 * np.arange(960) / 96000)[100:-100], atol=1e-4
    )


def test_resample_removes_what_the_new_rate_cannot_hold():
    t = np.arange(16000) / 16000
    alias = np.sin(2 * np.pi * 6000 * t)[None]  # above the 4 kHz Nyquist of 8 kHz
    assert np.abs(resample(alias, 16000, 8000)[0, 200:-200]).max() < 1e-2
    assert np.array_equal(resample(alias, 8000, 8000), alias.astype(np.float32))


def test_fit_length():
    data = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(fit_length(data, 2), [[0, 1], [3, 4]])
    np.testing.assert_array_equal(fit_length(data, 4), [[0, 1, 2, 0], [3, 4, 5, 0]])


def test_list_and_labelled_folders(tmp_path):
    for label, count in (("noise", 2), ("tone", 3)):
        (tmp_path / label).mkdir()
        for index in range(count):
            np.save(tmp_path / label / f"{index}.npy", np.ones(8))
    (tmp_path / "tone" / "notes.md").write_text("not a signal")
    items, classes = labelled_signals(tmp_path)
    assert classes == ["noise", "tone"]
    assert [(p.parent.name, i) for p, i in items] == [("noise", 0)] * 2 + [("tone", 1)] * 3
    found, errors = list_signals([tmp_path, tmp_path / "missing.wav", tmp_path / "tone/notes.md"])
    assert len(found) == 5 and [e.reason for e in errors] == [
        "file not found",
        "not a signal file or folder",
    ]
    with pytest.raises(SignalLoadError, match="no class subfolders"):
        labelled_signals(tmp_path / "noise")


def test_preprocessing_converts_rate_downmixes_and_normalises():
    prep = SignalPreprocessing((8000,), (0.5,), (2.0,), channels=1, sample_rate=8000)
    t = np.arange(16000) / 16000
    stereo = signal_from_array(
        np.stack([np.sin(2 * np.pi * 100 * t), np.sin(2 * np.pi * 100 * t)]), sample_rate=16000
    )
    x = prep(stereo)
    assert x.shape == (1, 1, 8000)
    u = np.arange(8000) / 8000
    np.testing.assert_allclose(
        x[0, 0, 100:-100], (np.sin(2 * np.pi * 100 * u[100:-100]) - 0.5) / 2, atol=1e-4
    )
    short = prep(signal_from_array(np.ones(10), sample_rate=8000))
    assert short.shape == (1, 1, 8000) and float(short[0, 0, 20]) == pytest.approx(-0.25)


def test_preprocessing_without_rate_resizes_and_checks_channels():
    prep = SignalPreprocessing((50,), channels=2)
    spectrum = np.stack([np.linspace(0, 1, 100), np.linspace(1, 0, 100)])
    x = prep(spectrum)
    assert x.shape == (1, 2, 50)
    np.testing.assert_allclose(x[0, 0, 10:-10], np.linspace(0, 1, 100)[20:-20:2], atol=2e-3)
    with pytest.raises(SignalLoadError, match="has 3 channels, the model reads 2"):
        prep(np.ones((3, 100)))


def test_loaded_model_reads_signal_files(tmp_path):
    from tiny_models import TINY_LENGTH_1D, TinyGapNet1d, seeded

    model = load_model(seeded(TinyGapNet1d()), input_size=(TINY_LENGTH_1D,), in_channels=2)
    assert isinstance(model.preprocessing, SignalPreprocessing)
    values = np.random.default_rng(0).normal(size=(2, TINY_LENGTH_1D)).astype(np.float32)
    path = tmp_path / "x.csv"
    np.savetxt(path, values, delimiter=",")
    x = model.to_input(path)
    torch.testing.assert_close(x, torch.from_numpy(values)[None], atol=1e-6, rtol=1e-6)
    torch.testing.assert_close(model.to_input(torch.from_numpy(values)), x, atol=1e-6, rtol=0)


def test_render_signal_band_and_region_ticks():
    from gapviewer.core.render import colormap_lut
    from gapviewer.core.signal_render import render_signal

    data = np.stack([np.sin(np.linspace(0, 6, 200)), np.linspace(-1, 1, 200)])
    picture = render_signal(data, np.array([0.0, 1.0, 0.0, 0.0]), width=408, lane_height=40)
    assert picture.shape == (8 + 2 * (40 + 14) + 50 + 8, 408, 3)
    band_row = picture[8 + 40 + 7]  # middle of the first channel's band
    lut = colormap_lut("viridis")
    np.testing.assert_array_equal(band_row[8 + 150], lut[255])  # region 1 of 4: the maximum
    np.testing.assert_array_equal(band_row[8 + 20], lut[0])
    faded = render_signal(data, np.array([0.0, 1.0]), width=408, alpha=0.0)
    np.testing.assert_array_equal(faded[8 + 100 + 7, 8:-8], 255)  # fully transparent band
    with pytest.raises(ValueError, match=r"\(C, T\)"):
        render_signal(np.ones(5), np.ones(2))


def test_spectrogram_peaks_at_the_tone():
    from gapviewer.core.signals import spectrogram

    rate = 8000
    t = np.arange(rate) / rate
    result = spectrogram(np.sin(2 * np.pi * 1000 * t)[None], rate, window=256, hop=128)
    assert result.power.shape == (129, len(result.times)) and len(result.times) == 61
    peak = result.frequencies[result.power.argmax(0)]
    np.testing.assert_array_equal(peak, 1000.0)  # 1000 Hz is bin 32 of 256 at 8 kHz
    assert result.times[0] == pytest.approx(128 / rate)
    assert spectrogram(np.ones(10), window=16).power.shape == (9, 1)
