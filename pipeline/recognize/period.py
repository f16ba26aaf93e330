"""Period mentions: years, fiscal years, halves, quarters, months and ranges, resolved to months.

``find_periods`` scans the text with the patterns of :mod:`period_rules`, reads each
match into a :class:`Raw`, and resolves it with :mod:`period_resolve` in text order
(so 同期, 上年, 本季度 see the periods before them). Days (2月6日), durations
(三年内, 26个月) and vague words (近年, 年初 alone) are not periods.
"""
from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Callable, Sequence

from spacy.language import Language

from pipeline import company_table
from pipeline.document import Mention
from pipeline.recognize.base import add_mentions, doc_mentions
from pipeline.recognize.numbers import normalise_digits
from pipeline.recognize.period_read import read_match
from pipeline.recognize.period_resolve import Resolver, Span, granularity, month_text
from pipeline.recognize.period_rules import Raw, patterns
from pipeline.sentences import SENTENCE_END


def scan(text: str, pub_year: int | None = None) -> list[Raw]:
    """All period expressions in ``text``, in order, not overlapping."""
    compiled = patterns()
    norm = normalise_digits(text)
    if not compiled["prescreen"].search(norm):
        return []
    found: list[Raw] = []
    pos, find_start, match = 0, compiled["start"].search, compiled["main"].match
    while (start := find_start(norm, pos)) is not None:  # where a period can start (see period_rules)
        at = start.start()
        m = match(norm, at)
        raw = read_match(m, norm, pub_year) if m is not None and m.end() > at else None
        if raw is None:
            pos = at + 1
            continue
        found.append(raw)
        pos = raw.end
    return found


class _Layout:
    """Sentence and paragraph numbers of character offsets (of periods and companies, which never
    start on a space or a break).

    A number is how many breaks end at or before the offset. That counts the empty segments
    sentence_starts drops (a paragraph break right after 。), so the numbers are not sentence
    indexes; but their users only ask "the same sentence?" and "the sentence before, in the same
    paragraph?", which they answer alike: inside a paragraph every segment holds its 。."""

    def __init__(self, text: str):
        self.sentences = [m.end() for m in SENTENCE_END.finditer(text)]
        # the paragraph breaks are those sentence ends that are runs of newlines (SENTENCE_END takes
        # each whole, as PARAGRAPH_BREAK does): a second scan of the text is not needed
        self.paragraphs = [end for end in self.sentences if text[end - 1] == "\n"]

    def sentence(self, offset: int) -> int:
        return bisect.bisect_right(self.sentences, offset)

    def paragraph(self, offset: int) -> int:
        return bisect.bisect_right(self.paragraphs, offset)


def _company_finder(companies: Sequence[Mention], layout: _Layout) -> Callable[[int], str | None]:
    """offset → the company a fiscal year there belongs to: the nearest company in the same sentence
    (preceding first), else the nearest preceding one in the paragraph."""
    ordered = sorted((c for c in companies if c.name), key=lambda c: c.start)
    starts = [c.start for c in ordered]

    def find(offset: int) -> str | None:
        sentence, paragraph = layout.sentence(offset), layout.paragraph(offset)
        i = bisect.bisect_right(starts, offset)
        before = ordered[i - 1] if i else None
        if before is not None and layout.sentence(before.start) == sentence:
            return before.name
        after = ordered[i] if i < len(ordered) else None
        if after is not None and layout.sentence(after.start) == sentence:
            return after.name
        if before is not None and layout.paragraph(before.start) == paragraph:
            return before.name
        return None

    return find


def find_periods(text: str, *, pub_date: dt.date | None = None, companies: Sequence[Mention] = (),
                 fiscal_year_end: Callable[[str], int | None] | None = None) -> list[Mention]:
    """Period mentions in ``text``, resolved to "YYYY-MM" months (see period_resolve for the rules).

    Relative periods (今年, 去年同期, a yearless 第四季度) need ``pub_date`` or a period in
    context; those that can be resolved by neither are left out.
    """
    raws = scan(text, pub_date.year if pub_date else None)
    if not raws:
        return []
    layout = _Layout(text)
    company_at = None

    def fiscal_end(offset: int) -> tuple[int | None, str | None]:
        nonlocal company_at
        if company_at is None:  # built when first asked: most documents name no fiscal year
            company_at = _company_finder(companies, layout)
        name = company_at(offset)
        month = fiscal_year_end(name) if (name and fiscal_year_end) else None
        return month, name

    resolver = Resolver(pub_date, fiscal_end)
    markers = patterns()["comparison_markers"]
    sentences, paragraphs, bisect_right = layout.sentences, layout.paragraphs, bisect.bisect_right
    mentions = []
    for raw in raws:
        start, end = raw.start, raw.end
        before = text[start - 5 if start > 5 else 0:start].rstrip()  # max(0, …) is a call more
        # layout.sentence / layout.paragraph inlined: two method calls per period add up
        span = resolver.add(raw, bisect_right(sentences, start), bisect_right(paragraphs, start),
                            before.endswith(markers))
        if span is not None:
            period_start, period_end, kind = _span_fields(span)
            anchor = span.anchor
            mentions.append(Mention(
                type="period", text=text[start:end], start=start, end=end, period_start=period_start,
                period_end=period_end, fiscal=span.fiscal,
                info={"relative": anchor is not None, "granularity": kind, "anchor": anchor}))
    return mentions


@functools.lru_cache(maxsize=4096)
def _span_fields(span: Span) -> tuple[str | None, str, str]:
    """(period_start, period_end, granularity) of a resolved span: a few hundred distinct spans
    recur across documents, and formatting two months and sizing the span is most of a mention's cost."""
    return None if span.start is None else month_text(span.start), month_text(span.end), granularity(span)


class PeriodRecognizer:
    """spaCy component: period mentions onto the Doc (runs after the company recogniser)."""

    def __call__(self, doc):
        mentions = find_periods(doc.text, pub_date=doc._.pub_date, companies=doc_mentions(doc, "company"),
                                fiscal_year_end=company_table.fiscal_year_end)
        return add_mentions(doc, mentions, "period")


@Language.factory("capex_period")
def make_period_recognizer(nlp: Language, name: str) -> PeriodRecognizer:
    return PeriodRecognizer()
