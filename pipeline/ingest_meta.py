"""Ingest helpers: text normalisation, front matter, dates, URL, locale and boilerplate lines."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from pipeline.lexicon import SAFE_LOADER

# \v \f NEL LS PS end lines; other C0/C1 controls (not \n \t), zero-width and bidi marks vanish.
_BREAK_CHARS = "\x0b\x0c\x85\u2028\u2029"
_INVISIBLE_CHARS = ("\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u180e\u200b-\u200f"
                    "\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff")
_LINE_BREAKS = re.compile(f"\r\n?|[{_BREAK_CHARS}]")
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
# A character either pattern changes: most texts have none, and one class scan costs a fraction
# of the two substitutions (the alternation of _LINE_BREAKS scans slowly).
_TO_CLEAN = re.compile(f"[\r{_BREAK_CHARS}{_INVISIBLE_CHARS}]")


def normalise_text(text: str) -> str:
    """``\\r\\n``/``\\r`` -> ``\\n``; controls (but ``\\n`` ``\\t``) and zero-width characters removed; NFC."""
    if _TO_CLEAN.search(text):
        text = _INVISIBLE.sub("", _LINE_BREAKS.sub("\n", text))
    return unicodedata.normalize("NFC", text)


# --- front matter --------------------------------------------------------------------------------
_FENCE = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(.*))?$")
_CONTINUATION = re.compile(r"^[ \t]+(?:-[ \t]|[A-Za-z_][\w-]*[ \t]*:)")  # YAML list item / nested key


def split_front_matter(text: str) -> tuple[dict | None, str, list[str]]:
    """(fields, body, warnings); fields is None when the text has no front matter.

    Malformed YAML falls back to ``key: value`` lines; an unclosed block keeps its
    leading ``key: value`` lines as front matter and the rest as body; a ``---``
    block without any ``key: value`` line is prose and stays in the body.
    """
    lines = text.lstrip("\n").split("\n")
    if not _FENCE.match(lines[0]):
        return None, text, []
    close = next((i for i in range(1, len(lines)) if _CLOSE.match(lines[i])), None)
    if close is None:
        count = 1
        while count < len(lines) and (_KEY_LINE.match(lines[count]) or _CONTINUATION.match(lines[count])):
            count += 1
        fields = _loose_fields(lines[1:count])
        return fields, "\n".join(lines[count:]), ["front matter: expected a closing '---' line, found none"]
    header, body = lines[1:close], "\n".join(lines[close + 1:])
    if any(h.strip() for h in header) and not any(_KEY_LINE.match(h) for h in header):
        return None, text, ["front matter: expected key: value lines after '---', found prose; kept as text"]
    try:
        loaded = yaml.load("\n".join(header), Loader=SAFE_LOADER) if any(h.strip() for h in header) else {}
    except (yaml.YAMLError, RecursionError, ValueError) as error:
        first = str(error).split("\n")[0]
        return _loose_fields(header), body, [f"front matter: expected YAML, found a syntax error ({first})"]
    if not isinstance(loaded, dict):
        return _loose_fields(header), body, [
            f"front matter: expected key: value pairs, found {type(loaded).__name__}"]
    return {str(k): v for k, v in loaded.items()}, body, []


def _loose_fields(lines: list[str]) -> dict:
    """``key: value`` lines read without YAML (quotes stripped)."""
    fields = {}
    for line in lines:
        match = _KEY_LINE.match(line)
        if match:
            fields[match.group(1)] = (match.group(2) or "").strip().strip("\"'")
    return fields


def url_from_fields(fields: Mapping[str, Any]) -> str | None:
    """The article URL from front matter ``url`` / ``from`` / ``link`` / ``source`` (only real URLs)."""
    for key in ("url", "from", "link", "source", "canonical"):
        value = fields.get(key)
        if isinstance(value, str) and re.match(r"(?i)^\s*(?:https?://|www\.)", value):
            return value.strip()
    return None


# --- dates ---------------------------------------------------------------------------------------
_YMD = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/._年]\s*(\d{1,2})\s*[-/._月]\s*(\d{1,2})(?!\d)")
_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
_URL_YEAR_MMDD = re.compile(r"/((?:19|20)\d{2})/(\d{2})(\d{2})/")
PAGE_DATE_KEYS = ("article:published_time", "og:published_time", "pubdate", "publishdate",
                  "publish_date", "datepublished", "date", "dc.date", "dc.date.issued",
                  "sailthru.date", "parsely-pub-date")


def parse_date(value: Any) -> dt.date | None:
    """A date from YAML (date/datetime), a number 20250208 or text in the usual forms; else None.

    ``2025-02-08T02:20:30.000Z``, ``2025-02-08``, ``2025/02/08``, ``2025.2.8``, ``2025年2月8日``, ``20250208``.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value).strip()
    for pattern in (_YMD, _COMPACT):
        match = pattern.search(text)
        if match and match.start() == 0:
            return _valid_date(*match.groups())
    return None


def date_from_url(url: str) -> dt.date | None:
    """A date carried by a URL path: /2026-02-06/, -2025-02-08-, /2025/02/08/, /2025/0208/, /20250320A04…"""
    path = unquote(urlsplit(url).path if "://" in url else url)
    for pattern in (_YMD, _URL_YEAR_MMDD, _COMPACT):
        for match in pattern.finditer(path):
            date = _valid_date(*match.groups())
            if date is not None:
                return date
    return None


def date_from_page(page: Any) -> dt.date | None:
    """The publication date an HTML page declares in <meta> or <time datetime>."""
    for key in PAGE_DATE_KEYS:
        if key in page.meta:
            date = parse_date(page.meta[key])
            if date is not None:
                return date
    return parse_date(page.time) if page.time else None


def _valid_date(year: str, month: str, day: str) -> dt.date | None:
    try:
        date = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return date if 1990 <= date.year <= 2100 else None


# --- locale --------------------------------------------------------------------------------------
TW_HOSTS = ("udn.com", "cna.com.tw", "ctee.com.tw", "chinatimes.com", "ltn.com.tw", "cnyes.com",
            "ettoday.net", "setn.com", "storm.mg", "technews.tw", "moneydj.com", "cw.com.tw",
            "businesstoday.com.tw", "tw.news.yahoo.com", "tw.stock.yahoo.com", "tw.finance.yahoo.com")
HK_HOSTS = ("etnet.com.hk", "hk01.com", "hket.com", "mingpao.com", "on.cc", "rthk.hk", "aastocks.com",
            "stheadline.com", "hk.news.yahoo.com", "hk.finance.yahoo.com", "wenweipo.com",
            "takungpao.com", "orientaldaily.on.cc", "inmediahk.net", "hkej.com")
_TW_HOSTS, _HK_HOSTS = frozenset(TW_HOSTS), frozenset(HK_HOSTS)
_TW_CUE = re.compile(r"新[台臺][币幣]|[台臺][币幣]|NT\$")
_HK_CUE = re.compile(r"港[元幣币]|HK\$")
_TW_CUE_PARTS = ("币", "幣", "NT$")  # every _TW_CUE match holds one: finding them is faster than the scan


def guess_locale(url: str | None, text: str, script: str | None) -> str | None:
    """'TW', 'HK' or 'CN' (what bare 元 means): URL domain first, then currency cues, then script."""
    host = (urlsplit(url).hostname or "").lower() if url and "://" in url else ""
    if host.endswith(".tw") or _host_in(host, _TW_HOSTS):
        return "TW"
    if host.endswith(".hk") or _host_in(host, _HK_HOSTS):
        return "HK"
    if any(part in text for part in _TW_CUE_PARTS) and _TW_CUE.search(text):
        return "TW"
    if script == "traditional" and _HK_CUE.search(text):
        return "HK"
    return "CN" if script == "simplified" else None


def _host_in(host: str, domains: frozenset[str]) -> bool:
    """``host`` is one of ``domains`` or a subdomain of one: the host and each of its dot-suffixes
    are looked up in the set (a few lookups instead of a scan of every domain)."""
    if host in domains:
        return True
    dot = host.find(".")
    while dot >= 0:
        if host[dot + 1:] in domains:
            return True
        dot = host.find(".", dot + 1)
    return False


# --- boilerplate lines ---------------------------------------------------------------------------
MAX_BOILERPLATE_CHARS = 200
MAX_CAPTION_CHARS = 120
_FOOTER = re.compile(r"版[权權](?:声明|聲明|所有)|未[经經](?:授[权權]|许可|許可|同意)[^。]{0,6}不得[转轉]载|"
                     r"不得[转轉][载載]|[转轉][载載]请注明|[转轉][載载]請註明|All rights reserved|"
                     r"Copyright\s*(?:©|\(c\)|\d{4})", re.IGNORECASE)
_CREDIT = re.compile(r"图片来源|圖片來源|图源|圖源|供图|供圖|资料图|資料圖|資料照|摄|攝|路透|美联社|美聯社|法新社|"
                     r"新华社|新華社|视觉中国|視覺中國|东方IC|彭博|\b(?:reuters|AP|AFP|Getty|Bloomberg|EPA|"
                     r"photo|Shutterstock)\b", re.IGNORECASE)
_CAPTION_START = re.compile(r"^(?:[图圖]片?[为為:：]|(?:图片来源|圖片來源|图源|圖源)[:：])")
_CREDIT_TAIL = re.compile(r"[（(]([^（）()]{1,40})[）)]$")
# Every _FOOTER match holds one of these (版…, 不得…, …注明, …註明, and the g of "rights" or
# "Copyright", which only g and G match case folded): a line without any cannot be a footer.
# ``in`` finds one with a plain string search; re's scan for a class costs several times more, and
# the case-insensitive pattern more than the line's other checks.
_FOOTER_MARKS = ("版", "不得", "注明", "註明", "g", "G")
_CREDIT_ENDS = ("）", ")", "）\n", ")\n")  # how a _CREDIT_TAIL match ends (``$``: or before a last \n)


def boilerplate_kind(line: str) -> str | None:
    """'footer' for a copyright line, 'caption' for a photo caption with a credit, else None."""
    if len(line) > MAX_BOILERPLATE_CHARS:
        return None
    if _may_be_footer(line) and _FOOTER.search(line):
        return "footer"
    if len(line) > MAX_CAPTION_CHARS or line.endswith(("。", "！", "？", "!", "?")):
        return None
    tail = _CREDIT_TAIL.search(line) if line.endswith(_CREDIT_ENDS) else None
    if _CAPTION_START.match(line) or (tail and _CREDIT.search(tail.group(1))):
        return "caption"
    return None


def _may_be_footer(line: str) -> bool:
    """Whether ``line`` holds one of _FOOTER_MARKS, as any footer does."""
    for mark in _FOOTER_MARKS:
        if mark in line:
            return True
    return False
