"""Free slots common to several people: their working hours (time tracking's work
schedules, else Mon–Fri 9:00–18:00 in each person's zone), minus absences, minus
the events they take part in (declined ones do not count)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.calendar import EventAttendee, EventOccurrenceAnswer
from models.teams import User
from models.timeman import Absence
from services import calendar
from services.access import Actor, get_team_user
from services.errors import N_, DomainError
from services.timeman import at_local
from services.timeman_schedules import schedule_of

Interval = tuple[datetime, datetime]
MAX_RANGE = timedelta(days=31)
MAX_PEOPLE = 10


def subtract(free: list[Interval], busy: Sequence[Interval]) -> list[Interval]:
    out = free
    for b_start, b_end in busy:
        nxt: list[Interval] = []
        for f_start, f_end in out:
            if b_end <= f_start or b_start >= f_end:
                nxt.append((f_start, f_end))
                continue
            if b_start > f_start:
                nxt.append((f_start, b_start))
            if b_end < f_end:
                nxt.append((b_end, f_end))
        out = nxt
    return out


def intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    for a_start, a_end in a:
        for b_start, b_end in b:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if start < end:
                out.append((start, end))
    return sorted(out)


async def working_time(
    session: AsyncSession, user: User, start: datetime, end: datetime
) -> list[Interval]:
    """The person's working hours in [start, end) by their schedule, days away left
    out. A night shift (22:00-06:00) is the date it starts on: the small hours of a
    date are the shift of the evening before, so the search starts a day earlier."""
    zone = ZoneInfo(user.timezone)
    schedule = await schedule_of(session, user)
    first, last = start.astimezone(zone).date() - timedelta(days=1), end.astimezone(zone).date()
    away = (
        await session.execute(
            select(Absence.first_day, Absence.last_day).where(
                Absence.user_id == user.id,
                Absence.last_day >= first,
                Absence.first_day <= last,
            )
        )
    ).all()
    out: list[Interval] = []
    day = first
    while day <= last:
        if schedule.works_on(day) and not any(a <= day <= b for a, b in away):
            out.append(
                (
                    at_local(day, schedule.start_minute, user.timezone),
                    at_local(day, schedule.end_minute, user.timezone),
                )
            )
        day += timedelta(days=1)
    return [(max(s, start), min(e, end)) for s, e in out if e > start and s < end]


async def busy_time(
    session: AsyncSession, actor: Actor, user: User, start: datetime, end: datetime
) -> list[Interval]:
    """When a person is taken: occurrences of events they organise or did not decline.
    All-day events leave the person free, as calendars keep them ("Home office",
    "Conference"); absences (/away) are what takes whole days.

    Only the times are used, so private events of others stay private."""
    attending = select(EventAttendee.event_id).where(
        EventAttendee.user_id == user.id, EventAttendee.status != "no"
    )
    # a declined series still takes the occurrences accepted one by one
    some = select(EventOccurrenceAnswer.series_id).where(
        EventOccurrenceAnswer.user_id == user.id, EventOccurrenceAnswer.status != "no"
    )
    occs = await calendar.occurrences_for(session, actor.team_id, attending.union(some), start, end)
    occs = await calendar.without_declined(session, user.id, occs)
    return [(o.starts_at, o.ends_at) for o in occs if not o.event.all_day]


async def free_slots(
    session: AsyncSession,
    actor: Actor,
    user_ids: Sequence[int],
    start: datetime,
    end: datetime,
    length: timedelta,
    now: datetime | None = None,
) -> list[Interval]:
    if length <= timedelta(0) or length > timedelta(hours=12):
        raise DomainError(N_("A slot lasts from a few minutes to 12 hours, for example 30m or 1h."))
    if end - start > MAX_RANGE:
        raise DomainError(N_("Look for slots within a month at most."))
    ids = list(dict.fromkeys([actor.user_id, *user_ids]))
    if len(ids) > MAX_PEOPLE:
        raise DomainError(N_("Find slots for at most {n} people at once."), n=MAX_PEOPLE)
    start = max(start, now or utcnow())
    common: list[Interval] | None = None
    for user_id in ids:
        user = await get_team_user(session, actor, user_id)
        free = subtract(
            await working_time(session, user, start, end),
            await busy_time(session, actor, user, start, end),
        )
        common = free if common is None else intersect(common, free)
    return [(s, e) for s, e in common or [] if e - s >= length]
