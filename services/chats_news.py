"""A group's messages to the chats bound to it: queued, and one person's like news gathered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.chats import ChatBinding
from models.groups import Group
from models.outbox import SKIP_CHATS, OutboxMessage
from models.teams import User
from services import outbox
from services.chats import group_chats

# in a group's message gathering one person's news of a kind (their new tasks): the key
# of what it gathers and the ids of the items it tells of so far; it waits GATHER_WINDOW
# to go out, and the next such news meanwhile joins it, up to GATHER_MAX items
GATHERS, GATHERED = "gathers", "gathered"
GATHER_WINDOW = timedelta(minutes=1)
GATHER_MAX = 20


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
