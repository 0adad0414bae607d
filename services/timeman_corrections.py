"""Corrections of a working day and their review: the history, who reviews a person's
time (their supervisor, or without one the team's other admins), approval, and a
rejection that restores the previous value; the day's violations measured again."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import db
from models.base import utcnow
from models.teams import User
from models.timeman import DailyReport, DayCorrection, WorkDay
from services.access import Actor, get_team_user
from services.errors import N_, DomainError, Forbidden, forbidden, not_found
from services.pagination import Page, paginate
from services.timeman import _me, _record_correction, clean_reason, day_on, reopen_report
from services.timeman_clock import local_date
from services.timeman_schedules import schedule_of
from services.timeman_violations import finish_violations, forget_violations, late_start


async def my_day(session: AsyncSession, actor: Actor, on: date | None) -> WorkDay:
    """The actor's day of the date `on`, or without one the latest (today's or the last)
    to correct."""
    user = await _me(session, actor)
    if on is not None:
        day = await day_on(session, user.id, on)
        if day is None:
            raise DomainError(
                N_("You have no working day on {date}."), date=on.strftime("%d.%m.%Y")
            )
        return day
    day = await session.scalar(
        select(WorkDay).where(WorkDay.user_id == user.id).order_by(WorkDay.day.desc()).limit(1)
    )
    if day is None:
        raise DomainError(N_("You have no working day to correct yet."))
    return day


async def correct(
    session: AsyncSession,
    actor: Actor,
    field: str,
    value: datetime,
    reason: str,
    now: datetime | None = None,
    on: date | None = None,
) -> tuple[WorkDay, DayCorrection, DailyReport | None]:
    """Change the start or finish of the day of the date `on`, or of the latest day
    (today's or the last one); any recent day may be corrected, with a reason. Returns
    the day, the correction, and the day's report when one sent is a draft again."""
    user = await _me(session, actor)
    now = now or utcnow()
    reason = clean_reason(reason)
    day = await my_day(session, actor, on)
    if field == "finish" and day.status != "closed":
        raise DomainError(
            N_(
                "This day is still open: finish it with /day finish TIME REASON. To correct "
                "an earlier day, name its date: /day fix 03.03 finish 17:30 REASON"
            )
        )
    if value > now + timedelta(minutes=1):
        raise DomainError(N_("A corrected time cannot be in the future."))
    if field == "start":
        if day.finished_at is not None and value >= day.finished_at:
            raise DomainError(N_("The start must be before the finish."))
        if local_date(value, user.timezone) != day.day:
            raise DomainError(N_("The start must stay on the same date."))
        old: datetime | None = day.started_at
        day.started_at = value
    elif field == "finish":
        if value <= day.started_at:
            raise DomainError(N_("The finish must be after the start."))
        old = day.finished_at
        day.finished_at = value
    else:
        raise DomainError(N_("Correct the start or the finish."))
    await session.flush()
    await _recheck_violations(session, user, day)
    row = await _record_correction(session, user, day, field, old, value, reason)
    return day, row, await reopen_report(session, day)


async def review_correction(
    session: AsyncSession,
    actor: Actor,
    correction_id: int,
    approve: bool,
    now: datetime | None = None,
) -> tuple[DayCorrection, User]:
    """The supervisor (or an admin) approves, or rejects and restores the old value."""
    row = await session.get(DayCorrection, correction_id)
    if row is None or row.team_id != actor.team_id:
        raise not_found()
    person = await db.get(session, User, row.user_id)
    assert person is not None
    if not (actor.is_admin or person.supervisor_id == actor.user_id) or person.id == actor.user_id:
        raise forbidden()
    if row.status != "pending":
        raise DomainError(N_("This correction has already been reviewed."))
    row.status = "approved" if approve else "rejected"
    row.reviewer_id = actor.user_id
    row.reviewed_at = now or utcnow()
    if not approve:
        day = await session.get(WorkDay, row.day_id)
        if day is not None and row.old_value is not None:
            if row.field == "start" and day.started_at == row.new_value:
                day.started_at = row.old_value
            elif row.field == "finish" and day.finished_at == row.new_value:
                day.finished_at = row.old_value
            await session.flush()
            await _recheck_violations(session, person, day)
    await session.flush()
    return row, person


async def corrections(
    session: AsyncSession, actor: Actor, user_id: int, page: int, per_page: int
) -> Page[DayCorrection]:
    """A person's correction history: their own, their supervisor's or an admin's view."""
    person = await get_team_user(session, actor, user_id)
    if not (person.id == actor.user_id or actor.is_admin or person.supervisor_id == actor.user_id):
        raise Forbidden(
            N_("{person}'s corrections are seen by their supervisor and by admins only."),
            person=person.name,
        )
    query = (
        select(DayCorrection)
        .where(DayCorrection.user_id == person.id)
        .order_by(DayCorrection.created_at.desc(), DayCorrection.id.desc())
    )
    return await paginate(session, query, page, per_page)


async def reviewers_of(session: AsyncSession, user_id: int) -> list[User]:
    """Who reviews a person's time: their supervisor, or without one the team's other
    admins (an admin without a supervisor may have nobody)."""
    boss = await supervisor_of(session, user_id)
    if boss is not None:
        return [boss]
    user = await db.get(session, User, user_id)
    if user is None:
        return []
    admins = await session.execute(
        select(User)
        .where(
            User.team_id == user.team_id,
            User.role == "admin",
            User.active.is_(True),
            User.id != user_id,
        )
        .order_by(User.id)
    )
    return list(admins.scalars())


async def accept_unreviewed(session: AsyncSession, correction: DayCorrection) -> None:
    """Nobody can review the correction: it stands as it is."""
    correction.status = "approved"
    correction.reviewed_at = utcnow()
    await session.flush()


async def _recheck_violations(session: AsyncSession, user: User, day: WorkDay) -> None:
    """A corrected start or finish: the day's late start, early finish and short day
    are measured again (a day left open stays noted)."""
    await forget_violations(session, day, ("late_start", "early_finish", "short_day"))
    await late_start(session, user, await schedule_of(session, user), day)
    if day.status == "closed":
        await finish_violations(session, user, day, left_open=False)
    await session.flush()


async def supervisor_of(session: AsyncSession, user_id: int) -> User | None:
    user = await db.get(session, User, user_id)
    if user is None or user.supervisor_id is None:
        return None
    boss = await db.get(session, User, user.supervisor_id)
    return boss if boss is not None and boss.active else None
