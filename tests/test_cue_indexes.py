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

    from pipeline.lexicon import alternation, trie_alternation

    words = load_data("capex_terms.yaml").get(kind)
    if not isinstance(words, list) or not words:
        pytest.skip(f"{kind} is not a word list")
    flat, trie = re.compile(alternation(words)), re.compile(trie_alternation(words))
    rng = random.Random(kind)
    pieces = [*words, *(w[:rng.randrange(1, len(w) + 1)] for w in words), "，", "的", "a"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12)))
        assert [m.span() for m in trie.finditer(text)] == [m.span() for m in flat.finditer(text)], text


def test_mask_spans_blanks_overlapping_and_overlong_spans_once():
    from pipeline.facts.cues import mask_spans

    assert mask_spans("甲乙丙丁戊", [(3, 9), (1, 3), (2, 3), (0, 0)]) == "甲\u3000\u3000\u3000\u3000"
    assert mask_spans("甲乙丙", []) == "甲乙丙"


def test_sentences_end_at_terminators_with_their_closers_and_at_newlines():
    from pipeline.sentences import split_sentences

    text = " 甲说：“好。”乙！？\n\n 丙\t\n丁?)戊"
    assert [(s.start, s.end, s.text) for s in split_sentences(text)] == [
        (1, 8, "甲说：“好。”"), (8, 11, "乙！？"), (14, 15, "丙"), (17, 20, "丁?)"), (20, 21, "戊")]
