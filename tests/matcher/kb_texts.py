"""The knowledge base's own texts, as the index build reads them (for the analyzer tests)."""

from __future__ import annotations

from bot.kb.loader import KnowledgeBase


def kb_texts(kb: KnowledgeBase) -> list[str]:
    return [
        text
        for entry in kb.entries
        for text in (*entry.questions.all(), *entry.keywords.all(), entry.title.zh_hant)
    ]
