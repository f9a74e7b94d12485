"""Scoring: the pairs that are seams between Chinese words are no words of the question."""

from __future__ import annotations

from bot.matcher import Matcher


def test_particle_seams_are_not_question_words(matcher: Matcher) -> None:
    scorer, analyzer = matcher.scorer, matcher.analyzer
    query = scorer.drop_seams(
        "學校之間的國際交流怎麼申請",
        analyzer.tokens("學校之間的國際交流怎麼申請", correct=True),
    )
    assert {"間的", "的國", "流怎", "麼申"}.isdisjoint(query)
    assert {"學校", "國際", "交流", "申請"} <= set(query)
    assert "貴不" not in scorer.drop_seams("車貴不貴", analyzer.tokens("車貴不貴"))


def test_unknown_pairs_straddling_known_words_are_seams(matcher: Matcher) -> None:
    scorer, analyzer = matcher.scorer, matcher.analyzer

    def kept(text: str) -> set[str]:
        return set(scorer.drop_seams(text, analyzer.tokens(text, correct=True)))

    # 有眼 and 科開 straddle 眼科; 要馬 and 上停 straddle 馬上: no words, whatever the KB knows.
    assert {"有眼"}.isdisjoint(kept("禮拜天有眼科開嗎"))
    assert "眼科" in kept("禮拜天有眼科開嗎")
    assert "要馬" not in kept("要馬上停到路邊嗎")
    # A pair with a character no known word beside it claims may be a word the KB does not
    # know: it stays, and tells a question about something else.
    assert "多高" in kept("臺北101有多高")
    assert "雙十" in kept("今年雙十一有什麼優惠")
    assert "眼鏡" in kept("隱形眼鏡戴太久了")
