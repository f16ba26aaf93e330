"""Bad input end to end: every messy file of a news dump through ``capex extract``.

Each case builds its own folder: one bad (or odd) file beside a good article. The run must
finish with exit code 0; a file that cannot be read gives exactly one ``errors.jsonl`` record
naming the file, the stage and the reason; a file that can be read gives its document; the
good article's facts and mentions are the same as when it runs alone; stderr has no traceback.
Cases that only concern reading one file in isolation are in tests/test_ingest.py.
"""
from __future__ import annotations

import codecs
import json
import os
import time
from pathlib import Path

import pytest

import pipeline.engines as engines
import pipeline.ingest as ingest
from pipeline.cli import main

GOOD = ("---\ntitle: 台积电扩大投资\ndate: 2025-02-01\n---\n"
        "台积电今年资本支出预计为400亿美元，同比增长约三成。\n微软将在2025财年投资800亿美元建设数据中心。\n")
BODY = "台积电今年资本支出预计为400亿美元，同比增长约三成。\n微软将在2025财年投资800亿美元建设数据中心。"
TRADITIONAL = "台積電今年資本支出預計為400億美元，年增約三成。\n微軟將在2025財年投資800億美元建設資料中心。"
OUTPUTS = ("documents", "facts", "mentions", "errors")


# --- helpers ------------------------------------------------------------------------------------
def extract(inputs, out: Path, *extra: str) -> int:
    args = ["extract", *(str(p) for p in ([inputs] if isinstance(inputs, (str, Path)) else inputs)),
            "--out", str(out), "--quiet", "--jobs", "1", *extra]
    return main(args)


def records(out: Path, name: str) -> list[dict]:
    path = out / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def by_doc(out: Path, name: str, doc_id: str) -> list[dict]:
    return [r for r in records(out, name) if r.get("doc_id") == doc_id]


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


@pytest.fixture(scope="module")
def alone(tmp_path_factory) -> Path:
    """The good article run on its own: what every mixed run must reproduce for it."""
    root = tmp_path_factory.mktemp("alone")
    write(root / "in" / "good.md", GOOD)
    assert extract(root / "in", root / "out") == 0
    assert records(root / "out", "facts"), "the good article must give facts for the comparison to mean something"
    return root / "out"


def assert_good_unchanged(out: Path, alone_out: Path, doc_id: str = "good") -> None:
    for name in ("facts", "mentions"):
        found = [{**r, "doc_id": "good"} for r in by_doc(out, name, doc_id)]
        assert found == by_doc(alone_out, name, "good"), name


def assert_clean_stderr(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err and 'File "' not in err
    return err


# --- files that cannot be read: one error record each -------------------------------------------
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4

UNREADABLE = [
    # (case, file name, content, stage, error_type, words in the message)
    ("zero-byte file", "empty.md", b"", "read", "EmptyFile", "empty file"),
    ("only whitespace", "blank.txt", b" \r\n\t \r\n", "read", "EmptyFile", "empty file"),
    ("PNG bytes named .md", "image.md", PNG, "decode", "BinaryContent", "PNG image"),
    ("PDF named .html", "page.html", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)), "decode",
     "BinaryContent", "PDF"),
    ("random binary with NUL bytes", "blob.txt", bytes(range(256)) * 8, "decode", "BinaryContent", "binary content"),
    ("HTML with no text", "markup.html", b"<html><head><script>var a = 1;</script></head><body></body></html>",
     "parse", "NoText", "found none"),
    ("front matter and nothing else", "fm.md", "---\ntitle: 标题\ndate: 2025-02-01\n---\n".encode(),
     "parse", "NoText", "found none"),
]


@pytest.mark.parametrize("case,name,content,stage,error_type,words", UNREADABLE, ids=[c[0] for c in UNREADABLE])
def test_unreadable_file_gives_one_error_and_the_rest_run(tmp_path, alone, capsys, case, name, content, stage,
                                                          error_type, words):
    write(tmp_path / "in" / "good.md", GOOD)
    bad = write(tmp_path / "in" / name, content)
    out = tmp_path / "out"
    assert extract(tmp_path / "in", out) == 0
    errors = records(out, "errors")
    assert len(errors) == 1, errors
    assert (errors[0]["path"], errors[0]["stage"], errors[0]["error_type"]) == (str(bad), stage, error_type)
    assert words in errors[0]["message"]
    assert [d["doc_id"] for d in records(out, "documents")] == ["good"]
    assert_good_unchanged(out, alone)
    err = assert_clean_stderr(capsys)
    assert "1 errors" in err and f"{stage}: 1" in err  # the summary says what could not be read
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["errors"] == 1 and run["error_kinds"] == {stage: 1} and run["documents"] == 1


def test_file_larger_than_max_bytes_is_a_limits_error(tmp_path, alone, capsys):
    write(tmp_path / "in" / "good.md", GOOD)
    big = write(tmp_path / "in" / "giant.html", _giant_page(20_000_000))
    out = tmp_path / "out"
    assert extract(tmp_path / "in", out) == 0  # default --max-bytes: 10 MB
    errors = records(out, "errors")
    assert [(e["path"], e["stage"], e["error_type"]) for e in errors] == [(str(big), "limits", "FileTooLarge")]
    assert "expected at most 10000000 bytes" in errors[0]["message"]
    assert_good_unchanged(out, alone)
    assert_clean_stderr(capsys)


def _giant_page(size: int) -> bytes:
    """A 20 MB news page as they come: mostly script and markup, the article in a few paragraphs."""
    head = "<!DOCTYPE html><html><head><title>台积电扩大投资</title>\n<script>\n".encode()
    tail = (f"</script></head><body><nav>首页</nav><h1>台积电扩大投资</h1>"
            f"<p>{BODY.splitlines()[0]}</p><p>{BODY.splitlines()[1]}</p></body></html>\n").encode()
    filler = b"var tracking = {id: 12345, list: [1, 2, 3], name: 'x<y'};\n"
    count = (size - len(head) - len(tail)) // len(filler) + 1
    return head + filler * count + tail


def test_twenty_megabyte_page_is_read_when_max_bytes_allows(tmp_path, capsys):
    page = write(tmp_path / "in" / "giant.html", _giant_page(20_000_000))
    assert page.stat().st_size > 20_000_000
    out = tmp_path / "out"
    began = time.perf_counter()
    assert extract(tmp_path / "in", out, "--max-bytes", "30000000") == 0
    assert time.perf_counter() - began < 60
    assert records(out, "errors") == []
    [document] = records(out, "documents")
    assert document["text"] == "首页\n台积电扩大投资\n" + BODY
    facts = records(out, "facts")
    assert sorted(tuple(f["companies"]) for f in facts) == [("Microsoft",), ("TSMC",)]
    assert_clean_stderr(capsys)


# --- a file that vanishes or loses read permission during the run --------------------------------
def _listed_then(action, target: str):
    """iter_inputs that does ``action(path)`` to ``target`` after the folder was listed, before reading."""
    real = engines.iter_inputs

    def listing(inputs):
        for path, root in real(inputs):
            if path.name == target:
                action(path)
            yield path, root
    return listing


def test_file_that_vanishes_after_listing(tmp_path, alone, monkeypatch, capsys):
    write(tmp_path / "in" / "good.md", GOOD)
    gone = write(tmp_path / "in" / "gone.md", GOOD)
    monkeypatch.setattr(engines, "iter_inputs", _listed_then(Path.unlink, "gone.md"))
    out = tmp_path / "out"
    assert extract(tmp_path / "in", out) == 0
    errors = records(out, "errors")
    assert [(e["path"], e["stage"], e["error_type"]) for e in errors] == [(str(gone), "read", "FileNotFoundError")]
    assert "cannot read" in errors[0]["message"]
    assert_good_unchanged(out, alone)
    assert_clean_stderr(capsys)


def test_file_that_loses_read_permission(tmp_path, alone, monkeypatch, capsys):
    write(tmp_path / "in" / "good.md", GOOD)
    locked = write(tmp_path / "in" / "locked.md", GOOD)
    real_open = open

    def guarded_open(file, *args, **kwargs):  # chmod 000 does not stop root: refuse like the OS would
        if Path(file) == locked:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(ingest, "open", guarded_open, raising=False)
    out = tmp_path / "out"
    assert extract(tmp_path / "in", out) == 0
    errors = records(out, "errors")
    assert [(e["path"], e["stage"], e["error_type"]) for e in errors] == [(str(locked), "read", "PermissionError")]
    assert_good_unchanged(out, alone)
    assert_clean_stderr(capsys)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_unreadable_file_for_real(tmp_path, alone, capsys):
    write(tmp_path / "in" / "good.md", GOOD)
    locked = write(tmp_path / "in" / "locked.md", GOOD)
    locked.chmod(0)
    out = tmp_path / "out"
    try:
        assert extract(tmp_path / "in", out) == 0
    finally:
        locked.chmod(0o644)
    assert [e["error_type"] for e in records(out, "errors")] == ["PermissionError"]
    assert_good_unchanged(out, alone)


# --- a .jsonl feed with one broken line ---------------------------------------------------------
def _feed_line(record_id: str, text: str) -> str:
    return json.dumps({"id": record_id, "text": text, "date": "2025-02-01"}, ensure_ascii=False)


def test_jsonl_with_one_broken_line(tmp_path, capsys):
    good_lines = [_feed_line("a", BODY), _feed_line("b", TRADITIONAL)]
    write(tmp_path / "clean" / "feed.jsonl", "\n".join(good_lines) + "\n")
    feed = write(tmp_path / "in" / "feed.jsonl",
                 "\n".join([good_lines[0], '{"id": "c", "text": "没有闭合', good_lines[1]]) + "\n")
    assert extract(tmp_path / "clean", tmp_path / "clean_out") == 0
    out = tmp_path / "out"
    assert extract(tmp_path / "in", out) == 0
    errors = records(out, "errors")
    assert [(e["path"], e["stage"], e["error_type"]) for e in errors] == [(str(feed), "parse", "JSONDecodeError")]
    assert errors[0]["message"].startswith("line 2:") and "invalid JSON" in errors[0]["message"]
    for doc_id in ("feed/a", "feed/b"):
        for name in ("facts", "mentions"):
            assert by_doc(out, name, doc_id) == by_doc(tmp_path / "clean_out", name, doc_id)
    assert by_doc(out, "facts", "feed/a") and by_doc(out, "facts", "feed/b")
    assert_clean_stderr(capsys)


def test_jsonl_line_with_a_lone_surrogate_escape(tmp_path, capsys):
    """JSON can escape half a surrogate pair; no UTF-8 output can hold it: replaced, with a warning."""
    line = json.dumps({"id": "s", "title": "标题\ud800", "text": BODY + "\udc00", "date": "2025-02-01"})
    assert "\\ud800" in line and "\\udc00" in line
    write(tmp_path / "in" / "feed.jsonl", "\n".join([line, _feed_line("b", BODY)]) + "\n")
    out = tmp_path / "out"
    assert extract(tmp_path / "in", out) == 0
    assert records(out, "errors") == []
    doc = by_doc(out, "documents", "feed/s")[0]
    assert doc["title"] == "标题\ufffd" and doc["text"].endswith("\ufffd")
    assert any("2 lone surrogate" in w for w in doc["warnings"])
    assert by_doc(out, "facts", "feed/s") == [dict(f, doc_id="feed/s") for f in by_doc(out, "facts", "feed/b")]
    assert_clean_stderr(capsys)


# --- files that are odd but readable: a document, no error, the same facts ------------------------
def _fm(body: str) -> str:
    title = "台積電擴大投資" if body == TRADITIONAL else "台积电扩大投资"
    return f"---\ntitle: {title}\ndate: 2025-02-01\n---\n{body}\n"


READABLE = [
    # (case, file name, content, expected encoding or None, a warning's words or None)
    ("GB18030", "gb.md", _fm(BODY).encode("gb18030"), "gb18030", None),
    ("Big5", "big5.md", _fm(TRADITIONAL).encode("big5"), "big5", None),
    ("UTF-16 with BOM", "u16.md", codecs.BOM_UTF16_LE + _fm(BODY).encode("utf-16-le"), "utf-16", None),
    ("UTF-16 BE with BOM", "u16be.md", codecs.BOM_UTF16_BE + _fm(BODY).encode("utf-16-be"), "utf-16", None),
    ("UTF-8 with BOM", "bom.md", codecs.BOM_UTF8 + _fm(BODY).encode("utf-8"), "utf-8", None),
    ("CRLF line ends", "crlf.md", _fm(BODY).replace("\n", "\r\n").encode("utf-8"), "utf-8", None),
    ("CR line ends", "cr.md", _fm(BODY).replace("\n", "\r").encode("utf-8"), "utf-8", None),
    ("zero-width and control characters", "zw.md",
     _fm(BODY.replace("台积电", "台\u200b积\u200d电\x07").replace("微软", "微\ufeff软\x00\x1b")).encode("utf-8"),
     "utf-8", None),
]


@pytest.mark.parametrize("case,name,content,encoding,warning", READABLE, ids=[c[0] for c in READABLE])
def test_readable_variants_give_the_same_facts(tmp_path, capsys, case, name, content, encoding, warning):
    """The same article in another encoding or with other line ends / invisible characters."""
    text = TRADITIONAL if name == "big5.md" else BODY
    write(tmp_path / "ref" / name, _fm(text))  # the same article as clean UTF-8, same doc_id
    assert extract(tmp_path / "ref", tmp_path / "ref_out") == 0
    write(tmp_path / "in" / name, content)
    out = tmp_path / "out"
    assert extract(tmp_path / "in", out) == 0
    assert records(out, "errors") == []
    [document] = records(out, "documents")
    assert document["text"] == text and document["encoding"] == encoding and document["date"] == "2025-02-01"
    doc_id = Path(name).stem
    assert by_doc(out, "facts", doc_id) and by_doc(out, "facts", doc_id) == by_doc(tmp_path / "ref_out", "facts", doc_id)
    assert by_doc(out, "mentions", doc_id) == by_doc(tmp_path / "ref_out", "mentions", doc_id)
    assert_clean_stderr(capsys)


ODD = [
    # (case, file name, content, a warning's words or None, text check)
    ("invalid UTF-8 bytes mid-article", "bad_utf8.md",
     _fm(BODY).encode("utf-8").replace("微软".encode(), b"\xff\xfe" + "微软".encode()),
     "invalid UTF-8", "\ufffd"),
    ("unclosed front matter", "unclosed_fm.md", f"---\ntitle: 标题\ndate: 2025-02-01\n{BODY}\n".encode(),
     "closing", None),
    ("malformed YAML front matter", "bad_yaml.md",
     f'---\ntitle: "未闭合\ndate: 2025-02-01\n: [\n---\n{BODY}\n'.encode(), "YAML", None),
    ("non-date date", "bad_date.md", f"---\ntitle: t\ndate: 明天上午\n---\n{BODY}\n".encode(),
     "expected a date", None),
    ("unclosed HTML", "unclosed.html",
     f"<div><p>{BODY.splitlines()[0]}<p>{BODY.splitlines()[1]}<table><tr><td><span><a href='x".encode(),
     None, None),
    ("10,000 levels of nesting", "nested.html",
     ("<div>" * 10_000 + f"<p>{BODY.splitlines()[0]}</p>" + "</div>" * 10_000).encode("utf-8"), None, None),
    ("emoji, combining marks, full-width punctuation", "symbols.md",
     _fm(BODY + "\n市场反应🚀🔥：ｅ\u0301ａ\u0301！？（完）").encode("utf-8"), None, "🚀"),
    ("a line of 990,000 digits", "digits.txt", (BODY + "\n" + "7" * 990_000 + "\n").encode("utf-8"), None, "7" * 1000),
    ("a 1 MB line of digits", "digits_1mb.txt", (BODY + "\n" + "7" * 1_000_000 + "\n").encode("utf-8"),
     None, "7" * 1000),
]


@pytest.mark.parametrize("case,name,content,warning,contains", ODD,
                         ids=[c.values[0] if hasattr(c, "marks") else c[0] for c in ODD])
def test_odd_files_are_read_with_a_warning_at_most(tmp_path, alone, capsys, case, name, content, warning, contains):
    write(tmp_path / "in" / "good.md", GOOD)
    write(tmp_path / "in" / name, content)
    out = tmp_path / "out"
    began = time.perf_counter()
    assert extract(tmp_path / "in", out) == 0
    assert time.perf_counter() - began < 30
    assert records(out, "errors") == []
    doc_id = Path(name).stem
    [document] = by_doc(out, "documents", doc_id)
    if warning:
        assert any(warning in w for w in document["warnings"]), document["warnings"]
    if contains:
        assert contains in document["text"]
    texts = {d["doc_id"]: d["text"] for d in records(out, "documents")}
    for mention in records(out, "mentions"):
        start, end = mention["span"]
        assert texts[mention["doc_id"]][start:end] == mention["text"]
    assert by_doc(out, "facts", doc_id), "the capex sentence in the odd file is still read"
    assert_good_unchanged(out, alone)
    assert_clean_stderr(capsys)


# --- folders ------------------------------------------------------------------------------------
@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loop_in_the_input_folder(tmp_path, alone, capsys):
    write(tmp_path / "in" / "news" / "good.md", GOOD)
    os.symlink(tmp_path / "in" / "news", tmp_path / "in" / "news" / "loop")
    os.symlink(tmp_path / "in", tmp_path / "in" / "news" / "up")
    out = tmp_path / "out"
    assert extract(tmp_path / "in", out) == 0
    assert records(out, "errors") == []
    assert [d["doc_id"] for d in records(out, "documents")] == ["news/good"]
    assert_good_unchanged(out, alone, "news/good")
    assert_clean_stderr(capsys)


def test_folder_without_articles(tmp_path, capsys):
    write(tmp_path / "in" / "notes.pdf", b"%PDF-1.4")
    write(tmp_path / "in" / "README.md", "说明")
    (tmp_path / "in" / "empty").mkdir()
    out = tmp_path / "out"
    assert extract(tmp_path / "in", out) == 0  # the run completed: there was nothing to do
    for name in OUTPUTS:
        assert records(out, name) == []
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert (run["documents"], run["errors"], run["files"]) == (0, 0, 0)
    assert "no articles found" in assert_clean_stderr(capsys)


def test_missing_input_is_a_usage_error(tmp_path, capsys):
    assert extract(tmp_path / "nope", tmp_path / "out") == 2
    err = assert_clean_stderr(capsys)
    assert "input not found" in err


# --- absurd amounts -----------------------------------------------------------------------------
ABSURD = "---\ntitle: t\ndate: 2025-02-01\n---\n甲公司计划投资1000000000000亿元建设工厂。\n" + BODY + "\n"


def test_absurd_amount_is_not_emitted(tmp_path, capsys):
    write(tmp_path / "in" / "absurd.md", ABSURD)
    out = tmp_path / "out"
    assert extract(tmp_path / "in", out) == 0
    assert records(out, "errors") == []
    money = [m for m in records(out, "mentions") if m["type"] == "money"]
    assert [m["text"] for m in money] == ["400亿美元", "800亿美元"]
    assert all(m["value"] <= 10 ** 16 for m in money)
    assert all((f["amount"] or {}).get("value", 0) <= 10 ** 16 for f in records(out, "facts"))
    assert_clean_stderr(capsys)


def test_absurd_amount_reason_is_in_the_document_warnings(tmp_path):
    write(tmp_path / "in" / "absurd.md", ABSURD)
    out = tmp_path / "out"
    assert extract(tmp_path / "in", out) == 0
    [document] = records(out, "documents")
    assert any("1000000000000亿元" in w and "absurd" in w for w in document["warnings"]), document["warnings"]


# --- determinism --------------------------------------------------------------------------------
def _mixed_folder(root: Path) -> Path:
    folder = root / "mixed"
    write(folder / "good.md", GOOD)
    for case, name, content, *_ in UNREADABLE + READABLE + ODD[:-2]:
        write(folder / name, content)
    write(folder / "feed.jsonl", "\n".join([_feed_line("a", BODY), "{broken", _feed_line("b", TRADITIONAL)]) + "\n")
    write(folder / "absurd.md", ABSURD)
    return folder


def test_two_runs_on_a_mixed_folder_are_byte_identical(tmp_path, capsys):
    folder = _mixed_folder(tmp_path)
    first, second, parallel = tmp_path / "first", tmp_path / "second", tmp_path / "parallel"
    assert extract(folder, first) == 0
    assert extract(folder, second) == 0
    assert main(["extract", str(folder), "--out", str(parallel), "--quiet", "--jobs", "2"]) == 0
    for name in OUTPUTS:
        data = (first / f"{name}.jsonl").read_bytes()
        assert data == (second / f"{name}.jsonl").read_bytes(), name
        assert data == (parallel / f"{name}.jsonl").read_bytes(), name
    assert len(records(first, "errors")) == len(UNREADABLE) + 1  # + the broken feed line
    assert_clean_stderr(capsys)


def test_money_recogniser_gives_the_reason_for_an_absurd_amount():
    from pipeline.recognize.money import find_money

    rejected: list[dict] = []
    text = "甲公司投资1000000000000亿元，乙公司投资5亿元。"
    assert [m.text for m in find_money(text, rejected=rejected)] == ["5亿元"]
    assert [(r["text"], r["start"], r["end"]) for r in rejected] == [("1000000000000亿元", 5, 20)]
    assert "expected at most 1E+16" in rejected[0]["reason"]
    doc = pipeline_doc(text)
    assert [r["text"] for r in doc._.rejected] == ["1000000000000亿元"]


def pipeline_doc(text: str):
    import pipeline

    return pipeline.load()(text)


def test_stray_nul_bytes_are_removed_not_binary():
    from pipeline.encoding import DecodeProblem, decode_bytes

    decoded = decode_bytes(BODY.encode("utf-8") + b"\x00" + BODY.encode("utf-8"))
    assert decoded.text == BODY + "\x00" + BODY or decoded.text == BODY + BODY
    assert any("NUL" in w for w in decoded.warnings)
    with pytest.raises(DecodeProblem):
        decode_bytes(bytes(range(256)) * 8)  # NULs in binary stay binary
