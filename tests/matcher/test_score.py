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
