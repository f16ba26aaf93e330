"""One article's decoded text -> :class:`Document`: the cleaned text every offset refers to
(the contract is in :mod:`pipeline.ingest`'s docstring) and the metadata read from the front
matter, the page and the URL."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.document import Document
from pipeline.encoding import guess_script
from pipeline.html_text import Block, html_blocks, looks_like_html, looks_like_page, markdown_blocks
from pipeline.ingest_meta import (
    boilerplate_kind,
    date_from_page,
    date_from_url,
    guess_locale,
    normalise_text,
    parse_date,
    split_front_matter,
    url_from_fields,
)

PARAGRAPH_SEPARATOR = "\n"


def document_from_text(raw: str, doc_id: str, *, path: str | Path | None = None) -> Document:
    """A Document from decoded text (front matter / HTML / markdown / plain detected from content)."""
    return build_document(raw, doc_id, path=None if path is None else str(path))


def build_document(raw: str, doc_id: str, *, path: str | None, encoding: str = "utf-8",
                   warnings: list[str] | None = None, overrides: Mapping[str, Any] | None = None,
                   line: int | None = None) -> Document:
    """A Document from the decoded text of one article; ``overrides`` (a .jsonl line's fields)
    win over the front matter, ``warnings`` so far are kept, ``line`` is the .jsonl line's."""
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
        # a verbatim block is a line of the body build_document normalised, and normalising a text normalises
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
