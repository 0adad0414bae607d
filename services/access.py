"""Who the actor is, and the visibility rules every area applies.

A person sees their own team only. An extranet member sees only the groups they
belong to (and whatever lives inside them). Admins manage the team.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.groups import Group, GroupMember
from models.teams import Role, User
from services.errors import forbidden, not_found


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int
    team_id: int
    role: str
    name: str
    locale: str
    timezone: str

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value

    @property
    def is_extranet(self) -> bool:
        return self.role == Role.EXTRANET.value

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(
            user_id=user.id,
            team_id=user.team_id,
            role=user.role,
            name=user.name,
            locale=user.locale,
            timezone=user.timezone,
        )


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise forbidden()


def require_staff(actor: Actor) -> None:
    """Admins and employees; extranet members are outsiders."""
    if actor.is_extranet:
        raise forbidden()


def member_group_ids(actor: Actor) -> Select[Any]:
    return select(GroupMember.group_id).where(GroupMember.user_id == actor.user_id)


def visible_groups(actor: Actor, *, archived: bool = False) -> Select[Any]:
    """Groups the actor may see: open or joined ones in the team; extranet: joined only.
    `archived`: the archived ones instead, that the actor would see were they not."""
    query = select(Group).where(Group.team_id == actor.team_id, Group.archived.is_(archived))
    if actor.is_extranet:
        return query.where(Group.id.in_(member_group_ids(actor)))
    if actor.is_admin:
        return query
    return query.where(or_(Group.is_open.is_(True), Group.id.in_(member_group_ids(actor))))


async def get_visible_group(session: AsyncSession, actor: Actor, group_id: int) -> Group:
    group = (
        await session.execute(visible_groups(actor).where(Group.id == group_id))
    ).scalar_one_or_none()
    if group is None:
        raise not_found()
    return group


async def get_team_user(session: AsyncSession, actor: Actor, user_id: int) -> User:
    """A person of the actor's team whom the actor may see.

    Extranet members see only the people who share a group with them.
    """
    user = await session.get(User, user_id)
    if user is None or user.team_id != actor.team_id:
        raise not_found()
    if actor.is_extranet and user.id != actor.user_id:
        shared = await session.scalar(
            select(GroupMember.group_id)
            .where(
                GroupMember.user_id == user.id, GroupMember.group_id.in_(member_group_ids(actor))
            )
            .limit(1)
        )
        if shared is None:
            raise not_found()
    return user


def visible_people(actor: Actor) -> Select[Any]:
    query = select(User).where(User.team_id == actor.team_id, User.active.is_(True))
    if actor.is_extranet:
        peers = select(GroupMember.user_id).where(GroupMember.group_id.in_(member_group_ids(actor)))
        query = query.where(or_(User.id == actor.user_id, User.id.in_(peers)))
    return query
