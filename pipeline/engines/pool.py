"""The local engine's pool of worker processes (the driver side; the workers' is
:mod:`pipeline.engines.pool_worker`).

The pool is ours rather than ``multiprocessing.Pool`` because a document that hangs must not
block the run. Tasks go to the workers in chunks (:mod:`pipeline.engines.pool_worker`), one
message each way per chunk, and each worker shows in shared memory which document it is on
and since when. A worker stops a document that runs past ``doc_timeout`` itself (SIGALRM); if
it does not (stuck in C code), the driver kills it a little later, records the document as
timed out, starts a new worker and queues the rest of the worker's chunks again. A worker that
dies is handled the same way.

Chunks are sized to take about ``CHUNK_SECONDS`` (judged from the time the last ones took), so
the driver, which shares the cores with the workers, wakes a few dozen times a second rather
than once per document. At most a few chunks per worker are out at a time and results are
handed on in task order, so memory stays flat however many documents there are. Each worker
holds up to ``PREFETCH`` chunks (the one it works on and the next, already in its pipe), so it
never waits for the driver.
"""
from __future__ import annotations

import multiprocessing
import selectors
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.emit import DocResult
from pipeline.engines import Limits, Task, error_result, timeout_record
from pipeline.engines.pool_worker import Chunk, ProgressBoard, worker_main
from pipeline.inputs import doc_id_for

GRACE_SECONDS = 5.0  # how long after doc_timeout the driver waits before killing a worker
PREFETCH = 2  # chunks given to a worker at a time
CHUNK_SECONDS = 0.05  # the work aimed at per chunk
FIRST_CHUNK = 4  # tasks per chunk until chunks have been timed
MAX_CHUNK = 64  # tasks per chunk at most


class _Worker:
    def __init__(self, context, limits: Limits):
        self.conn, child = context.Pipe(duplex=True)
        self.board = ProgressBoard(context)
        self.process = context.Process(target=worker_main, args=(child, self.board, limits), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.chunks: deque[Chunk] = deque()  # given and not answered, in the order it runs them
        self.since = 0.0  # when it was last given a chunk while idle, or answered one

    def give(self, chunk: Chunk) -> None:
        if not self.chunks:
            self.since = time.monotonic()
        self.chunks.append(chunk)
        try:
            self.conn.send(chunk)
        except OSError:  # it has ended (BrokenPipeError): its sentinel tells _wait, which queues it again
            pass

    def answered(self) -> None:
        self.chunks.popleft()
        self.since = time.monotonic()

    def busy_since(self) -> float | None:
        """Since when the worker has been on what it is doing now (None: it holds no chunk). The
        board's start, unless the driver heard from the worker later than that."""
        if not self.chunks:
            return None
        on = self.board.read()
        return self.since if on is None else max(on.started, self.since)

    def kill(self) -> None:
        try:
            self.process.kill()
        except (OSError, AttributeError):
            pass
        self.process.join(timeout=5)
        self.conn.close()


class _Pending:
    """Results of one task collected so far."""

    def __init__(self, task: Task):
        self.task = task
        self.results: dict[int, DocResult] = {}
        self.done = False

    def ordered(self) -> list[DocResult]:
        return [self.results[n] for n in sorted(self.results)]


class Pool:
    def __init__(self, jobs: int, limits: Limits):
        self.limits = limits
        self.context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
        self.started = time.perf_counter()
        # one selector for the whole run, not one per wait (multiprocessing.connection.wait builds
        # and fills a new one on every call)
        self.selector = selectors.DefaultSelector()
        self.workers = [self._started() for _ in range(jobs)]
        self.chunk_size = FIRST_CHUNK
        self.task_seconds: float | None = None  # a task's time, averaged over the last chunks
        self.load_seconds: float | None = None  # until every first worker is ready
        self.stopped = False  # whether the workers have been told to stop

    @property
    def window(self) -> int:
        """Tasks out at a time: every worker's chunks, and as many again finished out of order."""
        return 2 * PREFETCH * len(self.workers) * self.chunk_size

    def _started(self) -> _Worker:
        worker = _Worker(self.context, self.limits)
        self.selector.register(worker.conn, selectors.EVENT_READ, (worker, "conn"))
        self.selector.register(worker.process.sentinel, selectors.EVENT_READ, (worker, "ended"))
        return worker

    def _forget(self, worker: _Worker) -> None:
        for handle in (worker.conn, worker.process.sentinel):
            try:
                self.selector.unregister(handle)
            except (KeyError, ValueError):
                pass

    def _stop_workers(self) -> None:
        """Tell every worker to stop (once): it exits after the chunks it holds."""
        if self.stopped:
            return
        self.stopped = True
        for worker in self.workers:
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                pass

    def close(self) -> None:
        self.selector.close()
        self._stop_workers()
        deadline = time.monotonic() + 2
        for worker in self.workers:
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.kill()
            else:
                worker.conn.close()

    def run(self, tasks: Iterable[Task]) -> Iterator[list[tuple[Task, list[DocResult]]]]:
        source = iter(tasks)
        exhausted = False
        queue: deque[tuple[Task, frozenset]] = deque()  # (task, numbers held) waiting for a worker
        pending: dict[int, _Pending] = {}  # by seq, until handed on
        order: deque[int] = deque()  # seqs in input order
        while True:
            if exhausted and not queue and not any(worker.chunks for worker in self.workers):
                # every task is answered: the workers exit (~10 ms: the kernel frees their memory)
                # while the driver writes the last results and commits the files
                self._stop_workers()
            # hand on finished tasks in order
            finished = []
            while order and pending[order[0]].done:
                item = pending.pop(order.popleft())
                finished.append((item.task, item.ordered()))
            if finished:
                yield finished
            # fill the window
            while not exhausted and len(order) < self.window:
                try:
                    task = next(source)
                except StopIteration:
                    exhausted = True
                    break
                pending[task.seq] = _Pending(task)
                order.append(task.seq)
                queue.append((task, frozenset()))
            if exhausted and not order:
                return
            self._hand_out(queue)
            self._wait(pending, queue)

    def _hand_out(self, queue: deque) -> None:
        """Chunks to the workers with room, one each in turn: none of ``chunk_size`` tasks while
        the queue is short (the end of the input, or a small one), so that each worker gets some."""
        for _ in range(PREFETCH):
            for worker in self.workers:
                if worker.ready and len(worker.chunks) < PREFETCH and queue:
                    fair = -(-len(queue) // (PREFETCH * len(self.workers)))  # a share, rounded up
                    worker.give([queue.popleft() for _ in range(min(self.chunk_size, fair))])

    def _wait(self, pending: dict[int, _Pending], queue: deque) -> None:
        timeout = self.limits.doc_timeout
        limit = None if not timeout else timeout + GRACE_SECONDS
        wait_for = 1.0
        if limit is not None:
            starts = [s for s in (w.busy_since() for w in self.workers) if s is not None]
            if starts:
                wait_for = max(0.05, min(starts) + limit - time.monotonic())
        ended = set()
        for key, _ in self.selector.select(timeout=wait_for):
            worker, what = key.data
            if what == "conn":
                self._receive_one(worker, pending)
            else:
                ended.add(worker)  # its sentinel is ready: the process has ended
        now = time.monotonic()
        for index, worker in enumerate(self.workers):
            dead = worker in ended and not worker.process.is_alive()
            since = worker.busy_since() if limit is not None else None
            overdue = since is not None and now - since > limit
            if dead:
                self._drain(worker, pending)  # whatever it sent before dying
            if dead or overdue:
                self.workers[index] = self._replace(worker, pending, queue,
                                                    "timeout" if overdue and not dead else "died")

    def _drain(self, worker: _Worker, pending: dict[int, _Pending]) -> None:
        """Every message the worker has sent and the driver has not read."""
        try:
            while not worker.conn.closed and worker.conn.poll():
                self._handle(worker, worker.conn.recv(), pending)
        except (EOFError, OSError):
            pass

    def _receive_one(self, worker: _Worker, pending: dict[int, _Pending]) -> None:
        """One message from a worker whose pipe the selector found readable. Not a _drain: its
        poll() builds a selector of its own on every call; the run's selector reports the pipe
        again while more is waiting."""
        try:
            self._handle(worker, worker.conn.recv(), pending)
        except (EOFError, OSError):
            pass

    def _handle(self, worker: _Worker, message: tuple, pending: dict[int, _Pending]) -> None:
        if message[0] == "ready":
            worker.ready = True
            if self.load_seconds is None and all(w.ready for w in self.workers):
                self.load_seconds = time.perf_counter() - self.started
        elif message[0] == "chunk":
            _, answers, seconds = message
            for seq, results in answers:
                pending[seq].results.update(results)
                pending[seq].done = True
            worker.answered()
            self._resize(seconds / len(answers))

    def _resize(self, task_seconds: float) -> None:
        """Chunks of about CHUNK_SECONDS, from a running average of the time a task takes."""
        if self.task_seconds is None:
            self.task_seconds = task_seconds
        else:
            self.task_seconds += 0.2 * (task_seconds - self.task_seconds)
        fitting = int(CHUNK_SECONDS / self.task_seconds) if self.task_seconds > 0 else MAX_CHUNK
        self.chunk_size = max(1, min(MAX_CHUNK, fitting))

    def _replace(self, worker: _Worker, pending: dict[int, _Pending], queue: deque, why: str) -> _Worker:
        """Kill ``worker``, record the document it was on as timed out (or as what killed it) and
        queue the rest of its chunks again, in order, at the queue's front."""
        on = worker.board.read()
        self._forget(worker)
        worker.kill()
        given = [item for chunk in worker.chunks for item in chunk]
        if not given:
            if not worker.ready and why == "died":
                raise RuntimeError(f"a worker process failed to start (exit code {worker.process.exitcode})")
            return self._started()
        if on is not None and any(task.seq == on.seq for task, _ in given):
            seq, number = on.seq, on.number
        else:  # not on a document (or it died between two): the first one it was given
            seq, number = given[0][0].seq, _first_missing(given[0][1])
        pending[seq].results[number] = error_result(self._lost_record(pending[seq].task, why))
        for task, _ in reversed(given):
            held = frozenset(pending[task.seq].results)
            if task.item is not None and held:  # its one document is held
                pending[task.seq].done = True
            else:
                queue.appendleft((task, held))
        return self._started()

    def _lost_record(self, task: Task, why: str) -> dict:
        record = timeout_record(None, task.label, self.limits.doc_timeout)
        if why == "died":
            record.update(error_type="WorkerDied",
                          message="the worker process ended while extracting this document")
        if task.item is not None and hasattr(task.item, "doc_id"):
            record["path"] = task.item.path
            record["doc_id"] = task.item.doc_id
        elif task.path is not None:  # a file task: one document, whose id its path gives
            record["doc_id"] = doc_id_for(Path(task.path), Path(task.root))
        return record


def _first_missing(skip: frozenset) -> int:
    """The number of a task's first document not in ``skip``."""
    number = 0
    while number in skip:
        number += 1
    return number
