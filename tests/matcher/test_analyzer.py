"""The analyzer: the index's set scan gives the weighted scan's tokens, the piece tables say
what the pieces say."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.kb.loader import KnowledgeBase
from bot.matcher import Matcher
from bot.text import normalize, normalize_many
from tests.matcher.kb_texts import kb_texts


def test_index_keys_are_the_tokens_of_every_kb_text(matcher: Matcher, kb: KnowledgeBase) -> None:
    analyzer = matcher.analyzer
    for normal in normalize_many(kb_texts(kb)):
        assert analyzer.index_keys(normal) == set(analyzer.tokens(normal)), normal


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=8),
            st.sampled_from(
                [
                    "居留證",
                    "姊妹市",
                    "校際交流",
                    "國際教育交流",
                    "sim card",
                    "ARC",
                    "的",
                    "嗎",
                    " ",
                    "原付",
                    "スクーター",
                    "운전면허",
                ]
            ),
        ),
        max_size=12,
    )
)
def test_index_keys_are_the_tokens_of_any_text(matcher: Matcher, parts: list[str]) -> None:
    normal = normalize("".join(parts))
    assert matcher.analyzer.index_keys(normal) == set(matcher.analyzer.tokens(normal))


def test_the_analyzers_piece_tables_describe_its_pieces(matcher: Matcher) -> None:
    """The batch tokeniser reads the pieces through tables worked out at once, not piece by
    piece; they must say what the pieces themselves say."""
    analyzer = matcher.analyzer
    pieces = list(analyzer.zh_pieces)
    kinds = analyzer.zh_piece_kinds
    is_term = [is_term for _, is_term in analyzer.zh_pieces.values()]
    assert kinds.term_index.tolist() == [i for i, term in enumerate(is_term) if term]
    assert [pieces[i] for i in kinds.term_index.tolist()] == kinds.terms
    assert sorted((pieces[i], token) for i, token in kinds.synonyms) == sorted(
        analyzer.zh_synonyms.items()
    )
    lengths: dict[str, set[int]] = {}
    for piece in pieces:
        lengths.setdefault(piece[0], set()).add(len(piece))
    assert analyzer.zh_piece_lengths == {c: tuple(sorted(n)) for c, n in lengths.items()}


def test_typos_of_swapped_letters_and_long_words_are_corrected(matcher: Matcher) -> None:
    analyzer = matcher.analyzer
    # Two letters swapped are one slip (OSA distance), not two edits.
    assert analyzer.correct("tyhpoon") == "typhoon"
    assert analyzer.correct("recieve") == "receive"
    # A word of eight letters or more may hold two slips ("tommorow": one m too many, one r
    # too few); a shorter one only one, or "light" and "fight" would become "flight" twice over.
    assert analyzer.correct("tommorow") == "tomorrow"
    assert analyzer.correct("scholarhsip") == "scholarship"
    assert analyzer.correct("vias") == "vias"


def test_a_katakana_loanword_weighs_as_one_word_however_long(matcher: Matcher) -> None:
    analyzer = matcher.translated_scorer.analyzer
    tokens = analyzer.tokens(normalize("ワーキングホリデー 台風"))
    loanword_pairs = [w for t, w in tokens.items() if len(t) == 2 and t[0] in "ワーキングホリデ"]
    # Eight pairs of one loanword share one word's weight; the kanji word's pair has its own.
    assert len(loanword_pairs) == 8
    assert abs(sum(loanword_pairs) - 1.0) < 1e-9
    assert tokens[normalize("台風")] == 1.0


def _synonym_tokens(matcher: Matcher, text: str) -> set[str]:
    analyzer = matcher.translated_scorer.analyzer
    return {token for token in analyzer.tokens(normalize(text)) if token.startswith("~syn")}


def test_japanese_and_korean_terms_join_their_synonym_group(matcher: Matcher) -> None:
    """原付 and 오토바이 are the scooter of the KB's phrasings (バイク, 機車): one token."""
    scooter = _synonym_tokens(matcher, "scooter")
    assert scooter
    for text in ["原付を借りたい", "バイク", "오토바이 빌리고 싶어요", "機車"]:
        assert scooter <= _synonym_tokens(matcher, text), text
    assert not scooter & _synonym_tokens(matcher, "自転車を借りたい")


def test_a_kanji_standing_alone_between_kana_weighs_as_a_word(matcher: Matcher) -> None:
    analyzer = matcher.translated_scorer.analyzer
    config = matcher.config
    alone = analyzer.tokens(normalize("持病の薬がなくなります"))
    in_a_word = analyzer.tokens(normalize("薬局"))
    medicine = normalize("薬")
    assert alone[medicine] == config.lone_char_weight > config.unigram_weight
    assert in_a_word[medicine] == config.unigram_weight


def test_a_phone_number_typed_without_dashes_meets_the_kbs_groups(matcher: Matcher) -> None:
    tokens = matcher.analyzer.tokens(normalize("038227171"), correct=True)
    assert {"03", "822", "7171"} <= tokens.keys()
    assert matcher.match("038227171是縣政府的電話嗎").entry == "contact.county-government"
