"""The outbox: notifications written in the same transaction as their cause."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.db import insert_for
from models.outbox import HOME, OutboxMessage
from models.teams import Identity
from services import reminders_stale

T = TypeVar("T")


CHUNK = 500  # values in one IN (...): well under every engine's limit on parameters


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """`values` in slices of at most `size` (for IN lists)."""
    for at in range(0, len(values), size):
        yield values[at : at + size]


async def enqueue(
    session: AsyncSession,
    *,
    team_id: int,
    kind: str,
    payload: dict[str, Any],
    user_id: int | None = None,
    group_id: int | None = None,
    due_at: datetime | None = None,
    dedup_key: str | None = None,
) -> bool:
    """Queue one message; with a dedup key, a second enqueue of the same key is a no-op
    (False)."""
    message = message_values(
        team_id=team_id,
        user_id=user_id,
        group_id=group_id,
        kind=kind,
        payload=payload,
        due_at=due_at,
        dedup_key=dedup_key,
    )
    return await enqueue_all(session, [message]) == 1


def message_values(
    *,
    team_id: int,
    kind: str,
    payload: dict[str, Any],
    user_id: int | None = None,
    group_id: int | None = None,
    due_at: datetime | None = None,
    dedup_key: str | None = None,
    held_from: datetime | None = None,
) -> dict[str, Any]:
    """One message for enqueue_all; `held_from`: see OutboxMessage.held_from."""
    return {
        "team_id": team_id,
        "user_id": user_id,
        "group_id": group_id,
        "kind": kind,
        "payload": payload,
        "due_at": due_at or utcnow(),
        "dedup_key": dedup_key,
        "held_from": held_from,
    }


async def enqueue_all(session: AsyncSession, messages: Sequence[dict[str, Any]]) -> int:
    """Queue many messages (message_values) at once; returns how many were queued. A
    dedup key already held is a no-op, as is its second use in `messages`; a message
    called off before it went out ("dropped") does not hold its key. The keys are
    looked up together and the messages inserted in one statement, however many."""
    keys = [message["dedup_key"] for message in messages if message["dedup_key"] is not None]
    held: dict[str, tuple[int, str]] = {}
    for part in chunks(keys):
        found = await session.execute(
            select(OutboxMessage.id, OutboxMessage.dedup_key, OutboxMessage.status).where(
                OutboxMessage.dedup_key.in_(part)
            )
        )
        held.update({key: (row_id, status) for row_id, key, status in found.all() if key})
    dropped = [row_id for row_id, status in held.values() if status == "dropped"]
    for ids in chunks(dropped):
        await session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))
    taken = {key for key, (_id, status) in held.items() if status != "dropped"}
    queued: list[dict[str, Any]] = []
    for message in messages:
        key = message["dedup_key"]
        if key is not None and key in taken:
            continue
        if key is not None:
            taken.add(key)
        queued.append(message)
    if queued:
        await session.execute(insert(OutboxMessage), queued)
    return len(queued)


HOME_EVERY = timedelta(seconds=30)  # a person's home is shown again at most this often


async def refresh_home(session: AsyncSession, *, team_id: int, user_id: int) -> None:
    """The person's home to be shown again, with what it shows when it goes out: one row
    per person, due at once, or HOME_EVERY after the last went out; while one waits, more
    changes add nothing. Not a notification: quiet hours and digests do not hold it."""
    key = f"{HOME}:{user_id}"
    row = (
        await session.execute(
            select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.sent_at).where(
                OutboxMessage.dedup_key == key
            )
        )
    ).first()
    now = utcnow()
    if row is None:
        dialect = session.get_bind().dialect.name
        await session.execute(
            insert_for(dialect)(OutboxMessage)
            .values(
                team_id=team_id,
                user_id=user_id,
                kind=HOME,
                payload={},
                dedup_key=key,
                due_at=now,
                status="pending",
                attempts=0,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["dedup_key"])
        )
        return
    row_id, status, sent_at = row
    if status == "pending":
        return
    due = max(now, sent_at + HOME_EVERY) if sent_at is not None else now
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.status == status)
        .values(status="pending", due_at=due, attempts=0, error=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )


async def take_due_for_identity(
    session: AsyncSession, platform: str, external_id: str, *, limit: int = 50
) -> list[OutboxMessage]:
    """Due pending messages for one person on one platform, marked sent (console
    delivery); reminders no longer worth sending are dropped instead, and a home to
    show again is taken with nothing to show (the console has no home)."""
    now = utcnow()
    rows = (
        (
            await session.execute(
                select(OutboxMessage)
                .join(Identity, Identity.user_id == OutboxMessage.user_id)
                .where(
                    Identity.platform == platform,
                    Identity.external_id == external_id,
                    OutboxMessage.status == "pending",
                    OutboxMessage.due_at <= now,
                )
                .order_by(OutboxMessage.due_at, OutboxMessage.id)
                .limit(limit)
            )
        )
        .scalars()
        .all()
    )
    rows = await reminders_stale.sift(session, rows, now)
    if rows:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([r.id for r in rows]))
            .values(status="sent", sent_at=now, attempts=OutboxMessage.attempts + 1)
        )
        await session.flush()
    return [row for row in rows if row.kind != HOME]
