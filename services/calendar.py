"""Calendar: create, see, answer and invite to events; an event's occurrences. Who
answered what is services.calendar_answers', comments services.calendar_comments'.

Visibility: an event is seen by its organiser, its attendees and, for a group
event, the group's members. Changes are the organiser's (or a team admin's).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.calendar import Event, EventAttendee, EventOccurrenceAnswer
from models.groups import GroupMember
from models.teams import User
from services.access import (
    Actor,
    ensure_group_writable,
    get_readable_group,
    get_team_user,
    get_writable_group,
    member_group_ids,
)
from services.calendar_answers import without_declined
from services.calendar_draft import check_times, event_title
from services.calendar_recur import REPEATS, Occurrence, expand, key_to_time, occ_key
from services.errors import N_, DomainError, not_found
from services.parsing_days import whole_days

ANSWERS = ("yes", "no", "maybe")


def visible_events(actor: Actor) -> Any:
    """The condition an event row must meet to be seen by the actor. An extranet
    member sees a group's event only while in that group, whoever invited them."""
    attending = select(EventAttendee.event_id).where(EventAttendee.user_id == actor.user_id)
    in_groups = Event.group_id.in_(member_group_ids(actor))
    own = or_(
        Event.organizer_id == actor.user_id,
        Event.id.in_(attending),
        Event.parent_id.in_(attending),
        in_groups,
    )
    if actor.is_extranet:
        own = and_(own, or_(Event.group_id.is_(None), in_groups))
    return and_(Event.team_id == actor.team_id, own)


def seen_by(person: Any) -> ColumnElement[bool]:
    """The condition an event row meets when the person in the column `person` (an
    attendee's or the organiser's id) may still see it: the batch form of
    `visible_events` for the morning agenda and /today. An extranet member sees a
    group's event only while in that group."""
    outsider = select(User.id).where(User.id == person, User.role == "extranet")
    in_group = select(GroupMember.group_id).where(
        GroupMember.group_id == Event.group_id, GroupMember.user_id == person
    )
    return or_(Event.group_id.is_(None), ~outsider.exists(), in_group.exists())


async def _check_outsider(session: AsyncSession, user: User, group_id: int | None) -> None:
    """Refuse to invite an extranet member to an event of a group they are not in."""
    if (
        user.role == "extranet"
        and group_id is not None
        and await session.get(GroupMember, (group_id, user.id)) is None
    ):
        raise DomainError(
            N_("{person} is an extranet member and sees only their groups' events."),
            person=user.name,
        )


async def get_event(session: AsyncSession, actor: Actor, event_id: int) -> Event:
    event = (
        await session.execute(select(Event).where(Event.id == event_id, visible_events(actor)))
    ).scalar_one_or_none()
    if event is None:
        raise not_found()
    return event


def can_edit(actor: Actor, event: Event) -> bool:
    return event.organizer_id == actor.user_id or actor.is_admin and not actor.is_extranet


async def ensure_live(session: AsyncSession, event: Event) -> None:
    """Refuse to answer, invite to, move or cancel an event, or one occurrence of a
    series, that was cancelled (old buttons stay in chats)."""
    cancelled = event.cancelled
    if not cancelled and event.parent_id is not None:
        series = await session.get(Event, event.parent_id)
        cancelled = series is not None and series.cancelled
    if cancelled:
        raise DomainError(N_("This event was cancelled."))


async def get_event_to_change(session: AsyncSession, actor: Actor, event_id: int) -> Event:
    """An event the actor sees, to comment on, answer or change: refused while its
    group is archived."""
    event = await get_event(session, actor, event_id)
    await ensure_group_writable(session, actor, event.group_id)
    return event


async def get_live(session: AsyncSession, actor: Actor, event_id: int) -> Event:
    """An event the actor sees and that still takes place, to answer, invite to or
    change (get_event_to_change)."""
    event = await get_event_to_change(session, actor, event_id)
    await ensure_live(session, event)
    return event


async def get_editable(session: AsyncSession, actor: Actor, event_id: int) -> Event:
    event = await get_live(session, actor, event_id)
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
    all_day: bool = False,
) -> tuple[Event, list[User]]:
    """A new event; returns it and the invited people (the group's members included)."""
    title = event_title(title)
    check_times(starts_at, ends_at, all_day=all_day)
    if repeat not in REPEATS:
        raise DomainError(N_("Repeat daily, weekly or monthly."))
    if group_id is not None:
        await get_writable_group(session, actor, group_id)
        if actor.is_extranet or not actor.is_admin:
            if await session.get(GroupMember, (group_id, actor.user_id)) is None:
                raise DomainError(N_("Join the group first to plan its events."))
    invited: dict[int, User] = {}
    for user_id in attendee_ids:
        user = await get_team_user(session, actor, user_id)
        if user.id != actor.user_id and user.active:
            await _check_outsider(session, user, group_id)
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
    if all_day:  # whole days of the organiser's zone, midnight to midnight
        starts_at, ends_at = whole_days(starts_at, ends_at, actor.timezone)
    if repeat_until is not None and (repeat == "none" or repeat_until < starts_at):
        raise DomainError(
            N_("The series would end before its first meeting. Give a later end date.")
        )
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
        all_day=all_day,
    )
    session.add(event)
    await session.flush()
    session.add(EventAttendee(event_id=event.id, user_id=actor.user_id, status="yes"))
    for user in invited.values():
        session.add(EventAttendee(event_id=event.id, user_id=user.id, status="pending"))
    await session.flush()
    return event, list(invited.values())


async def answer(
    session: AsyncSession, actor: Actor, event_id: int, status: str, key: int | None = None
) -> Event:
    """Accept, decline or 'maybe' an invitation: for the whole series, or (`key`, a
    repeating event) for that one occurrence. An answer for the series replaces the
    person's answers for single occurrences of it."""
    if status not in ANSWERS:
        raise DomainError(N_("This button is out of date. Open the list again."))
    event = await get_live(session, actor, event_id)
    series_id = event.parent_id or event.id
    row = await session.get(EventAttendee, (series_id, actor.user_id))
    if row is None and event.group_id is None:
        raise not_found()
    if key is not None:
        occ = await get_occurrence(session, actor, series_id, key)
        if occ.recurring:
            one = await session.get(EventOccurrenceAnswer, (series_id, occ.key, actor.user_id))
            if one is None:
                one = EventOccurrenceAnswer(
                    series_id=series_id, occ_key=occ.key, user_id=actor.user_id
                )
                session.add(one)
            one.status = status
            one.answered_at = utcnow()
            if row is None:  # a group member answering: they take part from now on
                session.add(EventAttendee(event_id=series_id, user_id=actor.user_id))
            await session.flush()
            return event
    if row is None:
        row = EventAttendee(event_id=series_id, user_id=actor.user_id)
        session.add(row)
    row.status = status
    row.answered_at = utcnow()
    await session.execute(
        delete(EventOccurrenceAnswer).where(
            EventOccurrenceAnswer.series_id == series_id,
            EventOccurrenceAnswer.user_id == actor.user_id,
        )
    )
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
            [series], await overrides_of(session, [series.id]), now, now + timedelta(days=400)
        )
        if not coming:  # a series that is over, or starts more than a year ahead
            coming = expand(
                [series],
                await overrides_of(session, [series.id]),
                series.starts_at,
                series.starts_at + timedelta(days=400),
            )
        if coming:
            return coming[0]
        raise DomainError(N_("This occurrence was cancelled or moved. Open the agenda again."))
    moment = key_to_time(key)
    overrides = await overrides_of(session, [series.id])
    for row in overrides:  # moved, maybe far: look where it went
        if row.recurrence_id is not None and occ_key(row.recurrence_id) == key:
            moment = row.starts_at
    found = expand([series], overrides, moment - timedelta(days=15), moment + timedelta(days=15))
    for occ in found:
        if occ.key == key:
            return occ
    raise DomainError(N_("This occurrence was cancelled or moved. Open the agenda again."))


async def overrides_of(session: AsyncSession, series_ids: Sequence[int]) -> list[Event]:
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
    cond = [Event.team_id == actor.team_id, Event.parent_id.is_(None), visible_events(actor)]
    if group_id is not None:
        await get_readable_group(session, actor, group_id)
        cond.append(Event.group_id == group_id)
    else:
        mine = select(EventAttendee.event_id).where(EventAttendee.user_id == actor.user_id)
        coming = or_(
            Event.organizer_id == actor.user_id,
            Event.id.in_(mine),
            Event.group_id.in_(member_group_ids(actor)),
        )
        if not include_declined:
            # a declined series still counts for the occurrences accepted one by one
            mine = mine.where(EventAttendee.status != "no")
            some = select(EventOccurrenceAnswer.series_id).where(
                EventOccurrenceAnswer.user_id == actor.user_id,
                EventOccurrenceAnswer.status != "no",
            )
            coming = or_(
                Event.organizer_id == actor.user_id,
                Event.id.in_(mine),
                Event.id.in_(some),
                Event.group_id.in_(member_group_ids(actor)),
            )
        cond.append(coming)
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
    overrides = await overrides_of(session, [e.id for e in series])
    found = expand(series, overrides, start, end)
    if include_declined or group_id is not None:
        return found
    return await without_declined(session, actor.user_id, found)


async def invite(
    session: AsyncSession, actor: Actor, event_id: int, user_ids: Sequence[int]
) -> tuple[Event, list[User]]:
    """Invite more people to an event the actor sees (sharing it); returns the new ones."""
    event = await get_live(session, actor, event_id)
    series_id = event.parent_id or event.id
    added: list[User] = []
    for user_id in user_ids:
        user = await get_team_user(session, actor, user_id)
        if not user.active or await session.get(EventAttendee, (series_id, user.id)) is not None:
            continue
        await _check_outsider(session, user, event.group_id)
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
    overrides = await overrides_of(session, [e.id for e in series])
    return expand(series, overrides, start, end)
