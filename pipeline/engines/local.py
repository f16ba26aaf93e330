"""The local engine: tasks in this process (``jobs == 1``) or in a pool of worker processes.

The pool is ours rather than ``multiprocessing.Pool`` because a document that hangs must not
block the run: each worker has its own pipe and reports every document it finishes, so the
driver knows which document a worker is on and since when. A worker stops a document that
runs past ``doc_timeout`` itself (SIGALRM); if it does not (stuck in C code), the driver kills
it a little later, records the document as timed out, starts a new worker and hands it the
rest of the task. A worker that dies is handled the same way.

At most ``4 * jobs`` tasks are out at a time and results are handed on in task order, so
memory stays flat however many documents there are. Each worker holds up to ``PREFETCH`` tasks
(the one it works on and the next, already in its pipe), so it never waits for the driver
between two short documents.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import selectors
import signal
import sys
import time
from collections import deque
from typing import Iterable, Iterator

from pipeline.emit import DocResult
from pipeline.engines import Limits, Task, error_result, run_task, timeout_record, warm_up

GRACE_SECONDS = 5.0  # how long after doc_timeout the driver waits before killing a worker
PREFETCH = 2  # tasks given to a worker at a time


class LocalEngine:
    name = "local"

    def __init__(self, jobs: int, limits: Limits):
        self.jobs = max(1, int(jobs))
        self.limits = limits
        # seconds from the start until the pipeline was loaded (in every worker): the part of a
        # run's time that does not grow with the number of documents; None until known
        self.load_seconds: float | None = None

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, list[DocResult]]]:
        if self.jobs == 1:
            yield from self._serial(tasks)
        else:
            pool = _Pool(self.jobs, self.limits)
            try:
                yield from pool.run(tasks)
            finally:
                self.load_seconds = pool.load_seconds
                pool.close()

    def _serial(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, list[DocResult]]]:
        frozen_before = gc.get_freeze_count()
        started = time.perf_counter()
        warm_up()  # freezes the loaded objects out of the garbage collector's way (warm_up)
        self.load_seconds = time.perf_counter() - started
        try:
            for task in tasks:
                yield task, run_task(task, self.limits)
        finally:
            if not frozen_before:  # this is the caller's process: its objects are collected as before
                gc.unfreeze()


# --------------------------------------------------------------------------- worker side

def _worker_main(conn, limits: Limits) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    try:
        warm_up()
        conn.send(("ready",))
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                return  # the driver has gone
            if message is None:
                return
            task, skip = message
            if task.item is not None and not skip:  # one document: its result and "done" in one message
                result, = run_task(task, limits, skip=skip)
                conn.send(("doc", task.seq, skip, result, True))
                continue

            def report(number: int, result: DocResult, seq: int = task.seq) -> None:
                conn.send(("doc", seq, number, result, False))

            run_task(task, limits, skip=skip, on_result=report)
            conn.send(("done", task.seq))
    except (BrokenPipeError, EOFError, KeyboardInterrupt):
        return


# --------------------------------------------------------------------------- driver side

class _Worker:
    def __init__(self, context, limits: Limits):
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(target=_worker_main, args=(child, limits), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.tasks: deque[tuple[Task, int]] = deque()  # (task, skip) given, in the order it runs them
        self.since = 0.0  # when the current document started (the last message about it)
        self.current = 0  # number of the document being worked on in ``task``

    @property
    def task(self) -> Task | None:
        """The task the worker is on (the first one given and not done)."""
        return self.tasks[0][0] if self.tasks else None

    def give(self, task: Task, skip: int) -> None:
        if not self.tasks:
            self.current, self.since = skip, time.monotonic()
        self.tasks.append((task, skip))
        self.conn.send((task, skip))

    def finished(self) -> None:
        """The current task is done: the worker goes on with the next one it holds."""
        self.tasks.popleft()
        self.since = time.monotonic()
        self.current = self.tasks[0][1] if self.tasks else 0

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


class _Pool:
    def __init__(self, jobs: int, limits: Limits):
        self.limits = limits
        self.context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
        self.started = time.perf_counter()
        # one selector for the whole run, not one per wait (multiprocessing.connection.wait builds
        # and fills a new one on every call: the driver waits once or more per document)
        self.selector = selectors.DefaultSelector()
        self.workers = [self._started() for _ in range(jobs)]
        self.window = 4 * jobs
        self.load_seconds: float | None = None  # until every first worker is ready

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

    def close(self) -> None:
        self.selector.close()
        for worker in self.workers:
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 2
        for worker in self.workers:
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.kill()
            else:
                worker.conn.close()

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, list[DocResult]]]:
        source = iter(tasks)
        exhausted = False
        queue: deque[tuple[Task, int]] = deque()  # (task, skip) waiting for a worker
        pending: dict[int, _Pending] = {}  # by seq, until written
        order: deque[int] = deque()  # seqs in input order
        while True:
            # hand on finished tasks in order
            while order and pending[order[0]].done:
                item = pending.pop(order.popleft())
                yield item.task, item.ordered()
            # fill the window
            while not exhausted and len(order) < self.window:
                try:
                    task = next(source)
                except StopIteration:
                    exhausted = True
                    break
                pending[task.seq] = _Pending(task)
                order.append(task.seq)
                queue.append((task, 0))
            if exhausted and not order:
                return
            for worker in self.workers:
                while worker.ready and len(worker.tasks) < PREFETCH and queue:
                    worker.give(*queue.popleft())
            self._wait(pending, queue)

    def _wait(self, pending: dict[int, _Pending], queue: deque) -> None:
        timeout = self.limits.doc_timeout
        limit = None if not timeout else timeout + GRACE_SECONDS
        busy = [w for w in self.workers if w.task is not None]
        wait_for = None
        if limit is not None and busy:
            wait_for = max(0.05, min(w.since + limit for w in busy) - time.monotonic())
        ended = set()
        for key, _ in self.selector.select(timeout=wait_for if wait_for is not None else 1.0):
            worker, what = key.data
            if what == "conn":
                self._receive_one(worker, pending)
            else:
                ended.add(worker)  # its sentinel is ready: the process has ended
        now = time.monotonic()
        for index, worker in enumerate(self.workers):
            dead = worker in ended and not worker.process.is_alive()
            overdue = limit is not None and worker.task is not None and now - worker.since > limit
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
        kind = message[0]
        if kind == "ready":
            worker.ready = True
            if self.load_seconds is None and all(w.ready for w in self.workers):
                self.load_seconds = time.perf_counter() - self.started
        elif kind == "doc":
            _, seq, number, result, last = message
            pending[seq].results[number] = result
            worker.current, worker.since = number + 1, time.monotonic()
            if last:  # a one-document task: done with its document
                pending[seq].done = True
                worker.finished()
        elif kind == "done":
            pending[message[1]].done = True
            worker.finished()

    def _replace(self, worker: _Worker, pending: dict[int, _Pending], queue: deque, why: str) -> _Worker:
        task, number = worker.task, worker.current
        self._forget(worker)
        worker.kill()
        for waiting in list(worker.tasks)[:0:-1]:  # given but not started: back to the queue's front
            queue.appendleft(waiting)
        if task is not None and task.seq in pending and not pending[task.seq].done:
            record = timeout_record(None, task.label, self.limits.doc_timeout)
            if why == "died":
                record.update(error_type="WorkerDied",
                              message="the worker process ended while extracting this document")
            if task.item is not None and hasattr(task.item, "doc_id"):
                record["path"] = task.item.path
                record["doc_id"] = task.item.doc_id
            pending[task.seq].results[number] = error_result(record)
            if task.item is not None:
                pending[task.seq].done = True
            else:
                queue.appendleft((task, number + 1))  # the rest of the file, on a new worker
        elif not worker.ready and why == "died":
            raise RuntimeError(f"a worker process failed to start (exit code {worker.process.exitcode})")
        return self._started()


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)
