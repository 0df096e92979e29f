"""Checks shared by the array loaders (signals, multi-channel images): numbers only, never
pickles, and a size budget read from the header before any data is decoded."""

from __future__ import annotations

import math

import numpy as np

from .images import ImageLoadError


def check_numeric(dtype: np.dtype, where: str, error: type[ImageLoadError]) -> None:
    """Refuse object (pickle), complex, structured and non-numeric arrays with a one-line reason."""
    if dtype.hasobject:
        raise error(where, "holds Python objects, not numbers (refused: pickle)")
    if dtype.kind == "c":
        raise error(where, "complex values: save the magnitude or real/imag channels")
    if dtype.kind not in "biuf" or dtype.fields:
        raise error(where, f"unsupported array type {dtype}")


def check_budget(
    where: str, values: int, max_values: int, error: type[ImageLoadError], too_big: str
) -> None:
    """Refuse more than `max_values` values ("too long" for signals, "too large" for images)."""
    if values > max_values:
        raise error(
            where, f"{too_big}: {values:,} values exceed the memory budget of {max_values:,}"
        )


def read_npy(
    where: str, max_values: int, error: type[ImageLoadError], too_big: str = "too large"
) -> np.ndarray:
    """An NPY file's array, its header checked first (version, type, size); never unpickles."""
    with open(where, "rb") as file:
        try:
            version = np.lib.format.read_magic(file)
            read_header = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )
            shape, _, dtype = read_header(file)
        except ValueError as failure:
            raise error(where, f"not a valid NPY file ({failure})") from failure
    check_numeric(dtype, where, error)
    check_budget(where, math.prod(shape), max_values, error, too_big)
    try:
        return np.load(where, allow_pickle=False)
    except ValueError as failure:
        raise error(where, f"corrupt NPY data ({failure})") from failure
