"""The records every stage passes along: Document, Mention, Fact.

Small frozen types with ``to_json``/``from_json``. Money and percentage values
are ``Decimal`` inside (exact), and become JSON numbers only when emitted.
Offsets are half-open ``[start, end)`` into ``Document.text`` (the cleaned text).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

MENTION_TYPES = ("money", "percent", "period", "company")
QUALIFIERS = ("exact", "approx", "over", "under", "range")
STATUSES = ("actual", "plan", "forecast")


def json_number(value: Decimal | int | float | None) -> int | float | None:
    """A Decimal as the JSON number it stands for: int when integral, else float."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return float(value)
    return value


def to_decimal(value: Any) -> Decimal | None:
    """A JSON number (or string) back to an exact Decimal; None stays None."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


_MISSING: Any = object()  # Document's meta and Mention's info default: a new dict each


@dataclass(frozen=True, init=False)
class Document:
    """One article after ingest: cleaned text plus metadata; offsets refer to ``text``."""

    doc_id: str
    text: str
    title: str | None = None
    date: dt.date | None = None
    url: str | None = None
    path: str | None = None
    fmt: str = "text"
    encoding: str = "utf-8"
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __init__(self, doc_id: str, text: str, title: str | None = None, date: dt.date | None = None,
                 url: str | None = None, path: str | None = None, fmt: str = "text", encoding: str = "utf-8",
                 meta: Mapping[str, Any] = _MISSING) -> None:
        # one __dict__ for the nine fields, not one object.__setattr__ each (Mention does the same)
        object.__setattr__(self, "__dict__", {
            "doc_id": doc_id, "text": text, "title": title, "date": date, "url": url, "path": path,
            "fmt": fmt, "encoding": encoding, "meta": {} if meta is _MISSING else meta})

    def to_json(self) -> dict:
        return {
            "doc_id": self.doc_id, "text": self.text, "title": self.title,
            "date": self.date.isoformat() if self.date else None, "url": self.url,
            "path": self.path, "format": self.fmt, "encoding": self.encoding,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Document:
        date = data.get("date")
        return cls(
            doc_id=data["doc_id"], text=data["text"], title=data.get("title"),
            date=dt.date.fromisoformat(date) if date else None, url=data.get("url"),
            path=data.get("path"), fmt=data.get("format", "text"),
            encoding=data.get("encoding", "utf-8"),
        )


@dataclass(frozen=True, init=False)
class Mention:
    """One recognised entity with its raw text, offsets and normalised value.

    Which fields are set depends on ``type``:
    - money: value, value_high (ranges), currency (ISO 4217), qualifier
    - percent: kind ("percent" | "multiple"), value (unsigned fraction or multiple), qualifier
    - period: start/end ("YYYY-MM", start may be None), fiscal
    - company: name (canonical)
    ``info`` carries extra, non-scored facts a later stage may use (e.g. money
    ``conversion: True`` for 约合…, company ``members`` for a group).
    """

    type: str
    text: str
    start: int
    end: int
    value: Decimal | None = None
    value_high: Decimal | None = None
    currency: str | None = None
    qualifier: str | None = None
    kind: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    fiscal: bool | None = None
    name: str | None = None
    info: Mapping[str, Any] = field(default_factory=dict)

    def __init__(self, type: str, text: str, start: int, end: int, value: Decimal | None = None,
                 value_high: Decimal | None = None, currency: str | None = None, qualifier: str | None = None,
                 kind: str | None = None, period_start: str | None = None, period_end: str | None = None,
                 fiscal: bool | None = None, name: str | None = None, info: Mapping[str, Any] = _MISSING) -> None:
        # The dataclass __init__ of a frozen class sets its 14 fields one object.__setattr__ at a time;
        # one __dict__ is half the cost, and recognisers build tens of mentions per document.
        object.__setattr__(self, "__dict__", {
            "type": type, "text": text, "start": start, "end": end, "value": value, "value_high": value_high,
            "currency": currency, "qualifier": qualifier, "kind": kind, "period_start": period_start,
            "period_end": period_end, "fiscal": fiscal, "name": name, "info": {} if info is _MISSING else info})
        # the checks of __post_init__ inline (type is a str here): a call less per mention
        if type not in MENTION_TYPES or not 0 <= start <= end or len(text) != end - start:
            self.__post_init__()

    def __post_init__(self) -> None:
        if self.type not in MENTION_TYPES:
            raise ValueError(f"mention type: expected one of {MENTION_TYPES}, found {self.type!r}")
        if not 0 <= self.start <= self.end:
            raise ValueError(f"mention offsets: expected 0 <= start <= end, found [{self.start}, {self.end})")
        if len(self.text) != self.end - self.start:
            raise ValueError(
                f"mention text {self.text!r}: expected length {self.end - self.start}, found {len(self.text)}")

    def with_(self, **changes: Any) -> Mention:
        # its fields (__dict__, keyed by field name) with the changes, through __init__ and its checks:
        # dataclasses.replace walks the field definitions first, the cost of a second Mention
        return Mention(**{**self.__dict__, **changes})

    def to_json(self, doc_id: str | None = None) -> dict:
        # one dict literal per type (no update() call), fields read from __dict__ (a dict lookup
        # each, not an attribute lookup) and json_number called for values only: dozens of
        # mentions per document are emitted
        fields = self.__dict__
        kind = fields["type"]
        if kind == "money":
            value, high = fields["value"], fields["value_high"]
            record: dict[str, Any] = {
                "doc_id": doc_id, "type": kind, "text": fields["text"], "span": [fields["start"], fields["end"]],
                "value": None if value is None else json_number(value),
                "value_high": None if high is None else json_number(high),
                "currency": fields["currency"], "qualifier": fields["qualifier"]}
        elif kind == "percent":
            value = fields["value"]
            record = {"doc_id": doc_id, "type": kind, "text": fields["text"], "span": [fields["start"], fields["end"]],
                      "kind": fields["kind"], "value": None if value is None else json_number(value),
                      "qualifier": fields["qualifier"]}
        elif kind == "period":
            record = {"doc_id": doc_id, "type": kind, "text": fields["text"], "span": [fields["start"], fields["end"]],
                      "start": fields["period_start"], "end": fields["period_end"], "fiscal": bool(fields["fiscal"])}
        else:
            record = {"doc_id": doc_id, "type": kind, "text": fields["text"], "span": [fields["start"], fields["end"]],
                      "name": fields["name"]}
        info = fields["info"]
        if info:  # most infos hold scalars only: a plain copy (a loop is cheaper than map + issuperset)
            scalars = _JSON_SCALARS
            for value in info.values():
                if type(value) not in scalars:
                    record["info"] = {k: v if type(v) in scalars else _plain(v) for k, v in info.items()}
                    break
            else:
                record["info"] = {**info}
        return record

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Mention:
        start, end = data["span"]
        kind = data["type"]
        return cls(
            type=kind, text=data["text"], start=start, end=end,
            value=to_decimal(data.get("value")), value_high=to_decimal(data.get("value_high")),
            currency=data.get("currency"), qualifier=data.get("qualifier"), kind=data.get("kind"),
            period_start=data.get("start"), period_end=data.get("end"), fiscal=data.get("fiscal"),
            name=data.get("name"), info=dict(data.get("info") or {}),
        )


_JSON_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    if type(value) in _JSON_SCALARS:  # the common case, without the slow ABC check below
        return value
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Amount:
    value: Decimal
    currency: str
    qualifier: str = "exact"
    text: str = ""
    value_high: Decimal | None = None

    def to_json(self) -> dict:
        return {"value": json_number(self.value), "value_high": json_number(self.value_high),
                "currency": self.currency, "qualifier": self.qualifier, "text": self.text}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Amount | None:
        if not data:
            return None
        return cls(value=to_decimal(data["value"]), currency=data.get("currency"),
                   qualifier=data.get("qualifier") or "exact", text=data.get("text", ""),
                   value_high=to_decimal(data.get("value_high")))


@dataclass(frozen=True)
class Change:
    value: Decimal
    qualifier: str = "exact"
    text: str = ""
    value_high: Decimal | None = None

    def to_json(self) -> dict:
        record = {"value": json_number(self.value), "qualifier": self.qualifier, "text": self.text}
        if self.value_high is not None:
            record["value_high"] = json_number(self.value_high)
        return record

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Change | None:
        if not data:
            return None
        return cls(value=to_decimal(data["value"]), qualifier=data.get("qualifier") or "exact",
                   text=data.get("text", ""), value_high=to_decimal(data.get("value_high")))


@dataclass(frozen=True)
class Period:
    start: str | None
    end: str | None
    fiscal: bool = False
    text: str = ""

    def to_json(self) -> dict:
        return {"start": self.start, "end": self.end, "fiscal": self.fiscal, "text": self.text}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Period | None:
        if not data:
            return None
        return cls(start=data.get("start"), end=data.get("end"),
                   fiscal=bool(data.get("fiscal")), text=data.get("text", ""))


@dataclass(frozen=True)
class Evidence:
    sentence: str
    start: int
    end: int

    def to_json(self) -> dict:
        return {"sentence": self.sentence, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Fact:
    """One capex fact (GOLD_FORMAT section 1) plus review fields (confidence, rule)."""

    doc_id: str | None
    companies: tuple[str, ...]
    amount: Amount | None
    change: Change | None
    period: Period | None
    status: str
    source: str | None
    scope: str | None
    evidence: Evidence | None
    confidence: float = 0.5
    rule: str = ""
    borderline: bool = False

    def to_json(self) -> dict:
        record = {
            "doc_id": self.doc_id,
            "companies": sorted(self.companies),
            "amount": self.amount.to_json() if self.amount else None,
            "change": self.change.to_json() if self.change else None,
            "period": self.period.to_json() if self.period else None,
            "status": self.status,
            "source": self.source,
            "scope": self.scope,
            "evidence": self.evidence.to_json() if self.evidence else None,
            "confidence": round(self.confidence, 3),
            "rule": self.rule,
        }
        if self.borderline:
            record["borderline"] = True
        return record

    @classmethod
    def from_json(cls, data: Mapping[str, Any], doc_id: str | None = None) -> Fact:
        ev = data.get("evidence")
        return cls(
            doc_id=data.get("doc_id", doc_id),
            companies=tuple(sorted(data.get("companies") or ())),
            amount=Amount.from_json(data.get("amount")),
            change=Change.from_json(data.get("change")),
            period=Period.from_json(data.get("period")),
            status=data.get("status") or "actual",
            source=data.get("source"),
            scope=data.get("scope"),
            evidence=Evidence(ev["sentence"], ev["start"], ev["end"]) if ev else None,
            confidence=float(data.get("confidence", 0.5)),
            rule=data.get("rule", ""),
            borderline=bool(data.get("borderline", False)),
        )
