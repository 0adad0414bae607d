"""Incoming update deduplication: the first delivery of a key wins."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models.outbox import InboxKey


async def first_delivery(session: AsyncSession, platform: str, key: str) -> bool:
    """Record the key; False when it was already seen (a redelivery)."""
    if await session.scalar(
        select(InboxKey.key).where(InboxKey.platform == platform, InboxKey.key == key)
    ):
        return False
    try:
        async with session.begin_nested():
            session.add(InboxKey(platform=platform, key=key))
    except IntegrityError:
        return False
    return True
