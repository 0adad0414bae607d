"""Notify a person: a row in their notification centre and a message in the outbox,
both in the transaction of the change that causes them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models.notifications import Notification
from models.teams import User
from services import outbox


async def notify(
    session: AsyncSession,
    user: User,
    *,
    kind: str,
    payload: dict[str, Any],
    ref: str | None = None,
    dedup_key: str | None = None,
    due_at: datetime | None = None,
) -> Notification | None:
    """Record the notification and queue its message; inactive people get nothing."""
    if not user.active:
        return None
    row = Notification(team_id=user.team_id, user_id=user.id, kind=kind, ref=ref, payload=payload)
    session.add(row)
    await outbox.enqueue(
        session,
        team_id=user.team_id,
        user_id=user.id,
        kind=kind,
        payload=payload,
        dedup_key=dedup_key,
        due_at=due_at,
    )
    await session.flush()
    return row
