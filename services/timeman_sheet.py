"""Timesheets: whose the actor may see, and their worked time per day with violations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.teams import User
from models.timeman import Violation, WorkDay
from services import timeman, timeman_clock
from services.access import Actor, get_team_user, require_staff
from services.errors import N_, DomainError, forbidden
from services.timeman_schedules import schedules_of


@dataclass(slots=True)
class SheetRow:
    user: User
    days: dict[date, int] = field(default_factory=dict)  # worked seconds per local date
    spans: dict[date, WorkDay] = field(default_factory=dict)  # each date's day: its times
    violations: dict[str, int] = field(default_factory=dict)
    open_days: int = 0
    left_open: set[date] = field(default_factory=set)  # earlier days nobody closed

    @property
    def total(self) -> int:
        return sum(self.days.values())


async def sheet_people(
    session: AsyncSession,
    actor: Actor,
    *,
    user_id: int | None = None,
    group_id: int | None = None,
    team: bool = False,
    everyone: bool = False,
) -> list[User]:
    """Whose timesheet the actor may see: their own; a report's, as supervisor; anyone's,
    as admin; a group's members, as the group's owner or moderator (or an admin);
    `team`: the people the actor supervises (an admin who supervises nobody: the whole
    staff, the team an admin asks about); `everyone`: the whole staff, as admin."""
    require_staff(actor)
    if everyone:
        if not actor.is_admin:
            raise DomainError(
                N_("The whole team's timesheet is for admins; /timesheet team shows your people.")
            )
        return await _staff(session, actor)
    if team:
        rows = await session.execute(
            select(User)
            .where(
                User.team_id == actor.team_id,
                User.supervisor_id == actor.user_id,
                User.active.is_(True),
            )
            .order_by(User.name)
        )
        people = list(rows.scalars())
        if not people and actor.is_admin:
            return await _staff(session, actor)
        if not people:
            raise DomainError(
                N_(
                    "Nobody reports to you. A team admin sets supervisors: "
                    "/team supervisor @person @supervisor"
                )
            )
        return people
    if group_id is not None:
        from models.groups import GroupMember
        from services.groups import get_manageable_group

        group = await get_manageable_group(session, actor, group_id, to_read=True)
        rows = await session.execute(
            select(User)
            .join(GroupMember, GroupMember.user_id == User.id)
            .where(GroupMember.group_id == group.id, User.active.is_(True))
            .order_by(User.name)
        )
        return list(rows.scalars())
    person = await get_team_user(session, actor, user_id or actor.user_id)
    if person.id != actor.user_id and not actor.is_admin and person.supervisor_id != actor.user_id:
        raise forbidden()
    return [person]


async def _staff(session: AsyncSession, actor: Actor) -> list[User]:
    """Everyone on the team's staff, for an admin's timesheet."""
    rows = await session.execute(
        select(User)
        .where(
            User.team_id == actor.team_id,
            User.role != "extranet",  # no working day of theirs to count
            User.active.is_(True),
        )
        .order_by(User.name)
    )
    return list(rows.scalars())


async def timesheet(
    session: AsyncSession, people: list[User], first: date, last: date, now: datetime | None = None
) -> list[SheetRow]:
    """Worked time per person and day in [first, last], with violations counted.
    `people` must come from sheet_people (which checks access)."""
    now = now or utcnow()
    ids = [p.id for p in people]
    rows = {p.id: SheetRow(user=p) for p in people}
    if not ids:
        return []
    days = await session.execute(
        select(WorkDay).where(WorkDay.user_id.in_(ids), WorkDay.day >= first, WorkDay.day <= last)
    )
    schedules = await schedules_of(session, people)
    for day in days.scalars():
        row = rows[day.user_id]
        until = now
        if day.status != "closed":
            row.open_days += 1
            if timeman.left_open(day, now, row.user.timezone):
                # a day left open from an earlier date counts to its planned end, not
                # until now (23 hours by the next morning); the sheet marks it
                row.left_open.add(day.day)
                planned = timeman_clock.at_local(
                    day.day, schedules[day.user_id].end_minute, row.user.timezone
                )
                until = min(now, max(day.started_at, planned))
        row.days[day.day] = int(timeman_clock.worked(day, until).total_seconds())
        row.spans[day.day] = day
    found = await session.execute(
        select(Violation.user_id, Violation.kind, func.count())
        .join(WorkDay, WorkDay.id == Violation.day_id)
        .where(Violation.user_id.in_(ids), WorkDay.day >= first, WorkDay.day <= last)
        .group_by(Violation.user_id, Violation.kind)
    )
    for uid, kind, count in found:
        rows[uid].violations[kind] = int(count)
    return [rows[i] for i in ids]
