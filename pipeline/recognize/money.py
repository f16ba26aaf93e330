"""Money mentions: 约2450亿美元, 新台幣340億元, 165亿至215亿美元, US$2.5 billion → Mention.

One public entry point, ``find_money``, plus the spaCy factory ``capex_money``.
Words (currencies, qualifiers, connectors) live in models/money.yaml; the grammar built
from them (and the validated lexicon) in money_grammar.py; this module reads its matches.
"""
from __future__ import annotations

import functools
import re
from collections import namedtuple
from decimal import Decimal

from spacy.language import Language

from pipeline.compiled_re import compile_kept
from pipeline.document import Mention
from pipeline.lexicon import alternation
from pipeline.recognize import numbers as num
from pipeline.recognize.base import add_mentions, doc_extension, set_doc_extension
from pipeline.recognize.money_grammar import LOCAL, build_pattern, lexicon

_LEX = lexicon()
_PATTERN = build_pattern(_LEX)
_SINGLE = build_pattern(_LEX, ranges=False)  # re-read of a match whose range part is not a range
# group numbers: a group found by name costs more (_SINGLE numbers its groups the same)
_G = dict(_PATTERN.groupindex)
_Groups = namedtuple("_Groups", sorted(_G, key=_G.get))  # a match's groups by name: g.cur1
# _Groups._make(groups) without _make's Python frame and length check (a match has every group)
_groups_of = functools.partial(tuple.__new__, _Groups)
_MAX_VALUE = Decimal(_LEX["max_value"])
_CONVERSION_WORDS = frozenset(_LEX["conversion_words"])
_NOT_AFTER_YUAN = frozenset(_LEX["not_after_yuan"])
# the lexicon's lookups as module names: each mention reads several (no _LEX[...] step per read)
_CURRENCY_AFTER, _CURRENCY_BEFORE = _LEX["currencies_after"], _LEX["currencies_before"]
_QUALIFIER_BEFORE, _QUALIFIER_AFTER = _LEX["qualifiers_before_class"], _LEX["qualifiers_after_class"]
_MAGNITUDES = {word: num.magnitude(word) for word in num.numerals()["magnitudes"]}
# the groups of amount i (1, 2): its number and further segments, and its unit (magnitude, scale),
# as positions in a _Groups (indexing a tuple costs less than getattr with a name)
_NUMBER_GROUPS = (None, (_G["num1"] - 1, _G["more1"] - 1), (_G["num2"] - 1, _G["more2"] - 1))
_UNIT_GROUPS = (None, (_G["mag1"] - 1, _G["scale1"] - 1), (_G["mag2"] - 1, _G["scale2"] - 1))
# The short patterns here (re.compile), run per mention or per document, use stdlib re: for words, digits
# and anchors (no \s, no case folding) it finds what regex finds, at a third of regex's cost per call.
_SEGMENT = compile_kept(rf"(?P<n>{num.ARABIC}|{num.CHINESE})(?P<m>{num.MAGNITUDE})", name="money-segment")
_OUTSIDE = re.compile(rf"(?:{alternation(_LEX['qualifiers_outside_before_class'])})\Z")
_OUTSIDE_LAST = frozenset(word[-1] for word in _LEX["qualifiers_outside_before_class"])
# cheap pre-screen: no digit and no Chinese numeral, no money
_SCREEN = re.compile(num.numeral_class())
_UNIT_CHARS = re.compile("[十百千拾佰仟]")
# a mention needs a currency word, so only the runs of _PATTERN's characters holding one are searched
_RUNS = num.MatchRuns(
    [*_LEX["per_unit"], *_LEX["qualifiers_before_class"], *_LEX["infix_over"], *_LEX["range_connectors"],
     *_LEX["qualifiers_after_class"], *num.numeral_words()],
    [*_LEX["currencies_before"], *_LEX["currencies_after"]], name="money")


def find_money(text: str, *, local_currency: str = "CNY", rejected: list[dict] | None = None) -> list[Mention]:
    """Every amount of money in ``text`` with its value, currency and qualifier, in text order.

    An amount whose value is absurd (above ``max_value`` in models/money.yaml, 10^16, in any
    currency, or too large to compute) is not a mention; when ``rejected`` is a list, each such
    amount is appended to it as ``{type, text, start, end, reason}``."""
    if not text or not _SCREEN.search(text):
        return []
    urls = num.url_spans(text)
    found: list[Mention] = []
    for start, end, currencies_end in _RUNS(text):
        # end + 1: the (?![A-Za-z]) and (?!游) look-aheads peek one character past the run
        match = _PATTERN.search(text, start, end + 1)
        while match is not None:
            mention = _mention(text, match, local_currency, rejected)
            if mention is None and match.group(_G["tail"]):
                single = _SINGLE.match(text, match.start())  # 100亿元至100亿元: read the first amount alone
                match = single or match
                mention = _mention(text, single, local_currency, rejected) if single else None
            if mention is not None and not (urls and num.overlaps(mention.start, mention.end, urls)):
                if found and mention.start and text[mention.start - 1] in "(（":
                    mention = _restatement(mention, found[-1])
                found.append(mention)
            # no currency word starts at or after currencies_end, so no match from there is a mention
            start = max(match.end(), match.start() + 1)
            match = _PATTERN.search(text, start, end + 1) if start < currencies_end else None
    return found


def _mention(text: str, match: re.Match, local: str, rejected: list[dict] | None = None) -> Mention | None:
    g = _groups_of(match.groups())  # several times faster than match.groupdict() or a dict of them
    pre, post = g.cur_pre or g.cur_pre2, g.cur2 or g.cur1
    if not (pre or post):
        return None  # no currency word on either side: a bare number (see _currency)
    currency = _currency(g, pre, post, local)
    if currency is None or not _plausible(text, match, g, post):
        return None
    try:
        low, high = _values(g)
    except ArithmeticError as error:  # Overflow, InvalidOperation: a number too large to compute
        _reject(rejected, match, f"money value cannot be computed ({type(error).__name__}): skipped")
        return None
    except (ValueError, KeyError):
        return None
    if not low.is_finite() or (high is not None and not high.is_finite()):
        _reject(rejected, match, "money value is not a finite number: skipped")
        return None
    if low > _MAX_VALUE or (high is not None and high > _MAX_VALUE):
        _reject(rejected, match, f"money value {max(low, high or 0):.3E} {currency[0]}: expected at most "
                                 f"{_MAX_VALUE:.0E}, skipped as absurd")
        return None
    info = {}
    if g.qual in _CONVERSION_WORDS or g.qualb in _CONVERSION_WORDS:
        info["conversion"] = True
    if currency[1]:
        info["bare_yuan"] = True
    start, end = match.span()
    return Mention(type="money", text=text[start:end], start=start, end=end, value=low, value_high=high,
                   currency=currency[0], qualifier="range" if high is not None else _qualifier(text, start, g),
                   info=info)


def _reject(rejected: list[dict] | None, match: re.Match, reason: str) -> None:
    if rejected is not None:
        text = match.group(0)
        rejected.append({"type": "money", "text": text if len(text) <= 80 else text[:77] + "...",
                         "start": match.start(), "end": match.end(), "reason": reason})


def _currency(g: _Groups, pre: str | None, post: str | None, local: str) -> tuple[str, bool] | None:
    """(ISO code, came from bare 元) from the words before (``pre``) / after (``post``) the number(s), or None."""
    if post:
        code = _CURRENCY_AFTER[post]
        if code != LOCAL:
            return code, False
    if pre:
        if pre not in _LEX["symbols"] and not (post or _has_unit(g)):
            return None  # 人民币7.2 is an exchange rate, not an amount
        return _CURRENCY_BEFORE[pre], False
    if post:
        return local, True
    return None


def _has_unit(g: _Groups) -> bool:
    return bool(g.mag1 or g.scale1 or g.mag2 or g.scale2)


def _plausible(text: str, match: re.Match, g: _Groups, post: str | None) -> bool:
    """Reject readings that are other words: 元旦/多元化, 1日元旦, 三元锂电池, 3月1日元."""
    if not post:
        return True
    if _CURRENCY_AFTER[post] == LOCAL and not _has_unit(g):  # a magnitude makes 元 a currency
        end = match.end(_G["cur2"] if g.cur2 else _G["cur1"])
        if end < len(text) and text[end] in _NOT_AFTER_YUAN:
            return False  # 元旦, 元年…: but 150億元年增 is an amount
        bare = g.num1
        if not any(ch.isdigit() for ch in bare) and not _UNIT_CHARS.search(bare):
            return False  # 三元 (ternary), 一元 (unitary): a lone Chinese digit before bare 元
    if post.startswith("日"):  # 3月1日元…: a date, not yen
        first = match.start(_G["num1"])
        return not (first > 0 and text[first - 1] == "月")
    return True


def _values(g: _Groups) -> tuple[Decimal, Decimal | None]:
    """(value, value_high) in whole currency units; a range's low end borrows the high end's unit."""
    if not g.tail:
        return num.tidy(_amount(g, 1, 1)), None
    own_unit = g.mag1 or g.scale1
    low = _amount(g, 1, 2 if not own_unit else 1)
    high = _amount(g, 2, 2)
    if low == high:
        raise ValueError("a range needs two different ends")
    return num.tidy(min(low, high)), num.tidy(max(low, high))


def _amount(g: _Groups, i: int, unit_from: int) -> Decimal:
    number_group, more_group = _NUMBER_GROUPS[i]
    mag_group, scale_group = _UNIT_GROUPS[unit_from]
    number = g[number_group]
    value = num.parse_number(number)
    mag = g[mag_group]
    if mag:
        last = _MAGNITUDES[mag]
        value *= last
        more = g[more_group] if unit_from == i else None
        for segment in _SEGMENT.finditer(more) if more else ():  # 1兆2724億: each smaller than the last
            if _MAGNITUDES[segment["m"]] >= last:
                raise ValueError(f"expected falling magnitudes, found {number!r}")
            last = _MAGNITUDES[segment["m"]]
            value += num.parse_number(segment["n"]) * last
    scale = g[scale_group]
    if scale:
        value *= num.english_scale(scale.strip())
    return value


def _qualifier(text: str, start: int, g: _Groups) -> str:
    qual, qualb = g.qual, g.qualb
    if qual or qualb:
        first = _QUALIFIER_BEFORE[qual or qualb]
        if first == "exact" and qual and qualb:
            return _QUALIFIER_BEFORE[qualb]  # 折合约100亿元: the approx of 约 wins over the exact of 折合
        return first
    # an outside word ends right before the amount: its last character there, or no search
    if start and text[start - 1] in _OUTSIDE_LAST:
        outside = _OUTSIDE.search(text, max(0, start - 6), start)
        if outside:
            return _LEX["qualifiers_outside_before_class"][outside.group(0)]
    if g.qual_after:
        return _QUALIFIER_AFTER[g.qual_after]
    if g.inf1 or g.infb1:
        return "over"
    return "exact"


def _restatement(mention: Mention, previous: Mention) -> Mention:
    """Mark an amount in brackets right after another amount (133万亿韩圜(约9,100亿港元))."""
    if previous.end == mention.start - 1:
        return mention.with_(info={**mention.info, "restates": previous.start})
    return mention


class MoneyRecognizer:
    """spaCy component: money mentions of doc.text onto the Doc."""

    def __init__(self, local_currency: str | None = None) -> None:
        self.local_currency = local_currency

    def __call__(self, doc):
        currency = self.local_currency or doc_extension(doc, "locale_currency") or "CNY"
        rejected: list[dict] = []
        doc = add_mentions(doc, find_money(doc.text, local_currency=currency, rejected=rejected), "money")
        if rejected:  # why an amount was not emitted (doc._.rejected; see pipeline.run_document)
            set_doc_extension(doc, "rejected", list(doc_extension(doc, "rejected") or []) + rejected)
        return doc


@Language.factory("capex_money", default_config={"local_currency": None})
def make_money_recognizer(nlp: Language, name: str, local_currency: str | None) -> MoneyRecognizer:
    return MoneyRecognizer(local_currency)
