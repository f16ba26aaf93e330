"""`capex review DIR -o review.html`: one self-contained page a reviewer can work from.

Public entry point: ``build_review(out_dir, html_path) -> dict`` (counts of what went in).

The page has no network access (a Content-Security-Policy allows only inline style and
script) and needs none: the template, CSS and JS are package data in ``review_assets/``
and are inlined. Everything that comes from the articles is untrusted:
- text nodes and attributes go through ``html.escape(..., quote=True)``;
- the data the JS needs is JSON inside ``<script type="application/json">`` with ``<``,
  ``>``, ``&``, U+2028 and U+2029 written as ``\\uXXXX`` so nothing can close the element;
- highlights are built here from offsets: the text is cut at every mention and evidence
  boundary and each piece is an escaped ``<span>`` whose classes name the mention types
  (``m-money`` …) and whose ``data-facts`` lists the ids (``f12``) of facts it is evidence of;
- the JS (``review.js``) only sets ``textContent`` and classes, never ``innerHTML``.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from html import escape
from itertools import pairwise
from pathlib import Path

from pipeline.export import read_output
from pipeline.review_summary import format_amount, period_label, render_summary

ASSETS = Path(__file__).with_name("review_assets")
_SLOT = re.compile(r"<!--slot:([a-z]+)-->")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def build_review(out_dir: str | Path, html_path: str | Path) -> dict:
    """Write the review page for the output folder ``out_dir``; returns the counts shown on it."""
    records = read_output(out_dir)
    facts = [dict(fact, _id=f"f{n}") for n, fact in enumerate(records["facts"], 1)]
    articles, fact_data = _articles(records["documents"], facts, records["mentions"])
    counts = {"documents": len(records["documents"]), "facts": len(facts),
              "mentions": len(records["mentions"]), "errors": len(records["errors"])}
    companies = sorted({c for fact in facts for c in fact.get("companies") or []})
    slots = {
        "title": escape(str(Path(out_dir).resolve().name)),
        "counts": escape(", ".join(f"{v} {k}" for k, v in counts.items())),
        "summary": render_summary(facts), "articles": articles,
        "errors": _errors_html(records["errors"]),
        "data": script_json({"facts": fact_data, "companies": companies}),
        "css": _asset("review.css"), "js": _asset("review.js"),
    }
    page = _SLOT.sub(lambda match: slots[match.group(1)], _asset("review.html"))
    target = Path(html_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")
    return counts


def script_json(data) -> str:
    """JSON that is safe inside a <script> element: no '<', '>', '&', U+2028 or U+2029 left."""
    text = json.dumps(data, ensure_ascii=False)
    return re.sub("[<>&\u2028\u2029]", lambda match: _JSON_ESCAPES[match.group()], text)


def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def _attr(value) -> str:
    return escape("" if value is None else str(value), quote=True)


def _articles(documents: list[dict], facts: list[dict], mentions: list[dict]) -> tuple[str, list[dict]]:
    """The articles' HTML (documents order, then doc_ids known only from facts) and the facts' JSON data."""
    facts_by_doc, mentions_by_doc = defaultdict(list), defaultdict(list)
    for fact in facts:
        facts_by_doc[fact.get("doc_id")].append(fact)
    for mention in mentions:
        mentions_by_doc[mention.get("doc_id")].append(mention)
    known = {doc.get("doc_id") for doc in documents}
    orphans = [{"doc_id": d, "text": None} for d in facts_by_doc if d not in known]
    sections, data = [], []
    for index, doc in enumerate(documents + orphans):
        key = f"d{index}"
        doc_facts = facts_by_doc.get(doc.get("doc_id"), [])
        sections.append(_article_html(key, doc, doc_facts, mentions_by_doc.get(doc.get("doc_id"), [])))
        data.extend({"id": f["_id"], "doc": key, "companies": f.get("companies") or [],
                     "status": f.get("status"), "confidence": float(f.get("confidence") or 0)} for f in doc_facts)
    return "\n".join(sections), data


def _article_html(key: str, doc: dict, facts: list[dict], mentions: list[dict]) -> str:
    title = doc.get("title") or doc.get("doc_id") or "(untitled)"
    meta = [f"doc_id {doc.get('doc_id')}", doc.get("date") or "no date", doc.get("path") or ""]
    url = doc.get("url") or ""
    link = (f" · <a href='{_attr(url)}' rel='noopener noreferrer' target='_blank'>{escape(url)}</a>"
            if re.match(r"https?://", url) else (f" · {escape(url)}" if url else ""))
    text = doc.get("text")
    body = (f"<div class='text' lang='zh'>{highlight(text, mentions, facts)}</div>" if text is not None
            else "<p class='empty'>This article's text is not in documents.jsonl.</p>")
    return (f"<section class='article' id='{key}' data-doc='{key}'>"
            f"<h2>{escape(str(title))}</h2><p class='meta'>{escape(' · '.join(m for m in meta if m))}{link}</p>"
            f"{_facts_table(facts)}{body}</section>")


def _facts_table(facts: list[dict]) -> str:
    if not facts:
        return "<p class='empty'>No capex fact found in this article.</p>"
    head = "".join(f"<th scope='col'>{h}</th>" for h in
                   ("companies", "amount", "period", "change", "status", "source", "confidence", "rule"))
    rows = "".join(_fact_row(f) for f in facts)
    return f"<table class='facts'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _fact_row(fact: dict) -> str:
    amount, change, period = fact.get("amount"), fact.get("change"), fact.get("period")
    amount_text = (f"{amount.get('text') or ''} = {format_amount(float(amount['value']))} "
                   f"{amount.get('currency') or ''} ({amount.get('qualifier') or 'exact'})"
                   if amount and amount.get("value") is not None else "—")
    change_text = f"{change.get('text') or ''} = {change['value']:+g}" if change and change.get("value") is not None else "—"
    period_text = f"{period.get('text') or ''} = {period_label(period)}" if period else "—"
    cells = [", ".join(fact.get("companies") or []), amount_text, period_text, change_text,
             fact.get("status") or "", fact.get("source") or "", f"{float(fact.get('confidence') or 0):.2f}",
             fact.get("rule") or ""]
    return (f"<tr class='fact' tabindex='0' data-fact='{_attr(fact['_id'])}' title='click to show the evidence'>"
            + "".join(f"<td>{escape(str(c))}</td>" for c in cells) + "</tr>")


def _mention_title(mention: dict) -> str:
    kind = mention.get("type")
    if kind == "money":
        value = mention.get("value")
        return f"money {format_amount(float(value)) if value is not None else '?'} {mention.get('currency')}"
    if kind == "percent":
        return f"percent {mention.get('kind')} {mention.get('value')}"
    if kind == "period":
        return f"period {mention.get('start') or ''}–{mention.get('end') or ''}"
    return f"company {mention.get('name')}"


def highlight(text: str, mentions: list[dict], facts: list[dict]) -> str:
    """The text as escaped spans cut at every mention and evidence boundary."""
    size = len(text)
    marks = [(m["span"][0], m["span"][1], "m", m) for m in mentions if _valid_span(m.get("span"), size)]
    for fact in facts:
        evidence = fact.get("evidence") or {}
        span = [evidence.get("start"), evidence.get("end")]
        if _valid_span(span, size):
            marks.append((span[0], span[1], "f", fact))
    cuts = sorted({0, size, *(s for s, _, _, _ in marks), *(e for _, e, _, _ in marks)})
    pieces = []
    for start, end in pairwise(cuts):
        covering = [(kind, rec) for s, e, kind, rec in marks if s <= start and end <= e]
        pieces.append(_piece(text[start:end], start, covering))
    return "".join(pieces)


def _valid_span(span, size: int) -> bool:
    return (isinstance(span, (list, tuple)) and len(span) == 2 and all(isinstance(x, int) for x in span)
            and 0 <= span[0] < span[1] <= size)


def _piece(chunk: str, start: int, covering: list) -> str:
    if not covering:
        return escape(chunk)
    types = sorted({rec.get("type") for kind, rec in covering if kind == "m"} & {"money", "percent", "period", "company"})
    ids = [rec["_id"] for kind, rec in covering if kind == "f"]
    classes = [f"m-{t}" for t in types] + (["ev"] if ids else [])
    titles = "; ".join(_mention_title(rec) for kind, rec in covering if kind == "m")
    attrs = f" class='{_attr(' '.join(classes))}' data-start='{start}'"
    attrs += f" data-facts='{_attr(' '.join(ids))}'" if ids else ""
    attrs += f" title='{_attr(titles)}'" if titles else ""
    return f"<span{attrs}>{escape(chunk)}</span>"


def _errors_html(errors: list[dict]) -> str:
    if not errors:
        return "<p class='empty'>No article failed.</p>"
    rows = "".join("<tr>" + "".join(f"<td>{escape(str(e.get(k) or ''))}</td>"
                                    for k in ("path", "stage", "error_type", "message")) + "</tr>" for e in errors)
    return ("<table class='errors'><thead><tr><th>path</th><th>stage</th><th>error</th><th>message</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>")
