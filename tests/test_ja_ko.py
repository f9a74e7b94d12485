"""Japanese and Korean as first-class languages: detection, matching and answers."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.answers import TRANSLATED_NOTE, AnswerContext, render, title
from bot.kb.loader import KnowledgeBase
from bot.matcher import Decision, Matcher
from bot.reading import read
from bot.text import Lang, detect_language, normalize, normalize_many
from bot.when import Window


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("こんにちは。盛岡市役所の者です", Lang.JA),
        ("居留証の申請は花蓮でできますか", Lang.JA),
        ("市役所の担当者と手続きについて", Lang.JA),
        ("岩手県", Lang.JA),  # a kanji only Japanese writes so
        # Shinjitai written as Simplified Chinese is, beside Traditional-only characters.
        ("東華大學 交換留学 電話番号", Lang.JA),
        ("留学生 健康保険 加入時期", Lang.JA),
        ("国际学生 医保", Lang.ZH_HANS),
        ("公里數", Lang.ZH_HANT),
        ("거류증은 어디서 신청해요?", Lang.KO),
        ("ARC 연장 어떻게 해요", Lang.KO),
        ("請問居留證怎麼辦", Lang.ZH_HANT),
        ("我の家在花蓮", Lang.ZH_HANT),  # の as Taiwanese chat spells 的
        ("居留证怎么办", Lang.ZH_HANS),
        ("Tzu Chi hospital 電話", Lang.EN),
    ],
)
def test_languages_are_told_apart(text: str, lang: Lang) -> None:
    assert detect_language(text) is lang


def test_a_short_kanji_only_text_follows_the_visitors_last_language() -> None:
    assert detect_language("花蓮空港") is Lang.ZH_HANT
    assert detect_language("花蓮空港", Lang.JA) is Lang.JA
    assert detect_language("花蓮空港", Lang.KO) is Lang.ZH_HANT
    # A Chinese sentence stays Chinese whoever writes it.
    assert detect_language("我想問居留證的事", Lang.JA) is Lang.ZH_HANT
    assert read("居留証申請", Lang.JA).lang is Lang.JA


def test_only_chinese_is_chinese() -> None:
    assert [lang for lang in Lang if lang.is_chinese] == [Lang.ZH_HANT, Lang.ZH_HANS]
    assert Lang.JA.authored is Lang.EN
    assert Lang.KO.authored is Lang.EN
    assert Lang.ZH_HANS.authored is Lang.ZH_HANT


def test_japanese_kanji_are_read_in_their_traditional_forms() -> None:
    texts = ["岩手県の観光", "居留証の手続き", "花蓮縣政府"]
    assert [normalize(t) for t in texts] == normalize_many(texts)
    assert normalize("岩手県の観光") == "巖手縣の觀光"
    assert normalize("居留証") == "居留證"
    assert normalize("花蓮縣政府") == "花蓮縣政府"


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("居留証の更新はどこでできますか", "service.arc"),
        ("花蓮で地震が起きたらどうすればいいですか", "service.earthquake"),
        ("지진이 나면 어떻게 해야 하나요?", "service.earthquake"),
    ],
)
def test_japanese_and_korean_questions_are_answered(
    matcher: Matcher, question: str, entry: str
) -> None:
    match = matcher.match(question)
    assert (match.decision, match.entry) == (Decision.ANSWER, entry)
    assert match.lang in (Lang.JA, Lang.KO)


def test_where_to_apply_for_an_arc_in_korean_offers_the_arc(matcher: Matcher) -> None:
    # Read in its word forms it is every word of the immigration office's own phrasing
    # 「외국인 거류증(ARC) 연장은 어디서 신청합니까」, as "where do I apply for my ARC" is in
    # English: the two entries tie, and the ARC is offered first or beside the office.
    match = matcher.match("외국인 거류증은 어디서 신청해요?")
    assert match.lang is Lang.KO
    assert "service.arc" in (match.entry, *match.candidates[:2])


@pytest.mark.parametrize(
    "question",
    [
        "担当の方と直接お話しできますか",
        "人間の職員に代わってください",
        "ボットじゃなくて人と話したい",
        "직원분과 통화하고 싶어요",
        "상담원 연결해 주세요",
        "봇 말고 사람 바꿔 주세요",
    ],
)
def test_japanese_and_korean_requests_for_a_person(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).decision is Decision.HANDOFF


@pytest.mark.parametrize(
    "question",
    ["ビザの担当部署はどこですか", "どの窓口に連絡すればいいですか", "상담 전화번호 알려 주세요"],
)
def test_asking_which_office_is_not_asking_for_a_person(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).decision is not Decision.HANDOFF


@pytest.mark.parametrize(
    "question",
    [
        "レポートを書いてください",
        "보고서 좀 써 줘",
        "Pythonでプログラムを書いてほしい",
        "파이썬으로 프로그램 좀 짜 줘",
        "write me a python program that sorts names",
    ],
)
def test_tasks_are_declined(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).decision is Decision.FALLBACK


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # An exchange programme run, made or drafted is not code to write: these were
        # declined as tasks, the entry never offered.
        (
            "花蓮県が中高生を海外に派遣する留学プログラムをやっていると聞きました。応募資格は？",
            "exchange.student-programs",
        ),
        (
            "저희 시에서도 학생 해외 연수 프로그램을 만들려고 하는데 화롄현 프로그램 내용을 알 수 있을까요?",
            "exchange.student-programs",
        ),
        (
            "could you draft a program for our delegation's visit in may?",
            "exchange.delegation-visit",
        ),
    ],
)
def test_an_exchange_programme_is_not_a_task(
    matcher: Matcher, question: str, expected: str
) -> None:
    match = matcher.match(question)
    assert expected in (match.entry, *match.candidates), match


@pytest.mark.parametrize(
    "question",
    ["家が燃えてる！消防車を呼んで", "지금 불이 났어요 도와주세요", "友達が倒れて意識がない"],
)
def test_japanese_and_korean_emergencies(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).emergency


def test_zh_and_en_questions_are_matched_as_before(matcher: Matcher) -> None:
    assert matcher.match("居留證要去哪裡辦").entry == "service.arc"
    assert matcher.match("where do I apply for an ARC").entry == "service.arc"


CONTEXT = AnswerContext(dt.date(2026, 12, 6), range(0, 5), dt.time(8), dt.time(17), 30)


@pytest.mark.parametrize("lang", [Lang.JA, Lang.KO])
def test_a_translated_answer_comes_with_its_note(kb: KnowledgeBase, lang: Lang) -> None:
    entry = kb["contact.immigration"]
    text = render(kb, entry, lang, CONTEXT)
    assert text.startswith(entry.answer.exact(lang.value).split("\n")[0][:10])
    assert text.rstrip().endswith(TRANSLATED_NOTE[lang])
    assert "+886 3 832 9700" in text
    assert "03-832" not in text
    assert title(entry, lang) == entry.title.exact(lang.value)


def test_a_cleared_translation_has_no_note(kb: KnowledgeBase) -> None:
    entry = kb["contact.immigration"]
    cleared = entry.model_copy(
        update={"translated": entry.translated.model_copy(update={"ja": False})}
    )
    assert TRANSLATED_NOTE[Lang.JA] not in render(kb, cleared, Lang.JA, CONTEXT)


def test_without_a_translation_a_japanese_visitor_gets_english(kb: KnowledgeBase) -> None:
    entry = kb["contact.immigration"]
    bare = entry.model_copy(
        update={
            "answer": entry.answer.model_copy(update={"ja": None}),
            "title": entry.title.model_copy(update={"ja": None}),
        }
    )
    text = render(kb, bare, Lang.JA, CONTEXT)
    assert text.startswith(entry.answer.en.split("\n")[0][:10])
    assert TRANSLATED_NOTE[Lang.JA] not in text
    assert title(bare, Lang.JA) == entry.title.en


def test_dates_in_japanese_and_korean_formats() -> None:
    window = Window(dt.date(2026, 12, 5), dt.date(2026, 12, 7))
    assert window.label(Lang.JA) == "2026年12月5日～7日"
    assert window.label(Lang.KO) == "2026년 12월 5일～7일"
    month = Window(dt.date(2026, 12, 1), dt.date(2026, 12, 31), month=True)
    assert month.label(Lang.JA) == "2026年12月"
    assert month.label(Lang.KO) == "2026년 12월"
    assert CONTEXT.office_hours(Lang.JA).startswith("月曜日～金曜日 08:00–17:00")


def test_a_delegates_long_message_is_answered_by_the_clause_that_asks(matcher: Matcher) -> None:
    # The story (a move, luggage) diluted the question: the ARC was offered beside the office.
    message = (
        "お世話になっております。来月から寮が変わる予定で、荷物も多くて大変です。"
        "住所が変わったら居留証の手続きはどうすればいいですか。"
    )
    match = matcher.match(message)
    assert (match.decision, match.entry) == (Decision.ANSWER, "service.arc")
