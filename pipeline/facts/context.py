"""One article as the fact stage sees it: text, masked text, mentions by type, sentences, clauses."""
from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import attrgetter
from typing import Any

import regex

from pipeline.company_table import load_company_table
from pipeline.document import Mention
from pipeline.facts.cues import CueIndexes, mask_spans
from pipeline.sentences import Segment, split_paragraphs, split_sentences

# Clauses are separated by commas and semicolons (full- and half-width) and the colon after 称/表示.
# A half-width comma or colon between digits is a thousands separator or a time, not a break.
FULL_BREAKS, HALF_BREAKS = "，；;：", ",:"
CLAUSE_BREAK = regex.compile(rf"[{FULL_BREAKS}] | (?<!\d)[{HALF_BREAKS}] | [{HALF_BREAKS}](?!\d)", regex.VERBOSE)
# Where a break may be: a full-width one always breaks, and the pattern above decides at the
# half-width ones only. The full-width ones are found one character at a time: ``re`` searches a
# literal like memchr but tests a class at every offset (about 2x the instructions over an article,
# the merge included); the half-width class only where the text has one (``re``, faster than ``regex``).
FULL_BREAK_LITERALS = [re.compile(re.escape(char)) for char in FULL_BREAKS]
HALF_BREAK_CHAR = re.compile(f"[{HALF_BREAKS}]")
MATCH_START, MENTION_START, MENTION_END = re.Match.start, attrgetter("start"), attrgetter("end")
MENTION_TYPE = attrgetter("type")
BRACKETS = "（()）"
# of_type keys for mentions sifted once per article (not mention types): company mentions that are
# not cited sources, those that name a research firm or bank, money mentions that state a figure
SPENDERS = "company/spender"
ANALYSTS = "company/analyst"
FIGURES = "money/figure"
NO_MENTIONS: tuple = ((), None, None)
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

    def __post_init__(self) -> None:
        # Mentions by type, in the given order, with their starts for bisection when that order is by
        # start: a giant page has thousands of sentences and mentions, and a scan per lookup is quadratic.
        # A stable sort by type, grouped: the same lists, with no bytecode per mention.
        by_type = {kind: list(found)
                   for kind, found in groupby(sorted(self.mentions, key=MENTION_TYPE), MENTION_TYPE)}
        company_spans = [(m.start, m.end) for m in by_type.get("company", ())]
        if "《" in self.text:  # most articles cite no title: a substring test spares the pattern's scan
            company_spans += [m.span() for m in BOOK_TITLE.finditer(self.text)]
        self.masked = mask_spans(self.text, company_spans)
        self.sentences = split_sentences(self.text)
        self._paragraphs: list[Segment] | None = None  # split when first asked for (tables, a period's paragraph)
        # kind → (mentions, their starts or None, their ends or None)
        self._by_type: dict[str, tuple[list[Mention], list[int] | None, list[int] | None]] = {}
        for kind, found in by_type.items():
            self._add_kind(kind, found)
        # cues(kind, start, end): the ``kind`` list's words in masked[start:end] (as ``find_cues`` would
        # find them); has_cue(kind, start, end): whether there is one. Asked about a hundred times
        # per article, so they are the index's own methods (no call in between).
        indexes = CueIndexes(self.masked)
        self.cues, self.has_cue = indexes.find, indexes.has
        self._table = load_company_table()
        # Clause breaks of the whole text, found once: clause_start/clause_end bisect them. The offsets
        # are read by map (no bytecode per break); a half-width comma or colon is rare in Chinese text.
        self._breaks = []
        for pattern in FULL_BREAK_LITERALS:
            self._breaks += map(MATCH_START, pattern.finditer(self.text))
        self._breaks.sort()
        self._half_breaks = any(char in self.text for char in HALF_BREAKS)  # else none to look at
        if self._half_breaks:
            halves = [m.start() for m in HALF_BREAK_CHAR.finditer(self.text)
                      if CLAUSE_BREAK.match(self.text, m.start())]
            self._breaks = sorted(self._breaks + halves)

    def _add_kind(self, kind: str, found: list[Mention]) -> None:
        starts, ends = list(map(MENTION_START, found)), list(map(MENTION_END, found))  # map: no bytecode per mention
        in_order = starts == sorted(starts)
        self._by_type[kind] = (found, starts if in_order else None, ends if in_order and ends == sorted(ends) else None)

    def of_type(self, kind: str, start: int = 0, end: int | None = None) -> list[Mention]:
        end = len(self.text) if end is None else end
        found, starts, ends = self._by_type.get(kind, NO_MENTIONS)
        if starts is None:
            return [m for m in found if m.start >= start and m.end <= end]
        first = bisect_left(starts, start)
        if ends is not None:  # ends in order too (no mention inside another): a slice, no scan
            return found[first:bisect_right(ends, end, first)]
        # m.start >= start and m.start <= m.end <= end
        return [m for m in found[first:bisect_right(starts, end)] if m.end <= end]

    def amounts(self, start: int, end: int) -> tuple[Mention, ...]:
        """Money mentions in [start, end) that state a figure, not a restatement of one."""
        if FIGURES not in self._by_type:  # sifted once per article, then looked up like a type
            self._add_kind(FIGURES, [m for m in self.of_type("money") if not self.is_conversion(m)])
        return tuple(self.of_type(FIGURES, start, end))

    def spenders(self, start: int = 0, end: int | None = None) -> list[Mention]:
        """Company mentions in [start, end) that can spend: not a cited source (media, research firm, bank)."""
        if SPENDERS not in self._by_type:  # sifted once per article, then looked up like a type
            self._add_kind(SPENDERS, [m for m in self.of_type("company") if not self._table.is_source(m.name)])
        return self.of_type(SPENDERS, start, end)

    def is_analyst(self, name: str) -> bool:
        """A research firm, bank or broker: it can be a fact's source."""
        return self._table.is_analyst(name)

    def analysts(self, start: int, end: int) -> list[Mention]:
        """Company mentions in [start, end) that name a research firm, bank or broker (``is_analyst``)."""
        if ANALYSTS not in self._by_type:  # sifted once per article, like ``spenders``
            self._add_kind(ANALYSTS, [m for m in self.of_type("company") if self._table.is_analyst(m.name)])
        return self.of_type(ANALYSTS, start, end)

    def groups_in(self, start: int, end: int) -> list[Any]:
        if not self.groups:
            return []  # most articles name no group: no comprehension to set up (asked twice per figure)
        return [g for g in self.groups if g.start >= start and g.end <= end]

    # A clause break is one character, decided by its neighbours. Scanning a window, the regex
    # still sees the character before the window (lookbehind) but not the one after it: a
    # half-width comma or colon at the window's last offset always breaks there.

    def clause_start(self, position: int, floor: int) -> int:
        """Offset where the clause holding ``position`` begins (not before ``floor``)."""
        if self._half_breaks and position > floor and self.text[position - 1] in HALF_BREAKS:
            return position
        index = bisect_left(self._breaks, position)
        if index and self._breaks[index - 1] >= floor:
            return self._breaks[index - 1] + 1
        return floor

    def clause_end(self, position: int, ceiling: int) -> int:
        index = bisect_left(self._breaks, position)
        if index < len(self._breaks) and self._breaks[index] < ceiling:
            return self._breaks[index]
        if self._half_breaks and ceiling > position and self.text[ceiling - 1] in HALF_BREAKS:
            return ceiling - 1
        return ceiling

    @property
    def paragraphs(self) -> list[Segment]:
        if self._paragraphs is None:
            self._paragraphs = split_paragraphs(self.text)
            self._paragraph_starts = [p.start for p in self._paragraphs]
        return self._paragraphs

    def paragraph_of(self, position: int) -> Segment | None:
        paragraphs = self.paragraphs  # split (and their starts found) when first asked for
        index = bisect_right(self._paragraph_starts, position) - 1  # paragraphs are in text order
        if index >= 0 and position < paragraphs[index].end:
            return paragraphs[index]
        return None

    def is_conversion(self, money: Mention) -> bool:
        """约合… amounts and an amount in brackets right after another amount restate one figure."""
        if money.info.get("conversion") or money.info.get("restates") is not None:
            return True
        if not money.start or self.text[money.start - 1] not in "（(":
            return False
        previous = self.of_type("money", 0, money.start)
        return bool(previous) and self.text[previous[-1].end:money.start].strip() in ("（", "(")
