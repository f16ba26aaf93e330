"""Stage 5, emit: JSONL records written atomically (temporary file renamed into place), resumably.

``OutputWriter`` streams each input's records to ``DIR/<name>.jsonl.partial`` as results
arrive, in input order, and renames the files into place when the run completes, so a reader
never sees half a file. After the records of one input (a file, or one line of a ``.jsonl``)
are written, a line goes to the journal ``DIR/.capex-journal.jsonl``: the input's key, the
records it produced and, for every output file, the offset where its records end and the
SHA-256 of its bytes. ``OutputWriter(..., resume=True)`` reads the journal back, checks each
entry against the bytes actually in the files (a killed run may have left a record half
written, or written records after the journal's last entry), cuts the files at the last
entry that checks out and appends from there: the final files are byte for byte those of an
uninterrupted run. The journal stays beside the finished files so that a later ``--resume``
can check them too.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

OUTPUT_FILES = ("documents", "facts", "mentions", "errors")
JOURNAL = ".capex-journal.jsonl"
JOURNAL_VERSION = 1


# Lines are encoded by orjson (about 4x faster than the json module's C encoder: a document has
# dozens of lines). What orjson refuses (an int beyond 64 bits, a non-str key) goes to json with
# the same compact separators, so every line has the same layout.
_FALLBACK = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps_bytes(record: Any) -> bytes:
    """One JSON line as UTF-8 bytes, compact, Chinese kept as written (a lone surrogate, which
    UTF-8 cannot hold, as its JSON escape)."""
    try:
        return orjson.dumps(record)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return _FALLBACK.encode(record).encode("utf-8", "backslashreplace")


def dumps(record: Any) -> str:
    """``dumps_bytes`` as text."""
    return dumps_bytes(record).decode("utf-8")


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


@dataclass
class DocResult:
    """What one document (or one input that gave no document) adds to the output files:
    the JSONL text per file, how many records that is, and the error stage if it failed."""

    lines: dict[str, bytes] = field(default_factory=dict)  # UTF-8: encoded where the records are made
    counts: dict[str, int] = field(default_factory=dict)
    error_stage: str | None = None

    @classmethod
    def from_records(cls, records: dict[str, Sequence[Any]], error_stage: str | None = None) -> DocResult:
        # bytes, as written: a pool worker encodes them, and bytes cross to the driver without the
        # UTF-8 round trip a str would take in pickle
        lines: dict[str, bytes] = {}
        counts: dict[str, int] = {}
        for name, items in records.items():
            if items:
                lines[name] = _jsonl_bytes(items)
                counts[name] = len(items)
        return cls(lines, counts, error_stage)


def _jsonl_bytes(records: Sequence[Any]) -> bytes:
    """``dumps_bytes`` of each record, a line each: orjson called directly (a document has dozens
    of records), ``dumps_bytes`` for all of them once orjson refuses one."""
    try:
        return b"\n".join([_orjson_dumps(r) for r in records]) + b"\n"
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return b"\n".join([dumps_bytes(r) for r in records]) + b"\n"


_orjson_dumps = orjson.dumps


@dataclass
class JournalEntry:
    key: str
    counts: dict[str, int]
    error_kinds: dict[str, int]
    files: dict[str, tuple[int, str]]  # name -> (end offset, sha256 of this entry's bytes)

    def to_json(self) -> dict:
        return {"key": self.key, "counts": self.counts, "error_kinds": self.error_kinds,
                "files": {name: list(value) for name, value in self.files.items()}}

    @classmethod
    def from_json(cls, data: dict) -> JournalEntry:
        return cls(str(data["key"]), dict(data.get("counts") or {}), dict(data.get("error_kinds") or {}),
                   {name: (int(v[0]), str(v[1])) for name, v in (data.get("files") or {}).items()})


def confirmed_entries(out_dir: Path) -> list[JournalEntry]:
    """The journal entries of ``out_dir`` that its files' bytes confirm, in order (read only).

    Each output file is read from its partial file if there is one, else from the final file;
    reading stops at the first entry whose offsets or hashes do not match."""
    out_dir = Path(out_dir)
    entries = _read_journal(out_dir / JOURNAL)
    if not entries:
        return []
    handles = {}
    try:
        for name in OUTPUT_FILES:
            for path in (out_dir / f"{name}.jsonl.partial", out_dir / f"{name}.jsonl"):
                if path.exists():
                    handles[name] = path.open("rb")
                    break
        offsets = {name: 0 for name in OUTPUT_FILES}
        for number, entry in enumerate(entries):
            for name, (end, digest) in entry.files.items():
                if name not in handles or end < offsets[name]:
                    return entries[:number]
                data = handles[name].read(end - offsets[name])
                if len(data) != end - offsets[name] or hashlib.sha256(data).hexdigest() != digest:
                    return entries[:number]
                offsets[name] = end
        return entries
    finally:
        for handle in handles.values():
            handle.close()


def _read_journal(path: Path) -> list[JournalEntry]:
    if not path.exists():
        return []
    entries: list[JournalEntry] = []
    with path.open("rb") as stream:
        for number, raw in enumerate(stream):
            if not raw.endswith(b"\n"):
                break  # the last line was being written when the run stopped
            try:
                data = json.loads(raw)
            except ValueError:
                break
            if number == 0:
                if not isinstance(data, dict) or data.get("journal") != JOURNAL_VERSION:
                    return []
                continue
            try:
                entries.append(JournalEntry.from_json(data))
            except (KeyError, TypeError, ValueError, IndexError, AttributeError):
                break
    return entries


class OutputWriter:
    """Streams records into ``DIR/<name>.jsonl.partial``; ``commit`` renames them into place."""

    def __init__(self, out_dir: Path, *, resume: bool = False):
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.entries: list[JournalEntry] = []
        self.offsets = {name: 0 for name in OUTPUT_FILES}
        self.counts = {name: 0 for name in OUTPUT_FILES}
        if resume:
            self._recover()
        else:
            self._start_fresh()
        # unbuffered: an entry is one write per file, in the file once written (no flush to call)
        self.streams = {name: self.partial_path(name).open("r+b", buffering=0) for name in OUTPUT_FILES}
        for name, stream in self.streams.items():
            stream.seek(self.offsets[name])
            stream.truncate()
        self.journal = self.journal_path.open("ab", buffering=0)

    # -- paths
    def partial_path(self, name: str) -> Path:
        return self.out_dir / f"{name}.jsonl.partial"

    def final_path(self, name: str) -> Path:
        return self.out_dir / f"{name}.jsonl"

    @property
    def journal_path(self) -> Path:
        return self.out_dir / JOURNAL

    # -- starting
    def _start_fresh(self) -> None:
        for name in OUTPUT_FILES:
            self.partial_path(name).write_bytes(b"")
        self.journal_path.unlink(missing_ok=True)
        header = {"journal": JOURNAL_VERSION, "files": list(OUTPUT_FILES)}
        self.journal_path.write_bytes(dumps_bytes(header) + b"\n")

    def _recover(self) -> None:
        """Take the files of an earlier run back as partial files and keep the journal entries
        their bytes confirm; everything after the first entry that does not check out is cut."""
        self.entries = confirmed_entries(self.out_dir)
        for name in OUTPUT_FILES:
            partial, final = self.partial_path(name), self.final_path(name)
            if not partial.exists():
                if final.exists():
                    os.replace(final, partial)
                else:
                    partial.write_bytes(b"")
        for entry in self.entries:
            for name, (end, _) in entry.files.items():
                self.offsets[name] = end
            for name, count in entry.counts.items():
                self.counts[name] = self.counts.get(name, 0) + count
        # the journal keeps the confirmed entries only (rewritten atomically)
        header = {"journal": JOURNAL_VERSION, "files": list(OUTPUT_FILES)}
        text = "".join(dumps(x) + "\n" for x in [header] + [e.to_json() for e in self.entries])
        write_text_atomic(self.journal_path, text)

    # -- writing
    def write_entries(self, inputs: Iterable[tuple[str, Iterable[DocResult]]]) -> list[JournalEntry]:
        """Append the records of each ``(key, results)`` input (its documents in order) and journal
        them: one write per file for them all (a pool hands on a few dozen inputs at a time, and
        four writes per input were a third of the driver's time per document)."""
        offsets = dict(self.offsets)
        blobs: dict[str, list[bytes]] = {}
        entries = []
        for key, results in inputs:
            chunks, counts, error_kinds = _merged(results)
            files: dict[str, tuple[int, str]] = {}
            for name, data in chunks.items():
                blobs.setdefault(name, []).append(data)
                offsets[name] += len(data)
                files[name] = (offsets[name], hashlib.sha256(data).hexdigest())
            entries.append(JournalEntry(key, counts, error_kinds, files))
        for name, parts in blobs.items():
            _write_all(self.streams[name], b"".join(parts))
        self.offsets = offsets
        for entry in entries:
            for name, count in entry.counts.items():
                self.counts[name] = self.counts.get(name, 0) + count
        # the streams are unbuffered: the records are in their files before the journal names them
        _write_all(self.journal, b"".join([dumps_bytes(entry.to_json()) + b"\n" for entry in entries]))
        return entries

    def flush(self) -> None:
        for stream in self.streams.values():
            stream.flush()
        self.journal.flush()

    def commit(self) -> None:
        """Close the partial files and rename each over its final name."""
        for name, stream in self.streams.items():
            stream.flush()
            os.fsync(stream.fileno())
            stream.close()
            os.replace(self.partial_path(name), self.final_path(name))
        self.journal.flush()
        os.fsync(self.journal.fileno())
        self.journal.close()

    def close(self) -> None:
        """Stop without committing: the partial files and the journal stay for ``--resume``."""
        for stream in list(self.streams.values()) + [self.journal]:
            if not stream.closed:
                stream.flush()
                stream.close()

    abort = close


def _merged(results: Iterable[DocResult]) -> tuple[dict[str, bytes], dict[str, int], dict[str, int]]:
    """The bytes per output file, the record counts and the error stages of one input's results."""
    chunks: dict[str, list[bytes]] = {}
    counts: dict[str, int] = {}
    error_kinds: dict[str, int] = {}
    for result in results:
        for name, text in result.lines.items():
            chunks.setdefault(name, []).append(text)
        for name, count in result.counts.items():
            counts[name] = counts.get(name, 0) + count
        if result.error_stage is not None:
            error_kinds[result.error_stage] = error_kinds.get(result.error_stage, 0) + 1
    return {name: b"".join(texts) for name, texts in chunks.items()}, counts, error_kinds


def _write_all(stream: io.RawIOBase, data: bytes) -> None:
    """Write all of ``data`` to an unbuffered file (one write may take only part: a signal came)."""
    written = stream.write(data)
    while written < len(data):
        written += stream.write(memoryview(data)[written:])
