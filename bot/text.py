"""Text normalisation and language detection, shared by the matcher, the desk and the CLI.

Everything here is pure and synchronous. OpenCC converters are built once per process
because building one reads its dictionaries from disk.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from functools import cache
from itertools import pairwise

import numpy as np
import numpy.typing as npt
import opencc


class Lang(StrEnum):
    EN = "en"
    ZH_HANT = "zh-Hant"
    ZH_HANS = "zh-Hans"
    JA = "ja"
    KO = "ko"

    @property
    def is_chinese(self) -> bool:
        return self in (Lang.ZH_HANT, Lang.ZH_HANS)

    @property
    def authored(self) -> Lang:
        """The authored language a visitor of this language reads where the KB or the code
        has no text of their own: Chinese for a Chinese reader, English for everyone else
        (never Chinese by accident for a Japanese or Korean visitor)."""
        return Lang.ZH_HANT if self.is_chinese else Lang.EN

    @property
    def is_translated(self) -> bool:
        """A language the KB holds translations in (marked until a curator clears them)."""
        return self in (Lang.JA, Lang.KO)


MAX_TAG = 35  # RFC 5646's longest tag a registry could hold
LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
#: Chinese written in Simplified characters: the script itself, or where it is the norm.
_SIMPLIFIED_SUBTAGS = frozenset({"hans", "cn", "sg", "my"})


def tag_language(tag: str) -> Lang | None:
    """The desk's language for a BCP 47 tag (``ja-JP``, ``zh-TW``, ``zh-Hans-CN``), else None."""
    if len(tag) > MAX_TAG or not LANGUAGE_TAG.fullmatch(tag):
        return None
    primary, *subtags = tag.lower().split("-")
    if primary == "zh":
        return Lang.ZH_HANS if _SIMPLIFIED_SUBTAGS.intersection(subtags) else Lang.ZH_HANT
    return {"en": Lang.EN, "ja": Lang.JA, "ko": Lang.KO}.get(primary)


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def _convert(config: str, text: str) -> str:
    converter = _converter(config)
    if "\0" in text:  # OpenCC reads a C string, which would end at the first NUL
        return "\0".join([str(converter.convert(piece)) for piece in text.split("\0")])
    return str(converter.convert(text))


def to_traditional(text: str) -> str:
    """Simplified → Traditional in Taiwan's usage (phrases too: 出租车 → 計程車)."""
    return _convert("s2twp", text)


def to_simplified(text: str) -> str:
    """Taiwan Traditional → Simplified with mainland phrasing, for answers to zh-Hans visitors."""
    return _convert("tw2sp", text)


def localize(text: str, lang: Lang) -> str:
    """Text authored in zh-Hant, shown to a visitor of ``lang`` (only zh-Hans changes it;
    Japanese and Korean visitors are shown English or their own text, never this)."""
    return to_simplified(text) if lang is Lang.ZH_HANS else text


def is_han(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2EBEF
        or 0xF900 <= code <= 0xFAFF
    )


_LATIN_WORD = re.compile(r"[a-z]+", re.IGNORECASE)


def is_kana(char: str) -> bool:
    """Hiragana or katakana (the half-width forms are folded to these by NFKC)."""
    return "\u3041" <= char <= "\u30ff" and char not in "\u30fb"


def is_hangul(char: str) -> bool:
    code = ord(char)
    return 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3131 <= code <= 0x318E


#: Kanji that only Japanese writes so (shinjitai): neither Traditional nor Simplified Chinese
#: uses them, so a text holding one is Japanese even without kana (「花蓮駅」, 「岩手県」;
#: 「盛岡市役所」 could be either).
_JAPANESE_ONLY_KANJI = frozenset(
    "県駅円図労払売読験単団変対気済関鉄転伝覚観訳辺桜沢薬続経戦険権効楽営検乗帰発様歳"
    "広悪恵拠択渓焼獣稲粋絵縄聴臓荘蛍賛遅郷酔醸釈隠騒髄鶏黙両仏価児剣剤勧亜囲圧塩姫嬢"
    "実寛専巣巻弐弾従徴応懐戻拝挿捜揺摂斎斉晩暦桟渇満滝瀬畳砕穂穏窓粛継総繊蔵譲豊賎軽"
    "錬鋳陥雑霊頼顕駆齢"
)


@cache
def _old_forms() -> dict[int, int]:
    """Each Japanese-only kanji's traditional (kyūjitai) form, as Chinese writes it: 県 → 縣,
    団 → 團, 観 → 觀 (OpenCC's jp2t, character by character)."""
    converter = _converter("jp2t")
    forms = {ch: str(converter.convert(ch)) for ch in _JAPANESE_ONLY_KANJI | _JAPANESE_VARIANTS}
    return {ord(ch): ord(old) for ch, old in forms.items() if len(old) == 1 and old != ch}


@cache
def _old_form_table() -> npt.NDArray[np.uint32]:
    forms = _old_forms()
    table = np.arange(max(forms) + 1, dtype=np.uint32)
    table[list(forms)] = list(forms.values())
    return table


def _old_kanji(text: str) -> str:
    """``text`` with its Japanese-only kanji in their traditional forms, so that a Japanese
    text's words meet the same words written in Chinese or in older Japanese (県庁 and 縣;
    観光 and 觀光). Chinese text holds none of them and is left as it is."""
    if not _JAPANESE_ONLY.search(text):
        return text
    codes = code_points(text)
    table = _old_form_table()
    inside = codes < len(table)
    mapped = codes.copy()
    mapped[inside] = table[codes[inside]]
    return from_code_points(mapped)


#: Characters a Chinese sentence almost always holds and a Japanese one never: a kanji-only
#: text holding one is Chinese whatever the visitor wrote before.
_CHINESE_FUNCTION_CHARS = frozenset("的嗎呢了是我你妳您們吧麼嘛這那哪個沒")
#: Kanji Japanese writes as Simplified Chinese does (shinjitai): beside characters only
#: Traditional Chinese writes (電話, 時期), one of them marks a Japanese text (「電話番号」,
#: 「留学生 健保加入時期」) — Chinese is written in one script or the other.
_SHINJITAI_AS_SIMPLIFIED = frozenset("学号国会体区当写画旧乱礼声万与双参宝点担状将数")
#: A kanji-only text this short is a word or two (「居留証申請」, 「花蓮空港」): it says nothing
#: of its language, and the visitor's last language decides.
_SHORT_KANJI_TEXT = 12
#: Japanese forms that Chinese knows only as rare variants (証 for 證, 処 for 處): not enough
#: to call a text Japanese, but written in their usual Chinese form all the same.
_JAPANESE_VARIANTS = frozenset("証処浅緑録閲姉黒徳戸歩毎")
_JAPANESE_ONLY = re.compile("[" + "".join(sorted(_JAPANESE_ONLY_KANJI | _JAPANESE_VARIANTS)) + "]")


def _script_counts(text: str) -> tuple[str, int, int]:
    han = "".join(ch for ch in text if is_han(ch))
    latin_words = len(_LATIN_WORD.findall(text))
    return han, len(han), latin_words


def detect_language(text: str, previous: Lang | None = None) -> Lang:
    """The visitor's language by the dominant script; Chinese split by script-specific characters.

    A Han character counts as much as a Latin word: "iTaiwan怎麼用" is Chinese with an English
    brand in it, "Tzu Chi hospital 電話" is English with a Chinese word in it. Hangul is
    Korean and kana Japanese, whatever kanji the text holds (a Japanese text's kanji —
    市役所, 手続き — are not Chinese words): a kana or Hangul character counts as a Han one.
    A lone の among Han characters is the Taiwanese chat spelling of 的, not Japanese.

    A text of kanji alone is Japanese when it holds a kanji only Japanese writes so (県, 駅,
    証). Otherwise, a short one (a word or two, no Chinese particle) is ambiguous between
    Chinese and Japanese: ``previous``, the language the visitor last wrote in, breaks that
    tie and nothing else — a Japanese visitor's 「居留証申請」 stays Japanese, anyone else's
    is Chinese.
    """
    text = unicodedata.normalize("NFKC", text)
    han, han_count, latin_words = _script_counts(text)
    hangul = sum(1 for ch in text if is_hangul(ch))
    kana_chars = [ch for ch in text if is_kana(ch)]
    kana = len(kana_chars)
    if kana_chars and set(kana_chars) == {"の"} and kana == 1 and han_count >= 2:
        kana = 0
    if hangul and hangul + han_count > latin_words and hangul >= kana:
        return Lang.KO
    if kana and kana + han_count > latin_words:
        return Lang.JA
    if han_count == 0 or latin_words > han_count:
        return Lang.EN
    if _JAPANESE_ONLY_KANJI.intersection(han) and not _CHINESE_FUNCTION_CHARS.intersection(han):
        return Lang.JA
    if (
        previous is Lang.JA
        and han_count <= _SHORT_KANJI_TEXT
        and not _CHINESE_FUNCTION_CHARS.intersection(han)
    ):
        return Lang.JA
    # Character-level converters keep the length, so a position-wise comparison tells which
    # characters exist only in one script.
    as_simplified = _converter("t2s").convert(han)
    as_traditional = _converter("s2t").convert(han)
    traditional_only = sum(a != b for a, b in zip(han, as_simplified, strict=False))
    simplified_only = sum(a != b for a, b in zip(han, as_traditional, strict=False))
    if (
        traditional_only
        and _SHINJITAI_AS_SIMPLIFIED.intersection(han)
        and not _CHINESE_FUNCTION_CHARS.intersection(han)
    ):
        return Lang.JA
    return Lang.ZH_HANS if simplified_only > traditional_only else Lang.ZH_HANT


# Anything but a letter, a digit or a space becomes a space; "+" and "#" stay because "C++",
# "+886" and "#3" keep meaning. One regex pass instead of a per-character category lookup:
# normalisation runs on every phrasing of a 10,000-entry knowledge base at start-up.
_NOISE = re.compile(r"(?:[^\w+#]|_)+")
_SPACES = re.compile(r"\s+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
#: Code points past the Han ranges above that OpenCC may still convert (CJK Extension G on).
_PAST_HAN = re.compile(r"[\U00030000-\U0003ffff]")
# Apostrophes inside words ("what's", "don't") join the word instead of splitting it.
# (The apostrophe first: the regex engine then skips to apostrophes instead of trying every
# position, which counts over the 16 million characters of a large knowledge base.)
_APOSTROPHE = re.compile(r"['’](?<=[a-z]['’])(?=[a-z])")
#: 'll and 'd spelt out before the apostrophes go: else "I'll" is "ill", "we'll" is "well",
#: "I'd" is "id" (an ID card), and a visitor coming next week is asked about being unwell.
#: (The apostrophe first here too: opening with the lookbehind, the pattern was tried at every
#: position, 24 ms of a 1,000-entry build's 1.6 million characters against 9.)
_WILL_WOULD = re.compile(r"['’](?<=[a-z]['’])(ll|d)\b")


def _without_apostrophes(text: str) -> str:
    text = _WILL_WOULD.sub(lambda found: " will" if found.group(1) == "ll" else " would", text)
    return _APOSTROPHE.sub("", text)


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


def _fold(text: str) -> str:
    text = text.encode("utf-8", "ignore").decode("utf-8")
    text = unicodedata.normalize("NFKC", text).casefold()
    if "'" in text or "’" in text:
        text = _without_apostrophes(text)
    return text


def _finish(text: str) -> str:
    return _NOISE.sub(" ", text).strip()


def normalize(text: str) -> str:
    """NFKC (full width → half width), case-folded, Traditional script, punctuation removed.

    Never raises: any Unicode string gives a (possibly empty) normalised string. Lone
    surrogates, which some clients send, are dropped.
    """
    text = _fold(text)
    if has_han(text):
        text = _old_kanji(to_traditional(text))
    return _finish(text)


def normalize_many(texts: list[str]) -> list[str]:
    """``[normalize(t) for t in texts]``, done on the whole batch at once.

    A knowledge base of 10,000 entries holds some 700,000 phrasings, keywords and answers
    (16 million characters); text by text, most of the time would go to call overhead. Here
    each step runs once over the texts joined by line breaks, partly on numpy arrays of code
    points, and a batch that repeats itself (keywords do) has each distinct text done once.
    Every step works within a line, so the result is the same as text by text (a hypothesis
    test holds the two equal).
    """
    distinct = dict.fromkeys(texts)
    # Mapping every text to its distinct one's result costs about as much as normalising a
    # tenth of the texts again: a batch with fewer repeats is normalised as it is.
    if len(distinct) < 0.9 * len(texts):
        normal = dict(zip(distinct, _normalize_lines(list(distinct)), strict=True))
        return list(map(normal.__getitem__, texts))
    return _normalize_lines(texts)


#: normalize_many works on slices of about this many characters: the slice's temporary
#: copies (a dozen, each as large as the slice) then fit in memory the allocator has
#: already mapped, instead of fresh pages for each copy of a whole 10,000-entry KB.
_SLICE_CHARACTERS = 1_000_000


def _normalize_lines(texts: list[str]) -> list[str]:
    if not texts:
        return []
    sizes = np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))
    if sizes[-1] > 2 * _SLICE_CHARACTERS and len(texts) > 1:
        cuts = np.searchsorted(sizes, np.arange(_SLICE_CHARACTERS, sizes[-1], _SLICE_CHARACTERS))
        bounds = [0, *np.unique(cuts).tolist(), len(texts)]
        normal: list[str] = []
        for start, end in pairwise(bounds):
            if end > start:
                normal += _normalize_slice(texts[start:end])
        return normal
    return _normalize_slice(texts)


def _normalize_slice(texts: list[str]) -> list[str]:
    # Line breaks inside a text would shift the batch apart: they become spaces first.
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1 or "\r" in joined:
        joined = "\n".join([text.replace("\n", " ").replace("\r", " ") for text in texts])
    if _SURROGATE.search(joined):
        joined = joined.encode("utf-8", "ignore").decode("utf-8")
    folded = _fold_lines(joined)
    # OpenCC changes no character but Han ones once NFKC has folded the text (a test holds
    # it to that), and its phrases do not cross a line break: converted whole, a batch
    # comes out as line by line, and no line need be picked out or put back. The one
    # exception: a few ideographs of CJK Extension G, past the ranges has_han counts, which
    # only the lines holding a Han character may have converted.
    if has_han(folded):
        folded = _old_kanji(
            _han_lines_converted(folded) if _PAST_HAN.search(folded) else to_traditional(folded)
        )
    lines = _blank_noise(folded).split("\n")
    if len(lines) != len(texts):  # never seen; kept so a quirk cannot misalign the batch
        return [normalize(text) for text in texts]
    return lines


def _han_lines_converted(text: str) -> str:
    """``to_traditional`` of each line (split at line breaks) holding a Han character."""
    lines = text.split("\n")
    codes = code_points(text)
    for index in _lines_holding(codes, han_mask(codes)):
        lines[index] = to_traditional(lines[index])
    return "\n".join(lines)


_NEWLINE = ord("\n")
_SPACE = ord(" ")
_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2EBEF))


def code_points(text: str) -> npt.NDArray[np.uint32]:
    """The code points of ``text``, as a numpy array (no copy of the text is kept)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def from_code_points(codes: npt.NDArray[np.uint32]) -> str:
    # Decoded straight from the array's memory: a batch is tens of megabytes, and every
    # copy of it is that much fresh memory to fault in.
    return str(np.ascontiguousarray(codes, dtype="<u4").data, "utf-32-le", "surrogatepass")


def han_mask(codes: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    mask = np.zeros(len(codes), dtype=np.bool_)
    for low, high in _HAN_RANGES:
        mask |= (codes >= low) & (codes <= high)
    return mask


def distinct_code_points(codes: npt.NDArray[np.uint32]) -> list[int]:
    """The distinct code points in ``codes``."""
    if not len(codes):
        return []
    seen = np.zeros(int(codes.max()) + 1, dtype=np.bool_)
    seen[codes] = True
    return np.flatnonzero(seen).tolist()


def _lines_holding(codes: npt.NDArray[np.uint32], mask: npt.NDArray[np.bool_]) -> list[int]:
    """The indexes of the lines (split at line breaks) that hold a character under ``mask``."""
    starts = np.concatenate(([0], np.flatnonzero(codes == _NEWLINE) + 1))
    if starts[-1] == len(codes):  # an empty last line holds nothing
        starts = starts[:-1]
    if not len(codes):
        return []
    return np.flatnonzero(np.add.reduceat(mask.astype(np.uint8), starts)).tolist()


def _keeps_nfkc(char: str) -> bool:
    """True when NFKC leaves ``char`` alone wherever it stands: it is its own NFKC form and
    nothing before it can compose with it (marks and Hangul vowel and final jamo can)."""
    code = ord(char)
    return (
        unicodedata.normalize("NFKC", char) == char
        and not unicodedata.category(char).startswith("M")
        and not (0x1160 <= code <= 0x11FF or 0xD7B0 <= code <= 0xD7FF)
    )


def _fold_lines(text: str) -> str:
    """``_fold`` for a batch joined by line breaks, line by line.

    NFKC is the costly step, and most of a knowledge base is already in NFKC form but for
    full-width punctuation (，？：). Full-width ASCII forms and the ideographic space are
    mapped to what NFKC maps them to (their compatibility decomposition, so NFKC of the
    result is NFKC of the text); then only lines holding a character NFKC could still
    change go through NFKC.
    """
    codes = code_points(text)
    wide = (codes >= 0xFF01) & (codes <= 0xFF5E)
    ideographic_space = codes == 0x3000
    if wide.any() or ideographic_space.any():
        codes = codes.copy()
        codes[wide] -= 0xFEE0
        codes[ideographic_space] = _SPACE
        text = from_code_points(codes)
    unsafe = [code for code in distinct_code_points(codes) if not _keeps_nfkc(chr(code))]
    if unsafe:
        lines = text.split("\n")
        for index in _lines_holding(codes, np.isin(codes, unsafe)):
            lines[index] = unicodedata.normalize("NFKC", lines[index])
        text = "\n".join(lines)
    text = text.casefold()
    if "'" in text or "’" in text:
        text = _without_apostrophes(text)
    return text


def _blank_noise(text: str) -> str:
    """``_NOISE.sub(" ", text)`` that keeps line breaks, on code points, each line then
    stripped: every run of characters other than letters, digits, "+" and "#" becomes one
    space, or nothing at the start or end of a line."""
    codes = code_points(text)
    if not len(codes):
        return text
    keep = np.zeros(int(codes.max()) + 1, dtype=np.bool_)
    for code in distinct_code_points(codes):
        char = chr(code)
        keep[code] = char.isalnum() or char in "+#\n"  # what \w keeps, less "_"
    noise = ~keep[codes]
    if not noise.any():
        return text
    first = noise.copy()
    first[1:] &= ~noise[:-1]
    kept = ~noise | first
    out = codes[kept]
    space = noise[kept]
    out[space] = _SPACE
    # Stripped here, every line need not pass through Python once more.
    breaks = np.concatenate(([True], out == _NEWLINE, [True]))
    edge = space & (breaks[:-2] | breaks[2:])
    return from_code_points(out[~edge])


def utf16_length(text: str) -> int:
    """Length as LINE and Telegram count it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_utf16(text: str, limit: int) -> list[str]:
    """Split ``text`` into chunks of at most ``limit`` UTF-16 units, at line breaks if possible."""
    if limit < 2:
        raise ValueError("limit must allow at least one surrogate pair")
    chunks: list[str] = []
    remaining = text
    while utf16_length(remaining) > limit:
        cut = _fit(remaining, limit)
        window = remaining[:cut]
        for sep in ("\n\n", "\n", "。", ". ", " "):
            at = window.rfind(sep)
            if at > cut // 2:
                cut = at + len(sep)
                break
        chunks.append(remaining[:cut].rstrip())
        remaining = remaining[cut:].lstrip()
    if remaining:
        chunks.append(remaining)
    return chunks


def _fit(text: str, limit: int) -> int:
    """The largest prefix length (in code points) that fits in ``limit`` UTF-16 units."""
    units = 0
    for index, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)
