"""Canned answers: a knowledge-base entry's answer, in the visitor's language, for staff to put
into the reply box (and change before sending).

English, Traditional and Simplified Chinese are what the bot itself would send (bot/answers.py:
placeholders filled, Simplified through OpenCC). Japanese and Korean are the entry's own
translations where it has them (marked translated until a curator checked them), English
otherwise.
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
    if lang in ("ja", "ko"):
        written = entry.answer.exact(lang)
        if written is not None:
            return written.replace("{{office_hours}}", context.office_hours(Lang.EN)).replace(
                "{{retention_days}}", str(context.retention_days)
            )
        lang = Lang.EN.value
    try:
        visitor = Lang(lang)
    except ValueError:
        visitor = Lang.EN
    return render(kb, entry, visitor, context)


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


__all__ = ["CANNED_LANGS", "Choice", "canned_lang", "canned_text", "choices"]
