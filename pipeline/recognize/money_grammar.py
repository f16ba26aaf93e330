"""The money grammar: models/money.yaml, validated, and the pattern built from its words.

``find_money`` (money.py) reads the matches; this module only says what an amount looks like:
[每股][qualifier][currency] number [多] [magnitude…] [scale] [currency] [至 second amount] [左右].
"""
from __future__ import annotations

import functools
import re

from pipeline.compiled_re import compile_kept
from pipeline.lexicon import LexiconError, alternation, load_data, require_keys, require_str_list, require_str_map
from pipeline.recognize import numbers as num
from pipeline.recognize.re_compat import literal_words

LOCAL = "LOCAL"
_KEYS = ["currencies_after", "currencies_before", "symbols", "qualifiers_before", "qualifiers_outside_before",
         "qualifiers_after", "qualifier_not_after", "infix_over", "conversion_words", "range_connectors", "per_unit",
         "not_after_yuan", "max_value"]


@functools.lru_cache(maxsize=1)
def lexicon() -> dict:
    """models/money.yaml, validated, with the qualifier classes inverted to word → class."""
    data = require_keys("money.yaml", load_data("money.yaml"), _KEYS)
    for key in ("currencies_after", "currencies_before"):
        for word, code in require_str_map("money.yaml", key, data[key]).items():
            if not (code == LOCAL or (len(code) == 3 and code.isupper())):
                raise LexiconError(f"money.yaml: {key}[{word!r}] expected an ISO 4217 code or LOCAL, found {code!r}")
    for key in ("symbols", "qualifier_not_after", "infix_over", "conversion_words", "range_connectors",
                "per_unit", "not_after_yuan"):
        require_str_list("money.yaml", key, data[key])
    for key in ("qualifiers_before", "qualifiers_outside_before", "qualifiers_after"):
        data[key + "_class"] = num.invert_classes("money.yaml", key, data[key])
    if not isinstance(data["max_value"], (int, float)) or data["max_value"] <= 0:
        raise LexiconError(f"money.yaml: max_value expected a positive number, found {data['max_value']!r}")
    return data


def build_pattern(lex: dict, ranges: bool = True) -> re.Pattern:
    number = rf"""(?:(?<![0-9０-９.．])(?:{num.ARABIC})
                  |{num.NOT_AFTER_VAGUE}(?<![{''.join(num.numerals()['digits'])}十百千])(?:{num.CHINESE}))"""
    # word lists as literal_words: behind a first-character look-ahead, a place no word starts at fails fast
    parts = {
        "NUM": number, "MAG": literal_words(num.numerals()["magnitudes"]), "INFIX": alternation(lex["infix_over"]),
        # English scales: 'billion'/'bn' (a space allowed) or a bare m/b glued to the number (US$5m)
        "SCALE": rf"(?:[ ]?{literal_words(SCALE_WORDS, ignore_case=True)}|[mMbB])(?![A-Za-z])",
        # a Latin code is a whole word (250亿USDT is not USD); 元 before a Latin word still counts (50亿元AI)
        "CUR_AFTER": literal_words(lex["currencies_after"], whole_latin=True),
        "CUR_BEFORE": literal_words(lex["currencies_before"]),
        "QUAL": r"(?<![{}]){}".format("".join(lex["qualifier_not_after"]),  # 最近 is 'recently'
                                      literal_words(lex["qualifiers_before_class"])),
        "QUAL_AFTER": literal_words(lex["qualifiers_after_class"]),
        "CONN": alternation(lex["range_connectors"]), "PER": literal_words(lex["per_unit"])}
    # Optional parts are written (?:X|), not X?: re runs an optional group as a REPEAT, which saves
    # and restores the group marks at each try; a branch does not (the search is ~1.6x faster).
    segments = num.up_to("{NUM}(?:{MAG})", 3)
    amount = r"""
        (?P<num{i}>{NUM})
        (?:(?P<inf{i}>{INFIX})|)                 # 300多亿: 'more than'
        (?:[ ]?(?P<mag{i}>{MAG})                 # 2450 亿美元: a space may stand before the magnitude
           (?P<more{i}>""" + segments + r""")    # 1兆2724億: up to 3 further segments, summed
           (?:(?P<infb{i}>{INFIX})|)|)           # 1亿多元
        (?:(?P<scale{i}>{SCALE})|)               # US$2.5 billion
        (?:[ ]?(?P<cur{i}>{CUR_AFTER})|)         # 亿美元, 250亿 USD
    """
    first, second = amount.format(i=1, **parts), amount.format(i=2, **parts)
    unit_ahead = r"(?:{NUM})(?:{INFIX})?(?:[ ]?{MAG}|{SCALE}|[ ]?(?:{CUR_AFTER}))".format(**parts)
    pattern = rf"""
        (?:(?P<per>{parts['PER']})|)             # 每股16美元: the per-share words are in the span
        (?:(?P<qual>{parts['QUAL']})[ ]?|)       # 约 逾 不超过 最高 … (in the span)
        (?:(?P<cur_pre>{parts['CUR_BEFORE']})[ ]?|)  # 新台幣340億元, US$2.5 billion
        (?:(?P<qualb>{parts['QUAL']})|)          # 新台幣約340億元
        {first}
        (?:(?P<tail>[ ]?(?P<conn>{parts['CONN']})[ ]?  # a range: 300亿至350亿美元, 300-350亿元
           (?:(?P<qual2>{parts['QUAL']})|)
           (?:(?P<cur_pre2>{parts['CUR_BEFORE']})[ ]?|(?={unit_ahead}))  # the high end needs a unit
           {second}){'|)' if ranges else '){0}'}
        (?:(?P<qual_after>{parts['QUAL_AFTER']}(?!游))|)  # 1000亿美元左右 (not 上下游)
    """
    # stdlib re: the money pattern needs nothing regex alone has, and re runs it ~1.5x faster
    return compile_kept(pattern, re.VERBOSE, name="money-ranges" if ranges else "money-single")


SCALE_WORDS = ("billion", "million", "trillion", "thousand", "bn", "mn", "tn")
