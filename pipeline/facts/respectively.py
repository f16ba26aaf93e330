"""分别为: lists of spenders or categories paired in order with a list of amounts.

国家电网、南方电网今年的电网投资计划分别为超过6500亿元和1750亿元 gives State Grid the first
amount and Southern Grid the second; 设施投资、研发投资和战略投资分别为12万亿、8.9万亿和3.4万亿韩元
keeps only the amount whose category is capex.
"""
from __future__ import annotations

import regex

from pipeline.document import Mention
from pipeline.facts.context import ArticleContext
from pipeline.sentences import Segment

RESPECTIVELY = regex.compile(r"分[别別](?:为|為|是|达|達|约|約|在|占|佔)?")
# The character every 分别 starts with: most sentences lack it, and a substring test is cheaper than a search.
RESPECTIVELY_LEAD = "分"
ITEM_SPLIT = regex.compile(r"[、和及与與跟]|以及")
# Where a category list starts: after a clause break or after 其中/包括.
LIST_START = regex.compile(r"(?:其中|包括|包含|[，,；;：:])")


def respective_assignments(ctx: ArticleContext, sentence: Segment) -> dict[int, tuple[str, ...] | None]:
    """money start → its own spender (a 1-tuple), or None when its category is not capex."""
    if ctx.text.find(RESPECTIVELY_LEAD, sentence.start, sentence.end) < 0:
        return {}
    match = RESPECTIVELY.search(ctx.text, sentence.start, sentence.end)
    if match is None:
        return {}
    moneys = ctx.amounts(match.end(), sentence.end)
    if len(moneys) < 2:
        return {}
    companies = _listed_companies(ctx, sentence, match.start())
    if len(companies) == len(moneys):
        return {m.start: (c.name,) for m, c in zip(moneys, companies)}
    categories = _listed_categories(ctx, sentence, match.start())
    if len(categories) == len(moneys):
        whole = _whole_is_capex(ctx, sentence, categories[0][0])
        return {m.start: (None if not _is_capex(ctx, span, whole) else ()) for m, span in zip(moneys, categories)}
    return {}


def _whole_is_capex(ctx: ArticleContext, sentence: Segment, list_start: int) -> bool:
    """资本支出预算为302亿元，其中行动网路与固网建设分别为…: the parts of a capex total are capex."""
    return ctx.has_cue("strong_triggers", sentence.start, list_start)


def _listed_companies(ctx: ArticleContext, sentence: Segment, end: int) -> list[Mention]:
    """The run of companies joined by 、/和 closest before 分别 (in text order)."""
    found = ctx.of_type("company", sentence.start, end)
    run: list[Mention] = []
    for company in reversed(found):
        if run and not _joined(ctx.text[company.end:run[0].start]):
            break
        run.insert(0, company)
    return run


def _joined(gap: str) -> bool:
    return 0 < len(gap) <= 2 and all(ch in "、，,和及与與跟 " for ch in gap) or gap == "以及"


def _listed_categories(ctx: ArticleContext, sentence: Segment, end: int) -> list[tuple[int, int]]:
    starts = [m.end() for m in LIST_START.finditer(ctx.text, sentence.start, end)]
    begin = starts[-1] if starts else sentence.start
    spans, cursor = [], begin
    for item in ITEM_SPLIT.finditer(ctx.text, begin, end):
        spans.append((cursor, item.start()))
        cursor = item.end()
    spans.append((cursor, end))
    return [s for s in spans if s[1] > s[0]]


def _is_capex(ctx: ArticleContext, span: tuple[int, int], whole: bool = False) -> bool:
    start, end = span
    if ctx.has_cue("negative_terms", start, end):
        return False
    return whole or ctx.has_cue("strong_triggers", start, end) or ctx.has_cue("capex_objects", start, end)


def respective_changes(ctx: ArticleContext, sentence: Segment, subjects: list[Mention]) -> dict[int, Mention]:
    """去年为613.7亿元，今年预算约550亿元，分别同比下降17.0%和10.4%: the n-th change goes to the n-th
    amount; the direction word before the first one holds for all."""
    if ctx.text.find(RESPECTIVELY_LEAD, sentence.start, sentence.end) < 0:
        return {}
    match = RESPECTIVELY.search(ctx.text, sentence.start, sentence.end)
    if match is None:
        return {}
    before = [m for m in subjects if m.end <= match.start()]
    changes = [m for m in ctx.of_type("percent", match.end(), sentence.end)]
    if len(before) < 2 or len(changes) != len(before):
        return {}
    direction = next((c.info.get("direction") for c in changes if c.info.get("direction")), None)
    if direction is None:
        return {}
    shared = [c if c.info.get("direction") else c.with_(info={**c.info, "direction": direction}) for c in changes]
    return {m.start: c for m, c in zip(before, shared)}
