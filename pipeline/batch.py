"""Run the pipeline over many files: ingest → extract → emit, one error record per failure.

Inputs are walked and read lazily and results are written as they complete, in input order
whatever the engine and the number of workers, so two runs give byte-identical files and
memory does not grow with the number of documents. ``jobs`` defaults to every core.

- Engines (:mod:`pipeline.engines`): ``local`` (this process at ``jobs=1``, else a pool of
  worker processes, each loading the pipeline once) and ``dask`` (a dask.distributed cluster).
- Per document: a document that raises, runs past ``doc_timeout`` seconds or holds more than
  ``max_bytes`` becomes an ``errors.jsonl`` record and the batch goes on.
- Resume: output goes to ``*.jsonl.partial`` files with a journal (:mod:`pipeline.emit`);
  ``resume=True`` checks what an earlier, interrupted run wrote, keeps what checks out, skips
  those inputs and appends the rest. The final files equal those of an uninterrupted run.
"""
from __future__ import annotations

import importlib.metadata
import platform
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.document import Document
from pipeline.emit import JournalEntry, OutputWriter, confirmed_entries, write_json_atomic
from pipeline.engines import (
    DEFAULT_DOC_TIMEOUT,
    Limits,
    Task,
    estimate_documents,
    iter_tasks,
    make_engine,
    process_document,
)
from pipeline.engines.local import default_jobs
from pipeline.ingest import IngestError, read_path
from pipeline.inputs import iter_inputs
from pipeline.progress import Progress

__all__ = ["RunSummary", "ResumeMismatch", "run_batch", "iter_documents", "process_document", "run_record"]


class ResumeMismatch(ValueError):
    """``--resume`` on a folder written from other inputs."""


@dataclass
class RunSummary:
    documents: int = 0
    facts: int = 0
    mentions: int = 0
    errors: int = 0
    files: int = 0
    seconds: float = 0.0
    load_seconds: float | None = None  # of ``seconds``: loading the pipeline (where the engine knows)
    error_kinds: dict = field(default_factory=dict)
    resumed: int = 0  # inputs an earlier run had already done (``--resume``)
    new: int = 0      # inputs this run did

    def add(self, entry: JournalEntry) -> None:
        self.documents += entry.counts.get("documents", 0)
        self.facts += entry.counts.get("facts", 0)
        self.mentions += entry.counts.get("mentions", 0)
        self.errors += entry.counts.get("errors", 0)
        if entry.key.startswith("file:") or entry.key.endswith("#0"):
            self.files += 1
        for kind, count in entry.error_kinds.items():
            self.error_kinds[kind] = self.error_kinds.get(kind, 0) + count

    def to_json(self) -> dict:
        return {"documents": self.documents, "files": self.files, "facts": self.facts,
                "mentions": self.mentions, "errors": self.errors, "error_kinds": dict(sorted(self.error_kinds.items())),
                "seconds": round(self.seconds, 3),
                "load_seconds": None if self.load_seconds is None else round(self.load_seconds, 3)}


def iter_documents(inputs: Sequence[str | Path], max_bytes: int) -> Iterator[Document | IngestError]:
    """Every document (or ingest error) under ``inputs``, lazily, in a stable order."""
    for path, root in iter_inputs(inputs):
        yield from read_path(path, root, max_bytes=max_bytes)


def run_batch(inputs: Sequence[str | Path], out_dir: str | Path, *, jobs: int | None = None,
              max_bytes: int = 10_000_000, quiet: bool = False, resume: bool = False,
              doc_timeout: float | None = DEFAULT_DOC_TIMEOUT, engine: str = "local",
              scheduler: str | None = None, progress_every: float = 10.0) -> RunSummary:
    """Extract every document under ``inputs`` into ``out_dir``; returns the run's counts."""
    started = time.perf_counter()
    jobs = jobs or default_jobs()
    out_dir = Path(out_dir)
    limits = Limits(max_bytes=max_bytes, doc_timeout=doc_timeout or None)
    runner = make_engine(engine, jobs, limits, scheduler)
    tasks = iter_tasks(inputs, max_bytes)
    if resume:  # check the inputs against what the folder holds before touching it
        _skip(tasks, confirmed_entries(out_dir))
    writer = OutputWriter(out_dir, resume=resume)
    summary = RunSummary()
    for entry in writer.entries:
        summary.add(entry)
    summary.resumed = len(writer.entries)
    progress = Progress(quiet=quiet, every=progress_every, initial=summary.documents + summary.errors,
                        total=None if quiet else estimate_documents(inputs))
    progress.errors = summary.errors
    try:
        for finished in runner.run(tasks):
            for entry in writer.write_entries([(task.key, results) for task, results in finished]):
                summary.add(entry)
                summary.new += 1
            progress.update(sum(len(results) for _, results in finished), errors=summary.errors)
        writer.commit()
    except BaseException:
        writer.close()
        raise
    finally:
        progress.close()
        runner.close()  # after the commit: a pool's workers exit while the files are committed
    summary.seconds = time.perf_counter() - started
    summary.load_seconds = getattr(runner, "load_seconds", None)
    run_json = out_dir / "run.json"
    if summary.new or not run_json.exists():
        write_json_atomic(run_json, run_record(summary, inputs, jobs, engine))
    return summary


def _skip(tasks: Iterator[Task], entries: Sequence[JournalEntry]) -> None:
    """Consume the tasks the journal has done, checking that they are the same inputs."""
    for number, entry in enumerate(entries):
        task = next(tasks, None)
        if task is None:
            raise ResumeMismatch(f"--resume: the output folder holds {len(entries)} inputs but the inputs "
                                 f"given now are only {number}; run without --resume")
        if task.key != entry.key:
            raise ResumeMismatch(f"--resume: the output folder was written from other inputs: expected "
                                 f"{_name(entry.key)!r} as input {number + 1}, found {_name(task.key)!r}; "
                                 f"run without --resume")


def _name(key: str) -> str:
    return key.split(":", 1)[-1]


def run_record(summary: RunSummary, inputs: Sequence[str | Path], jobs: int, engine: str = "local") -> dict:
    import spacy

    import pipeline

    record = {"inputs": [str(p) for p in inputs], "jobs": jobs, "engine": engine, **summary.to_json()}
    if summary.resumed:
        record["resumed_inputs"] = summary.resumed
    record["versions"] = {"capex-pipeline": pipeline.__version__, "python": platform.python_version(),
                          "spacy": spacy.__version__, "jieba": importlib.metadata.version("jieba"),
                          "rjieba": importlib.metadata.version("rjieba")}
    return record
