"""The company table: models/companies.yaml loaded, validated and indexed.

One table drives everything that knows company names: alias lookup, fiscal year
ends, which names are cited sources (news agencies, research firms, banks), the
words added to jieba's dictionary and the spaCy ruler patterns. The last two are
generated from the table, never maintained by hand.

    table = load_company_table()
    table.lookup("台積電").name        # 'TSMC'
    table.fiscal_year_end("Microsoft")  # 6
    table.is_source("Reuters")          # True
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipeline.lexicon import SAFE_LOADER, LexiconError, load_data

TABLE_FILE = "companies.yaml"
MAX_NAMED = 20000  # names whose company ``CompanyTable.named`` keeps
KINDS = ("company", "source", "media")  # source: research firm/bank/broker; media: agency/paper
_REQUIRED = ("id", "name", "aliases", "country", "fiscal_year_end")
_OPTIONAL = ("kind", "parent", "brands")


@dataclass(frozen=True)
class Company:
    """One table entry. ``aliases`` includes brands; ``name`` is the canonical name."""

    id: str
    name: str
    aliases: tuple[str, ...]
    country: str
    fiscal_year_end: int
    parent: str | None = None
    kind: str = "company"
    brands: tuple[str, ...] = ()

    @property
    def is_source(self) -> bool:
        """Cited sources: research firms, banks and brokers (kind source) and news media (kind media)."""
        return self.kind in ("source", "media")


def alias_key(alias: str) -> str:
    """Lookup key of an alias: case-insensitive, spaces and middle dots ignored."""
    return "".join(alias.split()).replace("·", "").replace("’", "'").casefold()


class CompanyTable:
    """Validated companies with alias, name and id indexes."""

    def __init__(self, companies: Iterable[Company], non_companies: Iterable[str] = (),
                 source: str = TABLE_FILE) -> None:
        self.companies: tuple[Company, ...] = tuple(companies)
        self.non_companies: tuple[str, ...] = tuple(non_companies)
        self._by_id: dict[str, Company] = {}
        self._by_name: dict[str, Company] = {}
        self._by_alias: dict[str, Company] = {}
        self._named: dict[str, Company | None] = {}  # name as written → company (see ``named``)
        for company in self.companies:
            if company.id in self._by_id:
                raise LexiconError(f"{source}: expected unique ids, found {company.id!r} twice")
            self._by_id[company.id] = company
            name_key = alias_key(company.name)
            if name_key in self._by_name and self._by_name[name_key] is not company:
                raise LexiconError(f"{source}: expected unique names, found {company.name!r} twice")
            self._by_name[name_key] = company
        for company in self.companies:
            for alias in (company.name, *company.aliases):
                key = alias_key(alias)
                other = self._by_alias.get(key)
                if other is not None and other is not company:
                    raise LexiconError(
                        f"{source}: expected each alias to name one company, found {alias!r} "
                        f"for both {other.id!r} ({other.name}) and {company.id!r} ({company.name})")
                self._by_alias[key] = company
            if company.parent is not None and company.parent not in self._by_id:
                raise LexiconError(
                    f"{source}: {company.id}.parent expected the id of an entry, found {company.parent!r}")

    def __len__(self) -> int:
        return len(self.companies)

    def __iter__(self):
        return iter(self.companies)

    def lookup(self, alias: str) -> Company | None:
        """The company an alias (or brand, or canonical name) names, case and spaces ignored."""
        return self._by_alias.get(alias_key(alias))

    def by_name(self, name: str) -> Company | None:
        """The company with this canonical name (case and spaces ignored)."""
        return self._by_name.get(alias_key(name))

    def by_id(self, company_id: str) -> Company | None:
        return self._by_id.get(company_id)

    def fiscal_year_end(self, name: str) -> int | None:
        """Month the fiscal year ends in; None for calendar-year companies and unknown names."""
        company = self.by_name(name) or self.lookup(name)
        if company is None or company.fiscal_year_end == 12:
            return None
        return company.fiscal_year_end

    def named(self, name: str) -> Company | None:
        """The company a canonical name or an alias names (``by_name``, else ``lookup``). The fact
        stage asks this of the same few names many times per article, so answers are kept, as
        written (the key normalisation is most of the cost), up to MAX_NAMED names."""
        try:
            return self._named[name]
        except KeyError:
            pass
        if len(self._named) >= MAX_NAMED:  # names recognised by pattern are unbounded
            self._named.clear()
        company = self._named[name] = self.by_name(name) or self.lookup(name)
        return company

    def is_source(self, name: str) -> bool:
        """True for cited sources: news agencies and papers (kind media), research firms, banks, brokers."""
        company = self.named(name)
        return company is not None and company.is_source

    def is_analyst(self, name: str) -> bool:
        """True for research firms, banks and brokers (kind source): they can be a fact's `source`;
        news agencies and papers (kind media) only report figures."""
        company = self.named(name)
        return company is not None and company.kind == "source"

    def aliases(self) -> dict[str, Company]:
        """Every surface form (name, aliases, brands) → its company."""
        forms: dict[str, Company] = {}
        for company in self.companies:
            for alias in (company.name, *company.aliases):
                forms.setdefault(alias, company)
        return forms

    def jieba_words(self) -> list[str]:
        """Aliases with CJK characters, to add to jieba's dictionary (generated, sorted)."""
        return sorted({a for a in self.aliases() if any("\u4e00" <= ch <= "\u9fff" for ch in a)})

    def patterns(self) -> list[dict]:
        """spaCy SpanRuler/EntityRuler patterns: one phrase pattern per alias, id = canonical name."""
        return [{"label": "ORG", "pattern": alias, "id": company.name}
                for alias, company in sorted(self.aliases().items())]


def _check_entry(source: str, index: int, entry: Any) -> Company:
    where = f"{source}: companies[{index}]"
    if not isinstance(entry, Mapping):
        raise LexiconError(f"{where}: expected a mapping, found {type(entry).__name__}")
    where = f"{source}: companies[{index}] ({entry.get('id', '?')})"
    missing = [k for k in _REQUIRED if k not in entry]
    if missing:
        raise LexiconError(f"{where}: expected keys {list(_REQUIRED)}, missing {missing}")
    unknown = [k for k in entry if k not in _REQUIRED + _OPTIONAL]
    if unknown:
        raise LexiconError(f"{where}: expected only keys {list(_REQUIRED + _OPTIONAL)}, found {unknown}")
    for key in ("id", "name", "country"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise LexiconError(f"{where}: {key} expected a non-empty string, found {entry[key]!r}")
    if len(entry["country"]) != 2 or not entry["country"].isupper():
        raise LexiconError(f"{where}: country expected an ISO-2 code, found {entry['country']!r}")
    fye = entry["fiscal_year_end"]
    if not isinstance(fye, int) or isinstance(fye, bool) or not 1 <= fye <= 12:
        raise LexiconError(f"{where}: fiscal_year_end expected a month 1-12, found {fye!r}")
    lists = {}
    for key in ("aliases", "brands"):
        value = entry.get(key, [] if key == "brands" else None)
        if not isinstance(value, list) or (key == "aliases" and not value) or not all(
                isinstance(v, str) and v.strip() for v in value):
            raise LexiconError(f"{where}: {key} expected a list of non-empty strings, found {value!r:.80}")
        lists[key] = tuple(value)
    kind = entry.get("kind", "company")
    if kind not in KINDS:
        raise LexiconError(f"{where}: kind expected one of {KINDS}, found {kind!r}")
    parent = entry.get("parent")
    if parent is not None and not isinstance(parent, str):
        raise LexiconError(f"{where}: parent expected an id string, found {parent!r}")
    return Company(id=entry["id"], name=entry["name"], aliases=lists["aliases"] + lists["brands"],
                   country=entry["country"], fiscal_year_end=fye, parent=parent, kind=kind,
                   brands=lists["brands"])


def build_table(data: Any, source: str = TABLE_FILE) -> CompanyTable:
    """Validate parsed YAML data and build the table (raises LexiconError on a bad table)."""
    if not isinstance(data, Mapping) or "companies" not in data:
        raise LexiconError(f"{source}: expected a mapping with a 'companies' list, found {type(data).__name__}")
    entries = data["companies"]
    if not isinstance(entries, list) or not entries:
        raise LexiconError(f"{source}: companies expected a non-empty list, found {entries!r:.80}")
    non = data.get("non_companies", [])
    if not isinstance(non, list) or not all(isinstance(v, str) and v for v in non):
        raise LexiconError(f"{source}: non_companies expected a list of strings, found {non!r:.80}")
    return CompanyTable((_check_entry(source, i, e) for i, e in enumerate(entries)), non, source)


def load_table_file(path: str | Path) -> CompanyTable:
    """Load and validate a company table from any YAML file (used by tests)."""
    path = Path(path)
    with path.open(encoding="utf-8") as handle:
        return build_table(yaml.load(handle, Loader=SAFE_LOADER), str(path))


@functools.lru_cache(maxsize=1)
def load_company_table() -> CompanyTable:
    """models/companies.yaml, validated, once per process."""
    return build_table(load_data(TABLE_FILE))


def fiscal_year_end(name: str) -> int | None:
    """The month a company's fiscal year ends in, or None when it is the calendar year or unknown."""
    return load_company_table().fiscal_year_end(name)
