"""Memory zones keep a long run's vocabulary bounded and change no result."""
import datetime
import random

import pipeline
from pipeline import engines
from pipeline.document import Document
from pipeline.segment import VocabBudget

COMPANIES = ["微软", "亚马逊", "台积电", "英特尔", "谷歌", "三星电子"]


def _novel_documents(count: int, seed: int) -> list[Document]:
    """Documents whose clauses no vocabulary has seen (each screened-out clause is one new word),
    each with one capex sentence."""
    rng = random.Random(seed)

    def clause() -> str:
        return "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(rng.randrange(6, 14)))

    documents = []
    for i in range(count):
        filler = "，".join(clause() for _ in range(8)) + "。"
        fact = f"{COMPANIES[i % 6]}今年资本支出预计为{rng.randrange(100, 999)}亿美元，同比增长{rng.randrange(2, 40)}%。"
        documents.append(Document(doc_id=f"d{i}", text=filler + fact + filler, date=datetime.date(2025, 3, 1)))
    return documents


def test_the_vocabulary_stays_within_the_budget_and_results_do_not_change():
    nlp = pipeline.load()
    pipeline.extract("微软今年资本支出800亿美元。", date="2025-01-01")  # the pipeline's own words
    documents = _novel_documents(40, seed=11)
    budget = VocabBudget(nlp, limit=100)  # ~10 new words a document: a new zone every ten
    before = len(nlp.vocab.strings)
    zoned, sizes = [], []
    try:
        for document in documents:
            budget.enter()
            zoned.append(pipeline.run_document(document).to_json())
            sizes.append(len(nlp.vocab.strings))
    finally:
        budget.close()
    assert len(nlp.vocab.strings) == before  # every word the zones added is gone
    assert max(sizes) - before < 100 + 20  # the limit, and one document's words over it
    plain = [pipeline.run_document(document).to_json() for document in documents]  # words kept for good
    assert zoned == plain
    assert len(nlp.vocab.strings) - before > 40 * 8


def test_close_without_a_zone_and_twice_is_harmless():
    budget = VocabBudget(pipeline.load(), limit=10)
    budget.close()
    budget.enter()
    budget.close()
    budget.close()


def test_only_engine_runs_make_documents_in_zones():
    """A caller's own process_document (and its own Docs) stay out of zones; a run's last zone
    ends with the run."""
    vocab = pipeline.load().vocab
    document = _novel_documents(1, seed=3)[0]
    engines.process_document(document)
    assert not vocab.in_memory_zone
    with engines.bounded_vocab():
        with engines.bounded_vocab():  # a second run (a Dask part in another thread)
            engines.process_document(document)
        assert vocab.in_memory_zone
    assert not vocab.in_memory_zone
