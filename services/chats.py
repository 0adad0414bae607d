"""Chats bound to workgroups (`/bind GROUP` in a Telegram group or a Slack channel).

A bound chat speaks for its group: commands there act on it and the group's
notifications are delivered there. A team admin or the group's owner binds and
unbinds; a chat belongs to one group of one team at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.chats import ChatBinding
from models.groups import Group, GroupMember
from models.outbox import KICK, KICK_PEOPLE, KICK_REFUSED, SKIP_CHATS, OutboxMessage
from models.teams import Identity, User
from services import outbox
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
# in a group's message gathering one person's news of a kind (their new tasks): the key
# of what it gathers and the ids of the items it tells of so far; it waits GATHER_WINDOW
# to go out, and the next such news meanwhile joins it, up to GATHER_MAX items
GATHERS, GATHERED = "gathers", "gathered"
GATHER_WINDOW = timedelta(minutes=1)
GATHER_MAX = 20


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


@dataclass(frozen=True, slots=True)
class Gather:
    """News of one item that joins the group's message of the same `batch` (one
    person's news of a kind) while that one still waits to go out; `by`: the person."""

    batch: str
    item: int
    by: int


def _gather_key(gather: Gather, except_chat: tuple[str, str] | None) -> str:
    """Messages that leave out different chats are not gathered together."""
    return gather.batch if except_chat is None else ":".join((gather.batch, *except_chat))


async def _gathering(
    session: AsyncSession, group_id: int, key: str, by: int
) -> OutboxMessage | None:
    """The group's message gathering `key` while it may still: its time not come,
    nobody sending it, and room for more. Looked up under a lock on the person's row
    (as services.notifications does), held until the change commits: two of their
    news at once gather one after the other."""
    await session.execute(select(User.id).where(User.id == by).with_for_update(key_share=True))
    row = await session.scalar(
        select(OutboxMessage)
        .where(
            OutboxMessage.group_id == group_id,
            OutboxMessage.user_id.is_(None),
            OutboxMessage.status == "pending",
            OutboxMessage.claimed_until.is_(None),
            OutboxMessage.due_at > utcnow(),
            OutboxMessage.payload[GATHERS].as_string() == key,
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    )
    if row is None or len(row.payload.get(GATHERED) or ()) >= GATHER_MAX:
        return None
    return row


async def gathered(
    session: AsyncSession,
    group_id: int,
    gather: Gather,
    except_chat: tuple[str, str] | None = None,
) -> list[int]:
    """The items the group's message of `gather` tells of so far (none: it is to be a
    message of its own), in the order they came: the next message says them all."""
    row = await _gathering(session, group_id, _gather_key(gather, except_chat), gather.by)
    return [int(item) for item in row.payload.get(GATHERED) or ()] if row is not None else []


async def notify_group(
    session: AsyncSession,
    group: Group,
    *,
    kind: str,
    payload: dict[str, Any],
    dedup_key: str | None = None,
    except_chat: tuple[str, str] | None = None,
    gather: Gather | None = None,
) -> bool:
    """Queue a message for the chats bound to the group; False when none is bound.

    `except_chat` (platform, chat id) is left out: the chat the thing was made in
    already shows it as the command's reply. `gather`: the message (which should tell
    of the items `gathered` returned, and this one) takes the place of the one still
    gathering them; the first of a while goes at once, a next one within GATHER_WINDOW
    waits it out for more."""
    due_at: datetime | None = None
    if gather is None:
        # news of a thing whose "created" still waits to be gathered: that goes first
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.group_id == group.id,
                OutboxMessage.user_id.is_(None),
                OutboxMessage.status == "pending",
                OutboxMessage.claimed_until.is_(None),
                OutboxMessage.due_at > utcnow(),
                OutboxMessage.payload[GATHERS].as_string().is_not(None),
            )
            .values(due_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    if gather is not None:
        key = _gather_key(gather, except_chat)
        row = await _gathering(session, group.id, key, gather.by)
        items = [*(row.payload.get(GATHERED) or () if row is not None else ()), gather.item]
        payload = {**payload, GATHERS: key, GATHERED: items}
        if row is not None:
            kept = {k: v for k, v in row.payload.items() if k == SKIP_CHATS}
            row.payload = {**payload, **kept}
            await session.flush()
            return True
        # the first news goes at once; more of the same within the window (a sprint set
        # up) wait it out together, in one message
        since = utcnow() - GATHER_WINDOW
        recent = await session.scalar(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.group_id == group.id,
                OutboxMessage.user_id.is_(None),
                OutboxMessage.created_at > since,
                OutboxMessage.payload[GATHERS].as_string() == key,
            )
            .limit(1)
        )
        if recent is not None:
            due_at = utcnow() + GATHER_WINDOW
    news = GroupNews(group, kind, payload, dedup_key, except_chat, due_at)
    return bool(await notify_groups(session, [news]))


@dataclass(frozen=True, slots=True)
class GroupNews:
    """One message for the chats bound to a group (see notify_group)."""

    group: Group
    kind: str
    payload: dict[str, Any]
    dedup_key: str | None = None
    except_chat: tuple[str, str] | None = None
    due_at: datetime | None = None


async def notify_groups(session: AsyncSession, news: Sequence[GroupNews]) -> list[Group]:
    """notify_group for many messages at once: the chats bound to all their groups are
    read in one query and the messages queued together. Returns the groups of the
    messages that had a chat to go to."""
    bound: dict[int, list[ChatBinding]] = {}
    for binding in await group_chats(session, sorted({item.group.id for item in news})):
        bound.setdefault(binding.group_id, []).append(binding)
    messages: list[dict[str, Any]] = []
    told: list[Group] = []
    for item in news:
        chats = bound.get(item.group.id, [])
        others = [b for b in chats if (b.platform, b.chat_id) != item.except_chat]
        if not others:
            continue
        payload = item.payload
        if len(others) < len(chats):
            payload = {**payload, SKIP_CHATS: [list(item.except_chat or ())]}
        messages.append(
            outbox.message_values(
                team_id=item.group.team_id,
                group_id=item.group.id,
                kind=item.kind,
                payload=payload,
                dedup_key=item.dedup_key,
                due_at=item.due_at,
            )
        )
        told.append(item.group)
    await outbox.enqueue_all(session, messages)
    return told


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
