"""Ratchet on the labelled question sets: fails when a figure drops below the best reached.

The issue's bars are the goal (answered right >= 95%, reached >= 98%, wrong <= 2%, out of
scope declined >= 90%, person requests handed off 100%). Until every bar holds, the floors
below are the best figures measured so far; raise them as the matcher improves, never lower.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.evaluation import evaluate, read_rows, tune_baseline
from bot.kb.loader import KnowledgeBase
from bot.matcher import Matcher
from tests.conftest import DEV_SET, HOLDOUT_SET

# (set, figure) -> floor (for "wrong", a ceiling). Measured 2026-11-26.
RATCHET: dict[tuple[str, str], float] = {
    ("dev", "answered_right"): 0.92,
    ("dev", "reached"): 0.98,
    ("dev", "wrong"): 0.0,
    ("dev", "out_of_scope_declined"): 1.0,
    ("dev", "handed_off"): 1.0,
    ("holdout", "answered_right"): 0.947,
    ("holdout", "reached"): 0.99,
    ("holdout", "wrong"): 0.0,
    ("holdout", "out_of_scope_declined"): 1.0,
    ("holdout", "handed_off"): 1.0,
}
SETS = {"dev": DEV_SET, "holdout": HOLDOUT_SET}


@pytest.mark.parametrize("name", sorted(SETS))
def test_figures_do_not_drop_below_the_ratchet(
    name: str, kb: KnowledgeBase, matcher: Matcher
) -> None:
    path: Path = SETS[name]
    assert path.exists(), f"{path} is missing: the eval set must be present in CI"
    report = evaluate(name, read_rows(path), matcher.match)
    figures = report.overall.as_dict()
    for (set_name, key), bound in RATCHET.items():
        if set_name != name:
            continue
        value = figures[key]
        assert value is not None
        if key == "wrong":
            assert value <= bound + 1e-9, f"{name} {key} {value:.3f} > {bound}"
        else:
            assert value >= bound - 1e-9, f"{name} {key} {value:.3f} < {bound}"


def test_person_requests_are_handed_off_in_every_language(matcher: Matcher) -> None:
    for path in SETS.values():
        report = evaluate("x", read_rows(path), matcher.match)
        for lang, figures in report.by_lang.items():
            handed = figures.as_dict()["handed_off"]
            assert handed in (None, 1.0), (path.name, lang, handed)


def test_matcher_beats_the_naive_baseline(kb: KnowledgeBase, matcher: Matcher) -> None:
    rows = read_rows(DEV_SET)
    ours = evaluate("matcher", rows, matcher.match).overall
    naive = evaluate("baseline", rows, tune_baseline(kb, rows).match).overall
    assert ours.answered_right > naive.answered_right
    assert ours.wrong <= naive.wrong
