"""Incoming update deduplication: the first delivery of a key wins."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.db import insert_for
from models.hot import HotStatement
from models.outbox import InboxKey


def _insert(dialect: str) -> Any:
    insert = insert_for(dialect)
    return (
        insert(InboxKey)
        .values(platform=bindparam("platform"), key=bindparam("key"), created_at=bindparam("at"))
        .on_conflict_do_nothing(index_elements=["platform", "key"])
    )


# built once: every update runs this statement, and building it cost more than running it
_INSERTS = {name: HotStatement(_insert(name)) for name in ("postgresql", "sqlite")}


async def first_delivery(session: AsyncSession, platform: str, key: str) -> bool:
    """Record the key; False when it was already seen (a redelivery).

    One INSERT ... ON CONFLICT DO NOTHING: a concurrent delivery of the same key
    waits for the first transaction and then inserts nothing.
    """
    dialect = session.get_bind().dialect.name
    params = {"platform": platform, "key": key, "at": utcnow()}
    return bool(await _INSERTS[dialect].rowcount(session, params))
