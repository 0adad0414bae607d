"""Reminder rules (morning "my day", daily-report prompt) with DST-safe next-fire times,
per-person deadline offsets, and the facts a reminder shows (the person's agenda).

A rule fires at a local wall-clock minute in the person's zone. The next fire time is
the first such moment strictly after the last one, computed from the local date, so a
DST change neither skips nor doubles a day: a time inside a spring-forward gap fires
once, shifted forward; an ambiguous autumn time fires once, at its first occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, inspect, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.db import insert_for
from models.groups import Group
from models.reminders import ReminderFired, ReminderRule, ReminderSettings
from models.teams import User
from models.timeman import WorkDay
from services import timeman
from services.access import Actor, outside_archived_groups
from services.errors import N_, DomainError

KINDS = ("morning", "report")
DEFAULT_OFFSETS = [1440, 60]
MAX_OFFSETS = 5


def next_fire(minute: int, tz: str, after: datetime) -> datetime:
    """The first moment after `after` when the local clock in `tz` shows `minute`."""
    zone = ZoneInfo(tz)
    local_day = after.astimezone(zone).date()
    for shift in range(-1, 3):
        # minute 1440 (a workday that ends at midnight) is the next day's 00:00, and a
        # night shift's end (1800) the next day's 06:00: yesterday's may be still ahead
        day = local_day + timedelta(days=shift + minute // 1440)
        naive = datetime.combine(day, time(minute % 1440 // 60, minute % 60))
        moment = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
        if moment > after:
            return moment
    raise AssertionError("unreachable: a day always has the minute")


def local_day_of(moment: datetime, tz: str) -> date:
    return moment.astimezone(ZoneInfo(tz)).date()


async def rule_minutes(session: AsyncSession, user: User) -> dict[str, int]:
    """Morning at the start of the person's workday, the report prompt at its end."""
    schedule = await timeman.schedule_of(session, user)
    return {"morning": schedule.start_minute, "report": schedule.end_minute}


def kinds_of(user: User) -> tuple[str, ...]:
    """The person's recurring reminders: an extranet member has no working day to report
    on, only the morning "my day" (their groups' tasks and meetings)."""
    return ("morning",) if user.role == "extranet" else KINDS


async def ensure_rules(session: AsyncSession, now: datetime | None = None, limit: int = 500) -> int:
    """Create the missing rules of active people (a planner tick does this); returns how many."""
    now = now or utcnow()
    morning = select(ReminderRule.user_id).where(ReminderRule.kind == "morning")
    report = select(ReminderRule.user_id).where(ReminderRule.kind == "report")
    users = (
        await session.execute(
            select(User)
            .where(
                User.active.is_(True),
                or_(
                    User.id.not_in(morning),
                    and_(User.role != "extranet", User.id.not_in(report)),
                ),
            )
            .limit(limit)
        )
    ).scalars()
    made = 0
    for user in users:
        await sync_rules(session, user, now)
        made += 1
    return made


async def sync_rules(session: AsyncSession, user: User, now: datetime | None = None) -> None:
    """Align the person's rules with their schedule and zone (after a change)."""
    now = now or utcnow()
    minutes = await rule_minutes(session, user)
    rows = {
        r.kind: r
        for r in (
            await session.execute(select(ReminderRule).where(ReminderRule.user_id == user.id))
        ).scalars()
    }
    kinds = kinds_of(user)
    for kind, old in rows.items():
        if kind not in kinds:  # a report prompt left from before the person became extranet
            await session.delete(old)
    for kind in kinds:
        row = rows.get(kind)
        if row is None:
            row = ReminderRule(team_id=user.team_id, user_id=user.id, kind=kind, active=True)
            session.add(row)
        elif row.minute == minutes[kind] and row.timezone == user.timezone:
            continue
        row.minute = minutes[kind]
        row.timezone = user.timezone
        row.next_fire_at = next_fire(row.minute, user.timezone, now)
    await session.flush()


async def set_rule_active(session: AsyncSession, actor: Actor, kind: str, active: bool) -> None:
    user = await session.get(User, actor.user_id)
    assert user is not None
    if kind not in kinds_of(user):
        raise DomainError(N_("There is no such reminder."))
    await sync_rules(session, user)
    row = await session.scalar(
        select(ReminderRule).where(ReminderRule.user_id == actor.user_id, ReminderRule.kind == kind)
    )
    assert row is not None
    row.active = active
    await session.flush()


async def rules_of(session: AsyncSession, actor: Actor) -> list[ReminderRule]:
    user = await session.get(User, actor.user_id)
    assert user is not None
    await sync_rules(session, user)
    rows = await session.execute(
        select(ReminderRule)
        .where(ReminderRule.user_id == actor.user_id)
        .order_by(ReminderRule.kind)
    )
    return list(rows.scalars())


# -- deadline offsets ---------------------------------------------------------------------


async def settings_of(session: AsyncSession, user_id: int) -> ReminderSettings:
    row = await session.get(ReminderSettings, user_id)
    if row is None:
        row = ReminderSettings(
            user_id=user_id, deadline_offsets=list(DEFAULT_OFFSETS), overdue=True
        )
        session.add(row)
        await session.flush()
    return row


def parse_offsets(text: str) -> list[int]:
    """'1d 2h 30m' / '1д 2ч' / 'off' -> minutes, largest first."""
    raw = text.strip().lower()
    if raw in ("off", "none", "-", "выкл", "нет"):
        return []
    units = {"d": 1440, "д": 1440, "h": 60, "ч": 60, "m": 1, "м": 1}
    out: set[int] = set()
    for token in raw.replace(",", " ").split():
        number, unit = token[:-1], token[-1:]
        if not number.isdigit() or unit not in units or int(number) <= 0:
            raise DomainError(N_("Give times like 1d 2h 30m, or off."))
        out.add(int(number) * units[unit])
    if not out or len(out) > MAX_OFFSETS or max(out) > 30 * 1440:
        raise DomainError(N_("Give times like 1d 2h 30m, or off."))
    return sorted(out, reverse=True)


async def set_offsets(session: AsyncSession, actor: Actor, offsets: list[int]) -> ReminderSettings:
    row = await settings_of(session, actor.user_id)
    row.deadline_offsets = offsets
    await session.flush()
    return row


_TABLES: dict[str, set[str]] = {}


async def table_exists(session: AsyncSession, name: str) -> bool:
    """Whether another area's table is installed (asked once per database)."""
    conn = await session.connection()
    url = str(conn.engine.url)
    if url not in _TABLES:
        names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        if not names:
            return False
        _TABLES[url] = names
    return name in _TABLES[url]


async def optional_rows(session: AsyncSession, table: str, query: Any) -> list[Any]:
    """Rows of another area's table, or none while that area is not installed."""
    if not await table_exists(session, table):
        return []
    return list(await session.execute(query))


# -- the agenda a morning message shows ----------------------------------------------------


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


async def agenda(session: AsyncSession, user: User, now: datetime, limit: int = 10) -> Agenda:
    """The person's own day: tasks due today and overdue, today's meetings."""
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
        today = timeman.shift_date(schedules[user.id], now, user.timezone)
        ranges[user.id] = (today, *timeman.day_span(schedules[user.id], today, user.timezone))
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
        out[user.id].day_started = (user.id, today) in days
    try:
        from models.tasks import Task
        from services.tasks import deadline_counts_sql, seen_by_responsible
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
        select(Event.id, Event.title, Event.starts_at, EventAttendee.user_id)
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
        select(Event.id, Event.title, Event.starts_at, Event.organizer_id)
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
    for event_id, title, starts_at, uid in sorted(rows, key=lambda r: r[2]):
        _today, start, end = ranges[uid]
        if (uid, event_id) in seen or not start <= starts_at < end:
            continue
        seen.add((uid, event_id))
        if len(out[uid].events) < limit:
            out[uid].events.append(Item(event_id, title, starts_at))
    await _crm_activities(session, out, ranges, low, high, limit)
    return out


async def _recurring_occurrences(
    session: AsyncSession, users: list[User], ranges: dict[int, tuple[date, datetime, datetime]]
) -> list[tuple[int, str, datetime, int]]:
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
    found: list[tuple[int, str, datetime, int]] = []
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
                found.append((occ.series_id, occ.event.title, occ.starts_at, user.id))
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


# -- what the planner needs ----------------------------------------------------------------


async def claim_keys(session: AsyncSession, keys: list[str], now: datetime) -> set[str]:
    """Record that reminder occurrences fired; returns the keys that had not yet."""
    if not keys:
        return set()
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = insert_for(dialect)
    result = await session.execute(
        insert(ReminderFired)
        .values([{"key": key, "fired_at": now} for key in keys])
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(ReminderFired.key)
    )
    return set(result.scalars())


async def forget_fired(
    session: AsyncSession, now: datetime, keep: timedelta = timedelta(days=40)
) -> None:
    """Dedup keys older than any catch-up window or deadline offset are not needed."""
    await session.execute(delete(ReminderFired).where(ReminderFired.fired_at < now - keep))


async def claim_key(session: AsyncSession, key: str, now: datetime) -> bool:
    return bool(await claim_keys(session, [key], now))


async def due_rules(session: AsyncSession, now: datetime, limit: int) -> list[ReminderRule]:
    """Due active rules, locked for this planner (other planners skip them)."""
    rows = await session.execute(
        select(ReminderRule)
        .where(ReminderRule.active.is_(True), ReminderRule.next_fire_at <= now)
        .order_by(ReminderRule.next_fire_at, ReminderRule.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(rows.scalars())


@dataclass(slots=True)
class DeadlineHit:
    task_id: int
    title: str
    deadline: datetime
    user: User
    offset: int  # minutes before the deadline; 0: overdue
    fire_at: datetime


OVERDUE_CATCH_UP = timedelta(days=7)  # how far back a missed overdue notice is still sent
PASS_KEY = "planner:deadlines"  # its fired_at: when the planner last looked at deadlines


async def previous_pass(session: AsyncSession) -> datetime | None:
    """When the deadline pass last finished (any planner); None before the first one
    (or after more than forget_fired's 40 days)."""
    return await session.scalar(select(ReminderFired.fired_at).where(ReminderFired.key == PASS_KEY))


async def record_pass(session: AsyncSession, at: datetime) -> None:
    """The deadline pass finished at `at` (set, not raised: a clock that ran ahead
    must not hold the mark in the future)."""
    if not await claim_keys(session, [PASS_KEY], at):
        await session.execute(
            update(ReminderFired).where(ReminderFired.key == PASS_KEY).values(fired_at=at)
        )


@dataclass(slots=True)
class DeadlinePage:
    hits: list[DeadlineHit]
    after: tuple[datetime, int] | None  # where the next page starts; None: the last page


async def deadline_hits(
    session: AsyncSession,
    now: datetime,
    catch_up: timedelta,
    limit: int = 500,
    *,
    since: datetime | None = None,
    after: tuple[datetime, int] | None = None,
) -> DeadlinePage:
    """A page (by deadline, then id, from `after`) of the deadline reminders and
    overdue notices that fall due now, for the responsible person of each open task,
    by their offsets.

    A reminder before the deadline is sent only within the catch-up window: "due in
    an hour" is noise once the hour has passed. An overdue notice stays true while
    the task is open, so one missed while no planner ran (`since`: the previous
    pass) is still sent, back to OVERDUE_CATCH_UP.
    """
    overdue_from = now - catch_up
    if since is not None:
        overdue_from = min(overdue_from, max(since, now - OVERDUE_CATCH_UP))
    try:
        from models.tasks import Task
        from services.tasks import deadline_counts_sql, seen_by_responsible
    except ImportError:
        return DeadlinePage([], None)
    longest = max(DEFAULT_OFFSETS)
    custom = await session.execute(select(ReminderSettings.deadline_offsets))
    for (offsets,) in custom:
        if offsets:
            longest = max(longest, max(offsets))
    query = select(Task.id, Task.title, Task.deadline, Task.responsible_id).where(
        deadline_counts_sql(),  # no reminder of a deferred task's deadline
        outside_archived_groups(Task.group_id),  # nor of an archived group's
        Task.deadline > overdue_from,
        Task.deadline <= now + timedelta(minutes=longest),
        seen_by_responsible(),  # not to someone who lost the task's group
    )
    if after is not None:
        query = query.where(
            or_(Task.deadline > after[0], and_(Task.deadline == after[0], Task.id > after[1]))
        )
    rows = list(
        await optional_rows(session, "tasks", query.order_by(Task.deadline, Task.id).limit(limit))
    )
    hits: list[DeadlineHit] = []
    users: dict[int, User | None] = {}
    prefs: dict[int, ReminderSettings | None] = {}
    for task_id, title, deadline, responsible_id in rows:
        if responsible_id not in users:
            users[responsible_id] = await session.get(User, responsible_id)
            prefs[responsible_id] = await session.get(ReminderSettings, responsible_id)
        user = users[responsible_id]
        if user is None or not user.active:
            continue
        pref = prefs[responsible_id]
        offsets = list(pref.deadline_offsets) if pref is not None else list(DEFAULT_OFFSETS)
        if pref is None or pref.overdue:
            offsets.append(0)
        for offset in offsets:
            fire_at = deadline - timedelta(minutes=offset)
            if offset == 0 and overdue_from < fire_at <= now:
                hits.append(DeadlineHit(task_id, title, deadline, user, offset, fire_at))
            elif offset and fire_at <= now and now - fire_at <= catch_up:
                hits.append(DeadlineHit(task_id, title, deadline, user, offset, fire_at))
    last = rows[-1] if len(rows) == limit else None
    return DeadlinePage(hits, (last[2], last[0]) if last is not None else None)
