"""Event reminders: the per-person lead time, the reminders due for an event's
coming occurrences, and forgetting queued ones when an event changes (or its group
is archived: none while it is)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.calendar import CalendarSettings, Event
from models.notifications import Notification
from models.outbox import OutboxMessage
from models.teams import User
from services.access import Actor, archived_group
from services.calendar import overrides_of, people_to_tell, series_answers
from services.calendar_recur import Occurrence, expand, occ_key
from services.errors import N_, DomainError

DEFAULT_REMIND = 15
REMIND_AHEAD = timedelta(days=14)  # reminders are queued this far ahead
REMIND_MAX = 20  # and at most this many occurrences of a series
ALL_DAY_REMINDER = time(9, 0)  # an all-day event is reminded of that morning


async def remind_minutes(session: AsyncSession, user_id: int) -> int:
    row = await session.get(CalendarSettings, user_id)
    return DEFAULT_REMIND if row is None else row.remind_minutes


async def set_remind_minutes(session: AsyncSession, actor: Actor, minutes: int) -> int:
    if minutes < 0 or minutes > 7 * 24 * 60:
        raise DomainError(N_("Give the minutes before an event, from 0 (no reminders) to 10080."))
    row = await session.get(CalendarSettings, actor.user_id)
    if row is None:
        row = CalendarSettings(user_id=actor.user_id, remind_minutes=minutes)
        session.add(row)
    row.remind_minutes = minutes
    await session.flush()
    return minutes


@dataclass(frozen=True, slots=True)
class DueReminder:
    user: User
    occurrence: Occurrence
    due_at: datetime
    dedup_key: str


async def due_reminders(
    session: AsyncSession, event: Event, now: datetime | None = None
) -> list[DueReminder]:
    """Reminders to queue for an event's coming occurrences (not yet past their time)."""
    now = now or utcnow()
    series = event
    if event.parent_id is not None:
        series = await session.get(Event, event.parent_id) or event
    if series.cancelled:
        return []
    if await archived_group(session, series.group_id) is not None:
        return []  # an archived group's events remind nobody until it is back
    overrides = await overrides_of(session, [series.id])
    occs = expand([series], overrides, now, now + REMIND_AHEAD)[:REMIND_MAX]
    out: list[DueReminder] = []
    declined, answered = await series_answers(session, series.id)
    for user_id in await people_to_tell(session, series, skip_declined=False):
        user = await session.get(User, user_id)
        if user is None or not user.active:
            continue
        minutes = await remind_minutes(session, user_id)
        if minutes <= 0:
            continue
        for occ in occs:
            # not for what they declined: one occurrence, or else the series
            said = answered.get((user_id, occ.key), "no" if user_id in declined else "")
            if said == "no":
                continue
            due = occ.starts_at - timedelta(minutes=minutes)
            if series.all_day:  # the morning of its first day, the person's morning
                day = occ.starts_at.astimezone(ZoneInfo(series.timezone)).date()
                due = datetime.combine(day, ALL_DAY_REMINDER, ZoneInfo(user.timezone)).astimezone(
                    UTC
                )
            if due < now:
                continue
            # an occurrence moved after its reminder went out is reminded of anew
            start = occ_key(occ.starts_at)
            moved = "" if start == occ.key else f"@{start}"
            key = f"event:{series.id}:{occ.key}{moved}:{user_id}"
            out.append(DueReminder(user, occ, due, key))
    return out


async def drop_reminders(
    session: AsyncSession,
    event: Event,
    now: datetime | None = None,
    *,
    user_id: int | None = None,
) -> None:
    """Forget the queued, not yet sent reminders of an event (before re-queuing them):
    everyone's when the event changed, one person's (`user_id`) when they answered, so
    the others' reminders due this very moment are not lost."""
    now = now or utcnow()
    series_id = event.parent_id or event.id
    pending = delete(OutboxMessage).where(
        OutboxMessage.dedup_key.like(f"event:{series_id}:%"),
        OutboxMessage.status == "pending",
        OutboxMessage.kind == "reminder",
    )
    centre = delete(Notification).where(
        Notification.kind == "reminder",
        Notification.ref == f"event:{series_id}",
        Notification.created_at > now,
    )
    if user_id is not None:
        pending = pending.where(OutboxMessage.user_id == user_id)
        centre = centre.where(Notification.user_id == user_id)
    await session.execute(pending)
    await session.execute(centre)
    await session.flush()


async def group_series(session: AsyncSession, group_id: int) -> list[Event]:
    """A group's events (a series by its first row) that were not cancelled: their
    reminders stop when the group is archived and are queued again when it is back."""
    rows = await session.scalars(
        select(Event)
        .where(Event.group_id == group_id, Event.parent_id.is_(None), Event.cancelled.is_(False))
        .order_by(Event.id)
    )
    return list(rows)


async def drop_group_reminders(session: AsyncSession, group_id: int) -> None:
    """Forget the queued, not yet sent reminders of a group's events (it was archived)."""
    for event in await group_series(session, group_id):
        await drop_reminders(session, event)


async def drop_person_reminders(
    session: AsyncSession, user_id: int, now: datetime | None = None
) -> None:
    """Forget one person's queued, not yet sent event reminders (their lead time
    changed: they are queued again at the new one)."""
    now = now or utcnow()
    await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.user_id == user_id,
            OutboxMessage.dedup_key.like("event:%"),
            OutboxMessage.status == "pending",
            OutboxMessage.kind == "reminder",
        )
    )
    await session.execute(
        delete(Notification).where(
            Notification.user_id == user_id,
            Notification.kind == "reminder",
            Notification.ref.like("event:%"),
            Notification.created_at > now,
        )
    )
    await session.flush()


async def live_series(session: AsyncSession, now: datetime | None = None) -> list[Event]:
    """Recurring series still running (for the reminder top-up tick)."""
    now = now or utcnow()
    rows = await session.execute(
        select(Event).where(
            Event.repeat != "none",
            Event.parent_id.is_(None),
            Event.cancelled.is_(False),
            Event.starts_at < now + REMIND_AHEAD,
            or_(Event.repeat_until.is_(None), Event.repeat_until >= now),
        )
    )
    return list(rows.scalars())
