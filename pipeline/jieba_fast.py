"""python jieba's words, cut by rjieba: jieba's algorithm and dictionary in Rust, about 8x faster.

The pipeline's words are those of ``jieba.Tokenizer().cut(text, HMM=True)`` on jieba's default
dictionary plus the company aliases. rjieba (jieba-rs) ships the same dictionary and HMM
model, builds the same word graph, takes the same route and runs the same Viterbi; where it
parts from python jieba is a run of Latin letters, digits and ``+#&._%-`` that reaches the
HMM step as single characters: python jieba splits that run with one regex
(``jieba.finalseg.re_skip``: ``2023-02-70`` → 2023 - 02 - 70), rjieba keeps more together
(``2023-02-70``). So ``JiebaCutter`` joins rjieba's consecutive all-Latin words and splits the
run python jieba's way. That is exact as long as every character of such a run was a step of
its own, which holds unless a dictionary word made only of those characters (C++, AT&T) lies
in the text; and a word mixing both kinds that rjieba gives must be one of the dictionary's
(A股, SK海力士). A block where either fails is cut by python jieba itself, loaded on first need.
The rest (splitting text into blocks, punctuation and spaces) is python jieba's own code,
restated. tests/test_jieba_fast.py checks the equality on samples, dev articles and random
mixtures of dictionary words, numbers and Latin runs.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from pipeline.compiled_re import compile_kept

_LATIN = r"a-zA-Z0-9+#&._%\-"
# jieba.re_han_default: the blocks jieba cuts with its dictionary; everything else is split below.
_BLOCK = compile_kept(f"([\u4E00-\u9FD5{_LATIN}]+)", name="jieba-block")
# One block (the usual call), its first Latin-class character as group 1 (none: all Han, and
# rjieba's words need no repair): what ``cut`` and ``_cut_block`` would find in two scans.
# Possessive: a text that is not one block fails without trying shorter Han prefixes.
_ONE_BLOCK = compile_kept(f"[\u4E00-\u9FD5]*+([{_LATIN}])?+[\u4E00-\u9FD5{_LATIN}]*+", name="jieba-one-block")
# jieba.re_skip_default: inside the other text, line breaks and spaces are words, other characters one each.
_SPACE = re.compile(r"(\r\n|\s)")
_LATIN_RUN = re.compile(f"[{_LATIN}]+")
_HAS_LATIN = re.compile(f"[{_LATIN}]")
_WHOLE_RUN = r"[a-zA-Z0-9]+(?:\.\d+)?%?"  # a run that split leaves whole (300, 3.5%, Q3)
# jieba.finalseg.re_skip: how jieba's HMM step splits a run of single Latin-class characters.
_HMM_SKIP = re.compile(f"({_WHOLE_RUN})")
# rjieba's words joined by \0 (in no block), when each Latin run of the block is one of them and
# whole: every word is free of Latin characters, or is a whole run with no Latin word right after.
_NO_LATIN_OR_WHOLE = rf"(?:[^{_LATIN}\0]+|{_WHOLE_RUN}(?!\0[{_LATIN}]))"
_RUNS_KEPT = re.compile(rf"{_NO_LATIN_OR_WHOLE}(?:\0{_NO_LATIN_OR_WHOLE})*")


_default_taken = False  # whether a cutter has the rjieba default instance


def _fresh_rjieba():
    """An rjieba instance no one else adds words to. Importing rjieba builds its default instance
    (loading the dictionary: 0.1 s, a sixth of the pipeline's load); the process's first cutter
    takes that one (the module's functions use it, and nothing here calls them), any later
    cutter builds its own."""
    import rjieba

    global _default_taken
    default = getattr(rjieba, "_DEFAULT_JIEBA", None)  # what rjieba 0.2 names it; a fresh one if it goes
    if _default_taken or default is None:
        return rjieba.Jieba()
    _default_taken = True
    return default


class JiebaCutter:
    """``cut(text)``: python jieba's words of ``text`` (see the module docstring).

    ``latin_words``: the words of jieba's dictionary with a Latin-class character; ``added``: words added with ``freq``; ``exact``: builds the
    python jieba Tokenizer with the same words, for the blocks rjieba cannot be trusted with."""

    def __init__(self, latin_words: Iterable[str], added: Sequence[str], freq: int,
                 exact: Callable[[], object]):
        self._fast = _fresh_rjieba()
        for word in added:
            self._fast.add_word(word, freq, None)
        latin_words = {*latin_words, *(w for w in added if _HAS_LATIN.search(w))}
        self._mixed = frozenset(w for w in latin_words if not _LATIN_RUN.fullmatch(w))
        only_latin = sorted((w for w in latin_words if _LATIN_RUN.fullmatch(w) and len(w) > 1), key=len, reverse=True)
        # a stdlib alternation of a few literals: the cheap check every block goes through
        self._unsafe = re.compile("|".join(map(re.escape, only_latin))) if only_latin else None
        self._make_exact = exact
        self._exact = None

    def cut(self, text: str) -> list[str]:
        one_block = _ONE_BLOCK.fullmatch(text)
        if one_block is not None and text:
            return self._fast.cut(text, True) if one_block.start(1) < 0 else self._cut_latin_block(text)
        words: list[str] = []
        for block in _BLOCK.split(text):
            if not block:
                continue
            if _BLOCK.fullmatch(block):
                words += self._cut_block(block)
            else:
                for part in _SPACE.split(block):
                    if _SPACE.fullmatch(part):
                        words.append(part)
                    else:
                        words += part
        return words

    def _cut_block(self, block: str) -> list[str]:
        if _HAS_LATIN.search(block) is None:  # all Han (most blocks): no ``_unsafe`` word, nothing to repair
            return self._fast.cut(block, True)
        return self._cut_latin_block(block)

    def _cut_latin_block(self, block: str) -> list[str]:
        if self._unsafe is None or self._unsafe.search(block) is None:
            words = self._fast.cut(block, True)
            if self._latin_runs_kept(words):
                return words
            words = self._latin_runs_as_jieba(words)
            if words is not None:
                return words
        if self._exact is None:
            self._exact = self._make_exact()
        return list(self._exact.cut(block, HMM=True))

    @staticmethod
    def _latin_runs_kept(words: list[str]) -> bool:
        """The usual case, checked before the word-by-word repair: each Latin run of the block is
        one of rjieba's words (so no word mixes Latin and Han) and one jieba keeps whole (300, 3.5%).
        One match over the joined words: half the cost of listing the runs and comparing."""
        return _RUNS_KEPT.fullmatch("\0".join(words)) is not None

    def _latin_runs_as_jieba(self, words: list[str]) -> list[str] | None:
        """rjieba's ``words`` with each run of all-Latin words split as jieba splits it, or None
        where a word mixes Latin and Han characters without being a dictionary word."""
        out: list[str] = []
        run: list[str] = []
        for word in words:
            if _LATIN_RUN.fullmatch(word):
                run.append(word)
                continue
            if run:
                out += [w for w in _HMM_SKIP.split("".join(run)) if w]
                run = []
            if word not in self._mixed and _HAS_LATIN.search(word):
                return None
            out.append(word)
        if run:
            out += [w for w in _HMM_SKIP.split("".join(run)) if w]
        return out
