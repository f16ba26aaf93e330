"""One fact per distinct (companies, period, amount): restatements merge, and a change
stated without an amount folds into the amount it describes."""
from __future__ import annotations

from decimal import Decimal

from pipeline.facts.draft import Draft

AMOUNT_TOLERANCE = Decimal("0.005")


def merge_drafts(drafts: list[Draft]) -> list[Draft]:
    """Merge restatements, then fold amount-less changes into their amounts, dropping orphans."""
    with_amount: list[Draft] = []
    for draft in (d for d in drafts if d.amount is not None):
        place = next((i for i, kept in enumerate(with_amount) if _same_fact(kept, draft)), None)
        if place is None:
            with_amount.append(draft)
        else:
            with_amount[place] = _combine(with_amount[place], draft)
    result = list(with_amount)
    for draft in (d for d in drafts if d.amount is None):
        target = _fold_target(result, draft)
        if target is not None and target.change is None:
            result[result.index(target)] = _with_change(target, draft)
        elif target is not None and not _same_change_value(target, draft):
            result.append(draft)  # 今年算力投资将同比提升28%: a part's change, not the total's
        elif draft.companies:
            twin = next((kept for kept in result if _same_change(kept, draft)), None)
            if twin is None:
                result.append(draft)
            elif draft.change.value_high is not None and twin.change.value_high is None:
                result[result.index(twin)] = draft  # the body's 减少20%~30% over the headline's 最多三成
    return result


def _overlap(a: Draft, b: Draft) -> bool:
    if a.companies and b.companies:
        return not set(a.companies).isdisjoint(b.companies)  # one set per pair, not two and their meet
    return False


def _end_year(draft: Draft) -> int | None:
    if draft.period is None or not draft.period.end:
        return None
    return int(draft.period.end[:4])


def _years_agree(a: Draft, b: Draft) -> bool:
    ya, yb = _end_year(a), _end_year(b)
    return ya is None or yb is None or ya == yb


def _close(x: Decimal | None, y: Decimal | None) -> bool:
    if x is None or y is None:
        return False
    return abs(x - y) <= AMOUNT_TOLERANCE * max(abs(x), abs(y))


def _same_amount(a: Draft, b: Draft) -> bool:
    if a.amount.currency != b.amount.currency:
        return False
    # the ends in tuples, not sets: a missing end (None) is close to nothing and a repeated end
    # finds nothing new, so the answer is the same without building two sets per pair
    ends_a, ends_b = (a.amount.value, a.amount.value_high), (b.amount.value, b.amount.value_high)
    return any(_close(x, y) for x in ends_a for y in ends_b)


def _same_fact(a: Draft, b: Draft) -> bool:
    if a.amount.currency != b.amount.currency:
        return False  # the cheapest test first: every pair of drafts is compared
    if not (a.companies == b.companies or _overlap(a, b)) or not _years_agree(a, b) or not _same_amount(a, b):
        return False
    places_a, places_b = a.place_names(), b.place_names()  # last: worked out for drafts otherwise the same
    return not (places_a and places_b and not places_a & places_b)


def _richness(draft: Draft) -> tuple:
    amount = draft.amount
    return (amount is not None and amount.value_high is not None, draft.change is not None,
            draft.period is not None and len(draft.period.text), draft.companies is not None)


def _combine(a: Draft, b: Draft) -> Draft:
    """Keep the richer statement; fill what it lacks from the other."""
    primary, other = (b, a) if _richness(b) > _richness(a) else (a, b)
    primary.change = primary.change or other.change
    primary.period = primary.period or other.period
    primary.source = primary.source or other.source
    primary.companies = primary.companies or other.companies
    primary.confidence = min(1.0, max(primary.confidence, other.confidence) + 0.05)
    primary.notes.append(f"merged with sentence {other.sentence_index}")
    return primary


def _fold_target(kept: list[Draft], draft: Draft) -> Draft | None:
    """The amount fact a change-only statement describes: same spender (or an unnamed group
    beside a multi-company fact) and the same period year; the larger level for a rise."""
    candidates = [k for k in kept if _years_agree(k, draft) and k.amount is not None and (
        _overlap(k, draft) or (not draft.companies and k.companies and len(k.companies) > 1))]
    if draft.period is not None:
        exact = [k for k in candidates if _end_year(k) == _end_year(draft)]
        candidates = exact or candidates
    if not candidates:
        return None
    rising = draft.change is not None and draft.change.value >= 0
    return max(candidates, key=lambda k: k.amount.value if rising else -k.amount.value)


def _with_change(target: Draft, draft: Draft) -> Draft:
    target.change = draft.change
    target.notes.append(f"change from sentence {draft.sentence_index}")
    return target


def _same_change(a: Draft, b: Draft) -> bool:
    if not (a.amount is None and _overlap(a, b) and _years_agree(a, b)
            and a.change is not None and b.change is not None):
        return False
    ends_a = {a.change.value, a.change.value_high} - {None}
    ends_b = {b.change.value, b.change.value_high} - {None}
    return any(abs(x - y) <= Decimal("0.005") for x in ends_a for y in ends_b)


def _same_change_value(a: Draft, b: Draft) -> bool:
    return a.change is not None and b.change is not None and abs(a.change.value - b.change.value) <= Decimal("0.005")
