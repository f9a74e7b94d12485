"""Japanese and Korean word forms: one word however it is inflected, a zh/en text untouched."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.kb.loader import KnowledgeBase
from bot.matcher import Matcher, MatcherConfig
from bot.matcher.analyzer import Fillers
from bot.matcher.index import TRANSLATED_INDEX_LANGS, build_index
from bot.matcher.word_forms import BaseFormFillers, base_forms
from bot.text import normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Particles come off a word whose stem keeps two syllables.
        ("거류증을 신청", "거류증 신청"),
        ("화롄에서 주소를", "화롄 주소"),
        ("어디로 가요", "어디 가요"),
        # A noun made a verb is cut back to the noun, whatever the ending.
        ("신청하려면", "신청"),
        ("방문할 예정입니다", "방문 예정입니다"),
        ("요청드려야", "요청"),
        ("연장됩니까", "연장"),
        # Two syllables stay whole: 아이 and 회의 end in what could be a particle, but are words.
        ("아이 회의", "아이 회의"),
    ],
)
def test_korean_words_are_cut_to_their_stems(text: str, expected: str) -> None:
    assert base_forms(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("受け取る", "受取る"),
        ("申し込み", "申込み"),
        ("問い合わせ", "問合わせ"),
        # Particles between kanji are words of their own, not okurigana.
        ("居留證の申請", "居留證の申請"),
        ("花蓮で病院を", "花蓮で病院を"),
    ],
)
def test_japanese_okurigana_between_kanji_is_dropped(text: str, expected: str) -> None:
    assert base_forms(text) == expected


_NOT_KANA = st.characters(max_codepoint=0x9FFF, exclude_categories=("Cs",)).filter(
    lambda char: not "\u3040" <= char <= "\u30ff"
)


@given(st.text(alphabet=_NOT_KANA))
def test_chinese_and_english_texts_are_untouched(text: str) -> None:
    # Neither kana nor Hangul (above 0x9FFF): nothing for the word forms to do. The alphabet
    # once held hiragana, and hypothesis found 「㐀し㐀」 read as kanji, okurigana, kanji.
    assert base_forms(text) == text


def test_written_two_ways_a_word_gives_the_same_pairs(matcher: Matcher) -> None:
    analyzer = matcher.translated_scorer.analyzer
    fillers = BaseFormFillers([])

    def tokens(text: str) -> set[str]:
        return {token for token in analyzer.tokens(fillers.strip(normalize(text))) if token}

    assert "受取" in tokens("書類を受け取る") & tokens("書類の受取")
    assert tokens("거류증을 신청하려면") == tokens("거류증 신청")


def test_many_at_once_gives_what_one_at_a_time_gives() -> None:
    fillers = BaseFormFillers(["請問"])
    texts = [normalize(t) for t in ["거류증을 신청하려면", "申し込みは", "請問 居留證", "arc 연장"]]
    assert fillers.strip_many(texts) == [fillers.strip(t) for t in texts]


def test_a_korean_question_with_endings_finds_its_entry(matcher: Matcher) -> None:
    # With its endings (을, 하려면, 에서, 해야) left on, it is offered beside the immigration
    # office instead of answered: their pairs blur the two.
    match = matcher.match("외국인 거류증을 연장하려면 어디에서 신청해야 합니까")
    assert match.lang.value == "ko"
    assert match.entry == "service.arc"


def test_an_index_read_without_word_forms_is_not_reused_for_one_read_with_them(
    kb: KnowledgeBase,
) -> None:
    # The index build keeps the last index of each set of languages under a digest of what it
    # was built from: the fillers' class is part of that, not only their phrases.
    config = MatcherConfig()
    langs = TRANSLATED_INDEX_LANGS
    plain, _ = build_index(kb.entries, config, kb.synonyms, Fillers([]), [], langs)
    forms, _ = build_index(kb.entries, config, kb.synonyms, BaseFormFillers([]), [], langs)
    assert "거류증 신청하면 며칠 걸려요" in plain.phrasing_texts
    assert "거류증 신청 며칠 걸려요" in forms.phrasing_texts


def test_courtesy_formulas_are_taken_out_wherever_they_stand(matcher: Matcher) -> None:
    fillers = matcher.translated_scorer.analyzer.fillers
    asked = fillers.strip(normalize("居留証の申請方法をご教示いただけますでしょうか"))
    assert asked == fillers.strip(normalize("居留証の申請方法を"))
    korean = fillers.strip(normalize("거류증 신청 방법을 알려 주시면 감사하겠습니다"))
    assert korean == fillers.strip(normalize("거류증 신청 방법을"))
    # A batch (the index build) gives each text what one text gives.
    texts = [normalize("花蓮の姉妹都市を教えてください"), normalize("울산 문의드립니다 교류")]
    assert fillers.strip_many(texts) == [fillers.strip(text) for text in texts]
    # Formulas opening, closing or making a whole text, or two side by side: a batch mends
    # the spaces they leave only where they stood.
    formula = "알려 주시면 감사하겠습니다"
    texts = [
        normalize(text)
        for text in [
            "居留証の申請方法を",
            f"{formula} 거류증 신청",
            f"거류증 신청 {formula}",
            formula,
            f"거류증 {formula} {formula} 신청",
            f"よろしくお願いいたします {formula}",
        ]
    ]
    assert fillers.strip_many(texts) == [fillers.strip(text) for text in texts]
    assert fillers.strip_many(texts)[1:4] == ["거류증 신청", "거류증 신청", ""]
