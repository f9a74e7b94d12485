"""A learned second opinion on emergencies: how likely a message describes one happening now.

situations.py reads a message for signs written by hand, family by family, in each script.
Every new set of emergencies written blind showed that about one in three is told in words no
family holds yet ("guy at the table next to us just slid off his stool and isn't reacting",
「剛剛那個地震 隔壁的老房子塌了一半 裡面好像有人在喊」). This model is a logistic regression over
the message's character n-grams (one to four characters of its normal form, so one model reads
every script and misspellings share most of their n-grams), trained on labelled messages:
every KB phrasing as a message that is not one, the messages written for the tests, and the
development parts of every labelled set in eval/ (`python -m bot alarm train`;
bot/alarm_training.py lists the examples). The test parts are never trained on.

It is only a second opinion: the matcher asks it only when no sign was found, and it must be
sure (``THRESHOLD``) — an emergency answer to someone asking about a SIM card is a failure
too. It is asked before a request for a person is handed off, as the signs are: someone in
danger who also asks for a person gets the numbers first, and the urgent ticket. What it
finds is answered as a general emergency (110 and 119 first), or as the kind of emergency the
message names.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

#: The model the desk uses, written by `python -m bot alarm train` (text, reviewable, and
#: checked by a test to be what training on today's examples gives).
MODEL_PATH = Path(__file__).with_name("alarm_model.json")

#: How sure the model must be, chosen on messages it was not trained on (docs/matcher.md,
#: "A learned second opinion"): on the test parts of the labelled sets it finds 28 of the 44
#: emergencies the signs miss and raises no alarm on any of their 1,100 other messages.
THRESHOLD = 0.7

#: Sure enough that an unanswered message says where to call (110, 119) before its "did you
#: mean" or its apology, though not to answer it as an emergency: on the test parts, 10 of the
#: 15 emergencies the desk still left unanswered, and 2 other messages beside the 4 that
#: already sounded frightened (docs/matcher.md).
WORRYING = 0.5

#: Training: passes over the examples, and the step size of the first (smaller after).
EPOCHS = 15
LEARNING_RATE = 0.5
#: Weights smaller than this are left out of the saved model: they move no decision.
SMALLEST_WEIGHT = 0.03


def ngrams(normal: str) -> list[str]:
    """The distinct character n-grams (1–4) of a normalised message, in sorted order.

    Spaces mark the ends of words, so English n-grams hold word beginnings and endings;
    single Latin letters and digits say nothing and are left out, single Han characters,
    kana and Hangul are words or nearly so and are kept.
    """
    padded = f" {normal} "
    found: set[str] = set()
    for size in (1, 2, 3, 4):
        for start in range(len(padded) - size + 1):
            gram = padded[start : start + size]
            if not gram.strip() or (size == 1 and gram.isascii()):
                continue
            found.add(gram)
    return sorted(found)


@dataclass(frozen=True)
class AlarmModel:
    """Weights of n-grams and a bias: the probability is the logistic of their sum, the
    n-grams' share scaled by the square root of their number (a long message is not more
    alarming for being long)."""

    weights: Mapping[str, float]
    bias: float

    def probability(self, normal: str) -> float:
        grams = ngrams(normal)
        if not grams:
            return 0.0
        total = sum(self.weights.get(gram, 0.0) for gram in grams)
        return _logistic(total / math.sqrt(len(grams)) + self.bias)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> AlarmModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(dict(data["weights"]), float(data["bias"]))

    def dumps(self) -> str:
        """The model as JSON text, n-grams sorted, one a line (diffs of a retrained model
        are readable)."""
        lines = [
            f"  {json.dumps(gram, ensure_ascii=False)}: {weight!r}"
            for gram, weight in sorted(self.weights.items())
        ]
        return f'{{\n "bias": {self.bias!r},\n "weights": {{\n' + ",\n".join(lines) + "\n }\n}\n"


@cache
def saved_model() -> AlarmModel:
    """The model the desk uses, read once a process (it does not depend on the KB)."""
    return AlarmModel.load()


def train(examples: Iterable[tuple[str, bool]]) -> AlarmModel:
    """A model fitted to ``examples`` (a normalised message, and whether it describes an
    emergency) by stochastic gradient descent in a fixed order: the same examples give the
    same model on any machine."""
    rows = [(ngrams(normal), 1.0 if is_emergency else 0.0) for normal, is_emergency in examples]
    rows = [(grams, label) for grams, label in rows if grams]
    weights: dict[str, float] = {}
    bias = -2.0
    for epoch in range(EPOCHS):
        step = LEARNING_RATE / (1 + epoch)
        # Each pass visits the examples in an order of its own, the same on every machine and
        # Python version (random.shuffle's is not promised to stay): a multiplicative hash
        # with an odd factor for each pass. (One order rotated each pass made the model move
        # with every example added: a dozen person requests cost two emergencies elsewhere.)
        order = sorted(
            range(len(rows)), key=lambda i: ((i + 1) * 2654435761 * (2 * epoch + 1)) % 2**32
        )
        for i in order:
            grams, label = rows[i]
            scale = 1 / math.sqrt(len(grams))
            total = sum(weights.get(gram, 0.0) for gram in grams)
            error = _logistic(total * scale + bias) - label
            for gram in grams:
                weights[gram] = weights.get(gram, 0.0) - step * error * scale
            bias -= step * error * 0.1
    kept = {
        gram: round(weight, 4) for gram, weight in weights.items() if abs(weight) >= SMALLEST_WEIGHT
    }
    return AlarmModel(kept, round(bias, 4))


def _logistic(z: float) -> float:
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
