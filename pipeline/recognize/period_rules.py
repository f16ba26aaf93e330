"""Period expressions in text → raw period specs (what the text says, before any resolution).

The words come from models/periods.yaml; this module turns them into one compiled
pattern (built once, at import) and reads each match into a :class:`Raw`: a year
reference (absolute, relative to the publication date or to the period in context,
fiscal or calendar) and a sub-period (quarter, half, months, 全年, 同期, 年底…).
:mod:`pipeline.recognize.period_resolve` turns those into months.
"""
from __future__ import annotations

import functools
import re
from typing import Any, NamedTuple

import regex

from pipeline.compiled_re import compile_kept
from pipeline.lexicon import LexiconError, alternation, load_data, require_keys, require_str_list, require_str_map
from pipeline.recognize.re_compat import re_dialect

NAME = "periods.yaml"
WORD_LISTS = ("fiscal_year_words", "fiscal_quarter_words", "first_quarter_words", "full_year_words",
              "same_period_words", "open_before_words", "range_separators", "comparison_markers",
              "two_digit_year_not_after", "two_digit_year_not_before", "bare_year_not_before",
              "year_not_before", "month_not_before")
INT_MAPS = ("relative_fiscal_years", "relative_quarters", "relative_months", "half_words")
ANCHORS = ("pub", "context")
EDGES = ("start", "end")


@functools.lru_cache(maxsize=1)
def period_words() -> dict[str, Any]:
    """The validated contents of models/periods.yaml."""
    data = require_keys(NAME, load_data(NAME),
                        WORD_LISTS + INT_MAPS + ("relative_years", "relative_not_after", "year_edge_words"))
    for key in WORD_LISTS:
        require_str_list(NAME, key, data[key])
    for key in INT_MAPS:
        require_str_map(NAME, key, data[key], int)
    _check_relative_years(data["relative_years"])
    _check_not_after(data["relative_not_after"], data["relative_years"])
    edges = require_str_map(NAME, "year_edge_words", data["year_edge_words"])
    bad = {k: v for k, v in edges.items() if v not in EDGES}
    if bad:
        raise LexiconError(f"{NAME}: year_edge_words expected values in {EDGES}, found {bad}")
    halves = {k: v for k, v in data["half_words"].items() if v not in (1, 2)}
    if halves:
        raise LexiconError(f"{NAME}: half_words expected 1 or 2, found {halves}")
    return data


def _check_relative_years(value: Any) -> None:
    if not isinstance(value, dict) or not value:
        raise LexiconError(f"{NAME}: relative_years expected a mapping of word -> [offset, anchor], "
                           f"found {value!r:.80}")
    for word, entry in value.items():
        if (not isinstance(word, str) or not isinstance(entry, list) or len(entry) != 2
                or not isinstance(entry[0], int) or entry[1] not in ANCHORS):
            raise LexiconError(f"{NAME}: relative_years[{word!r}] expected [offset, one of {ANCHORS}], "
                               f"found {entry!r}")


def _check_not_after(value: Any, relative: dict) -> None:
    if not isinstance(value, dict):
        raise LexiconError(f"{NAME}: relative_not_after expected a mapping, found {type(value).__name__}")
    for word, chars in value.items():
        if word not in relative:
            raise LexiconError(f"{NAME}: relative_not_after expected words of relative_years, found {word!r}")
        if not isinstance(chars, list) or not all(isinstance(c, str) and c for c in chars):
            raise LexiconError(f"{NAME}: relative_not_after[{word!r}] expected a list of strings, "
                               f"found {chars!r:.80}")


class YearRef(NamedTuple):
    """The year part of a period as written."""

    kind: str                 # abs | pub | context | fiscal | fiscal_pub | fiscal_split
    value: int                # a year (abs, fiscal; fiscal_split: the second year) or an offset
    high: int | None = None   # last year of a range of years (2025-2030年)
    du: bool = False          # written 年度: the company's fiscal year when it has one


class Raw(NamedTuple):
    """One period expression: where it is and what it says, not yet resolved to months."""

    start: int
    end: int
    year: YearRef | None
    sub: tuple = ()                          # ("q", 4), ("m", 10, 12), ("same",), ("open",) …
    explicit: tuple[int, int] | None = None  # month indexes (year*12 + month-1) the text itself gives
    fiscal: bool = False


# Pieces of the pattern. NUMB keeps a number from being read out of a longer number, a decimal,
# a date written with / or : (2025/3/28), or a code with letters.
PIECES = {
    "Y4": r"(?:19|20)\d{2}",
    "CNY": r"[〇零○一二三四五六七八九]{4}",
    "MON": r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])",
    "QN": r"[一二三四1-4]",
    "DAY": r"(?:[12]\d|3[01]|0?[1-9]|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九]|廿[一-九]?|卅一?)\s?[日号號]",
    "NUMB": r"(?<![\d./A-Za-z%$])(?<!\d[,:：])",
    # a Chinese-numeral month must not be the tail of a count (两个月 is handled by 个; 每三月, 第一月)
    "MON_BEFORE": r"(?<![\d.一二三四五六七八九十两兩几幾数數每第个個近逾超满滿整余餘多])",
    # Where a digit can start a period: most digits are inside amounts (12.5亿元), and trying every
    # branch there is what the scan spends its time on. After a digit or point only the branches
    # without a NUMB/MON_BEFORE guard can start (3月期, 4财季, 4季度); elsewhere the digits must run
    # into a month, quarter or range word or Q/H (3月, 4季度, 1Q25, 10~12月), two or more into a
    # year word, A/E or a slash (24年, 25E, 2024/25), or be a bare year (p_bare). A necessary
    # condition only: the branches still decide.
    # (Written to read the digits once and never backtrack: a digit or space given back is the next
    # character, which no word after them starts with.)
    "DIGIT_START": r"""(?:
        (?<![\d.])(?=
            \d(?:\d++\s{0,2}+(?:[月QH年AE/／]|季度|«FQW»|«SEP»|«FYW»)|\s{0,2}+(?:[月QH]|季度|«FQW»|«SEP»))
          | \d{4}(?=\p{Han}|、)(?!年|«BARE_NOT»)
        )
      | (?=\d{1,2}+\s?+(?:月期|«FQW»|季度))
    )""",
    # A numeral (NUMERAL: those no period word starts with) only starts a year (二〇二四年), month
    # (三月, 一至三月) or quarter (三季度, 一财季), not a count or name (一家, 三星); as DIGIT_START.
    "NUMERAL_START": r"(?=[«NUMERAL»]{1,4}+\s{0,2}+(?:[年月季]|«FQW»|«SEP»))",
}

START = r"""
  [«FIRST_CHAR»年](?<=  # a character every period starts with, then (stepping back over it) cheap guards:
    (?=«FIRST»|年[内內])  # every period starts with one of these
    (?:                   # a digit or numeral only where one can start a period (each branch starts
        [^0-9«NUMERAL»]   # with a class, on which re skips it without entering it)
      | [0-9](?<=«DIGIT_START».)
      | [«NUMERAL»](?<=«NUMERAL_START».)
    )
  )
"""

# TEMPLATE is matched (re.match) only where START is found: a search for START passes the text that
# cannot start a period in re's tight loop for a leading class, where a search for TEMPLATE behind
# look-ahead guards would enter the pattern at every character. START is a necessary condition only.
# A lookahead in front of a branch, (?=\d) or (?=[截\d]), only checks the characters it can start
# with (or, (?=\d++[AE]), the few it needs): failing that one check is much cheaper than failing the
# branch itself, whose look-behinds (NUMB, MON_BEFORE) are tried before any character.
TEMPLATE = r"""
  (?:
  (?=[截\d])(?P<fy_until>  # 截至2016年3月份财年, 截至2024年12月31日止年度: the 12 months up to that month
      (?P<fu_cut>截[至止]\s?)? «NUMB»(?P<fu_y>«Y4»)\s?年\s?(?P<fu_m>«MON»)\s?月份?(?:底|末)?(?:\s?«DAY»)?
      \s?(?P<fu_stop>止)?\s?(?:的|之)?\s?(?P<fu_w>«FYW»|年度|(?P<fu_n>十二|12|九|9|六|6|三|3)\s?[个個]月)
  )
| (?=\d)(?P<ym_range>  # 2024年4月～2025年3月: one span across two years
      «NUMB»(?P<r_y1>«Y4»)\s?年\s?(?P<r_m1>«MON»)\s?月份?\s?(?:«SEP»)\s?(?P<r_y2>«Y4»)\s?年\s?(?P<r_m2>«MON»)\s?月份?
  )
| (?=\d)(?P<y_range>  # 2025-2030年, 2021年—2023年: one span of years (the second year needs 年)
      «NUMB»(?P<yr1>«Y4»)\s?年?\s?(?:«SEP»)\s?(?P<yr2>«Y4»)\s?年度?
  )
| (?=[QH]|\d++\s?[QH])(?P<en>   # analyst notation: 2025Q1 25H1 | 1Q25 2H 2024 | Q1 2025, Q3 FY25
      «NUMB»(?P<en_y1>«Y4»|\d{2})\s?(?P<en_k1>[QH])(?P<en_n1>[1-4])(?![\dA-Za-z])
    | «NUMB»(?P<en_n2>[1-4])(?P<en_k2>[QH])\s?'?(?P<en_y2>«Y4»|\d{2})(?![\dA-Za-z])
    | (?<![A-Za-z\d])(?P<en_k3>[QH])(?P<en_n3>[1-4])\s?(?P<en_fy>FY)?\s?'?(?P<en_y3>«Y4»|\d{2})(?![\dA-Za-z])
  )
| (?=\d++[AE])(?P<ae>«NUMB»(?P<ae_y>«Y4»|\d{2})[AE](?![A-Za-z\d]))  # 24A (actual), 25E / 2025E (estimate)
| (?P<rq>«RELQ»)                                         # 本季度 当季 上季度
| (?P<rm>«RELM»)(?!份?\s?«DAY»)                          # 本月 上个月 (not 本月5日)
| (?=年)(?P<inyear>    # 年内 = this year; not 两年内 / 半年内 / 每年内 (durations) nor 年内地
      (?<![\d一二三四五六七八九十两兩几幾数數多半周週每同当當历歷百千万萬今本明去前后後上])年[内內](?![地需部资資容涵在外])
  )
| (?P<main>   # a year and maybe a sub-period, or a sub-period that stands alone (SUB_FREE):
      (?:(?P<p_any>«PREFIX»)|)  # spelled once, each group named once, which stdlib re needs
                                # (not (…)?: inside re's repeat every alternation copies all marks)
      (?:(?(p_any)\s?(?=«SUB_FIRST»))(?:«SUB_FREE»|(?(p_any)«SUB_TIED»|(?!)))|(?(p_any)|(?!)))
  )
  )
"""

PREFIX = r"""(?:
    (?:(?=F)(?<![A-Za-z])(?P<p_fsfy>FY)\s?|(?=\d)«NUMB»)  # split years: FY24/25, 2024/25财年
      (?P<p_fs1>«Y4»|\d{2})\s?[/／]\s?(?P<p_fs2>«Y4»|\d{2})(?(p_fsfy)(?!\d)|\s?(?:«FYW»|年度))
  | (?=F)(?<![A-Za-z])(?P<p_fyq>FY)\s?'?(?P<p_fyy>«Y4»|\d{2})(?!\d)     # FY2025, FY25
  | (?=\d)«NUMB»(?P<p_fy>«Y4»|\d{2})\s?(?P<p_fyw>«FYW»)                 # 2025财年, 25財年
  | (?P<p_relfy>«RELFY»)                                                 # 本财年, 上一财年
  | (?=[\d〇零○一二三四五六七八九])«NUMB»(?P<p_y4>«Y4»|«CNY»)\s?年(?P<p_du>度)?(?!«YEAR_NOT»)  # 2024年, 2024年度, 二〇二四年
  | (?P<p_roc>民[國国]\s?\d{2,3}|(?=1)«NUMB»1[01]\d(?=年(?:度|第|上半|下半|前|全年|\d)))\s?年(?P<p_rocdu>度)?  # 民國114年
  | (?=\d)«NUMB»(?P<p_y2>\d{2})\s?年(?P<p_y2du>度)?(?!«YEAR_NOT»)      # 24年 (checked in code)
  | (?P<p_rel>«REL»)(?P<p_reldu>度)?(?!«YEAR_NOT»)                      # 今年, 去年度, 上年
  | (?=\d)«NUMB»(?P<p_bare>«Y4»)(?=\p{Han}|、\s?«Y4»\s?年)(?!年|«BARE_NOT»)  # 2027進機, 2024、2025年
)"""

SUB_FREE = r"""(?:
    (?P<s_mp>(?P<mp_m>«MON»)\s?月期(?![间間货貨内內限满滿]))             # 3月期: fiscal year ending March
  | (?P<s_fq>(?:第\s?)?(?P<fq_n>«QN»)\s?(?:«FQW»))                        # 第一财季
  | (?P<s_first>[前首]\s?(?P<fn_n>1[0-2]|[1-9]|十[一二]?|[一二两兩三四五六七八九])\s?(?P<fn_u>[个個]?月|[个個]?季度?))  # 前三季度
  | (?P<s_q>第\s?(?P<q_a>«QN»)\s?季度?|(?P<q_b>«QN»)\s?季度|(?P<q_f>«Q1W»)
         |(?<![A-Za-z])Q(?P<q_c>[1-4])(?![\dA-Za-z])|(?<![\dA-Za-z.])(?P<q_d>[1-4])Q(?![\dA-Za-z]))
  | (?P<s_h>(?P<h_w>«HALF»)|(?<![A-Za-z])H(?P<h_b>[12])(?![\dA-Za-z])|(?<![\dA-Za-z.])(?P<h_c>[12])H(?![\dA-Za-z]))
  | (?P<s_mr>(?=[0-9十一二三四五六七八九])«MON_BEFORE»(?P<mr1>«MON»)\s?(?:月份?)?\s?(?:«SEP»)\s?(?P<mr2>«MON»)\s?月份?(?:底|末)?(?!«MON_NOT»))
  | (?P<s_m>(?=[0-9十一二三四五六七八九])«MON_BEFORE»(?P<m_n>«MON»)\s?月份?(?:上旬|中旬|下旬|底|末|初|中)?(?!«MON_NOT»))
  | (?P<s_full>«FULL»)
  | (?P<s_same>(?<!不)«SAME»(?!限))
)"""

# Only after a year: 一年四季 / 年底 alone / 前 alone are not periods.
SUB_TIED = r"""(?:
    (?P<s_qt>(?P<q_e>«QN»)季(?!度))                                                    # 2025年三季
  | (?P<s_edge>«EDGE»)(?!步)                                                           # 2024年底 (not 年初步)
  | (?P<s_open>«OPEN»)(?![后後景沿列期夕瞻进進往身任端一二两兩三四五六七八九十\d个個半季茅])  # 2030年前 (not 前景, 前后)
  | (?P<s_in>[内內])(?![地需部资資容涵在外])                                          # 今年内 (not 内地)
)"""

FY_PAREN = r"""\s?[（(]\s?(?:          # 2025财年（截至2025年6月） / (2024年9月至2025年8月)
    (?P<ps_y>«Y4»)\s?年\s?(?P<ps_m>«MON»)\s?月份?(?:\s?«DAY»)?\s?(?:«SEP»)
        \s?(?P<pe2_y>«Y4»)\s?年\s?(?P<pe2_m>«MON»)\s?月份?(?:底|末)?(?:\s?«DAY»)?
  | (?:截[至止]|至|到)?\s?(?P<pe_y>«Y4»)\s?年\s?(?P<pe_m>«MON»)\s?月份?(?:底|末)?(?:\s?«DAY»)?
  | (?P<pr_y>«Y4»)\s?年\s?(?P<pr_m1>«MON»)\s?月?\s?(?:«SEP»)\s?(?P<pr_m2>«MON»)\s?月份?   # (2025年10~12月)
)\s?止?\s?[）)]"""


def _not_after(word: str, chars: list[str]) -> str:
    """``word`` unless it is the tail of a longer word ending in one of ``chars`` (说明年 ≠ 明年)."""
    if not chars:
        return regex.escape(word)
    return "(?<!" + alternation(chars) + ")" + regex.escape(word)


def _pieces(words: dict[str, Any]) -> dict[str, str]:
    rel = sorted(words["relative_years"], key=lambda w: (-len(w), w))
    not_after = words["relative_not_after"]
    return dict(
        PIECES,
        FYW=alternation(words["fiscal_year_words"]), FQW=alternation(words["fiscal_quarter_words"]),
        SEP=alternation(words["range_separators"]), RELQ=_guarded(words, "relative_quarters"),
        RELM=_guarded(words, "relative_months"), RELFY=_guarded(words, "relative_fiscal_years"),
        REL=_guarded(words, "relative_years", "|".join(_not_after(w, not_after.get(w, [])) for w in rel)),
        Q1W=alternation(words["first_quarter_words"]), HALF=alternation(words["half_words"]),
        FULL=alternation(words["full_year_words"]), SAME=alternation(words["same_period_words"]),
        EDGE=alternation(words["year_edge_words"]), OPEN=alternation(words["open_before_words"]),
        YEAR_NOT=alternation(words["year_not_before"]), BARE_NOT=alternation(words["bare_year_not_before"]),
        MON_NOT=alternation(words["month_not_before"]),
        FIRST=_first_characters(words), FIRST_CHAR=_first_character_class(words),
        NUMERAL="".join(sorted(set(_NUMERALS) - set(_initials(words, _START_WORDS)))),
        SUB_FIRST=_sub_first_characters(words),
    )


# What a period can start with besides the words: (its first characters, the rest)
_STARTS = (("0-9〇零○一二三四五六七八九十第", ""), ("F", "Y"), ("QH", "[1-4]"),
           ("前首", r"\s?[1-9十一二两兩三四五六七八九]"), ("截", r"[至止]\s?\d"), ("民", "[國国]"))
_NUMERALS = "〇零○一二三四五六七八九十"   # what CNY and MON start with (see NUMERAL_START)
_START_WORDS = ("relative_years", "relative_fiscal_years", "relative_quarters", "relative_months",
                "first_quarter_words", "half_words", "full_year_words", "same_period_words")


def _first_characters(words: dict[str, Any]) -> str:
    """What a period can start with: a digit, numeral or 第, FY, Q1/H2, 前三/首6, 截至2024,
    or one of the words (as whole words, so a text full of 同 or 上, 前景 or HBM is rejected
    without trying every branch)."""
    starts = [f"[{first}]{rest}" for first, rest in _STARTS]
    starts.append(_prefix_tree([word for key in _START_WORDS for word in words[key]]))
    return "(?:" + "|".join(starts) + ")"


def _prefix_tree(words: list[str]) -> str:
    """Where one of ``words`` starts, as alternations by first character (上(?:一(?:…)|半年|…)|下…):
    re tries branches in turn, and one per character is cheaper than one per word. For a lookahead
    only (a word stands for the longer words it starts)."""
    by_initial: dict[str, list[str]] = {}
    for word in sorted(set(words)):
        by_initial.setdefault(word[0], []).append(word[1:])
    branches = [regex.escape(initial) + ("" if "" in rests else _prefix_tree(rests))
                for initial, rests in by_initial.items()]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _first_character_class(words: dict[str, Any]) -> str:
    """The characters _first_characters' starts begin with (a class body): one character checked
    at each position before the alternation of every start lets re's search pass most text quickly."""
    return "".join(first for first, _ in _STARTS) + regex.escape(_initials(words, _START_WORDS))


def _guarded(words: dict[str, Any], key: str, pattern: str | None = None) -> str:
    """The alternation of ``words[key]`` (or ``pattern``) behind a check of its first character:
    failing that one check is cheaper than failing each word."""
    body = alternation(words[key]) if pattern is None else pattern
    return "(?=[" + regex.escape(_initials(words, (key,))) + "])(?:" + body + ")"


def _initials(words: dict[str, Any], keys: tuple[str, ...]) -> str:
    return "".join(sorted({word[0] for key in keys for word in words[key]}))


def _sub_first_characters(words: dict[str, Any]) -> str:
    """What a sub-period (SUB_FREE, SUB_TIED) can start with. After most years no sub-period
    follows, and checking one character is much cheaper than failing every sub-period branch."""
    keys = ("first_quarter_words", "half_words", "full_year_words", "same_period_words",
            "year_edge_words", "open_before_words")
    return "[\\d十一二三四五六七八九第前首QH内內" + regex.escape(_initials(words, keys)) + "]"


def _expand(template: str, pieces: dict[str, str]) -> str:
    """Fill «NAME» slots (repeatedly: a piece may hold slots of its own)."""
    for _ in range(4):
        template = regex.sub(r"«(\w+)»", lambda m: pieces[m[1]], template)
    return template


@functools.lru_cache(maxsize=1)
def patterns() -> dict[str, Any]:
    """The compiled patterns (built once from models/periods.yaml)."""
    words = period_words()
    pieces = _pieces(words)
    pieces.update(PREFIX=PREFIX, SUB_FREE=SUB_FREE, SUB_TIED=SUB_TIED)

    def compile_(name: str, template: str) -> re.Pattern:  # stdlib re, regex's classes spelled out: see re_dialect
        return compile_kept(re_dialect(_expand(template, pieces)), re.VERBOSE, name=f"period-{name}")

    return {
        "start": compile_("start", START),
        "main": compile_("main", TEMPLATE),
        "fy_paren": compile_("fy_paren", FY_PAREN),
        # a month followed by a day is a date, not a period (2月6日, 2025年12月30日)
        "day_after": compile_("day_after", r"\s?«DAY»"),
        # cheap pre-screen: no period can match without one of these
        "prescreen": compile_("prescreen", r"[年月季期度QHYAE财財同]|(?:19|20)\d\d"),
        "words": words,
        "comparison_markers": tuple(words["comparison_markers"]),  # for str.endswith, once
    }
