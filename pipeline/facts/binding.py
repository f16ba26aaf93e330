"""Is an amount a capex figure, and what role does it play in its sentence?

An amount is bound to capex when a capex trigger reaches it with no negative term
(revenue, profit, acquisition…) in between, or when a negative-free trigger follows it in
its own clause (60万亿韩元的生产基础设施). Its role is `base` when it is the object of a
comparison (较2024年的297.6亿美元), else `subject`.
"""
from __future__ import annotations

from operator import attrgetter

import regex

from pipeline.document import Mention
from pipeline.facts.context import ArticleContext
from pipeline.facts.cues import Cue
from pipeline.sentences import Segment

# 73万亿的研发和60万亿的生产设施: a coordinator starts the next amount's own stretch.
COORDINATORS = "和及与與、"

# How far a base marker may stand before the amount it governs (较2024年同期资本支出112.3亿).
BASE_REACH = 16


def sentence_triggers(ctx: ArticleContext, sentence: Segment) -> list[Cue]:
    """Capex triggers in a sentence: strong terms, and spending verbs when a capex object is present."""
    start, end = sentence.start, sentence.end
    strong = ctx.cues("strong_triggers", start, end)
    objects = ctx.cues("capex_objects", start, end)  # each list asked for once: an empty list means none
    if not objects:
        return strong  # one list's cues come in text order already
    verbs = ctx.cues("spending_verbs", start, end)
    if not verbs:
        return strong
    return sorted(strong + verbs + objects, key=attrgetter("start"))


def local_window(ctx: ArticleContext, money: Mention, sentence: Segment) -> tuple[int, int]:
    """The amount's own stretch of text: from the previous amount or clause start to the next."""
    left = ctx.clause_start(money.start, sentence.start)
    right = ctx.clause_end(money.end, sentence.end)
    for other in ctx.amounts(sentence.start, sentence.end):  # one pass, no lists: asked per amount
        if other.end <= money.start:
            left = max(left, other.end)
        if other.start >= money.end:
            right = min(right, other.start)
    # just after the last coordinator in [left, money.start) (rfind gives -1 when there is none)
    rfind = ctx.text.rfind
    joined = max(left, *[rfind(c, left, money.start) + 1 for c in COORDINATORS])
    return joined, right


def is_blocked(ctx: ArticleContext, money: Mention, sentence: Segment, triggers: list[Cue]) -> bool:
    """A negative term in the amount's own stretch, or between its trigger and it, blocks it."""
    if not ctx.has_cue("negative_terms", sentence.start, sentence.end):
        return False  # none in the sentence, so none in the stretch: no need to work the stretch out
    left, right = local_window(ctx, money, sentence)
    negatives = ctx.cues("negative_terms", left, right)
    if not negatives:
        return False  # the stretch between its trigger and it lies inside this one: none there either
    trigger_spans = [(c.start, c.end) for c in triggers]
    trigger_spans += [b for b in _brackets(ctx, left, right) if not b[0] <= money.start < b[1]]
    for cue in negatives:
        if not any(s <= cue.start < e for s, e in trigger_spans):
            return True
    before = [c for c in triggers if c.end <= money.start]
    if before:
        between = ctx.cues("negative_terms", max(before[-1].end, left), money.start)
        return any(not any(s <= c.start < e for s, e in trigger_spans) for c in between)
    return False


def is_bound(ctx: ArticleContext, money: Mention, sentence: Segment, triggers: list[Cue]) -> bool:
    """A trigger before the amount in the sentence, or after it in its own clause, and nothing blocking."""
    if not triggers or is_blocked(ctx, money, sentence, triggers):
        return False
    if any(c.end <= money.start for c in triggers):
        return True
    clause_end = ctx.clause_end(money.end, sentence.end)
    return any(money.end <= c.start < clause_end for c in triggers)


def is_increase_by(ctx: ArticleContext, money: Mention, sentence: Segment) -> bool:
    """再增加约86亿元 / 增加了100亿美元: the amount is a step, not the level."""
    left = ctx.clause_start(money.start, sentence.start)
    cues = ctx.cues("increase_by", left, money.start)
    if not cues:
        return False
    gap = ctx.text[cues[-1].end:money.start]
    levels = ctx.cues("level_verbs", cues[-1].start, money.start)
    if any(c.start >= cues[-1].start for c in levels if c.text in ("至", "到") or len(c.text) > 1):
        return False
    return (len(gap) <= 6 and not any(ch.isdigit() for ch in gap)) or _follows_increase(ctx, money, left)


def _follows_increase(ctx: ArticleContext, money: Mention, clause_start: int) -> bool:
    """增加约86亿元及2027年约67亿元: an amount coordinated with an increase step is a step too."""
    if not ctx.has_cue("increase_by", clause_start, money.start):
        return False  # the amounts before it are steps only through an increase cue in this stretch
    previous = [m for m in ctx.of_type("money", clause_start, money.start)]
    if not previous:
        return False
    joint = ctx.text[previous[-1].end:money.start]
    if not any(word in joint for word in ("及", "和", "与", "與", "、")):
        return False
    fake_sentence = Segment(clause_start, money.start, "")
    return is_increase_by(ctx, previous[-1], fake_sentence)


def amount_role(ctx: ArticleContext, money: Mention, sentence: Segment) -> str:
    """'base' when a comparison marker governs the amount (较…的X, 比去年的X, 是X的2倍), else 'subject'."""
    if _is_multiple_base(ctx, money):
        return "base"
    left = ctx.clause_start(money.start, sentence.start)
    markers = ctx.cues("base_markers", left, money.start)
    if not markers:
        return "subject"
    marker = markers[-1]
    between = ctx.text[marker.end:money.start]
    if len(between) > BASE_REACH or ctx.has_cue("level_verbs", marker.end, money.start) and \
            any(w in between for w in ("增至", "达到", "達到", "增加至", "升至")):
        return "subject"
    if ctx.of_type("percent", marker.end, money.start):
        return "subject"
    return "base"


def _is_multiple_base(ctx: ArticleContext, money: Mention) -> bool:
    """914亿美元的2倍: the amount a multiple is taken of."""
    after = ctx.text[money.end:money.end + 2]
    if not after.startswith("的"):
        return False
    following = ctx.of_type("percent", money.end, money.end + 8)
    return bool(following) and following[0].kind == "multiple"


BRACKETED = regex.compile(r"[（(][^（()）]{0,30}[）)]")


def _brackets(ctx: ArticleContext, start: int, end: int) -> list[tuple[int, int]]:
    """Parenthetical clarifications (含融资租赁): their words do not block the amount."""
    return [m.span() for m in BRACKETED.finditer(ctx.text, start, end)]
