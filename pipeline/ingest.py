"""Files and folders of news articles -> :class:`Document` (or :class:`IngestError`).

Inputs: ``.md .markdown .txt .html .htm .jsonl`` files, found recursively in
folders by :mod:`pipeline.inputs` (sorted by relative path; hidden files/folders and other extensions
skipped, and so are README-style documentation and gold/prediction JSONL files;
a file named directly is read whatever its extension). The format is
read from the content: YAML front matter, then a markdown/plain or HTML body; a
full HTML page; plain text. A ``.jsonl`` file holds one article per line
(``id``, ``text``, optional ``title``, ``date``, ``url``).

The cleaned text (built by :mod:`pipeline.ingest_document`), to which every offset
downstream refers, is a sequence of
paragraphs, one per line, joined by a single ``"\\n"``: whitespace runs inside a
paragraph are one space, paragraphs are stripped, empty ones dropped, no blank
lines, no trailing newline. ``\\r\\n``/``\\r`` become ``\\n``; zero-width and control
characters (except ``\\n`` ``\\t``) are removed; NFC. Front matter, URLs of
markdown links, HTML tags/attributes/comments/scripts/styles are not text; the
headline (a markdown ``[title](url)`` line or an ``<h1>``) is.

``doc_id``: the path relative to the folder given, without extension, with
``/`` (``2025/02/foo``); a ``.jsonl`` line adds its ``id``: ``feeds/day1/abc123``.

``Document.meta``: ``warnings`` (list of str), ``boilerplate`` ([start, end)
character ranges of whole lines that are photo captions or copyright footers,
kinds in ``boilerplate_kinds``), ``script`` (simplified|traditional|None),
``locale`` (CN|TW|HK|None: what bare 元 means), ``date_source``
(front_matter|url|html_meta|jsonl, or the front matter's own ``date_source``).
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.document import Document
from pipeline.encoding import DecodeProblem, decode_bytes
from pipeline.ingest_document import build_document
from pipeline.ingest_meta import normalise_text
from pipeline.inputs import doc_id_for

DEFAULT_MAX_BYTES = 10_000_000


@dataclass(frozen=True)
class IngestError:
    """A file (or one jsonl line) that gave no document; ``stage``: read|decode|parse|limits."""

    path: str
    stage: str
    error_type: str
    message: str

    def to_json(self) -> dict:
        return {"path": self.path, "stage": self.stage, "error_type": self.error_type,
                "message": self.message}


# --- reading one file ---------------------------------------------------------------------------
def read_path(path: Path, root: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Document | IngestError]:
    """The documents of one file, or one IngestError; never raises for bad content."""
    return [item.build() if isinstance(item, JsonlLine) else item
            for item in read_path_lazily(path, root, max_bytes=max_bytes)]


def read_path_lazily(path: Path, root: Path, *, max_bytes: int = DEFAULT_MAX_BYTES
                     ) -> list[Document | IngestError | JsonlLine]:
    """``read_path``, except that each line of a .jsonl feed is a ``JsonlLine`` whose Document is
    built by ``build()`` later (by the worker that extracts it, not by the process that reads)."""
    path, root = Path(path), Path(root)
    data = _read_bytes(path, max_bytes)
    if isinstance(data, IngestError):
        return [data]
    try:
        decoded = decode_bytes(data)
    except DecodeProblem as problem:
        return [IngestError(str(path), "decode", "BinaryContent", str(problem))]
    if not _has_text(decoded.text):
        return [_empty(path)]
    doc_id = doc_id_for(path, root)
    if path.suffix.lower() == ".jsonl":
        return _jsonl_lines(decoded.text, doc_id, path, decoded.encoding, decoded.warnings)
    try:
        document = build_document(decoded.text, doc_id, path=str(path), encoding=decoded.encoding,
                          warnings=decoded.warnings)
    except Exception as error:  # noqa: BLE001 - a bad article must not stop the run
        return [IngestError(str(path), "parse", type(error).__name__, f"could not parse: {error}")]
    if not document.text:
        return [IngestError(str(path), "parse", "NoText",
                            "expected article text after the front matter and markup, found none")]
    return [document]


def _read_bytes(path: Path, max_bytes: int) -> bytes | IngestError:
    try:
        if path.is_dir():
            os.listdir(path)
            return IngestError(str(path), "read", "IsADirectoryError", "expected a file, found a folder")
        size = path.stat().st_size
        if size > max_bytes:
            return _too_large(path, max_bytes, size)
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        return IngestError(str(path), "read", type(error).__name__, f"cannot read: {error}")
    if len(data) > max_bytes:
        return _too_large(path, max_bytes, len(data))
    if not data.strip():
        return _empty(path)
    return data


def _has_text(text: str) -> bool:
    """Whether ``normalise_text(text)`` holds more than whitespace. Its first few kB usually say so,
    without normalising a whole feed: a character left there is left in the whole (in context it can
    only compose with what follows, into another character that is not whitespace)."""
    head = text[:_HEAD_CHARS]
    if normalise_text(head).strip():
        return True
    return len(text) > len(head) and bool(normalise_text(text).strip())


_HEAD_CHARS = 4096


def _too_large(path: Path, max_bytes: int, size: int) -> IngestError:
    return IngestError(str(path), "limits", "FileTooLarge",
                       f"file too large: expected at most {max_bytes} bytes, found {size}")


def _empty(path: Path) -> IngestError:
    return IngestError(str(path), "read", "EmptyFile", "empty file: expected article text, found none")


@dataclass(frozen=True)
class JsonlLine:
    """One line of a .jsonl feed, parsed and checked (its id is unique in the feed), its
    Document not built yet: ``build()`` builds it, or gives the IngestError building raised."""

    text: str
    doc_id: str
    path: str
    encoding: str
    warnings: tuple[str, ...]
    overrides: Mapping[str, Any]
    line: int

    def build(self) -> Document | IngestError:
        try:
            return build_document(self.text, self.doc_id, path=self.path, encoding=self.encoding,
                          warnings=list(self.warnings), overrides=self.overrides, line=self.line)
        except Exception as error:  # noqa: BLE001 - one bad line must not lose the others
            return IngestError(self.path, "parse", type(error).__name__, f"line {self.line}: {_line_problem(error)}")


def _jsonl_lines(text: str, stem: str, path: Path, encoding: str,
                 warnings: list[str]) -> list[JsonlLine | IngestError]:
    """One item per line; a broken line gives one IngestError and the rest still come."""
    results: list[JsonlLine | IngestError] = []
    ids: set[str] = set()
    for number, line in enumerate(text.split("\n"), start=1):  # not splitlines: JSON may hold U+2028
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            line_warnings = list(warnings)
            if _ESCAPED_SURROGATE.search(line):
                record, replaced = _without_lone_surrogates(record)
                if replaced:
                    line_warnings.append(f"line {number}: {replaced} lone surrogate escapes (\\ud800-\\udfff, "
                                         "not a character) replaced by U+FFFD")
            doc_id = f"{stem}/{_record_id(record, ids)}"
            overrides = {key: record.get(key) for key in ("title", "date", "url")}
            results.append(JsonlLine(record["text"], doc_id, str(path), encoding, tuple(line_warnings),
                                     overrides, number))
        except Exception as error:  # noqa: BLE001 - one bad line must not lose the others
            kind = type(error).__name__
            results.append(IngestError(str(path), "parse", kind, f"line {number}: {_line_problem(error)}"))
    return results


# JSON can escape half a surrogate pair (\ud800) that no UTF-8 file can hold: such a string would
# stop the writer, so it is replaced (a cheap look at the raw line first: real text never has one).
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_lone_surrogates(value: Any) -> tuple[Any, int]:
    """``value`` with every lone surrogate in its strings replaced by U+FFFD, and how many there were."""
    if isinstance(value, str):
        return _LONE_SURROGATE.subn("\ufffd", value)
    if isinstance(value, list):
        items = [_without_lone_surrogates(v) for v in value]
        return [v for v, _ in items], sum(n for _, n in items)
    if isinstance(value, dict):
        items = {k: _without_lone_surrogates(v) for k, v in value.items()}
        return {k: v for k, (v, _) in items.items()}, sum(n for _, n in items.values())
    return value, 0


class InvalidRecord(ValueError):
    """A jsonl line that is JSON but not an article record."""


def _record_id(record: Any, ids: set[str]) -> str:
    if not isinstance(record, dict):
        raise InvalidRecord(f"expected a JSON object, found {type(record).__name__}")
    raw_id = record.get("id", record.get("doc_id"))
    if not isinstance(raw_id, (str, int)) or not str(raw_id).strip():
        raise InvalidRecord(f"expected a non-empty 'id' (string or number), found {raw_id!r}")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InvalidRecord(f"expected a non-empty 'text' string, found {type(text).__name__}")
    record_id = str(raw_id).strip()
    if record_id in ids:
        raise InvalidRecord(f"expected a unique 'id', found {record_id!r} again")
    ids.add(record_id)
    return record_id


def _line_problem(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"expected a JSON object, found invalid JSON ({error.msg} at column {error.colno})"
    return str(error)
