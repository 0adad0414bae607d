"""Free slots common to several people: their working hours (time tracking's work
schedules, else Mon–Fri 9:00–18:00 in each person's zone), minus absences, minus
the events they take part in (declined ones do not count)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.calendar import EventAttendee, EventOccurrenceAnswer
from models.teams import User
from models.timeman import Absence, WorkSchedule
from services import calendar
from services.access import Actor, get_team_user
from services.errors import N_, DomainError

Interval = tuple[datetime, datetime]
DEFAULT_DAYS = "12345"
DEFAULT_HOURS = (9 * 60, 18 * 60)
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


async def _schedule(session: AsyncSession, user: User) -> tuple[str, int, int]:
    rows = (
        await session.execute(
            select(WorkSchedule).where(
                WorkSchedule.team_id == user.team_id,
                (WorkSchedule.user_id == user.id) | WorkSchedule.user_id.is_(None),
            )
        )
    ).scalars()
    found = sorted(rows, key=lambda s: s.user_id is None)  # the person's own first
    if found:
        return found[0].weekdays, found[0].start_minute, found[0].end_minute
    return DEFAULT_DAYS, *DEFAULT_HOURS


async def working_time(
    session: AsyncSession, user: User, start: datetime, end: datetime
) -> list[Interval]:
    zone = ZoneInfo(user.timezone)
    days, first_minute, last_minute = await _schedule(session, user)
    away = (
        await session.execute(
            select(Absence.first_day, Absence.last_day).where(
                Absence.user_id == user.id,
                Absence.last_day >= start.astimezone(zone).date() - timedelta(days=1),
                Absence.first_day <= end.astimezone(zone).date() + timedelta(days=1),
            )
        )
    ).all()
    out: list[Interval] = []
    day: date = start.astimezone(zone).date()
    while day <= end.astimezone(zone).date():
        if str(day.isoweekday()) in days and not any(a <= day <= b for a, b in away):
            opens = datetime.combine(day, time(first_minute // 60, first_minute % 60), zone)
            # a day to 24:00 (or through the night, "22:00-06:00") closes the next day
            closing_day = (
                day + timedelta(days=1)
                if last_minute <= first_minute or (last_minute >= 24 * 60)
                else day
            )
            last = last_minute % (24 * 60)
            closes = datetime.combine(closing_day, time(last // 60, last % 60), zone)
            out.append((opens.astimezone(UTC), closes.astimezone(UTC)))
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
