"""Personal details out of a text that leaves the conversation it was written in: a draft
knowledge-base entry made from visitors' questions and a staff answer (bot/staff/curation.py).

What is replaced, by a bracketed word a curator sees at once:

- e-mail addresses → [email]; @handles (LINE, Telegram, Instagram ids) → [handle];
- ID numbers: Taiwan's national ID and resident (ARC/UI) numbers, passport-like letters and
  digits, Korea's resident registration number → [ID number];
- phone numbers: seven digits or more, with or without +country code, spaces, dashes or
  brackets (a date such as 2026-11-26 is left alone) → [phone]; any other run of six
  digits or more (an account, a booking number) → [number];
- postal addresses: Taiwanese (…路/街 …段 …巷 …弄 …號 …樓), Japanese (…丁目…番…号), Korean
  (…로/길 12) and English ("No. 17, Fuqian Rd.", "12 Baker Street") → [address];
- names: the names the desk knows (the visitors' display names, the staff accounts' names),
  what follows "my name is", 「我叫」「我的名字是」「姓名：」, 「私は…です」「…と申します」,
  「제 이름은」「저는 …입니다」, and a name before or after a title (Mr, Ms, Dr …; 先生, 小姐 …
  after a common surname; さん, 様; 씨) → [name].

It is a careful best effort, not a guarantee: a name nobody introduces ("ask Kenji") stays.
That is why a draft goes to a curator, who reads it before it is published.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

EMAIL = "[email]"
HANDLE = "[handle]"
ID_NUMBER = "[ID number]"
PHONE = "[phone]"
NUMBER = "[number]"
ADDRESS = "[address]"
NAME = "[name]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_.]{3,}")
_ID_NUMBERS = (
    # Taiwan: national ID (A123456789), resident certificate old (AB12345678) and new (A812345678).
    re.compile(r"(?<![A-Za-z0-9])[A-Z][A-D12789]\d{8}(?![A-Za-z0-9])"),
    # Passports and the like: one or two letters, then seven to nine digits.
    re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,2}\d{7,9}(?![A-Za-z0-9])"),
    # Korea's resident registration number.
    re.compile(r"(?<!\d)\d{6}-[1-8]\d{6}(?!\d)"),
)
_DATE = re.compile(r"(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])")
# Digits may follow a word in Chinese or Japanese (電話0912345678): only Latin letters and
# digits around them say they are part of something else.
_PHONE = re.compile(r"(?<![A-Za-z0-9+(])(?:\+|00)?\(?\d[\d\s\-().]{5,}\d(?![A-Za-z0-9])")
_DIGITS = re.compile(r"\d{6,}")

_HAN = r"\u4e00-\u9fff"
_CN_NUMERAL = r"〇一二三四五六七八九十百"
_ADDRESSES = (
    # 花蓮市府前路17號3樓, 中山路二段123巷4弄5號之1
    re.compile(
        rf"[{_HAN}]{{0,12}}?(?:路|街|大道)(?:[\d{_CN_NUMERAL}]+段)?(?:\d+巷)?(?:\d+弄)?"
        rf"[\d{_CN_NUMERAL}]+(?:之\d+)?號(?:\d+樓)?(?:之\d+)?"
    ),
    # 盛岡市内丸1丁目2番3号, 2丁目5-1
    re.compile(rf"[{_HAN}\u3040-\u30ff]{{0,10}}?\d+丁目\s?\d+(?:番地?|-)\s?\d*(?:号)?"),
    # 세종대로 110, 테헤란로 212-3, 중앙로12번길 3
    re.compile(r"[가-힣]{1,12}(?:대로|로|길)\s?\d+(?:번길\s?\d+)?(?:-\d+)?"),
    # No. 17, Fuqian Rd. / No. 3, Lane 5, Zhongshan Road
    re.compile(
        r"\bNo\.?\s*\d+[A-Za-z-]*(?:,\s*(?:Lane|Ln\.?|Alley|Aly\.?|Sec\.?|Section)\s*\d+)*,?"
        r"\s+(?:[A-Z][\w'.-]*\s+){1,4}?(?:Road|Rd|Street|St|Avenue|Ave|Boulevard|Blvd|Lane|Ln)\b\.?",
        re.IGNORECASE,
    ),
    # 12 Baker Street, 221B Baker St.
    re.compile(
        r"\b\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][\w'.-]*\s+){1,4}?"
        r"(?:Road|Rd|Street|St|Avenue|Ave|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way)\b\.?"
    ),
)

# Common surnames in Taiwan (they cover most people): a title after one is a name's.
_SURNAMES = (
    "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高潘簡朱鍾彭游詹胡施沈余趙盧梁顏柯孫"
    "魏翁戴范宋方鄧杜傅侯曹薛丁卓馬阮董唐溫藍蔣石古紀姚連馮歐程湯田康姜汪白鄒尤巫鐘龔嚴韓袁金童陸夏"
    "柳邵佐藤鈴木高橋渡辺伊山中小村加吉松井"
)
_INTRODUCED = (
    # "my name is Ann Lee", "name: Ann", "call me Ann"
    re.compile(
        r"(?i:\b(?:my name is|my name's|name\s*:|call me|this is))\s+"
        r"[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,2}"
    ),
    re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?"),
    # 我叫王小明, 我的名字是, 姓名：王小明, 名字叫
    re.compile(
        rf"(?:我叫|我的名字是|我的名字叫|名字叫|姓名\s*[:：]|名字\s*[:：])\s*[{_HAN}]{{2,4}}"
    ),
    re.compile(rf"[{_SURNAMES}][{_HAN}]{{0,2}}(?:先生|小姐|女士|太太|老師|同學)"),
    # 私は田中です, 田中と申します, 名前は田中です
    re.compile(
        r"(?:私は|わたしは|名前は)\s*[\u4e00-\u9fff\u30a0-\u30ff\u3040-\u309f]{1,8}?(?:です|と申します)"
    ),
    re.compile(r"[\u4e00-\u9fff\u30a0-\u30ff]{1,8}と申します"),
    re.compile(r"[\u4e00-\u9fff\u30a0-\u30ff]{1,6}(?:さん|様|さま)"),
    # 제 이름은 김민수입니다, 저는 김민수입니다, 김민수 씨
    re.compile(r"(?:제 이름은|저는)\s*[가-힣]{2,4}(?:입니다|이에요|예요|라고 합니다)"),
    re.compile(r"(?<![가-힣])[가-힣]{2,3}\s씨"),
)
# What an introduction keeps of itself: the words before the name.
_KEEP = re.compile(
    r"^(?i:my name is|my name's|name\s*:|call me|this is|mr|mrs|ms|miss|mx|dr|prof)\.?\s+|"
    r"^(?:我叫|我的名字是|我的名字叫|名字叫|姓名\s*[:：]|名字\s*[:：]|私は|わたしは|名前は|제 이름은|저는)\s*"
)
_TITLE_AFTER = re.compile(
    r"(?:先生|小姐|女士|太太|老師|同學|です|と申します|さん|様|さま|입니다|이에요|예요|라고 합니다|\s?씨)$"
)


def _phone(match: re.Match[str]) -> str:
    text = match.group(0)
    if _DATE.fullmatch(text.strip()):
        return text
    digits = sum(ch.isdigit() for ch in text)
    return PHONE if digits >= 7 else text


def _introduced(match: re.Match[str]) -> str:
    text = match.group(0)
    before = _KEEP.match(text)
    after = _TITLE_AFTER.search(text)
    head = before.group(0) if before else ""
    tail = after.group(0) if after else ""
    return f"{head}{NAME}{tail}"


def redact(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with personal details replaced (see the module's docstring); ``names`` are
    names known to the desk (visitors' display names, staff names), replaced wherever they
    appear, in any case."""
    text = _EMAIL.sub(EMAIL, text)
    known = sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True)
    for name in known:
        text = re.sub(re.escape(name), NAME, text, flags=re.IGNORECASE)
    for pattern in _ID_NUMBERS:
        text = pattern.sub(ID_NUMBER, text)
    for pattern in _ADDRESSES:
        text = pattern.sub(ADDRESS, text)
    text = _PHONE.sub(_phone, text)
    text = _DIGITS.sub(NUMBER, text)
    text = _HANDLE.sub(HANDLE, text)
    for pattern in _INTRODUCED:
        text = pattern.sub(_introduced, text)
    return text


__all__ = ["redact"]
