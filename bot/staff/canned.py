"""Canned answers: a knowledge-base entry's answer, in the visitor's language, for staff to put
into the reply box (and change before sending).

Every language is what the bot itself would send (bot/answers.py: placeholders filled,
Simplified through OpenCC; Japanese and Korean the entry's own translations with the note that
they are translations until a curator checked them, English where the entry has none).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answers import AnswerContext, render, title
from bot.kb.loader import KnowledgeBase
from bot.kb.schema import Category, Entry
from bot.text import Lang

#: The languages staff can pick a canned answer in, with their names.
CANNED_LANGS = {
    Lang.ZH_HANT.value: "繁體中文",
    Lang.EN.value: "English",
    Lang.ZH_HANS.value: "简体中文",
    "ja": "日本語",
    "ko": "한국어",
}
_CATEGORY_LABELS = {
    Category.EXCHANGE: "Exchange 交流",
    Category.CONTACT: "Contacts 聯絡",
    Category.SERVICE: "Services 服務",
    Category.EVENT: "Events 活動",
    Category.FAQ: "FAQ 常見問題",
}


@dataclass(frozen=True)
class Choice:
    entry_id: str
    label: str


def canned_lang(lang: str) -> str:
    """The canned-answer language for a visitor's language (English for one we have none in)."""
    return lang if lang in CANNED_LANGS else Lang.EN.value


def canned_text(kb: KnowledgeBase, entry: Entry, lang: str, context: AnswerContext) -> str:
    """``entry``'s answer as the bot would send it to a visitor of ``lang``: a Japanese or
    Korean one with the note that it is a translation while the entry is marked so."""
    try:
        visitor = Lang(lang)
    except ValueError:
        visitor = Lang.EN
    return render(kb, entry, visitor, context)


@dataclass(frozen=True)
class Topic:
    """The topic the bot matched a request to, for staff: its titles in Chinese and English
    and the languages its answer can be inserted in (the visitor's first)."""

    entry_id: str
    zh: str
    en: str
    #: (language, label) pairs; a translation not yet checked by a curator says so.
    answers: tuple[tuple[str, str], ...]


def matched_topic(kb: KnowledgeBase, guesses: tuple[str, ...], visitor_lang: str) -> Topic | None:
    """The bot's best guess for a request, or None when it had none that still exists."""
    entry = next((kb[g] for g in guesses if kb.get(g) is not None), None)
    if entry is None:
        return None
    langs = [canned_lang(visitor_lang), Lang.ZH_HANT.value, Lang.EN.value]
    answers: list[tuple[str, str]] = []
    for lang in dict.fromkeys(langs):
        label = CANNED_LANGS[lang]
        if lang in ("ja", "ko"):
            if entry.answer.exact(lang) is None:
                continue  # the bot would send English: the English button is there
            if entry.is_translated(lang):
                label += " (translated 翻譯)"
        answers.append((lang, label))
    return Topic(entry.id, title(entry, Lang.ZH_HANT), title(entry, Lang.EN), tuple(answers))


def choices(kb: KnowledgeBase, suggested: tuple[str, ...] = ()) -> list[tuple[str, list[Choice]]]:
    """The entries to pick from, by category; the bot's guesses for the request first."""

    def choice(entry: Entry) -> Choice:
        return Choice(entry.id, f"{title(entry, Lang.EN)} · {title(entry, Lang.ZH_HANT)}")

    groups: list[tuple[str, list[Choice]]] = []
    guessed = [kb[entry_id] for entry_id in suggested if kb.get(entry_id) is not None]
    if guessed:
        groups.append(("The bot's guesses 系統猜測", [choice(e) for e in guessed]))
    for category, label in _CATEGORY_LABELS.items():
        entries = sorted(
            (e for e in kb.entries if e.category is category), key=lambda e: title(e, Lang.EN)
        )
        if entries:
            groups.append((label, [choice(e) for e in entries]))
    return groups


__all__ = [
    "CANNED_LANGS",
    "Choice",
    "Topic",
    "canned_lang",
    "canned_text",
    "choices",
    "matched_topic",
]
