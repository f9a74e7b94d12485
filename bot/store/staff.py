"""What the staff side keeps: staff accounts for the console, and the switches staff flip at
run time (the typhoon-day closure)."""

from __future__ import annotations

import sqlalchemy as sa

from bot.store import db
from bot.store.tables import flags, staff_accounts

#: The flag that closes the office for the day (its value: the local date it was set for).
CLOSURE_FLAG = "office_closed"


class StaffStore(db.StoreBase):
    # -- accounts --------------------------------------------------------------------------

    async def add_staff(self, name: str, password_hash: str) -> None:
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
                    .values(password_hash=password_hash)
                )

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
