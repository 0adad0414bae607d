"""Reminder rules (morning "my day", daily-report prompt) with DST-safe next-fire times,
per-person deadline offsets, and what the planner needs (due rules, dedup keys, the
deadline reminders due). The agenda a morning message shows is services/reminders_agenda.py.

A rule fires at a local wall-clock minute in the person's zone. The next fire time is
the first such moment strictly after the last one, computed from the local date, so a
DST change neither skips nor doubles a day: a time inside a spring-forward gap fires
once, shifted forward; an ambiguous autumn time fires once, at its first occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, inspect, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import db
from models.base import utcnow
from models.db import insert_for
from models.reminders import ReminderFired, ReminderRule, ReminderSettings
from models.teams import User
from services import timeman
from services.access import Actor, outside_archived_groups
from services.errors import N_, DomainError
from services.reminders_workday import DAY, DAYS_OFF_AHEAD, fire_moment

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


# how long a daily message missed while the bot was down is still worth sending: the
# morning message until about noon (09:00 + 3 h), the report prompt until the evening
# ends (18:00 + 6 h); a night shift's likewise, from its own start and end
WORTH = {"morning": timedelta(hours=3), "report": timedelta(hours=6)}


def worth_until(kind: str, scheduled: datetime, catch_up: timedelta) -> datetime:
    """Until when a daily message due `scheduled` still goes out (at least the catch-up
    window)."""
    return scheduled + max(WORTH.get(kind, catch_up), catch_up)


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
    user = await db.get(session, User, actor.user_id)
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
    user = await db.get(session, User, actor.user_id)
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


def overdue_since(now: datetime, catch_up: timedelta, since: datetime | None) -> datetime:
    """Deadlines after this moment (and up to now) are newly overdue: the catch-up
    window, or back to the previous pass (`since`), at most OVERDUE_CATCH_UP."""
    if since is None:
        return now - catch_up
    return min(now - catch_up, max(since, now - OVERDUE_CATCH_UP))


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
    overdue_from = overdue_since(now, catch_up, since)
    try:
        from models.tasks import Task
        from services.tasks import deadline_counts_sql
        from services.tasks_people import seen_by_responsible
    except ImportError:
        return DeadlinePage([], None)
    longest = max(DEFAULT_OFFSETS)
    custom = await session.execute(select(ReminderSettings.deadline_offsets))
    for (offsets,) in custom:
        if offsets:
            longest = max(longest, max(offsets))
    # "a day before" falls on the working day before: days off may come in between
    reach = timedelta(minutes=longest) + (DAYS_OFF_AHEAD if longest >= DAY else timedelta())
    query = select(Task.id, Task.title, Task.deadline, Task.responsible_id).where(
        deadline_counts_sql(),  # no reminder of a deferred task's deadline
        outside_archived_groups(Task.group_id),  # nor of an archived group's
        Task.deadline > overdue_from,
        Task.deadline <= now + reach,
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
    schedules: dict[int, timeman.Schedule] = {}
    for task_id, title, deadline, responsible_id in rows:
        if responsible_id not in users:
            users[responsible_id] = await db.get(session, User, responsible_id)
            prefs[responsible_id] = await session.get(ReminderSettings, responsible_id)
        user = users[responsible_id]
        if user is None or not user.active:
            continue
        if user.id not in schedules:
            schedules[user.id] = await timeman.schedule_of(session, user)
        pref = prefs[responsible_id]
        offsets = list(pref.deadline_offsets) if pref is not None else list(DEFAULT_OFFSETS)
        if pref is None or pref.overdue:
            offsets.append(0)
        for offset in offsets:
            fire_at = fire_moment(deadline, offset, schedules[user.id], user.timezone)
            if offset == 0 and overdue_from < fire_at <= now:
                hits.append(DeadlineHit(task_id, title, deadline, user, offset, fire_at))
            elif offset and fire_at <= now and now - fire_at <= catch_up:
                hits.append(DeadlineHit(task_id, title, deadline, user, offset, fire_at))
    last = rows[-1] if len(rows) == limit else None
    return DeadlinePage(hits, (last[2], last[0]) if last is not None else None)
