"""The command-line contracts other tools rely on (DESIGN.md)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import DEV_SET, ROOT


def _run(args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
    )


def test_match_writes_one_json_object_per_line_in_order() -> None:
    questions = ["救命 有人受傷", "I want to talk to a real person", "紧急电话", "zzzzz qqqq", ""]
    result = _run(["match"], "\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["question"] for line in lines] == questions
    for line in lines:
        # The contract's fields, and the situation of an emergency (extra fields are welcome).
        contract = {"question", "lang", "decision", "entry", "candidates", "score"}
        assert contract <= set(line) <= {*contract, "situation"}
        assert line["lang"] in {"en", "zh-Hant", "zh-Hans"}
        assert line["decision"] in {"answer", "clarify", "fallback", "handoff"}
        assert len(line["candidates"]) <= 3
    assert lines[0]["decision"] == "answer"
    assert lines[0]["entry"] == "contact.emergency"
    assert lines[0]["situation"] == "medical"
    assert lines[1]["decision"] == "handoff"
    assert lines[1]["entry"] is None
    assert lines[2]["lang"] == "zh-Hans"
    assert lines[3]["decision"] == "fallback"
    assert lines[3]["entry"] is None


def test_ask_answers_simplified_in_simplified() -> None:
    result = _run(["ask", "紧急电话是多少"])
    assert result.returncode == 0, result.stderr
    assert "119" in result.stdout
    assert "紧急" in result.stdout


def test_ask_answers_english_in_english() -> None:
    result = _run(["ask", "where is the county government?"])
    assert result.returncode == 0, result.stderr
    assert "03-822-7171" in result.stdout or "Fuqian" in result.stdout


def test_chat_reads_until_end_of_input() -> None:
    result = _run(["chat"], "hello\nthanks\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("> ") >= 2


def test_eval_prints_matcher_and_baseline_per_language() -> None:
    result = _run(["eval", str(DEV_SET)])
    assert result.returncode == 0, result.stderr
    assert "baseline(cutoff=" in result.stdout
    for lang in ("en", "zh-Hant", "zh-Hans"):
        assert f"matcher               {lang}" in result.stdout
