"""Safe loading of 1-D signals (audio, spectra, time series) -> read-only (C, T) float32 arrays.

Formats: WAV (stdlib `wave`, PCM 8/16/24/32-bit), FLAC and float WAV through the optional
`soundfile` package, CSV/TSV/TXT tables and NPY arrays (channels x time by default, time x
channels on request). The size is checked against a budget before the samples are decoded, and
every failure is a `SignalLoadError` whose one-line message starts with the file name.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import os
import wave
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
import torch

from .arrays import check_budget, check_numeric, read_npy
from .images import ImageLoadError

log = logging.getLogger(__name__)

AUDIO_EXTENSIONS: frozenset[str] = frozenset({".wav", ".wave", ".flac"})
TABLE_EXTENSIONS: frozenset[str] = frozenset({".csv", ".tsv", ".txt"})
SIGNAL_EXTENSIONS: frozenset[str] = AUDIO_EXTENSIONS | TABLE_EXTENSIONS | {".npy"}
DEFAULT_MAX_VALUES: int = 50_000_000  # channels x samples per signal (200 MB as float32)
_TABLE_BYTES_PER_VALUE = 64  # a text file larger than budget x this cannot fit the budget
_KAISER_BETA = 8.6  # about 90 dB stop-band attenuation (Kaiser's formula)


class SignalLoadError(ImageLoadError):
    """A signal could not be loaded or used; one line starting with the file name.

    A subclass of ImageLoadError so code that reports bad images reports bad signals alike.
    """


@dataclass(frozen=True, eq=False)
class LoadedSignal:
    """A decoded signal: (C, T) float32, read-only, with its sample rate (None for spectra and
    tables without one) and where it came from. Equality is identity, so it can key a cache."""

    path: str | None
    data: np.ndarray = field(repr=False)
    sample_rate: float | None
    source_format: str
    channel_names: tuple[str, ...]
    label: str | None = None

    @property
    def name(self) -> str:
        if self.path is not None:
            return Path(self.path).name
        return self.label or "<memory>"

    @property
    def channels(self) -> int:
        return int(self.data.shape[0])

    @property
    def length(self) -> int:
        return int(self.data.shape[1])

    @property
    def duration(self) -> float | None:
        """Seconds, when the sample rate is known."""
        return self.length / self.sample_rate if self.sample_rate else None


def _soundfile():
    """The optional `soundfile` module (libsndfile: FLAC, float WAV, ...), or None."""
    try:
        import soundfile
    except (ImportError, OSError):
        return None
    return soundfile


def load_signal(
    path: str | os.PathLike[str],
    *,
    time_major: bool = False,
    sample_rate: float | None = None,
    max_values: int = DEFAULT_MAX_VALUES,
) -> LoadedSignal:
    """Read a WAV/FLAC, CSV/TSV/TXT or NPY file into a `LoadedSignal`.

    Tables and arrays are channels x time (one row per channel) unless `time_major`; a 1-D array
    is one channel. `sample_rate` is recorded for tables and arrays (audio files carry their own).
    """
    where = os.fsdecode(path)
    suffix = Path(where).suffix.lower()
    if not os.path.exists(where):
        raise SignalLoadError(where, "file not found")
    if os.path.isdir(where):
        raise SignalLoadError(where, "is a folder, not a signal file")
    if suffix not in SIGNAL_EXTENSIONS:
        raise SignalLoadError(
            where,
            f"unsupported signal file type {suffix or '(none)'} "
            f"(supported: {', '.join(sorted(SIGNAL_EXTENSIONS))})",
        )
    if os.path.getsize(where) == 0:
        raise SignalLoadError(where, "empty file")
    try:
        if suffix in AUDIO_EXTENSIONS:
            data, rate, fmt, names = _read_audio(where, suffix, max_values)
        elif suffix == ".npy":
            data, fmt, names = _read_npy(where, time_major, max_values)
            rate = sample_rate
        else:
            data, fmt, names = _read_table(where, suffix, time_major, max_values)
            rate = sample_rate
    except OSError as error:
        raise SignalLoadError(where, error.strerror or str(error)) from error
    return _finish(data, where, rate, fmt, names)


def signal_from_array(
    array: np.ndarray | torch.Tensor,
    *,
    sample_rate: float | None = None,
    time_major: bool = False,
    channel_names: Iterable[str] | None = None,
    label: str | None = None,
) -> LoadedSignal:
    """Wrap an in-memory array (T,), (C, T) or, with `time_major`, (T, C) as a `LoadedSignal`."""
    values = array.detach().cpu().numpy() if isinstance(array, torch.Tensor) else np.asarray(array)
    where = label or "<memory>"
    _check_dtype(values.dtype, where)
    data = _as_channels_first(values, time_major, where)
    signal = _finish(data, where, sample_rate, "array", tuple(channel_names or ()))
    return LoadedSignal(None, signal.data, sample_rate, "array", signal.channel_names, label)


def _finish(
    data: np.ndarray, where: str, rate: float | None, fmt: str, names: tuple[str, ...]
) -> LoadedSignal:
    if data.shape[1] == 0 or data.shape[0] == 0:
        raise SignalLoadError(where, "holds no samples")
    if data.shape[0] > data.shape[1] and data.shape[0] > 1:
        raise SignalLoadError(
            where,
            f"wrong shape {data.shape[0]} x {data.shape[1]}: more channels than samples; "
            "if rows are time steps, read it as time x channels (time_major / --time-major)",
        )
    values = np.ascontiguousarray(data, dtype=np.float32)
    finite = np.isfinite(values)
    if not finite.all():
        channel, sample = np.argwhere(~finite)[0]
        raise SignalLoadError(
            where, f"contains NaN or infinite values (first at channel {channel}, sample {sample})"
        )
    if rate is not None and not (math.isfinite(rate) and rate > 0):
        raise SignalLoadError(where, f"sample rate must be a positive number, got {rate}")
    if names and len(names) != values.shape[0]:
        raise SignalLoadError(where, f"{len(names)} channel names for {values.shape[0]} channels")
    values.setflags(write=False)
    names = names or tuple(f"channel {i}" for i in range(values.shape[0]))
    return LoadedSignal(where, values, float(rate) if rate else None, fmt, tuple(names))


def _budget(where: str, values: int, max_values: int) -> None:
    check_budget(where, values, max_values, SignalLoadError, "too long")


def _read_audio(
    where: str, suffix: str, max_values: int
) -> tuple[np.ndarray, float, str, tuple[str, ...]]:
    soundfile = _soundfile()
    if soundfile is not None:
        try:
            info = soundfile.info(where)
        except (RuntimeError, soundfile.LibsndfileError) as error:
            raise SignalLoadError(where, f"unsupported or corrupt audio ({error})") from error
        _budget(where, info.frames * info.channels, max_values)
        data, rate = soundfile.read(where, dtype="float32", always_2d=True)
        return data.T, float(rate), f"{info.format} {info.subtype}", ()
    if suffix == ".flac":
        raise SignalLoadError(
            where, "FLAC needs the optional soundfile package (pip install soundfile)"
        )
    return _read_wav(where, max_values)


def _read_wav(where: str, max_values: int) -> tuple[np.ndarray, float, str, tuple[str, ...]]:
    """PCM WAV through the standard library; compressed and float WAV need soundfile."""
    try:
        with wave.open(where, "rb") as file:
            channels, width = file.getnchannels(), file.getsampwidth()
            rate, frames = file.getframerate(), file.getnframes()
            _budget(where, frames * channels, max_values)
            raw = file.readframes(frames)
    except (wave.Error, EOFError) as error:
        raise SignalLoadError(
            where,
            f"unsupported WAV codec or corrupt header ({error}); the standard library reads "
            "PCM only, install soundfile for float and compressed WAV",
        ) from error
    usable = len(raw) // (width * channels)
    if usable < frames:
        log.warning("%s: truncated, %d of %d frames present", where, usable, frames)
    raw = raw[: usable * width * channels]
    if width == 1:
        ints = np.frombuffer(raw, np.uint8).astype(np.float32) - 128
    elif width == 3:
        bytes3 = np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.int32)
        ints = bytes3[:, 0] | (bytes3[:, 1] << 8) | (bytes3[:, 2] << 16)
        ints = np.where(ints >= 1 << 23, ints - (1 << 24), ints)
    else:
        ints = np.frombuffer(raw, f"<i{width}")
    scale = float(1 << (8 * width - 1))
    data = (ints.astype(np.float32) / scale).reshape(-1, channels).T
    return data, float(rate), f"WAV PCM {8 * width}-bit", ()


def _check_dtype(dtype: np.dtype, where: str) -> None:
    check_numeric(dtype, where, SignalLoadError)


def _as_channels_first(values: np.ndarray, time_major: bool, where: str) -> np.ndarray:
    if values.ndim == 1:
        return values[None]
    if values.ndim != 2:
        raise SignalLoadError(
            where,
            f"wrong shape {' x '.join(map(str, values.shape))}: expected T or "
            f"{'T x C' if time_major else 'C x T'}",
        )
    return values.T if time_major else values


def _read_npy(
    where: str, time_major: bool, max_values: int
) -> tuple[np.ndarray, str, tuple[str, ...]]:
    values = read_npy(where, max_values, SignalLoadError, "too long")
    return _as_channels_first(values, time_major, where), f"NPY {values.dtype}", ()


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _read_table(
    where: str, suffix: str, time_major: bool, max_values: int
) -> tuple[np.ndarray, str, tuple[str, ...]]:
    """A delimited text table. A first row with text (beyond a label cell) is a header, which
    names the channels of a time x channels table; a first column with text labels the rows,
    which names the channels of a channels x time table."""
    _budget(where, os.path.getsize(where) // _TABLE_BYTES_PER_VALUE, max_values)
    try:
        with open(where, encoding="utf-8-sig") as file:
            text = file.read()
    except UnicodeDecodeError as error:
        raise SignalLoadError(where, "not a text table (not UTF-8)") from error
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not lines:
        raise SignalLoadError(where, "holds no samples")
    delimiter = next((d for d in ("\t", ";", ",") if d in lines[0]), None)
    if suffix == ".tsv":
        delimiter = "\t"
    if delimiter is None:
        rows = [line.split() for line in lines]
    else:
        rows = [
            [cell.strip() for cell in row]
            for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
        ]
    names: tuple[str, ...] = ()
    header_cells = rows[0] if time_major or len(rows[0]) == 1 else rows[0][1:]
    if not all(_is_number(cell) for cell in header_cells):
        header, rows = rows[0], rows[1:]
        if time_major:
            names = tuple(header)
    if rows and not all(_is_number(row[0]) for row in rows if row):
        labels = [row[0] for row in rows]
        rows = [row[1:] for row in rows]
        if not time_major:
            names = tuple(labels)
        elif names:
            names = names[1:]
    width = len(rows[0]) if rows else 0
    _budget(where, width * len(rows), max_values)
    for number, row in enumerate(rows, start=1):
        if len(row) != width:
            raise SignalLoadError(
                where, f"wrong shape: data row {number} has {len(row)} values, row 1 has {width}"
            )
        bad = next((cell for cell in row if not _is_number(cell)), None)
        if bad is not None:
            raise SignalLoadError(where, f"data row {number}: {bad!r} is not a number")
    values = np.array(rows, dtype=np.float64).reshape(len(rows), width)
    return _as_channels_first(values, time_major, where), suffix[1:].upper(), names


def list_signals(
    paths: Iterable[str | os.PathLike[str]],
    recursive: bool = True,
    extensions: frozenset[str] = SIGNAL_EXTENSIONS,
) -> tuple[list[Path], list[SignalLoadError]]:
    """Files with `extensions` among `paths` (folders expanded, sorted), and a reason for each
    path that is neither such a file nor a folder. Nothing is decoded here."""
    found: list[Path] = []
    errors: list[SignalLoadError] = []
    for item in map(Path, paths):
        if item.is_dir():
            pattern = "**/*" if recursive else "*"
            found += sorted(
                p for p in item.glob(pattern) if p.is_file() and p.suffix.lower() in extensions
            )
        elif item.is_file() and item.suffix.lower() in extensions:
            found.append(item)
        elif not item.exists():
            errors.append(SignalLoadError(str(item), "file not found"))
        else:
            errors.append(SignalLoadError(str(item), "not a signal file or folder"))
    return found, errors


def labelled_signals(folder: str | os.PathLike[str]) -> tuple[list[tuple[Path, int]], list[str]]:
    """One signal per file in class subfolders: ([(path, class index)], class names sorted)."""
    root = Path(folder)
    if not root.is_dir():
        raise SignalLoadError(str(root), "not a folder")
    classes = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not classes:
        raise SignalLoadError(str(root), "no class subfolders (expected FOLDER/CLASS/FILE)")
    items = []
    for index, name in enumerate(classes):
        files, _ = list_signals([root / name])
        items += [(path, index) for path in files]
    return items, classes


def resample(
    data: np.ndarray, from_rate: float, to_rate: float, half_width: int = 16
) -> np.ndarray:
    """Band-limited resampling of (C, T) from `from_rate` to `to_rate` (ceil(T * to/from) samples).

    Windowed-sinc interpolation (J. O. Smith and P. Gossett, "A flexible sampling-rate conversion
    method", ICASSP 1984): y(t) = sum_k x[k] f_c sinc(f_c (t - k)) w((t - k) / W) with cut-off
    f_c = min(1, to/from) of the input Nyquist band (an anti-alias filter when downsampling), a
    Kaiser window w of half-width W = half_width / f_c input samples, zeros beyond the ends.
    Computed polyphase: with to/from = up/down in lowest terms (denominator at most 10,000),
    output n sits at input time n down/up, and its kernel depends only on (n down) mod up.
    """
    values = np.asarray(data, dtype=np.float64)
    if from_rate == to_rate:
        return values.astype(np.float32)
    fraction = (
        Fraction(to_rate).limit_denominator(10**6) / Fraction(from_rate).limit_denominator(10**6)
    ).limit_denominator(10_000)
    up, down = fraction.numerator, fraction.denominator
    count = values.shape[-1]
    out_count = -(-count * up // down)
    cutoff = min(1.0, up / down)
    reach = half_width / cutoff
    extent = math.ceil(reach)
    offsets = (np.arange(up) / up)[:, None] - np.arange(1 - extent, extent + 1)[None]
    window = np.i0(_KAISER_BETA * np.sqrt(np.clip(1 - (offsets / reach) ** 2, 0, None)))
    table = cutoff * np.sinc(cutoff * offsets) * window / np.i0(_KAISER_BETA)
    padded = np.pad(values, [(0, 0), (extent, extent + 1)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * extent, axis=-1)
    result = np.empty((values.shape[0], out_count), dtype=np.float64)
    for first in range(min(up, out_count)):
        outputs = len(range(first, out_count, up))
        start = first * down // up + 1  # window start of output `first`: its base index + 1
        chosen = windows[:, start : start + down * outputs : down]
        result[:, first::up] = chosen @ table[first * down % up]
    return result.astype(np.float32)


def fit_length(data: np.ndarray, length: int) -> np.ndarray:
    """Zero-pad at the end or cut the end so (C, T) has exactly `length` samples."""
    if data.shape[-1] >= length:
        return data[..., :length]
    return np.pad(data, [(0, 0)] * (data.ndim - 1) + [(0, length - data.shape[-1])])


@dataclass(frozen=True)
class SignalPreprocessing:
    """Signals -> model input (1, C, L): channels matched, rate converted, length fitted,
    normalised per channel ((x - mean) / std).

    With a model sample rate (audio), the signal is resampled to it and then zero-padded or cut
    at the end to L samples; without one (spectra, tables), it is resampled to exactly L samples
    (like resizing an image). A multi-channel signal is averaged for a one-channel model.
    """

    size: tuple[int]
    mean: tuple[float, ...] = (0.0,)
    std: tuple[float, ...] = (1.0,)
    channels: int = 1
    sample_rate: float | None = None
    time_major: bool = False

    def __call__(self, signal: LoadedSignal | np.ndarray) -> torch.Tensor:
        if not isinstance(signal, LoadedSignal):
            signal = signal_from_array(signal, time_major=self.time_major)
        data = np.asarray(signal.data, dtype=np.float32)
        if data.shape[0] != self.channels:
            if self.channels != 1:
                raise SignalLoadError(
                    signal.path or signal.name,
                    f"has {data.shape[0]} channels, the model reads {self.channels}",
                )
            data = data.mean(0, keepdims=True)
        (length,) = self.size
        if self.sample_rate is None:
            if data.shape[1] != length:
                data = fit_length(resample(data, data.shape[1], length), length)
        else:
            if signal.sample_rate and signal.sample_rate != self.sample_rate:
                data = resample(data, signal.sample_rate, self.sample_rate)
            if data.shape[1] != length:
                log.info("%s: %d samples fitted to %d", signal.name, data.shape[1], length)
                data = fit_length(data, length)
        for name, values in (("mean", self.mean), ("std", self.std)):
            if len(values) not in (1, self.channels):
                raise ValueError(f"{len(values)} {name} values for {self.channels} channels")
        mean = torch.tensor(self.mean, dtype=torch.float32).view(1, -1, 1)
        std = torch.tensor(self.std, dtype=torch.float32).view(1, -1, 1)
        return (torch.tensor(data, dtype=torch.float32)[None] - mean) / std

    def load(self, source: object) -> torch.Tensor:
        """A path, `LoadedSignal` or (C, T) array -> (1, C, L) model input."""
        if isinstance(source, (str, os.PathLike)):
            source = load_signal(source, time_major=self.time_major)
        return self(source)


@dataclass(frozen=True)
class Spectrogram:
    """Power in dB over (frequency, time): `power` (F, N), bin centres `frequencies` (F,) in
    cycles per sample times the rate (Hz when the rate is known) and frame centres `times` (N,)
    in samples divided by the rate (seconds when known)."""

    power: np.ndarray
    frequencies: np.ndarray
    times: np.ndarray


def spectrogram(
    data: np.ndarray, sample_rate: float | None = None, window: int = 256, hop: int = 64
) -> Spectrogram:
    """Short-time Fourier transform power of the channel mean, 10 log10(|X|^2 + 1e-12), with a
    periodic Hann window of `window` samples every `hop` samples (the signal zero-padded to one
    window when shorter)."""
    mono = np.asarray(data, dtype=np.float64).reshape(-1, np.shape(data)[-1]).mean(0)
    if len(mono) < window:
        mono = np.pad(mono, (0, window - len(mono)))
    frames = np.lib.stride_tricks.sliding_window_view(mono, window)[::hop]
    taper = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(window) / window)
    power = np.abs(np.fft.rfft(frames * taper, axis=1)).T ** 2
    rate = sample_rate or 1.0
    return Spectrogram(
        (10 * np.log10(power + 1e-12)).astype(np.float32),
        np.fft.rfftfreq(window) * rate,
        (np.arange(len(frames)) * hop + window / 2) / rate,
    )
