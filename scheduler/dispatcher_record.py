"""Recording what the dispatcher (scheduler.dispatcher) sent: the outcome of its jobs,
gathered across its workers, and how it is written back to the outbox (sent, failed,
retried with exponential backoff, a recipient's identity or a group chat gone)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.db import insert_for
from models.outbox import KICK, KICK_REFUSED, OutboxMessage
from models.teams import Identity
from scheduler.dispatcher_claim import ChatBinding, Job

log = structlog.get_logger(__name__)

MAX_ATTEMPTS = 6
PARTS_DONE = "parts_done"  # in a retried row's payload: chat id -> parts that arrived
ALL_PARTS = 1_000_000  # a chat that has the whole message (or is gone): skipped on a retry


@dataclass(slots=True)
class Notice:
    """A message the dispatcher queues itself: what a remover hears when the bot may
    not take someone out of a chat."""

    team_id: int
    user_id: int
    payload: dict[str, Any]
    dedup_key: str


def kick_refused(job: Job, payload: dict[str, Any]) -> Notice | None:
    """The notice a kick row carries for the chat the bot may not take the person out of."""
    refused = payload.get(KICK_REFUSED)
    if not isinstance(refused, dict):
        return None
    view = (refused.get("views") or {}).get(f"{job.platform}:{job.chat_id}")
    if not isinstance(view, dict):
        return None
    key = f"{KICK}:{job.id}:{job.platform}:{job.chat_id}"
    return Notice(int(refused["team_id"]), int(refused["user_id"]), view, key)


@dataclass(slots=True)
class Outcome:
    sent: list[int] = field(default_factory=list)
    gone: list[tuple[int, int]] = field(default_factory=list)  # (row, identity)
    retry: list[tuple[int, int, str]] = field(default_factory=list)  # (row, attempts, error)
    gone_chats: list[tuple[str, str]] = field(default_factory=list)  # (platform, group chat)
    group_rows: set[int] = field(default_factory=set)  # rows sent to a group's chats
    group_chats: dict[int, set[str]] = field(default_factory=dict)  # row -> its chats now
    group_attempts: dict[int, int] = field(default_factory=dict)  # row -> this try's number
    # rows to retry whose first parts arrived: the payload that says so
    progress: dict[int, dict[str, Any]] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)  # new rows to queue


def merge_progress(into: dict[int, dict[str, Any]], more: dict[int, dict[str, Any]]) -> None:
    """A group's row goes to each chat bound to it: the parts each chat got add up."""
    for row_id, payload in more.items():
        held = into.get(row_id)
        if held is None:
            into[row_id] = payload
        else:
            held[PARTS_DONE] = {**held.get(PARTS_DONE, {}), **payload.get(PARTS_DONE, {})}


def merge_groups(into: Outcome, more: Outcome) -> None:
    for row_id, chats in more.group_chats.items():
        into.group_chats.setdefault(row_id, set()).update(chats)
    for row_id, attempts in more.group_attempts.items():
        into.group_attempts[row_id] = max(attempts, into.group_attempts.get(row_id, 0))


def merge_outcome(into: Outcome, more: Outcome) -> None:
    """What a worker (or an unrecorded flush) did, added to the outcome to record."""
    into.sent.extend(more.sent)
    into.gone.extend(more.gone)
    into.retry.extend(more.retry)
    merge_progress(into.progress, more.progress)
    into.group_rows |= more.group_rows
    into.gone_chats.extend(more.gone_chats)
    into.notices.extend(more.notices)
    merge_groups(into, more)


async def record_outcome(
    sessionmaker: async_sessionmaker[AsyncSession], outcome: Outcome, now: datetime
) -> None:
    """Write what was sent, what is gone and what is retried back to the outbox."""
    groups = outcome.group_rows
    async with sessionmaker() as session, session.begin():
        personal_sent = [row for row in outcome.sent if row not in groups]
        if personal_sent:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(personal_sent))
                .values(status="sent", sent_at=now, claimed_until=None)
            )
        for row_id, identity_id in outcome.gone:
            if not identity_id:  # a group chat that removed the bot: see below
                log.warning("group_chat_gone", row=row_id)
                continue
            await session.execute(
                update(Identity).where(Identity.id == identity_id).values(active=False)
            )
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id)
                .values(status="failed", error="recipient gone", claimed_until=None)
            )
        await _record_groups(session, outcome, now)
        if outcome.notices:
            dialect = session.get_bind().dialect.name
            await session.execute(
                insert_for(dialect)(OutboxMessage).on_conflict_do_nothing(
                    index_elements=["dedup_key"]
                ),
                [
                    {
                        "team_id": notice.team_id,
                        "user_id": notice.user_id,
                        "kind": "kick_refused",
                        "payload": notice.payload,
                        "dedup_key": notice.dedup_key,
                        "due_at": now,
                        "status": "pending",
                        "attempts": 0,
                        "created_at": now,
                    }
                    for notice in outcome.notices
                ],
            )
        for row_id, attempts, error in outcome.retry:
            if row_id in groups:
                continue
            if attempts >= MAX_ATTEMPTS:
                values: dict[str, Any] = {
                    "status": "failed",
                    "error": error,
                    "claimed_until": None,
                }
            else:
                backoff = timedelta(seconds=min(600, 2**attempts))
                values = {"due_at": now + backoff, "error": error, "claimed_until": None}
                if row_id in outcome.progress:
                    values["payload"] = outcome.progress[row_id]
            await session.execute(
                update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values)
            )


async def _record_groups(session: AsyncSession, outcome: Outcome, now: datetime) -> None:
    """A group's row is sent when each chat bound to it has it. The chats it went to
    are kept in the row (across flushes and retries). A chat that failed keeps the
    row pending for a retry of that chat alone; one still being sent to keeps it
    leased; a chat no longer bound is owed nothing; and a chat that removed the bot
    loses its binding."""
    retry_of = {row: (attempts, error) for row, attempts, error in outcome.retry}
    for row_id in sorted(outcome.group_rows):
        stored = await session.scalar(
            select(OutboxMessage.payload).where(OutboxMessage.id == row_id)
        )
        payload = dict(outcome.progress.get(row_id) or stored or {})
        chats = dict(stored.get(PARTS_DONE, {})) if isinstance(stored, dict) else {}
        chats.update(payload.get(PARTS_DONE, {}))
        payload[PARTS_DONE] = chats
        expected = outcome.group_chats.get(row_id) or set(chats)
        owed = [chat for chat in expected if chats.get(chat, 0) < ALL_PARTS]
        values: dict[str, Any] = {"payload": payload}
        if not owed:
            values.update(status="sent", sent_at=now, claimed_until=None)
        elif row_id in retry_of:
            attempts, error = retry_of[row_id]
            attempts = max(attempts, outcome.group_attempts.get(row_id, 0))
            if attempts >= MAX_ATTEMPTS:
                values.update(status="failed", error=error, claimed_until=None)
            else:
                backoff = timedelta(seconds=min(600, 2**attempts))
                values.update(
                    status="pending", due_at=now + backoff, error=error, claimed_until=None
                )
        # else: its other chats are still being sent to; the lease stays
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values)
        )
    if ChatBinding is not None:
        for platform, chat_id in set(outcome.gone_chats):
            await session.execute(
                delete(ChatBinding).where(
                    ChatBinding.platform == platform, ChatBinding.chat_id == chat_id
                )
            )
            log.warning("group_chat_unbound", platform=platform, chat=chat_id)
