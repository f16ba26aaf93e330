"""What every recogniser component shares: the Doc extensions and how mentions land on a Doc."""
from __future__ import annotations

from operator import attrgetter
from typing import Iterable

from spacy.tokens import Doc

from pipeline.document import Mention

DOC_EXTENSIONS = {
    "doc_id": None,        # str: the article's id
    "pub_date": None,      # datetime.date: publication date (resolves 今年, 去年…)
    "locale_currency": None,  # ISO code bare 元 stands for (CNY, TWD, HKD); None = infer
    "mentions": None,      # list[Mention], exact char offsets into doc.text
    "facts": None,         # list[Fact]
    "rejected": None,      # list[dict]: {type, text, start, end, reason} of values not emitted (10^17元)
}


def register_extensions() -> None:
    """Declare the Doc extensions once (idempotent)."""
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


register_extensions()


def doc_mentions(doc: Doc, mention_type: str | None = None) -> list[Mention]:
    """The mentions already on ``doc`` (of one type, or all), in text order."""
    mentions = doc._.mentions or []
    if mention_type is None:
        return list(mentions)
    return [m for m in mentions if m.type == mention_type]


def add_mentions(doc: Doc, mentions: Iterable[Mention], mention_type: str) -> Doc:
    """Put ``mentions`` on the Doc: exact records in doc._.mentions, token-aligned spans in doc.spans."""
    new = sorted(mentions, key=_BY_OFFSETS)
    extensions = doc._  # each ``doc._`` builds an Underscore object: once per call, not twice
    kept = [m for m in (extensions.mentions or []) if m.type != mention_type]
    extensions.mentions = _in_text_order(kept + new)
    spans = []
    label = doc.vocab.strings.add(mention_type)  # the label's hash once, not once per span
    char_span = doc.char_span
    for mention in new:
        span = char_span(mention.start, mention.end, label=label, alignment_mode="expand")
        if span is not None:
            if mention.type == "company" and mention.name:
                span.id_ = mention.name
            spans.append(span)
    doc.spans[mention_type] = spans
    return doc


def _in_text_order(mentions: list[Mention]) -> list[Mention]:
    """``mentions`` by start, longer first, then type: three stable sorts on keys built in C cost
    less than one sort on a (start, -end, type) key that calls Python once per mention."""
    mentions.sort(key=_TYPE)
    mentions.sort(key=_END, reverse=True)  # reverse keeps equal keys in order: still stable
    mentions.sort(key=_START)
    return mentions


_BY_OFFSETS = attrgetter("start", "end")  # (start, end) built in C, no Python call per mention
_START, _END, _TYPE = attrgetter("start"), attrgetter("end"), attrgetter("type")
