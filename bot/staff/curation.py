"""Unanswered questions become knowledge: the curators' report groups what the bot could not
answer (fallbacks, and "did you mean" questions the visitor left unresolved), and a group
becomes a draft knowledge-base entry for a curator to review.

Grouping. Each question is read as the matcher reads it (bot/text.py: width, case,
punctuation, Simplified Chinese as Traditional), its personal details left out (they are no
topic), and cut into terms (bot/matcher/words.py): English words without stop words ("the",
"can", "please"), plurals folded; Chinese as pairs of characters, cut at function characters
(的, 嗎, 可以 …). Two questions say the same thing when at least two terms are shared and
they make up ``OVERLAP`` (60%) of the shorter question's terms, or, for questions with fewer
terms than that, when rapidfuzz's ``token_set_ratio`` of their texts is at least
``SIMILARITY`` (80 of 100). Newest first, a question joins the group holding the most similar
question (of each group's first ``COMPARED``), else starts a group of its own. Groups are
listed most asked first.

Drafts. A group's questions, sorted by language (Hangul: ko; kana: ja; Simplified Chinese is
converted to Traditional, the knowledge base's own), with personal details removed
(bot/staff/redact.py), become the entry's questions; the answer is a staff member's answer to
a request the same visitors opened soon after asking, if there is one. The category and the
related entries are the bot's nearest entries for those questions. A draft never passes as
a reviewed entry: ``last_reviewed`` is left for the curator, and what else the schema still
misses is listed at the top of the file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import ValidationError
from rapidfuzz import fuzz

from bot.kb.loader import KnowledgeBase
from bot.kb.schema import Category, Entry, is_valid_entry_id
from bot.matcher import Matcher
from bot.matcher.words import EN_STOPWORDS, EN_WORD, HAN_RUNS, ZH_STOP_UNIGRAMS, stem
from bot.staff.redact import redact
from bot.store import UnansweredQuestion
from bot.text import Lang, detect_language, normalize_many, to_traditional

#: Short questions at least this similar (rapidfuzz token_set_ratio, 0-100) are one group.
SIMILARITY = 80
#: Questions whose shared terms make up this share of the shorter one's are one group.
OVERLAP = 0.6
#: Members of a group a new question is compared with (its first ones).
COMPARED = 3
_PLACEHOLDER = re.compile(r"\[(?:name|email|handle|ID number|phone|number|address)\]")
_ZH_STOPS = re.compile("[" + "".join(sorted(ZH_STOP_UNIGRAMS)) + "]")
VARIANTS_SHOWN = 5
#: Questions a draft takes from its group at most, per language.
DRAFT_QUESTIONS = 12
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class QuestionGroup:
    """Questions that say the same thing: one row of the curators' report."""

    question: str
    count: int
    last_seen: dt.datetime
    langs: tuple[str, ...]
    variants: tuple[str, ...]
    #: Every question of the group, newest first.
    members: tuple[UnansweredQuestion, ...] = ()

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(q.id for q in self.members)

    @property
    def key(self) -> int:
        """The group's handle in links: the id of its newest question."""
        return self.members[0].id if self.members else 0

    @property
    def kinds(self) -> dict[str, int]:
        """How many of its questions got no answer ("fallback") and how many were left
        unresolved after "did you mean" ("clarify")."""
        return dict(Counter(q.kind for q in self.members))

    def as_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "count": self.count,
            "last_seen": self.last_seen.isoformat(),
            "langs": list(self.langs),
            "variants": list(self.variants),
            "kinds": self.kinds,
            "ids": list(self.ids),
        }


@dataclass
class _Cluster:
    members: list[UnansweredQuestion] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)

    def group(self) -> QuestionGroup:
        texts = [q.text.strip() for q in self.members]
        # The representative: the most frequent wording (by its normalised form), newest text.
        counts = Counter(self.keys)
        first_at = {key: i for i, key in reversed(list(enumerate(self.keys)))}
        top = max(counts, key=lambda key: (counts[key], -first_at[key]))
        variants = [texts[first_at[key]] for key in counts if key != top]
        langs = Counter(detect_language(text).value for text in texts)
        return QuestionGroup(
            question=texts[first_at[top]],
            count=len(texts),
            last_seen=max(q.created_at for q in self.members),
            langs=tuple(lang for lang, _ in langs.most_common()),
            variants=tuple(variants[:VARIANTS_SHOWN]),
            members=tuple(self.members),
        )


def terms(normal: str) -> frozenset[str]:
    """The terms of a normalised question: English words but stop words, plurals folded;
    Chinese character pairs within the runs between function characters (a lone character
    counts alone)."""
    found: set[str] = set()
    for word in EN_WORD.findall(normal):
        if word not in EN_STOPWORDS:
            found.add(stem(word))
    for run in HAN_RUNS.findall(normal):
        for piece in _ZH_STOPS.split(run):
            if len(piece) == 1:
                found.add(piece)
            found.update(piece[i : i + 2] for i in range(len(piece) - 1))
    return frozenset(found)


@dataclass(frozen=True)
class _Read:
    key: str
    terms: frozenset[str]


def similarity(a: _Read, b: _Read) -> float:
    """0-100: the share of the shorter question's terms the two share (two at least), or
    for short questions rapidfuzz's token_set_ratio of their texts."""
    shared = len(a.terms & b.terms)
    overlap = 100 * shared / min(len(a.terms), len(b.terms)) if shared >= 2 else 0.0
    if overlap >= 100 * OVERLAP:
        return overlap
    ratio = fuzz.token_set_ratio(a.key, b.key)
    return ratio if ratio >= SIMILARITY else 0.0


def group_questions(questions: Sequence[UnansweredQuestion]) -> list[QuestionGroup]:
    """Greedy grouping (see the module's docstring); most asked first."""
    texts = [_PLACEHOLDER.sub(" ", redact(q.text)) for q in questions]
    keys = normalize_many(texts)
    clusters: list[_Cluster] = []
    reads: list[list[_Read]] = []
    for question, normal in zip(questions, keys, strict=True):
        key = normal or question.text.strip()
        if not key:
            continue
        read = _Read(key, terms(key))
        best, best_score = None, 0.0
        for n, members in enumerate(reads):
            score = max(similarity(read, member) for member in members)
            if score > best_score:
                best, best_score = n, score
        if best is None:
            clusters.append(_Cluster())
            reads.append([])
            best = len(clusters) - 1
        cluster = clusters[best]
        cluster.members.append(question)
        cluster.keys.append(key)
        if len(reads[best]) < COMPARED:
            reads[best].append(read)
    groups = [cluster.group() for cluster in clusters]
    groups.sort(key=lambda g: (-g.count, -g.last_seen.timestamp()))
    return groups


def group_of(groups: Iterable[QuestionGroup], message_id: int) -> QuestionGroup | None:
    return next((g for g in groups if message_id in g.ids), None)


# -- drafts ------------------------------------------------------------------------------------


def draft_lang(text: str) -> str:
    """The knowledge-base language a question is written in: ko, ja, en or zh-Hant (a
    Simplified Chinese question is filed as zh-Hant, converted)."""
    if _HANGUL.search(text):
        return "ko"
    if _KANA.search(text):
        return "ja"
    lang = detect_language(text)
    return Lang.EN.value if lang is Lang.EN else Lang.ZH_HANT.value


def _as_authored(text: str, lang: str) -> str:
    return to_traditional(text) if lang == Lang.ZH_HANT.value else text


@dataclass(frozen=True)
class Answer:
    """A staff answer to use as the draft's answer: its language (a ticket's) and text."""

    lang: str
    text: str


@dataclass(frozen=True)
class Draft:
    entry_id: str
    text: str
    #: What the entry still lacks before it is valid (the schema's messages), for the curator.
    problems: tuple[str, ...]
    data: dict[str, Any]


def _slug(texts: Sequence[str]) -> str:
    for text in texts:
        words = _WORD.findall(text.lower())
        if words:
            return "-".join(words[:6])
    return ""


def _entry_id(category: str, texts: Sequence[str], fallback: int, kb: KnowledgeBase) -> str:
    """``<category>.draft-<words of the first English question>`` (or of the group's number),
    not taken by an entry of the knowledge base."""
    base = f"{category}.draft-{_slug(texts) or fallback}"
    if not is_valid_entry_id(base):
        base = f"{category}.draft-{fallback}"
    entry_id, n = base, 2
    while kb.get(entry_id) is not None:
        entry_id, n = f"{base}-{n}", n + 1
    return entry_id


def _nearest(matcher: Matcher, texts: Sequence[str]) -> tuple[str, list[str]]:
    """The category most of the bot's best guesses share (faq when they have none), and the
    entries guessed most often (at most three), for the curator to check."""
    guessed: Counter[str] = Counter()
    for text in texts[:DRAFT_QUESTIONS]:
        match = matcher.match(text)
        for entry_id in (*match.candidates, *(g for g, _ in match.guesses[:3])):
            guessed[entry_id] += 1
    categories = Counter(entry_id.split(".", 1)[0] for entry_id in guessed.elements())
    known = {c.value for c in Category}
    category = next((c for c, _ in categories.most_common() if c in known), Category.FAQ.value)
    return category, [entry_id for entry_id, _ in guessed.most_common(3)]


def _problems(data: dict[str, Any]) -> tuple[str, ...]:
    try:
        Entry.model_validate(data)
    except ValidationError as exc:
        return tuple(
            " ".join(f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}".split())
            for error in exc.errors()
        )
    return ()


def draft_entry(
    group: QuestionGroup,
    *,
    kb: KnowledgeBase,
    matcher: Matcher,
    answer: Answer | None,
    names: Iterable[str],
    today: dt.date,
) -> Draft:
    """A draft knowledge-base entry from ``group`` (see the module's docstring)."""
    known = list(names)
    questions: dict[str, list[str]] = {}
    seen: set[str] = set()
    for member in group.members:
        text = " ".join(redact(member.text.strip(), known).split())
        lang = draft_lang(text)
        text = _as_authored(text, lang)
        key = text.casefold()
        if not text or key in seen or len(questions.get(lang, [])) >= DRAFT_QUESTIONS:
            continue
        seen.add(key)
        questions.setdefault(lang, []).append(text)
    order = ("zh-Hant", "en", "ja", "ko")
    questions = {lang: questions[lang] for lang in order if lang in questions}
    all_texts = [text for texts in questions.values() for text in texts]
    category, related = _nearest(matcher, all_texts)
    entry_id = _entry_id(category, questions.get("en", []), group.key, kb)
    data: dict[str, Any] = {"id": entry_id, "category": category}
    titles = {lang: texts[0] for lang, texts in questions.items() if lang in ("zh-Hant", "en")}
    if titles:
        data["title"] = titles
    data["questions"] = questions
    if answer is not None:
        lang = answer.lang if answer.lang in order else draft_lang(answer.text)
        if lang == Lang.ZH_HANS.value:
            lang = Lang.ZH_HANT.value
        text = _as_authored(redact(answer.text.strip(), known), lang)
        data["answer"] = {lang: text}
        if lang in ("ja", "ko"):
            data["translated"] = {lang: True}
    if related:
        data["related"] = related
    problems = _problems(data)
    header = [
        "# DRAFT knowledge-base entry: not part of the knowledge base until a curator has",
        "# checked and completed it and moved it into knowledge/*.yaml (then: python -m bot kb",
        "# check; python -m bot kb reload). Names, phone numbers, e-mail and postal addresses",
        "# and ID numbers were removed ([name], [phone] …); facts come only from eval/topics.yaml.",
        f"# Made {today.isoformat()} in the staff console from a group of {group.count} "
        "unanswered question(s);",
        "# the category and related entries are the bot's nearest guesses.",
    ]
    if "answer" in data:
        header.append("# The answer is a staff member's reply to one of these visitors.")
    if problems:
        header.append("# Still to do before it is a valid entry:")
        header.extend(f"#   - {problem}" for problem in problems)
    body = yaml.safe_dump({"entries": [data]}, allow_unicode=True, sort_keys=False, width=100)
    return Draft(entry_id, "\n".join(header) + "\n" + body, problems, data)


__all__ = [
    "OVERLAP",
    "SIMILARITY",
    "Answer",
    "Draft",
    "QuestionGroup",
    "draft_entry",
    "draft_lang",
    "group_of",
    "group_questions",
]
