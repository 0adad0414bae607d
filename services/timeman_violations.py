"""The violations a working day records for the supervisor: a late start, an early
finish, a day shorter than planned, a day left open. Measured when the day starts and
finishes, forgotten when it continues, and measured again when a correction changes it
(services.timeman_corrections); each kind at most once a day.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.teams import User
from models.timeman import Violation, WorkDay
from services.timeman_clock import at_local, planned_on, worked
from services.timeman_schedules import Schedule, schedule_of


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


async def late_start(
    session: AsyncSession, user: User, schedule: Schedule, day: WorkDay
) -> Violation | None:
    """A day of the schedule started after its start and grace is a late start, noted
    with the minutes past the start (None when on time, or on a day off)."""
    if not schedule.works_on(day.day):
        return None
    due = at_local(day.day, schedule.start_minute + schedule.grace_minutes, user.timezone)
    if day.started_at <= due:
        return None
    late = day.started_at - at_local(day.day, schedule.start_minute, user.timezone)
    return await _violation(session, day, "late_start", _minutes(late))


async def finish_violations(
    session: AsyncSession, user: User, day: WorkDay, *, left_open: bool
) -> list[Violation]:
    schedule = await schedule_of(session, user)
    found: list[Violation | None] = []
    if left_open:
        found.append(await _violation(session, day, "left_open", 0))
    if schedule.works_on(day.day) and day.finished_at is not None:
        end_due = at_local(day.day, schedule.end_minute - schedule.grace_minutes, user.timezone)
        if day.finished_at < end_due:
            early = at_local(day.day, schedule.end_minute, user.timezone) - day.finished_at
            found.append(await _violation(session, day, "early_finish", _minutes(early)))
        # whole minutes worked, as the day's card counts them: 30 s is "0 min of 8 h",
        # so 8 h under plan, not 7 h 59 min
        done = timedelta(minutes=_minutes(worked(day, day.finished_at)))
        short = planned_on(schedule, day.day, user.timezone) - done
        if short > timedelta(minutes=schedule.grace_minutes):
            found.append(await _violation(session, day, "short_day", _minutes(short)))
    return [v for v in found if v is not None]


async def _violation(
    session: AsyncSession, day: WorkDay, kind: str, minutes: int
) -> Violation | None:
    exists = await session.scalar(
        select(Violation).where(Violation.day_id == day.id, Violation.kind == kind)
    )
    if exists is not None:
        exists.minutes = minutes
        await session.flush()
        return None
    row = Violation(
        team_id=day.team_id, user_id=day.user_id, day_id=day.id, kind=kind, minutes=minutes
    )
    session.add(row)
    await session.flush()
    return row


async def forget_violations(session: AsyncSession, day: WorkDay, kinds: tuple[str, ...]) -> None:
    await session.execute(
        delete(Violation).where(Violation.day_id == day.id, Violation.kind.in_(kinds))
    )
    await session.flush()
