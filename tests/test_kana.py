"""Japanese typed in kana alone (bot/kana.py): read in the kanji the phrasings use."""

from __future__ import annotations

import pytest

from bot.kana import READINGS, in_kanji
from bot.matcher import Decision, Matcher
from bot.reading import read
from bot.text import Lang


def test_the_words_of_a_hiragana_run_are_spelled_in_kanji() -> None:
    assert in_kanji("きょりゅうしょう どこで しんせい するの") == "居留証 どこで 申請 するの"


def test_the_longest_word_wins() -> None:
    assert in_kanji("かれんけんの こと") == "花蓮県の こと"
    assert in_kanji("けんこうほけんに はいりたい") == "健康保険に はいりたい"


@pytest.mark.parametrize(
    "text",
    [
        # A reading inside another word (a review's cases): 健康診断, 香辛料, 入館料, 契約書,
        # 転勤, 自分自身, ご自身, 新製品, 保健室, 拝借, 週末旅行, 早くしろ, 新生活, 自信がない.
        "けんこうしんだん は どこで うけられますか",
        "こうしんりょう の きいた たべもの",
        "はくぶつかん の にゅうかんりょう は いくら",
        "けいやくしょ は ひつようですか",
        "てんきん で きました",
        "じぶんじしん で やります",
        "ごじしんで おこしください",
        "しんせいひん の おみやげ",
        "ほけんしつ は どこ",
        "はいしゃく した",
        "しゅうまつりょこう",
        "はやくしろ",
        "しんせいかつ",
        "ちゅうごくごに じしんが なくて ふあんです",
    ],
)
def test_a_reading_inside_another_word_is_left_alone(text: str) -> None:
    assert in_kanji(text) == text


@pytest.mark.parametrize(
    ("text", "spelled"),
    [
        # Chat without particles (a second review's cases).
        ("びょういんどこ？", "病院どこ？"),
        ("あしたたいふうくる？", "あした台風くる？"),
        ("きょりゅうしょうこうしんしたい", "居留証更新したい"),
        ("ほけんしょうなくした", "保険証なくした"),
        ("けんちょうに いきたい", "県庁に いきたい"),
        ("ほうねんさいいつ", "豊年祭いつ"),
    ],
)
def test_a_word_before_a_question_word_a_verb_or_another_word(text: str, spelled: str) -> None:
    assert in_kanji(text) == spelled


def test_a_word_begins_after_a_particle_or_the_polite_o() -> None:
    assert in_kanji("もりおかのしまいとしは") == "盛岡の姉妹都市は"
    assert in_kanji("おまつり いつ？") == "お祭り いつ？"
    assert in_kanji("じしんが おきたら どうする") == "地震が おきたら どうする"


def test_katakana_kanji_and_short_runs_are_left_as_they_are() -> None:
    # カレン is a name in katakana; 「花蓮でほけん」 has no run of three hiragana holding a word.
    for text in ("カレンさんに会いたい", "居留証の更新", "花蓮で", "ok"):
        assert in_kanji(text) == text


def test_every_reading_is_hiragana_of_three_or_more_and_spelled_otherwise() -> None:
    for reading, spelled in READINGS.items():
        assert len(reading) >= 3, reading
        # The prolonged sound mark ー is written with hiragana too (しむかーど).
        assert all("\u3041" <= ch <= "\u309f" or ch == "ー" for ch in reading), reading
        assert reading != spelled


def test_a_japanese_message_is_read_respelled() -> None:
    japanese = read("しまいとし ぜんぶ おしえて")
    assert japanese.lang is Lang.JA
    assert "姉妹都市" in japanese.normal


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("けんこうほけん はいれますか", "service.health-insurance"),
        ("たいふう くるの？ あした がっこう やすみ？", "service.typhoon"),
        ("もりおかと かれんは いつから しまいとし なの", "exchange.sister-cities"),
        ("くうこうから かれんしないまで どうやって いくの", "service.airport"),
        ("でんしゃの きっぷ どこで かうの", "service.train"),
        ("しむかーど どこで かえますか", "service.sim-card"),
        ("さいふ おとしました", "service.lost-items"),
        ("ぱすぽーと なくした", "service.lost-items"),
        ("わいふぁい ある？", "service.wifi"),
    ],
)
def test_questions_in_kana_alone_are_answered(
    matcher: Matcher, question: str, expected: str
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, expected)


@pytest.mark.parametrize(
    "message",
    [
        "こどもが ぼたんでんち のみこんだかも どうしよう",
        "ぱすぽーと とられた！いま おいかけられてる",
        "おじいちゃんが たおれて いしきが ない",
        "こどもが うみで おぼれてる",
    ],
)
def test_emergencies_in_kana_alone_are_answered_as_emergencies(
    matcher: Matcher, message: str
) -> None:
    assert matcher.match(message).emergency


@pytest.mark.parametrize(
    "message",
    [
        # The review of the kana emergencies: safety asked, a dream, a monkey, a fallen tree.
        "よる ひとりで あるいても ちかん とか だいじょうぶ？",
        "おいかけられてる ゆめを みた　こわかった",
        "タロコで さるに おいかけられてる ひと みたよ 笑",
        "たいふうで きが たおれて みちが とおれません。タロコ いけますか",
        "昨日タロコで猿に追いかけられてる人を見ました。危ないですか",
    ],
)
def test_kana_words_of_danger_in_no_danger_are_no_emergency(matcher: Matcher, message: str) -> None:
    assert not matcher.match(message).emergency
