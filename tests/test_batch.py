"""Batch runs: order across --jobs, resume after a real kill, per-document limits, progress output."""
from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline import engines
from pipeline.batch import run_batch
from pipeline.cli import main
from pipeline.engines import Limits, pool
from tests.conftest import ROOT, SAMPLES

OUTPUTS = ("documents", "facts", "mentions", "errors")
CAPEX = [str(ROOT / ".venv" / "bin" / "capex")] if (ROOT / ".venv" / "bin" / "capex").exists() \
    else [sys.executable, "-m", "pipeline"]


def _outputs(folder: Path) -> dict[str, bytes]:
    return {name: (folder / f"{name}.jsonl").read_bytes() for name in OUTPUTS}


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """60 short articles in 3 folders plus a .jsonl of 20 more: enough to interrupt mid-run."""
    root = tmp_path_factory.mktemp("corpus")
    names = ["亚马逊", "微软", "台积电", "三星电子", "英特尔", "谷歌"]
    for i in range(60):
        folder = root / f"f{i // 20}"
        folder.mkdir(exist_ok=True)
        name = names[i % len(names)]
        (folder / f"a{i:03d}.md").write_text(
            f"---\ntitle: t{i}\ndate: 2025-0{1 + i % 9}-15\n---\n"
            f"{name}今年资本支出预计为{100 + i}亿美元，同比增长{5 + i % 30}%。\n"
            f"该公司表示，将在2026年投资{20 + i}亿元建设数据中心。\n", encoding="utf-8")
    lines = [json.dumps({"id": f"n{i}", "date": "2024-05-01",
                         "text": f"{names[i % 6]}去年资本开支为{300 + i}亿元，较上年增长{i % 7}成。"},
                        ensure_ascii=False) for i in range(20)]
    (root / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def clean_run(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    run_batch([corpus], out, jobs=1, quiet=True)
    return out


def test_output_order_does_not_depend_on_jobs(corpus, clean_run, tmp_path):
    run_batch([corpus], tmp_path / "j2", jobs=2, quiet=True)
    assert _outputs(tmp_path / "j2") == _outputs(clean_run)
    doc_ids = [d["doc_id"] for d in _jsonl(clean_run / "documents.jsonl")]
    assert doc_ids[0] == "f0/a000" and doc_ids[-1] == "feed/n19" and len(doc_ids) == 80
    assert not list(tmp_path.glob("j2/*.partial"))


def _run_until_killed(corpus: Path, out: Path, sig: int, jobs: int, after_entries: int) -> None:
    """Start `capex extract` and kill it once the journal shows ``after_entries`` inputs done."""
    process = subprocess.Popen(CAPEX + ["extract", str(corpus), "--out", str(out), "--jobs", str(jobs), "--quiet"],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    journal = out / ".capex-journal.jsonl"
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if journal.exists() and journal.read_bytes().count(b"\n") > after_entries:
                break
            time.sleep(0.01)
        assert process.poll() is None, "the run ended before it could be interrupted"
        os.killpg(process.pid, sig)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert not (out / "facts.jsonl").exists()  # nothing committed: the run really was cut short
    assert (out / "facts.jsonl.partial").exists()


@pytest.mark.parametrize("sig, jobs", [(signal.SIGKILL, 1), (signal.SIGINT, 2)])
def test_resume_after_a_real_interruption_gives_identical_files(corpus, clean_run, tmp_path, sig, jobs):
    out = tmp_path / "out"
    _run_until_killed(corpus, out, sig, jobs, after_entries=10)
    # a killed writer may leave half a record after the last journalled input
    with (out / "mentions.jsonl.partial").open("ab") as partial:
        partial.write(b'{"doc_id": "half a rec')
    done = subprocess.run(CAPEX + ["extract", str(corpus), "--out", str(out), "--jobs", str(jobs), "--resume"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "kept from the earlier run" in done.stderr
    assert _outputs(out) == _outputs(clean_run)
    assert json.loads((out / "run.json").read_text())["documents"] == 80
    assert not list(out.glob("*.partial"))


def test_resume_on_a_complete_folder_does_nothing_new(corpus, clean_run, tmp_path):
    out = tmp_path / "out"
    run_batch([corpus], out, jobs=1, quiet=True)
    before = _outputs(out)
    run_json = (out / "run.json").read_bytes()
    summary = run_batch([corpus], out, jobs=1, quiet=True, resume=True)
    assert summary.new == 0 and summary.resumed == 80 and summary.documents == 80
    assert _outputs(out) == before == _outputs(clean_run)
    assert (out / "run.json").read_bytes() == run_json


def test_resume_checks_the_bytes_not_the_journal(corpus, clean_run, tmp_path):
    out = tmp_path / "out"
    run_batch([corpus], out, jobs=1, quiet=True)
    facts = out / "facts.jsonl"
    data = bytearray(facts.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 1] = b"#"  # damage a record in the middle
    facts.write_bytes(bytes(data))
    summary = run_batch([corpus], out, jobs=1, quiet=True, resume=True)
    assert 0 < summary.resumed < 80 and summary.new == 80 - summary.resumed
    assert _outputs(out) == _outputs(clean_run)


def test_resume_with_other_inputs_is_a_usage_error(corpus, tmp_path):
    out = tmp_path / "out"
    assert main(["extract", str(SAMPLES), "--out", str(out), "--quiet", "--jobs", "1"]) == 0
    before = _outputs(out)
    assert main(["extract", str(corpus), "--out", str(out), "--quiet", "--resume", "--jobs", "1"]) == 2
    assert _outputs(out) == before  # the folder is left as it was


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_hanging_document_times_out_and_the_batch_goes_on(tmp_path, monkeypatch, jobs):
    articles = tmp_path / "in"
    articles.mkdir()
    for i, text in enumerate(["微软今年资本支出800亿美元。", "HANG-HERE 亚马逊。", "台积电今年资本支出预计为400亿美元。"]):
        (articles / f"{i}.txt").write_text(text, encoding="utf-8")
    monkeypatch.setenv("CAPEX_TEST_HANG_MARKER", "HANG-HERE")
    started = time.monotonic()
    summary = run_batch([articles], tmp_path / "out", jobs=jobs, quiet=True, doc_timeout=1.5)
    assert time.monotonic() - started < 20
    [error] = _jsonl(tmp_path / "out" / "errors.jsonl")
    assert error["stage"] == "extract" and error["error_type"] == "DocumentTimeout"
    assert error["doc_id"] == "1" and error["path"].endswith("1.txt")
    assert summary.documents == 2 and summary.error_kinds == {"extract": 1}
    assert [f["companies"] for f in _jsonl(tmp_path / "out" / "facts.jsonl")] == [["Microsoft"], ["TSMC"]]


def test_a_hang_inside_a_feed_keeps_the_documents_after_it_in_order(tmp_path, monkeypatch):
    """Workers hold a second task while on the first: a timeout must not lose or reorder it."""
    names = ["微软", "亚马逊", "台积电", "英特尔", "谷歌", "三星电子", "美光", "甲骨文"]
    lines = [{"id": f"d{i}", "date": "2025-03-01",
              "text": ("HANG-HERE " if i == 2 else "") + f"{name}今年资本支出预计为{100 + i}亿美元。"}
             for i, name in enumerate(names)]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    monkeypatch.setenv("CAPEX_TEST_HANG_MARKER", "HANG-HERE")
    summary = run_batch([feed], tmp_path / "out", jobs=2, quiet=True, doc_timeout=1.5)
    [error] = _jsonl(tmp_path / "out" / "errors.jsonl")
    assert error["error_type"] == "DocumentTimeout" and error["doc_id"].endswith("d2")
    assert summary.documents == 7
    facts = _jsonl(tmp_path / "out" / "facts.jsonl")
    assert [f["amount"]["value"] for f in facts] == [(100 + i) * 10**8 for i in range(8) if i != 2]


def _misbehaving(how: str, real):
    """process_document, except that a document holding LOST-HERE kills its worker ("died") or
    gets stuck where the worker's own alarm cannot stop it ("stuck": SIGALRM blocked)."""
    def process(document, limits=None):
        if "LOST-HERE" in document.text:
            if how == "died":
                os._exit(3)
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(120)
        return real(document, limits or Limits())
    return process


@pytest.mark.skipif(not hasattr(os, "fork") or not hasattr(signal, "pthread_sigmask"),
                    reason="the pool's workers inherit the patched function by fork")
@pytest.mark.parametrize("how", ["died", "stuck"])
def test_a_lost_worker_costs_only_the_document_it_was_on(tmp_path, monkeypatch, how):
    """The driver's own safety net: it records the document a lost worker was on and hands the
    rest of the worker's chunks (documents before and after it) to a new worker, in order."""
    articles = tmp_path / "in"
    articles.mkdir()
    names = ["微软", "亚马逊", "台积电", "英特尔", "谷歌", "三星电子"]
    for i in range(12):
        (articles / f"a{i:02d}.txt").write_text(("LOST-HERE " if i == 3 else "") +
                                                f"{names[i % 6]}今年资本支出预计为{100 + i}亿美元。", encoding="utf-8")
    lines = [{"id": f"n{i}", "date": "2025-03-01",
              "text": ("LOST-HERE " if i == 9 else "") + f"{names[i % 6]}去年资本开支为{300 + i}亿元。"}
             for i in range(30)]
    (articles / "feed.jsonl").write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines),
                                         encoding="utf-8")
    run_batch([articles], tmp_path / "clean", jobs=1, quiet=True)
    monkeypatch.setattr(engines, "process_document", _misbehaving(how, engines.process_document))
    monkeypatch.setattr(pool, "GRACE_SECONDS", 0.5)
    summary = run_batch([articles], tmp_path / "out", jobs=2, quiet=True, doc_timeout=1.0)
    errors = _jsonl(tmp_path / "out" / "errors.jsonl")
    assert [e["error_type"] for e in errors] == [{"died": "WorkerDied", "stuck": "DocumentTimeout"}[how]] * 2
    assert [e["doc_id"] for e in errors] == ["a03", "feed/n9"]
    kept = [d for d in _jsonl(tmp_path / "clean" / "documents.jsonl") if d["doc_id"] not in ("a03", "feed/n9")]
    assert _jsonl(tmp_path / "out" / "documents.jsonl") == kept
    assert summary.documents == 40 and summary.errors == 2


def test_long_documents_in_a_feed_do_not_deadlock_the_pool(tmp_path):
    """A feed's documents travel to the workers in their chunks: the driver sending a chunk
    larger than a pipe holds while the worker sends back an answer larger than a pipe holds
    must not leave both waiting for ever (it did: the worker read only between chunks)."""
    filler = "本段文字只为把文件撑大，不含任何数字。" * 10000  # ~570 KB of UTF-8 each way
    lines = [{"id": f"big{i}", "date": "2025-03-01", "text": filler + f"微软今年资本支出预计为{100 + i}亿美元。"}
             for i in range(4)]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run(CAPEX + ["extract", str(feed), "--out", str(out), "--jobs", "2", "--quiet"],
                          timeout=180, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert [f["amount"]["value"] for f in _jsonl(out / "facts.jsonl")] == [(100 + i) * 10**8 for i in range(4)]


def test_the_workers_exit_once_every_task_is_answered(corpus):
    """The pool tells its workers to stop before it hands on the last results: they exit while
    the driver writes those and commits the files, not after."""
    workers = pool.Pool(2, Limits())
    try:
        tasks = list(engines.iter_tasks([corpus], Limits().max_bytes))
        handed_on = 0
        for finished in workers.run(tasks):
            assert all(results for _, results in finished)
            handed_on += len(finished)
            if handed_on == len(tasks):  # the last results, the pool not closed yet
                for worker in workers.workers:
                    worker.process.join(timeout=10)
                    assert worker.process.exitcode == 0
    finally:
        workers.close()


def test_documents_over_max_bytes_are_recorded(tmp_path):
    articles = tmp_path / "in"
    articles.mkdir()
    (articles / "big.txt").write_text("微软" * 600, encoding="utf-8")
    (articles / "small.txt").write_text("微软今年资本支出800亿美元。", encoding="utf-8")
    (articles / "feed.jsonl").write_text(json.dumps({"id": "x", "text": "亚马逊" * 400}, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    summary = run_batch([articles], tmp_path / "out", jobs=1, quiet=True, max_bytes=1000)
    errors = _jsonl(tmp_path / "out" / "errors.jsonl")
    assert [(Path(e["path"]).name, e["stage"], e["error_type"]) for e in errors] == [
        ("big.txt", "limits", "FileTooLarge"), ("feed.jsonl", "limits", "DocumentTooLarge")]
    assert summary.documents == 1


def test_progress_line_when_stderr_is_not_a_terminal(corpus, tmp_path, capsys):
    run_batch([corpus], tmp_path / "out", jobs=1, progress_every=0.0)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("capex: ")]
    assert lines and "/80 documents" in lines[-1] and "docs/s" in lines[-1] and "0 errors" in lines[-1]
    assert "ETA" in lines[0]


def test_quiet_prints_nothing(corpus, tmp_path, capsys):
    assert main(["extract", str(corpus), "--out", str(tmp_path / "out"), "--quiet", "--jobs", "1"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_bad_limits_are_usage_errors(tmp_path):
    for flag, value in (("--jobs", "0"), ("--doc-timeout", "-1"), ("--max-bytes", "0")):
        assert main(["extract", str(SAMPLES), "--out", str(tmp_path), flag, value, "--quiet"]) == 2
    assert main(["extract", str(SAMPLES), "--out", str(tmp_path), "--scheduler", "tcp://x:1", "--quiet"]) == 2


@pytest.mark.parametrize("jobs", [1, 2])
def test_run_json_tells_loading_apart_from_the_run(corpus, tmp_path, jobs):
    summary = run_batch([corpus], tmp_path / "out", jobs=jobs, quiet=True)
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert 0 < run["load_seconds"] <= run["seconds"]
    assert summary.load_seconds == pytest.approx(run["load_seconds"], abs=0.001)


def test_inputs_written_together_give_the_files_and_journal_of_one_at_a_time(tmp_path):
    """write_entries writes a burst of inputs with one write per file: the bytes, the journal and
    what a resume confirms are those of writing the inputs one by one."""
    from pipeline.emit import DocResult, OutputWriter, confirmed_entries

    def results(i: int) -> list[DocResult]:
        return [DocResult.from_records({"documents": [{"doc_id": f"d{i}.{n}"}], "facts": [{"v": i}] * (i % 3),
                                        "errors": [{"e": i}] if i % 4 == 0 else []}) for n in range(1 + i % 2)]
    inputs = [(f"file:a{i}", results(i)) for i in range(9)]
    one_by_one, together = OutputWriter(tmp_path / "one"), OutputWriter(tmp_path / "together")
    for item in inputs:
        one_by_one.write_entries([item])
    together.write_entries(inputs[:4])
    together.write_entries(inputs[4:])
    for writer in (one_by_one, together):
        writer.close()
    for name in ("documents.jsonl.partial", "facts.jsonl.partial", "errors.jsonl.partial", ".capex-journal.jsonl"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "together" / name).read_bytes(), name
    assert [e.key for e in confirmed_entries(tmp_path / "together")] == [key for key, _ in inputs]


def test_doc_result_lines_are_the_dumps_of_each_record():
    """A result's lines are the UTF-8 of dumps() per record, also where orjson refuses (big int)."""
    from pipeline.emit import DocResult, dumps

    records = {"facts": [{"v": 2 ** 70, "t": "资本支出"}, {"v": 1.5, "t": None}], "errors": []}
    result = DocResult.from_records(records)
    assert result.lines == {"facts": "".join(dumps(r) + "\n" for r in records["facts"]).encode("utf-8")}
    assert result.counts == {"facts": 2}


def test_a_lone_surrogate_is_written_as_its_json_escape():
    """UTF-8 cannot hold half a surrogate pair; the line keeps it as a JSON escape, which reads back."""
    from pipeline.emit import DocResult

    line = DocResult.from_records({"facts": [{"t": "a\ud800b"}]}).lines["facts"]
    assert line == b'{"t":"a\\ud800b"}\n'
    assert json.loads(line) == {"t": "a\ud800b"}


def test_records_orjson_refuses_are_written_as_dumps_bytes_writes_them():
    """from_records calls orjson itself; a record it refuses (an int beyond 64 bits) sends the
    whole list through dumps_bytes: the same bytes either way."""
    from pipeline.emit import DocResult, dumps_bytes

    plain, huge = {"doc_id": "a", "value": 1, "text": "甲"}, {"doc_id": "a", "value": 2 ** 70}
    result = DocResult.from_records({"mentions": [plain, huge], "facts": [], "documents": [plain]})
    assert result.lines == {"mentions": dumps_bytes(plain) + b"\n" + dumps_bytes(huge) + b"\n",
                            "documents": dumps_bytes(plain) + b"\n"}
    assert result.counts == {"mentions": 2, "documents": 1}


WARM_TWICE = """
import gc
from pipeline.engines import warm_up
warm_up()
frozen = gc.get_freeze_count()
in_flight = [[number] for number in range(1000)]  # another thread's document, say
warm_up()
print(frozen > 10_000, gc.get_freeze_count() == frozen, gc.isenabled())
"""


def test_warm_up_freezes_the_loaded_pipeline_once():
    """The pipeline's objects leave the collector's generations on the first warm_up; a later one
    (a Dask worker's next partition) freezes nothing more, and the collector runs again after each."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", WARM_TWICE], env=env, cwd=ROOT, check=True,
                          capture_output=True, text=True)
    assert done.stdout.split() == ["True", "True", "True"]


def test_every_in_process_run_works_on_a_frozen_pipeline():
    """A run at jobs=1 unfreezes the caller's process when it ends; the next run freezes the
    pipeline again (it did not: warm_up remembered the first freeze and skipped)."""
    from pipeline.engines.local import LocalEngine

    for _ in range(2):
        frozen = [gc.get_freeze_count() for _ in LocalEngine(1, Limits()).run(engines.iter_tasks([SAMPLES], 10**7))]
        assert min(frozen) > 10_000
        assert gc.get_freeze_count() == 0
