"""What the desk should say, computed from the knowledge base (so KB edits do not break tests)."""

from __future__ import annotations

from bot.answers import AnswerContext, render, title
from bot.kb.loader import KnowledgeBase
from bot.kb.schema import Geo, LocalizedText
from bot.settings import Settings
from bot.text import Lang
from tests.channels.conftest import NOW

STAFF_LABEL = {Lang.EN: "Ask staff", Lang.ZH_HANT: "詢問承辦人員", Lang.ZH_HANS: "询问承办人员"}


def answer_text(kb: KnowledgeBase, entry_id: str, lang: Lang, settings: Settings) -> str:
    today = NOW.astimezone(settings.tz).date()
    return render(kb, kb[entry_id], lang, AnswerContext.from_settings(settings, today))


def entry_options(kb: KnowledgeBase, entry_id: str, lang: Lang) -> list[tuple[str, str]]:
    """(label, choice) of the buttons under an answer: up to three related entries, then staff."""
    related = [r for r in kb[entry_id].related[:3] if kb.get(r) is not None]
    return [(title(kb[r], lang), f"entry:{r}") for r in related] + [(STAFF_LABEL[lang], "staff")]


def candidate_options(
    kb: KnowledgeBase, candidates: tuple[str, ...] | list[str], lang: Lang
) -> list[tuple[str, str]]:
    return [(title(kb[c], lang), f"entry:{c}") for c in candidates] + [(STAFF_LABEL[lang], "staff")]


def with_answer(kb: KnowledgeBase, entry_id: str, *, en: str, zh: str) -> KnowledgeBase:
    """A copy of ``kb`` whose entry ``entry_id`` answers with the given texts."""
    answer = LocalizedText.model_validate({"en": en, "zh-Hant": zh})
    entries = tuple(
        e.model_copy(update={"answer": answer}) if e.id == entry_id else e for e in kb.entries
    )
    return KnowledgeBase(entries=entries, synonyms=kb.synonyms, intents=kb.intents)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def line_label(text: str) -> str:
    """LINE action labels are at most 20 characters."""
    return text if len(text) <= 20 else text[:19] + "…"


def with_geo(kb: KnowledgeBase, entry_id: str, lat: float, lon: float) -> KnowledgeBase:
    """A copy of ``kb`` whose entry's first contact has coordinates."""
    geo = Geo(lat=lat, lon=lon)
    entries = tuple(
        e.model_copy(
            update={"contacts": [e.contacts[0].model_copy(update={"geo": geo}), *e.contacts[1:]]}
        )
        if e.id == entry_id
        else e
        for e in kb.entries
    )
    return KnowledgeBase(entries=entries, synonyms=kb.synonyms, intents=kb.intents)
