"""Finding the article files under the inputs of a run: which files, in which order, and the
``doc_id`` each one's path gives (the reading is :mod:`pipeline.ingest`'s).

Folders are walked recursively, sorted by relative path; hidden files and folders, other
extensions, README-style documentation and gold/prediction JSONL files are skipped; a file
named directly is read whatever its extension; each real file (or symlinked folder) once.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

SUPPORTED_EXTENSIONS = frozenset((".md", ".markdown", ".txt", ".html", ".htm", ".jsonl"))


def iter_inputs(inputs: Sequence[str | Path]) -> Iterator[tuple[Path, Path]]:
    """(file, root) for every article file under ``inputs``; each real file once, in a stable order.

    Raises FileNotFoundError (before yielding anything) when an input does not exist.
    """
    paths = [Path(item) for item in inputs]
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"input not found: expected an existing file or folder, found {str(path)!r}")
    seen: set[str] = set()
    for path in paths:
        found = _walk(path) if path.is_dir() else [(path, path.parent)]
        for file, root in found:
            real = os.path.realpath(file)
            if real not in seen:
                seen.add(real)
                yield file, root


def _walk(root: Path) -> list[tuple[Path, Path]]:
    """Supported files under ``root`` sorted by relative path; symlinked folders followed once."""
    visited = {os.path.realpath(root)}
    pending, files = [root], []
    while pending:
        folder = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            files.append(folder)  # read_path reports why it cannot be listed
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if _is_dir(entry):
                real = os.path.realpath(path)
                if real not in visited:
                    visited.add(real)
                    pending.append(path)
            elif path.suffix.lower() in SUPPORTED_EXTENSIONS and not _is_companion_file(path):
                files.append(path)
    files.sort(key=lambda p: p.relative_to(root).as_posix())
    return [(file, root) for file in files]


# Files that travel with article folders but are not articles: documentation, and gold or
# prediction JSONL (records with facts/mentions and no text). A file named directly is still read.
DOCUMENTATION_STEMS = frozenset(("readme", "changelog", "license", "licence", "notes"))
ANNOTATION_KEYS = frozenset(("facts", "mentions", "span", "companies"))


def _is_companion_file(path: Path) -> bool:
    if path.stem.casefold() in DOCUMENTATION_STEMS:
        return True
    if path.suffix.lower() != ".jsonl":
        return False
    try:
        with open(path, "rb") as handle:
            first = handle.readline(1_000_000)
        record = json.loads(first.decode("utf-8-sig"))
    except (OSError, ValueError):
        return False
    return isinstance(record, dict) and "text" not in record and bool(ANNOTATION_KEYS & record.keys())


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def doc_id_for(path: Path, root: Path) -> str:
    """``path`` relative to ``root``, without extension, with forward slashes."""
    try:
        relative = Path(path).relative_to(root)
    except ValueError:
        relative = Path(Path(path).name)
    return relative.with_suffix("").as_posix()
