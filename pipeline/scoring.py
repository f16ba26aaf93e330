"""Scoring rules of GOLD_FORMAT section 3, on plain JSON records (dicts).

- ``CompanyIndex``: which company names are the same company, per article.
- Comparisons: amounts, changes, periods, fields of a matched fact pair.
- ``max_weight_matching``: one-to-one assignment (Hungarian algorithm).
- ``match_facts`` / ``match_multiset`` / ``company_mention_counts``: per-article counts.

Decisions where section 3 leaves room (also listed in the evaluator's docstring):
- Relative tolerances are taken against the gold value (|pred - gold| <= 0.5% * |gold|).
- A value without ``value_high`` has its high end equal to its value, so a range
  matches only a range (or a single value) whose both ends are within 0.5%.
- Both changes null counts as equal (for candidacy and for the change field).
- A gold period with no end year (or null) accepts any predicted period.
- Among maximum matchings the one with most strict-correct pairs is taken, then
  the one with most correct fields; ties after that go by record order.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

AMOUNT_REL_TOL = 0.005
CHANGE_ABS_TOL = 0.005
PERCENT_ABS_TOL = 0.0005
_EPS = 1e-9

FIELDS = ("companies", "period", "change", "status", "qualifier", "source")
STRICT_FIELDS = ("companies", "period", "change", "status")


def norm_name(name: Any) -> str:
    """A name with case and all whitespace ignored ('' for None)."""
    if name is None:
        return ""
    return "".join(str(name).split()).casefold()


def within_relative(pred: Any, gold: Any, tol: float = AMOUNT_REL_TOL) -> bool:
    """|pred - gold| <= tol * |gold|; None never matches."""
    if pred is None or gold is None:
        return False
    return abs(float(pred) - float(gold)) <= tol * abs(float(gold)) + _EPS


def within_absolute(pred: Any, gold: Any, tol: float) -> bool:
    """|pred - gold| <= tol; None never matches."""
    if pred is None or gold is None:
        return False
    return abs(float(pred) - float(gold)) <= tol + _EPS


class CompanyIndex:
    """Company-name equivalence for one article.

    Gold entries are ``mentions.companies`` ({name, aliases}); a predicted company
    mention whose ``text`` is one of an entry's names/aliases adds its predicted
    ``name`` to that entry's aliases (the extractor's alias table, shown by its mentions).
    """

    def __init__(self, gold_companies: Sequence[Mapping], pred_company_mentions: Sequence[Mapping] = ()):
        self.entries: list[set[str]] = [_entry_names(entry) for entry in gold_companies]
        self.names: list[str] = [str(entry.get("name", "")) for entry in gold_companies]
        original = [set(names) for names in self.entries]
        for mention in pred_company_mentions:
            text, name = norm_name(mention.get("text")), norm_name(mention.get("name"))
            if not text or not name:
                continue
            for i, names in enumerate(original):
                if text in names:
                    self.entries[i].add(name)

    def entries_of(self, name: Any) -> set[int]:
        """Indexes of the gold entries ``name`` is a name or alias of."""
        key = norm_name(name)
        return {i for i, names in enumerate(self.entries) if key in names}

    def same(self, a: Any, b: Any) -> bool:
        """True when ``a`` and ``b`` name the same company in this article."""
        if norm_name(a) == norm_name(b):
            return True
        return bool(self.entries_of(a) & self.entries_of(b))

    def share_one(self, names_a: Sequence, names_b: Sequence) -> bool:
        return any(self.same(a, b) for a in names_a for b in names_b)

    def same_set(self, names_a: Sequence, names_b: Sequence) -> bool:
        """Every name on each side has an equivalent on the other side."""
        return (all(any(self.same(a, b) for b in names_b) for a in names_a)
                and all(any(self.same(a, b) for a in names_a) for b in names_b))


def _entry_names(entry: Mapping) -> set[str]:
    names = {norm_name(alias) for alias in entry.get("aliases") or ()}
    names.add(norm_name(entry.get("name")))
    names.discard("")
    return names


# ---------------------------------------------------------------- fact comparisons

def amounts_compatible(gold: Mapping | None, pred: Mapping | None) -> bool:
    """Both null, or same currency and both ends within 0.5% of gold."""
    if gold is None or pred is None:
        return gold is None and pred is None
    if norm_name(gold.get("currency")) != norm_name(pred.get("currency")):
        return False
    return (within_relative(pred.get("value"), gold.get("value"))
            and within_relative(_high_end(pred), _high_end(gold)))


def _high_end(amount: Mapping) -> Any:
    high = amount.get("value_high")
    return amount.get("value") if high is None else high


def changes_equal(gold: Mapping | None, pred: Mapping | None) -> bool:
    """Both null, or both values within 0.005."""
    if gold is None or pred is None:
        return gold is None and pred is None
    return within_absolute(pred.get("value"), gold.get("value"), CHANGE_ABS_TOL)


def end_year(period: Mapping | None) -> str | None:
    end = (period or {}).get("end")
    return str(end)[:4] if end else None


def periods_compatible(gold: Mapping | None, pred: Mapping | None) -> bool:
    """End years equal, or the gold period (its end) is null."""
    gold_year = end_year(gold)
    return gold_year is None or gold_year == end_year(pred)


def periods_equal(gold: Mapping | None, pred: Mapping | None) -> bool:
    """Start and end equal; both periods null are equal."""
    if gold is None or pred is None:
        return gold is None and pred is None
    return gold.get("start") == pred.get("start") and gold.get("end") == pred.get("end")


def is_candidate(gold: Mapping, pred: Mapping, index: CompanyIndex) -> bool:
    """May ``pred`` be matched to ``gold`` (section 3, fact matching)?"""
    if not index.share_one(gold.get("companies") or (), pred.get("companies") or ()):
        return False
    gold_amount, pred_amount = gold.get("amount"), pred.get("amount")
    if not amounts_compatible(gold_amount, pred_amount):
        return False
    if gold_amount is None and not changes_equal(gold.get("change"), pred.get("change")):
        return False
    return periods_compatible(gold.get("period"), pred.get("period"))


def amount_qualifier(fact: Mapping) -> str | None:
    """The amount's qualifier ('exact' when the amount leaves it out); None without amount."""
    amount = fact.get("amount")
    if amount is None:
        return None
    return amount.get("qualifier") or "exact"


def _source_key(fact: Mapping) -> str:
    return norm_name(fact.get("source"))


def field_results(gold: Mapping, pred: Mapping, index: CompanyIndex) -> dict[str, bool]:
    """Which scored fields of a matched pair are right."""
    return {
        "companies": index.same_set(gold.get("companies") or (), pred.get("companies") or ()),
        "period": periods_equal(gold.get("period"), pred.get("period")),
        "change": changes_equal(gold.get("change"), pred.get("change")),
        "status": gold.get("status") == pred.get("status"),
        "qualifier": amount_qualifier(gold) == amount_qualifier(pred),
        "source": _source_key(gold) == _source_key(pred),
    }


def is_strict(fields: Mapping[str, bool]) -> bool:
    return all(fields[name] for name in STRICT_FIELDS)


# ---------------------------------------------------------------- matching

def max_weight_matching(weights: Sequence[Sequence[int | None]]) -> list[tuple[int, int]]:
    """One-to-one pairs (row, col) maximising the total weight; None = not allowed.

    Hungarian algorithm (rows <= cols, transposed otherwise); weights of allowed
    pairs must be positive. Only allowed pairs are returned.
    """
    rows = len(weights)
    cols = len(weights[0]) if rows else 0
    if rows == 0 or cols == 0:
        return []
    if rows > cols:
        transposed = [[weights[i][j] for i in range(rows)] for j in range(cols)]
        return sorted((i, j) for j, i in max_weight_matching(transposed))
    cost = [[-(w or 0) for w in row] for row in weights]
    return [(i, j) for i, j in enumerate(_hungarian_min_cost(cost)) if weights[i][j] is not None]


def _hungarian_min_cost(cost: list[list[int]]) -> list[int]:
    """Column assigned to each row of an n x m cost matrix (n <= m), minimising the total."""
    n, m = len(cost), len(cost[0])
    inf = float("inf")
    u, v = [0] * (n + 1), [0] * (m + 1)
    owner, way = [0] * (m + 1), [0] * (m + 1)  # owner[col] = row (1-based), 0 = free
    for row in range(1, n + 1):
        owner[0], col0 = row, 0
        min_slack, used = [inf] * (m + 1), [False] * (m + 1)
        while owner[col0] != 0:
            used[col0], r, delta, col1 = True, owner[col0], inf, 0
            for col in range(1, m + 1):
                if used[col]:
                    continue
                slack = cost[r - 1][col - 1] - u[r] - v[col]
                if slack < min_slack[col]:
                    min_slack[col], way[col] = slack, col0
                if min_slack[col] < delta:
                    delta, col1 = min_slack[col], col
            for col in range(m + 1):
                if used[col]:
                    u[owner[col]] += delta
                    v[col] -= delta
                else:
                    min_slack[col] -= delta
            col0 = col1
        while col0:
            col1 = way[col0]
            owner[col0] = owner[col1]
            col0 = col1
    assignment = [0] * n
    for col in range(1, m + 1):
        if owner[col]:
            assignment[owner[col] - 1] = col - 1
    return assignment


def match_facts(golds: Sequence[Mapping], preds: Sequence[Mapping],
                index: CompanyIndex) -> list[tuple[int, int]]:
    """Maximum one-to-one matching of candidate pairs (gold index, pred index).

    Lexicographic preference: most pairs, then most strict-correct pairs, then
    most correct fields (weights scaled so each level dominates the next).
    """
    most = min(len(golds), len(preds))
    strict_weight = len(FIELDS) * most + 1
    match_weight = (strict_weight + len(FIELDS)) * most + 1
    weights = [[_pair_weight(g, p, index, match_weight, strict_weight) for p in preds] for g in golds]
    return sorted(max_weight_matching(weights))


def _pair_weight(gold: Mapping, pred: Mapping, index: CompanyIndex,
                 match_weight: int, strict_weight: int) -> int | None:
    if not is_candidate(gold, pred, index):
        return None
    fields = field_results(gold, pred, index)
    return match_weight + strict_weight * is_strict(fields) + sum(fields.values())


def match_multiset(golds: Sequence, preds: Sequence, same: Callable[[Any, Any], bool]) -> int:
    """Size of a maximum one-to-one matching between gold and predicted items (augmenting paths)."""
    options = [[j for j, p in enumerate(preds) if same(g, p)] for g in golds]
    owner: dict[int, int] = {}  # pred index -> gold index

    def augment(g: int, seen: set[int]) -> bool:
        for j in options[g]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = g
                    return True
        return False

    return sum(augment(g, set()) for g in range(len(golds)))


# ---------------------------------------------------------------- mention equality

def money_same(gold: Mapping, pred: Mapping) -> bool:
    return (norm_name(gold.get("currency")) == norm_name(pred.get("currency"))
            and within_relative(pred.get("value"), gold.get("value")))


def percent_same(gold: Mapping, pred: Mapping) -> bool:
    return (gold.get("kind") == pred.get("kind")
            and within_absolute(pred.get("value"), gold.get("value"), PERCENT_ABS_TOL))


def period_same(gold: Mapping, pred: Mapping) -> bool:
    return gold.get("start") == pred.get("start") and gold.get("end") == pred.get("end")


def company_mention_counts(gold_entries: Sequence[Mapping], pred_names: Sequence[Any],
                           index: CompanyIndex) -> tuple[int, int, int]:
    """(tp, pred, gold) for company mentions, each company once per article.

    A gold entry is found when some predicted name is equivalent to it; predicted
    names equivalent to no gold entry count once per distinct (normalised) name.
    """
    found: set[int] = set()
    unmatched: set[str] = set()
    for name in pred_names:
        entries = index.entries_of(name)
        if entries:
            found |= entries
        elif norm_name(name):
            unmatched.add(norm_name(name))
    return len(found), len(found) + len(unmatched), len(gold_entries)
