"""Japanese and Korean in the knowledge base: every entry has them, marked translated, and
every answer in every language states exactly the facts of the zh-Hant answer."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.kb.loader import KnowledgeBase, check
from bot.kb.schema import TRANSLATED_LANGS, Entry, LocalizedText
from tests.conftest import KNOWLEDGE_DIR
from tests.kb_facts import KINDS, facts

_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_SCRIPT = {"ja": _KANA, "ko": _HANGUL}
_OTHER_LANGS = ("en", *TRANSLATED_LANGS)


# --- the normaliser itself ---


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("民國109年", "date", {"2020"}),
        ("期程為2020-2023年（民國109-112年）", "date", {"2020", "2023"}),
        ("runs 2020-2023 (ROC 109-112)", "date", {"2020", "2023"}),
        ("2021年（民国110年）", "date", {"2021"}),
        ("2024年6月30日", "date", {"2024", "2024-06-30"}),
        ("on 30 Jun 2024", "date", {"2024", "2024-06-30"}),
        ("2024/6/30", "date", {"2024", "2024-06-30"}),
        ("2024년 6월 30일", "date", {"2024", "2024-06-30"}),
        ("July 3, 2024", "date", {"2024", "2024-07-03"}),
        ("2024年：7月3日至7月7日", "date", {"2024", "2024-07-03", "2024-07-07"}),
        ("• 2024: 3-7 July", "date", {"2024", "2024-07-03", "2024-07-07"}),
        ("2024년: 7월 3일~7월 7일", "date", {"2024", "2024-07-03", "2024-07-07"}),
        ("2024年は7月19日～21日", "date", {"2024", "2024-07-19", "2024-07-21"}),
        ("6월 30일", "date", {"--06-30"}),
        ("美國加州天普市（2018年8月）", "date", {"2018", "2018-08"}),
        ("Temple City (Aug 2018)", "date", {"2018", "2018-08"}),
        ("多在7至8月，部分延續到9月", "date", {"--07", "--08", "--09"}),
        ("mostly July-August, some into September", "date", {"--07", "--08", "--09"}),
        ("大部分 7~8월, 일부는 9월까지", "date", {"--07", "--08", "--09"}),
        ("1,156.4萬元", "amount", {"11564000"}),
        ("NT$11.564 million", "amount", {"11564000"}),
        ("1,156.4万台湾ドル", "amount", {"11564000"}),
        ("1,156.4만 대만 달러", "amount", {"11564000"}),
        ("NT$2.891 M", "amount", {"2891000"}),
        ("3億元", "amount", {"300000000"}),
        ("2억 원", "amount", {"200000000"}),
        ("約12,000名跑者", "amount", set()),
        ("03-822-7171", "phone", {"+88638227171"}),
        ("(03) 862-1100", "phone", {"+88638621100"}),
        ("+886-3-856-1825", "phone", {"+88638561825"}),
        ("038-246997", "phone", {"+88638246997"}),
        ("0800-011-765", "phone", {"+886800011765"}),
        ("+886-3-856-5301 分機1014-1018", "phone", {"+88638565301;ext=1014-1018"}),
        ("+886-3-856-5301 内線1014～1018", "phone", {"+88638565301;ext=1014-1018"}),
        ("撥 110/119/112，或 1925", "phone", {"110", "119", "112", "1925"}),
        ("1990（中、英、日語24小時）", "phone", {"1990"}),
        ("台灣好行310路線", "phone", set()),
        ("https://www.hl.gov.tw （目前未見英文版）", "url", {"www.hl.gov.tw"}),
        ("請至immigration.gov.tw確認", "url", {"immigration.gov.tw"}),
        ("www.nhi.gov.tw.", "url", {"www.nhi.gov.tw"}),
        ("tcuoia@gms.tcu.edu.tw；", "url", {"mailto:tcuoia@gms.tcu.edu.tw"}),
        ("服務時間：{{office_hours}}", "placeholder", {"{{office_hours}}"}),
        ("傳送 /delete（按按鈕確認）或 staff／human", "command", {"/delete"}),
    ],
)
def test_facts_are_normalised_whatever_the_language(
    text: str, kind: str, expected: set[str]
) -> None:
    assert facts(text)[kind] == expected


def test_a_year_is_never_read_as_a_short_number_nor_a_number_as_a_year() -> None:
    found = facts("沖繩與那國（1982）；1990 專線；民國110年；手機不支援4G")
    assert found["date"] == {"1982", "2021"}
    assert found["phone"] == {"1990"}


# --- the knowledge base ---


def test_every_entry_is_in_japanese_and_korean_and_marked_translated(kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        for lang in TRANSLATED_LANGS:
            script = _SCRIPT[lang]
            title, answer = entry.title.exact(lang), entry.answer.exact(lang)
            # A Japanese title may be all kanji (民政処), but in Japanese forms, not Chinese ones.
            assert title, (entry.id, lang)
            assert title != entry.title.zh_hant, (entry.id, lang, title)
            assert lang == "ja" or script.search(title), (entry.id, lang, title)
            assert answer, (entry.id, lang)
            assert script.search(answer), (entry.id, lang)
            questions = entry.questions.get(lang)
            assert len(set(questions)) >= 5, (entry.id, lang)
            # Five at least in the language's own script: a kanji-only line is read as Chinese.
            assert sum(bool(script.search(q)) for q in questions) >= 5, (entry.id, lang)
            assert not set(questions) & set(entry.questions.zh_hant), (entry.id, lang)
            assert entry.keywords.get(lang), (entry.id, lang)
            assert entry.is_translated(lang), (entry.id, lang)
            for contact in entry.contacts:
                assert contact.name.exact(lang), (entry.id, lang, contact.name.en)


def _differences(entry_id: str, where: str, reference: str, texts: dict[str, str]) -> list[str]:
    expected = facts(reference)
    found: list[str] = []
    for lang, text in texts.items():
        got = facts(text)
        for kind in KINDS:
            if got[kind] != expected[kind]:
                missing = sorted(expected[kind] - got[kind])
                extra = sorted(got[kind] - expected[kind])
                found.append(f"{entry_id} {where} {lang} {kind}: missing {missing}, extra {extra}")
    return found


def _others(text: LocalizedText, langs: tuple[str, ...]) -> dict[str, str]:
    written = {lang: text.exact(lang) for lang in langs}
    return {lang: value for lang, value in written.items() if value is not None}


def fact_differences(entries: tuple[Entry, ...]) -> list[str]:
    """Every phone, URL, date, amount, placeholder or command that some language's text
    has and the zh-Hant text has not, or the other way round."""
    found: list[str] = []
    for entry in entries:
        answers = {lang: entry.answer.exact(lang) or "" for lang in _OTHER_LANGS}
        found += _differences(entry.id, "answer", entry.answer.zh_hant, answers)
        for number, contact in enumerate(entry.contacts):
            for field in ("note", "hours"):
                text = getattr(contact, field)
                if text is not None:
                    where = f"contacts.{number}.{field}"
                    found += _differences(
                        entry.id, where, text.zh_hant, _others(text, _OTHER_LANGS)
                    )
            # English names are shorter by design ("Ministry of Labor hotline"); the
            # translations follow the Chinese name, number included.
            where = f"contacts.{number}.name"
            found += _differences(
                entry.id, where, contact.name.zh_hant, _others(contact.name, TRANSLATED_LANGS)
            )
        for number, rule in enumerate(entry.dates):
            if rule.label is not None:
                where = f"dates.{number}.label"
                found += _differences(
                    entry.id, where, rule.label.zh_hant, _others(rule.label, _OTHER_LANGS)
                )
    return found


def test_every_language_states_exactly_the_facts_of_the_zh_hant_text(kb: KnowledgeBase) -> None:
    assert fact_differences(kb.entries) == []


def test_a_changed_or_added_fact_in_any_language_is_caught(tmp_path: Path) -> None:
    directory = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, directory)
    breakages = {
        # a digit of a phone, an amount, a ROC year, a day, a URL and an extra date
        "contacts.yaml": [("代表番号：03-822-7171", "代表番号：03-822-7117")],
        "exchange.yaml": [
            ("合計1,156.4万台湾ドル", "合計1,165.4万台湾ドル"),
            ("2021년(민국 110년)", "2021년(민국 111년)"),
        ],
        "events.yaml": [("• 2024년: 7월 3일~7월 7일", "• 2024년: 7월 3일~7월 8일")],
        "services.yaml": [
            (
                "위생국 영문 사이트: https://www.hlshb.gov.tw/en",
                "위생국: https://www.hlshb.gov.tw/ko",
            ),
            ("• Recycling must be sorted.", "• Recycling must be sorted (since 1 Jan 2020)."),
        ],
    }
    for name, replacements in breakages.items():
        path = directory / name
        text = path.read_text(encoding="utf-8")
        for old, new in replacements:
            assert text.count(old) == 1, old
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    kb, problems = check(directory)
    assert problems == []
    assert kb is not None
    caught = {" ".join(line.split()[:4]) for line in fact_differences(kb.entries)}
    assert caught == {
        "contact.county-government answer ja phone:",
        "exchange.program-overview answer ja amount:",
        "exchange.civil-subsidy answer ko date:",
        "event.summer-festival answer ko date:",
        "service.medical-care answer ko url:",
        "service.garbage answer en date:",
    }
