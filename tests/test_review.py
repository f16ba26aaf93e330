"""`capex review`: the page escapes everything untrusted, highlights are lossless, the summary adds up."""
from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from pipeline.cli import main
from pipeline.review import ASSETS, build_review, script_json
from pipeline.review_summary import amounts_frame, format_amount, period_label, pivot
from tests.review_fixtures import HOSTILE, TEXT_A, TEXT_B, documents, facts, make_output

VOID = {"meta", "link", "input", "br", "img", "hr", "area", "base", "col", "embed", "source", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict):
        self.tag, self.attrs, self.children = tag, attrs, []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()


class TreeBuilder(HTMLParser):
    """Just enough of a DOM: elements with attributes, children and text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {k: v for k, v in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return
        raise AssertionError(f"closing </{tag}> without an open element")

    def handle_data(self, data):
        self.stack[-1].children.append(data)


@pytest.fixture
def page(tmp_path) -> tuple[str, Node]:
    out = make_output(tmp_path / "out")
    target = tmp_path / "review.html"
    assert main(["review", str(out), "-o", str(target)]) == 0
    html = target.read_text(encoding="utf-8")
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    return html, builder.root


def _elements(root: Node, tag: str | None = None, **attrs) -> list[Node]:
    return [n for n in root.walk() if (tag is None or n.tag == tag)
            and all(n.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())]


def test_only_our_scripts_and_no_event_handlers(page):
    html, root = page
    scripts = _elements(root, "script")
    assert [s.attrs.get("type") for s in scripts] == ["application/json", None]
    assert scripts[1].text().strip() == (ASSETS / "review.js").read_text(encoding="utf-8").strip()
    handlers = [(n.tag, k) for n in root.walk() for k in n.attrs if k.lower().startswith("on")]
    assert handlers == []
    assert not _elements(root, "img") and not _elements(root, "textarea") and not _elements(root, "iframe")
    for raw in ("<script>alert", "<img src=x", "</textarea>", "onerror=alert(1)>"):
        assert raw not in html
    assert html.count("</script>") == 2


def test_links_only_for_http_urls(page):
    _, root = page
    hrefs = [a.attrs["href"] for a in _elements(root, "a")]
    assert hrefs == ['https://example.com/a?x=1&y="2"']
    assert "javascript:alert(1)" in _elements(root, "section", id="d1")[0].text()


def test_hostile_strings_survive_as_text(page):
    _, root = page
    section = _elements(root, "section", id="d1")[0]
    assert _elements(section, "h2")[0].text() == HOSTILE
    assert _elements(section, "div", class_="text")[0].text() == TEXT_B
    company_span = next(n for n in _elements(section, "span") if "m-company" in n.attrs.get("class", ""))
    assert company_span.attrs["title"] == f"company {HOSTILE}"
    errors = _elements(root, "section", id="errors")[0].text()
    assert "bad/</script><script>alert(1)</script>.md" in errors and HOSTILE in errors


def test_embedded_json_is_inert_and_exact(page):
    _, root = page
    raw = _elements(root, "script", id="review-data")[0].text()
    assert not set(raw) & {"<", ">", "&", "\u2028", "\u2029"}
    data = json.loads(raw)
    assert [f["id"] for f in data["facts"]] == ["f1", "f2", "f3"]
    assert data["facts"][2]["companies"] == [HOSTILE, "Beta"]
    assert data["companies"] == sorted(["Alphabet", "Amazon", "Beta", HOSTILE])


def test_script_json_cannot_close_the_element():
    text = script_json({"x": "</script><!-- \u2028 & >"})
    assert "</" not in text and "<!--" not in text and "\u2028" not in text
    assert json.loads(text) == {"x": "</script><!-- \u2028 & >"}


def test_highlights_follow_the_offsets(page):
    _, root = page
    article = _elements(root, "section", id="d0")[0]
    text_div = _elements(article, "div", class_="text")[0]
    assert text_div.text() == TEXT_A
    spans = _elements(text_div, "span")

    def by_class(cls):
        return [s.text() for s in spans if cls in s.attrs.get("class", "").split()]

    assert by_class("m-money") == ["1000亿美元左右", "750亿至800亿美元"]
    assert by_class("m-percent") == ["约3成"]
    assert by_class("m-period") == ["2025年", "2025年"]
    assert by_class("m-company") == ["亚马逊", "谷歌母公司Alphabet"]
    for fact in facts()[:2]:
        marked = [s for s in spans if fact_id(fact) in s.attrs.get("data-facts", "").split()]
        assert "".join(s.text() for s in marked) == fact["evidence"]["sentence"]
        assert all("ev" in s.attrs["class"].split() for s in marked)


def fact_id(fact: dict) -> str:
    return f"f{facts().index(fact) + 1}"


def test_fact_rows_and_legend(page):
    _, root = page
    rows = _elements(root, "tr", class_="fact")
    assert [r.attrs["data-fact"] for r in rows] == ["f1", "f2", "f3"]
    cells = [c.text() for c in _elements(rows[1], "td")]
    assert cells == ["Alphabet", "750亿至800亿美元 = 750亿 USD (range)", "2025年 = FY2025 (2025-01–2025-12)",
                     "—", "plan", "", "0.60", "continuation"]
    legend = [s.attrs["class"] for s in _elements(_elements(root, "span", class_="legend")[0], "span")]
    assert legend[1:5] == ["m-money", "m-percent", "m-period", "m-company"]


def test_summary_pivot_and_chart(page):
    _, root = page
    frame = amounts_frame(facts())
    largest, counts = pivot(frame, "USD")
    assert counts.loc["Amazon", "2025"] == 1
    assert largest.loc["Amazon", "2025"] == 1e11 and largest.loc["Alphabet", "FY2025 (2025-01–2025-12)"] == 7.5e10
    svg = _elements(root, "svg")[0]
    bars = _elements(svg, "rect")
    assert len(bars) == 3
    widths = {b.text(): float(b.attrs["width"]) for b in bars}
    assert widths["Amazon: 1,000亿 USD"] == 420.0 and widths["Alphabet: 750亿 USD"] == 315.0
    labels = [t.text() for t in _elements(svg, "text") if t.attrs.get("class") == "chart-label"]
    assert labels[1:] == ["Amazon", "Alphabet"] and labels[0].endswith("…")
    assert [c.text() for c in _elements(root, "caption")] == ["CNY", "USD"]


def test_helpers():
    assert format_amount(2.45e11) == "2,450亿" and format_amount(3.5e6) == "350万" and format_amount(1.2e12) == "1.2万亿"
    assert period_label(None) == "(no period)" and period_label({"start": "2024-10", "end": "2024-12"}) == "2024-10–2024-12"
    assert period_label({"start": None, "end": "2030-12"}) == "–2030-12"


def test_cli_errors(tmp_path, capsys):
    assert main(["review", str(tmp_path / "missing"), "-o", str(tmp_path / "r.html")]) == 2
    assert "expected an output folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["review", str(tmp_path / "empty"), "-o", str(tmp_path / "r.html")]) == 1
    assert "found none of them" in capsys.readouterr().err


def test_empty_output_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "facts.jsonl").write_text("", encoding="utf-8")
    counts = build_review(out, tmp_path / "r.html")
    assert counts == {"documents": 0, "facts": 0, "mentions": 0, "errors": 0}
    assert "No fact with an amount." in (tmp_path / "r.html").read_text(encoding="utf-8")
    assert documents()[0]["doc_id"] == "a/amazon"  # fixtures unchanged by the page
