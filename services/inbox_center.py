"""The notification centre's queries: a person's unread notifications, marking
them read. Settings (quiet hours, digest, muted kinds and items) are kept by
services.notifications, which applies them when notifying."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.notifications import Notification, NotificationMute
from services import reminders_stale
from services.access import Actor
from services.errors import not_found
from services.notifications import item_ref
from services.pagination import Page, paginate


def _mine(actor: Actor, now: datetime) -> list[Any]:
    # reminders are written ahead with their due time; they appear when due
    return [
        Notification.user_id == actor.user_id,
        Notification.team_id == actor.team_id,
        Notification.created_at <= now,
    ]


async def unread(
    session: AsyncSession,
    actor: Actor,
    *,
    page: int = 1,
    per_page: int = 8,
    now: datetime | None = None,
) -> Page[Notification]:
    query = (
        select(Notification)
        .where(*_mine(actor, now or utcnow()), Notification.read.is_(False))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return await paginate(session, query, page, per_page)


async def closed(session: AsyncSession, actor: Actor, rows: Sequence[Notification]) -> set[int]:
    """Ids of the notifications about an item the actor may no longer open: listed
    without their text, which quotes it."""
    refs = await reminders_stale.closed_refs(session, actor, [r.ref for r in rows if r.ref])
    return {r.id for r in rows if r.ref in refs}


async def unread_count(session: AsyncSession, actor: Actor) -> int:
    total = await session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(*_mine(actor, utcnow()), Notification.read.is_(False))
    )
    return int(total or 0)


async def get(session: AsyncSession, actor: Actor, notification_id: int) -> Notification:
    row = await session.get(Notification, notification_id)
    if row is None or row.user_id != actor.user_id or row.team_id != actor.team_id:
        raise not_found()
    return row


async def mark_read(session: AsyncSession, actor: Actor, notification_id: int) -> Notification:
    row = await get(session, actor, notification_id)
    row.read = True
    await session.flush()
    return row


async def mark_ref_read(session: AsyncSession, actor: Actor, ref: str) -> None:
    """Everything about one item is read once the person opened it (its comments too)."""
    item = item_ref(ref)
    await session.execute(
        update(Notification)
        .where(
            *_mine(actor, utcnow()),
            or_(Notification.ref == item, Notification.ref.startswith(item + ":")),
        )
        .values(read=True)
    )
    await session.flush()


async def mark_all_read(session: AsyncSession, actor: Actor) -> int:
    result = await session.execute(
        update(Notification)
        .where(*_mine(actor, utcnow()), Notification.read.is_(False))
        .values(read=True)
    )
    await session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


async def is_item_muted(session: AsyncSession, actor: Actor, ref: str) -> bool:
    return await session.get(NotificationMute, (actor.user_id, item_ref(ref))) is not None
