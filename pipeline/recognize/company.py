"""Company mentions; the spaCy component also puts company groups (4家企业, 三大云厂商) on the Doc
(:mod:`company_groups`, which also resolves references such as 该公司).

``find_companies(text)`` finds the table's aliases (longest first, with country prefixes
and form suffixes: 美国美光公司 → Micron; 谷歌母公司Alphabet → Alphabet) and names the
table does not know, by rule (:mod:`company_unknown`): a name before a stock code (欣興（3037）),
a name with a company ending (…集团, …股份有限公司, …证券), a Latin name in a company context
(投资公司DigitalBridge), and short forms an article introduces (下称“X”). Unknown names
are canonicalised to Simplified Chinese and found again wherever they recur.
"""
from __future__ import annotations

from operator import attrgetter

import regex
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.company_table import Company, load_company_table
from pipeline.document import Mention
from pipeline.recognize import company_aliases as A
from pipeline.recognize import company_rules as R
from pipeline.recognize.base import add_mentions
from pipeline.recognize.company_groups import find_groups
from pipeline.recognize.company_unknown import find_unknown_names, load_word_classes

if not Doc.has_extension("groups"):
    Doc.set_extension("groups", default=None)


# What can stand right before a name that ``R.COUNTRY_PREFIX_BEFORE`` finds a prefix of (its $ also matches
# before a final newline): anything else skips the search.
_PREFIX_LAST = frozenset(prefix[-1] for prefix in R.COUNTRY_PREFIXES) | {"\n"}
# 中央社記者某某台北15日電 / 新华社北京3月1日电: a place, a day, then 电 (not the 电 of 三星电子).
_DATELINE = regex.compile(r"^[^\n。，,；;]{0,20}?\d{1,2}日(?:电|電|讯|訊)")
_CREDIT = regex.compile(r"^[）)]")
_SENTENCE_MARK = regex.compile(r"[。，,！？；]|[称稱说說报道報導指出表示]")
_BYLINE_LEAD = regex.compile(r"[\s（(【\[「“\"]*(?:记者|記者)?[\s\p{Han}]{0,4}")


def _is_publisher_or_credit(text: str, start: int, end: int) -> bool:
    """A source in a dateline (中央社台北15日電) or a bracketed photo credit ((reuters))."""
    before = text[max(0, start - 1):start]
    if before in "（(" and before and _CREDIT.match(text[end:end + 1]):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    if len(line.strip()) <= 40 and not _SENTENCE_MARK.search(line):
        return True  # a byline or credit line: 日本经济新闻（中文版：日经中文网）记者名
    lead = text[line_start:start]
    if len(lead) <= 6 and _BYLINE_LEAD.fullmatch(lead) \
            and _DATELINE.match(text[end:end + 24]):
        return True
    return False


def _alias_mentions(text: str, blocked: A.MaskedSpans) -> list[Mention]:
    cuts = R.text_cuts(text)  # jieba word boundaries, cut only around the hits that need them
    lowered, places = A.alias_places(text)
    mentions: list[Mention] = []
    covered = 0
    for start, groups in places:
        if start < covered:
            continue
        hit = _alias_at(text, lowered, start, groups, blocked, cuts)
        if hit is None:
            continue
        end, company = hit
        surface = text[start:end]
        covered = end
        if company.is_source and _is_publisher_or_credit(text, start, end):
            continue
        # 谷歌母公司Alphabet: the brand and 母公司 join the parent's mention.
        if mentions and mentions[-1].end >= start - 4 and \
                text[mentions[-1].end:start] in ("母公司", "的母公司"):
            start = mentions.pop().start
        else:
            prefix = R.country_prefix_before(text, start) if text[start - 1:start] in _PREFIX_LAST else None
            if prefix is not None and cuts.is_boundary(prefix):
                start = prefix
        suffix = R.FORM_SUFFIX.match(text, end) if text[end:end + 1] in R.FORM_SUFFIX_FIRSTS else None
        if suffix and not R.FORM_SUFFIX.search(surface) and not _continues_word(text, suffix.end()):
            end = suffix.end()
        mentions.append(A.company_mention(text, start, end, company.name, alias=surface))
        covered = end
    return mentions


def _alias_at(text: str, lowered: str, start: int, groups: list, blocked: A.MaskedSpans,
              cuts: R.TextCuts) -> tuple[int, Company] | None:
    """The longest alias at ``start`` (a place ``A.alias_places`` found) that counts there, as
    (end, company); None if none does. A Latin alias must not run on into a Latin character."""
    n = len(text)
    for length, by_lower in groups:
        end = start + length
        if end > n:
            continue
        for latin_end, company, short_han, case_sensitive in by_lower.get(lowered[start:end], ()):
            if (latin_end and end < n and text[end] in A.LATIN_CHARS) or \
                    blocked.covers(start, end):
                continue
            if case_sensitive and not A.alias_allowed(text[start:end], company, A.alias_forms()):
                continue
            if short_han and (not cuts.is_boundary(start) or not cuts.is_boundary(end)):
                continue
            return end, company
    return None


_WORD_AFTER_FORM = regex.compile(r"(?:债|債|化|内|內|级|級|层|層|型|制|製|治理|章程)")


def _continues_word(text: str, pos: int) -> bool:
    """True when the form suffix is the start of a longer word (公司债, 集团化)."""
    return bool(_WORD_AFTER_FORM.match(text, pos, pos + 2))


_INTRODUCING_WORDS = ("简称", "簡稱", "下称", "下稱", "称", "稱")  # 下称“X”, 简称X
_SHORT_FORM = regex.compile(
    r"[（(]\s*(?:以下|下文)?(?:" + "|".join(_INTRODUCING_WORDS) + r")\s*[:：]?\s*"
    r"[“「『\"']?([\p{Han}A-Za-z0-9]{2,10})[”」』\"']?\s*[)）]")
# A short form's introducing word ends in one of these: a text with none (most) has no short form.
_INTRODUCING_LASTS = tuple({word[-1] for word in _INTRODUCING_WORDS})


def find_companies(text: str) -> list[Mention]:
    """Company mentions in ``text`` with exact offsets and canonical names, in text order."""
    blocked = A.MaskedSpans(A.blocked_spans(text) + A.footer_spans(text))
    known = _alias_mentions(text, blocked)
    taken = A.Covered(text, known)
    found = find_unknown_names(text, taken, blocked)
    mentions = known + found
    # short forms introduced by the article: …股份有限公司（下称“腾讯”）
    aliases = _short_forms(text, mentions) if any(last in text for last in _INTRODUCING_LASTS) else {}
    # unknown names (and introduced short forms) are found again wherever they recur
    for m in found:
        if m.info.get("rule") in ("stock_code", "latin_context", "described"):
            aliases.setdefault(m.text, m.name)
            prefix = R.COUNTRY_PREFIX_BEFORE.search(m.text[:6])
            core = m.text[len(prefix.group()) if prefix else 0:]
            aliases.setdefault(core, m.name)
    extra: list[Mention] = []  # ``taken`` covers ``mentions`` (the known ones, then those found)
    for surface, name in aliases.items():
        for start in _occurrences(surface, text):
            end = start + len(surface)
            if blocked.covers(start, end) or taken.overlaps(start, end):
                continue
            if _is_latin_glued(text, start, end):
                continue
            extra.append(taken.add(A.company_mention(text, start, end, name, rule="repeat")))
    return sorted(mentions + extra, key=_OFFSETS)


_OFFSETS = attrgetter("start", "end")  # (start, end) built in C


def _short_forms(text: str, mentions: list[Mention]) -> dict[str, str]:
    """Short form → the name of the mention right before its introduction (…公司（下称“腾讯”））."""
    aliases: dict[str, str] = {}
    by_end: dict[int, int] = {}  # end offset -> index of the last mention ending there
    for index, x in enumerate(mentions):
        by_end[x.end] = index
    for m in _SHORT_FORM.finditer(text):
        before = [by_end[e] for e in range(m.start() - 2, m.start() + 1) if e in by_end]
        if before:
            aliases[m.group(1)] = mentions[max(before)].name
    return aliases


def _occurrences(word: str, text: str):
    """Where ``word`` occurs in ``text``, not overlapping (as a regex of it finds them; the
    empty word everywhere)."""
    if not word:
        yield from range(len(text) + 1)
        return
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + len(word))


def _is_latin_glued(text: str, start: int, end: int) -> bool:
    latin = A.LATIN_CHARS
    return (text[start - 1:start] in latin and text[start] in latin) \
        or (text[end:end + 1] in latin and text[end - 1] in latin)


# ---------------------------------------------------------------- spaCy component

class CompanyRecognizer:
    """spaCy component: company mentions onto doc._.mentions / doc.spans["company"], groups onto doc._.groups."""

    def __init__(self, nlp: Language, name: str = "capex_company") -> None:
        self.name = name
        load_company_table()
        load_word_classes()  # jieba's word tags the unknown-name rules ask about: loaded now

    def __call__(self, doc: Doc) -> Doc:
        mentions = find_companies(doc.text)
        add_mentions(doc, mentions, "company")
        doc._.groups = find_groups(doc.text, mentions)
        return doc


@Language.factory("capex_company")
def make_company_recognizer(nlp: Language, name: str) -> CompanyRecognizer:
    return CompanyRecognizer(nlp, name)
