"""What the matcher says about a question: a Match, whose Decision is answer, clarify,
fallback or handoff (the contract of ``python -m bot match``, docs/matcher.md)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.matcher.situations import Emergency
from bot.text import Lang

#: The entry an emergency always gets, whatever else the question says.
EMERGENCY_ENTRY = "contact.emergency"


class Decision(StrEnum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    FALLBACK = "fallback"
    HANDOFF = "handoff"


@dataclass(frozen=True)
class Match:
    question: str
    lang: Lang
    decision: Decision
    entry: str | None = None
    candidates: tuple[str, ...] = ()
    score: float = 0.0
    #: The question describes an emergency happening now: the desk also opens an urgent ticket.
    emergency: bool = False
    #: The emergency situations the question describes or asks about, most urgent first.
    situation: Emergency | None = None
    #: The best-scoring entries whatever the decision (for staff: "the bot's best guesses").
    guesses: tuple[tuple[str, float], ...] = ()
    #: Answered as a follow-up on the visitor's current topic, not on its own.
    in_context: bool = False
    #: How likely the emergency model (alarm.py) finds the message an emergency happening now
    #: (0 without an emergency entry): the desk says where to call before a worrying message's
    #: "did you mean" or apology.
    danger: float = 0.0

    def as_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "lang": self.lang.value,
            "decision": self.decision.value,
            "entry": self.entry,
            "candidates": list(self.candidates),
            "score": round(self.score, 4),
            **({"situation": self.situation.lead.value} if self.situation else {}),
        }
