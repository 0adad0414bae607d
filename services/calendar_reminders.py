"""Event reminders: the per-person lead time, the reminders due for an event's
coming occurrences, and forgetting queued ones when an event changes (or its group
is archived: none while it is)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, String, and_, cast, delete, exists, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.calendar import CalendarSettings, Event, EventAttendee
from models.groups import Group
from models.notifications import Notification
from models.outbox import OutboxMessage
from models.teams import User
from services.access import Actor
from services.calendar import overrides_of
from services.calendar_answers import answers_of, without_outsiders
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
    series = event
    if event.parent_id is not None:
        series = await session.get(Event, event.parent_id) or event
    return await series_reminders(session, [series], now)


async def series_reminders(
    session: AsyncSession, series: Sequence[Event], now: datetime | None = None
) -> list[DueReminder]:
    """due_reminders of many series at once (a group back from the archive, the top-up
    tick): a fixed number of queries however many series and people there are."""
    now = now or utcnow()
    groups = {row.group_id for row in series if row.group_id is not None}
    archived = set(
        await session.scalars(select(Group.id).where(Group.id.in_(groups), Group.archived))
        if groups
        else []
    )  # an archived group's events remind nobody until it is back
    live = [row for row in series if not row.cancelled and row.group_id not in archived]
    if not live:
        return []
    ids = [row.id for row in live]
    answers = await answers_of(session, ids)
    invited: dict[int, set[int]] = {series_id: set() for series_id in ids}
    rows = await session.execute(
        select(EventAttendee.event_id, EventAttendee.user_id).where(EventAttendee.event_id.in_(ids))
    )
    for series_id, user_id in rows.all():
        invited[series_id].add(user_id)
    for row in live:
        if row.organizer_id:
            invited[row.id].add(row.organizer_id)
    told = await without_outsiders(session, [(row.group_id, invited[row.id]) for row in live])
    people = sorted({user_id for ids_told in told for user_id in ids_told})
    users = {u.id: u for u in await session.scalars(select(User).where(User.id.in_(people)))}
    settings = await session.scalars(
        select(CalendarSettings).where(CalendarSettings.user_id.in_(people))
    )
    minutes = {row.user_id: row.remind_minutes for row in settings}
    coming: dict[int, list[Occurrence]] = {series_id: [] for series_id in ids}
    for occ in expand(live, await overrides_of(session, ids), now, now + REMIND_AHEAD):
        coming[occ.series_id].append(occ)
    out: list[DueReminder] = []
    for row, user_ids in zip(live, told, strict=True):
        declined, answered = answers[row.id]
        occs = coming[row.id][:REMIND_MAX]
        for user_id in sorted(user_ids):
            user = users.get(user_id)
            if user is None or not user.active:
                continue
            lead = minutes.get(user_id, DEFAULT_REMIND)
            if lead <= 0:
                continue
            out.extend(_reminders_of(row, user, lead, occs, declined, answered, now))
    return out


def _reminders_of(
    series: Event,
    user: User,
    minutes: int,
    occs: list[Occurrence],
    declined: set[int],
    answered: dict[tuple[int, int], str],
    now: datetime,
) -> list[DueReminder]:
    """One person's reminders of a series' coming occurrences, `minutes` ahead."""
    out: list[DueReminder] = []
    for occ in occs:
        # not for what they declined: one occurrence, or else the series
        said = answered.get((user.id, occ.key), "no" if user.id in declined else "")
        if said == "no":
            continue
        due = occ.starts_at - timedelta(minutes=minutes)
        if series.all_day:  # the morning of its first day, the person's morning
            day = occ.starts_at.astimezone(ZoneInfo(series.timezone)).date()
            due = datetime.combine(day, ALL_DAY_REMINDER, ZoneInfo(user.timezone)).astimezone(UTC)
        if due < now:
            continue
        # an occurrence moved after its reminder went out is reminded of anew
        start = occ_key(occ.starts_at)
        moved = "" if start == occ.key else f"@{start}"
        key = f"event:{series.id}:{occ.key}{moved}:{user.id}"
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


def _with_occurrences_ahead(now: datetime) -> ColumnElement[bool]:
    """A group's series (first rows, not cancelled) that still have occurrences ahead:
    a single event not over, a series not ended, or one with an occurrence moved ahead."""
    moved_ahead = select(Event.parent_id).where(Event.parent_id.is_not(None), Event.ends_at > now)
    return and_(
        Event.parent_id.is_(None),
        Event.cancelled.is_(False),
        or_(
            and_(Event.repeat == "none", Event.ends_at > now),
            and_(
                Event.repeat != "none",
                or_(Event.repeat_until.is_(None), Event.repeat_until >= now),
            ),
            Event.id.in_(moved_ahead),
        ),
    )


async def group_series(
    session: AsyncSession, group_id: int, now: datetime | None = None
) -> list[Event]:
    """A group's events (a series by its first row) that were not cancelled and still
    have occurrences ahead: their reminders stop when the group is archived and are
    queued again when it is back."""
    rows = await session.scalars(
        select(Event)
        .where(Event.group_id == group_id, _with_occurrences_ahead(now or utcnow()))
        .order_by(Event.id)
    )
    return list(rows)


async def drop_group_reminders(
    session: AsyncSession, group_id: int, now: datetime | None = None
) -> None:
    """Forget the queued, not yet sent reminders of a group's events (it was archived):
    two statements for all of them."""
    now = now or utcnow()
    series = select(Event.id).where(Event.group_id == group_id, _with_occurrences_ahead(now))
    ref = literal("event:", String) + cast(Event.id, String)
    await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status == "pending",
            OutboxMessage.kind == "reminder",
            exists(series.where(OutboxMessage.dedup_key.like(ref + literal(":%", String)))),
        )
    )
    await session.execute(
        delete(Notification).where(
            Notification.kind == "reminder",
            Notification.ref.in_(series.with_only_columns(ref)),
            Notification.created_at > now,
        )
    )
    await session.flush()


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
