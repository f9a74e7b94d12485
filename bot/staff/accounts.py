"""Staff accounts: argon2 password hashes in the database, the password rule, and login
throttling."""

from __future__ import annotations

import asyncio
import re
import time
from collections import defaultdict, deque

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.store import Store

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
#: Password checks (argon2: tens of milliseconds and 64 MiB each) running at once; more wait.
CONCURRENT_CHECKS = 2
#: A password that is one of these once the digits and symbols around it are taken off
#: ("Password123!", "hualien2026") is refused: the words tried first by anyone guessing.
COMMON_WORDS = frozenset(
    {
        "password",
        "passw0rd",
        "qwerty",
        "qwertyuiop",
        "asdfghjkl",
        "iloveyou",
        "admin",
        "administrator",
        "welcome",
        "letmein",
        "changeme",
        "secret",
        "trustno",
        "sunshine",
        "dragon",
        "monkey",
        "football",
        "baseball",
        "princess",
        "staff",
        "login",
        "hualien",
        "taiwan",
        "taipei",
    }
)
#: A password that is a stretch of one of these (forwards or backwards) is refused.
_SEQUENCES = (
    "01234567890123456789",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnm",
)
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_REPEATED = re.compile(r"(.+?)\1+", re.DOTALL)


def password_problem(password: str, name: str | None = None) -> str | None:
    """Why ``password`` is too easy to guess (for ``name``), or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"a staff password needs at least {MIN_PASSWORD_LENGTH} characters"
    folded = password.casefold()
    if len(set(folded)) < 4 or _REPEATED.fullmatch(folded):
        return "a staff password must not be a few characters repeated"
    if any(folded in sequence or folded in sequence[::-1] for sequence in _SEQUENCES):
        return "a staff password must not be a run of the keyboard or the alphabet"
    if _EDGES.sub("", folded) in COMMON_WORDS:
        return "a staff password must not be a common word with digits or symbols around it"
    if name is not None:
        # Parts of two letters ("Li") would refuse half the dictionary.
        parts = {*re.split(r"[\W_]+", name.casefold()), re.sub(r"[\W_]+", "", name.casefold())}
        if any(part in folded for part in parts if len(part) >= 3):
            return "a staff password must not contain the account's name"
    return None


def hash_password(password: str, name: str | None = None) -> str:
    problem = password_problem(password, name)
    if problem is not None:
        raise ValueError(problem)
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


async def verify(
    store: Store, name: str, password: str, *, gate: asyncio.Semaphore | None = None
) -> bool:
    """Whether ``password`` is the account's; a disabled account never signs in. ``gate``
    bounds how many checks run at once."""
    account = await store.staff_account(name)
    stored = account.password_hash if account is not None and not account.disabled else None
    if gate is None:
        # argon2 is deliberately slow (tens of ms): off the event loop, webhooks keep flowing.
        return await asyncio.to_thread(_check, stored, password)
    async with gate:
        return await asyncio.to_thread(_check, stored, password)


class LoginThrottle:
    """At most ``attempts`` sign-ins per name and per client address within ``window`` s,
    until one succeeds.

    An attempt is counted when it starts, before its password is checked: parallel guesses
    cannot all slip past the limit while the first ones are still being checked.
    """

    def __init__(self, attempts: int = 5, window: float = 900.0, max_keys: int = 10_000) -> None:
        self.max_keys = max_keys
        self.attempts = attempts
        self.window = window
        self._attempts: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str, now: float) -> deque[float]:
        attempts = self._attempts[key]
        while attempts and now - attempts[0] > self.window:
            attempts.popleft()
        return attempts

    def attempt(self, *keys: str) -> bool:
        """Count a sign-in attempt under every key; False (and not counted) when any key has
        used up its attempts."""
        now = time.monotonic()
        recent = [self._recent(key, now) for key in keys]
        if any(len(attempts) >= self.attempts for attempts in recent):
            return False
        for attempts in recent:
            attempts.append(now)
        if len(self._attempts) > self.max_keys:
            # Made-up names must not grow memory without bound: drop keys with no recent try.
            for key in [k for k in self._attempts if not self._recent(k, now)]:
                del self._attempts[key]
        return True

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._attempts.pop(key, None)
