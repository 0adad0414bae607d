"""Time on a task: the timer (one running per person) and manual entries, with the
durations people type ("1h 30m", "1,5 ч", "45")."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.tasks import Task, TaskTimeEntry, TaskTimer
from models.teams import User
from services.access import Actor
from services.errors import N_, DomainError
from services.tasks import IN_PROGRESS, STARTABLE, get_task, is_doer
from services.tasks_work import editable

MANUAL_MAX = 24 * 3600  # seconds: one entry, or one timer run, holds a day at most

_PART = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(h|hr|hrs|hours?|ч|час|часа|часов|m|min|mins|minutes?|м|мин|минут[аы]?)(?![^\W\d_])",
    re.IGNORECASE | re.UNICODE,
)
_HOURS = {"h", "hr", "hrs", "hour", "hours", "ч", "час", "часа", "часов"}
_BARE_MINUTES = re.compile(r"(\d{1,2})(?![\d.,:])(?![^\W\d_])")


def parse_duration(text: str) -> tuple[int, str]:
    """'2h 30m review', '2ч 30м созвон', '1.5h', '45 min' -> (seconds, the rest as comment)."""
    raw = text.strip()
    seconds = 0.0
    end = 0
    pos = 0
    unit = ""
    while True:
        match = _PART.match(raw, pos)
        if match is None:
            break
        value = float(match.group(1).replace(",", "."))
        unit = match.group(2).lower()
        seconds += value * (3600 if unit in _HOURS else 60)
        end = match.end()
        pos = end
        while pos < len(raw) and raw[pos] in " \t,":
            pos += 1
    minutes = _BARE_MINUTES.match(raw, pos) if unit in _HOURS and end else None
    if minutes is not None and (pos > end and len(minutes.group(1)) < 2):
        minutes = None  # "1h 2 bugs fixed": a number of the comment
    if minutes is not None and int(minutes.group(1)) < 60:  # "1h30", "2ч 45": the minutes
        seconds += int(minutes.group(1)) * 60
        end = minutes.end()
    if end == 0:
        bare = re.match(r"(\d{1,2}):(\d{2})\b", raw)
        if bare:
            seconds = int(bare.group(1)) * 3600 + int(bare.group(2)) * 60
            end = bare.end()
    if end == 0 or seconds <= 0:
        raise DomainError(N_("Give the time like 2h 30m or 45m, then a comment if you like."))
    total = int(round(seconds))
    if total > MANUAL_MAX:
        raise DomainError(N_("One entry may be at most 24 hours."))
    return total, raw[end:].strip(" ,-—:")


async def _log(
    session: AsyncSession, user_id: int, task_id: int, started: datetime, seconds: int, comment: str
) -> TaskTimeEntry:
    entry = TaskTimeEntry(
        task_id=task_id,
        user_id=user_id,
        started_at=started,
        seconds=seconds,
        comment=comment,
        created_at=utcnow(),
    )
    session.add(entry)
    await session.flush()
    return entry


async def start_timer(
    session: AsyncSession, actor: Actor, task_id: int, now: datetime | None = None
) -> tuple[Task, StoppedTimer | None]:
    """Start the timer on a task; a timer running on another task is stopped and logged.
    Someone who works on the task (its responsible, a co-executor) starts the task with
    it, as its Start button does, when it is pending, deferred or paused (see
    services.tasks_flow.change_status): the timer runs on work in progress."""
    task = await editable(session, actor, task_id)
    if not task.is_open:
        raise DomainError(N_("The task is completed: renew it first."))
    now = now or utcnow()
    stopped: StoppedTimer | None = None
    timer = await session.get(TaskTimer, actor.user_id)
    if timer is not None:
        if timer.task_id == task.id:
            raise DomainError(N_("The timer is already running on this task."))
        stopped = await _stop(session, actor, timer, now)
    session.add(TaskTimer(user_id=actor.user_id, task_id=task.id, started_at=now))
    if task.status in STARTABLE and await is_doer(session, actor, task):
        task.status = IN_PROGRESS
    await session.flush()
    return task, stopped


@dataclass(frozen=True, slots=True)
class StoppedTimer:
    task_id: int
    started_at: datetime
    # None: it ran longer than a day (left running, forgotten): nothing was logged
    entry: TaskTimeEntry | None


async def _stop(
    session: AsyncSession, actor: Actor, timer: TaskTimer, now: datetime
) -> StoppedTimer:
    return await _stop_for(session, actor.user_id, timer, now)


async def _stop_for(
    session: AsyncSession, user_id: int, timer: TaskTimer, now: datetime
) -> StoppedTimer:
    seconds = max(0, int((now - timer.started_at).total_seconds()))
    entry = None
    if seconds <= MANUAL_MAX:  # no more than one manual entry may hold
        entry = await _log(session, user_id, timer.task_id, timer.started_at, seconds, "")
    await session.execute(delete(TaskTimer).where(TaskTimer.user_id == user_id))
    await session.flush()
    return StoppedTimer(timer.task_id, timer.started_at, entry)


async def stop_timers_on(
    session: AsyncSession,
    task: Task,
    user_ids: Collection[int] | None = None,
    now: datetime | None = None,
) -> dict[int, StoppedTimer]:
    """Timers running on a task that is done, put aside or handed over stop (of
    everyone, or of `user_ids`), their time logged for whoever ran them; a timer
    left running over a day logs nothing, as stopping it by hand does. The caller
    changed the task with the right to: this is its consequence, not a new right."""
    query = select(TaskTimer).where(TaskTimer.task_id == task.id)
    if user_ids is not None:
        query = query.where(TaskTimer.user_id.in_(list(user_ids)))
    now = now or utcnow()
    stopped: dict[int, StoppedTimer] = {}
    for timer in (await session.execute(query)).scalars().all():
        stopped[timer.user_id] = await _stop_for(session, timer.user_id, timer, now)
    return stopped


async def timer_running(session: AsyncSession, actor: Actor, since_before: datetime) -> Task | None:
    """The task the actor's own timer runs on, if it was started before `since_before`
    (the end of their working day: a timer started later is later work)."""
    timer = await session.get(TaskTimer, actor.user_id)
    if timer is None or timer.started_at >= since_before:
        return None
    return await session.get(Task, timer.task_id)


async def stop_timer(
    session: AsyncSession, actor: Actor, now: datetime | None = None
) -> tuple[Task, StoppedTimer]:
    timer = await session.get(TaskTimer, actor.user_id)
    if timer is None:
        raise DomainError(N_("No timer is running."))
    task = await get_task(session, actor, timer.task_id)
    return task, await _stop(session, actor, timer, now or utcnow())


async def add_time(
    session: AsyncSession,
    actor: Actor,
    task_id: int,
    seconds: int,
    comment: str = "",
    now: datetime | None = None,
) -> TaskTimeEntry:
    """A manual entry: the time ends now. Logged by who works on the task (or its
    creator), not by an observer."""
    task = await editable(session, actor, task_id)
    if seconds <= 0 or seconds > MANUAL_MAX:
        raise DomainError(N_("One entry may be at most 24 hours."))
    now = now or utcnow()
    # the entry counts for the day it is typed on, in the person's zone
    local = now.astimezone(ZoneInfo(actor.timezone))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    started = max(now - timedelta(seconds=seconds), midnight.astimezone(UTC))
    return await _log(session, actor.user_id, task.id, started, seconds, comment[:1000])


async def task_time(
    session: AsyncSession, actor: Actor, task_id: int
) -> tuple[int, list[tuple[str, int]]]:
    """Total seconds on a task and the seconds per person."""
    task = await get_task(session, actor, task_id)
    rows = (
        await session.execute(
            select(User.name, func.sum(TaskTimeEntry.seconds))
            .join(User, User.id == TaskTimeEntry.user_id)
            .where(TaskTimeEntry.task_id == task.id)
            .group_by(User.id, User.name)
            .order_by(User.name)
        )
    ).all()
    per_person = [(name, int(total or 0)) for name, total in rows]
    return sum(s for _, s in per_person), per_person
