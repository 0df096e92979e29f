"""Labelled image collections: class-subfolder layouts and CSV/JSON lists of `path,label`, with
labels matched to a model's class names, batching, and Pascal VOC boxes beside the images.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import xml.etree.ElementTree as ElementTree
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from .images import list_images

log = logging.getLogger(__name__)

MATCH_MODES = ("auto", "exact", "case-insensitive", "index")
LIST_SUFFIXES = (".csv", ".json")

T = TypeVar("T")


class DatasetError(ValueError):
    """A labelled collection cannot be read (missing folder, malformed list)."""


@dataclass(frozen=True)
class LabelledImage:
    """One image with its label as written in the data and the class index it matched (or None)."""

    path: Path
    label: str
    index: int | None


@dataclass(frozen=True)
class LabelledDataset:
    """Images with labels matched to `class_names`; `unmatched` counts images per unknown label."""

    items: tuple[LabelledImage, ...]
    class_names: tuple[str, ...]
    unmatched: dict[str, int] = field(default_factory=dict)
    ambiguous: dict[str, tuple[int, ...]] = field(default_factory=dict)
    problems: tuple[str, ...] = ()

    @property
    def matched(self) -> tuple[LabelledImage, ...]:
        return tuple(item for item in self.items if item.index is not None)

    def report(self) -> str:
        """A few lines for the user: counts, labels matching no class, ambiguous labels."""
        labels = {item.label for item in self.items}
        lines = [
            f"{len(self.items)} images, {len(labels)} labels, "
            f"{len(self.matched)} images with a label the model knows"
        ]
        if self.unmatched:
            listed = ", ".join(
                f"{label!r} ({count})" for label, count in sorted(self.unmatched.items())
            )
            lines.append(f"labels matching no class of the model: {listed}")
        for label, indices in sorted(self.ambiguous.items()):
            names = ", ".join(str(i) for i in indices)
            lines.append(f"label {label!r} names several classes ({names}); using {indices[0]}")
        lines.extend(self.problems)
        return "\n".join(lines)


def _normalised(label: str) -> str:
    """Case-insensitive comparison key; folder names often write spaces as underscores."""
    return " ".join(label.replace("_", " ").split()).casefold()


def match_labels(
    labels: Iterable[str], class_names: Sequence[str], mode: str = "auto"
) -> tuple[dict[str, int | None], dict[str, tuple[int, ...]]]:
    """Map each label to a class index; also return labels that name several classes.

    "exact" compares names as written; "case-insensitive" ignores case, and underscores versus
    spaces; "index" reads the label as a class number; "auto" tries the three in that order, so
    a class literally named "3" wins over index 3.
    """
    if mode not in MATCH_MODES:
        raise ValueError(f"label matching must be one of {', '.join(MATCH_MODES)}, not {mode!r}")
    exact: dict[str, list[int]] = {}
    loose: dict[str, list[int]] = {}
    for index, name in enumerate(class_names):
        exact.setdefault(name, []).append(index)
        loose.setdefault(_normalised(name), []).append(index)
    matches: dict[str, int | None] = {}
    ambiguous: dict[str, tuple[int, ...]] = {}
    for label in dict.fromkeys(labels):
        candidates: list[int] = []
        if mode in ("auto", "exact"):
            candidates = exact.get(label, [])
        if not candidates and mode in ("auto", "case-insensitive"):
            candidates = loose.get(_normalised(label), [])
        if not candidates and mode in ("auto", "index") and label.strip().isdigit():
            number = int(label)
            candidates = [number] if number < len(class_names) else []
        matches[label] = candidates[0] if candidates else None
        if len(candidates) > 1:
            ambiguous[label] = tuple(candidates)
    return matches, ambiguous


def read_folder(root: str | os.PathLike[str]) -> tuple[list[tuple[Path, str]], list[str]]:
    """(path, label) pairs of the layout `root/<class name>/...` (subfolders searched too), and
    problems worth reporting (unreadable entries, images lying directly in `root`)."""
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"{root}: not a folder")
    pairs: list[tuple[Path, str]] = []
    problems: list[str] = []
    class_folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    for folder in class_folders:
        paths, errors = list_images([folder])
        problems.extend(str(error) for error in errors)
        pairs.extend((path, folder.name) for path in paths)
    loose, _ = list_images([root], recursive=False)
    if loose:
        problems.append(f"{len(loose)} image(s) directly in {root.name} have no class folder")
    return pairs, problems


def _resolve(base: Path, text: str) -> Path:
    path = Path(text.strip())
    return path if path.is_absolute() else base / path


def read_csv_list(file: str | os.PathLike[str]) -> list[tuple[Path, str]]:
    """(path, label) pairs from a CSV file; a header naming `path` and `label` columns is
    optional (without it the first two columns are used). Relative paths start at the file."""
    file = Path(file)
    try:
        with file.open(newline="", encoding="utf-8-sig") as handle:
            rows = [row for row in csv.reader(handle) if any(cell.strip() for cell in row)]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise DatasetError(f"{file.name}: cannot read ({error})") from error
    path_col, label_col = 0, 1
    if rows:
        header = [cell.strip().casefold() for cell in rows[0]]
        if "path" in header and "label" in header:
            path_col, label_col = header.index("path"), header.index("label")
            rows = rows[1:]
    pairs = []
    for number, row in enumerate(rows, start=1):
        if len(row) <= max(path_col, label_col):
            raise DatasetError(f"{file.name}: row {number} has no path and label: {row}")
        pairs.append((_resolve(file.parent, row[path_col]), row[label_col].strip()))
    return pairs


def read_json_list(file: str | os.PathLike[str]) -> list[tuple[Path, str]]:
    """(path, label) pairs from JSON: a list of {"path", "label"} objects or [path, label] pairs,
    or one object mapping path to label. Relative paths start at the file."""
    file = Path(file)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DatasetError(f"{file.name}: cannot read ({error})") from error
    entries = list(data.items()) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise DatasetError(f"{file.name}: expected a list of path/label entries")
    pairs = []
    for number, entry in enumerate(entries, start=1):
        if isinstance(entry, dict) and "path" in entry and "label" in entry:
            path, label = entry["path"], entry["label"]
        elif isinstance(entry, (list, tuple)) and len(entry) == 2:
            path, label = entry
        else:
            raise DatasetError(f"{file.name}: entry {number} is not a path/label pair: {entry!r}")
        pairs.append((_resolve(file.parent, str(path)), str(label).strip()))
    return pairs


def read_dataset(
    source: str | os.PathLike[str], class_names: Sequence[str], match: str = "auto"
) -> LabelledDataset:
    """A labelled collection from a class-subfolder folder or a .csv/.json list, with labels
    matched to `class_names` (see `match_labels`)."""
    source = Path(source)
    problems: list[str] = []
    if source.is_dir():
        pairs, problems = read_folder(source)
    elif source.suffix.lower() == ".csv":
        pairs = read_csv_list(source)
    elif source.suffix.lower() == ".json":
        pairs = read_json_list(source)
    elif source.exists():
        raise DatasetError(f"{source.name}: expected a folder, a .csv or a .json list")
    else:
        raise DatasetError(f"{source}: no such folder or file")
    matches, ambiguous = match_labels((label for _, label in pairs), class_names, match)
    items = tuple(LabelledImage(path, label, matches[label]) for path, label in pairs)
    unmatched = Counter(item.label for item in items if item.index is None)
    if unmatched:
        log.info("%d label(s) match no class of the model", len(unmatched))
    return LabelledDataset(
        items, tuple(class_names), dict(unmatched), ambiguous, tuple(problems)
    )


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most `size` items."""
    if size < 1:
        raise ValueError(f"batch size must be at least 1, got {size}")
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass(frozen=True)
class Box:
    """An annotated object: its name and pixel corners (inclusive, as Pascal VOC writes them)."""

    label: str
    xmin: float
    ymin: float
    xmax: float
    ymax: float


def voc_boxes(image_path: str | os.PathLike[str]) -> list[Box]:
    """The boxes of the Pascal VOC XML file beside an image (same name, .xml); [] when there is
    none. A malformed file is a DatasetError naming it."""
    xml_path = Path(image_path).with_suffix(".xml")
    if not xml_path.is_file():
        return []
    try:
        root = ElementTree.parse(xml_path).getroot()
        boxes = []
        for obj in root.iter("object"):
            box = obj.find("bndbox")
            name = (obj.findtext("name") or "").strip()
            if box is None:
                continue
            corners = [float(box.findtext(key, "")) for key in ("xmin", "ymin", "xmax", "ymax")]
            boxes.append(Box(name, *corners))
    except (ElementTree.ParseError, ValueError, OSError) as error:
        raise DatasetError(f"{xml_path.name}: not a Pascal VOC annotation ({error})") from error
    return boxes
