"""Measure the matcher on a labelled question set, beside a naive baseline in the same run.

A row is ``expect<TAB>lang<TAB>question``; ``expect`` is a KB id, ``@human`` (the visitor
asked for a person: must hand off) or ``-`` (out of scope: must not be answered).

The baseline is what a first attempt would be: rapidfuzz ``extractOne`` with WRatio over every
question variant of the KB, answering when the score reaches a cutoff. The cutoff is tuned
on the very set being evaluated (the best for the baseline, so the comparison is fair to it).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from bot.kb.loader import KnowledgeBase
from bot.matcher import Decision, Match, Matcher
from bot.text import Lang, detect_language

HUMAN = "@human"
OUT_OF_SCOPE = "-"
EMERGENCY = "contact.emergency"
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
    emergencies: int = 0
    emergencies_answered: int = 0
    #: Messages answered with the emergency entry that are not about an emergency.
    false_emergencies: int = 0
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
        answered_emergency = outcome.decision is Decision.ANSWER and outcome.entry == EMERGENCY
        if outcome.row.expect == EMERGENCY:
            self.emergencies += 1
            self.emergencies_answered += answered_emergency
        else:
            self.false_emergencies += answered_emergency
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
            "emergencies_answered": self._ratio(self.emergencies_answered, self.emergencies),
            "false_emergencies": float(self.false_emergencies),
        }


@dataclass(frozen=True)
class Bars:
    """What a set must reach: on the whole set and in each language (``per_language``)."""

    name: str
    figures: dict[str, tuple[str, float]]
    #: answered right, in each language on its own
    right_per_language: float

    def holds(self, report: Report) -> bool:
        for lang, figures in [("all", report.overall), *report.by_lang.items()]:
            values = figures.as_dict()
            for key, (op, bar) in self.figures.items():
                if key == "answered_right" and lang != "all":
                    bar = self.right_per_language
                value = values[key]
                if value is None:
                    continue
                if (op == ">=" and value < bar) or (op == "<=" and value > bar):
                    return False
        return True


_COMMON = {
    "handed_off": (">=", 1.0),
    "emergencies_answered": (">=", 1.0),
    "false_emergencies": ("<=", 0.0),
}
#: Questions written as questions (dev, holdout, fresh).
TEXTBOOK_BARS = Bars(
    "textbook",
    {
        "answered_right": (">=", 0.95),
        "reached": (">=", 0.98),
        "wrong": ("<=", 0.02),
        "out_of_scope_declined": (">=", 0.90),
        **_COMMON,
    },
    right_per_language=0.95,
)
#: Messages written the way people type in chat apps (the issue on real conversations).
CHAT_BARS = Bars(
    "chat",
    {
        "answered_right": (">=", 0.92),
        "reached": (">=", 0.98),
        "wrong": ("<=", 0.01),
        "out_of_scope_declined": (">=", 0.95),
        **_COMMON,
    },
    right_per_language=0.90,
)
#: Japanese and Korean (the issue on the partner cities' languages).
JA_KO_BARS = Bars(
    "ja-ko",
    {
        "answered_right": (">=", 0.90),
        "reached": (">=", 0.97),
        "wrong": ("<=", 0.02),
        "out_of_scope_declined": (">=", 0.95),
        **_COMMON,
    },
    right_per_language=0.90,
)


def bars_for(path: Path) -> Bars:
    """The bars of a labelled set, by its file name: chat*.tsv, ja-ko*.tsv, else textbook."""
    if path.name.startswith("chat"):
        return CHAT_BARS
    if path.name.startswith("ja-ko"):
        return JA_KO_BARS
    return TEXTBOOK_BARS


@dataclass
class Report:
    name: str
    overall: Figures
    by_lang: dict[str, Figures]

    def meets(self, bars: Bars) -> bool:
        return bars.holds(self)


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


def _bar(bars: Bars, key: str) -> str:
    op, value = bars.figures[key]
    return f"{op}{value * 100:.0f}%"


def format_reports(reports: Iterable[Report], bars: Bars = TEXTBOOK_BARS) -> str:
    reports = list(reports)
    header = f"{'method':<22}{'lang':<9}{'n':>4}  {'right':>6} {'reached':>7} {'wrong':>6} {'declined':>8} {'handoff':>7}  emergencies"
    lines = [header, "-" * len(header)]
    for report in reports:
        for lang, figures in [("all", report.overall), *report.by_lang.items()]:
            d = figures.as_dict()
            emergencies = (
                f"{figures.emergencies_answered}/{figures.emergencies}, "
                f"{figures.false_emergencies} false"
            )
            lines.append(
                f"{report.name:<22}{lang:<9}{figures.rows:>4}  {_pct(d['answered_right']):>6} "
                f"{_pct(d['reached']):>7} {_pct(d['wrong']):>6} "
                f"{_pct(d['out_of_scope_declined']):>8} {_pct(d['handed_off']):>7}  {emergencies}"
            )
        lines.append("")
    lines.append(
        f"{'bars (' + bars.name + ')':<22}{'':<9}{'':>4}  {_bar(bars, 'answered_right'):>6} "
        f"{_bar(bars, 'reached'):>7} {_bar(bars, 'wrong'):>6} "
        f"{_bar(bars, 'out_of_scope_declined'):>8} {_bar(bars, 'handed_off'):>7}  all, 0 false"
        f"   (right in each language {bars.right_per_language * 100:.0f}%)"
    )
    return "\n".join(lines)


#: Parts of a labelled set: one to develop the method on, one looked at only once a method
#: change is done (a third of the rows, picked by a hash of the question, so stable).
PARTS = ("dev", "test")


def part_of(row: Row) -> str:
    digest = hashlib.sha256(row.question.encode("utf-8")).digest()
    return "test" if digest[0] % 3 == 0 else "dev"


def run(
    kb: KnowledgeBase, path: Path, show_misses: bool = False, part: str | None = None
) -> tuple[Report, Report, str]:
    rows = read_rows(path)
    if part is not None:
        rows = [row for row in rows if part_of(row) == part]
    bars = bars_for(path)
    matcher = Matcher(kb)
    baseline = tune_baseline(kb, rows)
    ours = evaluate("matcher", rows, matcher.match)
    naive = evaluate(f"baseline(cutoff={baseline.cutoff:.0f})", rows, baseline.match)
    text = format_reports([ours, naive], bars)
    text += f"\nmatcher meets every bar: {'yes' if ours.meets(bars) else 'NO'}"
    if show_misses:
        text += "\n\nmatcher misses:\n" + "\n".join(
            f"  [{o.row.lang}] {o.row.question!r}: expected {o.row.expect}, got "
            f"{o.decision.value} {o.entry or list(o.candidates)}"
            for o in ours.overall.misses
        )
    return ours, naive, text
