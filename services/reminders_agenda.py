"""The agenda a morning "my day" message shows: the person's tasks due today and
overdue, today's meetings not over yet (single events and occurrences of series) and CRM activities,
for one person or for the planner's batch in a few queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.groups import Group
from models.teams import User
from models.timeman import WorkDay
from services import timeman, timeman_clock
from services.access import Actor, outside_archived_groups
from services.reminders import optional_rows


@dataclass(slots=True)
class Item:
    id: int
    title: str
    when: datetime | None
    kind: str = ""  # a CRM activity's: call | meeting | todo
    late: bool = False  # its time has passed


@dataclass(slots=True)
class Agenda:
    due_today: list[Item] = field(default_factory=list)
    overdue: list[Item] = field(default_factory=list)
    overdue_total: int = 0  # all of them; the list holds the first few
    events: list[Item] = field(default_factory=list)
    activities: list[Item] = field(default_factory=list)  # CRM calls, meetings, to-dos
    activities_total: int = 0
    day_started: bool = False
    works_today: bool = True
    day_off: timeman.DayOff | None = None  # a team's holiday or an absence, if that is why


async def agenda(session: AsyncSession, user: User, now: datetime, limit: int = 10) -> Agenda:
    """The person's own day: tasks due today and overdue, today's meetings not over."""
    return (await agenda_many(session, [user], now, limit))[user.id]


async def agenda_many(
    session: AsyncSession, users: list[User], now: datetime, limit: int = 10
) -> dict[int, Agenda]:
    """Agendas of many people at once (the planner's batch), a few queries in all."""
    out = {u.id: Agenda() for u in users}
    if not users:
        return out
    schedules = await timeman.schedules_of(session, users)
    ranges: dict[int, tuple[date, datetime, datetime]] = {}
    for user in users:
        # the working day now is in: a night shift's runs to its end the next morning,
        # and its small hours are still that day's
        today = timeman_clock.shift_date(schedules[user.id], now, user.timezone)
        ranges[user.id] = (today, *timeman_clock.day_span(schedules[user.id], today, user.timezone))
    ids = list(out)
    low = min(r[1] for r in ranges.values())
    high = max(r[2] for r in ranges.values())
    started = await session.execute(
        select(WorkDay.user_id, WorkDay.day).where(
            WorkDay.user_id.in_(ids), WorkDay.day >= min(r[0] for r in ranges.values())
        )
    )
    days = {(row[0], row[1]) for row in started}
    for user in users:
        today = ranges[user.id][0]
        out[user.id].works_today = schedules[user.id].works_on(today)
        out[user.id].day_off = schedules[user.id].day_off(today)
        out[user.id].day_started = (user.id, today) in days
    try:
        from models.tasks import Task
        from services.tasks import deadline_counts_sql
        from services.tasks_people import seen_by_responsible
    except ImportError:  # pragma: no cover - the tasks area is optional
        Task = None  # type: ignore[assignment,misc]  # noqa: N806
    if Task is not None:
        rows = await optional_rows(
            session,
            "tasks",
            select(Task.id, Task.title, Task.deadline, Task.responsible_id)
            .where(
                Task.responsible_id.in_(ids),
                deadline_counts_sql(),  # not a deferred one, as /tasks overdue
                Task.deadline < high,
                seen_by_responsible(),
                outside_archived_groups(Task.group_id),
            )
            .order_by(Task.deadline),
        )
        for task_id, title, deadline, uid in rows:
            _today, start, end = ranges[uid]
            agenda_ = out[uid]
            # past its deadline is overdue, also earlier today (as /tasks says)
            if deadline < max(start, now):
                agenda_.overdue_total += 1
                if len(agenda_.overdue) < limit:
                    agenda_.overdue.append(Item(task_id, title, deadline, late=True))
            elif max(start, now) <= deadline < end and len(agenda_.due_today) < limit:
                agenda_.due_today.append(Item(task_id, title, deadline))
    try:
        from models.calendar import Event, EventAttendee
        from services.calendar import seen_by
    except ImportError:  # pragma: no cover
        return out
    rows = await optional_rows(
        session,
        "events",
        select(Event.id, Event.title, Event.starts_at, EventAttendee.user_id, Event.ends_at)
        .join(EventAttendee, EventAttendee.event_id == Event.id)
        .where(
            EventAttendee.user_id.in_(ids),
            Event.cancelled.is_(False),
            Event.repeat == "none",
            Event.starts_at >= low,
            Event.starts_at < high,
            seen_by(EventAttendee.user_id),  # not a group's event to one who left it
            outside_archived_groups(Event.group_id),
        )
        .order_by(Event.starts_at),
    )
    rows += await optional_rows(
        session,
        "events",
        select(Event.id, Event.title, Event.starts_at, Event.organizer_id, Event.ends_at)
        .where(
            Event.organizer_id.in_(ids),
            Event.cancelled.is_(False),
            Event.repeat == "none",
            Event.starts_at >= low,
            Event.starts_at < high,
            seen_by(Event.organizer_id),
            outside_archived_groups(Event.group_id),
        )
        .order_by(Event.starts_at),
    )
    rows += await _recurring_occurrences(session, users, ranges)
    seen: set[tuple[int, int]] = set()
    for event_id, title, starts_at, uid, ends_at in sorted(rows, key=lambda r: r[2]):
        _today, start, end = ranges[uid]
        # the day's meetings still ahead (or going on): not one over earlier that night
        if (uid, event_id) in seen or not start <= starts_at < end or ends_at <= now:
            continue
        seen.add((uid, event_id))
        if len(out[uid].events) < limit:
            out[uid].events.append(Item(event_id, title, starts_at))
    await _crm_activities(session, out, ranges, low, high, limit)
    return out


async def _recurring_occurrences(
    session: AsyncSession, users: list[User], ranges: dict[int, tuple[date, datetime, datetime]]
) -> list[tuple[int, str, datetime, int, datetime]]:
    """Today's occurrences of repeating series, for the people who take part in any."""
    try:
        from models.calendar import Event, EventAttendee
        from services import calendar
    except ImportError:  # pragma: no cover
        return []
    ids = [u.id for u in users]
    involved = {
        row[0]
        for row in await optional_rows(
            session,
            "events",
            select(EventAttendee.user_id)
            .join(Event, Event.id == EventAttendee.event_id)
            .where(
                EventAttendee.user_id.in_(ids), Event.repeat != "none", Event.cancelled.is_(False)
            )
            .distinct(),
        )
    }
    involved |= {
        row[0]
        for row in await optional_rows(
            session,
            "events",
            select(Event.organizer_id)
            .where(Event.organizer_id.in_(ids), Event.repeat != "none", Event.cancelled.is_(False))
            .distinct(),
        )
    }
    found: list[tuple[int, str, datetime, int, datetime]] = []
    group_of: dict[int, int] = {}  # series -> its group
    for user in users:
        if user.id not in involved:
            continue
        _today, start, end = ranges[user.id]
        occs = await calendar.occurrences(
            session, Actor.of(user), start, end, include_declined=False
        )
        for occ in occs:
            if occ.recurring and not occ.event.cancelled:
                found.append((occ.series_id, occ.event.title, occ.starts_at, user.id, occ.ends_at))
                if occ.event.group_id is not None:
                    group_of[occ.series_id] = occ.event.group_id
    if not group_of:
        return found
    archived = set(  # an archived group's series remind nobody
        await session.scalars(
            select(Group.id).where(Group.id.in_(set(group_of.values())), Group.archived.is_(True))
        )
    )
    return [row for row in found if group_of.get(row[0]) not in archived]


async def _crm_activities(
    session: AsyncSession,
    out: dict[int, Agenda],
    ranges: dict[int, tuple[date, datetime, datetime]],
    low: datetime,
    high: datetime,
    limit: int,
) -> None:
    """Open CRM activities (calls, meetings, to-dos) due today, and the overdue ones
    (a call not made yesterday is still to make), oldest first."""
    try:
        from models.crm import CrmActivity, CrmGrant
    except ImportError:  # pragma: no cover
        return
    # an extranet member's own records are theirs only while the CRM is open to them
    no_crm = select(User.id).where(
        User.id == CrmActivity.owner_id,
        User.role == "extranet",
        User.id.not_in(select(CrmGrant.user_id)),
    )
    rows = await optional_rows(
        session,
        "crm_activities",
        select(
            CrmActivity.id,
            CrmActivity.subject,
            CrmActivity.due_at,
            CrmActivity.owner_id,
            CrmActivity.kind,
        )
        .where(
            CrmActivity.owner_id.in_(list(out)),
            CrmActivity.done.is_(False),
            CrmActivity.due_at >= low - ACTIVITY_LOOKBACK,  # a month of the undone ones
            CrmActivity.due_at < high,
            ~no_crm.exists(),
        )
        .order_by(CrmActivity.due_at),
    )
    today: dict[int, list[Item]] = {uid: [] for uid in out}
    late: dict[int, list[Item]] = {uid: [] for uid in out}
    for activity_id, subject, due_at, uid, kind in rows:
        _today, start, end = ranges[uid]
        if due_at >= end:
            continue
        item = Item(activity_id, subject, due_at, kind=kind, late=due_at < start)
        (late if item.late else today)[uid].append(item)
    for uid, agenda_ in out.items():
        # today's first (their time order), then the latest of those left undone
        ordered = today[uid] + late[uid][::-1]
        agenda_.activities = ordered[:limit]
        agenda_.activities_total = len(ordered)


ACTIVITY_LOOKBACK = timedelta(days=30)  # how far back an undone CRM activity is shown
