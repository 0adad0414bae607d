"""Who the actor is, and the visibility rules every area applies.

A person sees their own team only. An extranet member sees only the groups they
belong to (and whatever lives inside them). Admins manage the team.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import db
from models.groups import Group, GroupMember
from models.teams import Role, User
from services.errors import N_, DomainError, forbidden, not_found


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
    return groups_of(actor.user_id)


def groups_of(uid: Any) -> Select[Any]:
    """Ids of the groups a person is in; `uid` a value or a bind parameter."""
    return select(GroupMember.group_id).where(GroupMember.user_id == uid)


def visible_groups(actor: Actor, *, archived: bool | None = False) -> Select[Any]:
    """Groups the actor may see: open or joined ones in the team; extranet: joined only.
    `archived`: the archived ones instead, that the actor would see were they not; None:
    both (an archived group's things are read as before)."""
    query = select(Group).where(Group.team_id == actor.team_id)
    if archived is not None:
        query = query.where(Group.archived.is_(archived))
    if actor.is_extranet:
        return query.where(Group.id.in_(member_group_ids(actor)))
    if actor.is_admin:
        return query
    return query.where(or_(Group.is_open.is_(True), Group.id.in_(member_group_ids(actor))))


async def get_visible_group(
    session: AsyncSession, actor: Actor, group_id: int, *, archived: bool | None = False
) -> Group:
    """A group in the actor's lists (`archived`: as visible_groups has it)."""
    group = (
        await session.execute(visible_groups(actor, archived=archived).where(Group.id == group_id))
    ).scalar_one_or_none()
    if group is None:
        raise not_found()
    return group


def may_restore(actor: Actor, group: Group) -> bool:
    """Who brings an archived group back (and archives one): its owner or a team admin."""
    return actor.is_admin or group.owner_id == actor.user_id


class ReadOnlyGroup(DomainError):
    """Something was to be added to or changed in an archived group: it is read-only."""

    def __init__(self, actor: Actor, group: Group) -> None:
        key = (
            N_(
                "{name} is archived: its tasks, events, posts and files can be read, but "
                "nothing can be added or changed. To bring it back: /groups restore {name}"
            )
            if may_restore(actor, group)
            else N_(
                "{name} is archived: its tasks, events, posts and files can be read, but "
                "nothing can be added or changed until its owner or a team admin brings "
                "it back."
            )
        )
        super().__init__(key, name=group.name)


def outside_archived_groups(group_id: Any) -> ColumnElement[bool]:
    """For a query: the row (by its `group_id` column) is no archived group's. Reminders,
    overdue notices and the day's agenda leave an archived group's things out."""
    return or_(
        group_id.is_(None), group_id.not_in(select(Group.id).where(Group.archived.is_(True)))
    )


async def archived_group(session: AsyncSession, group_id: int | None) -> Group | None:
    """The group of that id when it is archived (None: not archived, or no group)."""
    group = await session.get(Group, group_id) if group_id is not None else None
    return group if group is not None and group.archived else None


async def ensure_group_writable(session: AsyncSession, actor: Actor, group_id: int | None) -> None:
    """Refuse to add or change anything in an archived group (`group_id`: the group of
    the task, event, post or file at hand; None: not a group's)."""
    group = await archived_group(session, group_id)
    if group is not None:
        raise ReadOnlyGroup(actor, group)


async def get_writable_group(session: AsyncSession, actor: Actor, group_id: int) -> Group:
    """A visible group something new goes into: an archived one refuses (ReadOnlyGroup)
    rather than being unknown."""
    group = await get_readable_group(session, actor, group_id)
    if group.archived:
        raise ReadOnlyGroup(actor, group)
    return group


async def get_readable_group(session: AsyncSession, actor: Actor, group_id: int) -> Group:
    """A group whose things the actor reads: a visible one, archived or not (an archived
    group's tasks, events, posts and files are read as before; see get_writable_group)."""
    return await get_visible_group(session, actor, group_id, archived=None)


async def get_team_user(session: AsyncSession, actor: Actor, user_id: int) -> User:
    """A person of the actor's team whom the actor may see.

    Extranet members see only the people who share a group with them.
    """
    user = await db.get(session, User, user_id)
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
