"""Work schedules: a person's own, else their team's, else Monday to Friday 9:00-18:00;
a night shift (22:00-06:00) ends the next morning. A schedule read for a person also
carries their absences and their team's days off (and working days moved onto a
weekend), so `Schedule.works_on` is the one answer to "is this their working day"."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.teams import User
from models.timeman import Absence, TeamDayOff, WorkSchedule
from services.access import Actor, get_team_user, require_admin, require_staff
from services.errors import N_, DomainError

DAY = 24 * 60
# how far the next (or previous) working day is looked for: a year of days off at most
SEARCH_DAYS = 400


@dataclass(frozen=True, slots=True)
class DayOff:
    """Days that are not as the weekdays say: the team's days off (a holiday), its
    working days (`working`: a Saturday a holiday was moved to), the person's absence."""

    first: date
    last: date
    name: str = ""
    working: bool = False
    away: bool = False


@dataclass(frozen=True, slots=True)
class Schedule:
    """Minutes from the midnight the working day starts after; a night shift ends the
    next morning, past 24:00 (22:00-06:00 is 1320-1800), so every use of the end (an
    early finish, the report prompt, a day's planned end) lands on the right morning."""

    weekdays: str = "12345"
    start_minute: int = 9 * 60
    end_minute: int = 18 * 60
    lunch_minutes: int = 60
    grace_minutes: int = 10
    # the person's absences first (they win over a team's working day), then the team's
    days_off: tuple[DayOff, ...] = ()

    @property
    def planned(self) -> timedelta:
        return timedelta(minutes=max(0, self.end_minute - self.start_minute - self.lunch_minutes))

    def day_off(self, day: date) -> DayOff | None:
        """What makes `day` other than its weekday: an absence, a team's day off or
        working day; None when its weekday decides."""
        return next((off for off in self.days_off if off.first <= day <= off.last), None)

    def works_on(self, day: date) -> bool:
        """Whether `day` is a working day: not away, not a team's day off, and one of
        the schedule's weekdays or a team's working day."""
        off = self.day_off(day)
        if off is not None:
            return off.working
        return str(day.isoweekday()) in self.weekdays

    def deadline_day(self, day: date) -> date:
        """The day a deadline said as `day` falls on: that day, or the next working day
        when a team's holiday or an absence takes it. A weekday off named is kept: the
        person's own schedule, said knowingly ("by Saturday")."""
        off = self.day_off(day)
        return day if off is None or off.working else self.working_day_from(day)

    def working_day_from(self, day: date, step: int = 1) -> date:
        """The first working day from `day` on (`step` -1: back); `day` itself when
        none is near (a schedule with no working day)."""
        found = day
        for _ in range(SEARCH_DAYS):
            if self.works_on(found):
                return found
            found += timedelta(days=step)
        return day


def _as_schedule(row: WorkSchedule | None) -> Schedule:
    if row is None:
        return Schedule()
    return Schedule(
        row.weekdays, row.start_minute, row.end_minute, row.lunch_minutes, row.grace_minutes
    )


async def schedule_of(session: AsyncSession, user: User) -> Schedule:
    """The person's schedule, else the team's, else Monday to Friday 9:00-18:00."""
    return (await schedules_of(session, [user]))[user.id]


async def schedules_of(session: AsyncSession, users: list[User]) -> dict[int, Schedule]:
    """Schedules of many people at once: their own, else their team's, else the default."""
    if not users:
        return {}
    rows = (
        await session.execute(
            select(WorkSchedule).where(
                WorkSchedule.team_id.in_({u.team_id for u in users}),
                WorkSchedule.user_id.is_(None) | WorkSchedule.user_id.in_([u.id for u in users]),
            )
        )
    ).scalars()
    own: dict[int, WorkSchedule] = {}
    team: dict[int, WorkSchedule] = {}
    for row in rows:
        if row.user_id is None:
            team[row.team_id] = row
        else:
            own[row.user_id] = row
    days_off = await _days_off_of(session, users)
    return {
        user.id: replace(
            _as_schedule(own.get(user.id) or team.get(user.team_id)), days_off=days_off[user.id]
        )
        for user in users
    }


async def _days_off_of(session: AsyncSession, users: list[User]) -> dict[int, tuple[DayOff, ...]]:
    """Each person's absences, then their team's days off and working days."""
    away: dict[int, list[DayOff]] = {user.id: [] for user in users}
    rows = await session.execute(
        select(Absence.user_id, Absence.first_day, Absence.last_day, Absence.reason).where(
            Absence.user_id.in_(list(away))
        )
    )
    for user_id, first, last, reason in rows:
        away[user_id].append(DayOff(first, last, reason, away=True))
    team: dict[int, list[DayOff]] = {user.team_id: [] for user in users}
    found = await session.scalars(
        select(TeamDayOff)
        .where(TeamDayOff.team_id.in_(list(team)))
        .order_by(TeamDayOff.first_day, TeamDayOff.id)
    )
    for row in found:
        team[row.team_id].append(DayOff(row.first_day, row.last_day, row.name, row.working))
    return {user.id: (*away[user.id], *team[user.team_id]) for user in users}


async def schedule_for(session: AsyncSession, actor: Actor, user_id: int) -> tuple[User, Schedule]:
    """A teammate's schedule, as a notice's button shows it (the id is untrusted)."""
    require_staff(actor)
    person = await get_team_user(session, actor, user_id)
    return person, await schedule_of(session, person)


async def team_schedule(session: AsyncSession, team_id: int) -> Schedule:
    return _as_schedule(
        await session.scalar(
            select(WorkSchedule).where(
                WorkSchedule.team_id == team_id, WorkSchedule.user_id.is_(None)
            )
        )
    )


async def set_schedule(
    session: AsyncSession, actor: Actor, user_id: int | None, schedule: Schedule
) -> Schedule:
    """A person sets their own schedule; an admin sets anyone's or the team's (None)."""
    require_staff(actor)
    if user_id is None or user_id != actor.user_id:
        require_admin(actor)
    if user_id is not None:
        await get_team_user(session, actor, user_id)
    if not schedule.weekdays or any(c not in "1234567" for c in schedule.weekdays):
        raise DomainError(N_("Name the work days, for example mon-fri."))
    if not 0 <= schedule.start_minute < DAY or not 0 <= schedule.end_minute <= 2 * DAY:
        raise DomainError(N_("The workday must end after it starts, for example 09:00-18:00."))
    if schedule.end_minute <= schedule.start_minute:  # a night shift: 22:00-06:00
        schedule = replace(schedule, end_minute=schedule.end_minute % DAY + DAY)
    if schedule.end_minute > schedule.start_minute + DAY:
        raise DomainError(N_("The workday must end after it starts, for example 09:00-18:00."))
    if schedule.lunch_minutes < 0 or schedule.planned <= timedelta(0):
        raise DomainError(N_("The lunch break is longer than the workday."))
    row = await session.scalar(
        select(WorkSchedule).where(
            WorkSchedule.team_id == actor.team_id,
            WorkSchedule.user_id.is_(None) if user_id is None else WorkSchedule.user_id == user_id,
        )
    )
    if row is None:
        row = WorkSchedule(team_id=actor.team_id, user_id=user_id)
        session.add(row)
    row.weekdays = "".join(sorted(set(schedule.weekdays)))
    row.start_minute = schedule.start_minute
    row.end_minute = schedule.end_minute
    row.lunch_minutes = schedule.lunch_minutes
    row.grace_minutes = schedule.grace_minutes
    await session.flush()
    return _as_schedule(row)
