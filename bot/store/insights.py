"""The insights' anonymous daily totals: how many questions, answers, tickets … on each day.

A row says "on this day, ``count`` times ``metric`` happened on this channel, in this
language, with this detail, inside or outside office hours" and nothing else: no visitor, no
ticket number, no text. Rows are added in the transaction that records what they count (an
exchange in visitors.py, a ticket event in tickets.py), so a rolled-back event counts nothing
and a retried one is counted once; and no deletion touches them, so the report of a year ago
stays true after the visitors' records are gone (their /delete, retention).

Rows are only ever inserted, one per event, never incremented in place: an UPDATE of a shared
counter row would make every replica's inbox batch wait on the others' (and deadlock two
batches that count the same keys in another order). The hourly purge folds a past day's rows
into one per key (:func:`compact`), which also forgets the order the events came in.

Metrics and their detail:

- ``exchange``: one per message a visitor sent, detail = the desk's decision (answer,
  clarify, fallback, handoff, relayed, …; "picked" for an answer the visitor chose from a
  "did you mean" list);
- ``topic``: one per answer, detail = the knowledge-base entry answered;
- ``opened``: a ticket opened, detail = its reason, office = when it was opened;
- ``first_reply`` / ``closed``: a ticket's first staff answer / its closing, detail = how long
  after the opening, as a bucket (``le:<seconds>``), office = when it was opened;
- ``reopened``: an answered ticket the visitor wrote on again.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from bot.store import db
from bot.store.calendar import Calendar
from bot.store.staff import CLOSURE_FLAG
from bot.store.tables import daily_totals, flags, visitors
from bot.text import is_hangul, is_kana

EXCHANGE = "exchange"
TOPIC = "topic"
OPENED = "opened"
FIRST_REPLY = "first_reply"
CLOSED = "closed"
REOPENED = "reopened"
#: The detail of an answer chosen from a "did you mean" list (DESIGN.md: its stable choice id
#: ``entry:<id>`` is what the desk logs as the visitor's message).
PICKED = "picked"
_PICK_PREFIX = "entry:"

#: Upper bounds (seconds) of the buckets durations are counted in: a median is then read to
#: within a bucket (bot/staff/insights.py interpolates inside it).
DURATION_BOUNDS: tuple[int, ...] = (
    5 * 60,
    15 * 60,
    30 * 60,
    3600,
    2 * 3600,
    4 * 3600,
    8 * 3600,
    16 * 3600,
    24 * 3600,
    2 * 86400,
    3 * 86400,
    7 * 86400,
    14 * 86400,
)
OVERFLOW = "le:inf"
#: Days folded by one purge at most (a first run on a large, never-compacted table).
COMPACT_DAYS = 31

_KEY = ("day", "metric", "channel", "lang", "detail", "office")


def duration_bucket(seconds: float) -> str:
    for bound in DURATION_BOUNDS:
        if seconds <= bound:
            return f"le:{bound}"
    return OVERFLOW


@dataclass(frozen=True)
class Total:
    day: dt.date
    metric: str
    channel: str
    lang: str
    detail: str
    office: str
    count: int


def _text(value: str | None, length: int) -> str:
    return (value or "")[:length]


# Built once: it runs for every message a visitor sends (see db.insert_or_skip). The channel
# comes from the visitor's row in the same statement, so counting costs no extra round trip.
_COUNT_FOR_VISITOR = daily_totals.insert().from_select(
    ["day", "metric", "channel", "lang", "detail", "office", "count"],
    sa.select(
        sa.bindparam("count_day", type_=sa.Date),
        sa.bindparam("count_metric", type_=sa.String),
        visitors.c.channel,
        sa.bindparam("count_lang", type_=sa.String),
        sa.bindparam("count_detail", type_=sa.String),
        sa.literal("", sa.String),
        sa.literal(1, sa.Integer),
    ).where(visitors.c.id == sa.bindparam("count_visitor")),
)


def written_lang(text: str, answered_in: str) -> str:
    """The language a visitor wrote in, for the figures by partner language: Korean or
    Japanese when the text has Hangul or kana, even when the desk answered in another
    language (``answered_in``, which is counted otherwise)."""
    # Read as the desk reads scripts (bot/text.py); NFKC folds half-width katakana.
    folded = unicodedata.normalize("NFKC", text)
    if any(map(is_hangul, folded)):
        return "ko"
    if any(map(is_kana, folded)):
        return "ja"
    return answered_in


async def count_exchange(
    conn: db.DatabaseConnection,
    calendar: Calendar,
    visitor_id: int,
    at: dt.datetime,
    *,
    text: str,
    decision: str | None,
    entry_id: str | None,
    lang: str,
) -> None:
    """Count one message a visitor sent (and the topic it was answered with)."""
    detail = decision or ""
    if detail == "answer" and text.startswith(_PICK_PREFIX):
        detail = PICKED
    common = {
        "count_day": calendar.day(at),
        "count_lang": _text(written_lang(text, lang), 8),
        "count_visitor": visitor_id,
    }
    rows = [{**common, "count_metric": EXCHANGE, "count_detail": _text(detail, 80)}]
    if entry_id and decision == "answer":
        rows.append({**common, "count_metric": TOPIC, "count_detail": _text(entry_id, 80)})
    await conn.execute(_COUNT_FOR_VISITOR, rows)


async def count(
    conn: db.DatabaseConnection,
    calendar: Calendar,
    at: dt.datetime,
    metric: str,
    *,
    channel: str,
    lang: str,
    detail: str = "",
    office: str = "",
) -> None:
    await conn.execute(
        daily_totals.insert().values(
            day=calendar.day(at),
            metric=metric,
            channel=_text(channel, 16),
            lang=_text(lang, 8),
            detail=_text(detail, 80),
            office=office,
            count=1,
        )
    )


async def office_at(conn: db.DatabaseConnection, calendar: Calendar, at: dt.datetime) -> str:
    """ "in" or "out" of office hours at ``at`` (the staff's closure switch counts), or ""."""
    if calendar.office_open is None:
        return ""
    closed = (
        await conn.execute(sa.select(flags.c.value).where(flags.c.name == CLOSURE_FLAG))
    ).scalar_one_or_none()
    return calendar.office(at, closed == calendar.day(at).isoformat())


async def compact(conn: db.DatabaseConnection, before: dt.date) -> int:
    """Fold the rows of days before ``before`` into one per key; how many rows went.

    The rows folded are exactly those the DELETE returns, so a row another transaction adds
    meanwhile is neither lost nor counted twice.
    """
    key = [daily_totals.c[name] for name in _KEY]
    days = [
        row.day
        for row in await conn.execute(
            sa.select(daily_totals.c.day)
            .where(daily_totals.c.day < before)
            .group_by(*key)
            .having(sa.func.count() > 1)
            .distinct()
            .order_by(daily_totals.c.day)
            .limit(COMPACT_DAYS)
        )
    ]
    if not days:
        return 0
    deleted = await conn.execute(
        daily_totals.delete()
        .where(daily_totals.c.day.in_(days))
        .returning(*key, daily_totals.c.count)
    )
    sums: Counter[tuple[Any, ...]] = Counter()
    removed = 0
    for row in deleted:
        sums[tuple(row[:6])] += int(row._mapping["count"])
        removed += 1
    await conn.execute(
        daily_totals.insert(),
        [{**dict(zip(_KEY, values, strict=True)), "count": n} for values, n in sums.items()],
    )
    return removed - len(sums)


class InsightsStore(db.StoreBase):
    async def totals(self, first: dt.date, last: dt.date) -> list[Total]:
        """The counts of the days ``first`` to ``last`` (both included), one per key."""
        key = [daily_totals.c[name] for name in _KEY]
        async with self._read() as conn:
            rows = await conn.execute(
                sa.select(*key, sa.func.sum(daily_totals.c.count).label("total"))
                .where(daily_totals.c.day >= first, daily_totals.c.day <= last)
                .group_by(*key)
                .order_by(*key)
            )
            return [
                Total(
                    row.day,
                    row.metric,
                    row.channel,
                    row.lang,
                    row.detail,
                    row.office,
                    int(row.total),
                )
                for row in rows
            ]

    async def compact_totals(self, before: dt.date) -> int:
        async with self._write() as conn:
            return await compact(conn, before)


__all__ = [
    "CLOSED",
    "EXCHANGE",
    "FIRST_REPLY",
    "OPENED",
    "PICKED",
    "REOPENED",
    "TOPIC",
    "InsightsStore",
    "Total",
    "compact",
    "count",
    "count_exchange",
    "duration_bucket",
    "written_lang",
]
