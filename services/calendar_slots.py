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
from models.calendar import Event, EventAttendee, EventOccurrenceAnswer
from models.teams import User
from services import calendar
from services.access import Actor, get_team_user
from services.calendar_recur import Occurrence, expand
from services.errors import N_, DomainError
from services.timeman_clock import at_local
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
    out: list[Interval] = []
    day = first
    while day <= last:
        if schedule.works_on(day):  # not away, not a team's day off
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
    """When a person is taken (see taken). Only the times are used, so private events
    of others stay private."""
    return [
        (o.starts_at, o.ends_at)
        for o in (await taken(session, actor, [user.id], start, end))[user.id]
    ]


async def taken(
    session: AsyncSession, actor: Actor, user_ids: Sequence[int], start: datetime, end: datetime
) -> dict[int, list[Occurrence]]:
    """For each person, the occurrences in [start, end) that take their time: of events
    they organise or did not decline (a declined series still takes the dates accepted
    one by one). All-day events leave the person free, as calendars keep them ("Home
    office", "Conference"); absences (/away) are what takes whole days. The same few
    queries for any number of people."""
    ids = list(dict.fromkeys(user_ids))
    attending = select(EventAttendee.event_id).where(
        EventAttendee.user_id.in_(ids), EventAttendee.status != "no"
    )
    some = select(EventOccurrenceAnswer.series_id).where(
        EventOccurrenceAnswer.user_id.in_(ids), EventOccurrenceAnswer.status != "no"
    )
    found = await calendar.occurrences_for(
        session, actor.team_id, attending.union(some), start, end
    )
    occs = [o for o in found if not o.event.all_day]
    series_ids = {o.series_id for o in occs}
    out: dict[int, list[Occurrence]] = {user_id: [] for user_id in ids}
    if not series_ids:
        return out
    rows = await session.execute(
        select(EventAttendee.user_id, EventAttendee.event_id, EventAttendee.status).where(
            EventAttendee.user_id.in_(ids), EventAttendee.event_id.in_(series_ids)
        )
    )
    series_said = {(user_id, sid): status for user_id, sid, status in rows.all()}
    answers = await session.execute(
        select(
            EventOccurrenceAnswer.user_id,
            EventOccurrenceAnswer.series_id,
            EventOccurrenceAnswer.occ_key,
            EventOccurrenceAnswer.status,
        ).where(
            EventOccurrenceAnswer.user_id.in_(ids),
            EventOccurrenceAnswer.series_id.in_(series_ids),
        )
    )
    one_said = {(user_id, sid, key): status for user_id, sid, key, status in answers.all()}
    some_yes = {(user_id, sid) for (user_id, sid, _), status in one_said.items() if status != "no"}
    for user_id in ids:
        for occ in occs:
            said = series_said.get((user_id, occ.series_id))
            if said in (None, "no") and (user_id, occ.series_id) not in some_yes:
                continue  # not theirs
            own = one_said.get((user_id, occ.series_id, occ.key), "no" if said == "no" else "")
            if own != "no":
                out[user_id].append(occ)
    return out


# a new event is checked against what its people have on its first dates
CONFLICT_AHEAD = timedelta(days=14)
CONFLICT_DATES = 20


async def conflicts(
    session: AsyncSession, actor: Actor, event: Event, user_ids: Sequence[int]
) -> list[tuple[int, Occurrence, bool]]:
    """What the people of a new event (its organiser, its invitees) have at its time, on
    its first dates: (person, their occurrence, whether the actor takes part in it too
    and so may be told what it is)."""
    if event.all_day:
        return []  # an all-day event leaves people free (see taken)
    dates = expand([event], [], event.starts_at, event.starts_at + CONFLICT_AHEAD)
    dates = dates[:CONFLICT_DATES]
    if not dates:
        return []
    ids = list(dict.fromkeys([actor.user_id, *user_ids]))
    busy = await taken(session, actor, ids, dates[0].starts_at, dates[-1].ends_at)
    own = {(o.series_id, o.key) for o in busy[actor.user_id]}
    out: list[tuple[int, Occurrence, bool]] = []
    for user_id in ids:
        for occ in busy[user_id]:
            if occ.series_id != event.id and any(
                occ.starts_at < d.ends_at and d.starts_at < occ.ends_at for d in dates
            ):
                out.append((user_id, occ, (occ.series_id, occ.key) in own))
    return out


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
    people = [await get_team_user(session, actor, user_id) for user_id in ids]
    busy = await taken(session, actor, ids, start, end)
    common: list[Interval] | None = None
    for user in people:
        free = subtract(
            await working_time(session, user, start, end),
            [(o.starts_at, o.ends_at) for o in busy[user.id]],
        )
        common = free if common is None else intersect(common, free)
    return [(s, e) for s, e in common or [] if e - s >= length]


async def ensure_free(
    session: AsyncSession,
    actor: Actor,
    user_ids: Sequence[int],
    start: datetime,
    length: timedelta,
) -> None:
    """A slot about to be booked is still free for all of them (a booking since the
    list was shown, the same button pressed twice, a slot gone by)."""
    found = await free_slots(session, actor, user_ids, start, start + length, length)
    if not any(s <= start and start + length <= e for s, e in found):
        raise DomainError(
            N_("This slot is no longer free for everyone. Look again: /slots"),
        )
