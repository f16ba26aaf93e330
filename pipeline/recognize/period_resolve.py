"""Raw period expressions → spans of months, against the publication date and the periods in context.

Months are indexes ``year * 12 + month - 1`` inside this module. Rules (documented
here because they are judgement calls):

- A split fiscal year (2024/25财年, FY24/25) ends in its second year, in the company's
  fiscal-year-end month, else in March (the usual split-year convention).
- A fiscal year without explicit months uses the company's fiscal-year end. A
  company whose year ends in March (Japanese convention) names its fiscal year by
  the START year (2024财年 = 2024-04..2025-03); every other company by the END year
  (Microsoft FY2025 = 2024-07..2025-06). No known end → the calendar year.
- Context is the most recent period in the same sentence, else in the previous
  sentence of the same paragraph; a period that is a comparison base (较去年第3季)
  is used only when nothing else is there.
- 同期 takes the span of the period in context (去年同期 / 上年同期 a year earlier,
  2024年同期 moved to 2024). 上年 / 次年 shift the year (or fiscal year) in context.
- A quarter, half or month without a year takes the year in context (a period whose
  own year was only guessed is not context for this); else the
  publication year, unless that instance has not begun and last year's ended at
  most three months before (10~12月 published in February is last year's); else,
  in an undated article, the year of the last period of the same kind.
- 本季度 / 上季度 count from the quarter in context (or the last quarter the article
  named), else from the publication quarter.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import NamedTuple

from pipeline.recognize.period_rules import Raw, YearRef

RECENT_MONTHS = 3   # a period that ended this recently is still "the" one news reports on


class Span(NamedTuple):
    start: int | None
    end: int
    fiscal: bool = False
    anchor: str | None = None   # "pub_date" | "context" | None
    guessed: bool = False       # a yearless period placed by the publication date (not context for others)


class Seen(NamedTuple):
    span: Span
    sentence: int
    paragraph: int
    comparison: bool


@functools.cache   # a few hundred distinct months; formatting each is the cost
def month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def granularity(span: Span) -> str:
    if span.start is None:
        return "open"
    length = span.end - span.start + 1
    if length == 12 and span.fiscal and span.start % 12:
        return "fiscal_year"
    if length % 12 == 0 and span.start % 12 == 0:
        return "year"
    return {6: "half", 3: "quarter", 1: "month"}.get(length, "months")


def fiscal_year_span(year: int, end_month: int | None) -> tuple[int, int]:
    """Fiscal year ``year`` of a company whose year ends in ``end_month`` (see module rules)."""
    if end_month in (None, 12):
        return year * 12, year * 12 + 11
    if end_month == 3:
        return year * 12 + 3, year * 12 + 14
    end = year * 12 + end_month - 1
    return end - 11, end


def nearest(offset: int, length: int, pub: int) -> int:
    """Start of the yearly span (starting at month ``offset``) a yearless mention most likely means.

    This year's, unless it has not started yet and last year's ended at most three months
    before publication (published in February, 第四季度 is last year's; 第二季度 this year's).
    """
    this_year = (pub // 12) * 12 + offset
    last_year = this_year - 12
    if this_year > pub and pub - (last_year + length - 1) <= RECENT_MONTHS:
        return last_year
    return this_year


def has_year(span: Span) -> bool:
    return span.start is not None and span.end - span.start < 12


def _shift(span: Span, months: int, anchor: str) -> Span:
    return Span(span.start + months, span.end + months, span.fiscal, anchor)


class Resolver:
    """Resolves raw periods in text order, remembering what it resolved as context."""

    def __init__(self, pub_date: dt.date | None, fiscal_end: Callable[[int], tuple[int | None, str | None]]):
        self.pub = pub_date.year * 12 + pub_date.month - 1 if pub_date else None
        self.fiscal_end = fiscal_end   # char offset → (fiscal-year end month or None, company key)
        self.learned: dict[str | None, int] = {}
        self.seen: list[Seen] = []
        self.latest: dict[tuple[int, bool], Span] = {}   # (length, written with its year) → last such span

    def add(self, raw: Raw, sentence: int, paragraph: int, comparison: bool) -> Span | None:
        span = self._resolve(raw, sentence, paragraph)
        if span is not None:
            self.seen.append(Seen(span, sentence, paragraph, comparison))
            if has_year(span):
                self.latest[(span.end - span.start + 1, span.anchor is None)] = span
        return span

    # ---- context -------------------------------------------------------------------------
    def _near(self, sentence: int, paragraph: int, want: Callable[[Span], bool]) -> Span | None:
        """The latest wanted period of this sentence or the previous one in the paragraph (of the
        last 50 seen), one that is no comparison base first."""
        base = None  # the latest wanted comparison base, used only when no other period is wanted
        for seen in reversed(self.seen[-50:]):
            if seen.sentence < sentence - 1:
                break  # periods are added in text order: every one before this is further back still
            if (seen.sentence == sentence or (seen.sentence == sentence - 1 and seen.paragraph == paragraph)) \
                    and want(seen.span):
                if not seen.comparison:
                    return seen.span
                if base is None:
                    base = seen.span
        return base

    def _last(self, length: int) -> Span | None:
        """The last period of ``length`` months the article named, preferring those written with a year."""
        return self.latest.get((length, True)) or self.latest.get((length, False))

    def _end_month(self, offset: int) -> int | None:
        month, company = self.fiscal_end(offset)
        return month or self.learned.get(company) or self.learned.get("*")

    # ---- resolution ----------------------------------------------------------------------
    def _resolve(self, raw: Raw, sentence: int, paragraph: int) -> Span | None:
        kind = raw.sub[0] if raw.sub else None
        if raw.explicit is not None:
            return self._explicit(raw)
        if kind == "same":
            return self._same(raw, sentence, paragraph)
        if kind in ("rq", "rm"):
            return self._relative_unit(raw.sub, sentence, paragraph)
        if raw.year is None:
            return self._bare(raw, sentence, paragraph)
        frame = self._frame(raw, sentence, paragraph)
        if frame is None or kind in (None, "full", "in"):  # what _apply would rebuild: the frame itself
            return frame
        return self._apply(frame, raw, frame.anchor)

    def _explicit(self, raw: Raw) -> Span:
        start, end = raw.explicit
        if raw.fiscal:
            company = self.fiscal_end(raw.start)[1]
            self.learned[company] = self.learned["*"] = end % 12 + 1
        return Span(start, end, raw.fiscal, None)

    def _frame(self, raw: Raw, sentence: int, paragraph: int) -> Span | None:
        ref: YearRef = raw.year
        if ref.kind == "abs":
            end_month = self._end_month(raw.start) if ref.du else None
            if end_month not in (None, 12):
                return Span(*fiscal_year_span(ref.value, end_month), True, None)
            return Span(ref.value * 12, (ref.high or ref.value) * 12 + 11, False, None)
        if ref.kind == "fiscal":
            return Span(*fiscal_year_span(ref.value, self._end_month(raw.start)), True, None)
        if ref.kind == "fiscal_split":   # 2024/25财年 ends in 2025: in the company's month, else March
            end_month = self._end_month(raw.start)
            last = ref.value * 12 + (end_month if end_month not in (None, 12) else 3) - 1
            return Span(last - 11, last, True, None)
        if ref.kind == "context":
            context = self._near(sentence, paragraph, has_year)
            if context is not None:
                return _shift(self._year_of(context), 12 * ref.value, "context")
        if ref.kind == "fiscal_pub" and ref.value != 0:  # 上一财年 after 2025财年 is FY2024
            context = self._near(sentence, paragraph, has_year)
            if context is not None and context.anchor != "pub_date" and context.fiscal and context.end - context.start == 11:
                return _shift(context, 12 * ref.value, "context")
        if self.pub is None:
            return None
        end_month = self._end_month(raw.start) if ref.kind == "fiscal_pub" or ref.du else None
        if ref.kind == "fiscal_pub" or end_month not in (None, 12):
            end = next(i for i in range(self.pub, self.pub + 12) if i % 12 == (end_month or 12) - 1)
            return Span(end - 11 + 12 * ref.value, end + 12 * ref.value, True, "pub_date")
        year = self.pub // 12 + ref.value
        return Span(year * 12, year * 12 + 11, False, "pub_date")

    def _year_of(self, context: Span, position: int | None = None) -> Span:
        """The year a context period belongs to: its fiscal year if it is one (or, for a fiscal
        quarter or half, the company's fiscal year holding it), else its calendar year."""
        if context.fiscal and context.end - context.start == 11:
            return context
        end_month = self._end_month(position) if context.fiscal and position is not None else None
        if end_month not in (None, 12):  # 第四财季…全年: Apple's fiscal year, not the calendar one
            last = next(i for i in range(context.end, context.end + 12) if i % 12 == end_month - 1)
            return Span(last - 11, last, True, "context")
        year = context.start // 12
        return Span(year * 12, year * 12 + 11, False, "context")

    def _apply(self, frame: Span, raw: Raw, anchor: str | None) -> Span | None:
        kind = raw.sub[0] if raw.sub else None
        start, end = frame.start, frame.end
        if kind in (None, "full", "in"):
            return Span(start, end, frame.fiscal, anchor)
        if kind == "edge":
            index = start if raw.sub[1] == "start" else end
            return Span(index, index, False, anchor)
        if kind == "open":
            return Span(None, end, frame.fiscal, anchor)
        if kind in ("q", "fq", "h"):
            size = 6 if kind == "h" else 3
            fiscal = kind == "fq" or (frame.fiscal and start % 12 != 0)
            first = start + size * (raw.sub[1] - 1)
            return Span(first, first + size - 1, fiscal, anchor)
        if kind == "first":
            return Span(start, start + raw.sub[1] - 1, frame.fiscal, anchor)
        if kind == "mp":
            last = (end // 12) * 12 + raw.sub[1] - 1
            return Span(last - 11, last, True, anchor)
        if kind == "m":
            m1, m2 = raw.sub[1], raw.sub[2]
            year = start // 12 if m1 - 1 >= start % 12 else start // 12 + 1
            first = year * 12 + m1 - 1
            return Span(first, first + (m2 - m1) % 12, False, anchor)
        return None

    def _pattern(self, raw: Raw) -> tuple[int, int, bool] | None:
        """A yearless sub-period as (first month of year 0-11, length, fiscal)."""
        kind, value = raw.sub[0], raw.sub[1] if len(raw.sub) > 1 else 0
        if kind == "q":
            return 3 * (value - 1), 3, False
        if kind == "h":
            return 6 * (value - 1), 6, False
        if kind == "m":
            return value - 1, (raw.sub[2] - value) % 12 + 1, False
        if kind == "first":
            return 0, value, False
        end_month = self._end_month(raw.start) or 12
        if kind == "fq":
            return (end_month + 3 * (value - 1)) % 12, 3, True
        if kind == "mp":
            return value % 12, 12, True
        return None

    def _bare(self, raw: Raw, sentence: int, paragraph: int) -> Span | None:
        context = self._near(sentence, paragraph, lambda s: has_year(s) and not s.guessed)
        if context is not None:
            return self._apply(self._year_of(context, raw.start), raw, "context")
        if raw.sub[0] in ("full", "in"):
            fiscal = self._near(sentence, paragraph, lambda s: has_year(s) and s.fiscal)
            if fiscal is not None:  # 第四财季…，全年: the fiscal year of that quarter
                return self._apply(self._year_of(fiscal, raw.start), raw, "context")
            if self.pub is None:
                return None
            year = self.pub // 12
            return Span(year * 12, year * 12 + 11, False, "pub_date")
        pattern = self._pattern(raw)
        if pattern is None:
            return None
        offset, length, fiscal = pattern
        if self.pub is not None:
            start = nearest(offset, length, self.pub)
            return Span(start, start + length - 1, fiscal, "pub_date", guessed=True)
        earlier = self._last(length)
        if earlier is None:
            return None
        span = self._apply(self._year_of(earlier), raw, "context")
        return span and span._replace(guessed=True)

    def _same(self, raw: Raw, sentence: int, paragraph: int) -> Span | None:
        context = self._near(sentence, paragraph, has_year)
        if context is None:
            return None
        ref = raw.year
        if ref is None:
            years = 0
        elif ref.kind in ("abs", "fiscal"):
            years = ref.value - context.end // 12
        else:
            years = ref.value
        return _shift(context, 12 * years, "context")

    def _relative_unit(self, sub: tuple, sentence: int, paragraph: int) -> Span | None:
        size = 3 if sub[0] == "rq" else 1

        def want(s: Span) -> bool:  # a whole quarter (rq) or month
            return s.start is not None and s.end - s.start + 1 == size and s.start % size == 0

        context = self._near(sentence, paragraph, want)
        if context is None and size == 3:
            context = self._last(3)
            context = context if context is not None and want(context) else None
        if context is not None:
            return _shift(Span(context.start, context.end, False), size * sub[1], "context")
        if self.pub is None:
            return None
        first = self.pub - self.pub % size
        return _shift(Span(first, first + size - 1, False), size * sub[1], "pub_date")
