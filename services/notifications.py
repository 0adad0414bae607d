"""Notify a person: a row in their notification centre and, unless they muted it or
take a digest, a message in the outbox — both in the transaction of the change that
causes them. Quiet hours (services.notifications_quiet: the person's own, or their
team's default) move the message to the end of the quiet period."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.notifications import Notification, NotificationMute, NotificationSettings
from models.outbox import STALE, OutboxMessage
from models.teams import User
from services import outbox
from services.notifications_quiet import QuietHours, quiet_hours_of, quiet_until

# reminders they asked for are never digested
NEVER_DIGESTED = frozenset({"reminder"})
# in a notice's payload: what it gathers ("comments:post:12") and how many so far; while
# the person has neither read it nor been told of it (its message still waits to go out,
# or their digest is to come), the next of the kind updates it instead (see notify)
BATCH, BATCH_SIZE = "batch", "batch_n"
# in a gathering notice's payload only: muted when written (no message will tell of it,
# so it gathers while unread); the notice it took the place of, {"ref", "payload"}: what
# it says again if the newest thing it tells of is deleted (see forget_item)
SILENT, PREVIOUS = "silent", "previous"


async def digested(session: AsyncSession, user_id: int, kind: str) -> bool:
    """Whether a notification of this kind waits for the person's digest (read hours or
    days later: its text should not say "today" or "tomorrow")."""
    prefs = await session.get(NotificationSettings, user_id)
    return prefs is not None and prefs.digest != "off" and kind not in NEVER_DIGESTED


def item_ref(ref: str) -> str:
    """The item a reference is about: "task:12:345" (a comment on it) is "task:12"."""
    return ":".join(ref.split(":")[:2])


async def prefs_of(
    session: AsyncSession, user_ids: Collection[int]
) -> dict[int, NotificationSettings]:
    """The notification settings of many people at once (those who have any)."""
    found: dict[int, NotificationSettings] = {}
    for part in outbox.chunks(sorted(user_ids)):
        rows = await session.scalars(
            select(NotificationSettings).where(NotificationSettings.user_id.in_(part))
        )
        found.update({row.user_id: row for row in rows})
    return found


async def _mutes_of(
    session: AsyncSession, user_ids: Collection[int], refs: Collection[str]
) -> set[tuple[int, str]]:
    """Which of `refs` (and the items they are under) each of the people muted."""
    keys = sorted({key for ref in refs for key in (ref, item_ref(ref))})
    if not user_ids or not keys:
        return set()
    found: set[tuple[int, str]] = set()
    for part in outbox.chunks(keys):
        rows = await session.execute(
            select(NotificationMute.user_id, NotificationMute.ref).where(
                NotificationMute.user_id.in_(sorted(user_ids)), NotificationMute.ref.in_(part)
            )
        )
        found.update((user_id, ref) for user_id, ref in rows.all())
    return found


def _is_muted(
    prefs: NotificationSettings | None,
    mutes: set[tuple[int, str]],
    user_id: int,
    kind: str,
    ref: str | None,
) -> bool:
    if prefs is not None and kind in (prefs.muted_kinds or []):
        return True
    # the item muted mutes what happens under it (its comments), but not a mention of the
    # person: that is addressed to them (muting mentions as a kind silences those too)
    if ref is not None and kind != "mention":
        return any((user_id, key) in mutes for key in (ref, item_ref(ref)))
    return False


async def retract(session: AsyncSession, user_id: int, ref: str) -> None:
    """What was taken back (a like) leaves the person's notification centre."""
    await session.execute(
        delete(Notification).where(Notification.user_id == user_id, Notification.ref == ref)
    )
    await session.flush()


async def forget_item(session: AsyncSession, team_id: int, ref: str) -> None:
    """An item is deleted: its notices (and its comments') leave everyone's notification
    centre, with the text they quote, and the messages about it still waiting to go out
    are called off, and mutes of it go. Messages already delivered stay in the chats;
    their buttons find nothing. A notice gathering it with others (the newest of several
    comments) says again what it said before it came, and its message too."""
    await _ungather(session, team_id, ref)
    await session.execute(
        delete(Notification).where(
            Notification.team_id == team_id,
            or_(Notification.ref == ref, Notification.ref.startswith(ref + ":")),
        )
    )
    await session.execute(
        delete(NotificationMute).where(
            NotificationMute.ref == ref,
            NotificationMute.user_id.in_(select(User.id).where(User.team_id == team_id)),
        )
    )
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.team_id == team_id,
            OutboxMessage.status == "pending",
            or_(
                OutboxMessage.payload["ref"].as_string() == ref,
                OutboxMessage.payload["ref"].as_string().startswith(ref + ":"),
            ),
        )
        .values(status="dropped", error="its item was deleted", claimed_until=None)
    )
    await session.flush()


def _waiting_message(user_id: int, batch: str) -> list[ColumnElement[bool]]:
    """Conditions for the person's message about the notice gathering `batch` that has
    not started going out."""
    return [
        OutboxMessage.user_id == user_id,
        OutboxMessage.status == "pending",
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < utcnow()),
        OutboxMessage.payload[BATCH].as_string() == batch,
    ]


async def _open_batch(session: AsyncSession, user_id: int, batch: str) -> Notification | None:
    """The person's notice gathering `batch`, while it may still: unread, and nothing
    has told them of it yet (it waits for their digest or its message waits to go out;
    or it was muted, and nothing will). One they were told of is closed: the next is a
    notice, and a message, of its own.

    Looked up under a lock on the person's row (an idle lock on PostgreSQL, where the
    writer's lock on SQLite already serialises), held until the change commits: two
    comments at once gather one after the other, into one notice with both counted."""
    await session.execute(select(User.id).where(User.id == user_id).with_for_update(key_share=True))
    row = await session.scalar(
        select(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.read.is_(False),
            Notification.payload[BATCH].as_string() == batch,
        )
        .order_by(Notification.id.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    )
    if row is None or not row.pushed or row.payload.get(SILENT):
        return row
    waiting = await session.scalar(
        select(OutboxMessage.id).where(*_waiting_message(user_id, batch)).limit(1)
    )
    return row if waiting is not None else None


async def batch_size(session: AsyncSession, user_id: int, batch: str) -> int:
    """How many things the person's unread notice gathering `batch` tells of (0: none):
    the next one's notice, which replaces it, tells of one more."""
    row = await _open_batch(session, user_id, batch)
    return int(row.payload.get(BATCH_SIZE, 1)) if row is not None else 0


async def close_batch(session: AsyncSession, user_id: int, batch: str) -> None:
    """The person has seen what their unread notices gathering `batch` tell (they
    answered them): they are read, and the next one is a notice of its own."""
    await session.execute(
        update(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.read.is_(False),
            Notification.payload[BATCH].as_string() == batch,
        )
        .values(read=True)
        .execution_options(synchronize_session="fetch")
    )
    await session.flush()


def _message(payload: dict[str, Any]) -> dict[str, Any]:
    """A notice's payload as its message carries it (without what only the notice keeps)."""
    return {k: v for k, v in payload.items() if k not in (SILENT, PREVIOUS)}


async def _gather(
    session: AsyncSession, row: Notification, payload: dict[str, Any], ref: str | None
) -> Notification:
    """Put a new notice into the one gathering its kind: the centre shows the new text
    (on top), and its message, still waiting to go out, says it instead. What it said
    before is kept, in case the new one is deleted."""
    kept = {SILENT: True} if row.payload.get(SILENT) else {}
    previous = {"ref": row.ref, "payload": {k: v for k, v in row.payload.items() if k != PREVIOUS}}
    row.payload = {**payload, **kept, PREVIOUS: previous}
    row.ref, row.created_at = ref, utcnow()
    await _retell(session, row.user_id, payload)
    return row


async def _retell(session: AsyncSession, user_id: int, payload: dict[str, Any]) -> None:
    """The message about a gathering notice, still waiting to go out, says `payload`."""
    await session.execute(
        update(OutboxMessage)
        .where(*_waiting_message(user_id, payload[BATCH]))
        .values(payload=_message(payload))
    )
    await session.flush()


async def _ungather(session: AsyncSession, team_id: int, ref: str) -> None:
    """`ref` (a comment) is deleted: the notices gathering it as their newest say what
    they said before it (its message, waiting, too); those that would go back to it
    forget it."""
    rows = await session.scalars(
        select(Notification).where(
            Notification.team_id == team_id,
            or_(
                Notification.ref == ref,
                Notification.payload[(PREVIOUS, "ref")].as_string() == ref,
            ),
        )
    )
    for row in rows.all():
        previous = row.payload.get(PREVIOUS)
        if previous is None or previous["ref"] == ref:
            row.payload = {k: v for k, v in row.payload.items() if k != PREVIOUS}
            continue
        if row.payload.get(SILENT):
            previous["payload"][SILENT] = True
        row.payload, row.ref = previous["payload"], previous["ref"]
        await _retell(session, row.user_id, row.payload)
    await session.flush()


async def notify(
    session: AsyncSession,
    user: User,
    *,
    kind: str,
    payload: dict[str, Any],
    ref: str | None = None,
    dedup_key: str | None = None,
    due_at: datetime | None = None,
    stale: dict[str, Any] | None = None,
    batch: str | None = None,
    kept: dict[str, Any] | None = None,
) -> Notification | None:
    """Record the notification and queue its message; inactive people get nothing.
    `kept`: the centre's copy when it is worded otherwise (with dates: it is read there
    days later, when "tomorrow" would no longer be true).

    Muted (by kind or item): recorded in the centre, no message. Digest mode: recorded
    and left for the digest. Quiet hours: the message waits until they end. `stale`
    (reminders_stale.guard): when the message is no longer worth sending; it is
    checked as the message goes out. `batch` ("comments:post:12"): while the person
    has an unread notice of the same batch that nothing has told them of yet (see
    _open_batch), this one replaces it (its payload words how many it gathers:
    batch_size, plus one) instead of adding a message.
    """
    if not user.active:
        return None
    if batch is not None:
        open_ = await _open_batch(session, user.id, batch)
        size = int(open_.payload.get(BATCH_SIZE, 1)) + 1 if open_ is not None else 1
        payload = {**payload, BATCH: batch, BATCH_SIZE: size}
        if open_ is not None:
            return await _gather(session, open_, payload, ref)
    prefs = await prefs_of(session, [user.id])
    quiet = await quiet_hours_of(session, [user], prefs)
    mutes = await _mutes_of(session, [user.id], [ref] if ref else [])
    note = Note(user, kind, payload, ref, dedup_key, due_at, stale, kept=kept)
    values, message = _planned(note, prefs.get(user.id), quiet[user.id], mutes)
    row = Notification(**values)
    session.add(row)
    await outbox.enqueue_all(session, [message] if message else [])
    await session.flush()
    return row


@dataclass(frozen=True, slots=True)
class Note:
    """One notification for notify_all (see notify); `shown_at`: when it reaches the
    centre (a reminder queued ahead: when it is due), else now."""

    user: User
    kind: str
    payload: dict[str, Any]
    ref: str | None = None
    dedup_key: str | None = None
    due_at: datetime | None = None
    stale: dict[str, Any] | None = None
    shown_at: datetime | None = None
    kept: dict[str, Any] | None = None  # the centre's copy, when it is worded otherwise


def _planned(
    note: Note,
    prefs: NotificationSettings | None,
    quiet: QuietHours | None,
    mutes: set[tuple[int, str]],
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The centre's row of a notification, and its message unless the person muted it
    or takes a digest (held by the quiet hours in effect for them, `quiet`)."""
    user = note.user
    muted = _is_muted(prefs, mutes, user.id, note.kind, note.ref)
    digest = prefs is not None and prefs.digest != "off" and note.kind not in NEVER_DIGESTED
    values = {
        "team_id": user.team_id,
        "user_id": user.id,
        "kind": note.kind,
        "ref": note.ref,
        # a gathered notice written while muted stays silent as it gathers
        "payload": {**note.payload, SILENT: True}
        if muted and BATCH in note.payload
        else (note.kept or note.payload),
        "read": False,
        "pushed": not digest or muted,
        "created_at": note.shown_at or utcnow(),
    }
    if muted or digest:
        return values, None
    when = note.due_at or utcnow()
    held = quiet_until(quiet, user.timezone, when)
    message = outbox.message_values(
        team_id=user.team_id,
        user_id=user.id,
        kind=note.kind,
        payload={**note.payload, STALE: note.stale} if note.stale else note.payload,
        dedup_key=note.dedup_key,
        due_at=held or when,
        held_from=when if held else None,
    )
    return values, message


async def notify_all(session: AsyncSession, notes: Sequence[Note]) -> int:
    """notify for many notifications at once (none of them batched; the inactive get
    nothing): the people's settings, their mutes and the messages' dedup keys are read
    in one query each, and the rows inserted in one statement each, however many there
    are. Returns how many were recorded."""
    notes = [note for note in notes if note.user.active]
    people = {note.user.id for note in notes}
    prefs = await prefs_of(session, people)
    quiet = await quiet_hours_of(
        session, {note.user.id: note.user for note in notes}.values(), prefs
    )
    mutes = await _mutes_of(session, people, {note.ref for note in notes if note.ref})
    planned = [
        _planned(note, prefs.get(note.user.id), quiet[note.user.id], mutes) for note in notes
    ]
    if planned:
        await session.execute(insert(Notification), [values for values, _ in planned])
    await outbox.enqueue_all(session, [message for _, message in planned if message])
    return len(planned)
