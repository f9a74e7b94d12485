"""The published knowledge base (bot/kb/live.py) on SQLite and PostgreSQL: stored whole,
published once, and publishers racing each other (replicas on SIGHUP, a ``kb reload``) leave
one consistent knowledge base, never an error."""

from __future__ import annotations

import asyncio
import json

from bot.kb import live
from bot.matcher import Matcher
from bot.store import Store
from tests.conftest import KNOWLEDGE_DIR


def _variant(text: str) -> live.Knowledge:
    """The real knowledge base with faq.thanks' English answer ending in ``text``."""
    files = live.read_files(KNOWLEDGE_DIR)
    files["faq.yaml"] = files["faq.yaml"].replace("Enjoy Hualien.", f"Enjoy Hualien. {text}", 1)
    knowledge = live.build(files, "test")
    assert isinstance(knowledge.matcher, Matcher)
    return knowledge


async def test_published_files_come_back_whole_and_once(store: Store) -> None:
    knowledge = _variant("(one)")
    assert await live.publish(store, knowledge) is True
    assert await live.publish(store, knowledge) is False  # the same files: nothing written
    assert await store.get_flag(live.DIGEST_FLAG) == knowledge.digest
    assert await live.published_files(store) == knowledge.files
    history = json.loads(await store.get_flag(live.HISTORY_FLAG) or "[]")
    assert history == [knowledge.digest]


async def test_racing_publishers_leave_one_consistent_knowledge_base(store: Store) -> None:
    variants = [_variant(f"(racer {n})") for n in range(4)]
    results = await asyncio.gather(
        *(live.publish(store, k) for k in variants for _ in range(2)), return_exceptions=True
    )
    assert not [r for r in results if isinstance(r, BaseException)], results
    digest = await store.get_flag(live.DIGEST_FLAG)
    files = await live.published_files(store)
    assert files is not None
    # The digest read on every poll matches the files stored beside it.
    assert live.digest_of(files) == digest
    assert digest in {k.digest for k in variants}
