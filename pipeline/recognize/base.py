"""What every recogniser component shares: the Doc extensions and how mentions land on a Doc."""
from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter

from spacy.tokens import Doc, SpanGroup

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


def doc_extension(doc: Doc, name: str):
    """``doc._.<name>`` read where spaCy's Underscore keeps it, doc.user_data: each ``doc._`` builds an
    Underscore object and each read of it runs two Python frames (~20k instructions, as much as putting a
    dozen mentions on the Doc); the extensions here have no getter and a None default (an unset one is
    None, as through ``doc._``). tests/test_money.py checks the two ways agree."""
    return doc.user_data.get(("._.", name, None, None))


def set_doc_extension(doc: Doc, name: str, value) -> None:
    """``doc._.<name> = value`` as spaCy's Underscore stores it (see doc_extension)."""
    doc.user_data[("._.", name, None, None)] = value


def doc_mentions(doc: Doc, mention_type: str | None = None) -> list[Mention]:
    """The mentions already on ``doc`` (of one type, or all), in text order."""
    mentions = doc_extension(doc, "mentions") or []
    if mention_type is None:
        return list(mentions)
    return [m for m in mentions if m.type == mention_type]


def add_mentions(doc: Doc, mentions: Iterable[Mention], mention_type: str) -> Doc:
    """Put ``mentions`` on the Doc: exact records in doc._.mentions, token-aligned spans in doc.spans."""
    new = sorted(mentions, key=_BY_OFFSETS)
    kept = doc_extension(doc, "mentions") or []
    if mention_type in map(_TYPE, kept):  # a re-run replaces its type; the test runs in C, a filter would not
        kept = [m for m in kept if m.type != mention_type]
    set_doc_extension(doc, "mentions", _in_text_order([*kept, *new]))
    # the SpanGroup built here, not by doc.spans from a list (two Python frames fewer, the same group)
    spans = _token_spans(doc, new, doc.vocab.strings.add(mention_type))
    doc.spans[mention_type] = SpanGroup(doc, name=mention_type, spans=spans)
    return doc


def _token_spans(doc: Doc, mentions: list[Mention], label: int) -> list:
    """The token-aligned Span of each mention (labelled with the hash ``label``); a company's
    carries its canonical name as id_."""
    char_span = doc.char_span
    spans = []
    for mention in mentions:
        span = char_span(mention.start, mention.end, label, alignment_mode="expand")
        if span is not None:
            if mention.type == "company" and mention.name:
                span.id_ = mention.name
            spans.append(span)
    return spans


def _in_text_order(mentions: list[Mention]) -> list[Mention]:
    """``mentions`` by start, longer first, then type: three stable sorts on keys built in C cost
    less than one sort on a (start, -end, type) key that calls Python once per mention."""
    mentions.sort(key=_START)  # two sorted runs (the Doc's, the new ones): one merge
    if len(set(map(_START, mentions))) == len(mentions):
        return mentions  # no two mentions start together (all but a few documents): start alone orders them
    mentions.sort(key=_TYPE)
    mentions.sort(key=_END, reverse=True)  # reverse keeps equal keys in order: still stable
    mentions.sort(key=_START)
    return mentions


_BY_OFFSETS = attrgetter("start", "end")  # (start, end) built in C, no Python call per mention
_START, _END, _TYPE = attrgetter("start"), attrgetter("end"), attrgetter("type")
