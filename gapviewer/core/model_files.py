"""Reading weight files safely: safetensors, state dicts, and (trusted only) code-bearing files.

`torch.load(..., weights_only=True)` always; whole pickled modules and TorchScript archives run
code when loaded, so they load only with an explicit per-file trust choice, and the refusal names
the Python objects found and how to re-save the file as a state dict.
"""

from __future__ import annotations

import json
import pickle
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn

_WRAPPER_KEYS = ("state_dict", "model_state_dict", "model", "net", "module")
_PREFIXES = ("module.", "_orig_mod.")
RESAVE_HINT = (
    "re-save it as a state dict in a trusted Python session: "
    "torch.save(model.state_dict(), 'weights.pt') or "
    "safetensors.torch.save_file(model.state_dict(), 'weights.safetensors')"
)


class ModelLoadError(ValueError):
    """A model or weights file could not be used; the message is one line naming the file."""


class UntrustedFileError(ModelLoadError):
    """The file needs code execution to load and the user has not trusted it."""


@dataclass
class WeightsFile:
    """What a weights file held: a state dict, or (trusted files only) a whole module."""

    path: Path
    state_dict: dict[str, torch.Tensor] | None = None
    module: nn.Module | None = None
    metadata: dict[str, str] = field(default_factory=dict)


def _is_torchscript(path: Path) -> bool:
    if not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as archive:
        return any(
            name.endswith("constants.pkl") or "/code/" in name for name in archive.namelist()
        )


def _is_checkpoint_container(path: Path) -> bool:
    """torch.save writes a zip archive, or (legacy format) a pickle of protocol 2 or higher."""
    if zipfile.is_zipfile(path):
        return True
    with path.open("rb") as handle:
        head = handle.read(2)
    return len(head) == 2 and head[0] == 0x80 and head[1] >= 2


def _unwrap(obj: object, path: Path) -> dict[str, torch.Tensor]:
    for _ in range(3):
        if isinstance(obj, dict) and not all(isinstance(v, torch.Tensor) for v in obj.values()):
            inner = next((obj[k] for k in _WRAPPER_KEYS if isinstance(obj.get(k), dict)), None)
            if inner is None:
                break
            obj = inner
    if not isinstance(obj, dict) or not obj:
        raise ModelLoadError(f"{path.name}: holds no state dict of tensors")
    state = {k: v for k, v in obj.items() if isinstance(v, torch.Tensor)}
    if not state:
        raise ModelLoadError(f"{path.name}: holds no tensors")
    for prefix in _PREFIXES:
        if all(k.startswith(prefix) for k in state):
            state = {k[len(prefix) :]: v for k, v in state.items()}
    return state


def read_weights(path: str | Path, trust: bool = False) -> WeightsFile:
    """Read a .safetensors or .pt/.pth state dict; if trusted, a pickled module or TorchScript."""
    path = Path(path)
    if not path.is_file():
        raise ModelLoadError(
            f"{path.name}: no such file" if not path.exists() else f"{path.name}: not a file"
        )
    if path.suffix == ".safetensors":
        return _read_safetensors(path)
    if _is_torchscript(path):
        if not trust:
            raise UntrustedFileError(
                f"{path.name}: is a TorchScript archive, which runs code when loaded; pass "
                f"--trust (trust=True) for this file only if you trust its author, or {RESAVE_HINT}"
            )
        return WeightsFile(path, module=torch.jit.load(str(path), map_location="cpu"))
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        if not _is_checkpoint_container(path):
            raise ModelLoadError(
                f"{path.name}: not a PyTorch file (neither a zip archive nor a pickle)"
            ) from error
        if not trust:
            raise UntrustedFileError(_refusal(path)) from error
        return _load_trusted_pickle(path)
    except Exception as error:  # corrupt, truncated or not a torch file at all
        raise ModelLoadError(
            f"{path.name}: not a readable PyTorch file ({_first_line(error)})"
        ) from error
    if isinstance(obj, nn.Module):
        return WeightsFile(path, module=obj)
    return WeightsFile(path, state_dict=_unwrap(obj, path))


def _load_trusted_pickle(path: Path) -> WeightsFile:
    """Full unpickling, reached only when the user trusted this very file."""
    obj = torch.load(path, map_location="cpu", weights_only=False)  # trusted by the user
    if isinstance(obj, nn.Module):
        return WeightsFile(path, module=obj)
    return WeightsFile(path, state_dict=_unwrap(obj, path))


def _refusal(path: Path) -> str:
    try:
        found = torch.serialization.get_unsafe_globals_in_checkpoint(path)
    except Exception:  # the scan itself may fail on odd files; the refusal still stands
        found = []
    objects = ", ".join(found[:6]) + (" ..." if len(found) > 6 else "") if found else "unknown"
    return (
        f"{path.name}: needs Python objects to load ({objects}), which can run code; pass "
        f"--trust (trust=True) for this file only if you trust its author, or {RESAVE_HINT}"
    )


def _read_safetensors(path: Path) -> WeightsFile:
    from safetensors import SafetensorError
    from safetensors.torch import load_file, safe_open

    try:
        with safe_open(str(path), framework="pt") as handle:
            metadata = dict(handle.metadata() or {})
        state = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as error:
        raise ModelLoadError(
            f"{path.name}: not a readable safetensors file ({_first_line(error)})"
        ) from error
    return WeightsFile(path, state_dict=_unwrap(state, path), metadata=metadata)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__


def gapviewer_metadata(weights: WeightsFile) -> dict:
    """The JSON document gapviewer stores under the 'gapviewer' safetensors metadata key."""
    raw = weights.metadata.get("gapviewer")
    if raw is None:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ModelLoadError(
            f"{weights.path.name}: corrupt gapviewer metadata ({error})"
        ) from error
    return value if isinstance(value, dict) else {}
