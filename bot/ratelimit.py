"""Per-visitor flood control: a token bucket per (channel, visitor), in memory.

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
