"""When a task list's "due today / this week / next week" runs: the days in the person's
zone, the week as their working week starts (Monday for Monday to Friday, Sunday for
Sunday to Thursday)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from models import db
from models.base import utcnow
from models.teams import User
from services.access import Actor
from services.errors import N_, DomainError
from services.parsing_days import midnight
from services.timeman_schedules import Schedule, schedule_of

DUE = ("today", "week", "nextweek")


def week_start(day: date, schedule: Schedule) -> date:
    """The first day of the working week `day` is in: the day after the longest run of
    days off (Saturday and Sunday: Monday; Friday and Saturday: Sunday); Monday when
    every day or no day is worked."""
    worked = [str(d) in schedule.weekdays for d in range(1, 8)]  # Monday first
    first = 1  # ISO weekday
    if any(worked) and not all(worked):
        best = -1
        for start in range(1, 8):  # a run of days off ending before `start`
            run = 0
            while run < 7 and not worked[(start - 2 - run) % 7]:
                run += 1
            if worked[start - 1] and run > best:
                best, first = run, start
    return day - timedelta(days=(day.isoweekday() - first) % 7)


async def due_window(
    session: AsyncSession, actor: Actor, due: str, now: datetime | None = None
) -> tuple[datetime, datetime]:
    """[start, end) in UTC of today, this week or next week, for the actor."""
    if due not in DUE:
        raise DomainError(N_("This button is out of date. Open the list again."))
    today = (now or utcnow()).astimezone(ZoneInfo(actor.timezone)).date()
    if due == "today":
        first, days = today, 1
    else:
        user = await db.get(session, User, actor.user_id)
        schedule = await schedule_of(session, user) if user is not None else Schedule()
        first, days = week_start(today, schedule), 7
        if due == "nextweek":
            first += timedelta(days=7)
    return midnight(first, actor.timezone), midnight(first + timedelta(days=days), actor.timezone)
