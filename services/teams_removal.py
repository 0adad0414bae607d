"""Removing people from the team and bringing them back: who may be removed, what
goes with them (their chats, waiting messages, invites, groups; their work is handed
over, see teams_handover), and the list of those who left."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import db
from models.calendar import Event
from models.groups import Group, GroupMember
from models.outbox import OutboxMessage
from models.teams import Identity, Invite, Role, User
from services import teams_handover
from services.access import Actor, get_team_user, require_admin
from services.errors import N_, DomainError, not_found
from services.groups_members import drop_member
from services.pagination import Page, paginate
from services.teams import admins_left
from services.users import match_names


async def removable(session: AsyncSession, actor: Actor, user_id: int) -> User:
    """The person, if the actor may remove them (asked before the confirmation too)."""
    require_admin(actor)
    user = await get_team_user(session, actor, user_id)
    if user.id == actor.user_id:
        raise DomainError(N_("You cannot remove yourself; another admin can."))
    if not user.active:
        raise DomainError(N_("{person} is not in the team any more."), person=user.name)
    if user.role == Role.ADMIN.value and not await admins_left(
        session, actor.team_id, without=user.id
    ):
        raise DomainError(N_("The team needs at least one admin."))
    return user


async def remove_member(
    session: AsyncSession, actor: Actor, user_id: int, successor_id: int | None = None
) -> tuple[User, list[Event]]:
    """An admin takes someone out of the team: they can no longer use it and hear
    nothing from it; what they did (tasks, comments, deals) stays, and so do they in
    history. Not oneself; not the last admin. Their coming events go to the successor
    (the admin unless named), who organises them, and so do their repeating tasks,
    the approvals they owe as creator and their files; nobody reports to them any more. Returns them
    and those events (their open tasks and records: the caller hands them over, see
    teams_handover)."""
    user = await removable(session, actor, user_id)
    successor = await teams_handover.successor(
        session, actor, successor_id or actor.user_id, user.id
    )
    user.active = False
    await session.execute(update(Identity).where(Identity.user_id == user.id).values(active=False))
    # out of each group as leaving it takes one out: its events go with it, so a
    # person brought back later does not find a closed group's calendar
    their_groups = await session.scalars(
        select(GroupMember.group_id).where(GroupMember.user_id == user.id)
    )
    for group_id in their_groups.all():
        await drop_member(session, group_id, user.id)
    # nor do the messages still waiting for them (held by quiet hours, queued ahead)
    # go out once they are back
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.user_id == user.id, OutboxMessage.status == "pending")
        .values(status="dropped", error="removed from the team", claimed_until=None)
    )
    # what they handed out or held stops with them: their invites, the groups they
    # owned (to the admin who removed them), a CRM grant
    await session.execute(
        update(Invite)
        .where(Invite.created_by == user.id, Invite.revoked.is_(False))
        .values(revoked=True)
    )
    await session.execute(
        update(Group)
        .where(Group.team_id == user.team_id, Group.owner_id == user.id)
        .values(owner_id=actor.user_id)
    )
    try:
        from models.crm import CrmGrant

        await session.execute(delete(CrmGrant).where(CrmGrant.user_id == user.id))
    except ImportError:  # pragma: no cover - a build without the CRM
        pass
    events = await teams_handover.leave_events(session, user.id, successor.id)
    await teams_handover.hand_over_repeats(session, user, successor.id)
    await teams_handover.hand_over_approvals(session, user, successor.id)
    await teams_handover.hand_over_files(session, user, successor.id)
    await teams_handover.clear_supervisor(session, user.id)
    await session.flush()
    return user, events


def _removed(actor: Actor) -> Select[Any]:
    return select(User).where(User.team_id == actor.team_id, User.active.is_(False))


async def find_removed(session: AsyncSession, actor: Actor, name: str) -> list[User]:
    """People who left the team, found as /people finds people: by @username, the
    exact name, or part of it (any case)."""
    require_admin(actor)
    token = name.strip().lstrip("@").strip()
    if not token:
        return []
    rows = list(await session.scalars(_removed(actor).order_by(User.name)))
    by_username = [u for u in rows if (u.username or "").casefold() == token.casefold()]
    return by_username or match_names(rows, token)


async def removed_people(
    session: AsyncSession, actor: Actor, page: int = 1, per_page: int = 10
) -> Page[User]:
    """Everyone who left the team, by name."""
    require_admin(actor)
    return await paginate(session, _removed(actor).order_by(User.name, User.id), page, per_page)


async def restore_member(session: AsyncSession, actor: Actor, user_id: int) -> User:
    """An admin brings back someone removed, as an employee (or the extranet member
    they were, without groups: add them to one)."""
    require_admin(actor)
    user = await db.get(session, User, user_id)
    if user is None or user.team_id != actor.team_id:
        raise not_found()
    if user.active:
        raise DomainError(N_("{person} is in the team."), person=user.name)
    user.active = True
    if user.role == Role.ADMIN.value:
        user.role = Role.EMPLOYEE.value
    await session.execute(update(Identity).where(Identity.user_id == user.id).values(active=True))
    await session.flush()
    return user
