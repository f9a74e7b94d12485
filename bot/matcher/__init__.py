"""Match a visitor's question to a knowledge-base entry, or decide that it should not be
answered. ``Matcher(kb).match(question)`` gives a ``Match``; docs/matcher.md describes the
method. The package, in the order a question goes through it:

- ``pipeline.py``: the Matcher, the steps in order;
- ``spotters.py``: emergencies, requests for a person, places elsewhere (``haystack.py``:
  whether the answers mention a place, by lookups);
- ``analyzer.py``: normalised text → weighted tokens (fillers, stems, typos, Chinese pieces);
- ``words.py``: stop words, particles, the stemmer, shared by all steps;
- ``index.py`` (and ``batch_tokens.py``, its tokeniser): the build, postings and idf;
- ``score.py``: BM25, coverage and fuzzy re-scoring, category cues;
- ``decide.py``: answer, clarify or fallback (``translated.py``: for Japanese and Korean);
- ``chooser.py``: a model of the entries' phrasings that settles a near-tie the scores offer;
- ``result.py`` and ``config.py``: the Match and the parameters.
"""

from bot.matcher.config import MatcherConfig
from bot.matcher.pipeline import Matcher
from bot.matcher.result import EMERGENCY_ENTRY, Decision, Match
from bot.matcher.spotters import is_person_request

__all__ = [
    "EMERGENCY_ENTRY",
    "Decision",
    "Match",
    "Matcher",
    "MatcherConfig",
    "is_person_request",
]
