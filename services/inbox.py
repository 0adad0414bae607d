"""Incoming update deduplication: the first delivery of a key wins."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.outbox import InboxKey


async def first_delivery(session: AsyncSession, platform: str, key: str) -> bool:
    """Record the key; False when it was already seen (a redelivery).

    One INSERT ... ON CONFLICT DO NOTHING: a concurrent delivery of the same key
    waits for the first transaction and then inserts nothing.
    """
    dialect = session.get_bind().dialect.name
    insert: Any = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(InboxKey)
        .values(platform=platform, key=key, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["platform", "key"])
    )
    result = await session.execute(statement)
    return bool(getattr(result, "rowcount", 0))
