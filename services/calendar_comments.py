"""Comments on events: adding one (refused while the event's group is archived), the
latest few for its card, and all of them a page at a time."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.calendar import Event, EventComment
from models.teams import User
from services.access import Actor
from services.calendar import get_event, get_event_to_change
from services.errors import N_, DomainError
from services.pagination import Page, paginate_rows


async def add_comment(
    session: AsyncSession, actor: Actor, event_id: int, text: str
) -> tuple[Event, EventComment]:
    event = await get_event_to_change(session, actor, event_id)
    text = text.strip()
    if not text:
        raise DomainError(N_("Write the comment text."))
    comment = EventComment(
        event_id=event.parent_id or event.id, author_id=actor.user_id, text=text[:2000]
    )
    session.add(comment)
    await session.flush()
    return event, comment


async def comments(
    session: AsyncSession, actor: Actor, event_id: int, limit: int = 5
) -> list[tuple[EventComment, str]]:
    event = await get_event(session, actor, event_id)
    rows = await session.execute(
        select(EventComment, User.name)
        .outerjoin(User, User.id == EventComment.author_id)
        .where(EventComment.event_id == (event.parent_id or event.id))
        .order_by(EventComment.created_at.desc(), EventComment.id.desc())
        .limit(limit)
    )
    return [(c, n or "?") for c, n in reversed(rows.all())]


async def comment_page(
    session: AsyncSession, actor: Actor, event_id: int, page: int, per_page: int
) -> tuple[Event, Page[tuple[EventComment, str]]]:
    """All comments of an event, oldest first, one page."""
    event = await get_event(session, actor, event_id)
    query = (
        select(EventComment, User.name)
        .outerjoin(User, User.id == EventComment.author_id)
        .where(EventComment.event_id == (event.parent_id or event.id))
        .order_by(EventComment.created_at, EventComment.id)
    )
    found = await paginate_rows(session, query, page, per_page)
    return event, replace(found, items=[(c, n or "?") for c, n in found.items])
