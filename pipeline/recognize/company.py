"""Company mentions; the spaCy component also puts company groups (4家企业, 三大云厂商) on the Doc
(:mod:`company_groups`, which also resolves references such as 该公司).

``find_companies(text)`` finds the table's aliases (longest first, with country prefixes
and form suffixes: 美国美光公司 → Micron; 谷歌母公司Alphabet → Alphabet) and names the
table does not know, by rule: a name before a stock code (欣興（3037）), a name with a
company ending (…集团, …股份有限公司, …证券), a Latin name in a company context
(投资公司DigitalBridge), and short forms an article introduces (下称“X”). Unknown names
are canonicalised to Simplified Chinese and found again wherever they recur.
"""
from __future__ import annotations

import re
from operator import attrgetter
from typing import Sequence

import regex
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.company_table import Company, load_company_table
from pipeline.document import Mention
from pipeline.jieba_dicts import word_tags
from pipeline.recognize import company_aliases as A
from pipeline.recognize import company_rules as R
from pipeline.recognize.base import add_mentions
from pipeline.recognize.company_groups import find_groups

if not Doc.has_extension("groups"):
    Doc.set_extension("groups", default=None)


def _mention(text: str, start: int, end: int, name: str, **info) -> Mention:
    return Mention(type="company", text=text[start:end], start=start, end=end, name=name, info=info)


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


def _alias_mentions(text: str, blocked: A.Covering) -> list[Mention]:
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
            prefix = R.COUNTRY_PREFIX_BEFORE.search(text, max(0, start - 6), start) \
                if text[start - 1:start] in _PREFIX_LAST else None
            if prefix:
                if cuts.is_boundary(prefix.start()):
                    start = prefix.start()
        suffix = R.FORM_SUFFIX.match(text, end) if text[end:end + 1] in R.FORM_SUFFIX_FIRSTS else None
        if suffix and not R.FORM_SUFFIX.search(surface) and not _continues_word(text, suffix.end()):
            end = suffix.end()
        mentions.append(_mention(text, start, end, company.name, alias=surface))
        covered = end
    return mentions


def _alias_at(text: str, lowered: str, start: int, groups: list, blocked: A.Covering,
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
_NAME_WORD = regex.compile(r"[\p{Han}A-Za-z]+")


def _continues_word(text: str, pos: int) -> bool:
    """True when the form suffix is the start of a longer word (公司债, 集团化)."""
    return bool(_WORD_AFTER_FORM.match(text, pos, pos + 2))


def _overlaps(start: int, end: int, mentions: Sequence[Mention]) -> bool:
    return any(m.start < end and start < m.end for m in mentions)


class _Covered:
    """The characters the mentions found so far cover: ``_overlaps`` in O(span length) instead of
    O(mentions), so a page with thousands of names is not quadratic."""

    def __init__(self, text: str, mentions: Sequence[Mention] = ()) -> None:
        self.marks = bytearray(len(text) + 1)
        self.mentions = list(mentions)
        for mention in mentions:
            self.marks[mention.start:mention.end] = b"\x01" * (mention.end - mention.start)

    def add(self, mention: Mention) -> Mention:
        self.marks[mention.start:mention.end] = b"\x01" * (mention.end - mention.start)
        self.mentions.append(mention)
        return mention

    def overlaps(self, start: int, end: int) -> bool:
        if start >= end:  # an empty span overlaps what strictly contains it
            return _overlaps(start, end, self.mentions)
        return self.marks.find(1, start, end) >= 0


_RUN_BEFORE_CODE = regex.compile(r"[\p{Han}A-Za-z\-]{2,16}$")
# stdlib re: scans this literal-led pattern about 2x faster than regex
_LATIN_IN_CONTEXT = re.compile(
    r"(?:企业|企業|公司|集团|集團|初创|初創|新创|新創|厂商|廠商|巨头|巨頭|实验室|實驗室)\s*"
    r"([A-Z][A-Za-z0-9]*(?:[\-'’&.]?[A-Za-z0-9]+)*(?:\s[A-Z][A-Za-z0-9]+){0,2})")
_LOWER = regex.compile(r"[a-z]")
_CAPITAL_THEN_LETTER = regex.compile(r"[A-Z].*[A-Za-z]")


def _rule_mentions(text: str, taken: _Covered, blocked: A.Covering) -> list[Mention]:
    """Names the table does not know, where ``taken`` (the known mentions) leaves room; ``taken``
    then covers them too."""
    found: list[Mention] = []

    def add(start: int, end: int, name: str, rule: str) -> None:
        if end - start < 2 or blocked.covers(start, end) or taken.overlaps(start, end):
            return
        found.append(taken.add(_mention(text, start, end, name, rule=rule)))

    # (a) a name followed by a stock code: 欣興（3037）
    for m in R.STOCK_CODE.finditer(text):
        run = _RUN_BEFORE_CODE.search(text[max(0, m.start() - 16):m.start()])
        if not run:
            continue
        name = R.trailing_name(run.group())
        if name and R.name_part_ok(name):
            add(m.start() - len(name), m.start(), R.simplified(name), "stock_code")
    # (b) a Latin name in a company context: 投资公司DigitalBridge, 新创企业Xyz
    for m in _LATIN_IN_CONTEXT.finditer(text):
        name = m.group(1).rstrip(".")
        if len(name) >= 3 and _LOWER.search(name) and _CAPITAL_THEN_LETTER.search(name):
            add(m.start(1), m.start(1) + len(name), name, "latin_context")
    # (d) a bare name between a descriptor and a verb: 厂商沪硅产业日前公告, 同行立昂微则…
    stext = R.simplified(text)
    for m in R.DESCRIBED_NAME.finditer(stext if len(stext) == len(text) else text):
        name = m.group("name")
        if R.name_part_ok(name) and not any(w in name for w in R.ROLE_WORDS) and all(
                not _tag(w).startswith(_STOP_TAGS) for _, _, w in R.token_spans(name)):
            add(m.start("name"), m.end("name"), R.simplified(text[m.start("name"):m.end("name")]), "described")
    # (c) a CJK name with a company ending: …集团, …股份有限公司, …证券
    for start, end, name in _suffix_names(text, taken.marks):
        add(start, end, name, "suffix")
    return found


_NAME_TAGS = ("nr", "ns", "nt", "nz", "j", "x", "eng")
_WEAK_NAME_TAGS = ("nr", "nt", "nz", "j")
_STOP_TAGS = ("v", "p", "c", "u", "d", "r", "m", "q", "f", "t", "a", "y", "e", "o", "w", "z", "b")


def _tag(word: str) -> str:
    if word in A.alias_forms():
        return "nt"
    return word_tags().get(word, "x")


def _suffix_names(text: str, taken: bytearray):
    # A name's ending lies in one region of jieba's and the walk to its left stops at the region's
    # edge (the character there is punctuation or space), so only regions with an ending are cut.
    # A name covers its ending's first two characters and the two before it, and ``add`` drops a
    # name overlapping one already ``taken`` (marked 1; marks only grow): a region none of whose
    # endings has those four characters free (美光集团 after the alias 美光) is not cut.
    cuts = R.text_cuts(text)
    for (start, end), endings in cuts.name_endings():
        if _room_for_name(cuts.base, start, end, endings, taken):
            yield from _suffix_names_in(text, cuts.spans(start, end), taken)


def _room_for_name(base: str, start: int, end: int, endings: list[tuple[int, int]], taken: bytearray) -> bool:
    """Some ending in ``base[start:end]`` with two characters before it, both those and its first
    two free. The scan lists no ending that starts inside another (有限公司 in 股份有限公司), so
    the offsets inside a listed one are tried too."""
    for ending_start, ending_end in endings:
        for at in range(max(ending_start, start + 2), ending_end):
            if taken.find(1, at - 2, at + 2) < 0 and (at == ending_start or R.name_suffix_at(base, at, end)):
                return True
    return False


# NAME_SUFFIXES by last character, in their order (strongest first): the first ending a word
# has is found with one lookup and a few ``endswith``, not one ``endswith`` per ending.
_ENDINGS_BY_LAST = {last: tuple(ending for ending in R.NAME_SUFFIXES if ending[-1] == last)
                    for last in {ending[-1] for ending in R.NAME_SUFFIXES}}
_STRONG_ENDINGS = frozenset(R.STRONG_SUFFIXES + ("证券", "證券", "银行", "銀行"))


def _suffix_names_in(text: str, tokens: list[tuple[int, int, str]], taken: bytearray):
    endings_by_last = _ENDINGS_BY_LAST
    for i, (_, e, word) in enumerate(tokens):
        for suffix in endings_by_last.get(word[-1], ()):  # the first ending the word has
            if word.endswith(suffix):
                break
        else:
            continue
        at = e - len(suffix)
        if taken.find(1, max(at - 2, 0), at + 2) >= 0:
            continue  # the name would cover these four characters (see _suffix_names): ``add`` drops it
        found = _name_before(text, tokens, i, suffix)
        if found is not None:
            yield found


def _name_before(text: str, tokens: list[tuple[int, int, str]], i: int,
                 suffix: str) -> tuple[int, int, str] | None:
    """The name ending in ``tokens[i]``'s ``suffix`` (start, end, simplified), if its part before
    the suffix makes one."""
    s, e, word = tokens[i]
    strong = suffix in _STRONG_ENDINGS
    # the name part: the token's own head (if longer than the suffix) and name-like tokens before it
    head = word[:-len(suffix)]
    parts: list[str] = [head] if head else []
    length = len(head)
    begin = s
    j = i - 1
    while j >= 0 and length < 6:
        ps, pe, pw = tokens[j]
        if not _NAME_WORD.fullmatch(pw) or pw in R.LEFT_STOPS or pw in R.DESCRIPTORS \
                or _tag(pw).startswith(_STOP_TAGS):
            break
        if length + len(pw) > 8:
            break
        parts.insert(0, pw)
        length += len(pw)
        begin = ps
        j -= 1
    # strip a leading place word (美国DigitalBridge公司 → the place is a prefix)
    while parts and parts[0] in R.PLACE_WORDS and len(parts) > 1:
        parts.pop(0)
    name_part = "".join(parts)
    if not R.name_part_ok(name_part):
        return None
    if not strong and parts[-1] in R.GENERIC_WORDS:  # name_part_ok: parts is not empty
        return None
    if not strong and (len(name_part) > 4 or not any(_tag(p).startswith(_WEAK_NAME_TAGS) for p in parts)):
        return None
    name_start = e - len(suffix) - len(name_part)
    if name_start < begin:
        return None
    return name_start, e, R.simplified(text[name_start:e])


_SHORT_FORM = regex.compile(
    r"[（(]\s*(?:以下|下文)?(?:简称|簡稱|下称|下稱|称|稱)\s*[:：]?\s*[“「『\"']?([\p{Han}A-Za-z0-9]{2,10})[”」』\"']?\s*[)）]")


def find_companies(text: str) -> list[Mention]:
    """Company mentions in ``text`` with exact offsets and canonical names, in text order."""
    blocked = A.Covering(A.blocked_spans(text) + A.footer_spans(text))
    known = _alias_mentions(text, blocked)
    taken = _Covered(text, known)
    found = _rule_mentions(text, taken, blocked)
    mentions = known + found
    # short forms introduced by the article: …股份有限公司（下称“腾讯”）
    aliases: dict[str, str] = {}
    by_end: dict[int, int] = {}  # end offset -> index of the last mention ending there
    for index, x in enumerate(mentions):
        by_end[x.end] = index
    for m in _SHORT_FORM.finditer(text):
        before = [by_end[e] for e in range(m.start() - 2, m.start() + 1) if e in by_end]
        if before:
            aliases[m.group(1)] = mentions[max(before)].name
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
            extra.append(taken.add(_mention(text, start, end, name, rule="repeat")))
    return sorted(mentions + extra, key=_OFFSETS)


_OFFSETS = attrgetter("start", "end")  # (start, end) built in C


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

    def __call__(self, doc: Doc) -> Doc:
        mentions = find_companies(doc.text)
        add_mentions(doc, mentions, "company")
        doc._.groups = find_groups(doc.text, mentions)
        return doc


@Language.factory("capex_company")
def make_company_recognizer(nlp: Language, name: str) -> CompanyRecognizer:
    return CompanyRecognizer(nlp, name)
