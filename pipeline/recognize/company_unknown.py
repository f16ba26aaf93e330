"""Company names the table does not know: a name before a stock code (欣興（3037）), a Latin
name in a company context (投资公司DigitalBridge), a bare name between a descriptor and a verb
(厂商沪硅产业日前公告) and a CJK name with a company ending (…集团, …股份有限公司)."""
from __future__ import annotations

import functools
import re

import regex

from pipeline.compiled_re import compile_kept
from pipeline.document import Mention
from pipeline.jieba_dicts import utf8_key, words_tagged
from pipeline.recognize import company_aliases as A
from pipeline.recognize import company_rules as R
from pipeline.recognize.re_compat import re_dialect

# stdlib re (\p{Han} spelled out): asked of each token before a name ending, where a call of
# re's costs half one of regex's
_NAME_WORD = compile_kept(re_dialect(r"[\p{Han}A-Za-z]+"), name="company-name-word")
_RUN_BEFORE_CODE = regex.compile(r"[\p{Han}A-Za-z\-]{2,16}$")
# stdlib re: scans this literal-led pattern about 2x faster than regex
_LATIN_IN_CONTEXT = re.compile(
    r"(?:企业|企業|公司|集团|集團|初创|初創|新创|新創|厂商|廠商|巨头|巨頭|实验室|實驗室)\s*"
    r"([A-Z][A-Za-z0-9]*(?:[\-'’&.]?[A-Za-z0-9]+)*(?:\s[A-Z][A-Za-z0-9]+){0,2})")
_LOWER = regex.compile(r"[a-z]")
_CAPITAL_THEN_LETTER = regex.compile(r"[A-Z].*[A-Za-z]")


def find_unknown_names(text: str, taken: A.Covered, blocked: A.MaskedSpans) -> list[Mention]:
    """Names the table does not know, where ``taken`` (the known mentions) leaves room; ``taken``
    then covers them too."""
    found: list[Mention] = []

    def add(start: int, end: int, name: str, rule: str) -> None:
        if end - start < 2 or blocked.covers(start, end) or taken.overlaps(start, end):
            return
        found.append(taken.add(A.company_mention(text, start, end, name, rule=rule)))

    # (a) a name followed by a stock code: 欣興（3037）
    for m in _stock_codes(text):
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
                not _is_stop_word(w) for _, _, w in R.token_spans(name)):
            add(m.start("name"), m.end("name"), R.simplified(text[m.start("name"):m.end("name")]), "described")
    # (c) a CJK name with a company ending: …集团, …股份有限公司, …证券
    for start, end, name in _suffix_names(text, taken.marks):
        add(start, end, name, "suffix")
    return found


def _stock_codes(text: str):
    """``R.STOCK_CODE.finditer(text)``, tried only at its opening brackets (a text has one or two):
    a code holds no other one, so the matches are the same."""
    for at in A.places_of(text, _CODE_OPENS):
        m = R.STOCK_CODE.match(text, at)
        if m:
            yield m


_CODE_OPENS = ("（", "(")  # what R.STOCK_CODE starts with


_NAME_TAGS = ("nr", "ns", "nt", "nz", "j", "x", "eng")
_WEAK_NAME_TAGS = ("nr", "nt", "nz", "j")
_STOP_TAGS = ("v", "p", "c", "u", "d", "r", "m", "q", "f", "t", "a", "y", "e", "o", "w", "z", "b")


# What the rules ask of a word's jieba tag (posseg's; a table alias's is nt, a word the
# dictionary lacks x): whether it starts with a stop tag, or with a weak name tag.
def _is_stop_word(word: str) -> bool:
    return word not in A.alias_forms() and utf8_key(word) in _word_classes()[0]


def _is_weak_name(word: str) -> bool:
    return word in A.alias_forms() or utf8_key(word) in _word_classes()[1]


# the dictionary's words with a stop tag, then those with a weak name tag: read once, and asked
# for with no tuple of tags to hash for each word
@functools.lru_cache(maxsize=1)
def _word_classes() -> tuple[frozenset[bytes], ...]:
    return words_tagged(_STOP_TAGS, _WEAK_NAME_TAGS)


def load_word_classes() -> None:
    """Read the dictionary's words of both kinds now, not for a first document."""
    _word_classes()


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
                or _is_stop_word(pw):
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
    if not strong and (len(name_part) > 4 or not any(_is_weak_name(p) for p in parts)):
        return None
    name_start = e - len(suffix) - len(name_part)
    if name_start < begin:
        return None
    return name_start, e, R.simplified(text[name_start:e])
