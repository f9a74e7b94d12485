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
from bot.text import Lang
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


def test_broken_related_is_named(tmp_path: Path) -> None:
    directory = _copy_kb(tmp_path)
    entry_id = _edit_first_entry(directory, "faq.yaml", {"related": ["faq.no-such-entry"]})
    _, problems = check(directory)
    assert any(
        p.entry_id == entry_id and "'faq.no-such-entry' does not exist" in p.message
        for p in problems
    )


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
        assert set(item["answer"]) == {"zh-Hant", "en"}
        assert item["questions"]["en"]
        assert item["questions"]["zh-Hant"]


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
        texts.extend((entry.id, entry.answer.get(lang)) for lang in ("zh-Hant", "en"))
        for contact in entry.contacts:
            texts.extend((entry.id, value) for value in (contact.phone, contact.url) if value)
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


def test_weak_facts_carry_a_confirm_note(kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        if any(source.mark == "U" for source in entry.sources):
            assert "confirm" in entry.answer.en.lower(), entry.id
            assert "確認" in entry.answer.zh_hant, entry.id


# --- the crisis line: a wrong number here could cost a life ---

#: 0800-789-995 was never the suicide-prevention line (an earlier KB gave it); 0800-788-995
#: was the ministry's line until 1925 replaced it. Neither may reach a visitor.
_WRONG_CRISIS_NUMBERS = ("0800789995", "0800788995")


def test_no_answer_gives_a_wrong_or_retired_crisis_number(kb: KnowledgeBase) -> None:
    context = AnswerContext(dt.date(2026, 12, 6), range(0, 5), dt.time(8), dt.time(17), 180)
    for entry in kb.entries:
        shown = [render(kb, entry, lang, context) for lang in Lang]
        shown += [contact.phone for contact in entry.contacts if contact.phone]
        for text in shown:
            for wrong in _WRONG_CRISIS_NUMBERS:
                assert wrong not in re.sub(r"\D", "", text), (entry.id, text)


def test_the_emergency_answer_gives_1925_for_suicide_prevention(kb: KnowledgeBase) -> None:
    entry = kb["contact.emergency"]
    for lang in ("zh-Hant", "en"):
        assert re.search(r"(?<!\d)1925(?!\d)", entry.answer.get(lang)), lang
    assert "1925" in {contact.phone for contact in entry.contacts}
