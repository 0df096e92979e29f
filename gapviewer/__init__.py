"""gapviewer: see why an image classifier decided what it did.

The public API (`load_model`, `Explainer`, `methods`) is imported lazily so that `import gapviewer`
and the viewer's start do not wait for torch.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"
__all__ = ["Explainer", "Explanation", "load_model", "methods"]

_EXPORTS = {
    "load_model": ("gapviewer.core.models", "load_model"),
    "Explainer": ("gapviewer.core.explain", "Explainer"),
    "Explanation": ("gapviewer.core.explain", "Explanation"),
    "methods": ("gapviewer.core.methods", None),
}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'gapviewer' has no attribute {name!r}")
    module_name, attribute = _EXPORTS[name]
    module = importlib.import_module(module_name)
    return module if attribute is None else getattr(module, attribute)
