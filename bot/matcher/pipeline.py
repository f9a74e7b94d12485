"""The Matcher: a visitor's question through the pipeline to a Match, in order.

1. Safety and intent first (spotters.py): emergency words always give the emergency entry; a
   request for a person is a ``handoff`` whatever else the question says.
2. The question is normalised (bot.text), stripped of fillers and turned into weighted tokens
   (analyzer.py).
3. The entries are ranked over the index (index.py) and the leaders re-scored; category cue
   words lift their category (score.py).
4. A question about a place the KB never mentions is declined (spotters.py); otherwise a
   threshold and a margin decide ``answer``, ``clarify`` or ``fallback`` (decide.py).

The index is built once, in the constructor; ``match`` has no side effect but reading, once,
the KB's answers when a question first names a place elsewhere (see spotters.Elsewhere).
"""

from __future__ import annotations

from bot.kb.loader import KnowledgeBase
from bot.kb.schema import Entry
from bot.matcher.analyzer import Fillers
from bot.matcher.config import MatcherConfig
from bot.matcher.decide import Decider, emergency, handoff
from bot.matcher.index import build_index
from bot.matcher.result import EMERGENCY_ENTRY, Match
from bot.matcher.score import CategoryCues, Scorer
from bot.matcher.spotters import Elsewhere, HandoffSpotter, PhraseSpotter
from bot.text import detect_language, normalize


class Matcher:
    """Matches questions to the entries of ``kb``; synchronous and pure once built."""

    def __init__(self, kb: KnowledgeBase, config: MatcherConfig | None = None) -> None:
        self.kb = kb
        self.config = config or MatcherConfig()
        self.entries: tuple[Entry, ...] = kb.entries
        intents = kb.intents
        self.emergency = PhraseSpotter(intents.emergency.all())
        self.has_emergency_entry = any(entry.id == EMERGENCY_ENTRY for entry in self.entries)
        self.handoff = HandoffSpotter(intents.handoff.all())
        self.home = PhraseSpotter(intents.home.all())
        places = [*intents.elsewhere.all(), *kb.places]
        self.index, self.analyzer = build_index(
            self.entries, self.config, kb.synonyms, Fillers(intents.fillers.all()), places
        )
        self.elsewhere = Elsewhere(
            self.index.places_unmentioned, self.index.is_kb_pair, self.entries
        )
        self.scorer = Scorer(self.index, self.analyzer, self.config)
        self.cues = CategoryCues(intents.category_cues, self.entries, self.config.cue_boost)
        self.decider = Decider([entry.id for entry in self.entries], self.config)

    def match(self, question: str) -> Match:
        lang = detect_language(question)
        normal = normalize(question)
        if self.has_emergency_entry and self.emergency.found_in(normal):
            return emergency(question, lang)
        if self.handoff.found_in(normal):
            return handoff(question, lang)
        scored = self.cues.lift(normal, self.scorer.rank(self.analyzer.strip_fillers(normal)))
        if self.elsewhere and not self.home.found_in(normal) and self.elsewhere.named_in(normal):
            # About a place the desk knows nothing of: the county's answer would mislead.
            return self.decider.decline(question, lang, scored)
        return self.decider.decide(question, lang, scored)

    def is_elsewhere(self, place: str) -> bool:
        """Whether the KB never mentions ``place`` (normalised): see spotters.Elsewhere."""
        return self.elsewhere.is_elsewhere(place)
