"""A clone of this repository stands alone: nothing it runs reads from beside it.

CI clones the repository next to the steering folder, so a test that reads from there would
pass in CI and fail for a newcomer. This looks at the sources instead of trusting CI.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT

#: Spelled in two halves so that this file does not name it itself.
_OUTSIDE = ("../" + "shared", 'parent / "' + 'shared"')
_RUN_BY_MAKE_AND_CI = ("bot", "tests", "bench", "scripts", ".ci", "Makefile", "Dockerfile")


def _files() -> list[Path]:
    files: list[Path] = []
    for name in _RUN_BY_MAKE_AND_CI:
        path = ROOT / name
        if path.is_dir():
            files.extend(p for p in path.rglob("*") if p.is_file())
        else:
            files.append(path)
    return [p for p in files if "__pycache__" not in p.parts]


def test_nothing_make_or_ci_runs_reads_from_beside_the_clone() -> None:
    offenders = []
    for path in _files():
        text = path.read_bytes().decode("utf-8", errors="replace")
        if any(spelling in text for spelling in _OUTSIDE):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_copied_inputs_are_in_the_repository() -> None:
    for relative in (
        "eval/dev.tsv",
        "eval/chat.tsv",
        "eval/ja-ko.tsv",
        "eval/topics.yaml",
        "tests/fixtures/line-webhook-all-events.json",
    ):
        assert (ROOT / relative).stat().st_size > 0, relative
