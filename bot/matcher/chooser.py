"""A learned tie-break among the entries a "did you mean" would offer.

The scores of score.py weigh the words a question shares with each entry. Between neighbouring
entries (the immigration office and the ARC, the hospitals and medical care) they often end
in a near-tie, and the desk offers both; the entry that the visitor meant is usually first,
but the lead is too narrow to answer on. A model trained to tell the entries apart by their
own phrasings sees which words set one neighbour apart from the other, which the scores,
made to rank all entries at once, do not.

The model is a softmax regression over the entries, reading a message's character n-grams
(alarm.ngrams: one to four characters of its normal form, every script). It is trained on the
knowledge base's own phrasings and keywords in every language — no labelled message — with
the matcher (a server: in a worker thread after a swap, kb/live.py), so an edited knowledge
base brings its model along; one trained once is remembered in the process. It only ever
settles a choice between options the scores already offer, and only when it is sure enough
(``SETTLES_AT``; less, ``SETTLES_AGREEING_AT``, when its choice is the scores' own first
option): it never brings in an entry the scores did not find, nor answers a message the
scores declined.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.kb.schema import Entry
from bot.matcher.alarm import ngrams
from bot.text import normalize_many

logger = logging.getLogger(__name__)

#: How sure the model must be of an option, over all entries, to answer with it: chosen on
#: the development parts of the labelled sets (docs/matcher.md, "Settling a near-tie").
SETTLES_AT = 0.3
#: …and when its choice is also the option the scores put first: two readings made apart
#: (the words shared with every entry; the n-grams that set neighbours apart) agree, and less
#: certainty suffices. Chosen on the development parts as SETTLES_AT was (docs/matcher.md).
SETTLES_AGREEING_AT = 0.25
#: …or, agreeing, when no other entry comes near it: a message in words of its own spreads the
#: model's belief thin (「タクシーにカメラ忘れた😭 どうしたらいい？」: lost items 0.247, the next
#: entry 0.041), so certainty over all entries is low while the choice is clear. Chosen on the
#: development parts (docs/matcher.md, "Clear of the rest").
SETTLES_CLEAR_OF_THE_REST_AT = 0.1
CLEAR_OF_THE_REST = 4.0

#: A message must hold this many words (tokens of the analyzer weighing at least
#: ``WORD_WEIGHT``: words, Chinese pairs and terms, not single characters) to be settled: one or
#: two name a topic ("festival": the harvest, summer and stone-sculpture festivals), and the
#: model, sure of the entry whose phrasings use the word most, would answer a guess. Every
#: near-tie it settles on the labelled sets holds at least three.
SETTLES_FROM_WORDS = 3
WORD_WEIGHT = 0.5

#: Training: passes over the phrasings, the step of the first (smaller after), and how many
#: phrasings each step reads at once (a step per phrasing costs a Python loop per phrasing).
EPOCHS = 10
LEARNING_RATE = 0.5
BATCH = 16

#: Training reads every phrasing once per pass per entry; above this many entries it would
#: slow every build and reload by seconds, so the matcher goes without (the county's knowledge
#: base has some sixty entries).
MAX_ENTRIES = 400

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True, eq=False)
class Chooser:
    """Weights of n-grams for each entry (rows: n-grams of the phrasings, columns: entries)."""

    columns: dict[str, int]
    weights: FloatArray
    bias: FloatArray

    def probabilities(self, normal: str) -> FloatArray:
        grams = ngrams(normal)
        rows = [self.columns[gram] for gram in grams if gram in self.columns]
        if not rows:
            return np.full(len(self.bias), 1 / len(self.bias), dtype=np.float32)
        # Every n-gram of the message counts in the scale, known or not: a message mostly in
        # words no phrasing holds is a weak vote for any entry.
        logits = self.weights[rows].sum(axis=0) / math.sqrt(len(grams)) + self.bias
        logits -= logits.max()
        exp = np.exp(logits)
        result: FloatArray = exp / exp.sum()
        return result

    def choice(self, normal: str, options: Sequence[int]) -> int | None:
        """The option the model is sure of (an entry's position), if any; ``options`` in the
        scores' order, the first the scores' own lead."""
        return choice_among(self.probabilities(normal), options)


def choice_among(probabilities: FloatArray, options: Sequence[int]) -> int | None:
    """The option a model's ``probabilities`` for a message are sure of (Chooser.choice), for
    a caller that reads them for more than the choice."""
    best = int(probabilities.argmax())
    if best not in options:
        return None
    if any(probabilities[other] >= probabilities[best] for other in options if other != best):
        return None  # a tie is no choice: "zzzz", every entry as likely as the next
    agrees = best == options[0]
    if probabilities[best] >= (SETTLES_AGREEING_AT if agrees else SETTLES_AT):
        return best
    if agrees and probabilities[best] >= SETTLES_CLEAR_OF_THE_REST_AT:
        runner_up = float(np.partition(probabilities, -2)[-2])
        if probabilities[best] >= CLEAR_OF_THE_REST * runner_up:
            return best
    return None


#: The models trained in this process, by the digest of their texts, the latest last: a server
#: holds one knowledge base and, during a reload, the next; tests build several in turn.
_trained: OrderedDict[str, Chooser] = OrderedDict()
REMEMBERED = 4
_trained_lock = threading.Lock()


def forget_trained_choosers() -> None:
    """Train again on the next call, whatever was trained before (for benchmarks)."""
    with _trained_lock:
        _trained.clear()


def chooser_for(entries: Sequence[Entry]) -> Chooser | None:
    """The model for ``entries``, trained on their phrasings and keywords in every language
    (once a process for the same texts); None above ``MAX_ENTRIES``."""
    if len(entries) > MAX_ENTRIES:
        logger.info(
            "%d entries: near-ties are offered as choices, not settled by a model", len(entries)
        )
        return None
    if len(entries) < 2:
        return None
    texts_by_entry = [
        normalize_many([*entry.questions.every(), *entry.keywords.every()]) for entry in entries
    ]
    digest = hashlib.sha256()
    for texts in texts_by_entry:
        for text in texts:
            digest.update(text.encode("utf-8") + b"\x00")
        digest.update(b"\x01")
    key = digest.hexdigest()
    # A server trains in worker threads, and a second reload may start one beside the first:
    # the cache is read and written under a lock, the training runs outside it.
    with _trained_lock:
        if key in _trained:
            _trained.move_to_end(key)
            return _trained[key]
    model = train(texts_by_entry)
    with _trained_lock:
        # Two threads that trained the same texts at once hand out the first model stored.
        model = _trained.setdefault(key, model)
        _trained.move_to_end(key)
        while len(_trained) > REMEMBERED:
            _trained.popitem(last=False)
    return model


def train(texts_by_entry: Sequence[Sequence[str]]) -> Chooser:
    """A model fitted to the phrasings by mini-batch gradient descent in a fixed order: the
    same phrasings give the same model."""
    columns: dict[str, int] = {}
    grams_of: list[npt.NDArray[np.int64]] = []
    entry_of: list[int] = []
    for entry, texts in enumerate(texts_by_entry):
        for text in texts:
            grams = [columns.setdefault(gram, len(columns)) for gram in ngrams(text)]
            if grams:
                grams_of.append(np.asarray(grams, dtype=np.int64))
                entry_of.append(entry)
    entries = len(texts_by_entry)
    weights = np.zeros((len(columns), entries), dtype=np.float32)
    bias = np.zeros(entries, dtype=np.float32)
    scale_of = np.asarray([1 / math.sqrt(len(grams)) for grams in grams_of], dtype=np.float32)
    for epoch in range(EPOCHS):
        step = LEARNING_RATE / (1 + epoch)
        order = sorted(
            range(len(grams_of)),
            key=lambda i: ((i + 1) * 2654435761 * (2 * epoch + 1)) % 2**32,
        )
        for start in range(0, len(order), BATCH):
            batch = order[start : start + BATCH]
            # The batch as a 0/1 matrix (phrasings × the n-grams they hold): both the scores
            # and the updates are then one matrix product each.
            rows = np.concatenate([grams_of[i] for i in batch])
            touched, position = np.unique(rows, return_inverse=True)
            holds = np.zeros((len(batch), len(touched)), dtype=np.float32)
            holds[np.repeat(np.arange(len(batch)), [len(grams_of[i]) for i in batch]), position] = 1
            scales = scale_of[batch][:, None]
            local = weights[touched]
            logits = (holds @ local) * scales + bias
            logits -= logits.max(axis=1, keepdims=True)
            errors = np.exp(logits)
            errors /= errors.sum(axis=1, keepdims=True)
            errors[np.arange(len(batch)), [entry_of[i] for i in batch]] -= 1
            errors *= step
            weights[touched] = local - holds.T @ (errors * scales)
            bias -= 0.1 * errors.sum(axis=0)
    return Chooser(columns, weights, bias)
