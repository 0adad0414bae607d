"""The working day: start, break, resume, finish, late entries, and the corrections they
record (reviewed in services.timeman_corrections). The violations they measure live in
services.timeman_violations, the arithmetic of local dates and hours in
services.timeman_clock, schedules in services.timeman_schedules.

Times are UTC; a day belongs to the local date (in the person's zone) it started on.
Every change of a start or finish that is not "now" is a correction: it needs a
reason, is applied at once, kept in the history, and waits for the supervisor,
whose rejection restores the previous value.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import db
from models.base import utcnow
from models.teams import User
from models.timeman import DailyReport, DayCorrection, Violation, WorkDay
from services.access import Actor, require_staff
from services.errors import N_, DomainError, not_found
from services.timeman_clock import at_local, local_date, shift_date
from services.timeman_schedules import DayOff as DayOff
from services.timeman_schedules import Schedule as Schedule
from services.timeman_schedules import schedule_for as schedule_for
from services.timeman_schedules import schedule_of as schedule_of
from services.timeman_schedules import schedules_of as schedules_of
from services.timeman_schedules import set_schedule as set_schedule
from services.timeman_schedules import team_schedule as team_schedule
from services.timeman_violations import finish_violations, forget_violations, late_start

# a start or finish typed up to this much before "now" is not a correction
SLACK = timedelta(minutes=5)
REASON_MAX = 500


def clean_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError(N_("Say why in a few words; the reason goes to your supervisor."))
    return reason[:REASON_MAX]


# -- the day ---------------------------------------------------------------------------


async def _me(session: AsyncSession, actor: Actor) -> User:
    require_staff(actor)
    user = await db.get(session, User, actor.user_id)
    if user is None:
        raise not_found()
    return user


async def open_day(session: AsyncSession, user_id: int) -> WorkDay | None:
    """The day still open (running or on a break), if any."""
    return await session.scalar(
        select(WorkDay)
        .where(WorkDay.user_id == user_id, WorkDay.status != "closed")
        .order_by(WorkDay.day.desc())
        .limit(1)
    )


async def day_on(session: AsyncSession, user_id: int, day: date) -> WorkDay | None:
    return await session.scalar(
        select(WorkDay).where(WorkDay.user_id == user_id, WorkDay.day == day)
    )


OPEN_DAY_MAX = timedelta(hours=16)  # a day still open after this is one left open


def left_open(day: WorkDay, now: datetime, tz: str) -> bool:
    """An open day from an earlier date that has run longer than a day's work runs:
    one left open. A day worked past midnight, a night shift, are still running."""
    return (
        day.status != "closed"
        and day.day != local_date(now, tz)
        and now - day.started_at > OPEN_DAY_MAX
    )


def _ran_past_midnight(day: WorkDay, now: datetime, tz: str) -> bool:
    """A day from an earlier date finished after its midnight (a night shift ended at
    06:00) and started less than a day's run ago: still the day, as if it were open."""
    return (
        day.finished_at is not None
        and local_date(day.finished_at, tz) > day.day
        and now - day.started_at <= OPEN_DAY_MAX
    )


async def _days(
    session: AsyncSession, user: User, now: datetime
) -> tuple[WorkDay | None, WorkDay | None]:
    current = await day_on(session, user.id, local_date(now, user.timezone))
    stale = await open_day(session, user.id)
    if stale is not None and current is not None and stale.id == current.id:
        stale = None
    if stale is not None and current is None and not left_open(stale, now, user.timezone):
        current, stale = stale, None
    if current is None and stale is None:  # a night shift finished this morning
        last = await session.scalar(
            select(WorkDay)
            .where(WorkDay.user_id == user.id, WorkDay.day < local_date(now, user.timezone))
            .order_by(WorkDay.day.desc())
            .limit(1)
        )
        if last is not None and _ran_past_midnight(last, now, user.timezone):
            current = last
    return current, stale


async def today(
    session: AsyncSession, actor: Actor, now: datetime | None = None
) -> tuple[WorkDay | None, WorkDay | None]:
    """(the day being worked: today's, or one still running since an earlier date, such
    as a night shift, or finished this morning; an earlier day left open) for the
    actor."""
    user = await _me(session, actor)
    return await _days(session, user, now or utcnow())


async def starting_date(
    session: AsyncSession, user: User, schedule: Schedule, now: datetime
) -> date:
    """The date a day started now counts for: today's, or last night's shift when it
    is the small hours of one not yet started (late for it, not early for tonight's)."""
    today_ = local_date(now, user.timezone)
    night = shift_date(schedule, now, user.timezone)
    if night != today_ and await day_on(session, user.id, night) is None:
        return night
    return today_


class PreviousDayOpen(DomainError):
    def __init__(self, day: WorkDay) -> None:
        super().__init__(N_("Your previous working day is still open. Close it first."))
        self.day = day


async def start_day(
    session: AsyncSession,
    actor: Actor,
    *,
    at: datetime | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> tuple[WorkDay, DayCorrection | None, list[Violation]]:
    """Start today (now, or earlier with a reason). Returns the day, the correction a
    late entry made, and the violations (a late start) for the supervisor."""
    user = await _me(session, actor)
    now = now or utcnow()
    start = at or now
    if start > now + timedelta(minutes=1):
        raise DomainError(N_("The start cannot be in the future."))
    schedule = await schedule_of(session, user)
    today_ = await starting_date(session, user, schedule, now)
    if local_date(start, user.timezone) not in (today_, local_date(now, user.timezone)):
        raise DomainError(N_("A late entry must be a time of today."))
    stale = await open_day(session, user.id)
    if stale is not None and stale.day != today_:
        raise PreviousDayOpen(stale)
    started = await day_on(session, user.id, today_)
    if started is not None and started.status == "closed":
        raise day_finished(started, user.timezone)
    if started is not None:
        raise DomainError(N_("You have already started today. Send /day to see it."))
    late_entry = now - start > SLACK
    if late_entry:
        reason = clean_reason(reason)
    day = WorkDay(
        team_id=user.team_id,
        user_id=user.id,
        day=today_,
        status="open",
        started_at=start,
        break_seconds=0,
        note=reason if late_entry else "",
    )
    session.add(day)
    await session.flush()
    correction = None
    if late_entry:
        correction = await _record_correction(session, user, day, "start", now, start, reason)
    late = await late_start(session, user, schedule, day)
    return day, correction, [late] if late is not None else []


async def said_start(session: AsyncSession, actor: Actor, minute: int, now: datetime) -> datetime:
    """A start said as a clock ("/day start 09:10"): today's; in the small hours of a
    night shift not started yet ("23:50" said at 00:30), the date it counts for."""
    user = await _me(session, actor)
    at = at_local(local_date(now, user.timezone), minute, user.timezone)
    if at > now + timedelta(minutes=1):
        day = await starting_date(session, user, await schedule_of(session, user), now)
        at = at_local(day, minute, user.timezone)
    return at


def day_finished(day: WorkDay, tz: str) -> DomainError:
    """A start, break or finish of a finished day: it says so, and how to go on."""
    end = day.finished_at or day.started_at
    return DomainError(
        N_(
            "Your day is already finished (at {time}). To go on working, send /day resume; "
            "to change the finish time, /day fix finish TIME REASON"
        ),
        time=end.astimezone(ZoneInfo(tz)).strftime("%H:%M"),
    )


async def _current(session: AsyncSession, user: User, now: datetime) -> WorkDay:
    day = await open_day(session, user.id)
    if day is None:
        finished, _stale = await _days(session, user, now)
        if finished is not None and finished.finished_at is not None:
            raise day_finished(finished, user.timezone)
        raise DomainError(N_("Your day has not started. Send /day start."))
    return day


def _shown_for(day: WorkDay | None, day_id: int | None) -> None:
    """A button carries the day it was shown for: pressed on another day, it is out of
    date (yesterday's Break never pauses today's day)."""
    if day_id is not None and (day is None or day.id != day_id):
        raise DomainError(N_("This button is out of date. Open the list again."))


async def pause_day(
    session: AsyncSession,
    actor: Actor,
    now: datetime | None = None,
    *,
    day_id: int | None = None,
) -> WorkDay:
    user = await _me(session, actor)
    now = now or utcnow()
    day = await _current(session, user, now)
    _shown_for(day, day_id)
    if day.status == "paused":
        raise DomainError(N_("You are already on a break. Send /day resume to go on."))
    day.status = "paused"
    day.paused_at = now
    await session.flush()
    return day


async def resume_day(
    session: AsyncSession,
    actor: Actor,
    now: datetime | None = None,
    *,
    day_id: int | None = None,
) -> tuple[WorkDay, DailyReport | None]:
    """Back from a break; or today's finished day continues (the gap counts as a break).
    `day_id`: the day the button was shown for. Returns the day and its report, when
    one already sent goes back to a draft (see reopen_report)."""
    user = await _me(session, actor)
    now = now or utcnow()
    day = await open_day(session, user.id)
    if day is None:
        # today's, or a night shift finished this morning
        day, _stale = await _days(session, user, now)
        _shown_for(day, day_id)
        if day is None or day.finished_at is None:
            raise DomainError(N_("Your day has not started. Send /day start."))
        day.break_seconds += int(max(timedelta(0), now - day.finished_at).total_seconds())
        day.finished_at = None
        day.status = "open"
        # an early finish or a short day no longer holds: the next finish measures again
        await forget_violations(session, day, ("early_finish", "short_day"))
        return day, await reopen_report(session, day)
    _shown_for(day, day_id)
    if day.status != "paused" or day.paused_at is None:
        raise DomainError(N_("You are working already; there is no break to end."))
    day.break_seconds += int(max(timedelta(0), now - day.paused_at).total_seconds())
    day.paused_at = None
    day.status = "open"
    await session.flush()
    return day, None


async def reopen_report(session: AsyncSession, day: WorkDay) -> DailyReport | None:
    """The day changed (continued, corrected) after its report was sent or confirmed:
    the report no longer tells the day as it is, so it is a draft again, to be sent
    again (its notes and comment kept). Returns it, or None when none was sent."""
    row = await session.scalar(
        select(DailyReport).where(DailyReport.day_id == day.id, DailyReport.status != "draft")
    )
    if row is None:
        return None
    row.status = "draft"
    row.reviewed_at = None
    await session.flush()
    return row


async def finish_day(
    session: AsyncSession,
    actor: Actor,
    *,
    at: datetime | None = None,
    reason: str = "",
    day_id: int | None = None,
    now: datetime | None = None,
) -> tuple[WorkDay, DayCorrection | None, list[Violation]]:
    """Close the open day now, or at an earlier time with a reason (a forgotten finish,
    a day left open yesterday). Returns the day, the correction, the violations."""
    user = await _me(session, actor)
    now = now or utcnow()
    day = await _current(session, user, now)
    _shown_for(day, day_id)
    end = at or now
    if end > now + timedelta(minutes=1):
        raise DomainError(N_("The finish cannot be in the future."))
    if end <= day.started_at:
        raise DomainError(N_("The finish must be after the start."))
    stale = left_open(day, now, user.timezone)
    corrected = now - end > SLACK
    if corrected or stale:
        reason = clean_reason(reason)
    _close(day, end, now)
    if reason:
        day.note = (day.note + "\n" + reason).strip()
    await session.flush()
    correction = None
    if corrected:
        correction = await _record_correction(session, user, day, "finish", now, end, reason)
    violations = await finish_violations(session, user, day, left_open=stale)
    return day, correction, violations


def _close(day: WorkDay, end: datetime, now: datetime) -> None:
    if day.status == "paused" and day.paused_at is not None:
        day.break_seconds += int(max(timedelta(0), min(end, now) - day.paused_at).total_seconds())
        day.paused_at = None
    day.status = "closed"
    day.finished_at = end


async def planned_finish(session: AsyncSession, user: User, day: WorkDay) -> datetime:
    """When a day left open should have ended: its planned end (a day started after
    it: a planned day's length from its start)."""
    schedule = await schedule_of(session, user)
    end = at_local(day.day, schedule.end_minute, user.timezone)
    if end <= day.started_at:
        length = max(schedule.end_minute - schedule.start_minute, 1)
        end = day.started_at + timedelta(minutes=length)
    return end


async def finish_for_leaver(
    session: AsyncSession, user: User, now: datetime | None = None
) -> WorkDay | None:
    """Someone removed from the team stops working: their open day closes now (one left
    open earlier, at its planned end), with no violations: it ended because they
    left. No access check: the removal makes it. Returns the day closed, if any."""
    now = now or utcnow()
    day = await open_day(session, user.id)
    if day is None:
        return None
    end = now
    if left_open(day, now, user.timezone):
        end = min(await planned_finish(session, user, day), now)
    _close(day, max(end, day.started_at), now)
    await session.flush()
    return day


# -- corrections as recorded (reviewed in services.timeman_corrections) ---------------


async def _record_correction(
    session: AsyncSession,
    user: User,
    day: WorkDay,
    field: str,
    old: datetime | None,
    new: datetime,
    reason: str,
) -> DayCorrection:
    row = DayCorrection(
        team_id=user.team_id,
        day_id=day.id,
        user_id=user.id,
        field=field,
        old_value=old,
        new_value=new,
        reason=reason,
        status="pending",
    )
    session.add(row)
    await session.flush()
    return row
