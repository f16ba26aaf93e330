"""Stage 5, emit: JSONL records written atomically (temporary file renamed into place).

``OutputWriter`` streams facts, mentions and errors to ``DIR/*.jsonl.partial`` as results
arrive and renames them when the run completes, so a reader never sees half a file.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable

OUTPUT_FILES = ("documents", "facts", "mentions", "errors")


def dumps(record: Any) -> str:
    """One JSON line, Chinese kept as written."""
    return json.dumps(record, ensure_ascii=False, sort_keys=False)


def write_json_atomic(path: Path, data: Any) -> None:
    """Write ``data`` as pretty JSON to ``path`` through a temporary file in the same folder."""
    write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def write_text_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_jsonl_atomic(path: Path, records: Iterable[Any]) -> int:
    lines = [dumps(r) for r in records]
    write_text_atomic(path, "".join(line + "\n" for line in lines))
    return len(lines)


class OutputWriter:
    """Streams records into ``DIR/<name>.jsonl.partial``; ``commit`` renames them into place."""

    def __init__(self, out_dir: Path, append_from: dict[str, Path] | None = None):
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.counts = {name: 0 for name in OUTPUT_FILES}
        self.streams = {}
        for name in OUTPUT_FILES:
            partial = self.partial_path(name)
            self.streams[name] = partial.open("w", encoding="utf-8")
            source = (append_from or {}).get(name)
            if source is not None and source.exists():
                self.counts[name] += self._copy(source, self.streams[name])

    def partial_path(self, name: str) -> Path:
        return self.out_dir / f"{name}.jsonl.partial"

    def final_path(self, name: str) -> Path:
        return self.out_dir / f"{name}.jsonl"

    @staticmethod
    def _copy(source: Path, stream) -> int:
        count = 0
        with source.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    stream.write(line if line.endswith("\n") else line + "\n")
                    count += 1
        return count

    def write(self, name: str, records: Iterable[Any]) -> None:
        stream = self.streams[name]
        for record in records:
            stream.write(dumps(record) + "\n")
            self.counts[name] += 1

    def flush(self) -> None:
        for stream in self.streams.values():
            stream.flush()

    def commit(self) -> None:
        """Close the partial files and rename each over its final name."""
        for name, stream in self.streams.items():
            stream.flush()
            os.fsync(stream.fileno())
            stream.close()
            os.replace(self.partial_path(name), self.final_path(name))

    def abort(self) -> None:
        for stream in self.streams.values():
            if not stream.closed:
                stream.close()
