"""Quiet hours: a person's own, or their team's default for everyone who chose none
(in each person's own zone). A message due inside them waits for their end; what they
hold follows a change of them, or of the person's zone."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.notifications import NotificationSettings
from models.outbox import OutboxMessage
from models.teams import Team, User
from services import outbox
from services.access import Actor, require_admin
from services.errors import N_, DomainError


@dataclass(frozen=True, slots=True)
class QuietHours:
    """Quiet hours in effect: minutes after local midnight (may wrap midnight)."""

    quiet_start: int
    quiet_end: int
    team: bool = False  # the team's default: the person chose none of their own


def quiet_until(hours: QuietHours | None, tz: str, at: datetime) -> datetime | None:
    """The end of the quiet period `at` falls in (UTC), or None when it is not quiet."""
    if hours is None or hours.quiet_start == hours.quiet_end:
        return None
    zone = ZoneInfo(tz)
    local = at.astimezone(zone)
    minute = local.hour * 60 + local.minute
    start, end = hours.quiet_start, hours.quiet_end
    inside = start <= minute < end if start < end else (minute >= start or minute < end)
    if not inside:
        return None
    end_day = local.date()
    if start > end and minute >= start:
        end_day = end_day + timedelta(days=1)
    naive = datetime.combine(end_day, time(end // 60, end % 60))
    # fold=0 and a round trip through UTC keep a DST gap from producing a bogus time
    return naive.replace(tzinfo=zone).astimezone(ZoneInfo("UTC"))


def follows_team(prefs: NotificationSettings | None) -> bool:
    """Whether the team's default quiet hours are the person's: they set none of their
    own, and did not turn quiet hours off."""
    return prefs is None or (prefs.quiet_start is None and not prefs.quiet_off)


def in_effect(prefs: NotificationSettings | None, team: Team | None) -> QuietHours | None:
    """The quiet hours that hold a person's messages (`prefs`: theirs, if any; `team`:
    their team): their own, none when they turned them off, else the team's default."""
    if not follows_team(prefs):
        assert prefs is not None
        if prefs.quiet_start is None or prefs.quiet_end is None:
            return None
        return QuietHours(prefs.quiet_start, prefs.quiet_end)
    if team is None or team.quiet_start is None or team.quiet_end is None:
        return None
    return QuietHours(team.quiet_start, team.quiet_end, team=True)


async def quiet_hours_of(
    session: AsyncSession,
    users: Collection[User],
    prefs: Mapping[int, NotificationSettings] | None = None,
) -> dict[int, QuietHours | None]:
    """The quiet hours in effect for each of the people (by id); `prefs`: their settings
    when already read (services.notifications.prefs_of), else read here."""
    if prefs is None:
        prefs = {}
        for part in outbox.chunks(sorted({user.id for user in users})):
            rows = await session.scalars(
                select(NotificationSettings).where(NotificationSettings.user_id.in_(part))
            )
            prefs.update({row.user_id: row for row in rows})
    teams: dict[int, Team | None] = {}
    for team_id in sorted({user.team_id for user in users}):
        teams[team_id] = await session.get(Team, team_id)  # usually one, known already
    return {user.id: in_effect(prefs.get(user.id), teams[user.team_id]) for user in users}


async def arrives_at(session: AsyncSession, user_id: int, tz: str, when: datetime) -> datetime:
    """When a message due `when` reaches the person (their id and zone): after their
    quiet hours, if it falls in them (a message queued ahead is worded for then)."""
    user = await session.get(User, user_id)
    if user is None:
        return when
    hours = (await quiet_hours_of(session, [user]))[user.id]
    return quiet_until(hours, tz, when) or when


async def follow_quiet_hours(session: AsyncSession, user: User) -> int:
    """The person changed their quiet hours or zone: their messages those held (not yet
    going out) wait for the end of the quiet hours they have now, in the zone they have
    now, or go at once when that is not quiet. Returns how many were moved."""
    return await _follow(session, [user])


async def _follow(session: AsyncSession, users: Collection[User]) -> int:
    hours = await quiet_hours_of(session, users)
    people = {user.id: user for user in users}
    now = utcnow()
    moved = 0
    for part in outbox.chunks(sorted(people)):
        rows = await session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.user_id.in_(part),
                OutboxMessage.status == "pending",
                OutboxMessage.held_from.is_not(None),
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            )
        )
        for row in rows.all():
            assert row.user_id is not None
            when = max(row.held_from or now, now)
            due = quiet_until(hours[row.user_id], people[row.user_id].timezone, when) or when
            if due != row.due_at:
                row.due_at, moved = due, moved + 1
    await session.flush()
    return moved


async def my_quiet_hours(session: AsyncSession, actor: Actor) -> QuietHours | None:
    """The quiet hours in effect for the actor (`team`: their team's default)."""
    prefs = await session.get(NotificationSettings, actor.user_id)
    return in_effect(prefs, await session.get(Team, actor.team_id))


async def team_quiet_hours(session: AsyncSession, actor: Actor) -> QuietHours | None:
    """The team's default quiet hours (None: it has none)."""
    team = await session.get(Team, actor.team_id)
    if team is None or team.quiet_start is None or team.quiet_end is None:
        return None
    return QuietHours(team.quiet_start, team.quiet_end, team=True)


async def set_team_quiet_hours(
    session: AsyncSession, actor: Actor, start: int | None, end: int | None
) -> int:
    """An admin sets the team's default quiet hours (both None: none). What they hold
    for the people who follow them follows the change. Returns how many messages
    were moved."""
    require_admin(actor)
    if (start is None) != (end is None):
        raise DomainError(N_("Quiet hours need both a start and an end."))
    if start is not None and start == end:
        raise DomainError(N_("Quiet hours start and end at different times, e.g. 22:00-08:00."))
    team = await session.get(Team, actor.team_id)
    assert team is not None
    team.quiet_start, team.quiet_end = start, end
    await session.flush()
    rows = await session.execute(
        select(User, NotificationSettings)
        .outerjoin(NotificationSettings, NotificationSettings.user_id == User.id)
        .where(User.team_id == team.id, User.active.is_(True))
    )
    return await _follow(session, [user for user, prefs in rows.all() if follows_team(prefs)])
