"""Where documents are extracted: in this process, a local process pool, or a Dask cluster.

Every engine runs the same unit of work, a :class:`Task`: one input file (read and ingested
where the task runs) or one document a ``.jsonl`` file already gave. ``run_task`` turns a task
into one :class:`~pipeline.emit.DocResult` per document, each document under the
``doc_timeout`` and ``max_bytes`` limits; an engine's ``run`` yields lists of ``(task, results)``
in task order (each list the tasks finished since the last, so that they are written together),
so the output does not depend on the engine or the number of workers; ``close`` ends what a
run left running (called after the output is committed).

Test hook: when the environment variable ``CAPEX_TEST_HANG_MARKER`` is set, a document whose
text contains its value sleeps instead of being extracted (it is how the tests make a
document hang); nothing else reads it.
"""
from __future__ import annotations

import contextlib
import gc
import os
import signal
import threading
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.document import Document
from pipeline.emit import DocResult
from pipeline.ingest import IngestError, JsonlLine, read_path, read_path_lazily
from pipeline.inputs import iter_inputs

HANG_MARKER_ENV = "CAPEX_TEST_HANG_MARKER"
DEFAULT_DOC_TIMEOUT = 30.0
JSONL_MAX_BYTES = 1 << 30  # a .jsonl feed is read whole: at most 1 GiB (or --max-bytes, if larger)


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10_000_000
    doc_timeout: float | None = DEFAULT_DOC_TIMEOUT


@dataclass(frozen=True)
class Task:
    """One unit of work: ``path`` to read (and ``root`` for its doc_id), or one ingested ``item``."""

    seq: int
    key: str
    path: str | None = None
    root: str | None = None
    item: Document | IngestError | JsonlLine | None = None

    @property
    def label(self) -> str:
        return self.path or (self.item.path if self.item is not None else None) or self.key


def iter_tasks(inputs: Sequence[str | Path], max_bytes: int) -> Iterator[Task]:
    """The tasks of ``inputs`` in input order, lazily. A ``.jsonl`` file is read and parsed here
    (its lines become one task each, so they spread over the workers; ids are checked across the
    feed); each line's Document is built by the task, as any other file is read by its task."""
    seq = 0
    for path, root in iter_inputs(inputs):
        if path.suffix.lower() == ".jsonl" and path.is_file():
            # a feed is limited per document (``process_document``), the file only by JSONL_MAX_BYTES
            lines = read_path_lazily(path, root, max_bytes=max(max_bytes, JSONL_MAX_BYTES))
            for number, item in enumerate(lines):
                yield Task(seq, f"jsonl:{path}#{number}", item=item)
                seq += 1
        else:
            yield Task(seq, f"file:{path}", path=str(path), root=str(root))
            seq += 1


def estimate_documents(inputs: Sequence[str | Path]) -> int:
    """About how many documents ``inputs`` hold (files, plus the lines of .jsonl files), for an ETA."""
    total = 0
    for path, _ in iter_inputs(inputs):
        if path.suffix.lower() == ".jsonl":
            try:
                with open(path, "rb") as handle:
                    total += sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
            except OSError:
                total += 1
        else:
            total += 1
    return total


# --------------------------------------------------------------------------- one document

class DocumentTimeout(BaseException):
    """Raised inside a document that runs past ``doc_timeout`` (a BaseException so that no
    ``except Exception`` inside the pipeline swallows it and carries on)."""


class _Alarm:
    """Per-document timeout with SIGALRM (POSIX, main thread); a no-op elsewhere."""

    armed = False
    installed = False

    @classmethod
    def usable(cls) -> bool:
        return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()

    @classmethod
    def _handler(cls, signum, frame):
        if cls.armed:
            cls.armed = False
            raise DocumentTimeout()

    @classmethod
    def start(cls, seconds: float | None) -> bool:
        if not seconds or seconds <= 0 or not cls.usable():
            return False
        if not cls.installed:
            signal.signal(signal.SIGALRM, cls._handler)
            cls.installed = True
        cls.armed = True
        signal.setitimer(signal.ITIMER_REAL, seconds)
        return True

    @classmethod
    def stop(cls) -> None:
        cls.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)


def error_result(record: dict) -> DocResult:
    return DocResult.from_records({"errors": [record]}, error_stage=record.get("stage", "?"))


def timeout_record(document: Document | None, path: str | None, seconds: float | None) -> dict:
    return {"path": path if document is None else document.path,
            **({"doc_id": document.doc_id} if document is not None else {}),
            "stage": "extract", "error_type": "DocumentTimeout",
            "message": f"extraction took too long: expected at most {seconds:g} s per document (--doc-timeout)"}


def process_document(document: Document, limits: Limits = Limits()) -> DocResult:
    """One document → its records, or one error record (never raises, times out per ``limits``)."""
    text = document.text
    # UTF-8 takes at most 4 bytes a character: most texts are under the limit without encoding them
    size = len(text) if len(text) * 4 <= limits.max_bytes else len(text.encode("utf-8"))
    if size > limits.max_bytes:
        return error_result({"path": document.path, "doc_id": document.doc_id, "stage": "limits",
                             "error_type": "DocumentTooLarge",
                             "message": f"document too large: expected at most {limits.max_bytes} bytes "
                                        f"of text, found {size}"})
    armed = _Alarm.start(limits.doc_timeout)
    try:
        return _extract(document)
    except DocumentTimeout:
        return error_result(timeout_record(document, None, limits.doc_timeout))
    finally:
        if armed:
            _Alarm.stop()


def _extract(document: Document) -> DocResult:
    try:
        marker = os.environ.get(HANG_MARKER_ENV)
        if marker and marker in document.text:  # test hook (module docstring)
            while True:
                time.sleep(1)
        result = _run_in_vocab_budget(document)
        doc_id = document.doc_id
        return DocResult.from_records({
            "documents": [document_record(document)],
            "facts": [f.to_json() for f in result.facts],
            "mentions": [m.to_json(doc_id) for m in result.mentions]})
    except Exception as exc:  # one bad document must not stop the batch
        return error_result({"path": document.path, "doc_id": document.doc_id, "stage": "extract",
                             "error_type": type(exc).__name__, "message": str(exc)[:500]})


class _Budget:
    """The process's VocabBudget (segment.py), used while an engine runs (``bounded_vocab``): its
    documents are made inside memory zones, so a worker's memory does not grow with every new
    word it meets. One document at a time goes through it (Dask may run tasks in threads of one
    process: a zone must not close under another thread's document)."""

    lock = threading.Lock()
    budget = None
    runs = 0  # engine runs (or Dask parts) under way in this process


@contextlib.contextmanager
def bounded_vocab() -> Iterator[None]:
    """Within it, ``process_document`` makes documents inside memory zones; the last zone ends
    with it. Outside (a caller's own use of process_document), documents are made as usual, so
    a Doc the caller makes with the same pipeline never lands in a zone."""
    with _Budget.lock:
        _Budget.runs += 1
    try:
        yield
    finally:
        with _Budget.lock:
            _Budget.runs -= 1
            if not _Budget.runs and _Budget.budget is not None:
                _Budget.budget.close()


def _run_in_vocab_budget(document: Document):
    import pipeline
    from pipeline.segment import VocabBudget

    with _Budget.lock:
        if _Budget.runs:
            if _Budget.budget is None:
                _Budget.budget = VocabBudget(pipeline.load())
            _Budget.budget.enter()
        return pipeline.run_document(document)


def document_record(document: Document) -> dict:
    record = document.to_json()
    record["warnings"] = list(document.meta.get("warnings") or [])
    record["locale"] = document.meta.get("locale")
    return record


def task_items(task: Task, limits: Limits) -> list[Document | IngestError]:
    if isinstance(task.item, JsonlLine):
        return [task.item.build()]
    if task.item is not None:
        return [task.item]
    try:
        return list(read_path(Path(task.path), Path(task.root), max_bytes=limits.max_bytes))
    except Exception as exc:  # read_path reports bad content itself: this guards against a bug
        return [IngestError(str(task.path), "read", type(exc).__name__, str(exc)[:500])]


def run_task(task: Task, limits: Limits) -> list[DocResult]:
    """The results of ``task``'s documents, in order."""
    return [result for _, result in task_results(task, limits)]


def task_results(task: Task, limits: Limits, skip: Collection[int] = (),
                 on_start: Callable[[int], None] | None = None) -> Iterator[tuple[int, DocResult]]:
    """``(number, result)`` for each of ``task``'s documents whose number is not in ``skip``;
    ``on_start(number)`` is called as each starts (a pool worker shows the driver what it is on)."""
    for number, item in enumerate(task_items(task, limits)):
        if number in skip:
            continue
        if on_start is not None:
            on_start(number)
        if isinstance(item, IngestError):
            yield number, error_result(item.to_json())
        else:
            yield number, process_document(item, limits)


_frozen = False  # whether this process (or the one it was forked from) has frozen its pipeline


def warm_up() -> None:
    """Load the pipeline (once per process) and run it once, so a worker's first document is not
    charged with loading dictionaries (and does not run into the timeout). The document is built
    as a file's or a feed line's is: ingest has tables of its own (guess_script's)."""
    global _frozen
    import pipeline
    from pipeline.ingest_document import build_document

    # The loaded pipeline (dictionaries, patterns, spaCy vocab) is ~100k long-lived objects that
    # every full garbage collection would walk again (50-100 ms each: one comes while loading,
    # another within the first thousand documents). No collection runs while they are built
    # (loading leaves ~1,500 objects of cyclic garbage, kept); then they are moved out of the
    # collector's generations, so a full collection only sees the documents' own objects.
    collecting = gc.isenabled()
    gc.disable()
    try:
        pipeline.load()
        pipeline.run_document(build_document("微软今年资本支出800亿美元。", "warm-up", path=None,
                                             overrides={"date": "2025-01-01"}))
        # once: a Dask worker warms up for every partition, and a later freeze would also keep for
        # good the documents its other threads have in flight
        if not _frozen:
            gc.freeze()
            _frozen = True
    finally:
        if collecting:
            gc.enable()


def unfreeze() -> None:
    """Undo warm_up's freeze (in a caller's own process, after an in-process run): its objects are
    collected as before, and the next warm_up freezes the pipeline again."""
    global _frozen
    gc.unfreeze()
    _frozen = False


def make_engine(name: str, jobs: int, limits: Limits, scheduler: str | None = None):
    if name == "local":
        from pipeline.engines.local import LocalEngine

        return LocalEngine(jobs, limits)
    if name == "dask":
        from pipeline.engines.dask import DaskEngine

        return DaskEngine(limits, scheduler=scheduler, jobs=jobs)
    raise ValueError(f"unknown engine: expected local or dask, found {name!r}")
