"""CueIndexes answers a window as a scan of that window does, short windows and long ones
(those above SHORT_WINDOW come from a whole-text index), including windows that cut a cue word."""
import random

import pytest

from pipeline.facts.cues import LISTS, SHORT_WINDOW, CueIndexes, cue_patterns, find_cues, has_cue
from pipeline.lexicon import load_data


def _text(seed: int) -> str:
    rng = random.Random(seed)
    data = load_data("capex_terms.yaml")
    words = [w for kind in LISTS if isinstance(data.get(kind), list) for w in data[kind]]
    filler = ["公司", "今年", "，", "。", "计划", "亿元", "\n", "数据", "中心", "投资"]
    return "".join(rng.choice(words if rng.random() < 0.3 else filler) for _ in range(400))


@pytest.mark.parametrize("seed", range(3))
def test_windows_short_and_long_answer_as_their_own_scan(seed):
    text = _text(seed)
    assert len(text) > 3 * SHORT_WINDOW
    indexes = CueIndexes(text)
    rng = random.Random(seed)
    kinds = list(cue_patterns())
    for _ in range(600):
        kind = rng.choice(kinds)
        start = rng.randrange(len(text))
        end = min(len(text), start + rng.choice([rng.randrange(1, SHORT_WINDOW), rng.randrange(SHORT_WINDOW, 900)]))
        assert indexes.find(kind, start, end) == find_cues(text, kind, start, end)
        assert indexes.has(kind, start, end) == has_cue(text, kind, start, end)


@pytest.mark.parametrize("kind", LISTS)
def test_a_word_list_as_a_trie_finds_what_its_flat_alternation_finds(kind):
    """trie_alternation is alternation in another shape: the same word at every offset (the
    longest one there), on texts dense with the list's words, their prefixes and their overlaps."""
    import re

    from pipeline.facts.cues import trie_alternation
    from pipeline.lexicon import alternation

    words = load_data("capex_terms.yaml").get(kind)
    if not isinstance(words, list) or not words:
        pytest.skip(f"{kind} is not a word list")
    flat, trie = re.compile(alternation(words)), re.compile(trie_alternation(words))
    rng = random.Random(kind)
    pieces = [*words, *(w[:rng.randrange(1, len(w) + 1)] for w in words), "，", "的", "a"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12)))
        assert [m.span() for m in trie.finditer(text)] == [m.span() for m in flat.finditer(text)], text
