"""Markup to paragraphs: HTML (pages and fragments) and light markdown.

The output is a list of :class:`Block` (one paragraph each, with an optional
boilerplate ``kind``); :mod:`pipeline.ingest` joins them into the cleaned text.

HTML uses the stdlib ``html.parser`` (no recursion, so unclosed tags and
10,000-level nesting are fine). Block elements and ``<br>`` end a paragraph; a
table cell boundary is a space (cells of one row stay one line, rows are lines).
Scripts, styles, comments, attributes and images leave no text; entities are
decoded. Cells of a table (or ``<figure>``) that holds an image are photo
captions: kind ``"caption"``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

BLOCK_TAGS = frozenset(
    "p div br li ul ol dl dt dd tr table thead tbody tfoot caption h1 h2 h3 h4 h5 h6 section article "
    "blockquote header footer nav aside main figure figcaption hr pre address form fieldset "
    "details summary center".split())
CELL_TAGS = frozenset(("td", "th"))
SKIP_TAGS = frozenset(("script", "style", "noscript", "template", "svg", "math", "iframe", "object",
                       "select", "textarea", "title"))
PARAGRAPH_TAGS = frozenset("p li td th h1 h2 h3 h4 h5 h6 dt dd caption figcaption".split())
PHOTO_CONTAINERS = frozenset(("table", "figure"))
MAX_CAPTION_BLOCKS = 4
MAX_CAPTION_CHARS = 150
VOID_TAGS = frozenset("area base br col embed hr img input link meta source track wbr".split())

# Every pattern here runs on whole pages and on 1 MB lines: none may backtrack more than linearly
# (a tag's attributes stop at the next '<', a comment at its first '-->', link text at the next bracket).
HTML_HINT = re.compile(
    r"<(?:p|div|table|br|span|h[1-6]|ul|ol|li|img|a|strong|b|em|section|article|figure|tr|td)\b[^<>]*>"
    r"|</(?:p|div|span|table|a|strong)>|<!--", re.IGNORECASE)
PAGE_HINT = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--(?:(?!-->).)*-->\s*)*+<(?:!doctype\s+html|html)\b",
                       re.IGNORECASE | re.DOTALL)

# Light markdown: [text](url) -> text, ![alt](url) -> nothing, heading marks and rules dropped.
# a URL may hold one level of brackets (wiki/Foo_(bar))
MD_IMAGE = re.compile(r"!\[[^\[\]\n]*\]\([^()\n]*(?:\([^()\n]*\)[^()\n]*)*\)")
MD_LINK = re.compile(r"\[([^\[\]\n]+)\]\((?:[^()\s]+(?:\([^()\s]*\)[^()\s]*)*)(?:\s+\"[^\"\n]{0,500}\")?\)")
MD_RULE = re.compile(r"^\s*(?:[-=]{3,}|(?:\*\s*){3,}|(?:_\s*){3,})\s*$")
MD_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)")
MD_HEADING_TAIL = re.compile(r"\s+#+\s*$")


@dataclass
class Block:
    text: str
    kind: str | None = None  # "caption" | "footer" | None
    verbatim: bool = False  # ``text`` is a line of the input as it was (no markup removed)


@dataclass
class PageMeta:
    """What an HTML page says about itself (all optional)."""

    title: str | None = None
    meta: dict[str, str] = field(default_factory=dict)  # lower-cased name/property/itemprop -> content
    canonical: str | None = None
    time: str | None = None  # first <time datetime=…>


def looks_like_page(text: str) -> bool:
    """A full HTML document (doctype or <html> first)."""
    return bool(PAGE_HINT.match(text[:4096]))


def looks_like_html(text: str) -> bool:
    """Any HTML markup worth parsing (paragraph, table, line break, comment …)."""
    return bool(HTML_HINT.search(text))


def markdown_line(line: str) -> str | None:
    """One markdown line as plain text; None for a line that is only markup (rule, underline)."""
    if MD_RULE.match(line):
        return None
    if "#" in line and MD_HEADING.match(line):
        line = MD_HEADING_TAIL.sub("", MD_HEADING.sub("", line, count=1))
    if "[" not in line:  # images and links start with one: most lines have neither
        return line
    line = MD_IMAGE.sub("", line)
    return MD_LINK.sub(r"\1", line)


def markdown_blocks(text: str) -> list[Block]:
    """Plain text / markdown: each non-empty line is a paragraph."""
    blocks = []
    for line in text.split("\n"):
        cleaned = markdown_line(line)
        if cleaned is not None and cleaned.strip():
            blocks.append(Block(cleaned, verbatim=cleaned == line))
    return blocks


def markdown_in_fragment(text: str) -> str:
    """Markdown lines around an HTML fragment (the seed's `[title](url)` + `------`) made plain."""
    lines = []
    for line in text.split("\n"):
        if line.lstrip().startswith("<"):
            lines.append(line)
            continue
        cleaned = markdown_line(line)
        lines.append("" if cleaned is None else cleaned)
    return "\n".join(lines)


def html_blocks(html: str, *, fragment: bool) -> tuple[list[Block], PageMeta]:
    """Paragraph blocks and page metadata of an HTML page or fragment.

    In a fragment (an HTML body under markdown front matter, or markdown text with
    some inline HTML) source lines count as in markdown/plain text: outside any
    paragraph element a newline ends a paragraph; inside one, a blank line does.
    """
    if fragment:
        html = markdown_in_fragment(html)
    parser = _TextExtractor(blank_line_breaks=fragment)
    parser.feed(_escape_unclosed_tail(html))
    parser.close()
    parser.finish()
    return parser.blocks, parser.page


def _escape_unclosed_tail(html: str) -> str:
    """``<`` after the last ``>`` as ``&lt;``: no tag or comment can end there, so html.parser would
    give that text as it is anyway, but it gets there by rescanning to the end from every ``<``
    (quadratic: 20,000 unclosed ``<a`` take half a minute)."""
    last = html.rfind(">")
    if html.find("<", last + 1) < 0:
        return html
    return html[:last + 1] + html[last + 1:].replace("<", "&lt;")


def _caption_sized(blocks: list[Block]) -> bool:
    """Text around a photo is a caption when short; a layout table with an image is not."""
    return len(blocks) <= MAX_CAPTION_BLOCKS and all(len(b.text) <= MAX_CAPTION_CHARS for b in blocks)


class _TextExtractor(HTMLParser):
    def __init__(self, *, blank_line_breaks: bool) -> None:  # True for fragments
        super().__init__(convert_charrefs=True)
        self.blank_line_breaks = blank_line_breaks
        self.blocks: list[Block] = []
        self.page = PageMeta()
        self._parts: list[str] = []
        self._skip: list[str] = []             # open skipped elements (script, style …)
        self._photo: list[list] = []           # open [tag, has_image, first_block_index]
        self._pre = 0
        self._in_paragraph = 0                 # open <p>, <li>, <td> … (fragment line rule)
        self._title: list[str] | None = None

    # --- tags -----------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._note_metadata(tag, attrs)
        if tag in SKIP_TAGS:
            if tag == "title" and self.page.title is None:
                self._title = []
            self._skip.append(tag)
            return
        if self._skip:
            return
        self._boundary(tag)
        if tag in PHOTO_CONTAINERS:
            self._photo.append([tag, False, len(self.blocks)])
        elif tag == "img" and self._photo:
            self._photo[-1][1] = True
        elif tag == "pre":
            self._pre += 1
        if tag in PARAGRAPH_TAGS:
            self._in_paragraph += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            self._close_skip(tag)
            return
        self._boundary(tag)
        if tag in PHOTO_CONTAINERS:
            self._close_photo(tag)
        elif tag == "pre" and self._pre:
            self._pre -= 1
        if tag in PARAGRAPH_TAGS and self._in_paragraph:
            self._in_paragraph -= 1

    def handle_data(self, data: str) -> None:
        if self._skip:
            if self._title is not None and self._skip[-1] == "title":
                self._title.append(data)
            return
        if self._pre or (self.blank_line_breaks and not self._in_paragraph):
            pieces = data.split("\n")
        elif self.blank_line_breaks:
            pieces = re.split(r"\n[ \t\u3000\xa0]*\n", data)
        else:
            pieces = [data]
        for index, piece in enumerate(pieces):
            if index:
                self._flush()
            self._parts.append(piece)

    def finish(self) -> None:
        """Flush the last paragraph and close what the page left open."""
        self._flush()
        while self._photo:
            self._close_photo(self._photo[-1][0])

    # --- helpers --------------------------------------------------------------------------
    def _boundary(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self._flush()
        elif tag in CELL_TAGS:
            self._parts.append(" ")

    def _flush(self) -> None:
        text = " ".join("".join(self._parts).split())
        self._parts = []
        if text:
            self.blocks.append(Block(text))

    def _close_skip(self, tag: str) -> None:
        if tag not in SKIP_TAGS or tag not in self._skip:
            return
        while self._skip:
            open_tag = self._skip.pop()
            if open_tag == "title" and self._title is not None:
                self.page.title = " ".join("".join(self._title).split()) or None
                self._title = None
            if open_tag == tag:
                return

    def _close_photo(self, tag: str) -> None:
        self._flush()
        if not any(entry[0] == tag for entry in self._photo):
            return
        while self._photo:
            open_tag, has_image, first = self._photo.pop()
            inside = self.blocks[first:]
            if has_image and _caption_sized(inside):
                for block in inside:
                    block.kind = "caption"
            if open_tag == tag:
                return

    def _note_metadata(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("meta", "link", "time"):
            return
        values = {k.lower(): (v or "").strip() for k, v in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
            if key and values.get("content") and key not in self.page.meta:
                self.page.meta[key] = values["content"]
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.page.canonical = self.page.canonical or values.get("href") or None
        elif tag == "time" and values.get("datetime"):
            self.page.time = self.page.time or values["datetime"]
