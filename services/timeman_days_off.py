"""The team's days off (public holidays, the New Year break) and its working days moved
onto a weekend: an admin keeps them; every person's schedule reads them (see
services.timeman_schedules), so "My day", the report prompt, late starts, planned
hours, free slots, deadlines and reminders all skip them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, case, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.timeman import TeamDayOff
from services.access import Actor, require_admin, require_staff
from services.errors import N_, DomainError, not_found
from services.pagination import Page, paginate

NAME_MAX = 200


class DaysOffOverlap(DomainError):
    """Days another entry of the calendar already covers; `existing` is that one."""

    def __init__(self, existing: TeamDayOff) -> None:
        super().__init__(
            N_("These days overlap {first} – {last} {name}. Remove that one first, then add these.")
        )
        self.existing = existing


async def add_day_off(
    session: AsyncSession,
    actor: Actor,
    first_day: date,
    last_day: date,
    name: str,
    *,
    working: bool = False,
) -> TeamDayOff:
    """An admin marks days off for the whole team (or, `working`, days everyone works)."""
    require_admin(actor)
    if last_day < first_day:
        raise DomainError(N_("The days off must end on or after the day they start."))
    if (last_day - first_day).days > 366:
        raise DomainError(N_("Days off may last a year at most."))
    overlap = await session.scalar(
        select(TeamDayOff)
        .where(
            TeamDayOff.team_id == actor.team_id,
            TeamDayOff.first_day <= last_day,
            TeamDayOff.last_day >= first_day,
        )
        .order_by(TeamDayOff.first_day)
        .limit(1)
    )
    if overlap is not None:
        raise DaysOffOverlap(overlap)
    row = TeamDayOff(
        team_id=actor.team_id,
        first_day=first_day,
        last_day=last_day,
        name=" ".join(name.split())[:NAME_MAX],
        working=working,
    )
    session.add(row)
    await session.flush()
    return row


async def days_off(
    session: AsyncSession, actor: Actor, page: int, per_page: int, today: date
) -> Page[TeamDayOff]:
    """The team's calendar: days to come first (the nearest first), then those past
    (the latest first)."""
    require_staff(actor)
    past = TeamDayOff.last_day < today
    query = (
        select(TeamDayOff)
        .where(TeamDayOff.team_id == actor.team_id)
        .order_by(
            case((past, 1), else_=0),
            case((past, None), else_=TeamDayOff.first_day),
            TeamDayOff.first_day.desc(),
            TeamDayOff.id,
        )
    )
    return await paginate(session, query, page, per_page)


def _covering(team_id: int, day: date) -> Select[TeamDayOff]:
    """The team's calendar entry that covers `day`."""
    return (
        select(TeamDayOff)
        .where(
            TeamDayOff.team_id == team_id,
            TeamDayOff.first_day <= day,
            TeamDayOff.last_day >= day,
        )
        .limit(1)
    )


async def is_team_day_off(session: AsyncSession, team_id: int, day: date) -> bool:
    """Whether the team's calendar makes `day` a day off (not a moved working day)."""
    found = await session.scalar(_covering(team_id, day).where(TeamDayOff.working.is_(False)))
    return found is not None


async def day_off_on(session: AsyncSession, actor: Actor, day: date) -> TeamDayOff:
    """The entry of the team's calendar that covers `day`."""
    require_admin(actor)
    row = await session.scalar(_covering(actor.team_id, day))
    if row is None:
        raise DomainError(N_("No day off or working day is set on that date. See /team holidays"))
    return row


async def remove_day_off(session: AsyncSession, actor: Actor, row_id: int) -> TeamDayOff:
    """An admin removes an entry (the id is untrusted: a button's)."""
    require_admin(actor)
    row = await session.get(TeamDayOff, row_id)
    if row is None or row.team_id != actor.team_id:
        raise not_found()
    await session.delete(row)
    await session.flush()
    return row
