"""The batch tokeniser gives every text the tokens the analyzer gives it alone."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.kb.loader import KnowledgeBase
from bot.matcher import Matcher, batch_tokens
from bot.matcher.batch_tokens import token_pairs
from bot.text import normalize, normalize_many
from tests.matcher.kb_texts import kb_texts


# 0: pairs looked up by binary search, as for a KB written with a very large alphabet.
@pytest.mark.parametrize("dense_pairs", [batch_tokens.DENSE_PAIRS, 0])
def test_batch_index_keys_are_the_tokens_of_every_kb_text(
    matcher: Matcher, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, dense_pairs: int
) -> None:
    monkeypatch.setattr(batch_tokens, "DENSE_PAIRS", dense_pairs)
    normals = sorted(set(normalize_many(kb_texts(kb))))
    table = token_pairs(matcher.analyzer, normals).table()
    for index, normal in enumerate(normals):
        assert table.of(index) == matcher.analyzer.index_keys(normal), normal


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.lists(
            st.one_of(
                st.text(max_size=6),
                st.sampled_from(
                    [
                        "居留證",
                        "姊妹市",
                        "校際交流",
                        "國際教育交流",
                        "sim card",
                        "arc",
                        "的",
                        "請問",
                        "please",
                        "居留証の申請",
                        "ビザ",
                        "コンビニ",
                        "거류증은",
                        "신청해요",
                        "ー",
                        "県庁",
                    ]
                ),
            ),
            max_size=8,
        ).map(lambda parts: normalize("".join(parts))),
        max_size=8,
    )
)
def test_batch_index_keys_and_fillers_match_one_by_one(
    matcher: Matcher, normals: list[str]
) -> None:
    analyzer = matcher.analyzer
    table = token_pairs(analyzer, normals).table()
    assert [table.of(i) for i in range(len(normals))] == [analyzer.index_keys(n) for n in normals]
    assert analyzer.fillers.strip_many(normals) == [analyzer.strip_fillers(n) for n in normals]


def test_probes_are_found_inside_han_runs_only(matcher: Matcher) -> None:
    pairs = token_pairs(matcher.analyzer, ["我在札幌市", "sapporo 札", "幌"], ["札幌", "大阪"])
    assert pairs.probes_found == {0}


def test_batch_index_keys_of_japanese_and_korean_texts(matcher: Matcher, kb: KnowledgeBase) -> None:
    analyzer = matcher.translated_scorer.analyzer
    texts = [
        text
        for entry in kb.entries
        for lang in ("ja", "ko")
        for text in (*entry.questions.get(lang), *entry.keywords.get(lang))
    ]
    normals = sorted(set(normalize_many(texts)))
    assert any("ー" in n for n in normals)
    assert any("\uac00" <= ch <= "\ud7a3" for ch in normals[0] + normals[-1])
    table = token_pairs(analyzer, normals).table()
    for index, normal in enumerate(normals):
        assert table.of(index) == analyzer.index_keys(normal), normal


@given(st.lists(st.integers(min_value=0, max_value=(1 << 40) - 1), max_size=300))
def test_the_radix_order_of_codes_is_their_stable_order(values: list[int]) -> None:
    # Each ceiling takes its own way: one 16-bit pass, two, or numpy's stable sort.
    for ceiling in (1 << 16, 1 << 32, 1 << 40):
        codes = np.array([value % ceiling for value in values], dtype=np.int64)
        expected = np.argsort(codes, kind="stable")
        assert batch_tokens._stable_order(codes, ceiling).tolist() == expected.tolist()
