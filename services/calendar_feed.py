"""What a person's or a group's calendar feed holds (the last 90 days onward, what the
reader declined left out), and the private subscription tokens that open it (only
their SHA-256 is stored); the iCalendar text itself: services.calendar_ics."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import db
from models.base import utcnow
from models.calendar import CalendarFeedToken, Event, EventAttendee, EventOccurrenceAnswer
from models.groups import Group, GroupMember
from models.teams import User
from services.access import Actor, get_readable_group
from services.calendar import visible_events
from services.calendar_answers import occurrence_answers
from services.calendar_ics import Entry, render
from services.calendar_recur import occ_key
from services.errors import DomainError

PAST = timedelta(days=90)


async def entries(
    session: AsyncSession, actor: Actor, group_id: int | None = None, now: datetime | None = None
) -> list[Entry]:
    """The events of the actor's own calendar (or of a group), the last 90 days onward."""
    since = (now or utcnow()) - PAST
    if group_id is not None:
        await get_readable_group(session, actor, group_id)
        if await session.get(GroupMember, (group_id, actor.user_id)) is None:
            return []  # a group's calendar is its members'
        scope = Event.group_id == group_id
    else:
        mine = select(EventAttendee.event_id).where(
            EventAttendee.user_id == actor.user_id, EventAttendee.status != "no"
        )
        scope = or_(Event.organizer_id == actor.user_id, Event.id.in_(mine))
    series = list(
        (
            await session.execute(
                select(Event).where(
                    Event.team_id == actor.team_id,
                    Event.parent_id.is_(None),
                    scope,
                    visible_events(actor),
                    or_(Event.repeat != "none", Event.ends_at >= since),
                    or_(Event.repeat_until.is_(None), Event.repeat_until >= since),
                    Event.cancelled.is_(False) | (Event.updated_at >= since),
                )
            )
        ).scalars()
    )
    only: dict[int, set[int]] = {}
    if group_id is None:  # series declined, with occurrences accepted one by one
        kept = await session.execute(
            select(EventOccurrenceAnswer.series_id, EventOccurrenceAnswer.occ_key).where(
                EventOccurrenceAnswer.user_id == actor.user_id,
                EventOccurrenceAnswer.status != "no",
            )
        )
        for series_id, key in kept.all():
            only.setdefault(series_id, set()).add(key)
        shown = {e.id for e in series}
        missing = [sid for sid in only if sid not in shown]
        if missing:
            series += list(
                (
                    await session.execute(
                        select(Event).where(
                            Event.team_id == actor.team_id,
                            Event.parent_id.is_(None),
                            Event.id.in_(missing),
                            Event.repeat != "none",
                            Event.cancelled.is_(False),
                        )
                    )
                ).scalars()
            )
        only = {sid: keys for sid, keys in only.items() if sid not in shown}
    ids = [e.id for e in series]
    rows = list(series)
    if ids:
        rows += list(
            (await session.execute(select(Event).where(Event.parent_id.in_(ids)))).scalars()
        )
    if only:  # an accepted occurrence cancelled since is not kept; nor a series left empty
        for row in rows:
            if row.parent_id in only and row.cancelled and row.recurrence_id is not None:
                only[row.parent_id].discard(occ_key(row.recurrence_id))
        gone = {sid for sid, keys in only.items() if not keys}
        rows = [row for row in rows if (row.parent_id or row.id) not in gone]
    people: dict[int, list[tuple[User, str]]] = {}
    if ids:
        found = await session.execute(
            select(EventAttendee.event_id, User, EventAttendee.status)
            .join(User, User.id == EventAttendee.user_id)
            .where(EventAttendee.event_id.in_(ids))
            .order_by(User.name)
        )
        for event_id, user, status in found.all():
            people.setdefault(event_id, []).append((user, status))
    declined: dict[int, set[int]] = {}
    if group_id is None:  # the reader's own calendar leaves out what they declined
        own = await occurrence_answers(session, actor.user_id, set(ids), status="no")
        for series_id, occ in own:
            declined.setdefault(series_id, set()).add(occ)
    out = []
    for row in rows:
        key = row.parent_id or row.id
        attendees = people.get(key, [])
        organizer = next((u for u, _ in attendees if u.id == row.organizer_id), None)
        out.append(
            Entry(
                row,
                organizer,
                attendees,
                frozenset(declined.get(key, ())),
                frozenset(only.get(key, ())),
            )
        )
    return out


async def calendar_name(session: AsyncSession, actor: Actor, group_id: int | None) -> str:
    if group_id is None:
        return actor.name
    group = await session.get(Group, group_id)
    return group.name if group else "Planerka"


# -- subscription tokens ------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def new_token(session: AsyncSession, actor: Actor, group_id: int | None = None) -> str:
    """A fresh secret for the actor's (or a group's) feed; the previous one stops working."""
    if group_id is not None:
        await get_readable_group(session, actor, group_id)
    await session.execute(
        delete(CalendarFeedToken).where(
            CalendarFeedToken.user_id == actor.user_id,
            CalendarFeedToken.group_id.is_(None)
            if group_id is None
            else CalendarFeedToken.group_id == group_id,
        )
    )
    token = secrets.token_urlsafe(24)
    session.add(
        CalendarFeedToken(
            team_id=actor.team_id, user_id=actor.user_id, group_id=group_id, token_hash=_hash(token)
        )
    )
    await session.flush()
    return token


async def by_token(session: AsyncSession, token: str) -> tuple[Actor, int | None] | None:
    """Whose feed a secret opens (as that person sees it now), or None."""
    if not token or len(token) > 100:
        return None
    row = (
        await session.execute(
            select(CalendarFeedToken).where(CalendarFeedToken.token_hash == _hash(token))
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    user = await db.get(session, User, row.user_id)
    if user is None or not user.active:
        return None
    return Actor.of(user), row.group_id


async def feed_text(session: AsyncSession, token: str, host: str = "planerka") -> str | None:
    found = await by_token(session, token)
    if found is None:
        return None
    actor, group_id = found
    try:
        rows = await entries(session, actor, group_id)
    except DomainError:  # the group is gone or no longer visible
        return None
    return render(rows, name=await calendar_name(session, actor, group_id), host=host)
