"""A fact while it is being assembled: the Fact fields plus where they came from."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import regex

from pipeline.document import Amount, Change, Evidence, Fact, Mention, Period


@dataclass
class Draft:
    companies: tuple[str, ...] | None
    amount: Amount | None
    change: Change | None
    period: Period | None
    status: str
    source: str | None
    scope: str | None
    evidence: Evidence
    rule: str
    confidence: float
    money: Mention | None = None
    role: str = "subject"
    sentence_index: int = 0
    group_text: str | None = None
    places: frozenset | None = frozenset()  # None: its sentence's, worked out when first asked for
    notes: list[str] = field(default_factory=list)

    def place_names(self) -> frozenset:
        """The places its sentence names. Only a merge that finds two drafts otherwise the same asks,
        so a prose draft leaves them to be worked out then (most are never asked)."""
        if self.places is None:
            self.places = places_in(self.evidence.sentence)
        return self.places

    def to_fact(self, doc_id: str | None) -> Fact:
        companies = self.companies or ((self.group_text,) if self.group_text else ())
        return Fact(doc_id=doc_id, companies=tuple(sorted(companies)), amount=self.amount,
                    change=self.change, period=self.period, status=self.status, source=self.source,
                    scope=self.scope, evidence=self.evidence, confidence=self.confidence, rule=self.rule)


def amount_of(money: Mention) -> Amount:
    return Amount(value=money.value, currency=money.currency, qualifier=money.qualifier or "exact",
                  text=money.text, value_high=money.value_high)


# Named places (四川省宜宾市, 广东省肇庆市): two projects in different places are two facts
# even when their amounts are equal.
PLACE_ENDINGS = "省市县縣州邦"
PLACE_ENDING = rf"(?<![上城股超门門开開收夜证證])[{PLACE_ENDINGS}](?![场場值占佔民])"
PLACE = regex.compile(rf"\p{{Han}}{{2,4}}?{PLACE_ENDING}")
# Every place ends in such an ending; 市场/开市 are endings only in form.
PLACE_END = regex.compile(PLACE_ENDING)
# The endings alone: a class of literal characters, which ``re`` scans faster than ``regex``.
PLACE_ENDING_CHAR = re.compile(f"[{PLACE_ENDINGS}]")


def places_in(sentence: str) -> frozenset:
    # the pattern tries every offset: screen first, most sentences name no place at all
    if not PLACE_ENDING_CHAR.search(sentence) or not PLACE_END.search(sentence):
        return frozenset()
    return frozenset(PLACE.findall(sentence))
