"""The local engine: tasks in this process (``jobs == 1``) or in a pool of worker processes
(:mod:`pipeline.engines.pool`), results in task order either way."""
from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterable, Iterator

from pipeline.emit import DocResult
from pipeline.engines import Limits, Task, bounded_vocab, run_task, unfreeze, warm_up
from pipeline.engines.pool import Pool


class LocalEngine:
    name = "local"

    def __init__(self, jobs: int, limits: Limits):
        self.jobs = max(1, int(jobs))
        self.limits = limits
        # seconds from the start until the pipeline was loaded (in every worker): the part of a
        # run's time that does not grow with the number of documents; None until known
        self.load_seconds: float | None = None
        self._pool: Pool | None = None

    def run(self, tasks: Iterable[Task]) -> Iterator[list[tuple[Task, list[DocResult]]]]:
        if self.jobs == 1:
            yield from self._serial(tasks)
            return
        self.close()
        pool = self._pool = Pool(self.jobs, self.limits)
        try:
            yield from pool.run(tasks)
        except BaseException:  # stopped early (an error, Ctrl-C, the caller closed it): end the pool now
            self.close()
            raise
        finally:
            self.load_seconds = pool.load_seconds
        # done: the workers were told to stop with the last results and are exiting (~10 ms each,
        # while the kernel frees their memory); ``close`` waits for them, after the caller's
        # own last steps (committing the output files)

    def close(self) -> None:
        """End the pool of the last run, if any (waits for its workers)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    def _serial(self, tasks: Iterable[Task]) -> Iterator[list[tuple[Task, list[DocResult]]]]:
        frozen_before = gc.get_freeze_count()
        started = time.perf_counter()
        warm_up()  # freezes the loaded objects out of the garbage collector's way (warm_up)
        self.load_seconds = time.perf_counter() - started
        try:
            with bounded_vocab():
                for task in tasks:
                    yield [(task, run_task(task, self.limits))]
        finally:
            if not frozen_before:  # this is the caller's process: its objects are collected as before
                unfreeze()


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)
