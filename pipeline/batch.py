"""Run the pipeline over many files: ingest → extract → emit, one error record per failure.

Documents are processed in input order; with ``jobs > 1`` a process pool (one pipeline
per worker, loaded once) runs them in parallel and results are still written in input
order, so two runs give byte-identical files. A document that raises becomes an
``errors.jsonl`` record and the batch goes on.
"""
from __future__ import annotations

import multiprocessing
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

from pipeline.document import Document
from pipeline.emit import OutputWriter, write_json_atomic
from pipeline.ingest import IngestError, iter_inputs, read_path
from pipeline.progress import Progress


@dataclass
class RunSummary:
    documents: int = 0
    facts: int = 0
    mentions: int = 0
    errors: int = 0
    files: int = 0
    seconds: float = 0.0
    error_kinds: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"documents": self.documents, "files": self.files, "facts": self.facts,
                "mentions": self.mentions, "errors": self.errors, "error_kinds": self.error_kinds,
                "seconds": round(self.seconds, 3)}


def iter_documents(inputs: Sequence[str | Path], max_bytes: int) -> Iterator[Document | IngestError]:
    """Every document (or ingest error) under ``inputs``, lazily, in a stable order."""
    for path, root in iter_inputs(inputs):
        yield from read_path(path, root, max_bytes=max_bytes)


def process_document(document: Document) -> dict:
    """One document → {'facts': [...], 'mentions': [...]} or {'error': {...}} (never raises)."""
    try:
        import pipeline

        result = pipeline.run_document(document)
        return {"doc_id": document.doc_id, "document": _document_record(document),
                "facts": [f.to_json() for f in result.facts],
                "mentions": [m.to_json(document.doc_id) for m in result.mentions]}
    except Exception as exc:  # one bad document must not stop the batch
        return {"doc_id": document.doc_id, "error": {
            "path": document.path, "doc_id": document.doc_id, "stage": "extract",
            "error_type": type(exc).__name__, "message": str(exc)[:500]}}


def _document_record(document: Document) -> dict:
    record = document.to_json()
    record["warnings"] = list(document.meta.get("warnings") or [])
    record["locale"] = document.meta.get("locale")
    return record


def _worker_init() -> None:
    import pipeline

    pipeline.load()


def _results(items: Iterator[Document | IngestError], jobs: int) -> Iterator[dict]:
    def split() -> Iterator[Document | IngestError]:
        return items

    if jobs <= 1:
        for item in split():
            yield _error_result(item) if isinstance(item, IngestError) else process_document(item)
        return
    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    with context.Pool(jobs, initializer=_worker_init) as pool:
        for result in pool.imap(_process_any, split(), chunksize=4):
            yield result


def _process_any(item: Document | IngestError) -> dict:
    return _error_result(item) if isinstance(item, IngestError) else process_document(item)


def _error_result(error: IngestError) -> dict:
    return {"doc_id": None, "error": error.to_json()}


def run_batch(inputs: Sequence[str | Path], out_dir: str | Path, *, jobs: int = 1,
              max_bytes: int = 10_000_000, quiet: bool = False) -> RunSummary:
    """Extract every document under ``inputs`` into ``out_dir``; returns the run's counts."""
    started = time.perf_counter()
    summary = RunSummary()
    writer = OutputWriter(Path(out_dir))
    progress = Progress(quiet=quiet)
    try:
        for result in _results(iter_documents(inputs, max_bytes), jobs):
            _record(result, writer, summary)
            progress.update(errors=summary.errors)
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    finally:
        progress.close()
    summary.seconds = time.perf_counter() - started
    write_json_atomic(Path(out_dir) / "run.json", run_record(summary, inputs, jobs))
    return summary


def _record(result: dict, writer: OutputWriter, summary: RunSummary) -> None:
    if "error" in result:
        writer.write("errors", [result["error"]])
        summary.errors += 1
        kind = result["error"].get("stage", "?")
        summary.error_kinds[kind] = summary.error_kinds.get(kind, 0) + 1
        return
    writer.write("documents", [result["document"]])
    writer.write("facts", result["facts"])
    writer.write("mentions", result["mentions"])
    summary.documents += 1
    summary.facts += len(result["facts"])
    summary.mentions += len(result["mentions"])


def run_record(summary: RunSummary, inputs: Sequence[str | Path], jobs: int) -> dict:
    import jieba
    import spacy

    import pipeline

    return {"inputs": [str(p) for p in inputs], "jobs": jobs, **summary.to_json(),
            "versions": {"capex-pipeline": pipeline.__version__, "python": platform.python_version(),
                         "spacy": spacy.__version__, "jieba": jieba.__version__}}
