"""Bytes to text for Chinese news files: UTF-8/16/32, GB18030 (GBK, GB2312) and Big5.

Order of attempts (cheap and strict first):

1. binary content (magic numbers of images/archives/PDF, or NUL bytes that are not
   UTF-16/32 text nor a few stray NULs in otherwise plausible text) is refused with
   :class:`DecodeProblem`;
2. a byte-order mark decides (UTF-8-SIG, UTF-32, UTF-16);
3. strict UTF-8;
4. UTF-8 with a *few* invalid bytes (at most ``MAX_BAD_UTF8_RATIO`` of the non-ASCII
   bytes): decoded with ``errors='replace'`` and a warning — a handful of bad bytes in
   a UTF-8 article must not send it to a legacy codec;
5. otherwise charset-normalizer's best guess among ``LEGACY_CODECS`` (Big5 text often
   also decodes as GB18030, so a strict try-in-order would be wrong), verified to be
   mostly CJK/ASCII; a codec-scoring fallback when charset-normalizer has no answer;
6. last resort: UTF-8 with replacement characters and a warning.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from charset_normalizer import from_bytes

BINARY_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"), (b"%PDF-", "PDF document"), (b"PK\x03\x04", "ZIP archive"),
    (b"GIF87a", "GIF image"), (b"GIF89a", "GIF image"), (b"\xff\xd8\xff", "JPEG image"),
    (b"\x1f\x8b", "gzip archive"), (b"7z\xbc\xaf\x27\x1c", "7z archive"), (b"BZh", "bzip2 archive"),
    (b"\x7fELF", "ELF executable"), (b"RIFF", "RIFF media"), (b"\xd0\xcf\x11\xe0", "MS Office document"),
)
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
LEGACY_CODECS = ("utf_8", "gb18030", "big5", "utf_16")
MAX_BAD_UTF8_RATIO = 0.02   # bad bytes / non-ASCII bytes still treated as damaged UTF-8
MIN_PLAUSIBLE = 0.9         # share of CJK/ASCII/common punctuation a decode must reach
MAX_STRAY_NUL_RATIO = 0.01   # NUL bytes / all bytes still read as text with stray NULs (not UTF-16)
_ESCAPED = re.compile("[\udc80-\udcff]")
_HIGH_BYTES = bytes(range(0x80, 0x100))


class DecodeProblem(ValueError):
    """The bytes are not text we can read (binary, or no codec fits)."""


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def decode_bytes(data: bytes) -> Decoded:
    """Decode one file's bytes; raises DecodeProblem for binary content."""
    kind = binary_kind(data)
    if kind:
        raise DecodeProblem(f"binary content: expected text, found {kind}")
    for bom, name in BOMS:
        if data.startswith(bom):
            return _decode_bom(data, name)
    if b"\x00" in data:
        return _decode_nul_text(data)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    damaged = _damaged_utf8(data)
    if damaged:
        return damaged
    legacy = _legacy_guess(data)
    if legacy:
        return legacy
    text = data.decode("utf-8", errors="replace")
    return Decoded(text, "utf-8", [f"no encoding fits: decoded as UTF-8 with {text.count(chr(0xFFFD))} "
                                   "replacement characters"])


def binary_kind(data: bytes) -> str | None:
    """'PNG image', … when the bytes start with a known binary signature, else None."""
    for magic, name in BINARY_MAGIC:
        if data.startswith(magic):
            return name
    return None


def _decode_bom(data: bytes, name: str) -> Decoded:
    text = data.decode(name, errors="replace")
    warnings = []
    if "\ufffd" in text:
        warnings.append(f"{name} with BOM: {text.count(chr(0xFFFD))} undecodable sequences replaced")
    return Decoded(text.lstrip("\ufeff"), name.replace("-sig", ""), warnings)


def _decode_nul_text(data: bytes) -> Decoded:
    """NUL bytes without a BOM: BOM-less UTF-16 text, text with a few stray NULs, or binary."""
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if plausibility(text) >= MIN_PLAUSIBLE:
            return Decoded(text, name, [f"no BOM: decoded as {name}"])
    nuls = data.count(0)
    if nuls <= max(1.0, MAX_STRAY_NUL_RATIO * len(data)):  # a scraped article with a stray NUL is still text
        stripped = data.replace(b"\x00", b"")
        decoded = _decode_text(stripped) if stripped.strip() else None
        if decoded is not None and plausibility(decoded.text) >= MIN_PLAUSIBLE:
            decoded.warnings.append(f"{nuls} NUL byte(s) removed")
            return decoded
    raise DecodeProblem(f"binary content: expected text, found {nuls} NUL bytes")


def _decode_text(data: bytes) -> Decoded | None:
    """Strict UTF-8, damaged UTF-8 or a legacy codec; None when none fits."""
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    return _damaged_utf8(data) or _legacy_guess(data)


def _damaged_utf8(data: bytes) -> Decoded | None:
    """UTF-8 with a few invalid bytes: replace them and warn; None when too many are bad."""
    escaped = data.decode("utf-8", errors="surrogateescape")
    bad = len(_ESCAPED.findall(escaped))
    non_ascii = len(data) - len(data.translate(None, _HIGH_BYTES))
    if bad > MAX_BAD_UTF8_RATIO * non_ascii:
        return None
    text = _ESCAPED.sub("\ufffd", escaped)
    return Decoded(text, "utf-8", [f"invalid UTF-8: {bad} bad byte(s) of {non_ascii} non-ASCII "
                                   "replaced with U+FFFD"])


def _legacy_guess(data: bytes) -> Decoded | None:
    """charset-normalizer's pick if it reads as CJK/ASCII text, else the best-scoring codec."""
    match = from_bytes(data, cp_isolation=list(LEGACY_CODECS)).best()
    if match is not None:
        text = str(match)
        if plausibility(text) >= MIN_PLAUSIBLE:
            return Decoded(text, _codec_name(match.encoding))
    scored = []
    for name in ("gb18030", "big5"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if plausibility(text) >= MIN_PLAUSIBLE:
            scored.append((common_score(text, name), name, text))
    if not scored:
        return None
    _, name, text = max(scored)
    return Decoded(text, _codec_name(name), [f"encoding guessed by character scoring: {name}"])


def _codec_name(name: str) -> str:
    return codecs.lookup(name).name.replace("_", "-")


def plausibility(text: str) -> float:
    """Share of characters that are CJK, ASCII, CJK/full-width punctuation or common symbols."""
    if not text:
        return 0.0
    good = sum(1 for ch in text if _plausible(ch))
    return good / len(text)


def _plausible(ch: str) -> bool:
    code = ord(ch)
    if code < 0x80:
        return ch.isprintable() or ch in "\n\r\t"
    if 0x4E00 <= code <= 0x9FFF or 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF:
        return True
    if ch == "\ufffd":
        return False
    category = unicodedata.category(ch)
    return category in ("Pd", "Pi", "Pf", "Ps", "Pe", "Po", "Zs", "Sc", "Sm") or ch in "·•…—“”‘’"


def common_score(text: str, codec: str) -> float:
    """Share of CJK characters among the frequent ones of ``codec`` (GB2312 level 1 or Big5 level 1)."""
    cjk = [ch for ch in text if 0x4E00 <= ord(ch) <= 0x9FFF]
    if not cjk:
        return 0.0
    frequent = sum(1 for ch in cjk if _frequent(ch, codec))
    return frequent / len(cjk)


def _frequent(ch: str, codec: str) -> bool:
    try:
        raw = ch.encode(codec)
    except UnicodeEncodeError:
        return False
    if len(raw) != 2:
        return False
    code = raw[0] << 8 | raw[1]
    if codec == "gb18030":
        return 0xB0A1 <= code <= 0xD7FE and raw[1] >= 0xA1
    return 0xA440 <= code <= 0xC67E


def guess_script(text: str) -> str | None:
    """'simplified' or 'traditional' by counting characters only one of GB2312 / Big5 can encode.

    Characters both sets hold (的, 是, 投) say nothing; None when the text has no telling CJK.
    """
    only_gb, only_big5 = _script_patterns()
    # Most texts hold characters of one side only: then a search (no match list to build) answers
    if only_big5.search(text) is None:
        return "simplified" if only_gb.search(text) else None
    if only_gb.search(text) is None:
        return "traditional"
    simplified = len(only_gb.findall(text))
    traditional = len(only_big5.findall(text))
    return "traditional" if traditional > simplified else "simplified"


@lru_cache(maxsize=1)
def _script_patterns() -> tuple[re.Pattern, re.Pattern]:
    """``_script_sets`` as character classes of ranges: counting matches is several times faster
    than counting a text's characters and intersecting sets. The classes follow from Python's
    codec tables alone (~50 ms to derive), kept between processes as the patterns' programs are."""
    from pipeline.compiled_re import compile_kept
    from pipeline.disk_cache import cached_by_key

    classes = cached_by_key("script-classes", ("gb2312", "big5", _CJK_BLOCK[0], _CJK_BLOCK[-1]), _script_classes, tuple)
    return tuple(compile_kept(source, name=name) for source, name in zip(classes, ("script-only-gb", "script-only-big5")))


def _script_classes() -> tuple[str, str]:
    from pipeline.recognize.re_compat import code_ranges

    return tuple("[" + code_ranges((ord(ch), ord(ch) + 1) for ch in sorted(chars)) + "]" for chars in _script_sets())


_CJK_BLOCK = "".join(map(chr, range(0x4E00, 0xA000)))  # U+4E00–U+9FFF, the unified ideographs


@lru_cache(maxsize=1)
def _script_sets() -> tuple[frozenset[str], frozenset[str]]:
    """The CJK characters (U+4E00–U+9FFF) only GB2312 can encode, and those only Big5 can."""
    in_gb, in_big5 = _encodable("gb2312"), _encodable("big5")
    return frozenset(in_gb - in_big5), frozenset(in_big5 - in_gb)


def _encodable(codec: str) -> set[str]:
    """The characters of ``_CJK_BLOCK`` that ``codec`` can encode: the block is encoded once, what
    the codec refuses as ``&#N;`` (a try per character would raise ~10,000 exceptions)."""
    written = _CJK_BLOCK.encode(codec, errors="xmlcharrefreplace").decode(codec)
    return set(_CJK_BLOCK).difference(map(chr, map(int, _CHAR_REFERENCE.findall(written))))


_CHAR_REFERENCE = re.compile(r"&#(\d+);")  # the block holds no "&": every one is a refused character
