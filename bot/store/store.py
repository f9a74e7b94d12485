"""The async Store: one small interface over SQLAlchemy Core, the same on every backend."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.store.tables import messages, metadata, processed_events, visitors

logger = logging.getLogger(__name__)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class VisitorState:
    visitor_id: int
    lang_choice: str | None
    last_options: tuple[str, ...]


class Store:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @classmethod
    async def open(cls, url: str) -> Store:
        sa_url = sa.make_url(url)
        if sa_url.get_backend_name() == "sqlite" and sa_url.database not in (None, "", ":memory:"):
            Path(sa_url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(sa_url, pool_pre_ping=True)
        store = cls(engine)
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
        logger.info("store ready on %s", sa_url.render_as_string(hide_password=True))
        return store

    async def close(self) -> None:
        await self.engine.dispose()

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(sa.text("SELECT 1"))
        except Exception:
            logger.warning("database ping failed", exc_info=True)
            return False
        return True

    async def visitor(
        self, channel: str, user_id: str, display_name: str | None = None
    ) -> VisitorState:
        """The visitor's state, creating the visitor on first contact."""
        async with self.engine.begin() as conn:
            row = (
                await conn.execute(
                    sa.select(visitors.c.id, visitors.c.lang_choice, visitors.c.last_options).where(
                        visitors.c.channel == channel, visitors.c.user_id == user_id
                    )
                )
            ).first()
            if row is None:
                now = _now()
                try:
                    result = await conn.execute(
                        visitors.insert().values(
                            channel=channel,
                            user_id=user_id,
                            display_name=display_name,
                            last_options="[]",
                            created_at=now,
                            updated_at=now,
                        )
                    )
                except IntegrityError:
                    # Another request created the same visitor at the same moment.
                    return await self.visitor(channel, user_id, display_name)
                pk = result.inserted_primary_key
                assert pk is not None
                return VisitorState(int(pk[0]), None, ())
            return VisitorState(int(row.id), row.lang_choice, tuple(json.loads(row.last_options)))

    async def update_visitor(
        self,
        visitor_id: int,
        *,
        last_lang: str,
        last_options: tuple[str, ...],
        lang_choice: str | None = None,
        clear_lang_choice: bool = False,
    ) -> None:
        values: dict[str, object] = {
            "last_lang": last_lang,
            "last_options": json.dumps(list(last_options)),
            "updated_at": _now(),
        }
        if lang_choice is not None or clear_lang_choice:
            values["lang_choice"] = lang_choice
        async with self.engine.begin() as conn:
            await conn.execute(
                visitors.update().where(visitors.c.id == visitor_id).values(**values)
            )

    async def log_message(
        self,
        visitor_id: int,
        direction: str,
        text: str,
        decision: str | None = None,
        entry_id: str | None = None,
    ) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                messages.insert().values(
                    visitor_id=visitor_id,
                    direction=direction,
                    text=text,
                    decision=decision,
                    entry_id=entry_id,
                    created_at=_now(),
                )
            )

    async def first_delivery(self, channel: str, event_id: str) -> bool:
        """Record an event id; False when it was already recorded (a redelivery)."""
        try:
            async with self.engine.begin() as conn:
                await conn.execute(
                    processed_events.insert().values(
                        channel=channel, event_id=event_id, received_at=_now()
                    )
                )
        except IntegrityError:
            return False
        return True

    async def message_count(self, visitor_id: int) -> int:
        async with self.engine.connect() as conn:
            result = await conn.execute(
                sa.select(sa.func.count())
                .select_from(messages)
                .where(messages.c.visitor_id == visitor_id)
            )
            return int(result.scalar_one())
