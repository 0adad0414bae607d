"""Who is in a group: joining and leaving, the members, adding and removing them, and
handing the group to a new owner. Someone out of a group is out of its events too."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.groups import Group, GroupMember
from models.teams import User
from services.access import Actor, get_readable_group, get_team_user, get_writable_group
from services.errors import N_, DomainError
from services.groups import get_manageable_group, is_member, membership
from services.pagination import Page, paginate_rows


async def join(session: AsyncSession, actor: Actor, group_id: int) -> Group:
    group = await get_writable_group(session, actor, group_id)
    if await is_member(session, group.id, actor.user_id):
        raise DomainError(N_("You are already a member of {name}."), name=group.name)
    if actor.is_extranet or (not group.is_open and not actor.is_admin):
        raise DomainError(
            N_("{name} is a closed group: ask its owner to add you."), name=group.name
        )
    session.add(GroupMember(group_id=group.id, user_id=actor.user_id, role="member"))
    await session.flush()
    return group


async def leave(session: AsyncSession, actor: Actor, group_id: int) -> Group:
    group = await get_writable_group(session, actor, group_id)
    if not await is_member(session, group.id, actor.user_id):
        raise DomainError(N_("You are not a member of {name}."), name=group.name)
    if group.owner_id == actor.user_id:
        raise DomainError(
            N_("You own {name}: hand it to someone else before leaving."), name=group.name
        )
    await drop_member(session, group.id, actor.user_id)
    return group


async def drop_member(session: AsyncSession, group_id: int, user_id: int) -> None:
    """What leaving a group does, whoever takes the person out (they themselves, the
    group's manager, an admin removing them from the team): the membership goes, and
    with it their place in the group's events. No access check: the callers make it."""
    await session.execute(
        delete(GroupMember).where(GroupMember.group_id == group_id, GroupMember.user_id == user_id)
    )
    await _leave_group_events(session, group_id, user_id)
    await session.flush()


async def _leave_group_events(session: AsyncSession, group_id: int, user_id: int) -> None:
    """Someone out of a group is out of its events too (they were invited as a member),
    except those they organise: a closed group's calendar stays its members'."""
    try:
        from models.calendar import Event, EventAttendee, EventOccurrenceAnswer
        from models.outbox import OutboxMessage
    except ImportError:  # pragma: no cover - a build without the calendar
        return
    events = select(Event.id).where(Event.group_id == group_id, Event.organizer_id != user_id)
    await session.execute(
        delete(EventAttendee).where(
            EventAttendee.user_id == user_id, EventAttendee.event_id.in_(events)
        )
    )
    await session.execute(
        delete(EventOccurrenceAnswer).where(
            EventOccurrenceAnswer.user_id == user_id, EventOccurrenceAnswer.series_id.in_(events)
        )
    )
    # and their reminders of them, queued and not sent yet
    for event_id in (await session.scalars(events.where(Event.parent_id.is_(None)))).all():
        await session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.user_id == user_id,
                OutboxMessage.status == "pending",
                OutboxMessage.dedup_key.like(f"event:{event_id}:%"),
            )
        )


async def members(
    session: AsyncSession, actor: Actor, group_id: int, *, page: int = 1, per_page: int = 10
) -> tuple[Group, Page[tuple[User, str]]]:
    group = await get_readable_group(session, actor, group_id)
    query = (
        select(User, GroupMember.role)
        .join(GroupMember, GroupMember.user_id == User.id)
        .where(GroupMember.group_id == group.id)
        .order_by(User.name)
    )
    return group, await paginate_rows(session, query, page, per_page)


async def add_member(
    session: AsyncSession, actor: Actor, group_id: int, user_id: int
) -> tuple[Group, User]:
    group = await get_manageable_group(session, actor, group_id)
    user = await get_team_user(session, actor, user_id)
    if await is_member(session, group.id, user.id):
        raise DomainError(
            N_("{person} is already a member of {name}."), person=user.name, name=group.name
        )
    session.add(GroupMember(group_id=group.id, user_id=user.id, role="member"))
    await session.flush()
    return group, user


async def remove_member(
    session: AsyncSession, actor: Actor, group_id: int, user_id: int
) -> tuple[Group, User]:
    group = await get_manageable_group(session, actor, group_id)
    user = await get_team_user(session, actor, user_id)
    if group.owner_id == user.id:
        raise DomainError(N_("The owner cannot be removed; hand the group over first."))
    if not await is_member(session, group.id, user.id):
        raise DomainError(
            N_("{person} is not a member of {name}."), person=user.name, name=group.name
        )
    await drop_member(session, group.id, user.id)
    return group, user


async def set_owner(
    session: AsyncSession, actor: Actor, group_id: int, user_id: int
) -> tuple[Group, User]:
    group = await get_manageable_group(session, actor, group_id)
    if not (actor.is_admin or group.owner_id == actor.user_id):
        # a moderator (a former owner among them) does not hand the group round
        raise DomainError(N_("Only the group's owner or a team admin can hand it over."))
    user = await get_team_user(session, actor, user_id)
    if user.role == "extranet":
        raise DomainError(N_("An extranet member cannot own a group."))
    member = await membership(session, group.id, user.id)
    if member is None:
        session.add(GroupMember(group_id=group.id, user_id=user.id, role="owner"))
    else:
        member.role = "owner"
    if group.owner_id is not None and group.owner_id != user.id:
        old = await membership(session, group.id, group.owner_id)
        if old is not None:
            old.role = "moderator"
    group.owner_id = user.id
    await session.flush()
    return group, user


async def member_count(session: AsyncSession, group_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count()).select_from(GroupMember).where(GroupMember.group_id == group_id)
        )
        or 0
    )
