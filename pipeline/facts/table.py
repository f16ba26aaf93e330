"""Tables rendered as text lines (公司｜2024年实际｜2025年计划｜变动): one fact per company × period cell.

A table is two or more consecutive lines split by ｜, | or tabs. It is a capex table when its
header or the line before it names capex. Header cells give each column's period and status
(实际 actual, 计划/预算 plan, 预计 forecast); a column headed 变动/同比/增减 gives the change of
the row's last amount. Rows name their company in the first cell.
"""
from __future__ import annotations

from decimal import Decimal

import regex

from pipeline.document import Evidence, Mention
from pipeline.facts import fields
from pipeline.facts.context import ArticleContext
from pipeline.facts.draft import Draft, amount_of
from pipeline.sentences import Segment

CELL_SEPARATORS = ("｜", "|", "\t")
CELL_SPLIT = regex.compile(f"[{''.join(CELL_SEPARATORS)}]")
CHANGE_HEADER = regex.compile(r"变动|變動|增减|增減|同比|增幅|年增|按年|变化|變化|增长率|增長率")
STATUS_HEADER = (("actual", regex.compile(r"实际|實際|已|完成")), ("plan", regex.compile(r"计划|計劃|計畫|预算|預算|目标|目標|指引")),
                 ("forecast", regex.compile(r"预计|預計|预测|預測|预估|預估|估计|估計")))
MINUS = regex.compile(r"[-−－–]\s*$|(?:减少|減少|下降|下滑|减|減)\s*$")


def table_drafts(ctx: ArticleContext) -> tuple[list[Draft], set[int]]:
    """Drafts from capex tables, and the paragraph starts the tables cover (not read as prose)."""
    drafts: list[Draft] = []
    covered: set[int] = set()
    if not any(separator in ctx.text for separator in CELL_SEPARATORS):
        return drafts, covered  # no cell separator anywhere: no table (substring tests beat a class search)
    for table in _tables(ctx.paragraphs):
        if not _is_capex_table(ctx, table):
            continue
        covered.update(p.start for p in table)
        drafts.extend(_read_table(ctx, table))
    return drafts, covered


def _tables(paragraphs: list[Segment]) -> list[list[Segment]]:
    tables, run = [], []
    for paragraph in paragraphs + [Segment(-1, -1, "")]:
        if len(CELL_SPLIT.findall(paragraph.text)) >= 1 and paragraph.start >= 0:
            run.append(paragraph)
            continue
        if len(run) >= 2:
            tables.append(run)
        run = []
    return tables


def _is_capex_table(ctx: ArticleContext, table: list[Segment]) -> bool:
    header = table[0]
    before = next((p for p in reversed(ctx.paragraphs) if p.end <= header.start), None)
    start = before.start if before is not None else header.start
    return ctx.has_cue("strong_triggers", start, header.end)


def _cells(row: Segment) -> list[tuple[int, int]]:
    cells, cursor = [], row.start
    for sep in CELL_SPLIT.finditer(row.text):
        cells.append((cursor, row.start + sep.start()))
        cursor = row.start + sep.end()
    cells.append((cursor, row.end))
    return cells


def _read_table(ctx: ArticleContext, table: list[Segment]) -> list[Draft]:
    header = _cells(table[0])
    columns = [_column(ctx, start, end) for start, end in header]
    drafts = []
    for row in table[1:]:
        drafts.extend(_read_row(ctx, row, columns))
    return drafts


def _column(ctx: ArticleContext, start: int, end: int) -> dict:
    text = ctx.text[start:end]
    periods = ctx.of_type("period", start, end)
    status = next((name for name, pattern in STATUS_HEADER if pattern.search(text)), None)
    return {"period": fields.period_of(periods[-1]) if periods else None, "status": status,
            "change": bool(CHANGE_HEADER.search(text)) and not periods}


def _read_row(ctx: ArticleContext, row: Segment, columns: list[dict]) -> list[Draft]:
    cells = _cells(row)
    if len(cells) != len(columns):
        return []
    companies = ctx.spenders(*cells[0])
    if not companies:
        return []
    drafts = []
    for (start, end), column in zip(cells[1:], columns[1:]):
        moneys = ctx.amounts(start, end)
        if moneys and not column["change"]:
            drafts.append(_cell_draft(ctx, row, moneys[0], companies[0].name, column))
        percents = ctx.of_type("percent", start, end)
        if percents and column["change"] and drafts:
            drafts[-1].change = _signed_change(ctx, percents[0], start)
    return drafts


def _cell_draft(ctx: ArticleContext, row: Segment, money: Mention, company: str, column: dict) -> Draft:
    period = column["period"]
    status = column["status"] or fields.pick_status(ctx, money.start, row, period)
    return Draft(companies=(company,), amount=amount_of(money), change=None, period=period, status=status,
                 source=None, scope="资本开支（表格）", evidence=Evidence(row.text, row.start, row.end),
                 rule="table", confidence=0.7, money=money, sentence_index=-1)


def _signed_change(ctx: ArticleContext, mention: Mention, cell_start: int):
    from pipeline.document import Change

    value = Decimal(mention.value)
    if mention.kind == "multiple":
        value -= 1
    if MINUS.search(ctx.text[cell_start:mention.start]) or mention.info.get("direction") == "down":
        value = -value
    return Change(value, mention.qualifier or "exact", ctx.text[cell_start:mention.end].strip())
