"""The Dask engine on a LocalCluster writes the same files as the local engine."""
from __future__ import annotations

import pytest

from pipeline.batch import run_batch
from tests.conftest import SAMPLES

pytest.importorskip("distributed")

OUTPUTS = ("documents", "facts", "mentions", "errors")


def test_dask_output_equals_local_output(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "broken.md").write_bytes(b"")  # an ingest error travels through the engine too
    (inputs / "feed.jsonl").write_text(
        '{"id": "a", "date": "2025-02-01", "text": "微软今年资本支出800亿美元。"}\n'
        '{"id": "b", "text": "台积电今年资本支出预计为400亿美元。"}\n', encoding="utf-8")
    local, dask = tmp_path / "local", tmp_path / "dask"
    run_batch([SAMPLES, inputs], local, jobs=1, quiet=True)
    from distributed import LocalCluster

    # worker threads in this process (the pipeline is loaded once, here); two of them, so that
    # partitions finish out of order and the driver has to put them back in order
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        summary = run_batch([SAMPLES, inputs], dask, quiet=True, engine="dask",
                            scheduler=cluster.scheduler_address)
    for name in OUTPUTS:
        assert (dask / f"{name}.jsonl").read_bytes() == (local / f"{name}.jsonl").read_bytes(), name
    assert summary.documents > 10 and summary.errors == 1
