"""Sentence and paragraph boundaries over cleaned text, as half-open offsets.

Chinese news ends sentences with 。！？, often followed by a
closing quote or bracket that still belongs to the sentence. Paragraphs are
separated by newlines in the cleaned text.
"""
from __future__ import annotations

from typing import NamedTuple

import regex

# A sentence runs up to and including its terminator and any closing quotes/brackets after it,
# or up to a newline (headlines and list items have no terminator).
# Semicolons join clauses of one sentence (同日发布业绩的华虹…；当季资本开支…): not an end.
SENTENCE_END = regex.compile(r"""
    [。！？!?]+ [”’」』）)\]]*       # terminator, then closers that belong to the sentence
  | \n+                              # a paragraph break ends a sentence too
""", regex.VERBOSE)


PARAGRAPH_BREAK = regex.compile(r"\n+")


class Segment(NamedTuple):
    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Segment]:
    """Sentences of ``text`` with offsets; surrounding whitespace trimmed, empty ones dropped."""
    segments: list[Segment] = []
    begin = 0
    for match in SENTENCE_END.finditer(text):
        end = match.start() if match.group().startswith("\n") else match.end()
        _append_trimmed(segments, text, begin, end)
        begin = match.end()
    _append_trimmed(segments, text, begin, len(text))
    return segments


def split_paragraphs(text: str) -> list[Segment]:
    """Paragraphs (runs of text between newlines) with offsets."""
    segments: list[Segment] = []
    begin = 0
    for match in PARAGRAPH_BREAK.finditer(text):
        _append_trimmed(segments, text, begin, match.start())
        begin = match.end()
    _append_trimmed(segments, text, begin, len(text))
    return segments


def _append_trimmed(segments: list[Segment], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        segments.append(Segment(start, end, text[start:end]))
