"""Claiming the outbox's due rows for the dispatcher (scheduler.dispatcher), as jobs.

Claim: due pending rows of people who have an active identity on a platform with a
sender, locked with FOR UPDATE SKIP LOCKED on PostgreSQL (SQLite serializes writers)
and leased (`claimed_until`) so that a crashed dispatcher's rows go out again once
the lease ends: nothing is lost, and at most the batch in flight is sent twice.
Console rows are left alone: the console delivers them itself. Reminders no longer
worth sending (their person is away, their moment has passed, their task is closed:
services.reminders_stale) are dropped as they are claimed, here and in the console.
A person's row goes to their first reachable platform; a group's row to each chat
bound to the group.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.outbox import HOME, KICK, KICK_PEOPLE, SKIP_CHATS, OutboxMessage
from models.teams import Identity
from scheduler.delivery import HomePublisher, Sender
from services import reminders_stale

try:  # the chats area binds group chats; without it only people are addressed
    from models.chats import ChatBinding
except ImportError:  # pragma: no cover
    ChatBinding = None  # type: ignore[assignment,misc]


async def _group_chats(
    session: AsyncSession, group_ids: list[int], platforms: list[str]
) -> dict[int, list[tuple[str, str]]]:
    """group id -> [(platform, chat id)] of the chats bound to it."""
    if not group_ids or ChatBinding is None:
        return {}
    rows = await session.execute(
        select(ChatBinding.group_id, ChatBinding.platform, ChatBinding.chat_id)
        .where(ChatBinding.group_id.in_(group_ids), ChatBinding.platform.in_(platforms))
        .order_by(ChatBinding.id)
    )
    out: dict[int, list[tuple[str, str]]] = {}
    for group_id, platform, chat_id in rows:
        out.setdefault(group_id, []).append((platform, chat_id))
    return out


def publisher(sender: Sender) -> Callable[[str], Awaitable[None]] | None:
    """A sender's way to show a person's home again (see delivery.HomePublisher)."""
    return sender.publish_home if isinstance(sender, HomePublisher) else None


@dataclass(slots=True)
class Job:
    id: int
    platform: str
    chat_id: str
    identity_id: int
    payload: dict[str, Any]
    attempts: int
    chats: tuple[str, ...] = ()  # a group's row: every chat it goes to, this one included
    home: bool = False  # the person's home to show again (chat_id: their id on the platform)
    # a person to take out of the chat: their accounts on the platform (none known: empty)
    kick: tuple[str, ...] | None = None


async def claim_jobs(
    sessionmaker: async_sessionmaker[AsyncSession],
    senders: Mapping[str, Sender],
    now: datetime,
    *,
    batch: int,
    lease: timedelta,
) -> list[Job]:
    """Claim up to `batch` due rows for `lease` (the senders: the platforms to claim
    for, the first preferred), and the jobs that send them."""
    async with sessionmaker() as session, session.begin():
        reachable = select(Identity.user_id).where(
            Identity.platform.in_(list(senders)),
            Identity.active.is_(True),
            Identity.chat_id.is_not(None),
        )
        rows = (
            (
                await session.execute(
                    select(OutboxMessage)
                    .where(
                        OutboxMessage.status == "pending",
                        OutboxMessage.due_at <= now,
                        or_(
                            OutboxMessage.claimed_until.is_(None),
                            OutboxMessage.claimed_until < now,
                        ),
                        _addressable(list(senders), reachable),
                    )
                    .order_by(OutboxMessage.due_at, OutboxMessage.id)
                    .limit(batch)
                    .with_for_update(skip_locked=True, of=OutboxMessage)
                )
            )
            .scalars()
            .all()
        )
        if not rows:
            return []
        # the conditions again: on SQLite two readers may have seen the same rows
        won = set(
            (
                await session.execute(
                    update(OutboxMessage)
                    .where(
                        OutboxMessage.id.in_([r.id for r in rows]),
                        OutboxMessage.status == "pending",
                        or_(
                            OutboxMessage.claimed_until.is_(None),
                            OutboxMessage.claimed_until < now,
                        ),
                    )
                    .values(claimed_until=now + lease, attempts=OutboxMessage.attempts + 1)
                    .returning(OutboxMessage.id)
                    .execution_options(synchronize_session=False)
                )
            ).scalars()
        )
        rows = [r for r in rows if r.id in won]
        # a reminder that waited (queued ahead, held by quiet hours) may be stale now
        rows = await reminders_stale.sift(session, rows, now)
        users = {r.user_id for r in rows}
        identities = (
            (
                await session.execute(
                    select(Identity)
                    .where(
                        Identity.user_id.in_(users),
                        Identity.platform.in_(list(senders)),
                        Identity.active.is_(True),
                        Identity.chat_id.is_not(None),
                    )
                    .order_by(Identity.id)
                )
            )
            .scalars()
            .all()
        )
        groups = {r.group_id for r in rows if r.user_id is None and r.group_id is not None}
        bindings = await _group_chats(session, list(groups), list(senders))
    order = list(senders)
    best: dict[int, Identity] = {}
    homes: dict[int, Identity] = {}  # on a platform that shows a home
    for ident in identities:
        held: Identity | None = best.get(ident.user_id)
        if held is None or order.index(ident.platform) < order.index(held.platform):
            best[ident.user_id] = ident
        if ident.user_id not in homes and publisher(senders[ident.platform]):
            homes[ident.user_id] = ident
    jobs = []
    for row in rows:
        if row.user_id is None:
            # a group's message: every chat bound to the group on our platforms
            skip = {tuple(pair) for pair in row.payload.get(SKIP_CHATS, [])}
            bound = [b for b in bindings.get(row.group_id or 0, []) if b not in skip]
            chats = tuple(chat for _platform, chat in bound)
            people = row.payload.get(KICK_PEOPLE, {}) if row.kind == KICK else None
            for platform, chat in bound:
                job = Job(row.id, platform, chat, 0, row.payload, row.attempts + 1, chats)
                if people is not None:
                    ids = people.get(platform) or ()
                    job.kick = (ids,) if isinstance(ids, str) else tuple(str(i) for i in ids)
                jobs.append(job)
            continue
        if row.kind == HOME:  # where it can be shown; elsewhere it is dropped
            chosen = homes.get(row.user_id) or best.get(row.user_id)
            if chosen is not None:
                ref = (chosen.platform, chosen.external_id, chosen.id)
                jobs.append(Job(row.id, *ref, {}, row.attempts + 1, home=True))
            continue
        chosen = best.get(row.user_id)
        if chosen is None or chosen.chat_id is None:
            continue
        jobs.append(
            Job(
                row.id,
                chosen.platform,
                chosen.chat_id,
                chosen.id,
                row.payload,
                row.attempts + 1,
            )
        )
    return jobs


def _addressable(platforms: list[str], reachable: Any) -> Any:
    """Rows of people reachable here, and of groups with a chat bound here."""
    personal = OutboxMessage.user_id.in_(reachable)
    if ChatBinding is None:
        return personal
    bound = select(ChatBinding.group_id).where(ChatBinding.platform.in_(platforms))
    return or_(
        personal,
        and_(OutboxMessage.user_id.is_(None), OutboxMessage.group_id.in_(bound)),
    )
