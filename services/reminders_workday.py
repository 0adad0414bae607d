"""Deadline reminders fitted to the person's working day: one whole days ahead ("a day
before") lands on their working day before, within its hours, not on their Sunday,
a team's holiday or a day they are away;
one that would say again what their "My day" has just said is not sent."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.reminders import ReminderFired
from models.tasks import Task
from models.teams import User
from services.timeman_clock import at_local
from services.timeman_schedules import Schedule

DAY = 24 * 60
# "a day before" may land this much further back: the days off before the deadline (a
# weekend, the New Year break)
DAYS_OFF_AHEAD = timedelta(days=14)
# a "My day" sent this shortly before a reminder has just listed the task with its time
MY_DAY_NEAR = timedelta(minutes=15)


def fire_moment(deadline: datetime, offset: int, schedule: Schedule, tz: str) -> datetime:
    """When a reminder `offset` minutes ahead of `deadline` fires: that long before it;
    whole days ahead, that many of the person's working days before the deadline's day,
    at its clock time kept within their working hours (a Monday 10:00 deadline: Friday
    10:00; one at 00:30: the day before at the start of work)."""
    ahead = deadline - timedelta(minutes=offset)
    if offset < DAY or offset % DAY or not any(d in schedule.weekdays for d in "1234567"):
        return ahead
    local = deadline.astimezone(ZoneInfo(tz))
    day = local.date()
    for _ in range(offset // DAY):
        day = schedule.working_day_from(day - timedelta(days=1), -1)
    start, end = schedule.start_minute, schedule.end_minute
    latest = max(start, end - 60)  # an hour before the day ends, to act on it
    minute = min(max(local.hour * 60 + local.minute, start), latest)
    return at_local(day, minute, tz)


async def said_in_my_day(
    session: AsyncSession, user: User, task_id: int, deadline: datetime, now: datetime
) -> bool:
    """Whether the person's "My day" went out moments ago today and listed this task,
    due later today, with its time: a reminder of it now would say it again. A task it
    left out (beyond the ones it shows, or made since) is still reminded of."""
    zone = ZoneInfo(user.timezone)
    day = now.astimezone(zone).date()
    if deadline.astimezone(zone).date() != day:
        return False
    fired = await session.scalar(
        select(ReminderFired.fired_at).where(
            ReminderFired.key == f"rm:morning:{user.id}:{day.isoformat()}"
        )
    )
    if fired is None or now - fired > MY_DAY_NEAR:
        return False
    from services import reminders_agenda  # the agenda reads reminders: imported late

    task = await session.get(Task, task_id)
    if task is None or task.created_at > fired:
        return False  # made after it went out: not in what it said
    listed = await reminders_agenda.agenda(session, user, fired)
    return any(item.id == task_id for item in listed.due_today)
