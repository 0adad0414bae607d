"""Invites: an admin (or a group's owner, for extranet members of it) makes one, lists
the team's open ones and revokes them; a newcomer joins the team with one, and someone
already in the team joins the invite's group."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.groups import GroupMember
from models.teams import Invite, Role, Team
from services.access import Actor, require_admin
from services.errors import N_, DomainError, not_found
from services.groups import get_manageable_group
from services.pagination import Page, paginate
from services.teams import Newcomer, add_member
from services.teams_identity import refuse_removed, resolve_actor


async def create_invite(
    session: AsyncSession,
    actor: Actor,
    *,
    role: str,
    group_id: int | None = None,
    ttl_days: int = 14,
    max_uses: int = 50,
) -> Invite:
    """Admins invite employees; admins and group owners invite extranet members of a group."""
    if role not in (Role.EMPLOYEE.value, Role.EXTRANET.value):
        raise DomainError(N_("Unknown role."))
    if role == Role.EMPLOYEE.value:
        require_admin(actor)
    else:
        if group_id is None:
            raise DomainError(N_("Choose the group the extranet member will join."))
        group = await get_manageable_group(
            session,
            actor,
            group_id,
            refusal=N_(
                "Only the owner of {group}, its moderators or a team admin invite extranet "
                "members to it."
            ),
        )
        group_id = group.id
    invite = Invite(
        team_id=actor.team_id,
        code=secrets.token_urlsafe(9),
        role=role,
        group_id=group_id,
        created_by=actor.user_id,
        expires_at=utcnow() + timedelta(days=ttl_days),
        max_uses=max_uses,
    )
    session.add(invite)
    await session.flush()
    return invite


async def join_with_invite(
    session: AsyncSession, code: str, who: Newcomer
) -> tuple[Actor, int | None]:
    """Join the team of an invite. Returns the new actor and the invited group, if any."""
    if await resolve_actor(session, who.platform, who.external_id) is not None:
        raise DomainError(N_("You are already in a team."))
    await refuse_removed(session, who.platform, who.external_id)
    invite = (
        await session.execute(select(Invite).where(Invite.code == code.strip()))
    ).scalar_one_or_none()
    now = utcnow()
    if (
        invite is None
        or invite.revoked
        or invite.expires_at < now
        or invite.uses >= invite.max_uses
    ):
        raise DomainError(
            N_(
                "This invite code is not valid or has expired. Ask for a new one "
                "(/start without a code makes a new team of your own)."
            )
        )
    team = await session.get(Team, invite.team_id)
    assert team is not None
    user = await add_member(session, team, who, invite.role)
    if invite.group_id is not None:
        session.add(GroupMember(group_id=invite.group_id, user_id=user.id, role="member"))
    invite.uses += 1
    await session.flush()
    return Actor.of(user), invite.group_id


async def inviter(session: AsyncSession, code: str) -> int | None:
    """Who made the invite of this code (to tell them it was used)."""
    return await session.scalar(select(Invite.created_by).where(Invite.code == code.strip()))


async def join_group_with_invite(
    session: AsyncSession, actor: Actor, code: str
) -> tuple[int, bool]:
    """Someone already in the team uses an invite to one of its groups (a contractor
    asked onto a second project): they join that group. Returns the group's id and
    whether they joined it now (not already in it)."""
    invite = (
        await session.execute(select(Invite).where(Invite.code == code.strip()))
    ).scalar_one_or_none()
    if invite is not None and invite.team_id != actor.team_id:
        raise DomainError(
            N_(
                "You are already in another team. If you are alone in it, /team leave "
                "deletes it; then send /start with this code again."
            )
        )
    if invite is None or invite.group_id is None:
        raise DomainError(N_("You are already in a team."))
    if invite.revoked or invite.expires_at < utcnow() or invite.uses >= invite.max_uses:
        raise DomainError(N_("This invite code is not valid or has expired. Ask for a new one."))
    known = await session.get(GroupMember, (invite.group_id, actor.user_id))
    if known is None:
        session.add(GroupMember(group_id=invite.group_id, user_id=actor.user_id, role="member"))
        invite.uses += 1
    await session.flush()
    return invite.group_id, known is None


async def open_invites(
    session: AsyncSession, actor: Actor, page: int = 1, per_page: int = 10
) -> Page[Invite]:
    """The team's invites that still work, newest first."""
    require_admin(actor)
    query = (
        select(Invite)
        .where(
            Invite.team_id == actor.team_id,
            Invite.revoked.is_(False),
            Invite.expires_at > utcnow(),
            Invite.uses < Invite.max_uses,
        )
        .order_by(Invite.created_at.desc(), Invite.id.desc())
    )
    return await paginate(session, query, page, per_page)


async def revoke_invite(session: AsyncSession, actor: Actor, invite_id: int) -> Invite:
    require_admin(actor)
    invite = await session.get(Invite, invite_id)
    if invite is None or invite.team_id != actor.team_id:
        raise not_found()
    invite.revoked = True
    await session.flush()
    return invite
