"""Event reminders as notifications due before each occurrence, in each
person's language and zone; re-queued when an event changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.calendar_views import event_span
from handlers.core import Ctx
from handlers.i18n import Translator
from handlers.markup import Span, bold
from handlers.views import Button, View
from models.calendar import Event
from models.outbox import OutboxMessage
from services import calendar_reminders, notifications, notifications_quiet, outbox, reminders_stale


async def queue_reminders(
    ctx: Ctx, event: Event, *, drop: bool = False, only_me: bool = False
) -> None:
    """(Re)queue the reminders of an event's coming occurrences for everyone in it;
    `only_me`: the actor answered, so only their queued reminders are redone."""
    if drop:
        await calendar_reminders.drop_reminders(
            ctx.session, event, user_id=ctx.me.user_id if only_me else None
        )
    await queue_event_reminders(ctx.session, event)


async def queue_event_reminders(
    session: AsyncSession, event: Event, now: datetime | None = None
) -> int:
    """Queue the reminders not queued yet (unique dedup keys); returns how many."""
    return await _queue(session, await calendar_reminders.due_reminders(session, event, now))


async def queue_series_reminders(
    session: AsyncSession, series: Sequence[Event], now: datetime | None = None
) -> int:
    """queue_event_reminders for many series at once (a group back from the archive,
    the top-up tick), in a fixed number of queries."""
    return await _queue(session, await calendar_reminders.series_reminders(session, series, now))


async def _queue(session: AsyncSession, dues: list[calendar_reminders.DueReminder]) -> int:
    taken: set[str] = set()
    for part in outbox.chunks([due.dedup_key for due in dues]):
        found = await session.scalars(
            select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.in_(part))
        )
        taken.update(key for key in found if key)
    quiet = await notifications_quiet.quiet_hours_of(
        session, {due.user.id: due.user for due in dues}.values()
    )
    notes: list[notifications.Note] = []
    for due in dues:
        if due.dedup_key in taken:
            continue
        taken.add(due.dedup_key)
        # worded for when it arrives: "today 10:00", though queued days ahead (and
        # held by quiet hours)
        user = due.user
        arrives = notifications_quiet.quiet_until(quiet[user.id], user.timezone, due.due_at)
        tr = Translator(user.locale, user.timezone, read_at=arrives or due.due_at)
        occ = due.occurrence
        view = View(
            body=tr(
                "⏰ {title} starts {when}.",
                title=bold(occ.event.title),
                when=event_span(tr, occ.event, occ.starts_at, occ.ends_at),
            ),
            ref=f"event:{occ.series_id}",
        )
        if occ.event.place:
            view.body.append(Span("\n"))
            view.body.extend(tr("Where: {place}", place=occ.event.place))
        key = f":{occ.key}" if occ.recurring else ""
        view.row(Button(tr.s("Open"), f"ev:o:{occ.series_id}{key}"))
        notes.append(
            notifications.Note(
                user,
                kind="reminder",
                payload=view.to_dict(),
                ref=f"event:{occ.series_id}",
                dedup_key=due.dedup_key,
                due_at=due.due_at,
                # not sent once it has started (an all-day one: reminded that morning)
                stale=reminders_stale.guard(
                    until=occ.ends_at if occ.event.all_day else occ.starts_at
                ),
                shown_at=due.due_at,  # it reaches the centre when it is due
            )
        )
    return await notifications.notify_all(session, notes)


async def top_up_reminders(session: AsyncSession, now: datetime | None = None) -> int:
    """For a periodic tick: reminders of recurring series beyond the queued horizon."""
    series = await calendar_reminders.live_series(session, now)
    return await queue_series_reminders(session, series, now)
