"""Measure the matcher on a labelled question set, beside a naive baseline in the same run.

A row is ``expect<TAB>lang<TAB>question``; ``expect`` is a KB id, ``@human`` (the visitor
asked for a person: must hand off) or ``-`` (out of scope: must not be answered).

The baseline is what a first attempt would be: rapidfuzz ``extractOne`` with WRatio over every
question variant of the KB, answering when the score reaches a cutoff. The cutoff is tuned
on the very set being evaluated (the best for the baseline, so the comparison is fair to it).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from bot.kb.loader import KnowledgeBase
from bot.matcher import Decision, Match, Matcher
from bot.text import Lang, detect_language

HUMAN = "@human"
OUT_OF_SCOPE = "-"
LANGS = ("en", "zh-Hant", "zh-Hans")


@dataclass(frozen=True)
class Row:
    expect: str
    lang: str
    question: str


@dataclass(frozen=True)
class Outcome:
    row: Row
    decision: Decision
    entry: str | None
    candidates: tuple[str, ...]

    @property
    def in_scope(self) -> bool:
        return self.row.expect not in (HUMAN, OUT_OF_SCOPE)

    @property
    def answered_right(self) -> bool:
        return self.in_scope and self.decision is Decision.ANSWER and self.entry == self.row.expect

    @property
    def reached(self) -> bool:
        return self.answered_right or (
            self.in_scope
            and self.decision is Decision.CLARIFY
            and self.row.expect in self.candidates
        )

    @property
    def wrong(self) -> bool:
        """A wrong entry answered, or any answer where none should be given."""
        return self.decision is Decision.ANSWER and self.entry != self.row.expect

    @property
    def declined(self) -> bool:
        return self.decision in (Decision.FALLBACK, Decision.HANDOFF) or (
            self.decision is Decision.CLARIFY and False
        )


@dataclass
class Figures:
    rows: int = 0
    in_scope: int = 0
    answered_right: int = 0
    reached: int = 0
    wrong: int = 0
    out_of_scope: int = 0
    out_of_scope_declined: int = 0
    human: int = 0
    human_handed_off: int = 0
    misses: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.rows += 1
        if outcome.in_scope:
            self.in_scope += 1
            self.answered_right += outcome.answered_right
            self.reached += outcome.reached
        elif outcome.row.expect == HUMAN:
            self.human += 1
            self.human_handed_off += outcome.decision is Decision.HANDOFF
        else:
            self.out_of_scope += 1
            # Declining means not answering: a fallback, a handoff or options the visitor can refuse.
            self.out_of_scope_declined += outcome.decision is not Decision.ANSWER
        self.wrong += outcome.wrong
        if (
            outcome.wrong
            or (outcome.in_scope and not outcome.answered_right)
            or (outcome.row.expect == HUMAN and outcome.decision is not Decision.HANDOFF)
        ):
            self.misses.append(outcome)

    @staticmethod
    def _ratio(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    def as_dict(self) -> dict[str, float | None]:
        return {
            "answered_right": self._ratio(self.answered_right, self.in_scope),
            "reached": self._ratio(self.reached, self.in_scope),
            "wrong": self._ratio(self.wrong, self.rows),
            "out_of_scope_declined": self._ratio(self.out_of_scope_declined, self.out_of_scope),
            "handed_off": self._ratio(self.human_handed_off, self.human),
        }


BARS: dict[str, tuple[str, float]] = {
    "answered_right": (">=", 0.95),
    "reached": (">=", 0.98),
    "wrong": ("<=", 0.02),
    "out_of_scope_declined": (">=", 0.90),
    "handed_off": (">=", 1.0),
}


@dataclass
class Report:
    name: str
    overall: Figures
    by_lang: dict[str, Figures]

    def meets_bars(self) -> bool:
        for figures in (self.overall, *self.by_lang.values()):
            for key, value in figures.as_dict().items():
                if value is None:
                    continue
                op, bar = BARS[key]
                if (op == ">=" and value < bar) or (op == "<=" and value > bar):
                    return False
        return True


_COLUMNS = ("expect", "lang", "question")


def read_rows(path: Path) -> list[Row]:
    """Rows of a labelled set: expect, lang, question; the header line is optional."""
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    if records and tuple(cell.strip() for cell in records[0]) == _COLUMNS:
        records = records[1:]
    return [
        Row(record[0].strip(), record[1].strip(), record[2])
        for record in records
        if len(record) >= len(_COLUMNS)
    ]


def evaluate(name: str, rows: Sequence[Row], decide: Callable[[str], Match]) -> Report:
    overall = Figures()
    by_lang = {lang: Figures() for lang in LANGS}
    for row in rows:
        match = decide(row.question)
        outcome = Outcome(row, match.decision, match.entry, match.candidates)
        overall.add(outcome)
        by_lang.setdefault(row.lang, Figures()).add(outcome)
    return Report(name, overall, {k: v for k, v in by_lang.items() if v.rows})


class Baseline:
    """rapidfuzz extractOne (WRatio) over every question variant: answer above a cutoff."""

    def __init__(self, kb: KnowledgeBase, cutoff: float = 80.0) -> None:
        self.cutoff = cutoff
        self.choices: list[str] = []
        self.owners: list[str] = []
        for entry in kb.entries:
            for question in entry.questions.all():
                self.choices.append(question)
                self.owners.append(entry.id)
        self._processed = [utils.default_process(q) for q in self.choices]

    def best(self, question: str) -> tuple[str | None, float]:
        found = process.extractOne(
            utils.default_process(question),
            self._processed,
            scorer=fuzz.WRatio,
            processor=None,
        )
        if not found:
            return None, 0.0
        return self.owners[found[2]], float(found[1])

    def match(self, question: str) -> Match:
        lang: Lang = detect_language(question)
        owner, score = self.best(question)
        if owner is not None and score >= self.cutoff:
            return Match(question, lang, Decision.ANSWER, owner, (owner,), score / 100)
        return Match(question, lang, Decision.FALLBACK, score=score / 100)


def tune_baseline(kb: KnowledgeBase, rows: Sequence[Row]) -> Baseline:
    """The cutoff that maximises answered-right minus wrong answers on ``rows``."""
    baseline = Baseline(kb)
    cached = [(row, *baseline.best(row.question)) for row in rows]
    best_cutoff, best_value = 100.0, float("-inf")
    for cutoff in range(50, 101):
        right = sum(1 for row, owner, score in cached if score >= cutoff and owner == row.expect)
        wrong = sum(1 for row, owner, score in cached if score >= cutoff and owner != row.expect)
        if right - wrong > best_value:
            best_cutoff, best_value = float(cutoff), right - wrong
    baseline.cutoff = best_cutoff
    return baseline


def _pct(value: float | None) -> str:
    return "   -  " if value is None else f"{value * 100:5.1f}%"


def format_reports(reports: Iterable[Report]) -> str:
    reports = list(reports)
    header = f"{'method':<22}{'lang':<9}{'n':>4}  {'right':>6} {'reached':>7} {'wrong':>6} {'declined':>8} {'handoff':>7}"
    lines = [header, "-" * len(header)]
    bar_line = f"{'bars':<22}{'':<9}{'':>4}  {'>=95%':>6} {'>=98%':>7} {'<=2%':>6} {'>=90%':>8} {'100%':>7}"
    for report in reports:
        for lang, figures in [("all", report.overall), *report.by_lang.items()]:
            d = figures.as_dict()
            lines.append(
                f"{report.name:<22}{lang:<9}{figures.rows:>4}  {_pct(d['answered_right']):>6} "
                f"{_pct(d['reached']):>7} {_pct(d['wrong']):>6} "
                f"{_pct(d['out_of_scope_declined']):>8} {_pct(d['handed_off']):>7}"
            )
        lines.append("")
    lines.append(bar_line)
    return "\n".join(lines)


def run(kb: KnowledgeBase, path: Path, show_misses: bool = False) -> tuple[Report, Report, str]:
    rows = read_rows(path)
    matcher = Matcher(kb)
    baseline = tune_baseline(kb, rows)
    ours = evaluate("matcher", rows, matcher.match)
    naive = evaluate(f"baseline(cutoff={baseline.cutoff:.0f})", rows, baseline.match)
    text = format_reports([ours, naive])
    text += f"\nmatcher meets every bar: {'yes' if ours.meets_bars() else 'NO'}"
    if show_misses:
        text += "\n\nmatcher misses:\n" + "\n".join(
            f"  [{o.row.lang}] {o.row.question!r}: expected {o.row.expect}, got "
            f"{o.decision.value} {o.entry or list(o.candidates)}"
            for o in ours.overall.misses
        )
    return ours, naive, text
