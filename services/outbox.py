"""The outbox: notifications written in the same transaction as their cause."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.outbox import OutboxMessage
from models.teams import Identity
from services import reminders_stale


async def enqueue(
    session: AsyncSession,
    *,
    team_id: int,
    kind: str,
    payload: dict[str, Any],
    user_id: int | None = None,
    group_id: int | None = None,
    due_at: datetime | None = None,
    dedup_key: str | None = None,
) -> OutboxMessage | None:
    """Queue one message; with a dedup key, a second enqueue of the same key is a no-op."""
    if dedup_key is not None:
        exists = (
            await session.execute(
                select(OutboxMessage.id, OutboxMessage.status).where(
                    OutboxMessage.dedup_key == dedup_key
                )
            )
        ).first()
        if exists is not None:
            if exists[1] != "dropped":
                return None
            # a message called off before it went out does not hold its key
            await session.execute(delete(OutboxMessage).where(OutboxMessage.id == exists[0]))
    row = OutboxMessage(
        team_id=team_id,
        user_id=user_id,
        group_id=group_id,
        kind=kind,
        payload=payload,
        due_at=due_at or utcnow(),
        dedup_key=dedup_key,
    )
    session.add(row)
    await session.flush()
    return row


async def take_due_for_identity(
    session: AsyncSession, platform: str, external_id: str, *, limit: int = 50
) -> list[OutboxMessage]:
    """Due pending messages for one person on one platform, marked sent (console
    delivery); reminders no longer worth sending are dropped instead."""
    now = utcnow()
    rows = (
        (
            await session.execute(
                select(OutboxMessage)
                .join(Identity, Identity.user_id == OutboxMessage.user_id)
                .where(
                    Identity.platform == platform,
                    Identity.external_id == external_id,
                    OutboxMessage.status == "pending",
                    OutboxMessage.due_at <= now,
                )
                .order_by(OutboxMessage.due_at, OutboxMessage.id)
                .limit(limit)
            )
        )
        .scalars()
        .all()
    )
    rows = await reminders_stale.sift(session, rows, now)
    if rows:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([r.id for r in rows]))
            .values(status="sent", sent_at=now, attempts=OutboxMessage.attempts + 1)
        )
        await session.flush()
    return list(rows)
