"""Japanese and Korean word forms: the same word however it is inflected or what is attached.

The matcher reads Japanese and Korean as runs of characters cut into pairs (words.py). Two
things blur those pairs, and are undone here on the normalised text, before tokens are made,
the same for the KB's Japanese and Korean phrasings and for a question:

* Korean attaches particles and endings to a word: 주소를, 어디로, 신청하려면, 방문할,
  요청드려야. Their pairs (소를, 디로, 청하) are unknown to the KB, or shared by every entry,
  and drag the coverage of the right entry down with the others'. A particle is cut off a
  word whose stem keeps two syllables; a Sino-Korean noun made a verb (신청하다, 방문되다,
  요청드리다) is cut back to the noun.
* Japanese writes a compound verb or noun with okurigana between its kanji: 受け取る, 申し込み,
  引き落とし, 問い合わせ (also written 受取, 申込, 引落, 問合せ). Hiragana cuts runs (words.py),
  so 受 and 取 stay apart; a single okurigana kana between two kanji is dropped, so the kanji
  make one run and the pair 受取 whichever way it is written. Particles (の, を, に …) are not
  okurigana and stay.

Only Hangul words and kana between kanji are touched: a zh/en text comes out unchanged.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable

from bot.matcher.analyzer import Fillers
from bot.text import normalize

# Particles; cut only where two syllables stay (아이 and 회의 keep theirs).
_KO_PARTICLES = """에서는 에서도 에서의 에게서 으로는 으로도 으로서 으로써 까지는 까지도 부터는 이라도
    이라는 이라고 라고 라는 처럼 보다 마다 부터 까지 에서 으로 에게 한테 께서 께는 이나
    이랑 하고 만큼 밖에 에는 에도 와는 과는 은 는 이 가 을 를 에 의 도 로 와 과 랑 만 나 께""".split()
# Endings that make a noun a verb (신청하다, 방문되다, 요청드리다), by the syllable they open with.
_KO_VERB_OPENINGS = "하 해 할 한 합 했 함 되 돼 될 된 됩 됐 드리 드려 드릴 드립".split()
_SYLLABLE = "[\uac00-\ud7a3]"
#: The syllables a verb ending or a particle opens with.
_KO_ENDING_OPENS = (
    "[" + "".join(sorted({ending[0] for ending in _KO_VERB_OPENINGS + _KO_PARTICLES})) + "]"
)
#: A Korean word: its stem (two syllables or more, as short as can be), then a verb ending
#: (anything after its opening syllable) or a particle that ends the word. One pattern,
#: substituted in C: a 10,000-entry KB has some 300,000 Korean phrasings to read.
#: The stem's first syllable comes before the lookbehind that tells it opens the word (a
#: pattern opening with a lookbehind is tried at every position of the text), and a
#: lookahead for an ending's first syllable turns away most lengths of stem at once: 51 -> 34 ms
#: on a 1,000-entry build's ja/ko phrasings.
_KO_WORD = re.compile(
    rf"({_SYLLABLE}(?<!{_SYLLABLE}{_SYLLABLE}){_SYLLABLE}+?)(?={_KO_ENDING_OPENS})"
    rf"(?:(?:{'|'.join(_KO_VERB_OPENINGS)}){_SYLLABLE}*|(?:{'|'.join(_KO_PARTICLES)})(?!{_SYLLABLE}))"
)

#: Okurigana: kana that ends a kanji's reading inside a word (申し込み, 受け取り, 問い合わせ).
#: Particles (の を に は が で と も へ や か) are not among them.
_OKURIGANA = "しけりきちみいえせべびぎじれめつ"
_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
#: (The kana first, then the lookbehind for the kanji before it: the regex engine skips to
#: the kana instead of trying every position.)
_KANJI_KANA_KANJI = re.compile(rf"[{_OKURIGANA}](?<={_HAN}.)(?={_HAN})")

_SPACE_RUNS = re.compile(r"  +")


def base_forms(normal: str) -> str:
    """``normal`` (normalised) with Korean words cut to their stems and Japanese okurigana
    between kanji dropped (see the module's docstring)."""
    if normal.isascii():
        return normal
    normal = _KANJI_KANA_KANJI.sub("", normal)
    return _KO_WORD.sub(_stem, normal)


#: A _KO_WORD match's stem. A template (r"\1") would be expanded in Python for each of the
#: hundreds of thousands of words of a large KB's Korean phrasings; this is a call in C.
_stem = operator.methodcaller("group", 1)


class BaseFormFillers(Fillers):
    """Fillers for the Japanese and Korean index: stripped, then the words cut to their base
    forms (base_forms), for the KB's phrasings and a question alike.

    ``formulas`` are Japanese and Korean courtesy formulas (intents.yaml ``fillers``, ja and
    ko): 「ご教示いただけますでしょうか」「알려 주시면 감사하겠습니다」 close a delegate's question
    whatever it asks, so they are taken out wherever they stand, as long phrases no topic
    word holds."""

    def __init__(self, fillers: Iterable[str], formulas: Iterable[str] = ()) -> None:
        super().__init__(fillers)
        normal = sorted({normalize(f) for f in formulas} - {""}, key=len, reverse=True)
        self._formulas = re.compile("|".join(map(re.escape, normal))) if normal else None
        self.phrases = (*self.phrases, *normal)

    def strip(self, normal: str) -> str:
        return base_forms(self._without_formulas(super().strip(normal)))

    def strip_many(self, normals: list[str]) -> list[str]:
        stripped = super().strip_many(normals)
        if not stripped:
            return []
        # One pass over the batch, a text a line (stripped texts hold no line break, and no
        # pattern reaches across one): half the time of a call for each text.
        return base_forms(self._without_formulas("\n".join(stripped))).split("\n")

    def _without_formulas(self, text: str) -> str:
        """``text`` without its formulas. Its lines are single-spaced and stripped (as Fillers
        gives them), and so they stay: only where a formula was taken out can a space double
        another or open or close a line, and two string passes mend that (a Python pass over
        every line made this step 29 ms of a 1,000-entry build, against 14 now)."""
        if self._formulas is None:
            return text
        text = _SPACE_RUNS.sub(" ", self._formulas.sub(" ", text))
        return text.replace(" \n", "\n").replace("\n ", "\n").strip(" ")
