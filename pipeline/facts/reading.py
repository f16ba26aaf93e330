"""Readings of one sentence: each capex amount (or amount-less change) as a Draft.

Strategies, tried per sentence in this order (their names land in Fact.rule):
- ``trigger``: the sentence names capex (资本支出, 投资…建设数据中心) and an amount is bound to it;
- ``continuation``: the sentence names no capex term but continues the previous capex
  sentence (预计Meta增至650亿美元) with no negative term around the amount;
- ``change_only``: a capex sentence gives a change but no amount (资本开支同比增长89%);
- ``change_followup``: 这比上年增长了72.8% adds a change to the previous sentence's fact.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import regex

from pipeline.document import Evidence, Mention, Period
from pipeline.facts import binding, changes, fields
from pipeline.facts.context import ArticleContext
from pipeline.facts.cues import Cue
from pipeline.facts.draft import Draft, amount_of
from pipeline.facts.respectively import respective_assignments, respective_changes
from pipeline.recognize.company_groups import resolve_reference
from pipeline.sentences import Segment

# A follow-up sentence refers back to the figure just stated: 这比上年增长了72.8%.
FOLLOWUP_START = regex.compile(r"(?:这|這|此|该|該|其|同比|较|較|比)")

# 未来五年累计资本开支: a multi-year total takes no period from the sentence before.
MULTI_YEAR = regex.compile(r"未来|未來|今后|今後|累计|累計|年间|年間|期间|期間|以来|以來")

CONFIDENCE = {"respectively": 0.75, "trigger": 0.85, "continuation": 0.6, "change_only": 0.55, "change_followup": 0.6}


@dataclass
class ReadingState:
    """What carries from one sentence to the next: the last capex sentence's spender and period."""
    companies: tuple[str, ...] | None = None
    period: Period | None = None
    period_index: int = -10
    context_index: int = -10
    group: tuple[str, ...] | None = None
    previous_sentence: Segment | None = None
    previous_index: int = -10
    source: str | None = None
    last_index: int = -10
    last_drafts: list[Draft] = field(default_factory=list)


def read_sentence(ctx: ArticleContext, index: int, sentence: Segment, state: ReadingState) -> list[Draft]:
    drafts = _read_strategies(ctx, index, sentence, state)
    # its period is worked out only when the next sentence asks for it (_paragraph_period)
    state.previous_sentence, state.previous_index = sentence, index
    return drafts


def _paragraph_period(ctx: ArticleContext, sentence: Segment) -> Period | None:
    """The last period a sentence names (not a base, not a single month), for the next sentence
    of the same paragraph."""
    paragraph = ctx.paragraph_of(sentence.start)
    if paragraph is None or sentence.end >= paragraph.end:
        return None
    periods = [p for p in ctx.of_type("period", sentence.start, sentence.end)
               if not fields.is_base_period(ctx, p, sentence.start) and not fields.is_single_month(p)]
    return fields.period_of(periods[-1]) if periods else None


def _read_strategies(ctx: ArticleContext, index: int, sentence: Segment, state: ReadingState) -> list[Draft]:
    triggers = binding.sentence_triggers(ctx, sentence)
    follows = state.last_index == index - 1
    if triggers:
        drafts = read_amounts(ctx, index, sentence, triggers, state, "trigger")
    elif follows and state.last_drafts:
        drafts = read_amounts(ctx, index, sentence, [], state, "continuation")
        if not drafts and add_followup_change(ctx, sentence, state):
            state.last_index = index
    else:
        drafts = []
    if triggers or drafts:
        state.last_index = index
        state.last_drafts = drafts or state.last_drafts
        _remember(ctx, index, sentence, drafts, state)
    elif ctx.has_cue("spending_verbs", sentence.start, sentence.end):
        _remember(ctx, index, sentence, drafts, state)  # 计划在2030年前投资…: context for the next sentence
    return drafts


def read_amounts(ctx: ArticleContext, index: int, sentence: Segment, triggers: list[Cue],
                 state: ReadingState, rule: str) -> list[Draft]:
    moneys = ctx.amounts(sentence.start, sentence.end)
    if not moneys:  # no amount to bind: at most an amount-less change (资本开支同比增长89%)
        return _change_only(ctx, index, sentence, triggers, state, changes.sentence_changes(ctx, sentence)) \
            if rule == "trigger" else []
    respective = respective_assignments(ctx, sentence)
    drafts = []
    for money in moneys:
        own = respective.get(money.start, ())
        if own is None:
            continue  # 研发投资…分别为: a category that is not capex
        decided = money.start in respective and not binding.is_increase_by(ctx, money, sentence)
        if not decided and not _accepts(ctx, money, sentence, triggers, rule):
            continue
        role = binding.amount_role(ctx, money, sentence)
        draft = _draft(ctx, index, sentence, money, role, triggers, state, rule)
        if own:
            draft.companies, draft.rule = own, "respectively"
        drafts.append(draft)
    if not drafts and rule != "trigger":
        return drafts  # nothing to give a change to, and only a capex sentence reads a bare change
    stated_changes = changes.sentence_changes(ctx, sentence)
    subjects = [d.money for d in drafts if d.role == "subject"]
    owned = respective_changes(ctx, sentence, subjects)
    if not owned and not stated_changes:
        return drafts  # no change in the sentence: none to give a draft, and no bare change to read
    owned = owned or changes.assign_changes(ctx, sentence, subjects, stated_changes)
    _claim_named_changes(ctx, sentence, drafts, owned, stated_changes)
    strays = []
    for draft in drafts:
        change = owned.get(draft.money.start) if draft.role == "subject" else None
        if change is not None and _own_period_differs(ctx, sentence, change, draft):
            strays.append(change)  # 今年计划20亿元，明年将减少6成: next year's change
        elif change is not None:
            draft.change = changes.change_value(ctx, change)
    if rule == "trigger" and (strays or not drafts):
        drafts += _change_only(ctx, index, sentence, triggers, state, strays or stated_changes)
    return drafts


def _claim_named_changes(ctx: ArticleContext, sentence: Segment, drafts: list[Draft],
                         owned: dict[int, Mention], stated_changes: list[Mention]) -> None:
    """其中鸿海年增约4成: an unowned change right after a company goes to that company's amount."""
    taken = {c.start for c in owned.values()}
    for change in stated_changes:
        if change.start in taken:
            continue
        clause = ctx.clause_start(change.start, sentence.start)
        named = ctx.of_type("company", clause, change.start)
        if not named:
            continue
        mine = [d for d in drafts if d.role == "subject" and d.companies == (named[-1].name,)
                and d.money.start not in owned]
        if len(mine) == 1:
            owned[mine[0].money.start] = change


def _own_period_differs(ctx: ArticleContext, sentence: Segment, change: Mention, draft: Draft) -> bool:
    clause = ctx.clause_start(change.start, sentence.start)
    moneys = ctx.of_type("money", clause, change.start)
    own = [p for p in ctx.of_type("period", clause, change.start) if not fields.is_base_period(ctx, p, clause)
           and not any(m.start >= p.end for m in moneys)]  # 2025年实际支出914亿美元的2倍: the base's period
    if not own or draft.period is None or not own[-1].period_end or not draft.period.end:
        return False
    return own[-1].period_end[:4] != draft.period.end[:4]


def _accepts(ctx: ArticleContext, money: Mention, sentence: Segment, triggers: list[Cue], rule: str) -> bool:
    if rule != "trigger" and ctx.has_cue("negative_terms", sentence.start, sentence.end):
        return False  # checked first: one lookup, and most continuation sentences end here
    if binding.is_increase_by(ctx, money, sentence):
        return False
    if rule == "trigger":
        return binding.is_bound(ctx, money, sentence, triggers)
    left = ctx.clause_start(money.start, sentence.start)
    return ctx.has_cue("level_verbs", left, money.start) or \
        ctx.has_cue("reference_words", sentence.start, money.start) or \
        ctx.text[sentence.start:sentence.start + 2] in ("这一", "這一", "此笔", "该笔", "這筆")


def _draft(ctx: ArticleContext, index: int, sentence: Segment, money: Mention, role: str,
           triggers: list[Cue], state: ReadingState, rule: str) -> Draft:
    companies = fields.pick_companies(ctx, money.start, sentence)
    inherited = companies is None
    if _industry_wide(ctx, sentence, money.start):
        companies, inherited = None, False  # 某CEO表示，全球数据中心资本支出将达1万亿美元
    elif inherited:
        companies = _inherited_companies(ctx, index, sentence, money.start, state)
    period_mention = fields.pick_period(ctx, money.start, money.end, sentence, role)
    period = fields.period_of(period_mention) if period_mention is not None else \
        _carried_period(ctx, index, sentence, money, role, state, rule)
    status = fields.pick_status(ctx, money.start, sentence, period, role)
    source = fields.pick_source(ctx, money.start, sentence) or (state.source if inherited else None)
    scope = _scope(triggers, money)
    group = _group_text(ctx, money.start, sentence)
    confidence = CONFIDENCE[rule] - (0.15 if inherited else 0) - (0.1 if role == "base" else 0)
    return Draft(companies=companies, amount=amount_of(money), change=None, period=period,
                 status=status, source=source, scope=scope,
                 evidence=Evidence(sentence.text, sentence.start, sentence.end), rule=rule,
                 confidence=confidence, money=money, role=role, sentence_index=index, group_text=group,
                 places=None)  # its places are worked out only if a merge asks (Draft.place_names)


def _carried_period(ctx: ArticleContext, index: int, sentence: Segment, money: Mention, role: str,
                    state: ReadingState, rule: str) -> Period | None:
    """The period of a figure whose sentence names none, from the sentences before it."""
    if role != "subject":
        return None
    if state.period_index >= index - 1 and \
            (rule == "continuation" or ctx.has_cue("project_reference", sentence.start, money.start)):
        if state.period is not None:
            return state.period
    clause = ctx.clause_start(money.start, sentence.start)
    if state.previous_index == index - 1 and ctx.has_cue("periodic_terms", clause, money.start) and \
            not MULTI_YEAR.search(ctx.text, clause, money.start):
        # 腾讯公布第二季度业绩…。资本开支为191亿元: the paragraph's period
        return _paragraph_period(ctx, state.previous_sentence)
    return None


def _change_only(ctx: ArticleContext, index: int, sentence: Segment, triggers: list[Cue],
                 state: ReadingState, candidates: list[Mention]) -> list[Draft]:
    change = next((c for c in candidates if binding.is_bound(ctx, c, sentence, triggers)), None)
    if change is None:
        return []
    companies = fields.pick_companies(ctx, change.start, sentence)
    if companies is None and not _industry_wide(ctx, sentence, change.start):
        companies = _inherited_companies(ctx, index, sentence, change.start, state)
    period = fields.period_of(fields.pick_period(ctx, change.start, change.end, sentence, "subject"))
    period = period or state.period
    status = fields.pick_status(ctx, change.start, sentence, period)
    return [Draft(companies=companies, amount=None, change=changes.change_value(ctx, change),
                  period=period, status=status, source=fields.pick_source(ctx, change.start, sentence),
                  scope=_scope(triggers, change), evidence=Evidence(sentence.text, sentence.start, sentence.end),
                  rule="change_only", confidence=CONFIDENCE["change_only"], sentence_index=index,
                  group_text=_group_text(ctx, change.start, sentence))]


def add_followup_change(ctx: ArticleContext, sentence: Segment, state: ReadingState) -> bool:
    """这比上年增长了72.8%: a change with no amount and no new spender updates the last fact."""
    if not FOLLOWUP_START.match(sentence.text) or ctx.of_type("company", sentence.start, sentence.end) or \
            ctx.of_type("money", sentence.start, sentence.end):
        return False
    found = changes.sentence_changes(ctx, sentence)
    if not found:
        return False
    target = next((d for d in reversed(state.last_drafts) if d.role == "subject"), None)
    if target is None or target.change is not None:
        return False
    target.change = changes.change_value(ctx, found[0])
    target.notes.append("change_followup")
    return True


def _remember(ctx: ArticleContext, index: int, sentence: Segment, drafts: list[Draft],
              state: ReadingState) -> None:
    state.context_index = index
    subjects = [d for d in drafts if d.role == "subject"]
    if subjects:
        state.companies = subjects[-1].companies or state.companies
        spenders = [d.companies for d in subjects if d.companies and len(d.companies) > 1]
        state.group = spenders[-1] if spenders else state.group
        if subjects[-1].period is not None:
            state.period, state.period_index = subjects[-1].period, index
        state.source = subjects[-1].source
        return
    named = ctx.spenders(sentence.start, sentence.end)
    if named:
        state.companies = (named[-1].name,)
    for period in reversed(ctx.of_type("period", sentence.start, sentence.end)):  # the last one naming no base
        if not fields.is_base_period(ctx, period, sentence.start):
            state.period, state.period_index = fields.period_of(period), index
            return


def _inherited_companies(ctx: ArticleContext, index: int, sentence: Segment, position: int,
                         state: ReadingState) -> tuple[str, ...] | None:
    """A sentence that names no spender: an industry-wide figure has none; 该公司/公司 refers to
    the last company named; otherwise the previous capex sentence's spender carries over."""
    if ctx.has_cue("aggregate_words", sentence.start, position):
        recent = state.companies if state.context_index >= index - 2 else None
        return state.group or recent  # 合计: the group named before, else the spender just named
    if ctx.has_cue("reference_words", sentence.start, position):
        spenders = ctx.spenders(0, sentence.start)
        resolved = resolve_reference(ctx.text, sentence.start, spenders)
        if resolved:
            return tuple(sorted(set(resolved)))
    if state.context_index >= index - 2 and state.companies:
        return state.companies
    return _dominant_company(ctx)


def _industry_wide(ctx: ArticleContext, sentence: Segment, position: int) -> bool:
    """An industry word after the last company named before the figure: the figure is the industry's."""
    if not ctx.has_cue("industry_words", sentence.start, position):
        return False  # none in the whole stretch, so none after the last company either
    named = ctx.of_type("company", sentence.start, position)
    start = named[-1].end if named else sentence.start
    return ctx.has_cue("industry_words", start, position)


def _dominant_company(ctx: ArticleContext) -> tuple[str, ...] | None:
    """The company an article is about (董事会同日核准…): named in most of its company mentions."""
    names = [m.name for m in ctx.spenders()]
    if not names:
        return None
    # a tie has no name over half the mentions: which of the tied Counter returns does not matter
    (top, count), = Counter(names).most_common(1)
    return (top,) if count * 2 > len(names) else None


def _scope(triggers: list[Cue], anchor: Mention) -> str | None:
    before = [c for c in triggers if c.end <= anchor.start]
    chosen = before[-1] if before else (triggers[0] if triggers else None)
    return chosen.text if chosen else None


def _group_text(ctx: ArticleContext, position: int, sentence: Segment) -> str | None:
    groups = ctx.groups_in(sentence.start, position)
    return groups[-1].text if groups else None
