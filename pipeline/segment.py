"""Stage 2, segment: the spaCy ``zh`` pipeline with jieba as its tokenizer.

The words are those of the company recogniser's jieba (``company_rules.TextCuts``: jieba's
dictionary plus every company alias of models/companies.yaml, cut on the Simplified text), so a
region of text is cut once per document and both the tokens and the company rules read the same
cut; finance terms (models/finance_terms.yaml: 资本开支, 设备投资额…) that jieba splits are then
joined into one token. ``load_nlp`` builds the whole pipeline: tokenizer, then the recognisers
(company first: periods need it for fiscal years), then the fact assembler.

The tokenizer screens first (``ScreeningTokenizer``): only sentences that can state a capex
fact (they name a capex term or a capex object and hold a number with a currency word or a
percentage unit) are segmented with jieba; every other sentence is split into script runs
(Han, Latin, digits, one token per other character). The recognisers read ``doc.text`` with exact character offsets, so the tokens only
shape ``doc.spans``; they never change a mention or a fact. The Doc it returns keeps its text,
which spaCy would otherwise rebuild from the tokens on every ``doc.text``.
"""
from __future__ import annotations

import bisect
import copyreg
import functools
import re

import spacy
from spacy.language import Language
from spacy.strings import hash_string
from spacy.tokens import Doc
from spacy.tokens.doc import pickle_doc

from pipeline.compiled_re import compile_kept
from pipeline.lexicon import load_data, require_keys, require_str_list, trie_alternation
from pipeline.recognize.re_compat import literal_words, re_dialect

PIPE_NAMES = ("capex_company", "capex_money", "capex_percent", "capex_period", "capex_facts")


@functools.lru_cache(maxsize=1)
def finance_term_pattern() -> re.Pattern:
    """The finance terms that are one token each (models/finance_terms.yaml), longest first. A
    trie of the literal terms (资本(?:开支|支出), the longest term at each place, as the flat
    alternation): re passes the places no term starts at with its own test of their first
    characters, and tries the others a character at a time, not term by term (亿, 万 are common)."""
    data = require_keys("finance_terms.yaml", load_data("finance_terms.yaml"), ["terms"])
    terms = require_str_list("finance_terms.yaml", "terms", data["terms"])
    return re.compile(trie_alternation(terms))


class TextDoc(Doc):
    """A Doc that keeps the text it was made from (spaCy joins its tokens on every ``.text``)."""

    @property
    def text(self) -> str:
        return self._capex_text

    @property
    def text_with_ws(self) -> str:
        return self._capex_text


copyreg.pickle(TextDoc, pickle_doc)  # pickles (and unpickles) as a plain Doc

# Sentence-sized chunks: up to and including a terminator or a run of newlines.
_CHUNK = re.compile(r"[^。！？!?；;\n]*[。！？!?；;\n]+|[^。！？!?；;\n]+")
# Script runs for the sentences jieba does not see (stdlib re, \p{Han} spelled out: faster).
_RUNS = compile_kept(re_dialect(r"\p{Han}+|[A-Za-z]+|[0-9]+|."), re.DOTALL, name="segment-runs")


@functools.lru_cache(maxsize=1)
def screen_patterns() -> tuple[re.Pattern, re.Pattern | None]:
    """A capex term (资本支出, 设备投资…) or a capex object (数据中心, 工厂, 产能…): with a number
    (``numeral_pattern``), what makes a sentence one that can state a capex fact. Every other
    sentence is split into script runs: the recognisers read characters, not tokens, so their
    output does not depend on this, and jieba's cost is paid only where the fact stage may look.
    Latin words (capex, 5G网络) in any case: the words with a cased character are the second
    pattern (None if there are none), the others a trie of literals (资本(?:开支|支出)), which re
    passes through with a table of their first characters and tries with a step per character
    (a pattern that ignores case it tries at every place, a flat one word by word)."""
    capex = require_keys("capex_terms.yaml", load_data("capex_terms.yaml"), ["strong_triggers", "capex_objects"])
    words = {*capex["strong_triggers"], *capex["capex_objects"]}
    cased = {word for word in words if _has_cased(word)}
    return (compile_kept(trie_alternation(sorted(words - cased)), name="segment-capex-terms"),
            re.compile(literal_words(cased, ignore_case=True)) if cased else None)


def _has_cased(text: str) -> bool:
    """``text`` has a character with a case (its lower or upper case differs). re's (?i) compares
    any other character exactly, and a character with a case only to others with one."""
    return text.lower() != text or text.upper() != text


@functools.lru_cache(maxsize=1)
def amount_word_pattern() -> re.Pattern:
    """A currency word (an amount: 美元, 亿元 ends in 元) or a percentage unit (a change: %, 成,
    倍, 个百分点), from models/money.yaml and models/percent.yaml: a fact states one or the other."""
    from pipeline.recognize import money, percent

    currencies, units = money.lexicon(), percent.lexicon()
    words = {*currencies["currencies_before"], *currencies["currencies_after"],
             *units["units_after"], *units["units_before"], *units["doubling_units"]}
    # stdlib re: a trie of literals (see ``screen_patterns``), scanned several times faster than with regex
    return compile_kept(trie_alternation(sorted(words)), name="segment-amount-words")


@functools.lru_cache(maxsize=1)
def numeral_pattern() -> re.Pattern:
    """A digit or a Chinese numeral (models/numerals.yaml): a fact needs an amount or a change."""
    from pipeline.recognize.numbers import numeral_class

    return re.compile(numeral_class())


class ScreeningTokenizer:
    """jieba on the sentences that can matter, script runs elsewhere (see the module docstring)."""

    def __init__(self, vocab, screen: bool = True):
        from pipeline.recognize import company_rules

        self.vocab = vocab
        self.screen = screen
        self.text_cuts = company_rules.text_cuts
        self.word_ends_from = company_rules.word_ends_from
        company_rules.cutter()  # load jieba's dictionary now, not on the first document
        self.caseless_terms, self.cased_terms = screen_patterns()
        self.numeral = numeral_pattern()
        self.amount_word = amount_word_pattern()
        self.terms = finance_term_pattern()

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        done = 0  # the text before this offset is in ``words``
        cuts = None
        for start, end in self._stretches_to_segment(text):
            # Script runs never cross a chunk boundary (a chunk ends in a terminator, which is a
            # token of its own), so the chunks between two stretches are split in one scan.
            words += _RUNS.findall(text, done, start)
            cuts = cuts or self.text_cuts(text)
            words += self._join_terms(text, start, end, cuts.words(start, end))
            done = end
        words += _RUNS.findall(text, done)
        return self._doc(text, words)

    def _stretches_to_segment(self, text: str):
        """(start, end) of each stretch of consecutive chunks that jieba segments (all of the text
        unless ``screen``). A stretch gets the words its chunks would get one by one: no jieba
        region and no finance term holds a terminator."""
        if not self.screen:
            if text:
                yield 0, len(text)
            return
        stretch = None
        for chunk in _CHUNK.finditer(text):
            start, end = chunk.span()
            if not self._worth_segmenting(text, start, end):
                continue
            if stretch and stretch[1] == start:
                stretch = (stretch[0], end)
            else:
                if stretch:
                    yield stretch
                stretch = (start, end)
        if stretch:
            yield stretch

    def _worth_segmenting(self, text: str, start: int, end: int) -> bool:
        """The chunk ``text[start:end]`` can state a capex fact (the patterns look neither
        behind ``start`` nor ahead of ``end``)."""
        if not (self.numeral.search(text, start, end) and self.amount_word.search(text, start, end)):
            return False
        if self.caseless_terms.search(text, start, end):
            return True
        # a cased term (capex) needs a cased character, which most chunks lack: the case-blind
        # pattern is tried at every place of the chunk
        return (self.cased_terms is not None and _has_cased(text[start:end])
                and self.cased_terms.search(text, start, end) is not None)

    def _join_terms(self, text: str, start: int, end: int, words: list[str]) -> list[str]:
        """``words`` (those of ``text[start:end]``, a list of our own) with the words of each finance
        term that starts and ends on a word boundary joined into one."""
        ends = None  # the words' end offsets, once a term is found
        for term in self.terms.finditer(text, start, end):
            if ends is None:
                ends = self.word_ends_from(start, words)
            term_start, term_end = term.span()
            last = bisect.bisect_left(ends, term_end)
            if ends[last] == term_end:
                first = bisect.bisect_left(ends, term_start, 0, last)
                if term_start == start or ends[first] == term_start:
                    first += ends[first] == term_start  # the term's first word
                    words[first:last + 1] = [text[term_start:term_end]]
                    del ends[first:last]
        return words

    def _doc(self, text: str, words: list[str]) -> Doc:
        words, spaces = _words_and_spaces(text, words)
        vocab = self.vocab
        # Each word the vocab has goes in as its hash (Doc takes either): spaCy looks a hash up
        # at once, where for a string it asks the StringStore for the hash through Python and
        # checks the lexeme's ~1,900 instructions a word against ~500 for the hash and ``in``.
        orths = [orth if orth in vocab else word for word, orth in zip(words, map(hash_string, words))]
        doc = TextDoc(vocab, orths, spaces)
        doc._capex_text = text
        return doc

    # spaCy serialises tokenizers; this one has no state worth saving.
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> ScreeningTokenizer:
        return self

    def to_disk(self, path, **kwargs) -> None:
        pass

    def from_disk(self, path, **kwargs) -> ScreeningTokenizer:
        return self


WORDS_PER_ZONE = 50_000  # new words a memory zone holds before it is closed: ~12 MB


class VocabBudget:
    """Keeps the vocabulary of a long run bounded by making documents inside spaCy memory zones.

    spaCy keeps every word its tokenizer meets, as a lexeme and a string, for the life of the
    process: on real news ~90 new words a document (a screened-out clause is one word), some
    10^8 over a million articles. ``enter()`` before each document opens a zone, in which new
    words are transient, and once the zone holds ``limit`` of them closes it (dropping them) and
    opens another. A zone per document would rebuild every common word for every document; a
    zone of ``limit`` words rebuilds each once per zone. Only for a caller whose Docs (and their
    Spans and Tokens) do not outlive its next ``enter()`` or ``close()``, one thread at a time."""

    def __init__(self, nlp: Language, limit: int = WORDS_PER_ZONE):
        self.nlp = nlp
        self.limit = limit
        self._zone = None
        self._words_before = 0  # strings in the vocab when the zone opened (len(vocab) only counts up)

    def enter(self) -> None:
        """Be in a zone with room for a document's words."""
        if self._zone is not None and len(self.nlp.vocab.strings) - self._words_before < self.limit:
            return
        self.close()
        self._words_before = len(self.nlp.vocab.strings)
        zone = self.nlp.memory_zone()
        zone.__enter__()
        self._zone = zone

    def close(self) -> None:
        """Leave the zone, if in one: the words it added are gone."""
        zone, self._zone = self._zone, None
        if zone is not None:
            zone.__exit__(None, None, None)


def _words_and_spaces(text: str, words: list[str]) -> tuple[list[str], list[bool]]:
    """The words of ``text`` (which they cover, in order) with their trailing spaces: a single
    space after a word is that word's trailing space."""
    spaces = [False] * len(words)
    kept: list[str] = []
    flags: list[bool] = []
    taken = 0  # words before this index are in ``kept``
    index = -1
    for _ in range(text.count(" ")):  # every space is a word of its own; most Chinese text has none
        index = words.index(" ", index + 1)
        if index and not words[index - 1].isspace():  # a word's space, unless it follows one
            spaces[index - 1] = True
            kept += words[taken:index]
            flags += spaces[taken:index]
            taken = index + 1
    if not taken:
        return words, spaces
    return kept + words[taken:], flags + spaces[taken:]


def load_nlp(components: tuple[str, ...] = PIPE_NAMES, screen: bool = True) -> Language:
    """A blank ``zh`` pipeline, jieba-segmented (``screen``: only where it can matter), with our
    components added in order."""
    # each import registers its component's spaCy factory
    import pipeline.assemble
    import pipeline.recognize.company
    import pipeline.recognize.money
    import pipeline.recognize.percent
    import pipeline.recognize.period  # noqa: F401

    nlp = spacy.blank("zh")  # its own jieba segmenter would load global jieba; ours replaces it
    nlp.tokenizer = ScreeningTokenizer(nlp.vocab, screen=screen)
    # No lexical attributes (norm, shape, prefix, like_num, is_stop…): no component reads a
    # token's, and spaCy computes all 23 in Python for every word the vocab has not seen (a
    # screened-out clause is one such word): 14 µs a new word with them, under 2 without.
    nlp.vocab.lex_attr_getters = {}
    # spaCy refuses texts over 1,000,000 characters to protect parsers and NER memory; this
    # pipeline has neither, and --max-bytes is the limit users set.
    nlp.max_length = 1 << 30
    for name in components:
        nlp.add_pipe(name)
    return nlp
