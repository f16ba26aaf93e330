"""The fields of one capex reading: who spends, for which period, in what status, says who.

Each picker looks in the amount's clause first, then in the sentence before it, and
returns None when the text does not say (the caller then carries context forward).
"""
from __future__ import annotations

import datetime as dt

import regex

from pipeline.document import Mention, Period
from pipeline.facts.binding import BASE_REACH
from pipeline.facts.context import ArticleContext
from pipeline.sentences import Segment

ENUMERATION_JOINERS = set("、，,和与與及跟 \u3000")
EQUAL_TO_BASE = regex.compile(r"[^，。,；]{0,4}?(?:持平|相当|相當|相比|相同|一致|差不多)")


def pick_companies(ctx: ArticleContext, position: int, sentence: Segment) -> tuple[str, ...] | None:
    """Spender(s) for a figure at ``position``: the nearest company or group before it in the sentence."""
    companies = ctx.spenders(sentence.start, position)
    groups = ctx.groups_in(sentence.start, position)
    last_company = companies[-1] if companies else None
    last_group = groups[-1] if groups else None
    if last_group is not None and (last_company is None or last_group.end >= last_company.end
                                   or last_group.start <= last_company.start < last_group.end):
        if last_group.members:
            return tuple(sorted(set(last_group.members)))
        if last_company is not None and last_group.start <= last_company.start:
            return enumeration(ctx, companies)
        return (last_group.text,)  # 日本7家主要汽车企业, never enumerated: stays as written
    if last_company is None:
        return None
    return enumeration(ctx, companies)


def enumeration(ctx: ArticleContext, companies: list[Mention]) -> tuple[str, ...]:
    """The last company and those listed with it (Alphabet、Meta、微软 / 亚马逊和微软)."""
    names = [companies[-1].name]
    for previous, current in zip(reversed(companies[:-1]), reversed(companies[1:])):
        gap = ctx.text[previous.end:current.start]
        if gap and set(gap) <= ENUMERATION_JOINERS and len(gap) <= 2:
            names.append(previous.name)
        else:
            break
    return tuple(sorted(set(names)))


def is_base_period(ctx: ArticleContext, period: Mention, floor: int) -> bool:
    """较2024年 / 比上年 / 2024年的近3倍: a period that names a comparison base."""
    left = max(floor, period.start - 6)
    if ctx.has_cue("base_markers", left, period.start):
        return True
    if ctx.text[max(floor, period.start - 1):period.start] in ("与", "與", "跟", "同") and \
            EQUAL_TO_BASE.match(ctx.text, period.end, period.end + 8):
        return True  # 与去年基本持平: 去年 is the comparison
    after = ctx.text[period.end:period.end + 8]
    return after.startswith("的") and "倍" in after


def pick_period(ctx: ArticleContext, money_start: int, money_end: int, sentence: Segment,
                role: str) -> Mention | None:
    """The period an amount is for: nearest before it in its clause, then in the sentence."""
    clause = ctx.clause_start(money_start, sentence.start)
    before = ctx.of_type("period", sentence.start, money_start)
    if role == "base":
        local = [p for p in before if p.start >= clause and money_start - p.end <= BASE_REACH + 4
                 and not is_single_month(p)]
        return local[-1] if local else None
    # Periods come in text order: the last one not naming a base is in the clause whenever the clause
    # has one, so the nearest is the answer either way (and the earlier ones need no check).
    for period in reversed(before):
        if not is_single_month(period) and \
                not is_base_period(ctx, period, clause if period.start >= clause else sentence.start):
            return period
    after = ctx.of_type("period", money_end, ctx.clause_end(money_end, sentence.end))
    after = [p for p in after if not is_base_period(ctx, p, money_end)]
    return after[0] if after else None


def is_single_month(period: Mention) -> bool:
    """今年2月，X宣布…: a single month dates the announcement, not the spending."""
    return period.info.get("granularity") == "month" and period.period_start == period.period_end


def period_of(mention: Mention | None) -> Period | None:
    if mention is None:
        return None
    return Period(mention.period_start, mention.period_end, bool(mention.fiscal), mention.text)


def pick_status(ctx: ArticleContext, position: int, sentence: Segment, period: Period | None,
                role: str = "subject") -> str:
    """Cues near the figure decide, with a reported period that is already over meaning actual.

    Order: a strong plan cue (计划, 预算) or a forecast cue in the figure's own clause; a period
    that ended before publication (actual); a forecast cue earlier in the sentence (德罗洛预测称…
    将达到); a weak plan cue (将); an actual cue; else actual for past, forecast for open periods.
    """
    clause = ctx.clause_start(position, sentence.start)
    clause_end = ctx.clause_end(position, sentence.end)
    past = _is_past(ctx, period)
    if role == "base":
        return "actual" if past is not False else "forecast"
    # Each list is asked about only when the cues before it did not decide (asking has no effect).
    if ctx.has_cue("forecast_cues", clause, clause_end):
        return "forecast"
    plan_strong, plan_weak = _plan_cues(ctx, clause, clause_end)
    if plan_strong:
        return "plan"
    if past:
        return "actual"
    if ctx.has_cue("forecast_cues", sentence.start, position):
        return "forecast"
    if plan_weak or ctx.has_cue("plan_cues", sentence.start, position):  # a strong or a weak plan cue
        return "plan"
    if _has_actual_cue(ctx, clause, clause_end) or _has_actual_cue(ctx, sentence.start, position):
        return "actual"
    if past is False:
        return "forecast"
    if period is not None and _level_verb_before(ctx, position):
        return "actual"  # undated article: 百度2024年资本开支为81亿元
    return "plan"


def _level_verb_before(ctx: ArticleContext, position: int) -> bool:
    """资本开支为81亿元 / 達1兆元: a reported level, stated as a fact."""
    return bool(REPORTED_LEVEL.search(ctx.text[max(0, position - 3):position]))


REPORTED_LEVEL = regex.compile(r"(?:为|為|达|達|是)(?:约|約|逾|近)?$")

WEAK_PLAN = {"将", "將", "宣布", "公告", "决定", "決定", "准备", "準備"}


def _plan_cues(ctx: ArticleContext, start: int, end: int) -> tuple[bool, bool]:
    """Whether ``[start, end)`` holds a strong plan cue (计划, 预算), and a weak one (将, 宣布)."""
    cues = ctx.cues("plan_cues", start, end)
    if not cues:
        return False, False  # the usual answer, without a comprehension
    weak = [c.text in WEAK_PLAN for c in cues]
    return False in weak, True in weak


def _has_actual_cue(ctx: ArticleContext, start: int, end: int) -> bool:
    """Asked last, and only when no plan or forecast cue decided: most figures never need it."""
    cues = ctx.cues("actual_cues", start, end)
    return bool(cues) and any(len(c.text) > 1 or c.text in ("达", "達") for c in cues)


def _is_past(ctx: ArticleContext, period: Period | None) -> bool | None:
    """True when the period ended before the publication month, False when not, None unknown."""
    if period is None or not period.end or ctx.pub_date is None:
        return None
    return _month_index(period.end) < _month_index(ctx.pub_date)


def _month_index(value: str | dt.date) -> int:
    if isinstance(value, dt.date):
        return value.year * 12 + value.month - 1
    year, month = value.split("-")
    return int(year) * 12 + int(month) - 1


def pick_source(ctx: ArticleContext, position: int, sentence: Segment) -> str | None:
    """Who states the figure: a cited research firm or bank (据X统计, X预测称), or 'analysts'."""
    names = []
    for mention in ctx.analysts(sentence.start, position):
        if mention.name not in names:
            names.append(mention.name)
    if names:
        return ", ".join(names)
    if ctx.has_cue("analyst_words", sentence.start, position):
        return "analysts"
    return None
