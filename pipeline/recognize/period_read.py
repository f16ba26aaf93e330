"""Reading one match of the period pattern (:mod:`period_rules`) into a :class:`Raw` period.

``read_match`` picks the reader of the branch that matched (``m.lastgroup``) and hands it the
match's groups as one tuple (reading groups by name costs far more); a reader returns None
when the match is not a period after all (2月6日 is a day).
"""
from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable

import regex

from pipeline.recognize.numbers import parse_number
from pipeline.recognize.period_rules import Raw, YearRef, patterns


def _number(text: str) -> int:
    """parse_number as an int; plain ASCII digits (most years and months) skip the Decimal round trip."""
    return int(text) if text.isascii() and text.isdigit() else int(parse_number(text))


def _year(text: str, pub_year: int | None, strict: bool = False) -> int | None:
    """A written year: 2024 / 二〇二四 as is; a two-digit 24 as 2024 when plausible."""
    try:
        value = _number(text)
    except ValueError:
        return None
    if len(text) == 2 and text.isdigit():
        value += 2000
        reach = 4 if strict else 10
        lo, hi = (pub_year - reach, pub_year + reach) if pub_year else (2010, 2035)
        return value if lo <= value <= hi else None
    return value if 1900 <= value <= 2099 else None


def _month(text: str) -> int | None:
    try:
        value = _number(text)
    except ValueError:
        return None
    return value if 1 <= value <= 12 else None


def _index(year: int | None, month: int | None) -> int | None:
    return None if year is None or month is None else year * 12 + month - 1


def _explicit_raw(m: re.Match, end: int, start_index: int | None, end_index: int | None,
                  fiscal: bool) -> Raw | None:
    if start_index is None or end_index is None or not 0 <= end_index - start_index < 36:
        return None
    return Raw(m.start(), end, None, (), (start_index, end_index), fiscal)


@functools.cache
def _groups(names: str) -> Callable[[tuple], tuple]:
    """A getter of several named groups (two or more) out of ``m.groups()`` at once: ``m[name]``
    costs about a quarter of a microsecond, and reading one match asks for a dozen groups."""
    index = patterns()["main"].groupindex
    return operator.itemgetter(*(index[name] - 1 for name in names.split()))


def _read_fy_until(m: re.Match, g: tuple, text: str, pub_year: int | None) -> Raw | None:
    cut, stop, word, year, month, count = _groups("fu_cut fu_stop fu_w fu_y fu_m fu_n")(g)
    if word not in patterns()["words"]["fiscal_year_words"] and not (cut or stop):
        return None
    last = _index(_year(year, pub_year), _month(month))
    months = _month(count) if count else 12       # 截至…止六个月: the six months to then
    if last is None or months is None:
        return None
    return _explicit_raw(m, m.end(), last - months + 1, last, fiscal=months == 12 and last % 12 != 11)


def _read_month_range(m: re.Match, g: tuple, text: str, pub_year: int | None) -> Raw | None:
    y1, m1, y2, m2 = _groups("r_y1 r_m1 r_y2 r_m2")(g)
    first = _index(_year(y1, pub_year), _month(m1))
    last = _index(_year(y2, pub_year), _month(m2))
    fiscal = first is not None and last == first + 11 and first % 12 != 0
    return _explicit_raw(m, m.end(), first, last, fiscal)


def _read_year_range(m: re.Match, g: tuple, text: str, pub_year: int | None) -> Raw | None:
    y1, y2 = (_year(year, pub_year) for year in _groups("yr1 yr2")(g))
    if y1 is None or y2 is None or not 0 < y2 - y1 <= 50:
        return None
    return Raw(m.start(), m.end(), YearRef("abs", y1, y2))


def _read_en(m: re.Match, g: tuple, text: str, pub_year: int | None) -> Raw | None:
    k1, n1, y1, k2, n2, y2, k3, n3, y3, fy = _groups(
        "en_k1 en_n1 en_y1 en_k2 en_n2 en_y2 en_k3 en_n3 en_y3 en_fy")(g)
    kind, number, year = (k1, n1, y1) if k1 else (k2, n2, y2) if k2 else (k3, n3, y3)
    number, year = int(number), _year(year, pub_year)
    if year is None or (kind == "H" and number > 2):
        return None
    ref = YearRef("fiscal" if fy else "abs", year)
    return Raw(m.start(), m.end(), ref, ("q" if kind == "Q" else "h", number))


def _read_estimate(m: re.Match, g: tuple, text: str, pub_year: int | None) -> Raw | None:
    year = _year(m["ae_y"], pub_year, strict=True)
    return None if year is None else Raw(m.start(), m.end(), YearRef("abs", year))


def _read_relative_unit(m: re.Match, g: tuple, text: str, pub_year: int | None) -> Raw:
    kind = m.lastgroup                                    # rq (本季度) or rm (本月)
    words = patterns()["words"]["relative_quarters" if kind == "rq" else "relative_months"]
    return Raw(m.start(), m.end(), None, (kind, words[m[kind]]))


def _read_in_year(m: re.Match, g: tuple, text: str, pub_year: int | None) -> Raw:
    return Raw(m.start(), m.end(), None, ("in",))


def _read_prefix(m: re.Match, g: tuple, text: str, pub_year: int | None) -> YearRef | None | bool:
    """The year part of a ``main`` match; None when there is none, False when it is not a year.
    (The word tables are fetched only in the branches that read them: most years are written out.)"""
    fs1, fs2, fyq, fyy, fy, relfy, rel, reldu, roc, rocdu, y2, y4, bare, du = _groups(
        "p_fs1 p_fs2 p_fyq p_fyy p_fy p_relfy p_rel p_reldu p_roc p_rocdu p_y2 p_y4 p_bare p_du")(g)
    if fs1:
        first, second = _year(fs1, pub_year), _year(fs2, pub_year)
        return YearRef("fiscal_split", second) if first and second == first + 1 else False
    if fyq or fy:
        year = _year(fyy or fy, pub_year)
        return False if year is None else YearRef("fiscal", year)
    if relfy:
        return YearRef("fiscal_pub", patterns()["words"]["relative_fiscal_years"][relfy])
    if rel:
        offset, anchor = patterns()["words"]["relative_years"][rel]
        return YearRef("pub" if anchor == "pub" else "context", offset, du=bool(reldu))
    if roc:
        digits = regex.sub(r"\D", "", roc)
        return YearRef("abs", int(digits) + 1911, du=bool(rocdu))
    if y2:
        return _two_digit_year(m, text, pub_year)
    written = y4 or bare
    if written is None:
        return None
    year = _year(written, pub_year)
    return False if year is None else YearRef("abs", year, du=bool(du))


def _two_digit_year(m: re.Match, text: str, pub_year: int | None) -> YearRef | bool:
    """24年 is 2024 in analyst notes; 近10年 / 20年来 / 30年的 are durations."""
    words = patterns()["words"]
    before = text[max(0, m.start() - 4):m.start("p_y2")]
    after = text[m.end("p_y2"):m.end("p_y2") + 4].lstrip().removeprefix("年")
    if any(before.endswith(w) for w in words["two_digit_year_not_after"]):
        return False
    if any(after.startswith(w) for w in words["two_digit_year_not_before"]):
        return False
    year = _year(m["p_y2"], pub_year, strict=True)
    return False if year is None else YearRef("abs", year, du=bool(m["p_y2du"]))


def _read_sub(m: re.Match, g: tuple) -> tuple | None:
    """The sub-period of a ``main`` match: () when none, None when it is not a period."""
    flags = _groups("s_mp s_fq s_first s_q s_qt s_h s_mr s_m s_full s_same s_open s_in s_edge")(g)
    if not any(flags):
        return ()
    s_mp, s_fq, s_first, s_q, s_qt, s_h, s_mr, s_m, s_full, s_same, s_open, s_in, s_edge = flags
    if s_mp:
        return ("mp", _month(m["mp_m"]))
    if s_fq:
        return ("fq", _month(m["fq_n"]))
    if s_first:
        count = _month(m["fn_n"])
        months = count and (count * 3 if "季" in m["fn_u"] else count)
        return ("first", months) if months and months <= 12 else None
    if s_q or s_qt:                                   # 第三季度, Q3 / (after a year) 三季
        q_f, q_a, q_b, q_c, q_d, q_e = _groups("q_f q_a q_b q_c q_d q_e")(g)
        number = 1 if q_f else _month(q_a or q_b or q_c or q_d or q_e)
        return ("q", number) if number and number <= 4 else None
    if s_h:
        h_w, h_b, h_c = _groups("h_w h_b h_c")(g)
        return ("h", patterns()["words"]["half_words"][h_w] if h_w else int(h_b or h_c))
    if s_mr or s_m:
        mr1, mr2, m_n = _groups("mr1 mr2 m_n")(g)
        first, last = _month(mr1 or m_n), _month(mr2 or m_n)
        return ("m", first, last) if first and last and first <= last else None
    for flag, sub in ((s_full, ("full",)), (s_same, ("same",)), (s_open, ("open",)), (s_in, ("in",))):
        if flag:
            return sub
    return ("edge", patterns()["words"]["year_edge_words"][s_edge])


def _read_main(m: re.Match, g: tuple, text: str, pub_year: int | None) -> Raw | None:
    year = _read_prefix(m, g, text, pub_year)
    sub = _read_sub(m, g)
    if year is False or sub is None or (sub and None in sub):
        return None
    end = m.end()
    if year is not None and year.kind == "fiscal":
        paren = patterns()["fy_paren"].match(text, end)
        if paren and (not sub or paren["pr_y"] or paren["ps_y"]):  # 2026财年第二季度（2025年10~12月）
            return _read_paren(m, paren, pub_year) or Raw(m.start(), end, year, sub)
    return Raw(m.start(), end, year, sub)


def _read_paren(m: re.Match, paren: re.Match, pub_year: int | None) -> Raw | None:
    """2025财年（截至2025年6月） / 2025财年(2024年9月至2025年8月): the months the text gives."""
    if paren["pr_y"]:
        year = _year(paren["pr_y"], pub_year)
        first, last = _index(year, _month(paren["pr_m1"])), _index(year, _month(paren["pr_m2"]))
        if first is not None and last is not None and last < first:
            last += 12
        return _explicit_raw(m, paren.end(), first, last, fiscal=True)
    last = _index(_year(paren["pe2_y"] or paren["pe_y"], pub_year), _month(paren["pe2_m"] or paren["pe_m"]))
    first = _index(_year(paren["ps_y"], pub_year), _month(paren["ps_m"])) if paren["ps_y"] else (
        None if last is None else last - 11)
    return _explicit_raw(m, paren.end(), first, last, fiscal=True)


# Each top-level branch of the main pattern is one named group, the last group a match closes.
_READERS = {"fy_until": _read_fy_until, "ym_range": _read_month_range, "y_range": _read_year_range,
            "en": _read_en, "ae": _read_estimate, "rq": _read_relative_unit, "rm": _read_relative_unit,
            "inyear": _read_in_year, "main": _read_main}


def read_match(m: re.Match, text: str, pub_year: int | None) -> Raw | None:
    """One pattern match → a Raw period, or None when it is not a period after all."""
    start, end = m.span()
    if text.endswith(("月", "月份"), start, end) and patterns()["day_after"].match(text, end):
        return None                                   # 2月6日, 2025年12月30日: a day, not a period
    return _READERS[m.lastgroup](m, m.groups(), text, pub_year)
