"""One article as the fact stage sees it: text, masked text, mentions by type, sentences, clauses."""
from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any, Sequence

import regex

from pipeline.document import Mention
from pipeline.facts.cues import mask_spans
from pipeline.sentences import Segment, split_paragraphs, split_sentences

# Clauses are separated by commas and semicolons (full- and half-width) and the colon after 称/表示.
# A half-width comma or colon between digits is a thousands separator or a time, not a break.
CLAUSE_BREAK = regex.compile(r"[，；;：] | (?<!\d)[,:] | [,:](?!\d)", regex.VERBOSE)
BRACKETS = "（()）"
# Titles of reports and books (《…投资规划研究报告》) name things; their words are not cues.
BOOK_TITLE = regex.compile(r"《[^《》\n]{1,80}》")


@dataclass
class ArticleContext:
    text: str
    mentions: Sequence[Mention]
    groups: Sequence[Any] = ()
    pub_date: dt.date | None = None
    doc_id: str | None = None
    masked: str = ""
    sentences: list[Segment] = field(default_factory=list)
    paragraphs: list[Segment] = field(default_factory=list)

    def __post_init__(self) -> None:
        company_spans = [(m.start, m.end) for m in self.mentions if m.type == "company"]
        company_spans += [m.span() for m in BOOK_TITLE.finditer(self.text)]
        self.masked = mask_spans(self.text, company_spans)
        self.sentences = split_sentences(self.text)
        self.paragraphs = split_paragraphs(self.text)
        self._paragraph_starts = [p.start for p in self.paragraphs]
        # Mentions by type, in the given order, with their starts for bisection when that order is by
        # start: a giant page has thousands of sentences and mentions, and a scan per lookup is quadratic.
        self._by_type: dict[str, list[Mention]] = {}
        for mention in self.mentions:
            self._by_type.setdefault(mention.type, []).append(mention)
        self._starts: dict[str, list[int] | None] = {}
        for kind, found in self._by_type.items():
            starts = [m.start for m in found]
            self._starts[kind] = starts if all(a <= b for a, b in zip(starts, starts[1:])) else None

    def of_type(self, kind: str, start: int = 0, end: int | None = None) -> list[Mention]:
        end = len(self.text) if end is None else end
        found = self._by_type.get(kind, ())
        starts = self._starts.get(kind)
        if starts is not None:  # m.start >= start and m.start <= m.end <= end
            found = found[bisect_left(starts, start):bisect_right(starts, end)]
        return [m for m in found if m.start >= start and m.end <= end]

    def groups_in(self, start: int, end: int) -> list[Any]:
        return [g for g in self.groups if g.start >= start and g.end <= end]

    def clause_start(self, position: int, floor: int) -> int:
        """Offset where the clause holding ``position`` begins (not before ``floor``)."""
        best = floor
        for match in CLAUSE_BREAK.finditer(self.text, floor, position):
            best = match.end()
        return best

    def clause_end(self, position: int, ceiling: int) -> int:
        match = CLAUSE_BREAK.search(self.text, position, ceiling)
        return match.start() if match else ceiling

    def paragraph_of(self, position: int) -> Segment | None:
        index = bisect_right(self._paragraph_starts, position) - 1  # paragraphs are in text order
        if index >= 0 and position < self.paragraphs[index].end:
            return self.paragraphs[index]
        return None

    def is_conversion(self, money: Mention) -> bool:
        """约合… amounts and an amount in brackets right after another amount restate one figure."""
        if money.info.get("conversion") or money.info.get("restates") is not None:
            return True
        before = self.text[max(0, money.start - 2):money.start]
        if not before or before[-1] not in "（(":
            return False
        previous = self.of_type("money", 0, money.start)
        return bool(previous) and self.text[previous[-1].end:money.start].strip() in ("（", "(")
