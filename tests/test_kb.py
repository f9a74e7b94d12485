"""The knowledge base: schema errors named by file and id, topic coverage, and sourced facts only."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.answers import AnswerContext, render
from bot.kb.loader import KnowledgeBase, check, topic_ids
from bot.kb.schema import ALL_LANGS, TRANSLATED_LANGS, LocalizedList, LocalizedText
from bot.text import Lang, normalize
from tests.conftest import KNOWLEDGE_DIR, ROOT, TOPICS_FILE


def _copy_kb(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    return target


def _edit_first_entry(directory: Path, file: str, change: dict[str, object]) -> str:
    path = directory / file
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["entries"][0].update(change)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(data["entries"][0]["id"])


def test_bundled_knowledge_base_is_valid_and_covers_every_topic() -> None:
    kb, problems = check(KNOWLEDGE_DIR, TOPICS_FILE)
    assert problems == []
    assert kb is not None
    assert set(topic_ids(TOPICS_FILE)) <= {entry.id for entry in kb.entries}


def test_every_entry_has_both_languages_with_varied_questions(kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        for lang in ("zh-Hant", "en"):
            questions = entry.questions.get(lang)
            assert len(set(questions)) >= 4, (entry.id, lang)
            assert entry.answer.get(lang).strip(), (entry.id, lang)


def test_duplicate_id_is_named_with_its_file(tmp_path: Path) -> None:
    directory = _copy_kb(tmp_path)
    source = yaml.safe_load((directory / "contacts.yaml").read_text(encoding="utf-8"))
    (directory / "copy.yaml").write_text(
        yaml.safe_dump({"entries": source["entries"][:1]}, allow_unicode=True), encoding="utf-8"
    )
    _, problems = check(directory)
    messages = [str(p) for p in problems]
    assert any(m.startswith("copy.yaml: contact.emergency: duplicate id") for m in messages)


def test_missing_language_is_named(tmp_path: Path) -> None:
    directory = _copy_kb(tmp_path)
    entry_id = _edit_first_entry(directory, "faq.yaml", {"answer": {"zh-Hant": "只有中文"}})
    _, problems = check(directory)
    assert any(
        p.file == "faq.yaml" and p.entry_id == entry_id and "answer.en" in p.message
        for p in problems
    ), problems


def test_too_few_questions_is_named(tmp_path: Path) -> None:
    directory = _copy_kb(tmp_path)
    entry_id = _edit_first_entry(
        directory, "faq.yaml", {"questions": {"zh-Hant": ["一", "二", "三", "四"], "en": ["one"]}}
    )
    _, problems = check(directory)
    assert any(p.entry_id == entry_id and "at least 4" in p.message for p in problems)


def test_translated_mark_without_a_translation_is_named(tmp_path: Path) -> None:
    directory = _copy_kb(tmp_path)
    path = directory / "faq.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = data["entries"][0]
    del entry["answer"]["ko"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _, problems = check(directory)
    assert any(
        p.entry_id == entry["id"] and "translated.ko is set but there is no ko answer" in p.message
        for p in problems
    ), problems


def test_a_translated_answer_needs_its_title_and_five_questions(tmp_path: Path) -> None:
    directory = _copy_kb(tmp_path)
    path = directory / "faq.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    first, second = data["entries"][0], data["entries"][1]
    del first["title"]["ja"]
    second["questions"]["ko"] = second["questions"]["ko"][:4]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _, problems = check(directory)
    messages = {(p.entry_id, p.message) for p in problems}
    assert any(i == first["id"] and "answer.ja needs title.ja" in m for i, m in messages)
    assert any(i == second["id"] and "ko: 4 question(s), at least 5" in m for i, m in messages)


def test_an_entry_may_still_be_written_in_zh_hant_and_english_only(tmp_path: Path) -> None:
    directory = _copy_kb(tmp_path)
    path = directory / "faq.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = data["entries"][0]
    for key in ("title", "questions", "keywords", "answer"):
        for lang in TRANSLATED_LANGS:
            del entry[key][lang]
    del entry["translated"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    kb, problems = check(directory)
    assert problems == []
    assert kb is not None
    untranslated = kb[entry["id"]]
    assert untranslated.answer.exact("ja") is None
    assert untranslated.answer.get("ja") == untranslated.answer.zh_hant
    assert not untranslated.is_translated("ja")
    # Absent, not null: the matcher reads every answer text through model_dump().
    assert set(untranslated.answer.model_dump(by_alias=True)) == {"zh-Hant", "en"}
    assert set(untranslated.questions.model_dump(by_alias=True)) == {"zh-Hant", "en"}


def test_all_phrases_stay_the_authored_ones_and_translations_are_read_apart() -> None:
    # The matcher indexes all(): Japanese and Korean phrases must not reach it unasked.
    phrases = LocalizedList.model_validate(
        {"zh-Hant": ["緊急電話"], "en": ["emergency"], "ja": ["緊急電話番号"], "ko": ["긴급 전화"]}
    )
    assert phrases.all() == ["緊急電話", "emergency"]
    assert phrases.get("ja") == ["緊急電話番号"]
    assert phrases.get("ko") == ["긴급 전화"]
    assert phrases.get("zh-Hans") == ["緊急電話"]
    assert list(phrases.by_lang()) == list(ALL_LANGS)
    text = LocalizedText.model_validate({"zh-Hant": "中", "en": "en", "ko": "한"})
    assert (text.get("en"), text.get("zh-Hant"), text.get("ko"), text.get("ja")) == (
        "en",
        "中",
        "한",
        "中",
    )
    assert text.by_lang() == {"zh-Hant": "中", "en": "en", "ko": "한"}


def test_broken_related_is_named(tmp_path: Path) -> None:
    directory = _copy_kb(tmp_path)
    entry_id = _edit_first_entry(directory, "faq.yaml", {"related": ["faq.no-such-entry"]})
    _, problems = check(directory)
    assert any(
        p.entry_id == entry_id and "'faq.no-such-entry' does not exist" in p.message
        for p in problems
    )


def test_a_synonym_with_hiragana_is_named(tmp_path: Path) -> None:
    """A run of kanji, katakana or Hangul is where the matcher finds a term: お土産 never is."""
    directory = _copy_kb(tmp_path)
    path = directory / "synonyms.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["groups"].append(["souvenirs from home", "お土産"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _, problems = check(directory)
    assert any("'お土産' holds hiragana" in str(p) for p in problems), problems


def test_bad_date_is_named(tmp_path: Path) -> None:
    directory = _copy_kb(tmp_path)
    entry_id = _edit_first_entry(directory, "events.yaml", {"dates": [{"start": "2025-02-30"}]})
    _, problems = check(directory)
    assert any(p.entry_id == entry_id and "dates.0.start" in p.message for p in problems)


def test_end_before_start_is_rejected(tmp_path: Path) -> None:
    directory = _copy_kb(tmp_path)
    entry_id = _edit_first_entry(
        directory, "events.yaml", {"dates": [{"start": "2025-07-05", "end": "2025-07-01"}]}
    )
    _, problems = check(directory)
    assert any(p.entry_id == entry_id and "before start" in p.message for p in problems)


def test_missing_topic_is_named(tmp_path: Path) -> None:
    topics = tmp_path / "topics.yaml"
    topics.write_text(
        "contact.emergency: {about: x}\nservice.space-travel: {about: y}\n", encoding="utf-8"
    )
    _, problems = check(KNOWLEDGE_DIR, topics)
    assert [str(p) for p in problems] == [
        "topics.yaml: service.space-travel: topic has no entry in the knowledge base"
    ]


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
    )


def test_kb_check_cli_exits_1_and_names_the_problem(tmp_path: Path) -> None:
    directory = _copy_kb(tmp_path)
    entry_id = _edit_first_entry(directory, "faq.yaml", {"related": ["faq.gone"]})
    result = _run_cli("kb", "check", "--knowledge", str(directory))
    assert result.returncode == 1
    assert f"faq.yaml: {entry_id}: related id 'faq.gone' does not exist" in result.stderr


def test_kb_check_cli_passes_on_the_bundled_kb() -> None:
    result = _run_cli("kb", "check", "--topics", str(TOPICS_FILE))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok:")


def test_kb_dump_contract(kb: KnowledgeBase) -> None:
    result = _run_cli("kb", "dump")
    assert result.returncode == 0, result.stderr
    dumped = json.loads(result.stdout)
    assert [e["id"] for e in dumped] == [e.id for e in kb.entries]
    for item in dumped:
        assert {"id", "category", "questions", "answer"} <= item.keys()
        assert set(item["answer"]) == set(ALL_LANGS)
        assert set(item["questions"]) == set(ALL_LANGS)
        assert all(item["questions"][lang] for lang in ALL_LANGS)
        assert item["translated"] == {"ja": True, "ko": True}


def test_json_schema_for_editors_is_current() -> None:
    result = _run_cli("kb", "schema")
    assert result.returncode == 0
    committed = (KNOWLEDGE_DIR / "entry.schema.json").read_text(encoding="utf-8")
    assert json.loads(result.stdout) == json.loads(committed), (
        "knowledge/entry.schema.json is stale: run python -m bot kb schema -o knowledge/entry.schema.json"
    )


# --- public-facing truth: every number and address a visitor reads comes from topics.yaml ---

_PHONE = re.compile(
    r"(?<![\d.])(?:\+886[- ]?\d[\d -]{6,}\d|0\d{1,3}[- ]?\d{3,4}[- ]?\d{3,4}|\(0\d\) ?\d{3}-\d{4}|(?<![\d.,])\b1\d{2,3}\b(?![.,]\d))"
)
_URL = re.compile(r"https?://[!-~]+")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text.replace("+886", "0"))


@pytest.fixture(scope="module")
def topics_text() -> str:
    return TOPICS_FILE.read_text(encoding="utf-8")


def _visible_texts(kb: KnowledgeBase) -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for entry in kb.entries:
        texts.extend((entry.id, text) for text in entry.answer.by_lang().values())
        for contact in entry.contacts:
            texts.extend((entry.id, value) for value in (contact.phone, contact.url) if value)
            if contact.note is not None:
                texts.extend((entry.id, text) for text in contact.note.by_lang().values())
    return texts


def test_no_phone_number_outside_the_sourced_facts(kb: KnowledgeBase, topics_text: str) -> None:
    known = {_digits(m) for m in _PHONE.findall(topics_text)}
    known_digits = _digits(topics_text)
    for entry_id, text in _visible_texts(kb):
        for number in _PHONE.findall(text):
            digits = _digits(number)
            if len(digits) <= 4:
                # Short service numbers (110, 1990) must be among the sourced ones too.
                assert digits in known, (entry_id, number)
            else:
                assert digits in known or digits in known_digits, (entry_id, number)


def test_no_url_outside_the_sourced_facts(kb: KnowledgeBase, topics_text: str) -> None:
    for entry_id, text in _visible_texts(kb):
        for url in _URL.findall(text):
            host_and_path = url.split("://", 1)[1].rstrip("/.,;:)")
            assert host_and_path in topics_text, (entry_id, url)


#: What a "please confirm" note says in each language.
_CONFIRM = {"zh-Hant": "確認", "en": "confirm", "ja": "確認してください", "ko": "확인해 주세요"}


def test_weak_facts_carry_a_confirm_note(kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        if any(source.mark == "U" for source in entry.sources):
            for lang, text in entry.answer.by_lang().items():
                assert _CONFIRM[lang] in text.lower(), (entry.id, lang)
        for contact in entry.contacts:
            if contact.confirm:
                assert contact.note is not None, (entry.id, contact.name.en)
                for lang in ALL_LANGS:
                    note = contact.note.exact(lang) or ""
                    assert _CONFIRM[lang] in note.lower(), (entry.id, contact.name.en, lang)


# --- the crisis line: a wrong number here could cost a life ---

#: 0800-789-995 was never the suicide-prevention line (an earlier KB gave it); 0800-788-995
#: was the ministry's line until 1925 replaced it. Neither may reach a visitor.
_WRONG_CRISIS_NUMBERS = ("0800789995", "0800788995")


def test_no_answer_gives_a_wrong_or_retired_crisis_number(kb: KnowledgeBase) -> None:
    context = AnswerContext(dt.date(2026, 12, 6), range(0, 5), dt.time(8), dt.time(17), 180)
    for entry in kb.entries:
        shown = [render(kb, entry, lang, context) for lang in Lang]
        shown += list(entry.answer.by_lang().values())
        shown += [contact.phone for contact in entry.contacts if contact.phone]
        for text in shown:
            for wrong in _WRONG_CRISIS_NUMBERS:
                assert wrong not in re.sub(r"\D", "", text), (entry.id, text)


def test_the_emergency_answer_gives_1925_for_suicide_prevention(kb: KnowledgeBase) -> None:
    entry = kb["contact.emergency"]
    for lang in ALL_LANGS:
        assert re.search(r"(?<!\d)1925(?!\d)", entry.answer.exact(lang) or ""), lang
    assert "1925" in {contact.phone for contact in entry.contacts}


#: What the privacy answer must tell in each language: how to delete, that the staff group's
#: messages are changed, and what stays (the platform's own history, ticket numbers).
_PRIVACY_MUST_SAY = {
    "zh-Hant": ("/delete", "群組", "不會刪除", "LINE", "案件編號"),
    "en": ("/delete", "group", "What stays", "LINE", "ticket numbers"),
    "ja": ("/delete", "グループ", "削除されないもの", "LINE", "案件番号"),
    "ko": ("/delete", "그룹", "삭제되지 않는 것", "LINE", "요청 번호"),
}


@pytest.mark.parametrize("lang", list(_PRIVACY_MUST_SAY))
def test_the_privacy_answer_says_what_is_deleted_and_what_stays(
    kb: KnowledgeBase, lang: str
) -> None:
    answer = kb["faq.privacy"].answer.exact(lang) or ""
    for words in _PRIVACY_MUST_SAY[lang]:
        assert words in answer, (lang, words)


def test_no_phrasing_belongs_to_two_entries(kb: KnowledgeBase) -> None:
    """A question phrased word for word in two entries trains the matcher (and the chooser)
    to answer it both ways; it belongs to the entry whose answer holds what it asks."""
    owners: dict[str, set[str]] = {}
    for entry in kb.entries:
        for phrasing in entry.questions.every():
            owners.setdefault(normalize(phrasing).replace(" ", ""), set()).add(entry.id)
    shared = {phrasing: sorted(ids) for phrasing, ids in owners.items() if len(ids) > 1}
    assert shared == {}
