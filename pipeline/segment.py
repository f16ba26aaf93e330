"""Stage 2, segment: the spaCy ``zh`` pipeline with jieba as its tokenizer.

jieba's dictionary gets our own entries once per process: finance terms from
models/finance_terms.yaml and every company alias from the company table, so
亚马逊, 台积电 and 资本开支 are single tokens. ``load_nlp`` builds the whole pipeline:
tokenizer, then the recognisers (company first: periods need it for fiscal years),
then the fact assembler.
"""
from __future__ import annotations

import functools
import logging

import spacy
from spacy.language import Language

from pipeline.lexicon import load_data, require_keys, require_str_map

PIPE_NAMES = ("capex_company", "capex_money", "capex_percent", "capex_period", "capex_facts")


@functools.lru_cache(maxsize=1)
def jieba_user_words() -> tuple[tuple[str, int], ...]:
    """(word, frequency) pairs for jieba: finance terms plus the company table's aliases."""
    from pipeline.company_table import load_company_table

    data = require_keys("finance_terms.yaml", load_data("finance_terms.yaml"), ["terms"])
    terms = require_str_map("finance_terms.yaml", "terms", data["terms"], int)
    words = dict(terms)
    for alias in load_company_table().jieba_words():
        words.setdefault(alias, 3000)
    return tuple(sorted(words.items()))


@functools.lru_cache(maxsize=1)
def prepared_jieba():
    """The jieba module with our words added (once per process) and its log quietened."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    for word, freq in jieba_user_words():
        if " " not in word:
            jieba.add_word(word, freq=freq)
    return jieba


def load_nlp(components: tuple[str, ...] = PIPE_NAMES) -> Language:
    """A blank ``zh`` pipeline, jieba-segmented, with our components added in order."""
    import pipeline.assemble  # noqa: F401  (registers capex_facts)
    import pipeline.recognize.company  # noqa: F401
    import pipeline.recognize.money  # noqa: F401
    import pipeline.recognize.percent  # noqa: F401
    import pipeline.recognize.period  # noqa: F401

    prepared_jieba()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    for name in components:
        nlp.add_pipe(name)
    return nlp
