"""Staff accounts: argon2 password hashes in the database, and login throttling."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.store import Store

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a staff password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def _check(stored: str | None, password: str) -> bool:
    if stored is None:
        # Same work as a real check, so response time does not reveal which names exist.
        _hasher.hash(password)
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


async def verify(store: Store, name: str, password: str) -> bool:
    stored = await store.staff_password_hash(name)
    # argon2 is deliberately slow (tens of ms): off the event loop, webhooks keep flowing.
    return await asyncio.to_thread(_check, stored, password)


class LoginThrottle:
    """At most ``attempts`` failed logins per name and per client address within ``window`` s."""

    def __init__(self, attempts: int = 5, window: float = 900.0, max_keys: int = 10_000) -> None:
        self.max_keys = max_keys
        self.attempts = attempts
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and now - failures[0] > self.window:
            failures.popleft()
        return failures

    def blocked(self, *keys: str) -> bool:
        now = time.monotonic()
        return any(len(self._recent(key, now)) >= self.attempts for key in keys)

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        for key in keys:
            self._recent(key, now).append(now)
        if len(self._failures) > self.max_keys:
            # Made-up names must not grow memory without bound: drop keys with no recent failure.
            for key in [k for k, v in self._failures.items() if not self._recent(k, now)]:
                del self._failures[key]

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)
