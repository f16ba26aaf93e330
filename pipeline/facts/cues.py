"""The fact stage's word lists (models/capex_terms.yaml) compiled into searchable patterns.

Each list becomes one alternation regex, longest word first, so 资本支出 wins over 支出.
Finding is done over a *masked* copy of the text in which company names are blanked,
so a name like 宁德时代股份 never reads as the negative term 股份.
"""
from __future__ import annotations

import functools
from typing import NamedTuple

import regex

from pipeline.lexicon import alternation, load_data, require_keys, require_str_list

LISTS = ("strong_triggers", "spending_verbs", "capex_objects", "negative_terms", "increase_by",
         "level_verbs", "base_markers", "yoy_markers", "forecast_cues", "plan_cues", "actual_cues",
         "source_verbs", "analyst_words", "reference_words", "industry_words",
         "aggregate_words", "project_reference", "periodic_terms")


class Cue(NamedTuple):
    kind: str
    text: str
    start: int
    end: int


@functools.lru_cache(maxsize=1)
def cue_patterns() -> dict[str, regex.Pattern]:
    """One compiled alternation per list in capex_terms.yaml (validated on load)."""
    data = require_keys("capex_terms.yaml", load_data("capex_terms.yaml"), LISTS)
    patterns = {}
    for name in LISTS:
        words = require_str_list("capex_terms.yaml", name, data[name])
        patterns[name] = regex.compile(alternation(words))
    return patterns


def find_cues(text: str, kind: str, start: int = 0, end: int | None = None) -> list[Cue]:
    """All occurrences of the ``kind`` list's words in text[start:end], with absolute offsets."""
    end = len(text) if end is None else end
    pattern = cue_patterns()[kind]
    return [Cue(kind, m.group(), m.start(), m.end()) for m in pattern.finditer(text, start, end)]


def has_cue(text: str, kind: str, start: int = 0, end: int | None = None) -> bool:
    end = len(text) if end is None else end
    return cue_patterns()[kind].search(text, start, end) is not None


def last_cue(text: str, kind: str, start: int, end: int) -> Cue | None:
    cues = find_cues(text, kind, start, end)
    return cues[-1] if cues else None


def mask_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the given spans replaced by a neutral filler of the same length."""
    chars = list(text)
    for start, end in spans:
        for i in range(max(start, 0), min(end, len(chars))):
            chars[i] = "\u3000"
    return "".join(chars)
