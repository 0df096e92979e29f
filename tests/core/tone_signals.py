"""Synthetic labelled signals for training tests and benchmarks: one class per tone frequency.

Each signal is a sinusoid of the class frequency with random phase and amplitude (0.3 to 0.8) in
white Gaussian noise, clipped to [-1, 1]: what a microphone records of a steady tone (a tuning
fork, a machine hum) in a noisy room. Files are written in the layout `gapviewer train` reads,
the formats (NPY float32, 16-bit PCM WAV, one-row CSV) taking turns within each class.
"""

from __future__ import annotations

import wave
from collections.abc import Mapping
from pathlib import Path

import numpy as np

FORMATS = (".npy", ".wav", ".csv")


def tone(
    frequency: float, rng: np.random.Generator, rate: float, length: int, noise: float = 0.05
) -> np.ndarray:
    """`length` samples at `rate` Hz of a `frequency` Hz tone in noise of std `noise`."""
    time = np.arange(length) / rate
    amplitude = rng.uniform(0.3, 0.8)
    phase = rng.uniform(0, 2 * np.pi)
    signal = amplitude * np.sin(2 * np.pi * frequency * time + phase)
    return np.clip(signal + rng.normal(0, noise, length), -1, 1)


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    """Mono 16-bit PCM WAV through the standard library."""
    with wave.open(str(path), "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes((samples * 32767).round().astype("<i2").tobytes())


def write_signal(path: Path, samples: np.ndarray, rate: int) -> None:
    """NPY (float32), WAV (at `rate`) or CSV (one row) by the path's suffix."""
    if path.suffix == ".npy":
        np.save(path, samples.astype(np.float32))
    elif path.suffix == ".wav":
        write_wav(path, samples, rate)
    else:
        path.write_text(",".join(f"{value:.6f}" for value in samples) + "\n")


def write_tone_folder(
    root: Path,
    tones: Mapping[str, float],
    per_class: int,
    *,
    rate: int,
    length: int,
    noise: float = 0.05,
    seed: int = 0,
) -> Path:
    """root/<class>/<nn>.{npy,wav,csv}, `per_class` tones of each class's frequency."""
    rng = np.random.default_rng(seed)
    for name, frequency in tones.items():
        (root / name).mkdir(parents=True)
        for number in range(per_class):
            path = root / name / f"{number:02d}{FORMATS[number % len(FORMATS)]}"
            write_signal(path, tone(frequency, rng, rate, length, noise), rate)
    return root
