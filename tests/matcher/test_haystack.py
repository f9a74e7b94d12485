"""The haystack's lookups give what a scan of its text gives, for what it holds and what not."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.matcher.haystack import Haystack
from bot.text import normalize

#: A few letters and characters of each script, so that drawn phrases are often there.
_ALPHABET = "ab 東京花蓮台北서울에서の"
_texts = st.lists(st.text(alphabet=_ALPHABET, max_size=12), max_size=6)


@settings(max_examples=300)
@given(_texts, st.text(alphabet=_ALPHABET, max_size=5), st.data())
def test_lookups_are_those_of_a_scan(texts: list[str], drawn: str, data: st.DataObject) -> None:
    haystack = Haystack(texts)
    padded = " " + " ".join(texts) + " "
    compact = padded.replace(" ", "")
    # A piece of the text itself, as often as a phrase drawn from nowhere.
    start = data.draw(st.integers(0, len(padded)))
    taken = padded[start : start + data.draw(st.integers(0, 6))]
    for phrase in (drawn, taken, taken.strip(), drawn.strip()):
        assert haystack.has_words(phrase) == (f" {phrase} " in padded)
        piece = phrase.replace(" ", "")
        assert haystack.has_piece(piece) == (piece in compact)


def test_places_in_the_answers_are_found_and_others_not() -> None:
    haystack = Haystack([normalize("花蓮縣政府在花蓮市"), normalize("Trains to New Taipei City")])
    assert haystack.has_piece("花蓮市")
    assert not haystack.has_piece("東京")
    assert not haystack.has_piece("蓮縣市")  # its characters are there, not side by side
    assert haystack.has_words("new taipei")
    assert haystack.has_words("taipei")
    assert not haystack.has_words("taipei new")
    assert not haystack.has_words("tokyo")
    assert not haystack.has_words("taip")
