"""What counts as a word, for every stage of the matcher: English stop words and the light
stemmer, Chinese function characters and pairs, the particles that mark a seam between two
Chinese words, and the patterns that cut normalised text into Han runs and English words."""

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
    really kindly""".split()
)
# Function characters: they appear in almost every Chinese question and say nothing of its topic.
ZH_STOP_UNIGRAMS = frozenset(
    "的了是嗎呢吧啊呀喔哦我你妳您他她們在有要想會能可以和跟與及或這那哪什麼怎樣個些一也都就還很請問給把被讓對說為嘛囉耶欸"
)
ZH_STOP_BIGRAMS = frozenset(
    """什麼 怎麼 哪裡 哪個 哪些 可以 請問 我們 你們 是否 是不 不是 有沒 沒有 一下 知道 想要 需要 如何 怎樣 這個 那個 有什 有哪 要怎 要去 在哪 去哪 的話
    的是 是什 麼辦 請告 告訴 訴我 想問 我想 我要 可不 不可 能不 不能 嗎？ 多少 幾號 有人 是哪""".split()
)

# Characters that only ever join a word on a known side (什麼, 怎麼) or end a sentence: a bigram
# holding one is a seam between two words, except in the few words listed after.
ZH_PARTICLES = frozenset("的嗎呢吧啊呀喔哦嘛囉欸麼怎")
ZH_PARTICLE_WORDS = frozenset("目的 的士 的確 酒吧 怎樣".split())
# An A-not-A question (貴不貴, 遠不遠, 開沒開): a yes/no question about A.
A_NOT_A = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])[不沒]\1")

EN_WORD = re.compile(r"[a-z0-9][a-z0-9+#]*")
_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]"
HAN_RUNS = re.compile(rf"({_HAN}+)")
ALL_HAN = re.compile(rf"{_HAN}+")
#: A line of three Han characters or more, and nothing else.
ZH_TERM_LINES = re.compile(rf"^{_HAN}{{3,}}$", re.MULTILINE)


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
