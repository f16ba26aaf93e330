"""Helpers of the company recogniser: closed word lists, jieba boundaries and the rules that
spot company names the table does not know (the alias matcher and the masked regions are in
:mod:`pipeline.recognize.company_aliases`).

Everything here is generated from models/companies.yaml plus a few closed word lists
(country prefixes, company suffixes, generic words that are never names).
"""
from __future__ import annotations

import bisect
import functools
import itertools
import re
from operator import itemgetter

import regex

from pipeline.company_table import load_company_table
from pipeline.compiled_re import compile_kept
from pipeline.recognize.re_compat import re_dialect
from pipeline.t2s import to_simplified

CJK = r"\p{Han}"

# Places that may prefix a company name (美国亚马逊, 韓國三星電子); full names only.
COUNTRY_PREFIXES = (
    "美国", "美國", "日本", "韩国", "韓國", "南韩", "南韓", "中国", "中國", "台湾", "台灣", "臺灣", "德国", "德國",
    "法国", "法國", "英国", "英國", "荷兰", "荷蘭", "瑞士", "瑞典", "芬兰", "芬蘭", "印度", "香港", "新加坡",
    "澳大利亚", "澳洲", "加拿大", "以色列", "沙特", "意大利", "西班牙", "挪威", "丹麦", "丹麥", "巴西", "欧洲", "歐洲",
    "中资", "中資", "美资", "美資", "日资", "日資", "韩资", "韓資", "台资", "台資")
# A country prefix ending where the search ends (before a name found after it)
COUNTRY_PREFIX_BEFORE = regex.compile("(?:" + "|".join(sorted(COUNTRY_PREFIXES, key=len, reverse=True)) + r")$")
_PREFIX_SET = frozenset(COUNTRY_PREFIXES)
_PREFIX_LENGTHS = sorted({len(prefix) for prefix in COUNTRY_PREFIXES}, reverse=True)


def country_prefix_before(text: str, start: int) -> int | None:
    """Where ``COUNTRY_PREFIX_BEFORE.search(text, max(0, start - 6), start)`` finds a prefix (None:
    nowhere), by a set lookup per prefix length, longest (leftmost) first, not a regex call: the
    prefix ends at ``start``, or before a newline ending the window (where $ also matches)."""
    end = start - 1 if text[start - 1:start] == "\n" else start
    for length in _PREFIX_LENGTHS:
        if end - length >= max(0, start - 6) and text[end - length:end] in _PREFIX_SET:
            return end - length
    return None


PLACE_WORDS = frozenset(COUNTRY_PREFIXES) | {
    "全球", "国际", "國際", "国内", "國內", "海外", "境外", "境内", "亚洲", "亞洲", "世界", "全国", "全國", "本土", "当地",
    "當地", "北美", "欧美", "歐美", "日韩", "日韓", "中美", "美中", "美日", "日美"}
# Legal or business-form endings appended to a matched alias (美光 + 公司).
_FORM_ENDINGS = ("股份有限公司", "有限公司", "公司", "集团", "集團", "控股", r"Inc\.?", r"Corp\.?", "Corporation")
FORM_SUFFIX = regex.compile("(?:" + "|".join(_FORM_ENDINGS) + ")")
FORM_SUFFIX_FIRSTS = frozenset(ending[0] for ending in _FORM_ENDINGS)  # no match starts elsewhere
# Endings of names the table does not know, strongest first.
STRONG_SUFFIXES = ("股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "集团", "集團", "控股", "股份")
NAME_SUFFIXES = STRONG_SUFFIXES + (
    "科技", "电子", "電子", "半导体", "半導體", "光电", "光電", "银行", "銀行", "证券", "證券", "汽车", "汽車",
    "电力", "電力", "能源", "航空", "化工", "钢铁", "鋼鐵", "重工", "通信", "电信", "電信", "精密", "材料", "电气",
    "電氣", "药业", "藥業", "制药", "製藥", "石化", "矿业", "礦業", "锂业", "鋰業", "电机", "電機", "技术", "技術",
    "微电子", "微電子", "新材", "物流")
# Words that sit where a name would but are not one (该公司, 科技公司, 云计算企业).
GENERIC_WORDS = frozenset("""
该 這 这 此 其 本 各 每 某 多 诸 諸 另 原 前 后 後 新 老 母 子 孙 孫 分 总 總 大 小 中 上市 非上市 上述 前述 相关 相關
科技 高科技 互联网 互聯網 云计算 雲計算 云 雲 IT 数据 數據 数字 數字 人工智能 AI 芯片 半导体 半導體 汽车 汽車 电动车 電動車
能源 新能源 电子 電子 金融 保险 保險 投资 投資 控股 全资 全資 合资 合資 独资 獨資 国有 國有 民营 民營 外资 外資 私营 私營
跨国 跨國 大型 中型 小型 主要 头部 頭部 龙头 龍頭 知名 著名 领先 領先 一流 传统 傳統 科创 科創 初创 初創 新兴 新興
同一 统一 統一 上游 下游 同业 同業 同行 其他 其它 这些 這些 那些 所有 多家 几家 幾家 一些 部分 商业 商業 地方 城市 农村 農村 村镇 村鎮
股份 集团 集團 公司 有限 有限公司 系 旗下 关联 關聯 参股 參股 通讯 通訊 设备 設備 制造 製造 材料 化工 钢铁 鋼鐵 航空 证券 證券
银行 銀行 光电 光電 电力 電力 电池 電池 资本 資本 物流 工业 工業 精密 重工 通信 电信 電信 电气 電氣 机构 機構 管理 服务 服務
""".split())
# Tokens that end a name to the left (verbs, function words, punctuation are cut anyway).
LEFT_STOPS = frozenset("""
的 在 与 與 和 及 是 由 将 將 对 對 向 为 為 被 把 据 據 从 從 等 或 并 並 也 都 而 但 即 如 称 稱 说 說 表示 宣布 透露 指出
认为 認為 预计 預計 计划 計劃 包括 例如 比如 以及 还有 還有 其中 目前 今年 去年 明年 今日 昨日 近日 日前 此前 此外 同时
同時 已经 已經 正在 通过 通過 成为 成為 作为 作為 位于 位於 收购 收購 投资于 旗下 子公司 母公司 全资子公司 跟 同 至 给 給
""".split())
DESCRIPTORS = frozenset("""公司 企业 企業 厂商 廠商 集团 集團 机构 機構 龙头 龍頭 大厂 大廠 巨头 巨頭 同行 对手 對手
供应商 供應商 客户 客戶 子公司 母公司 运营商 營運商""".split())
# People and organs of a company that stand where a name would (公司发言人表示).
ROLE_WORDS = ("董事", "管理层", "管理層", "高层", "高層", "发言人", "發言人", "负责人", "負責人", "总裁", "總裁", "总经理",
              "總經理", "经理", "經理", "人士", "员工", "員工", "股东", "股東", "方面", "内部", "內部", "官员", "官員",
              "财报", "財報", "业绩", "業績", "公告", "高管", "创始人", "創辦人", "首席", "董事长", "董事長", "团队", "團隊")
# stdlib re (\p{Han} spelled out by re_dialect): scans this literal-led pattern about 3x faster than regex
DESCRIBED_NAME = compile_kept(re_dialect(
    r"(?:厂商|廠商|企业|企業|公司|集团|集團|龙头|龍頭|大厂|大廠|巨头|巨頭|同行|对手|對手|供应商|供應商|运营商|營運商)"
    r"(?P<name>\p{Han}{2,5}?)"
    r"(?=日前|近日|今日|昨日|此前|早前|日公布|日宣布|则|則|亦|表示|公告|宣布|宣佈|透露|指出|计划|計劃|预计|預計|决定|決定)"), name="company-described-name")
DESCRIPTOR_END = regex.compile(r"(?:龙头|龍頭|大厂|大廠|巨头|巨頭|厂商|廠商|企业|企業|公司|集团|集團|机构|機構)$")
STOCK_CODE = regex.compile(
    r"[（(]\s*(?:(?:股票代码|股票代號|股票代号|代码|代號|SH|SZ|HK|TW|US|NASDAQ|NYSE|TSE|KRX)\s*[:：.]?\s*)?"
    r"(?:\d{4,6}(?:\.(?:SH|SZ|HK|TW|TWO|T|KS|KQ))?|(?<=[:：]\s*)[A-Z]{1,5}|[A-Z]{1,5}\.(?:US|N|O|HK))\s*[)）]")


ALIAS_FREQ = 200000  # jieba frequency of a company alias: above almost any word it could overlap


@functools.lru_cache(maxsize=1)
def tokenizer():
    """A python jieba tokenizer that knows every CJK alias of the table (kept apart from the
    global one): the words ``cutter`` gives; it cuts what rjieba cannot be trusted with."""
    from pipeline.jieba_dicts import new_tokenizer

    tok = new_tokenizer()
    for word in load_company_table().jieba_words():
        tok.add_word(word, freq=ALIAS_FREQ, tag="nt")
    return tok


@functools.lru_cache(maxsize=1)
def cutter():
    """The pipeline's jieba: ``tokenizer``'s words, cut by rjieba (:mod:`pipeline.jieba_fast`)."""
    from pipeline.jieba_dicts import latin_words
    from pipeline.jieba_fast import JiebaCutter

    return JiebaCutter(latin_words(), load_company_table().jieba_words(), ALIAS_FREQ, exact=tokenizer)


def cut_spans(text: str) -> tuple[tuple[int, int, str], ...]:
    """jieba's words of ``text`` as (start, end, word)."""
    words = cutter().cut(text)
    ends = word_ends_from(0, words)
    return tuple(zip([0, *ends[:-1]], ends, words))


def _slices(text: str, start: int, words: list[str]) -> list[str]:
    """The strings of ``text`` that ``words`` (cut from another text of the same lengths) cover
    from ``start``."""
    ends = word_ends_from(start, words)
    return [text[s:e] for s, e in zip([start, *ends[:-1]], ends)]


def word_ends_from(start: int, words: list[str]) -> list[int]:
    """The end offsets of ``words`` laid end to end from ``start``."""
    ends = list(itertools.accumulate(map(len, words), initial=start))
    del ends[0]  # ``start`` itself: dropped in place, not by copying the rest
    return ends


# Short runs (a name candidate, a whole short text) recur across documents: cached.
token_spans = functools.lru_cache(maxsize=4096)(cut_spans)


def token_boundaries(text: str) -> frozenset[int]:
    """Offsets where jieba puts a word boundary (tokenised in Simplified when lengths agree)."""
    stext = simplified(text)
    return frozenset(p for s, e, _ in token_spans(stext if len(stext) == len(text) else text) for p in (s, e))


# jieba cuts each maximal run of its "Han" class ([\u4E00-\u9FD5a-zA-Z0-9+#&._%-]) on its own and
# yields every other character as a token by itself. A region (a maximal run of that class or
# of any Han character) therefore gets the same words whether it is cut alone or inside the
# whole text, and a character between regions is always a one-character token. ``TextCuts``
# relies on that to cut only the regions a rule looks at: same words, far less jieba.
_REGION = compile_kept(re_dialect(r"[\p{Han}\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+"), name="company-region")  # re: twice as fast here
# ``re``: a scan for literal words, which it does several times faster than ``regex``.
_NAME_SUFFIX_PATTERN = re.compile("|".join(re.escape(s) for s in sorted(NAME_SUFFIXES, key=len, reverse=True)))


def name_suffix_at(text: str, start: int, end: int) -> bool:
    """A company-name ending starts at ``start`` and ends by ``end``."""
    return _NAME_SUFFIX_PATTERN.match(text, start, end) is not None


def text_cuts(text: str) -> TextCuts:
    """The (cached) ``TextCuts`` of ``text``."""
    return _text_cuts(text)


class TextCuts:
    """jieba words of one text, computed region by region on demand.

    Equivalent to ``token_spans`` / ``token_boundaries`` over the whole text (tokenised in
    Simplified when the lengths agree) for every offset and region asked about."""

    def __init__(self, text: str):
        stext = simplified(text)
        self.text = text
        self.base = stext if len(stext) == len(text) else text
        self._base_is_text = self.base == text
        self.regions = list(map(re.Match.span, _REGION.finditer(self.base)))
        self._starts = list(map(itemgetter(0), self.regions))
        self._words: dict[int, list[str]] = {}  # region start -> its words (of ``base``)
        self._ends: dict[int, list[int]] = {}  # region start -> its words' end offsets in the text
        self._bounds: dict[int, frozenset[int]] = {}

    def region_at(self, pos: int) -> tuple[int, int] | None:
        """The region with ``start < pos < end`` (``pos`` inside it), else None."""
        i = bisect.bisect_right(self._starts, pos) - 1
        if i >= 0:
            start, end = self.regions[i]
            if start < pos < end:
                return start, end
        return None

    def _region_words(self, start: int, end: int) -> list[str]:
        """jieba's words of the region ``[start, end)`` (of ``base``); each region is cut once per
        document (the tokenizer and the company rules both ask)."""
        words = self._words.get(start)
        if words is None:
            words = self._words[start] = cutter().cut(self.base[start:end])
        return words

    def _region_ends(self, start: int, end: int) -> list[int]:
        """End offsets (into the text) of jieba's words of the region ``[start, end)``."""
        ends = self._ends.get(start)
        if ends is None:
            ends = self._ends[start] = word_ends_from(start, self._region_words(start, end))
        return ends

    def spans(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """jieba words of the region ``[start, end)`` with offsets into the text."""
        ends = self._region_ends(start, end)
        return list(zip([start, *ends[:-1]], ends, self._words[start]))

    def words(self, start: int, end: int) -> list[str]:
        """The words of ``text[start:end]``: jieba's inside regions (a region crossing ``end`` is
        cut there), one character between them. A list of our own."""
        words: list[str] = []
        text, pos = self.text, start
        i = bisect.bisect_left(self._starts, start)
        while i < len(self.regions) and self.regions[i][0] < end:
            region_start, region_end = self.regions[i]
            words += text[pos:region_start]  # one word per character
            if region_end > end:  # cut where asked, not kept as the region's words
                region_words = cutter().cut(self.base[region_start:end])
                region_end = end
            else:
                region_words = self._region_words(region_start, region_end)
            # jieba's words are the text's own where it was cut as it is (most texts)
            words += region_words if self._base_is_text else _slices(text, region_start, region_words)
            pos, i = region_end, i + 1
        words += text[pos:end]
        return words

    def word_ends(self, start: int, end: int) -> list[int]:
        """End offsets of the ``words`` of ``[start, end)``."""
        return word_ends_from(start, self.words(start, end))

    def is_boundary(self, pos: int) -> bool:
        """True where ``token_boundaries(text)`` has ``pos``."""
        if not self.text or pos < 0 or pos > len(self.text):
            return False
        region = self.region_at(pos)
        if region is None:
            return True
        start, end = region
        bounds = self._bounds.get(start)
        if bounds is None:  # the words are contiguous from the region's start
            bounds = self._bounds[start] = frozenset([start, *self._region_ends(start, end)])
        return pos in bounds

    def name_endings(self) -> list[tuple[tuple[int, int], list[tuple[int, int]]]]:
        """Regions that contain a company-name ending (科技, 集团…), in text order, each with the
        spans of its endings as one leftmost-longest scan finds them."""
        found: list[tuple[tuple[int, int], list[tuple[int, int]]]] = []
        for m in _NAME_SUFFIX_PATTERN.finditer(self.base):
            region = self.regions[bisect.bisect_right(self._starts, m.start()) - 1]
            if not found or found[-1][0] != region:
                found.append((region, []))
            found[-1][1].append(m.span())
        return found


# one document's cuts, asked for by the tokenizer then the company rules: older ones would only wait to be freed
_text_cuts = functools.lru_cache(maxsize=2)(TextCuts)


@functools.lru_cache(maxsize=256)
def simplified(text: str) -> str:
    """Traditional → Simplified (same text when OpenCC is not installed)."""
    return to_simplified(text)


_NOT_A_NAME = regex.compile(r"[\d\p{P}\s]+")
_NOT_A_NAME_START = regex.compile(r"^(?:该|該|这|這|此|其|本|各|每|某|母|子|上市|旗下|多家|几家|幾家|一家|两家|兩家|\d|[一二两三四五六七八九十])")


def name_part_ok(name: str) -> bool:
    """A candidate name (without its suffix) that is neither generic nor a bare place."""
    if len(name) < 2 or name in GENERIC_WORDS or name in PLACE_WORDS or name in LEFT_STOPS:
        return False
    if _NOT_A_NAME.fullmatch(name) or _NOT_A_NAME_START.match(name):
        return False
    # A place plus a generic word (美国科技, 日本半导体) is an industry, not a name: look the
    # name's heads up by the lengths places have instead of trying every place.
    for length in _PLACE_LENGTHS:
        if name[:length] in PLACE_WORDS and (name[length:] in GENERIC_WORDS or not name[length:]):
            return False
    return True


_PLACE_LENGTHS = sorted({len(place) for place in PLACE_WORDS})


_RUN_DESCRIPTOR = regex.compile(r"(?:龙头|龍頭|巨头|巨頭|厂商|廠商|企业|企業|公司|集团|集團|机构|機構|旗下|厂|廠|股)")


def trailing_name(run: str, max_len: int = 6) -> str:
    """The name at the end of a CJK run: after the last descriptor (龙头, 公司) or stop word."""
    last = None
    for last in _RUN_DESCRIPTOR.finditer(run):
        pass
    if last is not None:
        run = run[last.end():]
    srun = simplified(run)
    tokens = [w for _, _, w in token_spans(srun if len(srun) == len(run) else run)] if run else []
    name = ""
    for word in reversed(tokens):
        if word in LEFT_STOPS or len(name) + len(word) > max_len:
            break
        name = word + name
        if len(name) >= 2 and (len(run) > 4 or name == run):
            if len(run) > 4:
                break
    return name
