"""The summary at the top of the review page: capex by company × period, and its bar chart.

Public entry point: ``render_summary(facts) -> str`` (escaped HTML: one table per currency
and an inline SVG chart). Every untrusted string (company names, period labels) goes
through ``html.escape``.

- Table: ``pandas.pivot_table`` of amount values (the low end of a range), index company,
  columns period, one table per currency. When several facts give an amount for one cell
  (a plan and an actual, two sources) the cell shows the largest and the count in brackets.
- Chart: one horizontal bar per company and currency, the sum of that company's table row;
  bars are scaled within each currency (currencies are not comparable), grouped under a
  currency heading, labelled with the company on the left and the amount on the right.
"""
from __future__ import annotations

from html import escape

import pandas as pd

BAR_AREA, LABEL_W, VALUE_W, ROW_H, HEAD_H = 420, 220, 120, 22, 26
COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1")


def format_amount(value: float) -> str:
    """2.45e11 → '2,450亿'; 3.5e6 → '350万'; smaller amounts as they are."""
    for unit, size in (("万亿", 1e12), ("亿", 1e8), ("万", 1e4)):
        if abs(value) >= size:
            text = f"{value / size:,.2f}".rstrip("0").rstrip(".")
            return text + unit
    return f"{value:,.0f}"


def period_label(period: dict | None) -> str:
    """A short, sortable label: '2025', 'FY2025 (2024-07–2025-06)', '2025-10–2025-12', '–2030-12'."""
    if not period:
        return "(no period)"
    start, end = period.get("start"), period.get("end")
    if period.get("fiscal"):
        return f"FY{(end or '????')[:4]} ({start or ''}–{end or ''})"
    if start and end and start[:4] == end[:4] and start[5:] == "01" and end[5:] == "12":
        return start[:4]
    return f"{start or ''}–{end or ''}"


def amounts_frame(facts: list[dict]) -> pd.DataFrame:
    """One row per (fact, company group) with an amount: company, period, currency, value."""
    rows = []
    for fact in facts:
        amount = fact.get("amount") or {}
        if amount.get("value") is None:
            continue
        rows.append({"company": " + ".join(fact.get("companies") or []) or "(no company)",
                     "period": period_label(fact.get("period")),
                     "currency": amount.get("currency") or "?", "value": float(amount["value"])})
    return pd.DataFrame(rows, columns=["company", "period", "currency", "value"])


def pivot(frame: pd.DataFrame, currency: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(largest amount, number of facts) by company × period for one currency."""
    part = frame[frame["currency"] == currency]
    largest = pd.pivot_table(part, index="company", columns="period", values="value", aggfunc="max")
    counts = pd.pivot_table(part, index="company", columns="period", values="value", aggfunc="count")
    return largest.sort_index(axis=1), counts.reindex_like(largest)


def _table_html(currency: str, largest: pd.DataFrame, counts: pd.DataFrame) -> str:
    head = "".join(f"<th scope='col'>{escape(str(c))}</th>" for c in largest.columns)
    body = []
    for company, row in largest.iterrows():
        cells = []
        for period, value in row.items():
            n = counts.at[company, period]
            text = "" if pd.isna(value) else format_amount(value) + (f" ({int(n)})" if n > 1 else "")
            cells.append(f"<td>{escape(text)}</td>")
        body.append(f"<tr><th scope='row'>{escape(str(company))}</th>{''.join(cells)}</tr>")
    return (f"<table class='pivot'><caption>{escape(currency)}</caption>"
            f"<thead><tr><th scope='col'>company</th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def _short(name, room: float = LABEL_W - 12) -> str:
    """The name cut with '…' to fit the label column (12px CJK glyphs, about 7px others)."""
    name, used = str(name), 0.0
    for index, char in enumerate(name):
        used += 12 if ord(char) > 0x2E80 else 7
        if used > room:
            return name[:max(index - 1, 1)] + "…"
    return name


def chart_svg(totals: dict[str, pd.Series]) -> str:
    """Horizontal bars: per currency a heading, then one labelled bar per company."""
    rows = sum(len(s) for s in totals.values())
    height = rows * ROW_H + len(totals) * HEAD_H + 8
    width = LABEL_W + BAR_AREA + VALUE_W
    parts = [(f"<svg xmlns='http://www.w3.org/2000/svg' class='chart' width='{width}' height='{height}' "
              f"viewBox='0 0 {width} {height}' role='img' aria-labelledby='chart-title'>"),
             "<title id='chart-title'>Total capex amount per company, per currency</title>"]
    y = 4
    for index, (currency, series) in enumerate(totals.items()):
        colour = COLOURS[index % len(COLOURS)]
        parts.append(f"<text class='chart-head' x='0' y='{y + 17}'>{escape(currency)}</text>")
        y += HEAD_H
        top = float(series.max()) or 1.0
        for company, value in series.items():
            bar = max(1.0, BAR_AREA * float(value) / top)
            parts.append(
                f"<text class='chart-label' x='{LABEL_W - 6}' y='{y + 15}' text-anchor='end'>{escape(_short(company))}</text>"
                f"<rect x='{LABEL_W}' y='{y + 3}' width='{bar:.1f}' height='{ROW_H - 6}' fill='{colour}'>"
                f"<title>{escape(f'{company}: {format_amount(value)} {currency}')}</title></rect>"
                f"<text class='chart-value' x='{LABEL_W + bar + 6:.1f}' y='{y + 15}'>"
                f"{escape(format_amount(value) + ' ' + currency)}</text>")
            y += ROW_H
    parts.append("</svg>")
    return "".join(parts)


def render_summary(facts: list[dict]) -> str:
    """The summary section's inner HTML: pivot tables per currency and the bar chart."""
    frame = amounts_frame(facts)
    if frame.empty:
        return "<p class='empty'>No fact with an amount.</p>"
    tables, totals = [], {}
    for currency in sorted(frame["currency"].unique()):
        largest, counts = pivot(frame, currency)
        tables.append(_table_html(currency, largest, counts))
        totals[currency] = largest.sum(axis=1).sort_values(ascending=False)
    note = ("<p class='note'>Amounts are the largest stated for each cell (the low end of a range); "
            "(n) = number of facts in the cell. Bars: the sum of each company's row, scaled per currency.</p>")
    return f"<div class='pivots'>{''.join(tables)}</div>{note}<figure>{chart_svg(totals)}</figure>"
