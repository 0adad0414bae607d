"""Calendar: create, see, answer, move and cancel events; comments; reminders.

Visibility: an event is seen by its organiser, its attendees and, for a group
event, the group's members. Changes are the organiser's (or a team admin's).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.calendar import CalendarSettings, Event, EventAttendee, EventComment
from models.groups import GroupMember
from models.notifications import Notification
from models.outbox import OutboxMessage
from models.teams import User
from services.access import Actor, get_team_user, get_visible_group, member_group_ids
from services.calendar_parse import TITLE_MAX, check_times
from services.calendar_recur import REPEATS, Occurrence, expand, key_to_time, occ_key
from services.errors import N_, DomainError, not_found

ANSWERS = ("yes", "no", "maybe")
DEFAULT_REMIND = 15
REMIND_AHEAD = timedelta(days=14)  # reminders are queued this far ahead
REMIND_MAX = 20  # and at most this many occurrences of a series


def visible_events(actor: Actor) -> Any:
    """The condition an event row must meet to be seen by the actor."""
    attending = select(EventAttendee.event_id).where(EventAttendee.user_id == actor.user_id)
    own = or_(
        Event.organizer_id == actor.user_id,
        Event.id.in_(attending),
        Event.parent_id.in_(attending),
        Event.group_id.in_(member_group_ids(actor)),
    )
    return and_(Event.team_id == actor.team_id, own)


async def get_event(session: AsyncSession, actor: Actor, event_id: int) -> Event:
    event = (
        await session.execute(select(Event).where(Event.id == event_id, visible_events(actor)))
    ).scalar_one_or_none()
    if event is None:
        raise not_found()
    return event


def can_edit(actor: Actor, event: Event) -> bool:
    return event.organizer_id == actor.user_id or actor.is_admin and not actor.is_extranet


async def get_editable(session: AsyncSession, actor: Actor, event_id: int) -> Event:
    event = await get_event(session, actor, event_id)
    if not can_edit(actor, event):
        raise DomainError(N_("Only the organiser can change this event."))
    return event


async def create_event(
    session: AsyncSession,
    actor: Actor,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    attendee_ids: Sequence[int] = (),
    group_id: int | None = None,
    place: str = "",
    description: str = "",
    repeat: str = "none",
    weekdays: Sequence[int] = (),
    repeat_until: datetime | None = None,
) -> tuple[Event, list[User]]:
    """A new event; returns it and the invited people (the group's members included)."""
    title = " ".join(title.split())[:TITLE_MAX]
    if not title:
        raise DomainError(N_("What is the event called? Put its title first."))
    check_times(starts_at, ends_at)
    if repeat not in REPEATS:
        raise DomainError(N_("Repeat daily, weekly or monthly."))
    if group_id is not None:
        await get_visible_group(session, actor, group_id)
        if actor.is_extranet or not actor.is_admin:
            if await session.get(GroupMember, (group_id, actor.user_id)) is None:
                raise DomainError(N_("Join the group first to plan its events."))
    invited: dict[int, User] = {}
    for user_id in attendee_ids:
        user = await get_team_user(session, actor, user_id)
        if user.id != actor.user_id and user.active:
            invited[user.id] = user
    if group_id is not None:
        rows = await session.execute(
            select(User)
            .join(GroupMember, GroupMember.user_id == User.id)
            .where(GroupMember.group_id == group_id, User.active.is_(True))
        )
        for user in rows.scalars():
            if user.id != actor.user_id:
                invited[user.id] = user
    if any(not 0 <= d <= 6 for d in weekdays):
        raise DomainError(N_("Repeat daily, weekly or monthly."))
    if repeat == "weekly" and weekdays:
        # the first occurrence is the first chosen weekday from the given start
        zone = ZoneInfo(actor.timezone)
        shift = 0
        while (starts_at.astimezone(zone) + timedelta(days=shift)).weekday() not in weekdays:
            shift += 1
        length = ends_at - starts_at
        starts_at = (starts_at.astimezone(zone) + timedelta(days=shift)).astimezone(UTC)
        ends_at = starts_at + length
    event = Event(
        team_id=actor.team_id,
        group_id=group_id,
        organizer_id=actor.user_id,
        title=title,
        description=description.strip()[:4000],
        place=place.strip()[:300],
        starts_at=starts_at,
        ends_at=ends_at,
        repeat=repeat,
        weekdays=",".join(str(d) for d in sorted(set(weekdays))),
        repeat_until=repeat_until,
        timezone=actor.timezone,
    )
    session.add(event)
    await session.flush()
    session.add(EventAttendee(event_id=event.id, user_id=actor.user_id, status="yes"))
    for user in invited.values():
        session.add(EventAttendee(event_id=event.id, user_id=user.id, status="pending"))
    await session.flush()
    return event, list(invited.values())


async def attendees(session: AsyncSession, event: Event) -> list[tuple[User, str]]:
    series_id = event.parent_id or event.id
    rows = await session.execute(
        select(User, EventAttendee.status)
        .join(EventAttendee, EventAttendee.user_id == User.id)
        .where(EventAttendee.event_id == series_id)
        .order_by(User.name)
    )
    return [(u, s) for u, s in rows.all()]


async def my_answer(session: AsyncSession, actor: Actor, event: Event) -> str | None:
    row = await session.get(EventAttendee, (event.parent_id or event.id, actor.user_id))
    return row.status if row else None


async def answer(session: AsyncSession, actor: Actor, event_id: int, status: str) -> Event:
    """Accept, decline or 'maybe' an invitation (for the whole series)."""
    if status not in ANSWERS:
        raise DomainError(N_("This button is out of date. Open the list again."))
    event = await get_event(session, actor, event_id)
    series_id = event.parent_id or event.id
    row = await session.get(EventAttendee, (series_id, actor.user_id))
    if row is None:
        if event.group_id is None:
            raise not_found()
        row = EventAttendee(event_id=series_id, user_id=actor.user_id)
        session.add(row)
    row.status = status
    row.answered_at = utcnow()
    await session.flush()
    return event


async def get_occurrence(
    session: AsyncSession, actor: Actor, event_id: int, key: int | None
) -> Occurrence:
    """One occurrence of an event (key: its original start in epoch minutes)."""
    event = await get_event(session, actor, event_id)
    if event.parent_id is not None and event.recurrence_id is not None:
        if event.cancelled:
            raise DomainError(N_("This occurrence was cancelled or moved. Open the agenda again."))
        return Occurrence(
            event, event.parent_id, occ_key(event.recurrence_id), event.starts_at, event.ends_at
        )
    series = event
    if series.repeat == "none":
        return Occurrence(
            event, series.id, occ_key(event.starts_at), event.starts_at, event.ends_at
        )
    if key is None:
        now = utcnow()
        coming = expand(
            [series], await _overrides(session, [series.id]), now, now + timedelta(days=400)
        )
        if not coming:  # a series that is over, or starts more than a year ahead
            coming = expand(
                [series],
                await _overrides(session, [series.id]),
                series.starts_at,
                series.starts_at + timedelta(days=400),
            )
        if coming:
            return coming[0]
        raise DomainError(N_("This occurrence was cancelled or moved. Open the agenda again."))
    moment = key_to_time(key)
    overrides = await _overrides(session, [series.id])
    found = expand([series], overrides, moment - timedelta(days=15), moment + timedelta(days=15))
    for occ in found:
        if occ.key == key:
            return occ
    raise DomainError(N_("This occurrence was cancelled or moved. Open the agenda again."))


async def _overrides(session: AsyncSession, series_ids: Sequence[int]) -> list[Event]:
    if not series_ids:
        return []
    rows = await session.execute(select(Event).where(Event.parent_id.in_(series_ids)))
    return list(rows.scalars())


async def occurrences(
    session: AsyncSession,
    actor: Actor,
    start: datetime,
    end: datetime,
    *,
    group_id: int | None = None,
    include_declined: bool = True,
) -> list[Occurrence]:
    """Occurrences in [start, end) of the actor's own calendar, or of a group's calendar."""
    cond = [Event.team_id == actor.team_id, Event.parent_id.is_(None)]
    if group_id is not None:
        await get_visible_group(session, actor, group_id)
        cond.append(visible_events(actor))
        cond.append(Event.group_id == group_id)
    else:
        mine = select(EventAttendee.event_id).where(EventAttendee.user_id == actor.user_id)
        if not include_declined:
            mine = mine.where(EventAttendee.status != "no")
        cond.append(
            or_(
                Event.organizer_id == actor.user_id,
                Event.id.in_(mine),
                Event.group_id.in_(member_group_ids(actor)),
            )
        )
    cond.append(
        or_(
            and_(
                Event.repeat == "none",
                Event.starts_at < end,
                Event.ends_at > start - timedelta(days=15),
            ),
            and_(
                Event.repeat != "none",
                Event.starts_at < end,
                or_(Event.repeat_until.is_(None), Event.repeat_until >= start - timedelta(days=15)),
            ),
        )
    )
    series = list((await session.execute(select(Event).where(*cond))).scalars())
    overrides = await _overrides(session, [e.id for e in series])
    return expand(series, overrides, start, end)


# -- changes -----------------------------------------------------------------------------


async def move(
    session: AsyncSession, actor: Actor, event_id: int, key: int | None, new_start: datetime
) -> tuple[Event, Occurrence]:
    """Move an event, or one occurrence of a series (an override row), keeping its length."""
    event = await get_editable(session, actor, event_id)
    occ = await get_occurrence(session, actor, event.id, key)
    length = occ.ends_at - occ.starts_at
    check_times(new_start, new_start + length)
    target = await _override_for(session, occ)
    target.starts_at, target.ends_at = new_start, new_start + length
    target.updated_at = utcnow()
    await session.flush()
    return target, occ


async def _override_for(session: AsyncSession, occ: Occurrence) -> Event:
    """The row to change for this occurrence: the event itself, or a (new) override."""
    if not occ.recurring:
        return occ.event
    if occ.event.parent_id is not None:
        return occ.event
    series = occ.event
    row = Event(
        team_id=series.team_id,
        group_id=series.group_id,
        organizer_id=series.organizer_id,
        title=series.title,
        description=series.description,
        place=series.place,
        starts_at=occ.starts_at,
        ends_at=occ.ends_at,
        repeat="none",
        timezone=series.timezone,
        parent_id=series.id,
        recurrence_id=key_to_time(occ.key),
    )
    session.add(row)
    await session.flush()
    return row


async def cancel(
    session: AsyncSession, actor: Actor, event_id: int, key: int | None, whole: bool
) -> Event:
    """Cancel an event, a whole series, or one occurrence of it."""
    event = await get_editable(session, actor, event_id)
    if whole or (event.repeat == "none" and event.parent_id is None):
        target = event
        if event.parent_id is not None:
            parent = await session.get(Event, event.parent_id)
            target = parent or event
        target.cancelled = True
    else:
        occ = await get_occurrence(session, actor, event.id, key)
        target = await _override_for(session, occ)
        target.cancelled = True
    target.updated_at = utcnow()
    await session.flush()
    return target


async def add_comment(
    session: AsyncSession, actor: Actor, event_id: int, text: str
) -> tuple[Event, EventComment]:
    event = await get_event(session, actor, event_id)
    text = text.strip()
    if not text:
        raise DomainError(N_("Write the comment text."))
    comment = EventComment(
        event_id=event.parent_id or event.id, author_id=actor.user_id, text=text[:4000]
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


async def people_to_tell(
    session: AsyncSession, event: Event, *, skip_declined: bool = True
) -> list[int]:
    """Attendees (and the organiser) of an event's series."""
    series_id = event.parent_id or event.id
    query = select(EventAttendee.user_id).where(EventAttendee.event_id == series_id)
    if skip_declined:
        query = query.where(EventAttendee.status != "no")
    ids = set((await session.execute(query)).scalars())
    if event.organizer_id:
        ids.add(event.organizer_id)
    return sorted(ids)


# -- reminders ----------------------------------------------------------------------------


async def remind_minutes(session: AsyncSession, user_id: int) -> int:
    row = await session.get(CalendarSettings, user_id)
    return DEFAULT_REMIND if row is None else row.remind_minutes


async def set_remind_minutes(session: AsyncSession, actor: Actor, minutes: int) -> int:
    if minutes < 0 or minutes > 7 * 24 * 60:
        raise DomainError(N_("Give the minutes before an event, from 0 (no reminders) to 10080."))
    row = await session.get(CalendarSettings, actor.user_id)
    if row is None:
        row = CalendarSettings(user_id=actor.user_id, remind_minutes=minutes)
        session.add(row)
    row.remind_minutes = minutes
    await session.flush()
    return minutes


@dataclass(frozen=True, slots=True)
class DueReminder:
    user: User
    occurrence: Occurrence
    due_at: datetime
    dedup_key: str


async def due_reminders(
    session: AsyncSession, event: Event, now: datetime | None = None
) -> list[DueReminder]:
    """Reminders to queue for an event's coming occurrences (not yet past their time)."""
    now = now or utcnow()
    series = event
    if event.parent_id is not None:
        series = await session.get(Event, event.parent_id) or event
    if series.cancelled:
        return []
    overrides = await _overrides(session, [series.id])
    occs = expand([series], overrides, now, now + REMIND_AHEAD)[:REMIND_MAX]
    out: list[DueReminder] = []
    for user_id in await people_to_tell(session, series):
        user = await session.get(User, user_id)
        if user is None or not user.active:
            continue
        minutes = await remind_minutes(session, user_id)
        if minutes <= 0:
            continue
        for occ in occs:
            due = occ.starts_at - timedelta(minutes=minutes)
            if due < now:
                continue
            out.append(DueReminder(user, occ, due, f"event:{series.id}:{occ.key}:{user_id}"))
    return out


async def drop_reminders(session: AsyncSession, event: Event, now: datetime | None = None) -> None:
    """Forget the queued, not yet sent reminders of an event (before re-queuing them)."""
    now = now or utcnow()
    series_id = event.parent_id or event.id
    await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.dedup_key.like(f"event:{series_id}:%"),
            OutboxMessage.status == "pending",
            OutboxMessage.kind == "reminder",
        )
    )
    await session.execute(
        delete(Notification).where(
            Notification.kind == "reminder",
            Notification.ref == f"event:{series_id}",
            Notification.created_at > now,
        )
    )
    await session.flush()


async def invite(
    session: AsyncSession, actor: Actor, event_id: int, user_ids: Sequence[int]
) -> tuple[Event, list[User]]:
    """Invite more people to an event the actor sees (sharing it); returns the new ones."""
    event = await get_event(session, actor, event_id)
    series_id = event.parent_id or event.id
    added: list[User] = []
    for user_id in user_ids:
        user = await get_team_user(session, actor, user_id)
        if not user.active or await session.get(EventAttendee, (series_id, user.id)) is not None:
            continue
        session.add(EventAttendee(event_id=series_id, user_id=user.id, status="pending"))
        added.append(user)
    await session.flush()
    return event, added


async def occurrences_for(
    session: AsyncSession, team_id: int, event_ids: Any, start: datetime, end: datetime
) -> list[Occurrence]:
    """Occurrences of the given events (a subquery of ids) in a range, for free/busy."""
    series = list(
        (
            await session.execute(
                select(Event).where(
                    Event.team_id == team_id,
                    Event.parent_id.is_(None),
                    Event.id.in_(event_ids),
                    Event.starts_at < end,
                    or_(Event.repeat != "none", Event.ends_at > start),
                )
            )
        ).scalars()
    )
    overrides = await _overrides(session, [e.id for e in series])
    return expand(series, overrides, start, end)


async def live_series(session: AsyncSession, now: datetime | None = None) -> list[Event]:
    """Recurring series still running (for the reminder top-up tick)."""
    now = now or utcnow()
    rows = await session.execute(
        select(Event).where(
            Event.repeat != "none",
            Event.parent_id.is_(None),
            Event.cancelled.is_(False),
            Event.starts_at < now + REMIND_AHEAD,
            or_(Event.repeat_until.is_(None), Event.repeat_until >= now),
        )
    )
    return list(rows.scalars())


async def edit(
    session: AsyncSession,
    actor: Actor,
    event_id: int,
    *,
    title: str | None = None,
    place: str | None = None,
    description: str | None = None,
) -> tuple[Event, list[str]]:
    """Change an event's (or a whole series') title, place or description.

    Returns the event and the names of the fields that changed."""
    event = await get_editable(session, actor, event_id)
    if event.parent_id is not None:
        event = await session.get(Event, event.parent_id) or event
    changed: list[str] = []
    if title is not None:
        title = " ".join(title.split())[:TITLE_MAX]
        if not title:
            raise DomainError(N_("What is the event called? Put its title first."))
        if title != event.title:
            event.title, changed = title, [*changed, "title"]
    if place is not None and place.strip()[:300] != event.place:
        event.place, changed = place.strip()[:300], [*changed, "place"]
    if description is not None and description.strip()[:4000] != event.description:
        event.description = description.strip()[:4000]
        changed.append("description")
    if changed:
        event.updated_at = utcnow()
        overrides = await _overrides(session, [event.id])
        for row in overrides:  # single changed occurrences follow the series' texts
            row.title, row.place, row.description = event.title, event.place, event.description
    await session.flush()
    return event, changed
