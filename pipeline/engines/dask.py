"""The Dask engine: the same tasks on a dask.distributed cluster.

``DaskEngine(scheduler="tcp://HOST:PORT")`` connects to a running scheduler; without one it
starts a ``LocalCluster`` (``jobs`` worker processes, one thread each). Tasks are partitioned
into batches of ``batch_size``; each batch runs as one Dask task that calls :func:`run_batch_part`
on a worker, where the pipeline is loaded once per worker process and kept. Results come back
to the driver, which writes them in input order into the same files as a local run, so the
output is the same whatever the cluster.

Workers need this package installed (``pip install 'capex-pipeline[dask]'``) and must be able
to read the input files under the same paths (shared storage); documents from ``.jsonl``
inputs travel with the task instead. The per-document timeout needs the worker's main thread
(SIGALRM); Dask runs tasks in worker threads, so on a cluster it is not enforced: use Dask's
own worker lifetime settings for runaway tasks.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator

from pipeline.emit import DocResult
from pipeline.engines import Limits, Task, bounded_vocab, run_task, warm_up


def run_batch_part(tasks: list[Task], limits: Limits) -> list[list[DocResult]]:
    """Run on a worker: the results of each task of one partition (the pipeline loads once)."""
    warm_up()
    with bounded_vocab():
        return [run_task(task, limits) for task in tasks]


class DaskEngine:
    name = "dask"

    def __init__(self, limits: Limits, scheduler: str | None = None, jobs: int = 1,
                 batch_size: int = 16, in_flight: int | None = None):
        self.limits = limits
        self.scheduler = scheduler
        self.jobs = max(1, int(jobs))
        self.batch_size = batch_size
        self.in_flight = in_flight

    def _client(self):
        try:
            from distributed import Client, LocalCluster
        except ImportError as error:  # pragma: no cover - depends on the extra
            raise RuntimeError("the dask engine needs dask.distributed: pip install 'capex-pipeline[dask]'") \
                from error
        if self.scheduler:
            return Client(self.scheduler), None
        cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        return Client(cluster), cluster

    def run(self, tasks: Iterable[Task]) -> Iterator[list[tuple[Task, list[DocResult]]]]:
        client, cluster = self._client()
        try:
            workers = max(1, sum(client.nthreads().values()))
            limit = self.in_flight or 2 * workers
            futures: deque = deque()
            for batch in _batches(tasks, self.batch_size):
                futures.append((batch, client.submit(run_batch_part, batch, self.limits, pure=False)))
                while len(futures) >= limit:
                    yield _results(*futures.popleft())
            while futures:
                yield _results(*futures.popleft())
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


    def close(self) -> None:
        """Nothing to end: ``run`` closes its client (and the cluster it started) as it finishes."""


def _results(batch: list[Task], future) -> list[tuple[Task, list[DocResult]]]:
    results = future.result()
    future.release()
    return list(zip(batch, results))


def _batches(tasks: Iterable[Task], size: int) -> Iterator[list[Task]]:
    batch: list[Task] = []
    for task in tasks:
        batch.append(task)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
