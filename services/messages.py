"""Remember what a sent message shows; find it again when someone replies to it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models.messages import MessageRef


async def remember(
    session: AsyncSession, platform: str, chat_id: str, message_id: str, ref: str
) -> None:
    existing = await session.get(MessageRef, (platform, chat_id, message_id))
    if existing is None:
        session.add(MessageRef(platform=platform, chat_id=chat_id, message_id=message_id, ref=ref))
    else:
        existing.ref = ref
    await session.flush()


async def lookup(session: AsyncSession, platform: str, chat_id: str, message_id: str) -> str | None:
    row = await session.get(MessageRef, (platform, chat_id, message_id))
    return row.ref if row is not None else None
