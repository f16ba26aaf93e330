"""capex-pipeline: Chinese financial news → reviewed, measured capex facts.

    import pipeline
    nlp = pipeline.load()                         # the spaCy Language
    result = pipeline.extract(text, date="2025-02-08", doc_id="a1")
    result.facts, result.mentions                 # Fact / Mention records
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from spacy.language import Language

from pipeline.document import Document, Fact, Mention

__version__ = "0.1.0"
__all__ = ["load", "extract", "run_document", "Extraction", "Document", "Fact", "Mention", "__version__"]


@dataclass(frozen=True)
class Extraction:
    doc_id: str | None
    facts: list[Fact]
    mentions: list[Mention]

    def to_json(self) -> dict:
        return {"doc_id": self.doc_id,
                "facts": [f.to_json() for f in self.facts],
                "mentions": [m.to_json(self.doc_id) for m in self.mentions]}


@functools.lru_cache(maxsize=1)
def load() -> Language:
    """The capex spaCy pipeline (built once per process)."""
    from pipeline.segment import load_nlp

    return load_nlp()


def run_document(document: Document, nlp: Language | None = None) -> Extraction:
    """Run the pipeline over one ingested Document."""
    from pipeline.recognize.base import register_extensions

    register_extensions()
    nlp = nlp or load()
    doc = nlp.make_doc(document.text)
    extensions = doc._  # each ``doc._`` builds an Underscore object: one for the four settings
    extensions.doc_id = document.doc_id
    extensions.pub_date = document.date
    extensions.locale_currency = _locale_currency(document)
    extensions.mentions = []
    boilerplate = document.meta.get("boilerplate") or []
    for name, component in nlp.pipeline:
        if name == "capex_facts" and boilerplate:  # photo credits and copyright footers are not the article
            extensions = doc._
            extensions.mentions = _outside(extensions.mentions, boilerplate)
        doc = component(doc)
    extensions = doc._
    mentions = _outside(extensions.mentions, boilerplate)
    _record_rejections(document, extensions.rejected)
    return Extraction(document.doc_id, list(extensions.facts or []), mentions)


def _record_rejections(document: Document, rejected: list[dict] | None) -> None:
    """Amounts a recogniser refused (beyond 10^16…), doc._.rejected, become warnings of the document, with why."""
    if rejected and isinstance(document.meta, dict):
        document.meta.setdefault("warnings", []).extend(
            f"{r['type']} {r['text']!r} at [{r['start']}, {r['end']}): {r['reason']}" for r in rejected)


def extract(text: str, date: str | dt.date | None = None, doc_id: str | None = None) -> Extraction:
    """Facts and mentions for one cleaned text, published on ``date`` (resolves 今年, 去年…)."""
    if isinstance(date, str):
        date = dt.date.fromisoformat(date[:10])
    return run_document(Document(doc_id=doc_id or "text", text=text, date=date))


_LOCALE_CURRENCIES = {"CN": "CNY", "TW": "TWD", "HK": "HKD"}


def _locale_currency(document: Document) -> str | None:
    return _LOCALE_CURRENCIES.get(document.meta.get("locale"))


def _outside(mentions: list[Mention], ranges) -> list[Mention]:
    """The mentions not inside any of ``ranges``, in order (a new list).

    One pass per range: a document has a few boilerplate lines and dozens of mentions, and an
    ``any(...)`` per mention would cost a call and a generator each."""
    kept = list(mentions)
    for start, end in ranges:
        kept = [m for m in kept if not (start <= m.start and m.end <= end)]
    return kept
