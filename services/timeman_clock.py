"""The clock of the working day: the local date of a moment, the UTC moment of a local
wall-clock time, the date a night shift's small hours belong to, and the hours a day of
a schedule covers, plans and has worked. Arithmetic only: nothing is read or written.

Times are UTC; a day belongs to the local date (in the person's zone) it started on.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from models.timeman import WorkDay
from services.timeman_schedules import Schedule


def local_date(moment: datetime, tz: str) -> date:
    return moment.astimezone(ZoneInfo(tz)).date()


def at_local(day: date, minute: int, tz: str) -> datetime:
    """The UTC moment of a local wall-clock time; a time in a DST gap moves forward.
    Minute 1440 (a workday that ends at midnight) is the next day's 00:00."""
    day, minute = day + timedelta(days=minute // 1440), minute % 1440
    naive = datetime.combine(day, time(minute // 60, minute % 60))
    return naive.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)


def shift_date(schedule: Schedule, moment: datetime, tz: str) -> date:
    """The date whose working day a moment falls in: its own, except the small hours of
    a night shift (00:30 of a 22:00-06:00 shift) belong to the evening before."""
    local = moment.astimezone(ZoneInfo(tz))
    day = local.date()
    ends = schedule.end_minute - 24 * 60  # a night shift's end, the next morning
    if 0 < ends and local.hour * 60 + local.minute < ends:
        if schedule.works_on(day - timedelta(days=1)):
            return day - timedelta(days=1)
    return day


def day_span(schedule: Schedule, day: date, tz: str) -> tuple[datetime, datetime]:
    """The hours a working day's date covers: from its midnight to the next, or on to a
    night shift's end the next morning (22:00-06:00: its tasks due at 03:00 too)."""
    start, end = at_local(day, 0, tz), at_local(day + timedelta(days=1), 0, tz)
    if schedule.works_on(day):
        end = max(end, at_local(day, schedule.end_minute, tz))
    return start, end


def planned_on(schedule: Schedule, day: date, tz: str) -> timedelta:
    """The work a day of the schedule plans as the clock runs that date: none on a day
    off (a weekend, a team's holiday, an absence); a night shift across a DST change is
    an hour shorter or longer (22:00-06:00 is 7 h, not 8 h, on the last Sunday of March
    in Berlin)."""
    if not schedule.works_on(day):
        return timedelta(0)
    hours = at_local(day, schedule.end_minute, tz) - at_local(day, schedule.start_minute, tz)
    return max(timedelta(0), hours - timedelta(minutes=schedule.lunch_minutes))


def worked(day: WorkDay, now: datetime) -> timedelta:
    end = day.finished_at if day.status == "closed" and day.finished_at else now
    paused = timedelta(0)
    if day.status == "paused" and day.paused_at is not None:
        paused = max(timedelta(0), now - day.paused_at)
    total = end - day.started_at - timedelta(seconds=day.break_seconds) - paused
    return max(timedelta(0), total)
