"""The worker side of the local engine's process pool (:mod:`pipeline.engines.pool`).

A worker receives *chunks*, lists of ``(task, skip)`` (``skip``: numbers of the task's documents
the driver already holds), and answers each chunk with one message holding all its results:
one message per chunk rather than per document keeps the driver, which shares the cores with
the workers, asleep for all but a few wake-ups a second.

What the driver still needs per document, which one a worker is on and since when (to find a
document stuck past the timeout, or the one a dead worker was on), the worker shows on a
:class:`ProgressBoard` in shared memory, without a message.
"""
from __future__ import annotations

import queue
import signal
import threading
import time
from typing import NamedTuple

from pipeline.engines import Limits, bounded_vocab, task_results, warm_up

Chunk = list  # of (Task, frozenset[int]): the tasks given to a worker in one message


class OnDocument(NamedTuple):
    seq: int          # the task's
    number: int       # the document's, within the task
    started: float    # time.monotonic() when it started (the clock is system-wide)


class ProgressBoard:
    """Which document a worker is on, in four shared doubles: task seq, document number, start
    time (0 while between chunks) and a version that is odd while the worker writes, so that the
    driver never reads half an update (a sequence lock: no lock to take, no message to send)."""

    def __init__(self, context):
        self.cells = context.RawArray("d", 4)

    def start(self, seq: int, number: int) -> None:
        cells = self.cells
        cells[3] += 1
        cells[0], cells[1], cells[2] = seq, number, time.monotonic()
        cells[3] += 1

    def idle(self) -> None:
        cells = self.cells
        cells[3] += 1
        cells[2] = 0.0
        cells[3] += 1

    def read(self) -> OnDocument | None:
        """The document the worker is on, or None between chunks."""
        cells = self.cells
        while True:
            version = cells[3]
            seq, number, started = cells[0], cells[1], cells[2]
            if version % 2 == 0 and cells[3] == version:
                return OnDocument(int(seq), int(number), started) if started else None


def worker_main(conn, board: ProgressBoard, limits: Limits) -> None:
    """A worker process: load the pipeline, then answer chunks until told to stop (None)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    try:
        warm_up()
        inbox = _read_in_background(conn)
        conn.send(("ready",))
        with bounded_vocab():
            while True:
                chunk = inbox.get()
                if chunk is None:
                    return  # told to stop, or the driver has gone
                started = time.perf_counter()
                results = run_chunk(chunk, board, limits)
                conn.send(("chunk", results, time.perf_counter() - started))
    except (BrokenPipeError, EOFError, KeyboardInterrupt):
        return


def _read_in_background(conn) -> queue.SimpleQueue:
    """The driver's messages, read by a thread as they come: the driver may be sending a large
    chunk (a long document travels in it) while this worker sends a large answer; were the
    worker to read only between chunks, both sends could fill their pipes and wait on each other
    for ever. Ends with None when the driver says stop or goes."""
    inbox: queue.SimpleQueue = queue.SimpleQueue()

    def read() -> None:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                message = None
            inbox.put(message)
            if message is None:
                return

    threading.Thread(target=read, name="capex-inbox", daemon=True).start()
    return inbox


def run_chunk(chunk: Chunk, board: ProgressBoard, limits: Limits) -> list[tuple[int, dict]]:
    """``(seq, {number: DocResult})`` for each task of ``chunk``, in order."""
    answers = []
    for task, skip in chunk:
        def starting(number: int, seq: int = task.seq) -> None:
            board.start(seq, number)

        answers.append((task.seq, dict(task_results(task, limits, skip=skip, on_start=starting))))
    board.idle()
    return answers
