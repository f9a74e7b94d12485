"""What the staff side keeps: staff accounts for the console, and the switches staff flip at
run time (the typhoon-day closure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from bot.store import db
from bot.store.tables import flags, staff_accounts

#: The flag that closes the office for the day (its value: the local date it was set for).
CLOSURE_FLAG = "office_closed"


@dataclass(frozen=True)
class StaffAccount:
    name: str
    password_hash: str
    #: Every console session carries it; it moves on to end them all.
    session_epoch: int
    disabled: bool


class StaffStore(db.StoreBase):
    # -- accounts --------------------------------------------------------------------------

    async def add_staff(self, name: str, password_hash: str) -> None:
        """Create an account, or give an existing one a new password: that ends its sessions
        and enables it again if it was disabled."""
        async with self._write() as conn:
            existing = (
                await conn.execute(
                    sa.select(staff_accounts.c.id).where(staff_accounts.c.name == name)
                )
            ).first()
            if existing is None:
                await conn.execute(
                    staff_accounts.insert().values(
                        name=name, password_hash=password_hash, created_at=db.utcnow()
                    )
                )
            else:
                await conn.execute(
                    staff_accounts.update()
                    .where(staff_accounts.c.id == existing.id)
                    .values(
                        password_hash=password_hash,
                        session_epoch=staff_accounts.c.session_epoch + 1,
                        disabled_at=None,
                    )
                )

    async def staff_account(self, name: str) -> StaffAccount | None:
        async with self._read() as conn:
            row = (
                await conn.execute(
                    sa.select(
                        staff_accounts.c.name,
                        staff_accounts.c.password_hash,
                        staff_accounts.c.session_epoch,
                        staff_accounts.c.disabled_at,
                    ).where(staff_accounts.c.name == name)
                )
            ).first()
        if row is None:
            return None
        return StaffAccount(
            name=row.name,
            password_hash=row.password_hash,
            session_epoch=row.session_epoch,
            disabled=row.disabled_at is not None,
        )

    async def staff_names(self) -> list[str]:
        """The accounts that may sign in, by name (whom a ticket can be assigned to)."""
        async with self._read() as conn:
            rows = await conn.execute(
                sa.select(staff_accounts.c.name)
                .where(staff_accounts.c.disabled_at.is_(None))
                .order_by(staff_accounts.c.name)
            )
            return [str(row.name) for row in rows]

    async def end_staff_sessions(self, name: str, *, disable: bool = False) -> bool:
        """End every session of the account (and disable it); False if there is no such
        account."""
        values: dict[str, Any] = {"session_epoch": staff_accounts.c.session_epoch + 1}
        if disable:
            values["disabled_at"] = db.utcnow()
        async with self._write() as conn:
            result = await conn.execute(
                staff_accounts.update().where(staff_accounts.c.name == name).values(**values)
            )
        return bool(result.rowcount)

    async def staff_password_hash(self, name: str) -> str | None:
        async with self._read() as conn:
            value = (
                await conn.execute(
                    sa.select(staff_accounts.c.password_hash).where(staff_accounts.c.name == name)
                )
            ).scalar_one_or_none()
        return str(value) if value is not None else None

    # -- flags -----------------------------------------------------------------------------

    async def get_flag(self, name: str) -> str | None:
        async with self._read() as conn:
            value = (
                await conn.execute(sa.select(flags.c.value).where(flags.c.name == name))
            ).scalar_one_or_none()
        return str(value) if value is not None else None

    async def set_flag(self, name: str, value: str | None) -> None:
        async with self._write() as conn:
            await conn.execute(flags.delete().where(flags.c.name == name))
            if value is not None:
                await conn.execute(
                    flags.insert().values(name=name, value=value, updated_at=db.utcnow())
                )
