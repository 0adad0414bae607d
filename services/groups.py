"""Workgroups and projects: create, list, find by name, the right to manage one, open or
closed, project deadline, archive and restore (who is in a group: services.groups_members)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.groups import Group, GroupMember
from models.tasks import Task
from models.teams import Invite
from services.access import (
    Actor,
    get_readable_group,
    get_writable_group,
    may_restore,
    require_staff,
    visible_groups,
)
from services.errors import N_, DomainError, forbidden
from services.pagination import Page, paginate

NAME_MAX = 100


class NoSuchGroup(DomainError):
    """No visible group has the name; `name` is as it was typed."""

    def __init__(self, name: str) -> None:
        super().__init__(N_("There is no group called “{name}”."), name=name)
        self.name = name


class ArchivedGroup(NoSuchGroup):
    """The group named is archived: said so, with how to bring it back (or who may)."""

    def __init__(self, actor: Actor, group: Group) -> None:
        key = (
            N_("{name} is archived. To bring it back: /groups restore {name}")
            if may_restore(actor, group)
            else N_("{name} is archived; its owner or a team admin can bring it back.")
        )
        DomainError.__init__(self, key, name=group.name)
        self.name = group.name


def name_key(name: str) -> str:
    return name.strip().lstrip("#").casefold()


def clean_name(name: str) -> str:
    name = " ".join(name.strip().lstrip("#").split())
    if not name:
        raise DomainError(N_("A group needs a name."))
    if len(name) > NAME_MAX:
        raise DomainError(N_("A group name may have at most {limit} characters."), limit=NAME_MAX)
    return name


async def membership(session: AsyncSession, group_id: int, user_id: int) -> GroupMember | None:
    return await session.get(GroupMember, (group_id, user_id))


async def is_member(session: AsyncSession, group_id: int, user_id: int) -> bool:
    return await membership(session, group_id, user_id) is not None


async def create_group(
    session: AsyncSession,
    actor: Actor,
    name: str,
    *,
    is_open: bool = True,
    is_project: bool = False,
    deadline: datetime | None = None,
    description: str = "",
) -> Group:
    require_staff(actor)
    name = clean_name(name)
    taken = await session.scalar(
        select(Group.name).where(Group.team_id == actor.team_id, Group.name_key == name_key(name))
    )
    if taken is not None:
        raise DomainError(N_("A group named {name} already exists."), name=taken)
    group = Group(
        team_id=actor.team_id,
        name=name,
        name_key=name_key(name),
        is_open=is_open,
        is_project=is_project,
        deadline=deadline,
        description=description,
        owner_id=actor.user_id,
    )
    session.add(group)
    await session.flush()
    session.add(GroupMember(group_id=group.id, user_id=actor.user_id, role="owner"))
    await session.flush()
    return group


async def list_groups(
    session: AsyncSession,
    actor: Actor,
    *,
    page: int = 1,
    per_page: int = 10,
    mine: bool = False,
    manageable: bool = False,
    archived: bool = False,
) -> Page[Group]:
    """Groups the actor sees; `mine`: those they are in; `manageable`: those they may
    manage (as get_manageable_group decides: an admin any, others as owner or moderator);
    `archived`: the archived ones instead."""
    query = visible_groups(actor, archived=archived)
    if mine:
        query = query.where(
            Group.id.in_(select(GroupMember.group_id).where(GroupMember.user_id == actor.user_id))
        )
    if manageable and not actor.is_admin:
        managing = select(GroupMember.group_id).where(
            GroupMember.user_id == actor.user_id, GroupMember.role.in_(("owner", "moderator"))
        )
        query = query.where(
            or_(Group.owner_id == actor.user_id, Group.id.in_(managing))
            if not actor.is_extranet
            else Group.owner_id == actor.user_id
        )
    return await paginate(session, query.order_by(Group.name_key), page, per_page)


async def find_groups(
    session: AsyncSession, actor: Actor, text: str, *, to_read: bool = False
) -> list[Group]:
    """Visible groups by exact name, else by name prefix or substring; `to_read`:
    archived ones too (their things are read as before)."""
    key = name_key(text)
    if not key:
        return []
    query = visible_groups(actor, archived=None if to_read else False)
    exact: Group | None = (
        await session.execute(query.where(Group.name_key == key))
    ).scalar_one_or_none()
    if exact is not None:
        return [exact]
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = await session.execute(
        query.where(Group.name_key.like(f"%{escaped}%", escape="\\"))
        .order_by(Group.name_key)
        .limit(10)
    )
    return list(rows.scalars())


def _after_words(text: str, count: int) -> str:
    """The text after its first `count` words, its own spacing and lines kept."""
    return re.sub(rf"^\s*(?:\S+\s+){{{count - 1}}}\S+", "", text, count=1).strip()


async def named_at_start(
    session: AsyncSession, actor: Actor, text: str, *, to_read: bool = False
) -> tuple[Group, str]:
    """The visible group named at the start of `text` ("Acme Website fix the header":
    the longest name that is whole words of it wins) and the rest of the text; else the
    group its first word names. DomainError when none or several match (an archived
    group named is said to be, ArchivedGroup; `to_read`: it is found, to be read)."""
    text = text.strip().lstrip("#")
    if text.startswith('"') and '"' in text[1:]:  # #"Big sales"
        name, rest = text[1:].split('"', 1)
        found = await find_groups(session, actor, name, to_read=to_read)
        exact = [g for g in found if g.name_key == name_key(name)]
        if not exact:
            raise await _unknown(session, actor, name, name)
        return exact[0], rest.strip()
    group = await _named_at_start(
        session, visible_groups(actor, archived=None if to_read else False), text
    )
    if group is not None:
        return group, _after_words(text, len(group.name_key.split()))
    first = text.split(maxsplit=1)[0]
    found = await find_groups(session, actor, first, to_read=to_read)
    if len(found) == 1:
        return found[0], _after_words(text, 1)
    if not found:
        raise await _unknown(session, actor, text, first)
    names = ", ".join(g.name for g in found)
    raise DomainError(N_("Several groups match: {names}. Type the full name."), names=names)


async def _named_at_start(session: AsyncSession, groups: Select[Any], text: str) -> Group | None:
    """Of `groups`, the one whose name is the start of `text` in whole words (the
    longest such name)."""
    key = name_key(" ".join(text.split()))
    # names that are a prefix of the text, longest first (only those, not every group)
    rows = await session.scalars(
        groups.where(func.substr(key, 1, func.length(Group.name_key)) == Group.name_key).order_by(
            func.length(Group.name_key).desc()
        )
    )
    for group in rows:
        if key == group.name_key or key.startswith(group.name_key + " "):
            return group
    return None


async def _unknown(session: AsyncSession, actor: Actor, text: str, name: str) -> NoSuchGroup:
    """No group in the lists is named at the start of `text`: an archived one may be
    (said so), else there is none called `name`."""
    group = await _named_at_start(session, visible_groups(actor, archived=True), text)
    if group is None:
        return NoSuchGroup(name)
    return ArchivedGroup(actor, group)


async def get_group(session: AsyncSession, actor: Actor, group_id: int) -> Group:
    """A group the actor sees, archived or not (to read: its name, its members)."""
    return await get_readable_group(session, actor, group_id)


async def get_manageable_group(
    session: AsyncSession,
    actor: Actor,
    group_id: int,
    refusal: str | None = None,
    *,
    to_read: bool = False,
) -> Group:
    """A group the actor may manage: a team admin, or the group's owner or a moderator.
    `refusal`: what someone who may see the group but not manage it is told instead of
    a bare "no right" (a msgid with {group}). An archived group is not managed
    (ReadOnlyGroup), unless `to_read` (its timesheet)."""
    group = await (get_readable_group if to_read else get_writable_group)(session, actor, group_id)
    if actor.is_admin or group.owner_id == actor.user_id:
        return group
    member = await membership(session, group.id, actor.user_id)
    if member is not None and member.role in ("owner", "moderator") and not actor.is_extranet:
        return group
    if refusal is not None:
        raise DomainError(refusal, group=group.name)
    raise forbidden()


async def set_open(session: AsyncSession, actor: Actor, group_id: int, is_open: bool) -> Group:
    group = await get_manageable_group(session, actor, group_id)
    group.is_open = is_open
    await session.flush()
    return group


async def set_project(
    session: AsyncSession, actor: Actor, group_id: int, deadline: datetime | None
) -> Group:
    group = await get_manageable_group(session, actor, group_id)
    group.is_project = True
    group.deadline = deadline
    await session.flush()
    return group


async def open_tasks_due_after(session: AsyncSession, group: Group) -> int:
    """How many of the project's open tasks are due after its deadline (0 without one):
    said when the deadline is moved before them."""
    if not group.is_project or group.deadline is None:
        return 0
    found = await session.scalar(
        select(func.count())
        .select_from(Task)
        .where(Task.group_id == group.id, Task.is_open, Task.deadline > group.deadline)
    )
    return int(found or 0)


async def archive(session: AsyncSession, actor: Actor, group_id: int) -> tuple[Group, list[int]]:
    """The project is over: the group leaves every list and picker (visible_groups), its
    tasks, events and files stay with its members to read, but nothing is added to it or
    changed in it (access.ensure_group_writable) and its reminders stop; its invites stop
    too (revoked: a restored group gets new ones). Returns the group and its members, to
    be told."""
    group = await get_writable_group(session, actor, group_id)  # archived already: said
    if not may_restore(actor, group):
        raise DomainError(N_("Only the group's owner or a team admin can archive it."))
    group.archived = True
    await session.execute(
        update(Invite)
        .where(Invite.group_id == group.id, Invite.revoked.is_(False))
        .values(revoked=True)
    )
    try:
        from services.calendar_reminders import drop_group_reminders
    except ImportError:  # pragma: no cover - a build without the calendar
        pass
    else:
        await drop_group_reminders(session, group.id)
    await session.flush()
    return group, await _member_ids(session, group.id)


async def _member_ids(session: AsyncSession, group_id: int) -> list[int]:
    people = await session.scalars(
        select(GroupMember.user_id).where(GroupMember.group_id == group_id)
    )
    return sorted(people.all())


async def restore(session: AsyncSession, actor: Actor, name: str) -> tuple[Group, list[int]]:
    """An archived group of the actor's team, by its name, back in the lists. Returns the
    group and its members, to be told."""
    group = await session.scalar(
        select(Group).where(
            Group.team_id == actor.team_id,
            Group.archived.is_(True),
            Group.name_key == name_key(" ".join(name.strip().lstrip("#").split())),
        )
    )
    if group is None or not may_restore(actor, group):
        raise DomainError(N_("There is no archived group called {name}."), name=name.strip())
    group.archived = False
    await session.flush()
    return group, await _member_ids(session, group.id)


async def names_of(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    """Group names by id (for lists that already passed an access check)."""
    if not ids:
        return {}
    rows = await session.execute(select(Group.id, Group.name).where(Group.id.in_(sorted(ids))))
    return {int(i): str(n) for i, n in rows.all()}
