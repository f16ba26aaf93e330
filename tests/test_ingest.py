"""Ingest: formats, front matter, HTML cleaning, encodings, limits, folders and doc_id rules."""
from __future__ import annotations

import codecs
import datetime as dt
import json
import os
import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document import Document
from pipeline.encoding import decode_bytes, guess_script
from pipeline.ingest import IngestError, read_path
from pipeline.ingest_document import document_from_text
from pipeline.ingest_meta import date_from_url, guess_locale, parse_date
from pipeline.inputs import iter_inputs

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "ingest.yaml").read_text(encoding="utf-8"))
SHARED = Path(__file__).resolve().parents[1].parent / "shared"

SEED_LIKE = """---
layout: post
title: "甲公司维持高水平AI投资"
date: 2025-02-08T02:20:30.000Z
author: 某记者
from: https://news.example.com/industry/57974-2025-02-08-11-20-30.html
tags: [ 某报 ]
---
<!--1738981230000-->
[甲公司维持高水平AI投资](https://news.example.com/industry/57974-2025-02-08-11-20-30.html)
------

<div>
<table border="0" style="border-collapse: collapse; width: 34.7567%; height: 357px;"><tbody>\
<tr><td><span style="font-size: 8pt;"><img src="https://img.example.com/a.jpg" width="600"></span></td></tr>\
<tr><td style="text-align: center;"><strong><span>甲公司的CEO（reuters）</span></strong></td></tr>\
</tbody></table><p>  </p><p>\u3000 \u3000甲公司将继续对AI基础设施进行巨额投资。设备投资达到约2450亿美元。</p>\
<p>   第二段。</p><br><p>   <strong>某报记者 硅谷</strong></p><p> </p>\
<strong>版权声明：某报社版权所有，未经授权不得转载或部分复制，违者必究。</strong>
</div>
"""
SEED_TEXT = ("甲公司维持高水平AI投资\n甲公司的CEO（reuters）\n"
             "甲公司将继续对AI基础设施进行巨额投资。设备投资达到约2450亿美元。\n第二段。\n某报记者 硅谷\n"
             "版权声明：某报社版权所有，未经授权不得转载或部分复制，违者必究。")


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def read_one(path: Path, root: Path | None = None, **kwargs) -> Document | IngestError:
    results = read_path(path, root or path.parent, **kwargs)
    assert len(results) == 1, results
    return results[0]


def lines_at(doc: Document, ranges) -> list[str]:
    return [doc.text[start:end] for start, end in ranges]


# --- formats ------------------------------------------------------------------------------------
def test_seed_like_front_matter_with_html_body(tmp_path):
    doc = read_one(write(tmp_path / "000_abc.txt", SEED_LIKE))
    assert isinstance(doc, Document)
    assert doc.text == SEED_TEXT
    assert (doc.doc_id, doc.fmt, doc.encoding) == ("000_abc", "markdown-html", "utf-8")
    assert doc.title == "甲公司维持高水平AI投资"
    assert doc.date == dt.date(2025, 2, 8)
    assert doc.url == "https://news.example.com/industry/57974-2025-02-08-11-20-30.html"
    assert doc.meta["date_source"] == "front_matter"
    assert lines_at(doc, doc.meta["boilerplate"]) == [
        "甲公司的CEO（reuters）", "版权声明：某报社版权所有，未经授权不得转载或部分复制，违者必究。"]
    assert doc.meta["boilerplate_kinds"] == ["caption", "footer"]
    assert doc.meta["script"] == "simplified" and doc.meta["locale"] == "CN"
    for leak in ("width", "<", ">", "http", "layout", "1738981230000", "---"):
        assert leak not in doc.text


def test_dev_like_markdown_plain_body(tmp_path):
    content = ("---\ntitle: \"台積電擴大投資\"\ndate:\nfrom: https://cn.example.com/post/2026-02-06/slug/\n"
               "script: traditional\n---\n台積電今年資本支出約400億美元。\n\n第二段 內容，  保留原樣。\n\n\n第三段")
    doc = read_one(write(tmp_path / "001.md", content))
    assert doc.text == "台積電今年資本支出約400億美元。\n第二段 內容， 保留原樣。\n第三段"
    assert doc.fmt == "markdown" and doc.title == "台積電擴大投資"
    assert doc.date == dt.date(2026, 2, 6) and doc.meta["date_source"] == "url"
    assert doc.meta["script"] == "traditional"


def test_front_matter_date_source_is_kept(tmp_path):
    content = "---\ntitle: t\ndate: 2025-03-20\ndate_source: url\nfrom: https://q.example/a/20250320A04\n---\n正文。"
    doc = read_one(write(tmp_path / "a.md", content))
    assert doc.date == dt.date(2025, 3, 20) and doc.meta["date_source"] == "url"


def test_html_page(tmp_path):
    page = """<!DOCTYPE html>
<html><head><title>甲公司资本支出 - 某网</title>
<meta property="og:title" content="OG 标题">
<meta property="article:published_time" content="2025-03-01T08:00:00+08:00">
<link rel="canonical" href="https://www.example.com/a/1.html">
<style>p { width: 10%; }</style><script>document.write("<p>脚本</p>")</script></head>
<body><nav>首页</nav><h1>甲公司扩大投资</h1><p>甲公司今年资本支出约400亿元。</p></body></html>"""
    doc = read_one(write(tmp_path / "page.html", page))
    assert doc.text == "首页\n甲公司扩大投资\n甲公司今年资本支出约400亿元。"
    assert doc.fmt == "html" and doc.title == "甲公司资本支出 - 某网"
    assert doc.date == dt.date(2025, 3, 1) and doc.meta["date_source"] == "html_meta"
    assert doc.url == "https://www.example.com/a/1.html"


def test_html_page_og_fallbacks():
    page = ('<html><head><meta property="og:title" content="OG 标题"><meta property="og:url" '
            'content="https://udn.com/news/1"><meta name="pubdate" content="2025/02/08"></head>'
            "<body><p>台積電</p></body></html>")
    doc = document_from_text(page, "p")
    assert (doc.title, doc.url, doc.date) == ("OG 标题", "https://udn.com/news/1", dt.date(2025, 2, 8))
    assert doc.meta["locale"] == "TW"


def test_plain_text_file(tmp_path):
    doc = read_one(write(tmp_path / "note.txt", "  甲公司计划投资。 \n\n乙公司 \t 暂停投资。\n"))
    assert doc.text == "甲公司计划投资。\n乙公司 暂停投资。"
    assert doc.fmt == "text" and doc.title is None and doc.date is None and doc.url is None
    assert doc.path == str(tmp_path / "note.txt")


def test_jsonl_with_a_broken_line(tmp_path):
    lines = [
        json.dumps({"id": "abc123", "text": "甲公司投资10亿元。", "title": "标题", "date": "2025-02-08",
                    "url": "https://x.example/1"}, ensure_ascii=False),
        '{"id": "broken", "text": "没有闭合',
        "",
        json.dumps({"id": 7, "text": "<p>乙公司</p><p>投资。</p>"}, ensure_ascii=False),
        json.dumps({"id": "abc123", "text": "重复"}, ensure_ascii=False),
        json.dumps({"text": "无编号"}, ensure_ascii=False),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "ls", "text": "甲\u2028乙"}, ensure_ascii=False),
    ]
    path = write(tmp_path / "feeds" / "day1.jsonl", "\n".join(lines) + "\n")
    results = read_path(path, tmp_path)
    docs = [r for r in results if isinstance(r, Document)]
    errors = [r for r in results if isinstance(r, IngestError)]
    assert [d.doc_id for d in docs] == ["feeds/day1/abc123", "feeds/day1/7", "feeds/day1/ls"]
    assert docs[2].text == "甲\n乙" and docs[2].meta["line"] == 8
    assert docs[0].title == "标题" and docs[0].date == dt.date(2025, 2, 8) and docs[0].url == "https://x.example/1"
    assert docs[0].meta["date_source"] == "jsonl" and docs[0].meta["line"] == 1
    assert docs[1].text == "乙公司\n投资。"
    assert [e.stage for e in errors] == ["parse"] * 4
    assert [e.message.split(":")[0] for e in errors] == ["line 2", "line 5", "line 6", "line 7"]
    assert "invalid JSON" in errors[0].message and "unique" in errors[1].message


# --- front matter variants ----------------------------------------------------------------------
def test_no_front_matter_dashes_later_are_text():
    doc = document_from_text("第一段\n---\n第二段", "x")
    assert doc.text == "第一段\n第二段" and doc.fmt == "text"


def test_unclosed_front_matter_is_parsed_as_far_as_possible():
    doc = document_from_text("---\ntitle: 标题\ndate: 2025-02-08\n正文第一段。\n\n正文第二段。", "x")
    assert doc.text == "正文第一段。\n正文第二段。"
    assert doc.title == "标题" and doc.date == dt.date(2025, 2, 8)
    assert any("closing" in w for w in doc.meta["warnings"])


def test_malformed_yaml_front_matter_falls_back_to_key_lines():
    doc = document_from_text('---\ntitle: "未闭合引号\ndate: 2025-02-08\n: [\n---\n正文。', "x")
    assert doc.text == "正文。" and doc.date == dt.date(2025, 2, 8)
    assert any("YAML" in w for w in doc.meta["warnings"])


def test_front_matter_that_is_not_a_mapping():
    doc = document_from_text("---\ntitle: [unclosed\n---\n正文。", "x")
    assert doc.text == "正文。" and doc.title == "[unclosed"
    doc = document_from_text("---\ntitle: t\n---\n正文。", "x")
    assert doc.meta["warnings"] == []
    doc = document_from_text("---\n- a\n---\n正文。", "x")
    assert doc.text == "- a\n正文。" and any("found prose" in w for w in doc.meta["warnings"])


def test_dash_fenced_prose_is_text_not_front_matter():
    doc = document_from_text("---\n甲公司投资10亿元。\n---\n第二段。", "x")
    assert doc.text == "甲公司投资10亿元。\n第二段。" and doc.title is None


def test_unclosed_front_matter_keeps_indented_body():
    doc = document_from_text("---\ntitle: 标题\ntags:\n  - a\n   正文第一段。", "x")
    assert doc.text == "正文第一段。" and doc.title == "标题"


def test_non_date_date_is_a_warning():
    doc = document_from_text("---\ntitle: t\ndate: 明天\n---\n正文。", "x")
    assert doc.date is None and doc.meta["date_source"] is None
    assert any("明天" in w and "expected a date" in w for w in doc.meta["warnings"])


def test_non_url_source_is_not_the_url():
    doc = document_from_text("---\nsource: 路透社\nlink: https://a.example/2025/02/08/x\n---\n正文。", "x")
    assert doc.url == "https://a.example/2025/02/08/x" and doc.date == dt.date(2025, 2, 8)


@pytest.mark.parametrize("value,expected", CASES["dates"])
def test_parse_date(value, expected):
    assert parse_date(value) == (dt.date.fromisoformat(expected) if expected else None)


def test_parse_date_yaml_types():
    assert parse_date(dt.datetime(2025, 2, 8, 2, 20, tzinfo=dt.timezone.utc)) == dt.date(2025, 2, 8)
    assert parse_date(dt.date(2025, 2, 8)) == dt.date(2025, 2, 8)
    assert parse_date(True) is None and parse_date(3.5) is None and parse_date(None) is None


@pytest.mark.parametrize("url,expected", CASES["url_dates"])
def test_date_from_url(url, expected):
    assert date_from_url(url) == (dt.date.fromisoformat(expected) if expected else None)


# --- HTML cleaning ------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES["html_cleaning"], ids=lambda c: c["name"])
def test_html_cleaning(case):
    assert document_from_text(case["input"], "x").text == case["text"]


@pytest.mark.parametrize("opening,closing", [("<div>", "</div>"), ("<table><tr><td>", "</td></tr></table>"),
                                             ("<span>", ""), ("<blockquote>", "</blockquote>")])
def test_ten_thousand_levels_of_nesting(opening, closing):
    html = opening * 10_000 + "<p>深处的文字</p>" + closing * 10_000
    assert document_from_text(html, "x").text == "深处的文字"


def test_plain_lines_with_some_inline_html_stay_lines():
    doc = document_from_text("---\ntitle: t\n---\n标题行\n第一段<strong>加粗</strong>。\n第二段<br>第三段\n<p>甲\n乙</p>", "x")
    assert doc.text == "标题行\n第一段加粗。\n第二段\n第三段\n甲 乙"


def test_photo_table_caption_and_layout_table():
    html = ("<table><tr><td><img src='a.jpg'></td></tr><tr><td>图：工厂外景</td></tr></table>"
            "<table><tr><td><img src='logo.png'></td><td>" + "正文很长。" * 40 + "</td></tr></table>")
    doc = document_from_text(html, "x")
    assert lines_at(doc, doc.meta["boilerplate"]) == ["图：工厂外景"]


@pytest.mark.parametrize("line,kind", [
    ("版權所有 © 某報", "footer"), ("本文未经授权不得转载", "footer"), ("Copyright 2025 Example. All rights reserved.", "footer"),
    ("图为甲公司的工厂（新华社记者 张三 摄）", "caption"), ("乙公司总部（路透）", "caption"),
    ("乙公司（Apple）", None), ("甲公司投资10亿元（约合1.4亿美元）。", None), ("甲公司计划投资", None),
    ("COPYRIGHT (C) 2025 某报", "footer"), ("ALL RIGHTſ RESERVED", "footer"), ("转载请注明出处", "footer"),
    ("轉載請註明來源", "footer"), ("乙公司总部(Reuters)", "caption")])
def test_boilerplate_keywords(line, kind):
    doc = document_from_text(f"正文第一段。\n{line}", "x")
    expected = [[7, 7 + len(line)]] if kind else []
    assert doc.meta["boilerplate"] == expected
    assert doc.meta["boilerplate_kinds"] == ([kind] if kind else [])


# --- normalisation ------------------------------------------------------------------------------
def test_line_endings_zero_width_and_controls():
    raw = "甲\u200b公司\r\n计划\u200d投资\x07。\r乙公司\ufeff\x00投资\t10亿元。\u2028丙"
    assert document_from_text(raw, "x").text == "甲公司\n计划投资。\n乙公司投资 10亿元。\n丙"


def test_nfc_and_full_width_punctuation_kept():
    doc = document_from_text("e\u0301 甲公司（Meta）：投资１００亿！", "x")
    assert doc.text == "\u00e9 甲公司（Meta）：投资１００亿！"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("甲乙 \n\t\r\x00\x07\x0b\x0c\x1f\x7f\x85\x9f\u00ad\u180e\u200b\u200d"
                                        "\u202a\u2028\u2029\u2060\u2066\ufeffe\u0301"), max_size=40))
def test_normalise_text_is_its_two_substitutions_and_nfc(raw):
    """normalise_text skips the substitutions when a text has nothing they change: same result."""
    from pipeline import ingest_meta

    full = unicodedata.normalize("NFC", ingest_meta._INVISIBLE.sub("", ingest_meta._LINE_BREAKS.sub("\n", raw)))
    assert ingest_meta.normalise_text(raw) == full


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["版权所有", "版權聲明", "未经授权", "不得转载", "不得轉載", "转载请注明", "轉載請註明",
                                 "All rights reserved", "ALL RIGHTſ RESERVED", "Copyright 2025", "copyright (c)",
                                 "版", "权", "不", "得", "注", "明", "甲公司", " ", "©"]), max_size=6).map("".join))
def test_a_line_without_a_footer_mark_is_no_footer(line):
    from pipeline import ingest_meta

    assert ingest_meta._may_be_footer(line) or not ingest_meta._FOOTER.search(line)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_any_text_gives_clean_lines(raw):
    doc = document_from_text(raw, "x")
    assert "\r" not in doc.text and "\n\n" not in doc.text and "\u200b" not in doc.text
    assert all(line == line.strip() and line for line in doc.text.split("\n") if doc.text)
    for start, end in doc.meta["boilerplate"]:
        assert 0 <= start < end <= len(doc.text)


# --- encodings ----------------------------------------------------------------------------------
SIMPLIFIED = "台积电预计今年资本支出将达到520亿至560亿美元，同比增长约三成。"
TRADITIONAL = "台積電預計今年資本支出將達到新台幣520億元，年增約三成，董事會核准。"


@pytest.mark.parametrize("data,encoding,text", [
    (SIMPLIFIED.encode("gb18030"), "gb18030", SIMPLIFIED),
    (SIMPLIFIED.encode("gb2312"), "gb18030", SIMPLIFIED),
    (TRADITIONAL.encode("big5"), "big5", TRADITIONAL),
    (codecs.BOM_UTF16_LE + SIMPLIFIED.encode("utf-16-le"), "utf-16", SIMPLIFIED),
    (codecs.BOM_UTF16_BE + TRADITIONAL.encode("utf-16-be"), "utf-16", TRADITIONAL),
    (codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), "utf-8", SIMPLIFIED),
    (SIMPLIFIED.encode("utf-8"), "utf-8", SIMPLIFIED),
])
def test_encodings(tmp_path, data, encoding, text):
    doc = read_one(write(tmp_path / "a.md", data))
    assert (doc.text, doc.encoding) == (text, encoding)


def test_invalid_bytes_inside_utf8_are_replaced_with_a_warning(tmp_path):
    good = (SIMPLIFIED * 10).encode("utf-8")
    doc = read_one(write(tmp_path / "a.md", good[:30] + b"\xff\xfe" + good[30:]))
    assert doc.encoding == "utf-8" and "\ufffd" in doc.text and SIMPLIFIED[12:] in doc.text
    assert any("invalid UTF-8" in w for w in doc.meta["warnings"])


def test_bom_less_utf16_and_script_guess():
    assert decode_bytes(SIMPLIFIED.encode("utf-16-le")).text == SIMPLIFIED
    assert (guess_script(SIMPLIFIED), guess_script(TRADITIONAL), guess_script("abc")) == (
        "simplified", "traditional", None)


@pytest.mark.parametrize("text, script", [
    ("的是投", None),                           # characters both GB2312 and Big5 hold say nothing
    ("资本支出", "simplified"),
    ("資本支出", "traditional"),
    ("资本支出與資本開支", "traditional"),        # more Big5-only characters than GB2312-only
    ("资本支出与资本开支，資本", "simplified"),
    ("资本資", "simplified"),                     # a tie is simplified
    ("Capex 資本", "traditional"),
    ("", None),
])
def test_script_guess_counts_characters_only_one_side_can_encode(text, script):
    assert guess_script(text) == script


def test_script_tables_hold_what_only_one_codec_encodes():
    """The tables come from one encode of the block per codec: the same as trying each character."""
    from pipeline.encoding import _script_patterns, _script_sets

    def encodable(ch, codec):
        try:
            ch.encode(codec)
        except UnicodeEncodeError:
            return False
        return True

    block = [chr(code) for code in range(0x4E00, 0xA000)]
    only_gb = {ch for ch in block if encodable(ch, "gb2312") and not encodable(ch, "big5")}
    only_big5 = {ch for ch in block if encodable(ch, "big5") and not encodable(ch, "gb2312")}
    assert _script_sets() == (only_gb, only_big5)
    text = "".join(block) + "abc，。-]^\\"
    assert [set(pattern.findall(text)) for pattern in _script_patterns()] == [only_gb, only_big5]


# --- read errors and limits ---------------------------------------------------------------------
@pytest.mark.parametrize("name,data,stage,words", [
    ("empty.md", b"", "read", "empty file"),
    ("blank.md", b" \n\t\r\n ", "read", "empty file"),
    ("blank16.md", codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"), "read", "empty file"),
    ("image.md", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "decode", "binary content"),
    ("doc.txt", b"%PDF-1.7\n%\xe2\xe3", "decode", "binary content"),
    ("nul.txt", b"abc\x00\x01\x02\xff\x00\x9c" * 20, "decode", "binary content"),
    ("markup.html", b"<html><script>x</script></html>", "parse", "found none"),
])
def test_bad_files_give_one_error(tmp_path, name, data, stage, words):
    error = read_one(write(tmp_path / name, data))
    assert isinstance(error, IngestError)
    assert error.stage == stage and words in error.message and error.path == str(tmp_path / name)
    assert json.loads(json.dumps(error.to_json()))["stage"] == stage


def test_oversized_file(tmp_path):
    error = read_one(write(tmp_path / "big.md", "投资" * 100), max_bytes=100)
    assert (error.stage, error.error_type) == ("limits", "FileTooLarge")
    assert "at most 100 bytes, found 600" in error.message


def test_vanished_file_and_folder(tmp_path):
    error = read_one(tmp_path / "gone.md", tmp_path)
    assert (error.stage, error.error_type) == ("read", "FileNotFoundError")
    (tmp_path / "sub").mkdir()
    assert read_one(tmp_path / "sub", tmp_path).stage == "read"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_unreadable_file(tmp_path):
    path = write(tmp_path / "secret.md", "正文")
    path.chmod(0)
    error = read_one(path)
    assert (error.stage, error.error_type) == ("read", "PermissionError")


# --- folders, order and doc_id ------------------------------------------------------------------
def test_folder_walk_order_and_doc_ids(tmp_path):
    for name in ["b.md", "a.txt", "2025/02/foo.md", "2025/01/bar.html", "z/x.HTM", "feed.jsonl",
                 "skip.pdf", "README", ".hidden.md", ".git/c.md", "2025/a.markdown"]:
        write(tmp_path / name, "正文")
    found = list(iter_inputs([tmp_path]))
    relative = [f.relative_to(tmp_path).as_posix() for f, _ in found]
    assert relative == ["2025/01/bar.html", "2025/02/foo.md", "2025/a.markdown", "a.txt", "b.md",
                        "feed.jsonl", "z/x.HTM"]
    assert all(root == tmp_path for _, root in found)
    assert list(iter_inputs([tmp_path])) == found
    docs = [read_path(f, root)[0] for f, root in found if f.suffix != ".jsonl"]
    assert [d.doc_id for d in docs] == ["2025/01/bar", "2025/02/foo", "2025/a", "a", "b", "z/x"]


def test_file_given_directly_uses_its_parent_and_any_extension(tmp_path):
    path = write(tmp_path / "deep" / "article.news", "正文")
    assert list(iter_inputs([path])) == [(path, path.parent)]
    assert read_one(path).doc_id == "article"


def test_each_real_file_once(tmp_path):
    path = write(tmp_path / "a.md", "正文")
    assert list(iter_inputs([tmp_path, path, str(tmp_path)])) == [(path, tmp_path)]


def test_missing_input_raises_before_yielding(tmp_path):
    write(tmp_path / "a.md", "正文")
    with pytest.raises(FileNotFoundError, match="expected an existing file or folder"):
        list(iter_inputs([tmp_path, tmp_path / "nope"]))


def test_folder_without_articles(tmp_path):
    write(tmp_path / "notes.pdf", b"%PDF-1.4")
    (tmp_path / "empty").mkdir()
    assert list(iter_inputs([tmp_path])) == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loop_is_followed_once(tmp_path):
    write(tmp_path / "news" / "a.md", "正文")
    os.symlink(tmp_path / "news", tmp_path / "news" / "loop")
    os.symlink(tmp_path, tmp_path / "news" / "up")
    os.symlink(tmp_path / "missing.md", tmp_path / "news" / "dangling.md")
    found = [f.relative_to(tmp_path).as_posix() for f, _ in iter_inputs([tmp_path])]
    assert found == ["news/a.md", "news/dangling.md"]
    assert read_one(tmp_path / "news" / "dangling.md", tmp_path).stage == "read"


# --- locale -------------------------------------------------------------------------------------
@pytest.mark.parametrize("url,text,script,expected", CASES["locales"])
def test_guess_locale(url, text, script, expected):
    assert guess_locale(url, text, script) == expected


# --- the real seed, when the shared folder is there ---------------------------------------------
@pytest.mark.skipif(not (SHARED / "seed").is_dir(), reason="shared/seed not present")
def test_seed_article():
    path = next(iter(sorted((SHARED / "seed").glob("*.txt"))))
    doc = read_one(path)
    raw = path.read_text(encoding="utf-8")
    first_paragraph = next(p for p in re.findall(r"<p>(.*?)</p>", raw) if p.strip() and "<" not in p)
    first_sentence = first_paragraph.strip(" \u3000").split("。")[0] + "。"
    assert first_sentence in doc.text and doc.text.split("\n")[0] == doc.title
    assert "width:" not in doc.text and "<" not in doc.text
    assert doc.date == dt.date(2025, 2, 8) and doc.meta["boilerplate_kinds"] == ["caption", "footer"]


def test_feed_lines_are_parsed_when_listed_and_built_by_their_task(tmp_path):
    """The process that lists a .jsonl feed parses it (ids are checked across the feed); each
    line's Document is built by the task that extracts it, the same as read_path builds it."""
    from pipeline.engines import Limits, iter_tasks, task_items
    from pipeline.ingest import JsonlLine

    lines = [json.dumps({"id": "a", "text": "<p>台积电今年资本支出300亿美元。</p>", "title": "T"}, ensure_ascii=False),
             '{"id": "b", "text": "断了',
             json.dumps({"id": "a", "text": "重复的编号"}, ensure_ascii=False),
             json.dumps({"id": "c", "text": "微软今年资本支出800亿美元。", "date": "2025-02-08"}, ensure_ascii=False)]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tasks = list(iter_tasks([tmp_path], 10_000_000))
    assert [type(t.item).__name__ for t in tasks] == ["JsonlLine", "IngestError", "IngestError", "JsonlLine"]
    built = [item for task in tasks for item in task_items(task, Limits())]
    assert [x.to_json() for x in built] == [x.to_json() for x in read_path(feed, tmp_path)]
    assert isinstance(tasks[0].item, JsonlLine) and built[0].doc_id == "feed/a" and built[0].title == "T"
