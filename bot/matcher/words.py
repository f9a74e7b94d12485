"""What counts as a word, for every stage of the matcher: English stop words and the light
stemmer, Chinese function characters and pairs, the particles that mark a seam between two
Chinese words, and the patterns that cut normalised text into runs and English words.

The matcher reads Japanese and Korean the way it reads Chinese, as runs of characters cut
into pairs (with lightly weighted single characters): kanji, katakana and Hangul each make
runs of their own, so a pair never straddles two scripts. Hiragana makes none: in a Japanese
text it is the particles and endings between the words (居留証「の」申請「は」花蓮「で
できますか」), so it cuts the text into words as a space would. Korean is written in words
with particles and endings attached (거류증은, 신청해요): pairs within a word meet the KB's
거류증 and 신청 whatever is attached, and the commonest endings are stop pairs."""

from __future__ import annotations

import re
from functools import lru_cache

EN_STOPWORDS = frozenset(
    """a an the is are am was were be been being do does did doing i me my mine we our us you
    your yours it its to of in on at for from with by about and or but can could would
    should will shall may might must there here what whats which who whom whose how where
    when why this that these those any some please tell know want wanna like get got if so
    up out just also have has had as into than then them they he she his her im id ive dont
    doesnt cant isnt arent theres hows wheres whos let lets me ok okay yes no not very
    much many more one someone something anything go going gonna should u ur pls plz
    really kindly around""".split()
)
# Function characters: they appear in almost every Chinese question and say nothing of its topic.
ZH_STOP_UNIGRAMS = frozenset(
    "的了是嗎呢吧啊呀喔哦我你妳您他她們在有要想會能可以和跟與及或這那哪什麼怎樣個些一也都就還很請問給把被讓對說為嘛囉耶欸"
    # Japanese: katakana alone spells a sound, not a word (ビザ is its pair, not ビ and ザ);
    # Korean: particles and endings, as single syllables (their pairs with a stem stay:
    # 거류증은 still holds 거류, 류증).
    + "".join(map(chr, range(0x30A1, 0x30FB)))
    + "ー"
    "은는이가을를에의도로와과요고서다니까어해하나지게면세습죠"
)
ZH_STOP_BIGRAMS = frozenset(
    """什麼 怎麼 哪裡 哪個 哪些 可以 請問 我們 你們 是否 是不 不是 有沒 沒有 一下 知道 想要 需要 如何 怎樣 這個 那個 有什 有哪 要怎 要去 在哪 去哪 的話
    的是 是什 麼辦 請告 告訴 訴我 想問 我想 我要 可不 不可 能不 不能 嗎？ 多少 幾號 有人 是哪""".split()
) | frozenset(
    # Korean endings, particles and question words, the pairs every question holds.
    """니다 습니 합니 입니 십니 됩니 있습 없습 해요 세요 어요 아요 여요 나요 까요 가요 데요
    에서 으로 하고 하는 하면 해야 해도 하나 할까 할수 하려 려면 으면 는데 은데 인가 인데
    있나 있어 있는 있을 없나 없어 되나 되는 돼요 되요 예요 이에 에요 어디 디서 디에 언제
    어떻 떻게 무엇 누구 얼마 알려 려주 주세 주십 십시 시오 궁금 금합 금해 싶어 싶습 싶은
    좋을 좋아 같아 같은 그런 이런 저는 제가 저희 혹시 그리 리고 그런 그럼 그래""".split()
)

# Characters that only ever join a word on a known side (什麼, 怎麼) or end a sentence: a bigram
# holding one is a seam between two words, except in the few words listed after.
ZH_PARTICLES = frozenset("的嗎呢吧啊呀喔哦嘛囉欸麼怎")
ZH_PARTICLE_WORDS = frozenset("目的 的士 的確 酒吧 怎樣".split())
# An A-not-A question (貴不貴, 遠不遠, 開沒開): a yes/no question about A.
A_NOT_A = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])[不沒]\1")

EN_WORD = re.compile(r"[a-z0-9][a-z0-9+#]*")
_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]"
#: Katakana (with its long-vowel mark; not the middle dot, a separator) and Hangul syllables.
_KATAKANA = r"[\u30a1-\u30fa\u30fc]"
_HANGUL = r"[\uac00-\ud7a3]"
#: Runs of one script each: Han, katakana or Hangul (see the module's docstring).
HAN_RUNS = re.compile(rf"({_HAN}+|{_KATAKANA}+|{_HANGUL}+)")
ALL_HAN = re.compile(rf"{_HAN}+")
#: A line of three characters or more of one of those scripts, and nothing else.
ZH_TERM_LINES = re.compile(rf"^(?:{_HAN}{{3,}}|{_KATAKANA}{{3,}}|{_HANGUL}{{3,}})$", re.MULTILINE)


def is_run_char(char: str) -> bool:
    """Whether ``char`` belongs to a run (Han, katakana or Hangul): see HAN_RUNS."""
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2EBEF
        or 0x30A1 <= code <= 0x30FA
        or code == 0x30FC
        or 0xAC00 <= code <= 0xD7A3
    )


def is_katakana(char: str) -> bool:
    """Whether ``char`` opens a katakana run (see HAN_RUNS)."""
    return "\u30a1" <= char <= "\u30fa" or char == "\u30fc"


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A light English stemmer: plurals only, which is where visitors' words differ most."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def is_seam(pair: str) -> bool:
    """Whether a pair of Chinese characters holds a particle and is no word (間的, 麼申)."""
    return (pair[0] in ZH_PARTICLES or pair[1] in ZH_PARTICLES) and pair not in ZH_PARTICLE_WORDS
