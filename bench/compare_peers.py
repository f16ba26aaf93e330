"""Compare our recognisers with two peers on the same texts and gold: quality and speed.

A benchmark, not a test: it measures and never fails a build. Over the cleaned
texts of ``--articles`` (read by our own ingest) and the mentions of ``--gold``
(GOLD_FORMAT section 2) it runs

- JioNLP: ``jionlp.ner.extract_money`` and ``jionlp.ner.extract_time``;
- Microsoft Recognizers-Text: the Chinese currency and percentage models;
- ours: ``find_money``, ``find_percents``, ``find_periods`` (+ ``find_companies``).

Every system's output is mapped to mention records and scored with the same
multiset matcher (GOLD_FORMAT section 3: money by value within 0.5% and currency,
percent by kind and value within 0.0005, periods by start and end month), and
each system is timed over all texts (characters per second, load time excluded).

    .venv/bin/python bench/compare_peers.py                  # ../shared/dev
    .venv/bin/python bench/compare_peers.py --articles DIR --gold FILE --json

Fairness choices made for the peers:
- Recognizers-Text: the models that recognize_currency / recognize_percentage
  rebuild on every call are built once, so model building is not timed;
- bare 元 (and JioNLP's 元 / Recognizers' "Chinese yuan" written without 人民币)
  is the article's local currency, as for us and in the gold;
- JioNLP sees traditional-script articles through its own ``jio.tra2sim``
  (character mode, offsets unchanged; the conversion is timed with it);
- Recognizers' bare currency prefix (新台币, 人民币) followed by an amount in 元
  gives that amount its currency;
- for undated articles JioNLP runs with two different time bases and keeps only
  the periods that do not depend on the base (gold leaves relative periods out);
- mentions inside the article's boilerplate (photo credits, copyright footer)
  are dropped for every system, as the pipeline does for itself.
"""
from __future__ import annotations

import argparse
import calendar
import contextlib
import datetime as dt
import importlib
import inspect
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

KINDS = ("money", "percent", "periods")
LOCAL_CURRENCY = {"CN": "CNY", "TW": "TWD", "HK": "HKD"}
INSTALL_HINT = "pip install -e '.[peers]'"
MIN_SECONDS = 1.0

# JioNLP's normalised currency words (its CURRENCY_CASE and alias sets) -> ISO 4217.
# "元" is JioNLP's word for RMB *and* for a bare 元: resolved per mention below.
JIO_CURRENCY = {
    "美元": "USD", "人民币": "CNY", "日元": "JPY", "韩元": "KRW", "港元": "HKD", "新台币": "TWD",
    "欧元": "EUR", "英镑": "GBP", "澳元": "AUD", "澳大利亚元": "AUD", "加元": "CAD",
    "新加坡元": "SGD", "新西兰元": "NZD", "澳门元": "MOP", "缅元": "MMK", "马元": "MYR",
    "卢布": "RUB", "泰铢": "THB", "法郎": "CHF", "马克": "DEM",
}
JIO_QUALIFIER = {"accurate": "exact", "blur": "approx", "blur+": "over", "blur-": "under"}
JIO_PERIOD_TYPES = ("time_point", "time_span")   # time_period / time_delta are durations
YUAN_PREFIX = re.compile(r"(美|港|日|韩|欧|澳|加|新加坡|新西兰|缅|马|澳门)$")
RT_PREFIX_GAP = re.compile(r"\s*[约約]?\s*")


# ------------------------------------------------------------------ documents and gold

@dataclass
class Article:
    doc_id: str
    text: str
    date: dt.date | None
    locale: str | None
    script: str | None = None
    boilerplate: list = field(default_factory=list)

    @property
    def local_currency(self) -> str:
        return LOCAL_CURRENCY.get(self.locale or "", "CNY")


def load_articles(folder: Path, exclude: Path | None = None) -> list[Article]:
    """The articles under ``folder`` as our ingest cleans them (crude fallback when it is absent)."""
    try:
        from pipeline.ingest import IngestError, read_path
        from pipeline.inputs import iter_inputs
    except ImportError:
        note("note: pipeline.ingest not importable; using a crude front-matter strip")
        return [_crude_article(path, folder) for path in sorted(folder.rglob("*")) if path.is_file()]
    articles = []
    for path, root in iter_inputs([folder]):
        if exclude is not None and path.resolve() == exclude.resolve():
            continue  # the gold file kept beside the articles
        for item in read_path(path, root):
            if isinstance(item, IngestError):
                note(f"skipped {item.path}: {item.stage}: {item.message}")
                continue
            meta = item.meta or {}
            articles.append(Article(item.doc_id, item.text, item.date, meta.get("locale"),
                                    meta.get("script"), list(meta.get("boilerplate") or [])))
    return articles


def _crude_article(path: Path, root: Path) -> Article:
    raw = path.read_text(encoding="utf-8", errors="replace")
    date = None
    match = re.match(r"---\n(.*?)\n---\n", raw, re.DOTALL)
    if match:
        found = re.search(r"^date:\s*['\"]?(\d{4}-\d{2}-\d{2})", match.group(1), re.MULTILINE)
        date = dt.date.fromisoformat(found.group(1)) if found else None
        raw = raw[match.end():]
    text = "\n".join(line.strip() for line in raw.splitlines() if line.strip())
    return Article(path.relative_to(root).with_suffix("").as_posix(), text, date, None)


def load_gold(path: Path) -> dict[str, dict]:
    """doc_id -> gold ``mentions`` (money, percent, periods lists)."""
    gold = {}
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                record = json.loads(line)
                if "doc_id" not in record:
                    raise SystemExit(f"{path}:{number}: expected a doc_id, found keys {sorted(record)}")
                gold[record["doc_id"]] = record.get("mentions") or {}
    return gold


# ------------------------------------------------------------------ small helpers

def to_number(text: Any) -> Decimal | None:
    try:
        return Decimal(str(text).replace(",", ""))
    except (InvalidOperation, ValueError):
        return None


def inside(span: tuple[int, int], ranges: Iterable) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in ranges)


def money_record(span, text, value, currency, qualifier="exact", value_high=None) -> dict:
    return {"span": list(span), "text": text, "value": value, "value_high": value_high,
            "currency": currency, "qualifier": qualifier}


def percent_record(span, text, kind, value) -> dict:
    return {"span": list(span), "text": text, "kind": kind, "value": value}


def period_record(span, text, start, end) -> dict:
    return {"span": list(span), "text": text, "start": start, "end": end}


def note(message: str) -> None:
    """A one-line message for the reader, on stderr so that ``--json`` output stays clean."""
    print(message, file=sys.stderr)


def call_with(func: Callable, *args, **kwargs):
    """``func(*args, **kwargs)`` passing only the keyword arguments ``func`` accepts."""
    params = inspect.signature(func).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return func(*args, **kwargs)
    return func(*args, **{k: v for k, v in kwargs.items() if k in params})


def midnight_timestamp(day: dt.date) -> float:
    return time.mktime(dt.datetime(day.year, day.month, day.day).timetuple())


# ------------------------------------------------------------------ systems

@dataclass
class System:
    """A recogniser under test: ``extract`` gives mapped records per kind; ``run`` is what is timed."""

    name: str
    kinds: tuple[str, ...]
    extract: Callable[[Article], dict[str, list[dict]]]
    run: Callable[[Article], Any]
    timed: str


# --- JioNLP -------------------------------------------------------------------------------------

def jionlp_system() -> System | None:
    try:
        import jionlp as jio
    except ImportError:
        note(f"JioNLP not installed: skipped (install the peers with: {INSTALL_HINT})")
        return None

    def simplified(article: Article) -> str:
        if article.script != "traditional":
            return article.text
        converted = jio.tra2sim(article.text, mode="char")
        return converted if len(converted) == len(article.text) else article.text

    def run(article: Article, base: float | None = None):
        text = simplified(article)
        base = base if base is not None else _jio_base(article)
        return (jio.ner.extract_money(text, with_parsing=True),
                jio.ner.extract_time(text, time_base=base, with_parsing=True))

    def extract(article: Article) -> dict[str, list[dict]]:
        money, times = run(article)
        periods = [p for p in map(jio_period, times) if p]
        if article.date is None:  # keep only what does not depend on the (unknown) date
            _, other = run(article, midnight_timestamp(dt.date(2003, 8, 15)))
            periods = _base_independent(periods, [p for p in map(jio_period, other) if p])
        return {"money": [jio_money(m, article) for m in money], "periods": periods}

    return System("JioNLP", ("money", "periods"), extract, run, "extract_money + extract_time")


def _jio_base(article: Article) -> float:
    return midnight_timestamp(article.date) if article.date else midnight_timestamp(dt.date(2017, 3, 10))


def _base_independent(periods: list[dict], other: list[dict]) -> list[dict]:
    keys = Counter((tuple(p["span"]), p["start"], p["end"]) for p in other)
    kept = []
    for period in periods:
        key = (tuple(period["span"]), period["start"], period["end"])
        if keys[key]:
            keys[key] -= 1
            kept.append(period)
    return kept


def jio_money(item: Mapping, article: Article) -> dict:
    detail = item.get("detail") or {}
    nums = detail.get("num")
    low, high = (nums[0], nums[-1]) if isinstance(nums, list) else (nums, None)
    low, high = to_number(low), to_number(high)
    if high is not None and high == low:
        high = None
    qualifier = "range" if high is not None else JIO_QUALIFIER.get(detail.get("definition"), "exact")
    currency = jio_currency(detail.get("case"), item.get("text", ""), article.local_currency)
    return money_record(item["offset"], item.get("text", ""), low, currency, qualifier, high)


def jio_currency(case: str | None, text: str, local: str) -> str | None:
    """JioNLP's currency word as ISO 4217; its 元 is RMB only when 人民币 is written, else local."""
    if case in ("元", "块", "圆"):
        return "CNY" if re.search("人民[币幣]", text) else local
    return JIO_CURRENCY.get(case or "", case)


def jio_period(item: Mapping) -> dict | None:
    """A JioNLP time_point/time_span as a month period; days, sub-month spans and durations dropped."""
    if item.get("type") not in JIO_PERIOD_TYPES:
        return None
    times = (item.get("detail") or {}).get("time")
    if not isinstance(times, list) or len(times) != 2:
        return None
    start, end = (_jio_datetime(t) for t in times)
    if end is None or (start is not None and start.date() == end.date()):
        return None
    if start is not None and not _whole_months(start, end) and end - start < dt.timedelta(days=28):
        return None
    return period_record(item["offset"], item.get("text", ""),
                         start.strftime("%Y-%m") if start else None, end.strftime("%Y-%m"))


def _jio_datetime(text: Any) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(str(text), "%Y-%m-%d %H:%M:%S")
    except ValueError:  # 'inf' / '-inf': an open end
        return None


def _whole_months(start: dt.datetime, end: dt.datetime) -> bool:
    return start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]


# --- Microsoft Recognizers-Text -----------------------------------------------------------------

def recognizers_system() -> System | None:
    try:
        from recognizers_number import NumberRecognizer
        from recognizers_number_with_unit import NumberWithUnitRecognizer
        from recognizers_number_with_unit.resources.chinese_numeric_with_unit import ChineseNumericWithUnit
        from recognizers_text import Culture
    except ImportError as error:
        note(f"Recognizers-Text not installed or not importable ({error}): skipped "
              f"(install the peers with: {INSTALL_HINT}; it needs emoji<2)")
        return None
    # the models that recognize_currency / recognize_percentage build on every call, built once
    currency = NumberWithUnitRecognizer(Culture.Chinese).get_currency_model(Culture.Chinese)
    percent = NumberRecognizer(Culture.Chinese).get_percentage_model(Culture.Chinese)
    iso = dict(ChineseNumericWithUnit.CurrencyNameToIsoCodeMap)

    def run(article: Article):
        return currency.parse(article.text), percent.parse(article.text)

    def extract(article: Article) -> dict[str, list[dict]]:
        money, percents = run(article)
        return {"money": rt_money(money, article, iso),
                "percent": [p for p in map(rt_percent, percents) if p]}

    return System("Recognizers-Text", ("money", "percent"), extract, run,
                  "currency + percentage models")


def rt_money(results: list, article: Article, iso: Mapping[str, str]) -> list[dict]:
    """Currency results as money records; a bare prefix (新台币, 人民币) gives the next 元 amount its currency."""
    records, prefix = [], None  # prefix: (end offset, ISO) of a currency word without a number
    for result in sorted(results, key=lambda r: r.start):
        resolution = result.resolution or {}
        code = resolution.get("isoCurrency") or iso.get(resolution.get("unit") or "")
        start, end = result.start, result.end + 1  # Recognizers' end is inclusive
        value = to_number(resolution.get("value")) if resolution.get("value") is not None else None
        if value is None:
            prefix = (end, code)
            continue
        if resolution.get("unit") == "Chinese yuan":
            code = _yuan_currency(article, result.text, start, end, prefix)
        records.append(money_record((start, end), result.text, value, code))
        prefix = None
    return records


def _yuan_currency(article: Article, text: str, start: int, end: int, prefix) -> str:
    if prefix and prefix[1] and RT_PREFIX_GAP.fullmatch(article.text[prefix[0]:start]):
        return prefix[1]
    if re.search("人民[币幣]", text) or re.match(r"\s*人民[币幣]", article.text[end:end + 4]):
        return "CNY"
    if re.search("[元圆圓块塊]$", text) and not YUAN_PREFIX.search(text[:-1]):
        return article.local_currency
    return "CNY"


def rt_percent(result) -> dict | None:
    raw = str((result.resolution or {}).get("value") or "").strip()
    scale = {"%": Decimal(100), "‰": Decimal(1000)}.get(raw[-1:]) if raw else None
    value = to_number(raw[:-1] if scale else raw)
    if value is None:
        return None
    value = abs(value / scale if scale else value)
    return percent_record((result.start, result.end + 1), result.text, "percent", value)


# --- ours ---------------------------------------------------------------------------------------

OUR_PARTS = {"company": ("pipeline.recognize.company", "find_companies"),
             "money": ("pipeline.recognize.money", "find_money"),
             "percent": ("pipeline.recognize.percent", "find_percents"),
             "period": ("pipeline.recognize.period", "find_periods")}
GOLD_KEY = {"money": "money", "percent": "percent", "period": "periods"}


def our_parts() -> dict[str, Callable]:
    parts = {}
    for part, (module, name) in OUR_PARTS.items():
        try:
            parts[part] = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError) as error:
            note(f"ours: {module}.{name} not available yet ({error}); {part} skipped")
    return parts


def our_system() -> System | None:
    parts = our_parts()
    kinds = tuple(GOLD_KEY[p] for p in ("money", "percent", "period") if p in parts)
    if not kinds:
        note("ours: no recogniser available: skipped")
        return None
    fiscal_year_end = _fiscal_year_end()

    def run(article: Article) -> list:
        companies = call_with(parts["company"], article.text) if "company" in parts else []
        found = list(companies)
        if "money" in parts:
            found += parts["money"](article.text, local_currency=article.local_currency)
        if "percent" in parts:
            found += parts["percent"](article.text)
        if "period" in parts:
            found += call_with(parts["period"], article.text, pub_date=article.date,
                               companies=companies, fiscal_year_end=fiscal_year_end)
        return found

    def extract(article: Article) -> dict[str, list[dict]]:
        records: dict[str, list[dict]] = {kind: [] for kind in kinds}
        for mention in run(article):
            if GOLD_KEY.get(mention.type) in records:
                records[GOLD_KEY[mention.type]].append(mention.to_json())
        return records

    timed = " + ".join(OUR_PARTS[p][1] for p in parts)
    return System("ours", kinds, extract, run, timed)


def _fiscal_year_end() -> Callable[[str], int | None] | None:
    try:  # what the pipeline's period component passes
        from pipeline.company_table import fiscal_year_end
        fiscal_year_end("Microsoft")  # loads and checks the table now, not inside the timing
        return fiscal_year_end
    except Exception as error:  # noqa: BLE001 - the table is optional for a benchmark
        note(f"ours: company table not loadable ({error}); fiscal years use the calendar year")
        return None


# ------------------------------------------------------------------ scoring

def _matchers() -> tuple[Callable, dict[str, Callable]]:
    """The evaluator's own multiset matcher and equality rules (GOLD_FORMAT section 3)."""
    from pipeline.scoring import match_multiset, money_same, percent_same, period_same

    return match_multiset, {"money": money_same, "percent": percent_same, "periods": period_same}


def score_system(system: System, articles: list[Article], gold: Mapping[str, dict]) -> dict:
    """Micro P/R/F1 per kind: tp, pred, gold summed over articles."""
    match, same = _matchers()
    counts = {kind: Counter() for kind in system.kinds}
    for article in articles:
        found = system.extract(article)
        for kind in system.kinds:
            preds = [r for r in found.get(kind, []) if not inside(r["span"], article.boilerplate)]
            golds = (gold.get(article.doc_id) or {}).get(kind) or []
            counts[kind].update(tp=match(golds, preds, same[kind]), pred=len(preds), gold=len(golds))
    return {kind: _prf(c) for kind, c in counts.items()}


def _prf(counts: Counter) -> dict:
    tp, pred, gold = counts["tp"], counts["pred"], counts["gold"]
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"P": p, "R": r, "F1": f, "tp": tp, "pred": pred, "gold": gold}


# ------------------------------------------------------------------ throughput

def throughput(system: System, articles: list[Article], min_seconds: float = MIN_SECONDS) -> dict:
    """Characters per second over all texts, repeated until ``min_seconds``; one warm-up pass first."""
    for article in articles:  # loads models and dictionaries, fills caches
        system.run(article)
    chars = sum(len(a.text) for a in articles)
    rounds, start = 0, time.perf_counter()
    while True:
        for article in articles:
            system.run(article)
        rounds += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            break
    return {"chars_per_s": chars * rounds / elapsed, "rounds": rounds, "seconds": elapsed,
            "chars": chars, "timed": system.timed}


# ------------------------------------------------------------------ report

def quality_table(scores: Mapping[str, Mapping[str, dict]]):
    """Rows: kinds; columns: (system, P/R/F1/tp/pred); a kind a system does not do stays empty."""
    import pandas as pd

    columns = pd.MultiIndex.from_product([list(scores), ["P", "R", "F1", "tp/pred"]])
    table = pd.DataFrame(index=list(KINDS), columns=columns, dtype=object)
    for system, by_kind in scores.items():
        for kind, s in by_kind.items():
            table.loc[kind, (system, "P")] = f"{s['P']:.3f}"
            table.loc[kind, (system, "R")] = f"{s['R']:.3f}"
            table.loc[kind, (system, "F1")] = f"{s['F1']:.3f}"
            table.loc[kind, (system, "tp/pred")] = f"{s['tp']}/{s['pred']}"
    table.insert(0, ("gold", "n"), [_gold_count(scores, kind) for kind in KINDS])
    return table.fillna("—")


def _gold_count(scores: Mapping[str, Mapping[str, dict]], kind: str) -> Any:
    for by_kind in scores.values():
        if kind in by_kind:
            return by_kind[kind]["gold"]
    return "—"


def speed_table(speeds: Mapping[str, dict]):
    import pandas as pd

    rows = {name: {"chars/s": f"{s['chars_per_s']:,.0f}", "rounds": s["rounds"],
                   "seconds": f"{s['seconds']:.2f}", "timed": s["timed"]} for name, s in speeds.items()}
    return pd.DataFrame.from_dict(rows, orient="index")


def print_report(result: Mapping) -> None:
    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_columns", 50):
        print(f"\nMention P/R/F1 over {result['articles']} articles "
              f"({result['chars']:,} characters), gold {result['gold']}:")
        print(quality_table(result["scores"]).to_string())
        if result["speed"]:
            print("\nThroughput (load time excluded, one warm-up pass):")
            print(speed_table(result["speed"]).to_string())


# ------------------------------------------------------------------ main

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=Path, default=REPO.parent / "shared" / "dev" / "articles",
                        help="folder of articles (default: ../shared/dev/articles)")
    parser.add_argument("--gold", type=Path, default=REPO.parent / "shared" / "dev" / "gold.jsonl",
                        help="gold JSONL with mentions (default: ../shared/dev/gold.jsonl)")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("--no-speed", action="store_true", help="skip the throughput measurement")
    parser.add_argument("--min-seconds", type=float, default=MIN_SECONDS,
                        help="time each system at least this long (default: 1.0)")
    return parser.parse_args(argv)


def measure(args: argparse.Namespace) -> dict:
    articles, gold = load_articles(args.articles, exclude=args.gold), load_gold(args.gold)
    missing = [a.doc_id for a in articles if a.doc_id not in gold]
    if missing:
        note(f"note: {len(missing)} file(s) without a gold line, not part of the set, skipped: {missing[:5]}")
        articles = [a for a in articles if a.doc_id in gold]
    absent = sorted(set(gold) - {a.doc_id for a in articles})
    if absent:
        note(f"note: {len(absent)} gold article(s) not found under {args.articles}: {absent[:5]}")
    systems = [s for s in (jionlp_system(), recognizers_system(), our_system()) if s]
    scores = {s.name: score_system(s, articles, gold) for s in systems}
    speed = {} if args.no_speed else {s.name: throughput(s, articles, args.min_seconds) for s in systems}
    return {"articles": len(articles), "chars": sum(len(a.text) for a in articles),
            "gold": {kind: sum(len((g or {}).get(kind) or []) for g in gold.values()) for kind in KINDS},
            "scores": scores, "speed": speed}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for path, what in ((args.articles, "articles folder"), (args.gold, "gold file")):
        if not path.exists():
            note(f"{what} not found: expected {path}")
            return 2
    with contextlib.redirect_stdout(sys.stderr):  # peers print banners on import
        result = measure(args)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print_report(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
