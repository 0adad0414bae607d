"""Chats bound to workgroups (`/bind GROUP` in a Telegram group or a Slack channel).

A bound chat speaks for its group: commands there act on it and the group's
notifications are delivered there. A team admin or the group's owner binds and
unbinds; a chat belongs to one group of one team at a time. The group's messages to
its chats are queued by services.chats_news.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.chats import ChatBinding
from models.groups import Group, GroupMember
from models.outbox import KICK, KICK_PEOPLE, KICK_REFUSED, OutboxMessage
from models.teams import Identity
from services.access import (
    Actor,
    get_readable_group,
    get_writable_group,
    require_staff,
    visible_groups,
)
from services.errors import N_, DomainError, Forbidden, NotFound
from services.pagination import Page, paginate

TITLE_MAX = 200


def _may_manage(actor: Actor, group: Group) -> bool:
    return actor.is_admin or group.owner_id == actor.user_id


def _require_manager(actor: Actor, group: Group) -> None:
    if not _may_manage(actor, group):
        raise Forbidden(N_("Only a team admin or the group's owner can bind a chat to it."))


async def binding_of(session: AsyncSession, platform: str, chat_id: str) -> ChatBinding | None:
    return (
        await session.execute(
            select(ChatBinding).where(
                ChatBinding.platform == platform, ChatBinding.chat_id == chat_id
            )
        )
    ).scalar_one_or_none()


async def bindable_groups(
    session: AsyncSession, actor: Actor, *, page: int = 1, per_page: int = 10
) -> Page[Group]:
    """Groups the actor may bind a chat to: every visible one for an admin, owned ones else."""
    require_staff(actor)
    query = visible_groups(actor)
    if not actor.is_admin:
        query = query.where(Group.owner_id == actor.user_id)
    return await paginate(session, query.order_by(Group.name_key), page, per_page)


async def bind(
    session: AsyncSession,
    actor: Actor,
    platform: str,
    chat_id: str,
    group_id: int,
    *,
    title: str = "",
) -> tuple[Group, bool]:
    """Bind the chat to the group; returns (group, changed). Rebinding needs rights on both."""
    require_staff(actor)
    group = await get_writable_group(session, actor, group_id)
    _require_manager(actor, group)
    current = await binding_of(session, platform, chat_id)
    if current is not None:
        if current.team_id != actor.team_id:
            raise DomainError(N_("This chat is already bound to another team's group."))
        if current.group_id == group.id:
            if title and current.title != title[:TITLE_MAX]:
                current.title = title[:TITLE_MAX]
                await session.flush()
            return group, False
        try:
            previous = await get_readable_group(session, actor, current.group_id)
        except NotFound:
            raise Forbidden(
                N_("Only a team admin or the group's owner can bind a chat to it.")
            ) from None
        _require_manager(actor, previous)
        current.group_id = group.id
        current.created_by = actor.user_id
        current.title = title[:TITLE_MAX]
    else:
        session.add(
            ChatBinding(
                team_id=actor.team_id,
                group_id=group.id,
                platform=platform,
                chat_id=chat_id,
                title=title[:TITLE_MAX],
                created_by=actor.user_id,
            )
        )
    await session.flush()
    return group, True


async def unbind(session: AsyncSession, actor: Actor, platform: str, chat_id: str) -> Group:
    require_staff(actor)
    current = await binding_of(session, platform, chat_id)
    if current is None or current.team_id != actor.team_id:
        raise DomainError(N_("This chat is not bound to a group."))
    group = await get_readable_group(session, actor, current.group_id)
    _require_manager(actor, group)
    await session.delete(current)
    await session.flush()
    return group


async def chat_closed(session: AsyncSession, platform: str, chat_id: str) -> bool:
    """The bot was removed from a group chat (or the chat is gone): its binding goes,
    so the group's messages stop going there. Whether there was one."""
    current = await binding_of(session, platform, chat_id)
    if current is None:
        return False
    await session.delete(current)
    await session.flush()
    return True


async def bound_group(
    session: AsyncSession, actor: Actor, platform: str, chat_id: str
) -> Group | None:
    """The group this chat speaks for (None: it is not bound); an archived one too (its
    things are read there, and what would add or change one is refused). Commands there
    act on it: someone who may not see it (outside a closed group, or of another team)
    is refused, never answered as in a chat that speaks for no group."""
    current = await binding_of(session, platform, chat_id)
    if current is None:
        return None
    if current.team_id != actor.team_id:
        raise Forbidden(
            N_(
                "This chat belongs to another team: commands here act on that team's "
                "group. Send me yours in a private chat."
            )
        )
    try:
        return await get_readable_group(session, actor, current.group_id)
    except NotFound:
        group = await session.get(Group, current.group_id)
        raise Forbidden(
            N_(
                "You are not a member of {group}, and commands in this chat act on it. "
                "Send me yours in a private chat."
            ),
            group=group.name if group is not None else "",
        ) from None


async def group_chats(
    session: AsyncSession, group_ids: list[int], platforms: list[str] | None = None
) -> list[ChatBinding]:
    """Where the groups' notifications go (for the outbox dispatcher)."""
    if not group_ids:
        return []
    query = select(ChatBinding).where(ChatBinding.group_id.in_(group_ids))
    if platforms is not None:
        query = query.where(ChatBinding.platform.in_(platforms))
    return list((await session.execute(query.order_by(ChatBinding.id))).scalars())


Bound = list[tuple[ChatBinding, Group]]


async def member_chats(
    session: AsyncSession, user_id: int, group_ids: list[int] | None = None
) -> Bound:
    """The chats bound to the groups the person is in (or to `group_ids` of them), each
    with its group: chats the person may be in, which the bot cannot see into."""
    query = (
        select(ChatBinding, Group)
        .join(Group, Group.id == ChatBinding.group_id)
        .join(GroupMember, GroupMember.group_id == Group.id)
        .where(GroupMember.user_id == user_id)
    )
    if group_ids is not None:
        query = query.where(Group.id.in_(group_ids))
    rows = await session.execute(query.order_by(Group.name_key, ChatBinding.id))
    return [(binding, group) for binding, group in rows.all()]


# the platforms whose senders take people out of chats (scheduler.delivery.ChatMembership)
REMOVES_MEMBERS = frozenset({"telegram", "slack"})


def chat_key(binding: ChatBinding) -> str:
    return f"{binding.platform}:{binding.chat_id}"


async def take_out_of_chats(
    session: AsyncSession,
    actor: Actor,
    user_id: int,
    bound: Bound,
    refused: dict[str, dict[str, Any]],
) -> tuple[Bound, Bound]:
    """Queue taking a person out of chats bound to groups they left (one outbox row of
    kind KICK per group, done by the platforms' senders); `refused` holds, by
    `chat_key`, the view the actor gets where the bot may not. The chats it will try,
    and those to do by hand: where the person's account is not known, or the platform
    lets no bot remove anyone."""
    accounts: dict[str, list[str]] = {}  # every account of theirs there (linked ones too)
    for platform, external_id in await session.execute(
        select(Identity.platform, Identity.external_id)
        .where(Identity.user_id == user_id)
        .order_by(Identity.id)
    ):
        accounts.setdefault(platform, []).append(external_id)
    taken = [
        (binding, group)
        for binding, group in bound
        if binding.platform in accounts and binding.platform in REMOVES_MEMBERS
    ]
    by_group: dict[int, list[ChatBinding]] = {}
    for binding, group in taken:
        by_group.setdefault(group.id, []).append(binding)
    for group_id, bindings in by_group.items():
        session.add(
            OutboxMessage(
                team_id=actor.team_id,
                user_id=None,
                group_id=group_id,
                kind=KICK,
                payload={
                    KICK_PEOPLE: {b.platform: accounts[b.platform] for b in bindings},
                    KICK_REFUSED: {
                        "team_id": actor.team_id,
                        "user_id": actor.user_id,
                        "views": {
                            chat_key(b): refused[chat_key(b)]
                            for b in bindings
                            if chat_key(b) in refused
                        },
                    },
                },
            )
        )
    return taken, [pair for pair in bound if pair not in taken]


async def private_chat_seen(
    session: AsyncSession, platform: str, external_id: str, chat_id: str
) -> bool:
    """A person wrote in their private chat: it is reachable again.

    An identity switched off because the person blocked the bot (403) is switched on,
    and one that first spoke in a group learns its private chat. Returns True when
    something changed; an existing chat id is kept.
    """
    result = await session.execute(
        update(Identity)
        .where(
            Identity.platform == platform,
            Identity.external_id == external_id,
            or_(Identity.active.is_(False), Identity.chat_id.is_(None)),
        )
        .values(active=True, chat_id=func.coalesce(Identity.chat_id, chat_id))
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def move_chat(
    session: AsyncSession, platform: str, old_chat_id: str, new_chat_id: str
) -> bool:
    """The platform gave a chat a new id (a Telegram group upgraded to a supergroup)."""
    current = await binding_of(session, platform, old_chat_id)
    if current is None or await binding_of(session, platform, new_chat_id) is not None:
        return False
    current.chat_id = new_chat_id
    await session.flush()
    return True
