"""The examples the emergency model (bot/matcher/alarm.py) is trained on, and its training.

A development tool: it reads the repository's labelled messages, which a deployed image does
not carry. Three sources:

* every phrasing of every KB entry but the emergency numbers' own, as messages that are not
  emergencies (questions about buses, visas and festivals, in five languages);
* the messages written for the tests (tests/written/): situations-written.tsv marks each
  emergency "happening"; in the others an emergency is labelled contact.emergency;
* the development part (two thirds, bot.evaluation.part_of) of every labelled set in eval/:
  the emergency sets and the set of alarming non-emergencies, and the ordinary questions and
  chat of the others. The test parts are left out: they measure the model, as they measure
  the rest of the matcher.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.evaluation import part_of, read_rows
from bot.kb.loader import load
from bot.matcher.alarm import AlarmModel, train
from bot.matcher.result import EMERGENCY_ENTRY
from bot.text import normalize

logger = logging.getLogger(__name__)

REPOSITORY = Path(__file__).resolve().parent.parent
_WRITTEN_HAPPENING = "happening"


def examples(repository: Path = REPOSITORY) -> list[tuple[str, bool]]:
    """(normalised message, describes an emergency) for every training example."""
    found: list[tuple[str, bool]] = []
    kb = load(repository / "knowledge")
    for entry in kb.entries:
        if entry.id == EMERGENCY_ENTRY:
            continue
        found.extend((normalize(question), False) for question in entry.questions.all())
    for path in sorted((repository / "tests" / "written").glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            label, message = cells[0], cells[-1]
            is_emergency = label in (_WRITTEN_HAPPENING, EMERGENCY_ENTRY)
            found.append((normalize(message), is_emergency))
    for path in sorted((repository / "eval").glob("*.tsv")):
        for row in read_rows(path):
            if part_of(row) == "dev":
                found.append((normalize(row.question), row.expect == EMERGENCY_ENTRY))
    return found


def retrain(repository: Path = REPOSITORY) -> AlarmModel:
    rows = examples(repository)
    logger.info(
        "training on %d examples, %d of them emergencies", len(rows), sum(e for _, e in rows)
    )
    return train(rows)
