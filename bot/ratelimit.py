"""Flood control, in memory: a token bucket per (channel, visitor), and budgets per client
address for the web chat.

A visitor who floods gets one polite notice per flood; the bot stays quiet for them until the
bucket refills, and other visitors are unaffected. Their messages are still recorded.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from enum import Enum


class Verdict(Enum):
    ALLOW = "allow"
    NOTIFY = "notify"  # the first message over the limit: tell the visitor once
    DROP = "drop"  # further messages in the same flood


@dataclass
class _Bucket:
    tokens: float
    updated: float
    notified: bool = False


class VisitorRateLimit:
    def __init__(
        self, burst: int = 12, per_minute: float = 20.0, max_visitors: int = 50_000
    ) -> None:
        self.burst = burst
        self.rate = per_minute / 60.0
        self.max_visitors = max_visitors
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def check(self, key: str, now: float | None = None) -> Verdict:
        now = time.monotonic() if now is None else now
        self._forget_refilled(now)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = _Bucket(float(self.burst), now)
            self._buckets[key] = bucket
            if len(self._buckets) > self.max_visitors:
                self._buckets.popitem(last=False)  # the visitor quiet the longest
        self._buckets.move_to_end(key)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.notified = False
            return Verdict.ALLOW
        if bucket.notified:
            return Verdict.DROP
        bucket.notified = True
        return Verdict.NOTIFY

    def _forget_refilled(self, now: float) -> None:
        """Drop the buckets of visitors quiet long enough to be full again: a full bucket
        is the same as none, so memory follows the visitors of the last minute or so, not
        everyone ever seen. The oldest-touched come first, so this stops at the first one
        still refilling."""
        refilled_after = self.burst / self.rate
        while self._buckets:
            oldest = next(iter(self._buckets.values()))
            if now - oldest.updated < refilled_after:
                return
            self._buckets.popitem(last=False)


class AddressBudget:
    """So many per period for each key (a client address): a token bucket holding ``amount``,
    refilled evenly over ``period`` seconds, in memory (per process)."""

    def __init__(self, amount: int, period: float, max_keys: int = 100_000) -> None:
        self.amount = amount
        self.rate = amount / period
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def _bucket(self, key: str, now: float) -> _Bucket:
        self._forget_full(now)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = _Bucket(float(self.amount), now)
            self._buckets[key] = bucket
            if len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        self._buckets.move_to_end(key)
        bucket.tokens = min(self.amount, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        return bucket

    def take(self, key: str, now: float | None = None) -> bool:
        """Spend one; False (nothing spent) when the budget is used up."""
        bucket = self._bucket(key, time.monotonic() if now is None else now)
        if bucket.tokens < 1.0:
            return False
        bucket.tokens -= 1.0
        return True

    def give_back(self, key: str, now: float | None = None) -> None:
        """Return one taken for something that did not happen after all."""
        bucket = self._bucket(key, time.monotonic() if now is None else now)
        bucket.tokens = min(float(self.amount), bucket.tokens + 1.0)

    def _forget_full(self, now: float) -> None:
        # A bucket that has refilled is the same as none: memory follows the recent clients.
        refilled_after = self.amount / self.rate
        while self._buckets:
            oldest = next(iter(self._buckets.values()))
            if now - oldest.updated < refilled_after:
                return
            self._buckets.popitem(last=False)
