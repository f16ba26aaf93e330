"""Stage 4, assemble: mentions → capex facts (GOLD_FORMAT section 1).

``assemble_facts`` reads each sentence with the strategies in ``pipeline.facts.reading``,
carries the spender and period from one capex sentence to the next, then merges
restatements (``pipeline.facts.merge``). The spaCy component ``capex_facts`` runs it on a
Doc whose recognisers have already put their mentions on ``doc._.mentions``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from operator import attrgetter
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.document import Fact, Mention
from pipeline.facts.context import ArticleContext
from pipeline.facts.merge import merge_drafts
from pipeline.facts.reading import ReadingState, read_sentence
from pipeline.facts.table import table_drafts
from pipeline.recognize.base import register_extensions

register_extensions()


def assemble_facts(text: str, mentions: Sequence[Mention], *, groups: Sequence[Any] = (),
                   pub_date: dt.date | None = None, doc_id: str | None = None) -> list[Fact]:
    """Capex facts stated in ``text``, given its mentions (any order) and groups."""
    # by (start, end): two stable sorts on plain int keys, cheaper than building a key tuple per mention
    ordered = sorted(sorted(mentions, key=attrgetter("end")), key=attrgetter("start"))
    ctx = ArticleContext(text=text, mentions=ordered, groups=groups or (), pub_date=pub_date, doc_id=doc_id)
    state = ReadingState()
    drafts, table_lines = table_drafts(ctx)
    for index, sentence in enumerate(ctx.sentences):
        paragraph = ctx.paragraph_of(sentence.start) if table_lines else None
        if paragraph is not None and paragraph.start in table_lines:
            continue  # table rows were read as cells
        drafts.extend(read_sentence(ctx, index, sentence, state))
    merged = merge_drafts(drafts)
    facts = [d.to_fact(doc_id) for d in merged if d.companies or d.group_text]
    return sorted(facts, key=lambda f: (f.evidence.start if f.evidence else 0))


class FactAssembler:
    """spaCy component: reads doc._.mentions / doc._.groups and writes doc._.facts."""

    def __call__(self, doc: Doc) -> Doc:
        extensions = doc._  # each doc._ builds a new accessor
        groups = extensions.groups if Doc.has_extension("groups") else ()
        extensions.facts = assemble_facts(doc.text, extensions.mentions or [], groups=groups or (),
                                          pub_date=extensions.pub_date, doc_id=extensions.doc_id)
        return doc


@Language.factory("capex_facts")
def make_fact_assembler(nlp: Language, name: str) -> FactAssembler:
    return FactAssembler()
