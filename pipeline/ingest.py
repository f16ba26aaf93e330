"""Files and folders of news articles -> :class:`Document` (or :class:`IngestError`).

Inputs: ``.md .markdown .txt .html .htm .jsonl`` files, found recursively in
folders (sorted by relative path; hidden files/folders and other extensions
skipped, and so are README-style documentation and gold/prediction JSONL files;
a file named directly is read whatever its extension). The format is
read from the content: YAML front matter, then a markdown/plain or HTML body; a
full HTML page; plain text. A ``.jsonl`` file holds one article per line
(``id``, ``text``, optional ``title``, ``date``, ``url``).

The cleaned text, to which every offset downstream refers, is a sequence of
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from pipeline.document import Document
from pipeline.encoding import DecodeProblem, decode_bytes, guess_script
from pipeline.html_text import Block, html_blocks, looks_like_html, looks_like_page, markdown_blocks
from pipeline.ingest_meta import (boilerplate_kind, date_from_page, date_from_url, guess_locale,
                                  normalise_text, parse_date, split_front_matter, url_from_fields)

SUPPORTED_EXTENSIONS = frozenset((".md", ".markdown", ".txt", ".html", ".htm", ".jsonl"))
PARAGRAPH_SEPARATOR = "\n"
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


# --- finding files ------------------------------------------------------------------------------
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
        document = _build(decoded.text, doc_id, path=str(path), encoding=decoded.encoding,
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
            return _build(self.text, self.doc_id, path=self.path, encoding=self.encoding,
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


# --- building a document ------------------------------------------------------------------------
def document_from_text(raw: str, doc_id: str, *, path: str | Path | None = None) -> Document:
    """A Document from decoded text (front matter / HTML / markdown / plain detected from content)."""
    return _build(raw, doc_id, path=None if path is None else str(path))


def _build(raw: str, doc_id: str, *, path: str | None, encoding: str = "utf-8",
           warnings: list[str] | None = None, overrides: Mapping[str, Any] | None = None,
           line: int | None = None) -> Document:
    warnings = list(warnings or [])
    fields, body, fm_warnings = split_front_matter(normalise_text(raw))
    warnings += fm_warnings
    blocks, page, fmt = _body_blocks(body, has_front_matter=fields is not None)
    text, boilerplate, kinds = _join_blocks(blocks)
    info = _metadata(fields or {}, page, overrides or {}, warnings)
    meta: dict[str, Any] = {
        "warnings": warnings, "boilerplate": boilerplate, "boilerplate_kinds": kinds,
        "script": _script(fields or {}, text), "date_source": info["date_source"],
    }
    meta["locale"] = guess_locale(info["url"], text, meta["script"])
    if line is not None:
        meta["line"] = line
    return Document(doc_id=doc_id, text=text, title=info["title"], date=info["date"], url=info["url"],
                    path=path, fmt=fmt, encoding=encoding, meta=meta)


def _body_blocks(body: str, *, has_front_matter: bool) -> tuple[list[Block], Any, str]:
    if looks_like_page(body):
        blocks, page = html_blocks(body, fragment=False)
        return blocks, page, "html"
    if looks_like_html(body):
        blocks, page = html_blocks(body, fragment=True)
        return blocks, page, "markdown-html" if has_front_matter else "html"
    return markdown_blocks(body), None, "markdown" if has_front_matter else "text"


def _join_blocks(blocks: list[Block]) -> tuple[str, list[list[int]], list[str]]:
    """The cleaned text and the [start, end) ranges of boilerplate lines."""
    lines: list[str] = []
    ranges: list[list[int]] = []
    kinds: list[str] = []
    offset = 0
    for block in blocks:
        # a verbatim block is a line of the body _build normalised, and normalising a text normalises
        # its lines (nothing normalise_text changes spans a "\n"): once is enough
        line = " ".join((block.text if block.verbatim else normalise_text(block.text)).split())
        if not line:
            continue
        if lines:
            offset += len(PARAGRAPH_SEPARATOR)
        kind = block.kind or boilerplate_kind(line)
        if kind:
            ranges.append([offset, offset + len(line)])
            kinds.append(kind)
        lines.append(line)
        offset += len(line)
    return PARAGRAPH_SEPARATOR.join(lines), ranges, kinds


def _metadata(fields: Mapping[str, Any], page: Any, overrides: Mapping[str, Any],
              warnings: list[str]) -> dict[str, Any]:
    """title, url, date and date_source from jsonl fields > front matter > page > URL."""
    page_meta = page.meta if page is not None else {}
    title = overrides.get("title") or fields.get("title") or (page.title if page else None) \
        or page_meta.get("og:title")
    url = overrides.get("url") or url_from_fields(fields) \
        or (page.canonical if page else None) or page_meta.get("og:url")
    date, source = _date_and_source(fields, page, overrides, url, warnings)
    return {"title": _clean_title(title), "url": str(url).strip() if url else None,
            "date": date, "date_source": source}


def _date_and_source(fields: Mapping[str, Any], page: Any, overrides: Mapping[str, Any],
                     url: Any, warnings: list[str]) -> tuple[Any, str | None]:
    """The publication date and where it came from (the front matter's own date_source wins)."""
    declared = str(fields["date_source"]) if fields.get("date_source") else None
    for value, origin in ((overrides.get("date"), "jsonl"), (fields.get("date"), "front_matter")):
        if value in (None, ""):
            continue
        date = parse_date(value)
        if date is not None:
            return date, declared or origin
        warnings.append(f"{origin} date: expected a date such as 2025-02-08, found {value!r}")
    inferred = [(date_from_page(page) if page is not None else None, "html_meta"),
                (date_from_url(str(url)) if url else None, "url")]
    for date, origin in inferred:
        if date is not None:
            return date, origin
    return None, declared


def _clean_title(title: Any) -> str | None:
    if title is None:
        return None
    cleaned = " ".join(normalise_text(str(title)).split())
    return cleaned or None


def _script(fields: Mapping[str, Any], text: str) -> str | None:
    declared = str(fields.get("script") or "").strip().lower()
    if declared in ("simplified", "traditional"):
        return declared
    return guess_script(text)
