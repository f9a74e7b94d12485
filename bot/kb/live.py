"""The knowledge base a running server answers from, replaced without a restart.

Curators edit ``knowledge/`` and run ``python -m bot kb reload`` (or send a server SIGHUP). The
files are read into memory and validated first: a broken file changes nothing, and the error
names the file, the entry and the field. A valid set is *published*: stored in the database,
files and all, under the SHA-256 of their contents. Every server looks at that digest every
``KNOWLEDGE_POLL_SECONDS`` and, when it changed, validates the stored files itself and swaps
its knowledge base and matcher in place. So every replica answers from the same files, whatever
copy of ``knowledge/`` its own container holds, and one that restarts finds them again.

At start-up a server answers from its own files, then settles with the database:

- the database holds none yet, or these very files: it publishes them (a no-op when the same);
- its files were never published before (a new image, files edited before a restart): it
  publishes them, so the newest deployment wins;
- its files were published once and the database now holds others (a replica restarted on an
  older image after a curator's ``kb reload``): it takes the database's.

The store's ``flags`` (small named values) hold the published knowledge base, so no schema
change is needed: the digest alone (read on every poll), the files as JSON (read only when the
digest changed), and the digests published so far (for the start-up rule above).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import hashlib
import json
import logging
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError

from bot.errors import KnowledgeBaseError
from bot.kb.loader import KnowledgeBase, Problem, check
from bot.matcher import Matcher

if TYPE_CHECKING:
    from bot.store import Store

logger = logging.getLogger(__name__)

DIGEST_FLAG = "knowledge_base.digest"
FILES_FLAG = "knowledge_base.files"
HISTORY_FLAG = "knowledge_base.history"
#: Digests remembered as published; older ones may be published again at a start-up.
HISTORY_LENGTH = 200
#: A publish racing another (replicas on SIGHUP at once, a kb reload) is tried again this
#: often, after a short random pause: the store's set_flag is a delete and an insert, and on
#: PostgreSQL two of them at once end in a unique violation for one.
PUBLISH_ATTEMPTS = 10


@dataclass(frozen=True)
class Knowledge:
    """A validated knowledge base, its matcher, and the files it was built from."""

    kb: KnowledgeBase
    matcher: Matcher
    #: SHA-256 of the files (hex); None for a knowledge base handed over in code (tests).
    digest: str | None
    files: dict[str, str]

    @property
    def version(self) -> str:
        """Short form of the digest, as logs and ``/readyz`` show it."""
        return self.digest[:12] if self.digest else "built-in"

    @classmethod
    def given(cls, kb: KnowledgeBase) -> Knowledge:
        return cls(kb, Matcher(kb), None, {})


class InvalidKnowledge(KnowledgeBaseError):
    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        listing = "\n".join(f"  {problem}" for problem in problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"knowledge base from {source} is invalid:\n{listing}{more}")


def read_files(directory: Path) -> dict[str, str]:
    """The knowledge files (``*.yaml``, as the loader reads them) by name, as text."""
    if not directory.is_dir():
        raise InvalidKnowledge(
            str(directory), [Problem(str(directory), None, "knowledge directory does not exist")]
        )
    files: dict[str, str] = {}
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            files[path.name] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(path.name, None, f"cannot read: {exc}"))
    if problems:
        raise InvalidKnowledge(str(directory), problems)
    return files


def digest_of(files: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        for part in (name, files[name]):
            data = part.encode("utf-8")
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)
    return digest.hexdigest()


def build(files: dict[str, str], source: str, *, settle_near_ties: bool = True) -> Knowledge:
    """Validate ``files`` and build their matcher; :class:`InvalidKnowledge` lists every
    problem (file, entry id, field) when they are not a usable knowledge base.

    A server passes ``settle_near_ties=False`` and trains the matcher's chooser after the
    swap (:meth:`LiveKnowledge.learn`): the build a reload waits for stays a fraction of a
    second, the chooser's training takes some 1.5 s more.
    """
    with tempfile.TemporaryDirectory(prefix="desk-kb-") as scratch:
        directory = Path(scratch)
        for name, text in files.items():
            if Path(name).name != name or not name.endswith(".yaml"):
                raise InvalidKnowledge(source, [Problem(name, None, "not a knowledge file name")])
            (directory / name).write_text(text, encoding="utf-8")
        kb, problems = check(directory)
    # The loader names a missing directory or an empty one by its path: here, a scratch one.
    problems = [
        Problem(source, p.entry_id, p.message) if p.file == scratch else p for p in problems
    ]
    if problems or kb is None:
        raise InvalidKnowledge(source, problems)
    matcher = Matcher(kb, settle_near_ties=settle_near_ties)
    return Knowledge(kb, matcher, digest_of(files), dict(files))


def load_directory(directory: Path, *, settle_near_ties: bool = True) -> Knowledge:
    knowledge = build(read_files(directory), str(directory), settle_near_ties=settle_near_ties)
    logger.info(
        "knowledge base %s loaded: %d entries from %s",
        knowledge.version,
        len(knowledge.kb),
        directory,
    )
    return knowledge


async def _history(store: Store) -> list[str]:
    raw = await store.get_flag(HISTORY_FLAG)
    try:
        value = json.loads(raw) if raw else []
    except ValueError:
        return []
    return [str(item) for item in value] if isinstance(value, list) else []


async def publish(store: Store, knowledge: Knowledge) -> bool:
    """Make ``knowledge`` the one every server answers from; False when it already was."""
    assert knowledge.digest is not None, "a knowledge base given in code has no files"
    for attempt in range(1, PUBLISH_ATTEMPTS + 1):
        try:
            async with store.unit_of_work():
                if await store.get_flag(DIGEST_FLAG) == knowledge.digest:
                    return False
                history = [d for d in await _history(store) if d != knowledge.digest]
                history = [*history, knowledge.digest][-HISTORY_LENGTH:]
                stored = {
                    "digest": knowledge.digest,
                    "published_at": dt.datetime.now(dt.UTC).isoformat(),
                    "entries": len(knowledge.kb),
                    "files": knowledge.files,
                }
                await store.set_flag(FILES_FLAG, json.dumps(stored, ensure_ascii=False))
                await store.set_flag(HISTORY_FLAG, json.dumps(history))
                # Last: a server that sees the new digest finds the files already there.
                await store.set_flag(DIGEST_FLAG, knowledge.digest)
        except IntegrityError:
            # Another publisher wrote the same flags in between (PostgreSQL); look again.
            if attempt == PUBLISH_ATTEMPTS:
                raise
            logger.info("knowledge base publish raced another one; trying again")
            await asyncio.sleep(random.uniform(0, 0.02 * attempt))  # noqa: S311 - jitter
            continue
        logger.info(
            "knowledge base %s published (%d entries)", knowledge.version, len(knowledge.kb)
        )
        return True
    return False  # pragma: no cover - the loop returns or raises


async def published_files(store: Store) -> dict[str, str] | None:
    raw = await store.get_flag(FILES_FLAG)
    if raw is None:
        return None
    stored = json.loads(raw)
    files = stored.get("files") if isinstance(stored, dict) else None
    if not isinstance(files, dict):
        return None
    return {str(name): str(text) for name, text in files.items()}


def settle_long_lived() -> None:
    """Take the objects alive now (the knowledge base and its matcher, the app) out of the
    garbage collector's scans. They live until the next swap, and a full collection walking
    them stalls whatever question is being answered: some 600 ms with a 10,000-entry KB.

    Frozen objects are still freed by reference counting once nothing holds them (neither
    a knowledge base nor its matcher is held in a reference cycle: tests/test_kb_reload.py);
    only cyclic garbage alive at this moment stays, a few objects per reload.
    """
    gc.freeze()


class LiveKnowledge:
    """The server's current :class:`Knowledge`, swapped in place when a new one is published.

    ``on_swap`` hands the new knowledge base and matcher to whatever answers from them (the
    desk); it runs in the event loop, between two of its steps, so no answer sees half a swap
    begin.
    """

    def __init__(self, initial: Knowledge, on_swap: Callable[[Knowledge], None]) -> None:
        self.current = initial
        self._on_swap = on_swap
        #: A published digest this server could not use: not tried again until it changes.
        self._refused: str | None = None
        self._lock = asyncio.Lock()
        #: The chooser's training for the current matcher, run in a worker thread (held here:
        #: the event loop keeps only a weak reference to a task).
        self._learning: asyncio.Future[None] | None = None
        settle_long_lived()

    def learn(self) -> None:
        """Train the current matcher's chooser in a worker thread, unless it has one (the
        server calls this at start-up; every swap calls it). Near-ties are offered as choices
        until it is done."""
        matcher = self.current.matcher
        self._learning = (
            asyncio.ensure_future(self._learn(matcher)) if matcher.chooser is None else None
        )

    async def finish_learning(self) -> None:
        """Wait for a training under way (at shutdown: a worker thread cannot be cancelled)."""
        if self._learning is not None:
            await self._learning

    @staticmethod
    async def _learn(matcher: Matcher) -> None:
        try:
            await asyncio.to_thread(matcher.learn_to_settle_near_ties)
        except Exception:
            logger.exception("near-ties stay choices: their chooser could not be trained")

    @property
    def live(self) -> bool:
        """False for a knowledge base handed over in code: nothing to publish or follow."""
        return self.current.digest is not None

    def _swap(self, knowledge: Knowledge, why: str) -> None:
        previous = self.current
        self.current = knowledge
        self._on_swap(knowledge)
        self.learn()
        settle_long_lived()
        logger.info(
            "knowledge base swapped without a restart (%s): %s → %s, %d entries",
            why,
            previous.version,
            knowledge.version,
            len(knowledge.kb),
        )

    async def settle(self, store: Store) -> None:
        """At start-up: publish this server's files, or take the database's (module doc)."""
        if not self.live:
            return
        published = await store.get_flag(DIGEST_FLAG)
        if published == self.current.digest:
            return
        if published is None or self.current.digest not in await _history(store):
            await publish(store, self.current)
            return
        logger.info(
            "this server's knowledge files (%s) were replaced by a later publish; following it",
            self.current.version,
        )
        await self.follow(store)

    async def follow(self, store: Store) -> bool:
        """Take up the published knowledge base if it changed; True when swapped."""
        if not self.live:
            return False
        async with self._lock:
            published = await store.get_flag(DIGEST_FLAG)
            if published in (None, self.current.digest, self._refused):
                return False
            files = await published_files(store)
            if files is None:
                return False
            try:
                knowledge = await asyncio.to_thread(
                    build, files, "the database", settle_near_ties=False
                )
            except KnowledgeBaseError as exc:
                # Published by another version of the desk whose schema differs, say: keep
                # answering from what works, and say why once.
                self._refused = published
                logger.error(
                    "published knowledge base not taken up, keeping %s: %s",
                    self.current.version,
                    exc,
                )
                return False
            self._swap(knowledge, "published in the database")
            return True

    async def reload(self, directory: Path, store: Store) -> Knowledge:
        """Read ``directory`` again (SIGHUP); publish and swap when valid and changed.

        Raises :class:`bot.errors.KnowledgeBaseError` naming every problem when the files are
        not valid: the current knowledge base stays.
        """
        async with self._lock:
            files = await asyncio.to_thread(read_files, directory)
            if digest_of(files) == self.current.digest:
                knowledge = self.current
            else:
                knowledge = await asyncio.to_thread(
                    build, files, str(directory), settle_near_ties=False
                )
            await publish(store, knowledge)
            if knowledge is self.current:
                logger.info("knowledge files unchanged (%s)", knowledge.version)
            else:
                self._swap(knowledge, f"reloaded from {directory}")
            return knowledge

    async def poll(self, store: Store, seconds: float) -> None:
        """Follow publishes for ever, every ``seconds`` (a task of the server's)."""
        while True:
            await asyncio.sleep(seconds)
            try:
                await self.follow(store)
            except Exception:
                logger.warning("could not look for a new knowledge base", exc_info=True)
