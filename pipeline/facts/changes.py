"""Changes (增长6成, 下降5.8%, 增至…的近3倍) as fractions, and which amount each belongs to.

GOLD_FORMAT conversions: a percentage with a rising verb is +value, with a falling verb
-value; a multiple of a base (达到上年的2.6倍) is value - 1; an increase BY a multiple
(增长2倍) is the value itself; 翻一番 is a doubling (+1.0).
"""
from __future__ import annotations

from decimal import Decimal

import regex

from pipeline.document import Change, Mention
from pipeline.facts.context import ArticleContext
from pipeline.sentences import Segment

# Year-on-year bases: 同比, 同期, 按年…, or 上年/去年 meaning the whole year (not 去年第3季).
YEAR_ON_YEAR = regex.compile(r"""
    同比 | 同期 | 按年 | 年增 | 年減 | 年减
  | (?:上年|去年|前一年|上一年) (?![第一二三四1-4１-４QqHh上下首前后後同])
""", regex.VERBOSE)

UNDER_BEFORE_VERB = ("最多", "至多", "最高", "不超过", "不超過")
OVER_BEFORE_VERB = ("超过", "超過", "逾", "至少")


def sentence_changes(ctx: ArticleContext, sentence: Segment) -> list[Mention]:
    """Percent/multiple mentions that state a change (they have a direction or a base)."""
    found = []
    for mention in ctx.of_type("percent", sentence.start, sentence.end):
        if not (mention.info.get("direction") or mention.info.get("of_base") or _is_doubling(mention)):
            continue  # neither a direction nor a base: a level (占比25%), not a change
        if mention.info.get("to_level") and mention.kind == "percent":
            continue  # 占比提升至约25%: a share reached, not a change
        partner = mention.info.get("range_pair")
        if partner is not None and partner < mention.start:
            continue  # the upper end of a range travels with its lower end
        clause = ctx.clause_start(mention.start, sentence.start)
        if ctx.has_cue("negative_terms", clause, mention.start):
            continue  # 营业利润下降60%: the change of something else
        found.append(mention)
    return found


def _is_doubling(mention: Mention) -> bool:
    return mention.kind == "multiple" and "翻" in mention.text


def change_value(ctx: ArticleContext, mention: Mention) -> Change:
    """The signed fraction a change mention stands for, with its qualifier."""
    value = Decimal(mention.value)
    if mention.kind == "multiple":
        of_base = mention.info.get("of_base") or _is_doubling(mention)
        value = value - 1 if of_base else value
    if mention.info.get("direction") == "down":
        value = -value
    high = _range_high(ctx, mention)
    qualifier = mention.qualifier or "exact"
    lead = ctx.text[max(0, mention.start - 8):mention.start]
    if any(word in lead for word in UNDER_BEFORE_VERB):
        qualifier = "under"
    elif qualifier == "exact" and any(word in lead for word in OVER_BEFORE_VERB):
        qualifier = "over"
    if high is not None:
        qualifier = "range"
    start = _verb_start(ctx, mention)
    return Change(value, qualifier, ctx.text[start:mention.end], high)


def _range_high(ctx: ArticleContext, mention: Mention) -> Decimal | None:
    partner = mention.info.get("range_pair")
    if partner is None:
        return None
    for other in ctx.of_type("percent"):
        if other.start == partner and other.start > mention.start:
            value = Decimal(other.value)
            return -value if mention.info.get("direction") == "down" else value
    return None


def _verb_start(ctx: ArticleContext, mention: Mention) -> int:
    verb = mention.info.get("verb")
    if verb:
        found = ctx.text.rfind(verb, max(0, mention.start - 12), mention.start)
        if found >= 0:
            return found
    return mention.start


def assign_changes(ctx: ArticleContext, sentence: Segment, subjects: list[Mention],
                   changes: list[Mention]) -> dict[int, Mention]:
    """Map each subject amount (by start) to its change: the changes after it up to the next
    company or subject belong to it; a change before any amount belongs to the next one.
    Where one amount gets several, a year-on-year one wins (同比, 较上年同期)."""
    owners: dict[int, list[Mention]] = {}
    companies = ctx.of_type("company", sentence.start, sentence.end)
    for change in changes:
        owner = _owner(change, subjects, companies)
        if owner is not None:
            owners.setdefault(owner.start, []).append(change)
    return {start: _prefer_yoy(ctx, sentence, found) for start, found in owners.items()}


def _owner(change: Mention, subjects: list[Mention], companies: list[Mention]) -> Mention | None:
    before = [m for m in subjects if m.end <= change.start]
    after = [m for m in subjects if m.start >= change.end]
    if before:
        crossing = [c for c in companies if before[-1].end <= c.start < change.start]
        if not crossing:
            return before[-1]
    return after[0] if after else None


def _prefer_yoy(ctx: ArticleContext, sentence: Segment, changes: list[Mention]) -> Mention:
    if len(changes) == 1:
        return changes[0]
    for change in changes:
        left = ctx.clause_start(change.start, sentence.start)
        if YEAR_ON_YEAR.search(ctx.masked, left, change.start):
            return change
    return changes[0]
