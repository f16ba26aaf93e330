"""Company groups (4家企业, 三大云厂商, 四家大行) and references (该公司, 其) over company mentions.

``find_groups`` reads a number, a classifier and a head noun as a group and resolves its
members from a list of company mentions right before it or in brackets right after it, or
from the one enumeration in the text with as many names. ``resolve_reference`` names the
company a reference stands for: the last one in subject position before it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter

import regex

from pipeline.document import Mention
from pipeline.recognize import company_rules as R
from pipeline.recognize.company_aliases import places_of


@dataclass(frozen=True)
class Group:
    """A group of companies named together (4家企业, 三大云厂商); members resolved when enumerated."""

    text: str
    start: int
    end: int
    size: int | None
    members: tuple[str, ...] = ()


# ---------------------------------------------------------------- groups

_CN_NUMERALS = "一二两兩三四五六七八九十"
_NUM = rf"(?:\d{{1,2}}|[{_CN_NUMERALS}]{{1,2}})"
_GROUP = regex.compile(
    rf"(?P<num>{_NUM})\s*(?P<cls>家|大|个|個)\s*(?P<mod>[\p{{Han}}A-Za-z]{{0,6}}?)"
    r"(?P<head>科技巨头|科技巨頭|科技企业|科技企業|科技公司|云厂商|雲廠商|云服务商|雲服務商|企业|企業|公司|巨头|巨頭|厂商|廠商|"
    r"大厂|大廠|运营商|營運商|运营商|车企|車企|大行|银行|銀行|集团|集團|芯片厂|晶圆厂|晶圓廠)")
# A number then 家/大/个, found from the rarer classifier: a text without one has no group and
# skips the slower ``_GROUP`` scan.
_CLASSIFIERS = "家大个個"
_GROUP_START = regex.compile(rf"[{_CLASSIFIERS}](?<=(?:\d|[{_CN_NUMERALS}])\s*[{_CLASSIFIERS}])")
_SPACES_BEFORE = regex.compile(r"\s*", flags=regex.REVERSE)


def _group_starts(text: str) -> list[int]:
    """Where ``_GROUP_START`` matches: tried at each classifier str.find finds (a scan for the
    four is several times the cost of the finds) unless a Han character other than a numeral
    stands right before it (most 大: 大厂, 扩大), which is neither the number nor a space."""
    return [at for at in places_of(text, _CLASSIFIERS)
            if not ("\u4e00" <= text[at - 1:at] <= "\u9fff" and text[at - 1] not in _CN_NUMERALS)
            and _GROUP_START.match(text, at)]


def _group_matches(text: str, starts: list[int]):
    """``_GROUP.finditer(text)``, tried only where a match can start. A match's classifier is one
    of ``_group_starts``, and the match starts with its number: one or two characters before the
    spaces before it (and after the last match)."""
    done = 0
    for classifier in starts:
        spaces = _SPACES_BEFORE.match(text, 0, classifier).start()
        for start in (spaces - 2, spaces - 1):
            m = _GROUP.match(text, start) if start >= done else None
            if m:
                yield m
                done = m.end()
                break


_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_LIST_SEPS = ("、", "，", ",", "和", "与", "與", "及", "以及", "跟")
_LIST_SEP = regex.compile(r"^\s*(?:" + "|".join(_LIST_SEPS) + r")\s*$")
_LIST_TO_GROUP = regex.compile(r"\s*(?:等|这|這|此|共|合计|合計)?\s*")
_BRACKETED_LIST = regex.compile(r"\s*[（(]([^（）()]{2,80})[)）]")


_START = attrgetter("start")


def _is_list_sep(gap: str) -> bool:
    """``_LIST_SEP.match(gap)``, most gaps rejected without it: str.strip's whitespace includes
    every \\s of regex's, so a separator gap strips to the separator."""
    return gap.strip() in _LIST_SEPS and _LIST_SEP.match(gap) is not None


def _number(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    if len(token) == 1:
        return _CN_DIGITS.get(token)
    if token[0] == "十":
        return 10 + _CN_DIGITS.get(token[1], 0)
    return None


def _enumerations(text: str, companies: Sequence[Mention]) -> list[list[Mention]]:
    """Runs of company mentions joined by 、/和/与 (each run in text order)."""
    runs: list[list[Mention]] = []
    ordered = sorted(companies, key=_START)
    for m in ordered:
        if runs and _is_list_sep(text[runs[-1][-1].end:m.start]):
            runs[-1].append(m)
        else:
            runs.append([m])
    return runs


def _by_end(runs: list[list[Mention]]) -> dict[int, list[tuple[int, list[Mention]]]]:
    """Each run by where it ends, with its place in ``runs``: the runs ending near an offset are
    looked up, not searched for (a long page has hundreds of groups and of runs)."""
    by_end: dict[int, list[tuple[int, list[Mention]]]] = {}
    for index, run in enumerate(runs):
        by_end.setdefault(run[-1].end, []).append((index, run))
    return by_end


def _list_before(text: str, start: int, runs_by_end: dict) -> list[Mention] | None:
    """The last run (in text order) ending 0-3 characters before ``start`` with only words
    that lead from a list to its group between (A、B、C等4家)."""
    found = [(index, run) for run_end in range(start - 3, start + 1) for index, run in runs_by_end.get(run_end, ())
             if _LIST_TO_GROUP.fullmatch(text[run_end:start])]
    return max(found)[1] if found else None


def _names(run: Sequence[Mention]) -> tuple[str, ...]:
    seen: list[str] = []
    for m in run:
        if m.name not in seen:
            seen.append(m.name)
    return tuple(seen)


def find_groups(text: str, companies: Sequence[Mention]) -> list[Group]:
    """Groups of companies (4家企业, 三大云厂商, 四家大行), members resolved when enumerated."""
    groups: list[Group] = []
    starts = _group_starts(text)
    if not starts:
        return groups
    runs = runs_by_end = None
    for m in _group_matches(text, starts):
        if runs is None:  # most texts _GROUP_START lets through have no group
            runs = _enumerations(text, companies)
            runs_by_end = _by_end(runs)
        size = _number(m.group("num"))
        start, end = m.start(), m.end()
        members: tuple[str, ...] = ()
        # A、B、C等4家 / A、B、C三大科技企业: the list right before
        run = _list_before(text, start, runs_by_end)
        if run is not None:
            start = run[0].start
            listed = _names(run)
            if size is None or len(listed) == size:
                members = listed
            else:
                members = _find_enumeration(runs, size, must=listed)
        else:
            prefix = R.country_prefix_before(text, start)
            if prefix is not None:
                start = prefix
            # 4家企业（A、B、C、D）: the list in brackets right after
            after = _BRACKETED_LIST.match(text[end:])
            if after:
                inner_start, inner_end = end + after.start(1), end + after.end(1)
                inner = [c for c in companies if inner_start <= c.start and c.end <= inner_end]
                if inner and (size is None or len(_names(inner)) == size):
                    members = _names(inner)
            if not members and size:
                members = _find_enumeration(runs, size)
        groups.append(Group(text=text[start:end], start=start, end=end, size=size, members=members))
    return groups


def _find_enumeration(runs: list[list[Mention]], size: int, must: Sequence[str] = ()) -> tuple[str, ...]:
    for run in runs:
        if len(run) < size:
            continue  # fewer mentions than ``size`` names
        names = _names(run)
        if len(names) == size and all(n in names for n in must):
            return names
    return ()


# ---------------------------------------------------------------- references

_SUBJECT_BEFORE = regex.compile(r"(?:^|[。！？!?；;，,：:\n]|据|據|另外|此外|同时|同時|其中)\s*[“「\"]?\s*$")


def resolve_reference(text: str, position: int, companies: Sequence[Mention]) -> list[str]:
    """The company a reference (该公司, 这家公司, 公司, 其, 该集团) at ``position`` stands for:
    the most recent company mention in subject position before it (with companies coordinated
    with it: 亚马逊和微软 → both). Falls back to the most recent mention; [] when none."""
    before = sorted([m for m in companies if m.end <= position], key=_START)  # in order already: one pass
    if not before:
        return []
    for i in range(len(before) - 1, -1, -1):
        m = before[i]
        if _SUBJECT_BEFORE.search(text[max(0, m.start - 4):m.start]) or m.start == 0:
            names = [m.name]
            for previous, nxt in zip(before[i:], before[i + 1:]):
                if _is_list_sep(text[previous.end:nxt.start]):
                    names.append(nxt.name)
                else:
                    break
            return list(dict.fromkeys(names))
    return [before[-1].name]
