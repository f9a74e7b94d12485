import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import text as text_module
from bot.text import (
    Lang,
    detect_language,
    has_han,
    localize,
    normalize,
    normalize_many,
    split_utf16,
    to_simplified,
    to_traditional,
    utf16_length,
)


def test_full_width_and_case_are_folded() -> None:
    assert normalize("ＡＲＣ　Ｐｌｅａｓｅ！") == "arc please"


def test_simplified_becomes_traditional_with_taiwan_phrasing() -> None:
    assert normalize("居留证到期怎么办") == "居留證到期怎麼辦"
    assert "計程車" in normalize("出租车在哪里")


def test_punctuation_and_emoji_become_spaces() -> None:
    assert normalize("hello,world!!🙂 你好？") == "hello world 你好"


def test_apostrophes_join_words() -> None:
    assert normalize("What's up? don't") == "whats up dont"


def test_will_and_would_are_spelt_out_not_joined_into_other_words() -> None:
    # "ill", "well" and "id" are words of their own (unwell, an ID card).
    message = "I'll come, we’ll see, I'd like it"
    assert normalize(message) == "i will come we will see i would like it"
    assert normalize_many([message]) == [normalize(message)]


def test_lone_surrogates_are_dropped() -> None:
    assert normalize("ab\ud800cd") == "abcd"


def test_language_of_each_script() -> None:
    assert detect_language("Where is the hospital?") is Lang.EN
    assert detect_language("醫院在哪裡") is Lang.ZH_HANT
    assert detect_language("医院在哪里") is Lang.ZH_HANS
    assert detect_language("") is Lang.EN
    assert detect_language("🙂🙂") is Lang.EN


def test_mixed_text_takes_its_dominant_script() -> None:
    assert detect_language("iTaiwan怎麼用") is Lang.ZH_HANT
    assert detect_language("ARC 要去哪里办") is Lang.ZH_HANS
    assert detect_language("how do I get to 太魯閣 from the station") is Lang.EN


def test_simplified_answers_are_converted_traditional_ones_kept() -> None:
    assert localize("計程車資訊", Lang.ZH_HANS) == "出租车信息"
    assert localize("計程車資訊", Lang.ZH_HANT) == "計程車資訊"


def test_split_counts_utf16_units() -> None:
    text = "😀" * 10  # each emoji is two UTF-16 units
    parts = split_utf16(text, 6)
    assert all(utf16_length(p) <= 6 for p in parts)
    assert "".join(parts) == text


def test_split_prefers_line_breaks() -> None:
    text = "first line here\nsecond line here"
    assert split_utf16(text, 20) == ["first line here", "second line here"]


@given(st.text())
def test_normalize_never_raises_and_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(st.text(min_size=1), st.integers(min_value=2, max_value=50))
def test_split_keeps_every_non_space_character(text: str, limit: int) -> None:
    parts = split_utf16(text, limit)
    assert all(utf16_length(p) <= limit for p in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())


_AWKWARD = st.sampled_from(
    list(
        "aZ'’ \n\r\t\u2028\u0085\u0301_#+.,。？！（）ＡＢ１ß臺台学校之间國際花蓮ﬁ①㎞…\x1c\x00⼀🙂\ud83d\U00030b38"
    )
)


def test_a_nul_does_not_cut_the_text_short() -> None:
    # OpenCC reads a C string: before the fix, everything after the NUL was lost.
    assert normalize("花蓮\x00縣政府") == "花蓮 縣政府"
    assert normalize_many(["花蓮\x00縣政府", "\x00arc"]) == ["花蓮 縣政府", "arc"]
    assert to_simplified("花蓮\x00縣政府") == "花莲\x00县政府"
    assert to_traditional("居留证\x00到期") == "居留證\x00到期"


def test_opencc_leaves_every_folded_character_but_han_alone() -> None:
    """What normalize_many relies on to convert a whole batch at once: a line without Han
    characters comes out of OpenCC as it went in, but for the few of CJK Extension G past
    has_han's ranges, for which a batch holding them is converted line by line."""
    chars = [
        chr(code)
        for code in range(0x20, 0x110000)
        if not 0xD800 <= code <= 0xDFFF
        and chr(code) != "\n"
        and not has_han(chr(code))
        and unicodedata.normalize("NFKC", chr(code)).casefold() == chr(code)
    ]
    assert len(chars) > 1_000_000
    changed = [
        char
        for char, out in zip(chars, to_traditional("\n".join(chars)).split("\n"), strict=True)
        if out != char
    ]
    assert changed  # else the line-by-line path below is no longer needed
    assert all(0x30000 <= ord(char) <= 0x3FFFF for char in changed)
    batch = [*changed, f"花蓮{changed[0]}", "居留证"]
    assert normalize_many(batch) == [normalize(text) for text in batch]


@settings(max_examples=300)
@given(st.lists(st.one_of(st.text(), st.text(alphabet=_AWKWARD)), max_size=8))
def test_batch_normalisation_equals_one_by_one(texts: list[str]) -> None:
    assert normalize_many(texts) == [normalize(text) for text in texts]


@settings(max_examples=100)
@given(st.lists(st.one_of(st.text(), st.text(alphabet=_AWKWARD)), max_size=12))
def test_a_batch_worked_on_in_slices_equals_one_by_one(texts: list[str]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(text_module, "_SLICE_CHARACTERS", 3)  # a slice every few texts
        assert normalize_many(texts) == [normalize(text) for text in texts]
